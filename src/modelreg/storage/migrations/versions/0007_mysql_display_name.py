"""MySQL/MariaDB: an indexed virtual column holding the name as users see it.

SQLite and PostgreSQL index the expression itself (migration 0004); MariaDB cannot, so
`name = '...'` on versions and artifacts scanned every row there (194 ms at 100,000
versions in bench/search_scale.py). The filter compiler reads this column on MySQL.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = ("Artifact", "Context", "Execution")


def upgrade() -> None:
    if op.get_bind().dialect.name not in ("mysql", "mariadb"):
        return
    for table in TABLES:
        op.execute(
            f"ALTER TABLE `{table}` ADD COLUMN display_name VARCHAR(255) "
            "AS (SUBSTRING(name, LOCATE(':', name) + 1)) VIRTUAL, "
            f"ADD INDEX idx_{table.lower()}_display_name (display_name, type_id)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name not in ("mysql", "mariadb"):
        return
    for table in TABLES:
        op.execute(f"ALTER TABLE `{table}` DROP INDEX idx_{table.lower()}_display_name")
        op.execute(f"ALTER TABLE `{table}` DROP COLUMN display_name")
