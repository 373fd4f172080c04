"""The migrations build exactly the schema the code uses, and keep upstream's table names."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from modelreg.storage import tables as t
from modelreg.storage.migrate import head
from modelreg.storage.migrations import HEAD
from modelreg.storage.store import Store

UPSTREAM_TABLES = {
    "Type",
    "TypeProperty",
    "ParentType",
    "Artifact",
    "ArtifactProperty",
    "Context",
    "ContextProperty",
    "Execution",
    "ExecutionProperty",
    "ParentContext",
    "Attribution",
    "Association",
    "Event",
    "EventPath",
    "MLMDEnv",
}


def _significant(diff: Any) -> bool:
    # Type renderings differ harmlessly across dialects (e.g. BOOL vs TINYINT(1) on MySQL).
    kind = diff[0][0] if isinstance(diff, list) else diff[0]
    return kind not in ("modify_type", "modify_default", "modify_comment")


def test_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    dialect = store.engine.dialect.name

    def created_here(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        # Per-dialect indexes (ddl_if), which autogenerate does not know: PostgreSQL has the
        # string prefix index instead of the plain string index; MySQL has no bool index.
        if type_ == "column" and name == "display_name":
            return False  # MySQL's indexed virtual column (migration 0007), read as raw SQL
        if type_ != "index":
            return True
        if "display_name" in str(name):
            return False  # expression indexes: reflected differently by each database
        if str(name).endswith("_bool"):
            return dialect in ("sqlite", "postgresql")
        if dialect == "postgresql":
            return not str(name).endswith("_string")
        return not str(name).endswith("_string_prefix")

    with store.engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression")
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based")
        context = MigrationContext.configure(conn, opts={"include_object": created_here})
        diffs = compare_metadata(context, t.metadata)
    assert [d for d in diffs if _significant(d)] == []


def test_upstream_table_and_column_names(store: Store) -> None:
    inspector = inspect(store.engine)
    assert set(inspector.get_table_names()) >= UPSTREAM_TABLES
    columns = {c["name"] for c in inspector.get_columns("ArtifactProperty")}
    assert columns == {
        "artifact_id",
        "name",
        "is_custom_property",
        "int_value",
        "double_value",
        "string_value",
        "byte_value",
        "proto_value",
        "bool_value",
    }


def test_the_head_known_without_alembic_is_the_scripts_head() -> None:
    assert head() == HEAD


def test_the_schema_check_answers_without_importing_alembic(store: Store, tmp_path: Path) -> None:
    """Health probes run it on every worker; alembic costs a worker about 10 MB."""
    url = store.engine.url.render_as_string(hide_password=False)
    check = (
        "import sys\n"
        "from modelreg.storage.store import Store\n"
        f"print(Store.from_url({url!r}).schema_problem())\n"
        f"print(Store.from_url({f'sqlite:///{tmp_path}/empty.db'!r}).schema_problem())\n"
        "print(sorted(m for m in sys.modules if m.startswith('alembic')))\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "None",
        f"database schema is at revision None, expected {HEAD}",
        "[]",
    ]


# A filter's property comparisons, as filter_sql compiles them, and the index each needs.
PROPERTY_LOOKUPS = {
    "idx_contextproperty_int": "name = 'i' AND int_value = 5",
    "idx_contextproperty_double": "name = 'd' AND double_value > 0.5",
    "idx_contextproperty_string": "name = 's' AND string_value IN ('a', 'b')",
    "idx_contextproperty_string_prefix": "name = 's' AND left(string_value, 255) = 'a'",
    "idx_contextproperty_bool": "name = 'b' AND bool_value = true",
}
# 300 contexts with one property of each type: enough rows for PostgreSQL's planner to
# tell a partial index from a scan of the primary key (on a table this small both cost
# the same). Rolled back with the test's transaction.
SAMPLE = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) "
    'INSERT INTO "{table}" ({columns}) SELECT {values} FROM n'
)
SAMPLE_CONTEXTS = ("id, type_id, name", "i + 1000000, 1, 'sample-' || i")
SAMPLE_VALUES = {  # one property of each type per context, named after its column's initial
    "int_value": "i",
    "double_value": "i / 300.0",
    "string_value": "'v' || i",
    "bool_value": "i - (i / 2) * 2 = 0",
}


def _insert_sample(conn: Any) -> None:
    columns, values = SAMPLE_CONTEXTS
    conn.exec_driver_sql(SAMPLE.format(table="Context", columns=columns, values=values))
    for column, value in SAMPLE_VALUES.items():
        conn.exec_driver_sql(
            SAMPLE.format(
                table="ContextProperty",
                columns=f"context_id, name, is_custom_property, {column}",
                values=f"i + 1000000, '{column[0]}', true, {value}",
            )
        )
    conn.exec_driver_sql('ANALYZE "ContextProperty"')


def _partial_indexes(conn: Any, dialect: str, table: str) -> set[str]:
    if dialect == "sqlite":
        rows = conn.exec_driver_sql(f'PRAGMA index_list("{table}")').mappings()
        return {r["name"] for r in rows if r["partial"]}
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = CAST(:t AS regclass) AND i.indpred IS NOT NULL"
        ),
        {"t": f'"{table}"'},
    )
    return set(rows.scalars())


def test_value_indexes_hold_only_rows_with_that_value_yet_serve_filters(store: Store) -> None:
    """Migration 0009: a property row has one value, so it goes into one value index, and
    the comparisons a filter makes still use that index (they imply NOT NULL)."""
    dialect = store.engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        pytest.skip("MySQL and MariaDB have no partial indexes")
    other_dialects = "_string" if dialect == "postgresql" else "_string_prefix"
    value_indexes = {
        name: lookup
        for name, lookup in PROPERTY_LOOKUPS.items()
        if not name.endswith(other_dialects)
    }
    with store.engine.connect() as conn:
        for table in ("ArtifactProperty", "ContextProperty", "ExecutionProperty"):
            short = table.lower()
            wanted = {name.replace("contextproperty", short) for name in value_indexes}
            assert _partial_indexes(conn, dialect, table) == wanted
        explain = "EXPLAIN QUERY PLAN" if dialect == "sqlite" else "EXPLAIN"
        _insert_sample(conn)
        for index, lookup in value_indexes.items():
            query = (
                'SELECT context_id FROM "ContextProperty" '
                f"WHERE is_custom_property = true AND {lookup}"
            )
            rows = conn.exec_driver_sql(f"{explain} {query}")
            plan = " ".join(str(row[-1]) for row in rows)
            assert index in plan, (lookup, plan)


def test_parent_context_keeps_one_index_led_by_the_parent(store: Store) -> None:
    indexes = inspect(store.engine).get_indexes("ParentContext")
    led_by_parent = [
        i["column_names"] for i in indexes if i["column_names"][0] == "parent_context_id"
    ]
    assert led_by_parent == [["parent_context_id", "context_id"]]
