"""No N+1: a list costs the same number of SQL statements whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from modelreg.storage.store import Store

from .conftest import V1


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def _seed(client: TestClient, versions: int) -> tuple[str, str]:
    custom = {
        "framework": {"metadataType": "MetadataStringValue", "string_value": "torch"},
        "epochs": {"metadataType": "MetadataIntValue", "int_value": "10"},
        "accuracy": {"metadataType": "MetadataDoubleValue", "double_value": 0.9},
    }
    model_id = client.post(f"{V1}/registered_models", json={"name": "many"}).json()["id"]
    version_id = ""
    for i in range(versions):
        body = {"name": f"v{i}", "registeredModelId": model_id, "customProperties": custom}
        version_id = client.post(f"{V1}/model_versions", json=body).json()["id"]
        artifact = {"artifactType": "model-artifact", "name": f"a{i}", "uri": "s3://b/k"}
        client.post(f"{V1}/model_versions/{version_id}/artifacts", json=artifact)
    return model_id, version_id


def test_listing_versions_costs_constant_statements(client: TestClient, store: Store) -> None:
    model_id, _ = _seed(client, 100)
    costs = {}
    for size in (1, 10, 50, 100):
        with counted(store) as statements:
            response = client.get(f"{V1}/registered_models/{model_id}/versions?pageSize={size}")
        assert response.status_code == 200
        assert response.json()["size"] == size
        assert all(len(v["customProperties"]) == 3 for v in response.json()["items"])
        costs[size] = len(statements)
    assert len(set(costs.values())) == 1, costs
    assert costs[100] <= 4, costs


def test_every_list_endpoint_costs_constant_statements(client: TestClient, store: Store) -> None:
    _, version_id = _seed(client, 30)
    for path in (
        "/registered_models",
        "/model_versions",
        "/model_artifacts",
        "/artifacts",
        f"/model_versions/{version_id}/artifacts",
    ):
        costs = set()
        for size in (2, 30):
            with counted(store) as statements:
                assert client.get(f"{V1}{path}?pageSize={size}").status_code == 200
            costs.add(len(statements))
        assert len(costs) == 1, (path, costs)


def test_statements_on_the_driver_cursor_still_reach_cursor_listeners(
    client: TestClient, store: Store
) -> None:
    """Hot statements skip SQLAlchemy's execution path unless someone listens (prepared.py):
    these counts would read zero if the listener were bypassed."""
    model_id, version_id = _seed(client, 2)
    with counted(store) as statements:
        found = client.get(f"{V1}/model_version?name=v1&parentResourceId={model_id}")
    assert found.status_code == 200 and found.json()["id"] == version_id
    assert len(statements) == 1, statements  # the version and its properties, in one
    with counted(store) as statements:
        body = {"name": "v9", "registeredModelId": model_id}
        assert client.post(f"{V1}/model_versions", json=body).status_code == 201
    assert any(s.lstrip().upper().startswith("INSERT") for s in statements), statements
