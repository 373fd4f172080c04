"""Building the per-entity SQL views. Migrations pass frozen specs; this only renders them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic import op

S, INT, D = "string_value", "int_value", "double_value"
ARTIFACT_STATES = (
    "UNKNOWN", "PENDING", "LIVE", "MARKED_FOR_DELETION", "DELETED", "ABANDONED", "REFERENCE",
)  # fmt: skip
EXECUTION_STATES = ("UNKNOWN", "NEW", "RUNNING", "COMPLETE", "FAILED", "CACHED", "CANCELED")
LINK_TABLES = {
    "Artifact": ("Attribution", "artifact_id"),
    "Execution": ("Association", "execution_id"),
}


@dataclass(frozen=True)
class ViewSpec:
    """One view: an MLMD table's rows of one type, with built-in properties as columns.

    `leading` properties come right after `id` (parent ids); `linked` adds the id of the
    first context of that type the row is linked to, as `<column>`.
    """

    table: str
    type_name: str
    props: tuple[tuple[str, str, str], ...]
    prefixed: bool = False
    leading: tuple[tuple[str, str, str], ...] = ()
    linked: tuple[str, str] | None = None  # (context type name, column)


def _shown_name(column: Any, dialect: str) -> Any:
    """The name without its `<parentId>:` prefix, as the API shows it."""
    if dialect == "postgresql":
        position = sa.func.strpos(column, ":")
    elif dialect in ("mysql", "mariadb"):
        position = sa.func.locate(":", column)
    else:
        position = sa.func.instr(column, ":")
    return sa.func.substr(column, position + 1)


def _select(spec: ViewSpec, dialect: str) -> Any:
    extra = {"Artifact": ["uri", "state"], "Execution": ["last_known_state"]}.get(spec.table, [])
    common = ["id", "type_id", "name", "external_id"]
    times = ["create_time_since_epoch", "last_update_time_since_epoch"]
    entity = sa.table(spec.table, *(sa.column(c) for c in common + times + extra)).alias("e")
    type_ = sa.table("Type", sa.column("id"), sa.column("name"))
    owner_column = f"{spec.table.lower()}_id"
    props = sa.table(
        f"{spec.table}Property",
        *(sa.column(c) for c in (owner_column, "name", "is_custom_property", S, INT, D)),
    ).alias("p")

    def prop(name: str, value_column: str) -> Any:
        return (
            sa.select(props.c[value_column])
            .where(
                props.c[owner_column] == entity.c.id,
                props.c.name == name,
                props.c.is_custom_property == sa.false(),
            )
            .scalar_subquery()
        )

    columns: list[Any] = [entity.c.id]
    columns += [prop(name, kind).label(column) for column, name, kind in spec.leading]
    if spec.linked is not None:
        context_type, label = spec.linked
        link_name, link_column = LINK_TABLES[spec.table]
        link = sa.table(link_name, sa.column("context_id"), sa.column(link_column)).alias("l")
        ctx = sa.table("Context", sa.column("id"), sa.column("type_id")).alias("c")
        ctx_type = type_.alias("ct")
        first = (
            sa.select(sa.func.min(link.c.context_id))
            .select_from(
                link.join(ctx, ctx.c.id == link.c.context_id).join(
                    ctx_type, ctx_type.c.id == ctx.c.type_id
                )
            )
            .where(link.c[link_column] == entity.c.id, ctx_type.c.name == context_type)
            .scalar_subquery()
        )
        columns.append(first.label(label))
    shown = _shown_name(entity.c.name, dialect) if spec.prefixed else entity.c.name
    columns += [shown.label("name"), entity.c.external_id]
    if spec.table == "Artifact":
        state = sa.case(dict(enumerate(ARTIFACT_STATES)), value=entity.c.state)
        columns += [entity.c.uri, state.label("state")]
    elif spec.table == "Execution":
        state = sa.case(dict(enumerate(EXECUTION_STATES)), value=entity.c.last_known_state)
        columns.append(state.label("last_known_state"))
    columns += [prop(name, kind).label(column) for column, name, kind in spec.props]
    columns += [entity.c.create_time_since_epoch, entity.c.last_update_time_since_epoch]
    return (
        sa.select(*columns)
        .select_from(entity.join(type_, type_.c.id == entity.c.type_id))
        .where(type_.c.name == spec.type_name)
    )


def create_views(specs: dict[str, ViewSpec]) -> None:
    bind = op.get_bind()
    for name, spec in specs.items():
        sql = _select(spec, bind.dialect.name).compile(
            dialect=bind.dialect, compile_kwargs={"literal_binds": True}
        )
        op.execute(f"DROP VIEW IF EXISTS {name}")
        op.execute(f"CREATE VIEW {name} AS {sql}")


def drop_views(names: list[str]) -> None:
    for name in names:
        op.execute(f"DROP VIEW IF EXISTS {name}")
