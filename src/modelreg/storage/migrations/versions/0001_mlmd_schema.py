"""The MLMD schema as upstream's server creates it (a frozen snapshot).

Tables that already exist are left alone, so a database created by upstream's server is
adopted as it is.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

OPTS: dict[str, Any] = {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4"}


def _binary_collation() -> str:
    """Case-sensitive and NO PAD (so 'x' and 'x ' differ), where the server has one."""
    bind = op.get_bind()
    if bind.dialect.name not in ("mysql", "mariadb"):
        return "utf8mb4_bin"
    found = bind.execute(
        sa.text(
            "SELECT COLLATION_NAME FROM information_schema.COLLATIONS "
            "WHERE COLLATION_NAME IN ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')"
        )
    ).scalars()
    return next(iter(found), "utf8mb4_bin")


LONG_TEXT = sa.Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
BLOB = sa.LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
DOUBLE = sa.Float(precision=53).with_variant(mysql.DOUBLE(), "mysql", "mariadb")


def _create(
    name: str,
    *items: Any,
    indexes: tuple[tuple[str, list[str], dict[str, Any]], ...] = (),
    **kw: Any,
) -> None:
    if sa.inspect(op.get_bind()).has_table(name):
        return
    op.create_table(name, *items, **OPTS, mysql_collate=_binary_collation(), **kw)
    for index_name, columns, options in indexes:
        dialects = options.pop("only", None)
        if dialects and op.get_bind().dialect.name not in dialects:
            continue
        op.create_index(index_name, name, columns, **options)


def _entity(name: str, *extra: sa.Column[Any], name_nullable: bool = True) -> None:
    lower = name.lower()
    _create(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("type_id", sa.Integer, nullable=False),
        *extra,
        sa.Column("name", sa.String(255), nullable=name_nullable),
        sa.Column("external_id", sa.String(255)),
        sa.Column("create_time_since_epoch", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column(
            "last_update_time_since_epoch", sa.BigInteger, nullable=False, server_default="0"
        ),
        sa.UniqueConstraint("type_id", "name", name=f"uq_{name}_type_id_name"),
        sa.UniqueConstraint("external_id", name=f"uq_{name}_external_id"),
        indexes=(
            (f"idx_{lower}_type_id", ["type_id", "id"], {}),
            (f"idx_{lower}_create_time_since_epoch", ["create_time_since_epoch"], {}),
            (f"idx_{lower}_last_update_time_since_epoch", ["last_update_time_since_epoch"], {}),
        ),
        sqlite_autoincrement=True,
    )


def _properties(name: str, owner: str, owner_column: str) -> None:
    lower = name.lower()
    _create(
        name,
        sa.Column(
            owner_column,
            sa.Integer,
            sa.ForeignKey(f"{owner}.id", ondelete="CASCADE", name=f"fk_{name}_{owner_column}"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("is_custom_property", sa.Boolean, nullable=False),
        sa.Column("int_value", sa.BigInteger),
        sa.Column("double_value", DOUBLE),
        sa.Column("string_value", LONG_TEXT),
        sa.Column("byte_value", BLOB),
        sa.Column("proto_value", BLOB),
        sa.Column("bool_value", sa.Boolean),
        sa.PrimaryKeyConstraint(owner_column, "name", "is_custom_property", name=f"pk_{name}"),
        indexes=(
            (f"idx_{lower}_int", ["name", "is_custom_property", "int_value"], {}),
            (f"idx_{lower}_double", ["name", "is_custom_property", "double_value"], {}),
            (
                f"idx_{lower}_string",
                ["name", "is_custom_property", "string_value"],
                {"mysql_length": {"string_value": 255}, "only": ("sqlite", "mysql", "mariadb")},
            ),
        ),
    )


def upgrade() -> None:
    _create(
        "Type",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.String(255)),
        sa.Column("type_kind", sa.SmallInteger, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("input_type", sa.Text),
        sa.Column("output_type", sa.Text),
        sa.Column("external_id", sa.String(255)),
        sa.UniqueConstraint("external_id", name="uq_Type_external_id"),
        indexes=(("idx_type_name", ["name"], {}),),
        sqlite_autoincrement=True,
    )
    _create(
        "TypeProperty",
        sa.Column(
            "type_id",
            sa.Integer,
            sa.ForeignKey("Type.id", ondelete="CASCADE", name="fk_TypeProperty_type_id"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("data_type", sa.Integer),
        sa.PrimaryKeyConstraint("type_id", "name", name="pk_TypeProperty"),
    )
    _create(
        "ParentType",
        sa.Column("type_id", sa.Integer, nullable=False),
        sa.Column("parent_type_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("type_id", "parent_type_id", name="pk_ParentType"),
    )
    _entity("Artifact", sa.Column("uri", sa.Text), sa.Column("state", sa.Integer))
    _entity("Context", name_nullable=False)
    _entity("Execution", sa.Column("last_known_state", sa.Integer))
    _properties("ArtifactProperty", "Artifact", "artifact_id")
    _properties("ContextProperty", "Context", "context_id")
    _properties("ExecutionProperty", "Execution", "execution_id")
    _create(
        "ParentContext",
        sa.Column(
            "context_id",
            sa.Integer,
            sa.ForeignKey("Context.id", ondelete="CASCADE", name="fk_ParentContext_context_id"),
            nullable=False,
        ),
        sa.Column("parent_context_id", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("context_id", "parent_context_id", name="pk_ParentContext"),
        indexes=(("idx_parentcontext_parent_context_id", ["parent_context_id"], {}),),
    )
    _link("Attribution", "artifact_id", "Artifact")
    _link("Association", "execution_id", "Execution")
    _create(
        "Event",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("artifact_id", sa.Integer, nullable=False),
        sa.Column("execution_id", sa.Integer, nullable=False),
        sa.Column("type", sa.Integer, nullable=False),
        sa.Column("milliseconds_since_epoch", sa.BigInteger),
        sa.UniqueConstraint(
            "artifact_id", "execution_id", "type", name="uq_Event_artifact_id_execution_id_type"
        ),
        sqlite_autoincrement=True,
    )
    _create(
        "EventPath",
        sa.Column("event_id", sa.Integer, nullable=False),
        sa.Column("is_index_step", sa.Boolean, nullable=False),
        sa.Column("step_index", sa.Integer),
        sa.Column("step_key", sa.Text),
        indexes=(("idx_eventpath_event_id", ["event_id"], {}),),
    )
    _create(
        "MLMDEnv", sa.Column("schema_version", sa.Integer, primary_key=True, autoincrement=False)
    )
    env = sa.table("MLMDEnv", sa.column("schema_version", sa.Integer))
    if op.get_bind().execute(sa.select(env.c.schema_version)).first() is None:
        op.bulk_insert(env, [{"schema_version": 10}])


def _link(name: str, other_column: str, other_table: str) -> None:
    _create(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "context_id",
            sa.Integer,
            sa.ForeignKey("Context.id", ondelete="CASCADE", name=f"fk_{name}_context_id"),
            nullable=False,
        ),
        sa.Column(
            other_column,
            sa.Integer,
            sa.ForeignKey(
                f"{other_table}.id", ondelete="CASCADE", name=f"fk_{name}_{other_column}"
            ),
            nullable=False,
        ),
        sa.UniqueConstraint(
            "context_id", other_column, name=f"uq_{name}_context_id_{other_column}"
        ),
        indexes=((f"idx_{name.lower()}_{other_column}", [other_column], {}),)
        if name == "Attribution"
        else (),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    for name in (
        "MLMDEnv",
        "EventPath",
        "Event",
        "Association",
        "Attribution",
        "ParentContext",
        "ExecutionProperty",
        "ContextProperty",
        "ArtifactProperty",
        "Execution",
        "Context",
        "Artifact",
        "ParentType",
        "TypeProperty",
        "Type",
    ):
        op.drop_table(name)
