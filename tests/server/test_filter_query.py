"""filterQuery semantics, the same on SQLite, PostgreSQL and MySQL."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.metadata import d

from .conftest import V1


def names(client: TestClient, path: str, query: str, **params: Any) -> list[str]:
    response = client.get(f"{V1}{path}", params={"filterQuery": query, **params})
    assert response.status_code == 200, response.text
    return sorted(item["name"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name = 'alpha'", ["alpha"]),
        ("name != 'alpha'", ["Gamma's", "beta", "delta_100%"]),
        ("name <> 'alpha'", ["Gamma's", "beta", "delta_100%"]),
        ("name = 'Gamma''s'", ["Gamma's"]),
        ('name = "Gamma\'s"', ["Gamma's"]),
        ("name LIKE 'delta\\_100\\%'", ["delta_100%"]),
        ("name LIKE '%a'", ["alpha", "beta", "delta_100%"][:2]),
        ("name ILIKE 'GAMMA%'", ["Gamma's"]),
        ("name IN ('alpha', 'beta', 'nope')", ["alpha", "beta"]),
        ("name IN ()", []),
        ("name NOT IN ('alpha')", ["Gamma's", "beta", "delta_100%"]),
        ("owner = 'ann'", ["Gamma's", "alpha"]),
        ("state = 'ARCHIVED'", ["beta"]),
        ("description LIKE '%NLP%'", ["Gamma's"]),
        ("framework = 'pytorch'", ["alpha"]),
        ("framework ILIKE 'pytorch'", ["Gamma's", "alpha"]),
        ("framework.string_value = 'tensorflow'", ["beta"]),
        ("epochs > 5", ["alpha", "beta"]),
        ("epochs.int_value >= 5", ["alpha", "beta", "delta_100%"]),
        ("epochs IN (5, 20)", ["beta", "delta_100%"]),
        ("accuracy > 0.9", ["alpha", "beta"]),
        ("accuracy > 0", ["Gamma's", "alpha", "beta"]),
        ("accuracy.double_value <= 0.5", ["Gamma's"]),
        ("prod = true", ["alpha"]),
        ("prod = false", ["beta"]),
        ("`mlflow.source.type` = 'notebook'", ["alpha"]),
        ("`custom-metric` > 0.8", ["Gamma's"]),
        ("(framework = 'pytorch' OR framework = 'tensorflow') AND epochs >= 10", ["alpha", "beta"]),
        ("framework = 'pytorch' OR epochs = 5", ["alpha", "delta_100%"]),
        ("NOT framework = 'pytorch'", ["Gamma's", "beta", "delta_100%"]),
        ("framework IS NULL", ["delta_100%"]),
        ("framework IS NOT NULL", ["Gamma's", "alpha", "beta"]),
        ("externalId IS NULL", ["Gamma's", "alpha", "beta", "delta_100%"]),
        (
            "epochs.int_value = 10 AND accuracy.double_value > 0.9 AND prod.bool_value = true",
            ["alpha"],
        ),
    ],
)
def test_registered_model_filters(
    client: TestClient, models: dict[str, str], query: str, expected: list[str]
) -> None:
    assert names(client, "/registered_models", query) == sorted(expected)


def test_id_and_time_filters(client: TestClient, models: dict[str, str]) -> None:
    alpha, beta = models["alpha"], models["beta"]
    assert names(client, "/registered_models", f"id = {alpha}") == ["alpha"]
    assert names(client, "/registered_models", f"id IN ({alpha}, {beta})") == ["alpha", "beta"]
    assert names(client, "/registered_models", f"id = '{alpha}'") == ["alpha"]
    created = client.get(f"{V1}/registered_models/{beta}").json()["createTimeSinceEpoch"]
    later = names(client, "/registered_models", f"createTimeSinceEpoch >= {created}")
    assert "beta" in later and len(later) >= 1


@pytest.fixture
def versions(client: TestClient) -> tuple[str, str]:
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    other = client.post(f"{V1}/registered_models", json={"name": "other"}).json()["id"]
    for owner, name, author in (
        (model, "beta", "ann"),
        (model, "v1:beta", "bob"),
        (model, "Beta-2", "ann"),
        (other, "beta", "cy"),
    ):
        body = {"name": name, "registeredModelId": owner, "author": author}
        assert client.post(f"{V1}/model_versions", json=body).status_code == 201
    return model, other


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("name = 'beta'", ["beta"]),
        ("name != 'beta'", ["Beta-2", "v1:beta"]),
        ("name IN ('beta', 'v1:beta')", ["beta", "v1:beta"]),
        ("name ILIKE 'beta%'", ["Beta-2", "beta"]),
        ("name LIKE '%beta'", ["beta", "v1:beta"]),
        ("author = 'ann' AND name LIKE 'B%'", ["Beta-2"]),
    ],
)
def test_child_names_compare_as_shown(
    client: TestClient, versions: tuple[str, str], query: str, expected: list[str]
) -> None:
    """Upstream compares !=, IN and ILIKE against the stored `<parentId>:` prefixed name."""
    model, _ = versions
    assert names(client, f"/registered_models/{model}/versions", query) == sorted(expected)


def test_registered_model_id_filter_across_versions(
    client: TestClient, versions: tuple[str, str]
) -> None:
    model, other = versions
    assert names(client, "/model_versions", f"registeredModelId = '{other}'") == ["beta"]
    assert len(names(client, "/model_versions", f"registeredModelId IN ({model}, {other})")) == 4


def test_name_and_external_id_parameters_narrow_exactly(
    client: TestClient, versions: tuple[str, str]
) -> None:
    model, _ = versions
    path = f"{V1}/registered_models/{model}/versions"
    assert [v["name"] for v in client.get(path, params={"name": "v1:beta"}).json()["items"]] == [
        "v1:beta"
    ]
    assert client.get(path, params={"name": "it's"}).json()["items"] == []
    both = client.get(path, params={"name": "beta", "filterQuery": "author = 'bob'"}).json()
    assert both["items"] == []


@pytest.fixture
def artifacts(client: TestClient) -> str:
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    version = client.post(
        f"{V1}/model_versions", json={"name": "v", "registeredModelId": model}
    ).json()["id"]
    path = f"{V1}/model_versions/{version}/artifacts"
    bodies = [
        {
            "artifactType": "model-artifact",
            "name": "onnx",
            "uri": "s3://b/onnx",
            "modelFormatName": "onnx",
            "state": "LIVE",
        },
        {
            "artifactType": "model-artifact",
            "name": "pt",
            "uri": "s3://b/pt",
            "modelFormatName": "pytorch",
            "state": "DELETED",
        },
        {"artifactType": "doc-artifact", "name": "readme", "uri": "https://x/readme"},
        {"artifactType": "metric", "name": "acc", "value": 0.9, "step": 2},
        {"artifactType": "parameter", "name": "lr", "value": "0.01", "parameterType": "number"},
        {
            "artifactType": "dataset-artifact",
            "name": "train",
            "digest": "sha256:1",
            "sourceType": "s3",
        },
    ]
    for body in bodies:
        assert client.post(path, json=body).status_code == 201
    return version


@pytest.mark.parametrize(
    ("path_kind", "query", "expected"),
    [
        ("all", "uri LIKE 's3://%'", ["onnx", "pt"]),
        ("all", "state = 'LIVE'", ["onnx"]),
        ("all", "state != 'LIVE'", ["pt"]),
        ("all", "artifactType = 'metric'", ["acc"]),
        ("all", "artifactType IN ('metric', 'parameter')", ["acc", "lr"]),
        ("all", "modelFormatName = 'onnx'", ["onnx"]),
        ("all", "value > 0.5", ["acc"]),
        ("all", "value = '0.01'", ["lr"]),
        ("all", "digest = 'sha256:1'", ["train"]),
        ("all", "sourceType = 's3' OR parameterType = 'number'", ["lr", "train"]),
        ("model", "modelFormatName ILIKE 'PY%'", ["pt"]),
        ("nested", "name = 'acc'", ["acc"]),
        ("nested", "step = 2", ["acc"]),
    ],
)
def test_artifact_filters(
    client: TestClient, artifacts: str, path_kind: str, query: str, expected: list[str]
) -> None:
    path = {
        "all": "/artifacts",
        "model": "/model_artifacts",
        "nested": f"/model_versions/{artifacts}/artifacts",
    }[path_kind]
    assert names(client, path, query) == sorted(expected)


@pytest.mark.parametrize(
    "query",
    [
        "state = 'SOMETIMES'",
        "epochs.int_value LIKE 'x%'",
        "id = 'abc'",
        "prod > true",
        "createTimeSinceEpoch = 'yesterday'",
        "name = 5",
        "artifactType = 'video'",
        "experiment_id = 1",
    ],
)
def test_type_errors_are_400(client: TestClient, query: str) -> None:
    path = (
        "/artifacts" if "artifactType" in query or "experiment" in query else "/registered_models"
    )
    if query.startswith("state"):
        path = "/artifacts"
    response = client.get(f"{V1}{path}", params={"filterQuery": query})
    assert response.status_code == 400, response.text
    assert response.json()["message"]


def test_syntax_error_names_position_and_hint(client: TestClient) -> None:
    response = client.get(f"{V1}/registered_models", params={"filterQuery": "name = alpha"})
    assert response.status_code == 400
    assert "position 7" in response.json()["message"]
    assert "quotes" in response.json()["message"]


def test_token_is_bound_to_the_filter(client: TestClient, models: dict[str, str]) -> None:
    first = client.get(
        f"{V1}/registered_models", params={"filterQuery": "epochs > 0", "pageSize": 1}
    ).json()
    assert first["nextPageToken"]
    params = {"filterQuery": "epochs > 0", "pageSize": 1, "nextPageToken": first["nextPageToken"]}
    assert client.get(f"{V1}/registered_models", params=params).status_code == 200
    params["filterQuery"] = "epochs > 1"
    assert client.get(f"{V1}/registered_models", params=params).status_code == 400


@pytest.mark.parametrize("sort_order", ["ASC", "DESC"])
@pytest.mark.parametrize(
    ("order_by", "key"),
    [("NAME", lambda m: m["name"]), ("accuracy.double_value", None), ("owner", None)],
)
def test_order_by_name_and_property_pages_completely(
    client: TestClient, models: dict[str, str], order_by: str, key: Any, sort_order: str
) -> None:
    for extra in range(5):
        client.post(
            f"{V1}/registered_models",
            json={"name": f"z{extra}", "customProperties": {"accuracy": d(0.91)}},
        )
    seen: list[dict[str, Any]] = []
    token = ""
    while True:
        params = {
            "orderBy": order_by,
            "sortOrder": sort_order,
            "pageSize": 2,
            "nextPageToken": token,
        }
        page = client.get(f"{V1}/registered_models", params=params).json()
        seen += page["items"]
        token = page["nextPageToken"]
        if not token:
            break
    assert len(seen) == len({m["id"] for m in seen}) == 9

    def value(m: dict[str, Any]) -> Any:
        if order_by == "NAME":
            return m["name"]
        if order_by == "owner":
            return m.get("owner")
        prop = m["customProperties"].get("accuracy")
        return None if prop is None else prop["double_value"]

    present = [m for m in seen if value(m) is not None]
    missing = [m for m in seen if value(m) is None]
    expected_present = sorted(
        present, key=lambda m: (value(m), int(m["id"])), reverse=sort_order == "DESC"
    )
    expected_missing = sorted(missing, key=lambda m: int(m["id"]), reverse=sort_order == "DESC")
    expected = (
        expected_present + expected_missing
        if sort_order == "ASC"
        else expected_missing + expected_present
    )
    if order_by == "NAME":
        expected = sorted(
            seen, key=lambda m: (m["name"].encode(), int(m["id"])), reverse=sort_order == "DESC"
        )
    assert [m["id"] for m in seen] == [m["id"] for m in expected]


def test_order_by_custom_property_needs_a_type(client: TestClient) -> None:
    response = client.get(f"{V1}/registered_models", params={"orderBy": "accuracy"})
    assert response.status_code == 400
    assert "double_value" in response.json()["message"]
