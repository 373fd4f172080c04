"""No N+1: a list costs the same number of SQL statements whatever the page size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store
from tests.conftest import V1
from tests.storage.heard import autocommits, counted


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
    assert any("INSERT INTO" in s.upper() for s in statements), statements


def _creates(client: TestClient) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(what, path, body) of every create that is one insert under an existing parent."""
    custom = {"team": {"metadataType": "MetadataStringValue", "string_value": "nlp"}}
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    version = client.post(
        f"{V1}/model_versions", json={"name": "v", "registeredModelId": model}
    ).json()["id"]
    experiment = client.post(f"{V1}/experiments", json={"name": "e"}).json()["id"]
    yield "model", "/registered_models", {"name": "m2", "customProperties": custom}
    yield "version", "/model_versions", {"name": "v2", "registeredModelId": model}
    yield "nested version", f"/registered_models/{model}/versions", {"name": "v3"}
    artifact = {"artifactType": "model-artifact", "name": "a", "uri": "s3://b/k"}
    yield "artifact of a version", f"/model_versions/{version}/artifacts", artifact
    yield "standalone artifact", "/model_artifacts", {"name": "b", "uri": "s3://b/k"}
    yield "experiment", "/experiments", {"name": "e2", "customProperties": custom}
    yield "run", f"/experiments/{experiment}/experiment_runs", {"name": "r"}
    yield "serving environment", "/serving_environments", {"name": "se"}


def test_a_create_is_one_statement_outside_a_transaction_on_postgresql(
    client: TestClient, store: Store
) -> None:
    """On PostgreSQL an entity, its properties and its link to the parent go in one
    statement, sent in autocommit: no BEGIN and COMMIT round trips (Store.insert)."""
    if store.dialect != "postgresql":
        pytest.skip("the single-statement insert is PostgreSQL's")
    for what, path, body in _creates(client):
        with counted(store) as statements, autocommits(store) as autocommit:
            response = client.post(f"{V1}{path}", json=body)
        assert response.status_code == 201, (what, response.text)
        assert len(statements) == 1, (what, statements)
        assert autocommit == [True], what
        created = client.get(f"{V1}{path.split('?')[0]}").json()["items"]
        assert response.json() in created, what  # the link and the properties are there


def test_a_registration_under_a_model_id_is_one_statement_on_postgresql(
    client: TestClient, store: Store
) -> None:
    """The version, the artifact, their properties and links, and the model read for the
    answer, in one statement sent in autocommit."""
    if store.dialect != "postgresql":
        pytest.skip("the single-statement insert is PostgreSQL's")
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    body = {
        "registeredModelId": model,
        "modelVersion": {"name": "v", "customProperties": {"k": _value("x")}},
        "modelArtifact": {"name": "a", "uri": "s3://b/k", "customProperties": {"k": _value("y")}},
    }
    with counted(store) as statements, autocommits(store) as autocommit:
        response = client.post(f"{V1}/registrations", json=body)
    assert response.status_code == 201, response.text
    assert len(statements) == 1 and autocommit == [True], statements
    made = response.json()
    assert made["registeredModel"] == client.get(f"{V1}/registered_models/{model}").json()
    version = client.get(f"{V1}/model_versions/{made['modelVersion']['id']}").json()
    assert version == made["modelVersion"]
    artifacts = client.get(f"{V1}/model_versions/{version['id']}/artifacts").json()["items"]
    assert artifacts == [made["modelArtifact"]]
    assert artifacts[0]["customProperties"] == {"k": _value("y")}


def _value(text: str) -> dict[str, str]:
    return {"metadataType": "MetadataStringValue", "string_value": text}


def test_a_patch_is_two_statements_outside_a_transaction_on_postgresql(
    client: TestClient, store: Store
) -> None:
    """The read, then the write of the row and its properties if it is unchanged since
    (Store.update): a property dropped, one changing type and one new all land."""
    if store.dialect != "postgresql":
        pytest.skip("the conditional one-statement update is PostgreSQL's")
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    custom = {"keep": _value("k"), "drop": _value("d"), "turn": _value("t")}
    body = {"name": "v", "registeredModelId": model, "customProperties": custom}
    version = client.post(f"{V1}/model_versions", json=body).json()
    turned = {"metadataType": "MetadataIntValue", "int_value": "7"}
    change = {"keep": _value("k"), "turn": turned, "new": _value("n")}
    with counted(store) as statements, autocommits(store) as autocommit:
        patched = client.patch(
            f"{V1}/model_versions/{version['id']}",
            json={"description": "x", "customProperties": change},
        )
    assert patched.status_code == 200, patched.text
    assert len(statements) == 2 and autocommit == [True, True], statements
    stored = client.get(f"{V1}/model_versions/{version['id']}").json()
    assert stored == patched.json()
    assert stored["customProperties"] == change and stored["description"] == "x"
    assert int(stored["lastUpdateTimeSinceEpoch"]) > int(version["lastUpdateTimeSinceEpoch"])
