"""The migrations build exactly the schema the code uses, and keep upstream's table names."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

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
        # string prefix index instead of the plain string index.
        if type_ == "column" and name == "display_name":
            return False  # MySQL's indexed virtual column (migration 0007), read as raw SQL
        if type_ != "index":
            return True
        if "display_name" in str(name):
            return False  # expression indexes: reflected differently by each database
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
