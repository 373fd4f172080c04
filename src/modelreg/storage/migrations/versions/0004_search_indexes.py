"""Search indexes: property value indexes that cover the owner id, display-name indexes.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PROPERTY_TABLES = {
    "ArtifactProperty": "artifact_id",
    "ContextProperty": "context_id",
    "ExecutionProperty": "execution_id",
}
ENTITY_TABLES = ("Artifact", "Context", "Execution")


def _quote(name: str, dialect: str) -> str:
    return f"`{name}`" if dialect in ("mysql", "mariadb") else f'"{name}"'


def _drop(index: str, table: str, dialect: str) -> None:
    if dialect in ("mysql", "mariadb"):
        op.execute(f"DROP INDEX {index} ON {_quote(table, dialect)}")
    else:
        op.execute(f"DROP INDEX IF EXISTS {index}")


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table, owner in PROPERTY_TABLES.items():
        short, quoted = table.lower(), _quote(table, dialect)
        for kind in ("int", "double"):
            _drop(f"idx_{short}_{kind}", table, dialect)
            op.execute(
                f"CREATE INDEX idx_{short}_{kind} ON {quoted} "
                f"(name, is_custom_property, {kind}_value, {owner})"
            )
        if dialect == "postgresql":
            _drop(f"idx_{short}_string_prefix", table, dialect)
            op.execute(
                f"CREATE INDEX idx_{short}_string_prefix ON {quoted} "
                f"(name, is_custom_property, left(string_value, 255), {owner})"
            )
        else:
            _drop(f"idx_{short}_string", table, dialect)
            value = "string_value(255)" if dialect in ("mysql", "mariadb") else "string_value"
            op.execute(
                f"CREATE INDEX idx_{short}_string ON {quoted} "
                f"(name, is_custom_property, {value}, {owner})"
            )
    for table in ENTITY_TABLES:
        short, quoted = table.lower(), _quote(table, dialect)
        if dialect == "sqlite":
            op.execute(
                f"CREATE INDEX IF NOT EXISTS idx_{short}_display_name ON {quoted} "
                "(substr(name, instr(name, ':') + 1), type_id)"
            )
        elif dialect == "postgresql":
            op.execute(
                f"CREATE INDEX IF NOT EXISTS idx_{short}_display_name_pg ON {quoted} "
                "(substr(name, strpos(name, ':') + 1), type_id)"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ENTITY_TABLES:
        if dialect in ("sqlite", "postgresql"):
            suffix = "_pg" if dialect == "postgresql" else ""
            _drop(f"idx_{table.lower()}_display_name{suffix}", table, dialect)
