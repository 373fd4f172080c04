"""PostgreSQL: index property strings by their first 255 characters.

A btree entry cannot hold an unbounded text, which is why upstream dropped its
`string_value` index on PostgreSQL. An expression index over `left(string_value, 255)`
always fits, and the filter compiler adds the matching `left(...)` condition to string
equality, so equality filters on properties use it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = {
    "ContextProperty": "contextproperty",
    "ArtifactProperty": "artifactproperty",
    "ExecutionProperty": "executionproperty",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, short in TABLES.items():
        op.execute(
            f'CREATE INDEX IF NOT EXISTS idx_{short}_string_prefix ON "{table}" '
            "(name, is_custom_property, left(string_value, 255))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for short in TABLES.values():
        op.execute(f"DROP INDEX IF EXISTS idx_{short}_string_prefix")
