"""SQL views: one per logical entity, one column per built-in property (a frozen snapshot).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

ARTIFACT_STATES = (
    "UNKNOWN",
    "PENDING",
    "LIVE",
    "MARKED_FOR_DELETION",
    "DELETED",
    "ABANDONED",
    "REFERENCE",
)

# view -> (MLMD table, type name, parent, [(column, property, value column)])
S, INT, D = "string_value", "int_value", "double_value"
MODEL_ARTIFACT_PROPS = [
    (p, p, S)
    for p in (
        "description",
        "model_format_name",
        "model_format_version",
        "storage_key",
        "storage_path",
        "service_account_name",
        "model_source_kind",
        "model_source_class",
        "model_source_group",
        "model_source_id",
        "model_source_name",
    )
]
VIEWS: dict[str, tuple[str, str, str | None, list[tuple[str, str, str]]]] = {
    "registered_models": (
        "Context",
        "kf.RegisteredModel",
        None,
        [
            (p, p, S)
            for p in (
                "description",
                "owner",
                "state",
                "readme",
                "maturity",
                "provider",
                "logo",
                "license",
                "license_link",
                "library_name",
            )
        ],
    ),
    "model_versions": (
        "Context",
        "kf.ModelVersion",
        "registered_model",
        [("description", "description", S), ("state", "state", S), ("author", "author", S)],
    ),
    "model_artifacts": ("Artifact", "kf.ModelArtifact", "model_version", MODEL_ARTIFACT_PROPS),
    "doc_artifacts": (
        "Artifact",
        "kf.DocArtifact",
        "model_version",
        [("description", "description", S)],
    ),
    "datasets": (
        "Artifact",
        "kf.DataSet",
        "model_version",
        [
            (p, p, S)
            for p in ("description", "digest", "source_type", "source", "schema", "profile")
        ],
    ),
    "metrics": (
        "Artifact",
        "kf.Metric",
        "model_version",
        [
            ("description", "description", S),
            ("value", "value", D),
            ("timestamp", "timestamp", S),
            ("step", "step", INT),
        ],
    ),
    "parameters": (
        "Artifact",
        "kf.Parameter",
        "model_version",
        [
            ("description", "description", S),
            ("value", "value", S),
            ("parameter_type", "parameter_type", S),
        ],
    ),
}


def _shown_name(column: Any, dialect: str) -> Any:
    """The name without its `<parentId>:` prefix, as the API shows it."""
    if dialect == "postgresql":
        position = sa.func.strpos(column, ":")
    elif dialect in ("mysql", "mariadb"):
        position = sa.func.locate(":", column)
    else:
        position = sa.func.instr(column, ":")
    return sa.func.substr(column, position + 1)


def _select(
    table_name: str,
    type_name: str,
    parent: str | None,
    props: list[tuple[str, str, str]],
    dialect: str,
) -> Any:
    entity = sa.table(
        table_name,
        sa.column("id"),
        sa.column("type_id"),
        sa.column("name"),
        sa.column("external_id"),
        sa.column("create_time_since_epoch"),
        sa.column("last_update_time_since_epoch"),
        sa.column("uri"),
        sa.column("state"),
    ).alias("e")
    type_ = sa.table("Type", sa.column("id"), sa.column("name"))
    prop_table = sa.table(
        f"{table_name}Property",
        sa.column(f"{table_name.lower()}_id"),
        sa.column("name"),
        sa.column("is_custom_property"),
        sa.column(S),
        sa.column(INT),
        sa.column(D),
    ).alias("p")
    owner = prop_table.c[f"{table_name.lower()}_id"]

    def prop(name: str, value_column: str) -> Any:
        return (
            sa.select(prop_table.c[value_column])
            .where(
                owner == entity.c.id,
                prop_table.c.name == name,
                prop_table.c.is_custom_property == sa.false(),
            )
            .scalar_subquery()
        )

    columns: list[Any] = [entity.c.id]
    if parent == "registered_model":
        columns.append(prop("registered_model_id", INT).label("registered_model_id"))
    elif parent == "model_version":
        link = sa.table("Attribution", sa.column("context_id"), sa.column("artifact_id")).alias("l")
        ctx = sa.table("Context", sa.column("id"), sa.column("type_id")).alias("c")
        owner_type = type_.alias("ct")
        first_version = (
            sa.select(sa.func.min(link.c.context_id))
            .select_from(
                link.join(ctx, ctx.c.id == link.c.context_id).join(
                    owner_type, owner_type.c.id == ctx.c.type_id
                )
            )
            .where(link.c.artifact_id == entity.c.id, owner_type.c.name == "kf.ModelVersion")
            .scalar_subquery()
        )
        columns.append(first_version.label("model_version_id"))
    shown = entity.c.name if parent is None else _shown_name(entity.c.name, dialect)
    columns += [shown.label("name"), entity.c.external_id]
    if table_name == "Artifact":
        state = sa.case(dict(enumerate(ARTIFACT_STATES)), value=entity.c.state)
        columns += [entity.c.uri, state.label("state")]
    columns += [prop(name, value_column).label(column) for column, name, value_column in props]
    columns += [entity.c.create_time_since_epoch, entity.c.last_update_time_since_epoch]
    return (
        sa.select(*columns)
        .select_from(entity.join(type_, type_.c.id == entity.c.type_id))
        .where(type_.c.name == type_name)
    )


def upgrade() -> None:
    bind = op.get_bind()
    for view, (table_name, type_name, parent, props) in VIEWS.items():
        query = _select(table_name, type_name, parent, props, bind.dialect.name)
        sql = query.compile(dialect=bind.dialect, compile_kwargs={"literal_binds": True})
        op.execute(f"DROP VIEW IF EXISTS {view}")
        op.execute(f"CREATE VIEW {view} AS {sql}")


def downgrade() -> None:
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
