"""A page filtered by a property equality, read from that property's value index.

On SQLite and PostgreSQL such a page is read from the value index in id order, joined
to the entities (FilterCompiler.driver); these are the answers it must keep: only the
listed type, in order either way, page after page, with the filter's other conditions
applied, wherever the equality stands in the filter.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import V1
from tests.metadata import i, s

FRAMEWORKS = ("onnx", "tf", "onnx")


@pytest.fixture
def versions(client: TestClient) -> list[dict[str, Any]]:
    """12 versions of two models; the models carry the same property and value."""
    models = []
    for name in ("m1", "m2"):
        body = {"name": name, "customProperties": {"fw": s("onnx")}}
        response = client.post(f"{V1}/registered_models", json=body)
        assert response.status_code == 201, response.text
        models.append(response.json()["id"])
    made = []
    for n in range(12):
        props = {"fw": s(FRAMEWORKS[n % 3]), "n": i(n)}
        body = {"name": f"v{n}", "registeredModelId": models[n % 2], "customProperties": props}
        response = client.post(f"{V1}/model_versions", json=body)
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


def _pages(
    client: TestClient, query: str, path: str = "/model_versions", key: str = "name", **params: str
) -> list[str]:
    """Every page's `key` values in order, following the page tokens."""
    found: list[str] = []
    token = ""
    while True:
        extra = {"nextPageToken": token} if token else {}
        response = client.get(
            f"{V1}{path}", params={"filterQuery": query, "pageSize": "2", **params, **extra}
        )
        assert response.status_code == 200, response.text
        page = response.json()
        found += [item[key] for item in page["items"]]
        token = page["nextPageToken"]
        if not token:
            return found


def _expected(versions: list[dict[str, Any]], keep: Any, descending: bool = False) -> list[str]:
    chosen = [v for v in versions if keep(v)]
    chosen.sort(key=lambda v: int(v["id"]), reverse=descending)
    return [v["name"] for v in chosen]


def _fw(version: dict[str, Any]) -> str:
    return str(version["customProperties"]["fw"]["string_value"])


def _n(version: dict[str, Any]) -> int:
    return int(version["customProperties"]["n"]["int_value"])


@pytest.mark.parametrize("descending", [False, True])
def test_an_equality_pages_through_its_matches_in_id_order(
    client: TestClient, versions: list[dict[str, Any]], descending: bool
) -> None:
    order = {"sortOrder": "DESC"} if descending else {}
    expected = _expected(versions, lambda v: _fw(v) == "onnx", descending)
    assert len(expected) == 8  # and neither model, though both have fw = 'onnx'
    assert _pages(client, "fw = 'onnx'", **order) == expected
    assert _pages(client, "fw = 'none'", **order) == []


OTHER_CONDITIONS = {
    "fw = 'onnx' AND n > 3": lambda v: _fw(v) == "onnx" and _n(v) > 3,
    "n > 3 AND fw = 'onnx'": lambda v: _fw(v) == "onnx" and _n(v) > 3,
    "fw = 'onnx' AND n > 3 AND name != 'v6'": lambda v: (
        _fw(v) == "onnx" and _n(v) > 3 and v["name"] != "v6"
    ),
    "fw = 'onnx' AND NOT n = 9 AND fw != 'tf'": lambda v: _fw(v) == "onnx" and _n(v) != 9,
    "fw = 'onnx' AND fw = 'tf'": lambda v: False,
}


@pytest.mark.parametrize("query", list(OTHER_CONDITIONS))
def test_the_other_conditions_apply_wherever_the_equality_stands(
    client: TestClient, versions: list[dict[str, Any]], query: str
) -> None:
    keep = OTHER_CONDITIONS[query]
    assert _pages(client, query) == _expected(versions, keep)
    assert _pages(client, query, sortOrder="DESC") == _expected(versions, keep, True)


def test_other_orders_and_a_models_versions_keep_their_own_plans(
    client: TestClient, versions: list[dict[str, Any]]
) -> None:
    by_time = _pages(client, "fw = 'onnx'", orderBy="CREATE_TIME")
    assert sorted(by_time) == sorted(_expected(versions, lambda v: _fw(v) == "onnx"))
    model = versions[0]["registeredModelId"]
    response = client.get(
        f"{V1}/registered_models/{model}/versions", params={"filterQuery": "fw = 'onnx'"}
    )
    assert response.status_code == 200, response.text
    mine = [v for v in versions if v["registeredModelId"] == model and _fw(v) == "onnx"]
    assert [v["name"] for v in response.json()["items"]] == [v["name"] for v in mine]


def test_a_bool_and_an_artifact_property_drive_their_pages_too(
    client: TestClient, versions: list[dict[str, Any]]
) -> None:
    for version in versions[:5]:
        flag = {"metadataType": "MetadataBoolValue", "bool_value": int(version["id"]) % 2 == 0}
        body = {"customProperties": {**version["customProperties"], "prod": flag}}
        response = client.patch(f"{V1}/model_versions/{version['id']}", json=body)
        assert response.status_code == 200, response.text
        artifact = {
            "artifactType": "model-artifact",
            "name": "model",
            "uri": f"s3://b/{version['name']}",
            "modelFormatName": "onnx" if version["name"] != "v2" else "tf",
        }
        response = client.post(f"{V1}/model_versions/{version['id']}/artifacts", json=artifact)
        assert response.status_code in (200, 201), response.text
    even = [v["name"] for v in versions[:5] if int(v["id"]) % 2 == 0]
    assert _pages(client, "prod = true") == even
    assert _pages(client, "prod.bool_value = true", sortOrder="DESC") == even[::-1]
    uris = _pages(client, "modelFormatName = 'onnx'", path="/artifacts", key="uri")
    assert uris == [f"s3://b/v{n}" for n in (0, 1, 3, 4)]
