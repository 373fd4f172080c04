"""Fewer index entries per write: partial property value indexes, one ParentContext index.

A property row holds one value, in one of int_value, double_value, string_value or
bool_value, yet each of the three value indexes took an entry for it, NULLs included:
four B-tree inserts per property where two do. On SQLite and PostgreSQL each value index
now holds only the rows whose value it indexes (`WHERE <column> IS NOT NULL`), and bools,
which leaned on the (name, is_custom_property) prefix of the others, get an index of
their own. A comparison on the column implies it is not NULL, so both planners still pick
the index (EXPLAIN, generic plans on PostgreSQL included); where SQLite cannot see that
(ILIKE's lower(), the CAST of numeric text) the filter states it (filter_sql.py). MySQL
and MariaDB have no partial indexes and keep theirs whole.

ParentContext's index on parent_context_id alone is a prefix of (parent_context_id,
context_id) from 0008, which serves every lookup it did.

One registration (a version with 3 properties and an artifact) writes 12 fewer index
entries; 2 workers at c16 on 1,000 versions, three alternating runs, a modelreg-only
scratch harness: SQLite 689-872 -> 841-960 registrations a second, PostgreSQL 738-827 ->
889-926.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PROPERTY_TABLES = {
    "ArtifactProperty": "artifact_id",
    "ContextProperty": "context_id",
    "ExecutionProperty": "execution_id",
}


def _value_indexes(table: str, dialect: str) -> dict[str, tuple[str, str]]:
    """Index name -> (indexed expression for the value, the column that holds it)."""
    short = table.lower()
    string = ("left(string_value, 255)", "string_value")
    if dialect != "postgresql":
        string = ("string_value", "string_value")
    suffix = "_string_prefix" if dialect == "postgresql" else "_string"
    return {
        f"idx_{short}_int": ("int_value", "int_value"),
        f"idx_{short}_double": ("double_value", "double_value"),
        f"idx_{short}{suffix}": string,
        f"idx_{short}_bool": ("bool_value", "bool_value"),  # new here: none to restore
    }


def _rebuild_value_indexes(partial: bool) -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    for table, owner in PROPERTY_TABLES.items():
        for index, (value, column) in _value_indexes(table, dialect).items():
            op.execute(f"DROP INDEX IF EXISTS {index}")
            if not partial and column == "bool_value":
                continue
            where = f" WHERE {column} IS NOT NULL" if partial else ""
            op.execute(
                f'CREATE INDEX {index} ON "{table}" '
                f"(name, is_custom_property, {value}, {owner}){where}"
            )


def upgrade() -> None:
    _rebuild_value_indexes(partial=True)
    op.drop_index("idx_parentcontext_parent_context_id", table_name="ParentContext")


def downgrade() -> None:
    op.create_index("idx_parentcontext_parent_context_id", "ParentContext", ["parent_context_id"])
    _rebuild_value_indexes(partial=False)
