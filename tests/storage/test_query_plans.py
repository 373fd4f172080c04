"""The statements behind lists reach their rows through indexes, whatever the statistics.

Every property condition of a filter uses an index, the partial value indexes of
migration 0009 included: no statement scans a whole property table. On PostgreSQL, with
tables this small, that only rules out sequential scans; tests/storage/test_schema.py
checks on sample rows that its planner takes the partial indexes. A page of one parent's
children reads only that parent's children, however small the tables look to PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from modelreg.storage.store import Store
from tests.conftest import V1
from tests.storage.heard import naming

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
DRIVEN = ("framework = 'pytorch'", "prod = true", "accuracy > 0.5 AND framework = 'pytorch'")
PG_VALUE_INDEX_WALK = (
    r'Index (Only )?Scan (Backward )?using idx_contextproperty_\w+ on "ContextProperty" driver'
)
SCANS = {"sqlite": "SCAN {table}", "postgresql": 'Seq Scan on "{table}"'}


def _statements(client: TestClient, store: Store) -> list[tuple[str, Any]]:
    with naming(store, "Property") as sent:
        for path, queries in QUERIES.items():
            for query in queries:
                response = client.get(f"{V1}{path}", params={"filterQuery": query})
                assert response.status_code == 200, (query, response.text)
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


def test_a_page_of_children_reads_only_the_children_on_postgresql(
    client: TestClient, store: Store
) -> None:
    """Planned plainly, small tables made PostgreSQL hash every version of every model to
    list one model's, then sort them; the page now walks the link index and probes each
    child, reading no more than the page."""
    if store.engine.dialect.name != "postgresql":
        return  # SQLite and MySQL walk the link index with nested loops anyway
    ids = []
    for name in ("one", "two"):
        response = client.post(f"{V1}/registered_models", json={"name": name})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    for n in range(30):
        body = {"name": f"v{n}", "registeredModelId": ids[n % 2]}
        assert client.post(f"{V1}/model_versions", json=body).status_code == 201
    with store.engine.begin() as conn:  # statistics that show the tables small, as they are
        # and indexes of their size: the pages earlier tests' deleted rows left in one index
        # and not the other can tip the planner on a table this small
        conn.exec_driver_sql('REINDEX TABLE "ParentContext"')
        conn.exec_driver_sql('ANALYZE "Context"')
        conn.exec_driver_sql('ANALYZE "ParentContext"')
    with naming(store, '"ParentContext"') as sent:
        for params in ({"pageSize": "5"}, {"pageSize": "5", "sortOrder": "DESC"}):
            response = client.get(f"{V1}/registered_models/{ids[0]}/versions", params=params)
            assert response.status_code == 200, response.text
            assert len(response.json()["items"]) == 5
    assert len(sent) == 2
    with store.engine.connect() as conn:
        for statement, parameters in sent:
            rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            plan = "\n".join(str(row[0]) for row in rows)
            # the link index in page order, each child looked up on its own (on a table
            # of one page that lookup may well be a scan of the page)
            assert "Nested Loop" in plan and "idx_parentcontext_parent_child" in plan, plan
            assert not any(word in plan for word in ("Hash Join", "Merge Join", "Sort")), plan


def _generic_plan(conn: Any, statement: str, parameters: dict[str, Any]) -> str:
    """PostgreSQL's plan for the statement prepared once for every value (its generic
    plan, which a prepared statement settles on), for these values."""
    from psycopg.sql import Literal  # only PostgreSQL runs get here

    names: list[str] = []

    def numbered(match: re.Match[str]) -> str:
        if match.group(1) not in names:
            names.append(match.group(1))
        return f"${names.index(match.group(1)) + 1}"

    positional = re.sub(r"%\((\w+)\)s", numbered, statement)
    conn.exec_driver_sql(f"PREPARE page AS {positional}")
    driver_conn = conn.connection.dbapi_connection
    values = ", ".join(Literal(parameters[name]).as_string(driver_conn) for name in names)
    rows = conn.exec_driver_sql(f"EXPLAIN EXECUTE page({values})")
    conn.exec_driver_sql("DEALLOCATE page")
    return "\n".join(str(row[0]) for row in rows)


def _many_models_without_properties(store: Store) -> None:
    """Statistics of a registry whose models mostly lack the filtered property. With the
    few rows of the fixture, whatever statistics autovacuum happened to leave decided
    between walking the value index and walking the models (as cheap on a handful)."""
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            'INSERT INTO "Context" (type_id, name, create_time_since_epoch, '
            "last_update_time_since_epoch) SELECT m.id, 'filler-' || g, 0, 0 "
            'FROM generate_series(1, 5000) AS g, "Type" m '
            "WHERE m.name = 'kf.RegisteredModel'"
        )
        conn.exec_driver_sql('ANALYZE "Context"')
        conn.exec_driver_sql('ANALYZE "ContextProperty"')


def test_an_equality_page_walks_its_value_index_in_page_order(
    client: TestClient, models: dict[str, str], store: Store
) -> None:
    """However many rows share the value, the page reads the value index in id order and
    stops: no sort, no collecting every match first. On PostgreSQL this is checked on the
    generic plan, the one a prepared statement settles on: for the `IN (subquery)` form it
    collected and sorted every match (94 ms for a value 20,000 versions share), and while
    the prefix length was a parameter it could not use the index at all."""
    dialect = store.engine.dialect.name
    if dialect not in SCANS:
        return  # MySQL indexes a prefix of strings: its planner keeps the plain form
    with naming(store, "driver") as sent:
        for query in DRIVEN:
            for order in ("ASC", "DESC"):
                params = {"filterQuery": query, "sortOrder": order, "pageSize": "1"}
                response = client.get(f"{V1}/registered_models", params=params)
                assert response.status_code == 200, (query, response.text)
    assert len(sent) == 2 * len(DRIVEN)
    if dialect == "postgresql":
        _many_models_without_properties(store)
    with store.engine.connect() as conn:
        if dialect == "postgresql":
            conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, parameters in sent:
            if dialect == "sqlite":
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                steps = [str(row[-1]) for row in rows]
                assert steps[0].startswith("SEARCH driver USING COVERING INDEX idx_"), steps
                assert not any("TEMP B-TREE" in step for step in steps), steps
            else:
                plan = _generic_plan(conn, statement, parameters)
                # a nested loop or (on tables this small) a merge join: both stream
                walk = re.search(PG_VALUE_INDEX_WALK, plan)
                # the walk leads (the entities are looked up from it), and the value is
                # part of its index condition, not a filter over every row of the name
                assert walk and walk.start() < plan.index('on "Context"'), plan
                assert 'Filter: ("left"' not in plan, plan
                assert not any(word in plan for word in ("Sort", "Hash", "Aggregate")), plan
