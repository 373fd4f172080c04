"""PostgreSQL: statistics on (name, value prefix) of property rows.

A property value is only ever compared together with its name, and most values occur under
one name only. Without statistics on the pair the planner multiplies the two selectivities
and underestimates common values badly (20,000 matches estimated as 1,600), which makes it
collect every match where walking the entities in page order would stop after a page.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("ContextProperty", "ArtifactProperty", "ExecutionProperty")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(
            f"CREATE STATISTICS IF NOT EXISTS stx_{table.lower()}_name_value (mcv, ndistinct) "
            f'ON name, left(string_value, 255) FROM "{table}"'
        )
        op.execute(f'ANALYZE "{table}"')


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP STATISTICS IF EXISTS stx_{table.lower()}_name_value")
