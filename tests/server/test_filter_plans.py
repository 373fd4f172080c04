"""Every property condition of a filter reaches its rows through an index, the partial value
indexes of migration 0009 included: no statement scans a whole property table.

On PostgreSQL, with tables this small, that only rules out sequential scans;
tests/storage/test_schema.py checks on sample rows that its planner takes the partial
indexes."""

# ruff: noqa: F811  (the shared fixtures are imported by name and then requested as arguments)

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from modelreg.storage.store import Store

from .conftest import V1
from .test_filter_query import models  # noqa: F401  (a fixture, requested by name)

QUERIES = {
    "/registered_models": [
        "framework = 'pytorch'",
        "framework != 'pytorch'",
        "framework LIKE 'py%'",
        "framework ILIKE 'PYTORCH'",
        "framework IN ('pytorch', 'tensorflow')",
        "framework = '" + "x" * 300 + "'",
        "epochs > 5",
        "epochs = 10",
        "accuracy <= 0.95",
        "prod = true",
        "prod.bool_value != false",
        "framework = 'pytorch' OR epochs = 5",
        "NOT framework ILIKE 'tensor%'",
    ],
    "/artifacts": ["timestamp > 5", "uri LIKE 's3://%' AND modelFormatName = 'onnx'"],
}
SCANS = {"sqlite": "SCAN {table}", "postgresql": 'Seq Scan on "{table}"'}


def _statements(client: TestClient, store: Store) -> list[tuple[str, Any]]:
    sent: list[tuple[str, Any]] = []

    def record(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "Property" in statement:
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        for path, queries in QUERIES.items():
            for query in queries:
                response = client.get(f"{V1}{path}", params={"filterQuery": query})
                assert response.status_code == 200, (query, response.text)
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return sent


def test_no_filter_scans_a_property_table(
    client: TestClient, models: dict[str, str], store: Store
) -> None:
    dialect = store.engine.dialect.name
    if dialect not in SCANS:
        return  # MySQL keeps whole value indexes (no partial indexes there)
    sent = _statements(client, store)
    assert len(sent) >= sum(len(q) for q in QUERIES.values())
    explain = "EXPLAIN QUERY PLAN" if dialect == "sqlite" else "EXPLAIN"
    with store.engine.connect() as conn:
        if dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # tables of a few rows
        for statement, parameters in sent:
            rows = conn.exec_driver_sql(f"{explain} {statement}", parameters)
            plan = "\n".join(str(row[-1]) for row in rows)
            for table in ("ContextProperty", "ArtifactProperty"):
                assert SCANS[dialect].format(table=table) not in plan, (statement, plan)
