"""List pages run from compiled shapes (storage/page_statements.py) are the pages the
ordinary statement builder gives: same items, same order, same page tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage import pages
from modelreg.storage.store import Store
from tests.conftest import V1

QUERIES = [
    None,
    "name = 'alpha'",
    "name = 'beta'",
    "name != 'alpha'",
    "name LIKE '%a'",
    "name ILIKE 'GAMMA%'",
    "name IN ('alpha', 'beta')",
    "owner = 'ann'",
    "owner = 'bob'",
    "state = 'ARCHIVED'",
    "framework = 'pytorch'",
    "framework = 'tensorflow'",
    "framework ILIKE 'pytorch'",
    "epochs > 5",
    "epochs > 15",
    "epochs.int_value >= 5",
    "accuracy > 0.9",
    "accuracy <= 0.95",
    "prod = true",
    "prod = false",
    "framework IS NULL",
    "NOT framework = 'pytorch'",
    "(framework = 'pytorch' OR framework = 'tensorflow') AND epochs >= 10",
    "framework = 'pytorch' OR epochs = 5",
    "framework = '" + "x" * 300 + "'",
]
ORDERS = [
    {},
    {"orderBy": "NAME"},
    {"orderBy": "NAME", "sortOrder": "DESC"},
    {"orderBy": "CREATE_TIME", "sortOrder": "DESC"},
    {"orderBy": "accuracy.double_value"},
    {"orderBy": "owner", "sortOrder": "DESC"},
    {"orderBy": "prod.bool_value"},
    {"orderBy": "epochs.int_value", "sortOrder": "DESC"},
]


def _pages(client: TestClient, query: str | None, order: dict[str, str]) -> list[Any]:
    """Every page of the listing, one item at a time, following the tokens."""
    params: dict[str, str] = {"pageSize": "1", **order}
    if query is not None:
        params["filterQuery"] = query
    pages = []
    for _ in range(10):
        response = client.get(f"{V1}/registered_models", params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        if not page["nextPageToken"]:
            return pages
        params["nextPageToken"] = page["nextPageToken"]
    raise AssertionError("more pages than models")


def test_compiled_pages_are_the_ordinary_pages(
    client: TestClient, models: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = {(q, str(o)): _pages(client, q, o) for q in QUERIES for o in ORDERS}
    monkeypatch.setattr(pages, "page_rows", lambda *args, **kwargs: None)
    ordinary = {(q, str(o)): _pages(client, q, o) for q in QUERIES for o in ORDERS}
    assert compiled == ordinary


def test_pages_of_one_shape_share_one_statement(
    client: TestClient, models: dict[str, str], store: Store
) -> None:
    def shapes() -> int:
        return sum(1 for value in store.plans.pages.compiled() if value is not None)

    store.plans.pages.clear()
    # a property condition's statement depends on the data on SQLite (see filter_sql.py)
    field = "name" if store.engine.dialect.name == "sqlite" else "framework"
    _pages(client, f"{field} = 'one'", {})
    before = shapes()
    for value in ("two", "three", "pytorch"):
        _pages(client, f"{field} = '{value}'", {})
    assert shapes() == before
    _pages(client, f"{field} = 'one' AND externalId = 'ann'", {})
    assert shapes() == before + 1


def test_shapes_whose_values_do_not_reach_the_sql_as_themselves_are_built_each_time(
    client: TestClient, models: dict[str, str], store: Store
) -> None:
    store.plans.pages.clear()
    for query in ("name IN ('alpha', 'beta')", "framework = '" + "x" * 300 + "'"):
        _pages(client, query, {})
    assert all(value is None for value in store.plans.pages.compiled())
