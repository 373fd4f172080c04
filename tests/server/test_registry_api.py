"""Behaviour of the registry endpoints, including where we deliberately differ from upstream."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.metadata import EVERY_KIND

from .conftest import V1, V1ALPHA3


def _model(client: TestClient, name: str = "m", **fields: Any) -> dict[str, Any]:
    response = client.post(f"{V1}/registered_models", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _version(client: TestClient, model_id: str, name: str = "v1", **fields: Any) -> dict[str, Any]:
    body = {"name": name, "registeredModelId": model_id, **fields}
    response = client.post(f"{V1}/model_versions", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_every_metadata_kind_round_trips_exactly(client: TestClient) -> None:
    model = _model(client, customProperties=EVERY_KIND)
    fetched = client.get(f"{V1}/registered_models/{model['id']}").json()
    assert fetched["customProperties"] == EVERY_KIND
    struct = fetched["customProperties"]["st"]["struct_value"]
    assert json.loads(base64.b64decode(struct)) == {"k": [1, 2.5, "x", None, True], "n": {"m": {}}}


def test_every_metadata_kind_round_trips_through_updates_and_registrations(
    client: TestClient,
) -> None:
    """The other writes that carry property rows: a PATCH that rewrites them all, and a
    registration's version and artifact written together (one statement on PostgreSQL)."""
    model = _model(client, customProperties={"gone": EVERY_KIND["s"]})
    changed = {**EVERY_KIND, "i": {"metadataType": "MetadataIntValue", "int_value": "7"}}
    path = f"{V1}/registered_models/{model['id']}"
    patched = client.patch(path, json={"customProperties": changed})
    assert patched.status_code == 200, patched.text
    assert client.get(path).json()["customProperties"] == changed
    body = {
        "registeredModelId": model["id"],
        "modelVersion": {"name": "v1", "customProperties": EVERY_KIND},
        "modelArtifact": {"name": "a", "uri": "s3://b/a", "customProperties": EVERY_KIND},
    }
    registered = client.post(f"{V1}/registrations", json=body)
    assert registered.status_code == 201, registered.text
    version_id = registered.json()["modelVersion"]["id"]
    version = client.get(f"{V1}/model_versions/{version_id}").json()
    assert version["customProperties"] == EVERY_KIND
    artifacts = client.get(f"{V1}/model_versions/{version_id}/artifacts").json()["items"]
    assert artifacts[0]["customProperties"] == EVERY_KIND


def test_registered_model_fields_round_trip(client: TestClient) -> None:
    fields = {
        "description": "d",
        "externalId": "ext",
        "owner": "o",
        "readme": "# r",
        "maturity": "GA",
        "language": ["en", "fr"],
        "tasks": ["text-generation"],
        "provider": "p",
        "logo": "data:image/png;base64,AA==",
        "license": "apache-2.0",
        "licenseLink": "https://x",
        "libraryName": "transformers",
    }
    model = _model(client, **fields)
    assert {k: model[k] for k in fields} == fields
    assert model["state"] == "LIVE"
    assert model["createTimeSinceEpoch"] == model["lastUpdateTimeSinceEpoch"]


def test_patch_leaves_absent_fields_unchanged(client: TestClient) -> None:
    """Upstream resets `state` to LIVE when a PATCH omits it; we do not."""
    model = _model(client, description="keep", customProperties={"a": EVERY_KIND["s"]})
    path = f"{V1}/registered_models/{model['id']}"
    assert client.patch(path, json={"state": "ARCHIVED"}).json()["state"] == "ARCHIVED"
    after = client.patch(path, json={"owner": "someone"}).json()
    assert after["state"] == "ARCHIVED"
    assert after["description"] == "keep"
    assert after["customProperties"] == {"a": EVERY_KIND["s"]}
    assert int(after["lastUpdateTimeSinceEpoch"]) >= int(model["lastUpdateTimeSinceEpoch"])


def test_patch_custom_properties_replaces_the_map(client: TestClient) -> None:
    model = _model(client, customProperties={"a": EVERY_KIND["s"], "b": EVERY_KIND["b"]})
    path = f"{V1}/registered_models/{model['id']}"
    patched = client.patch(path, json={"customProperties": {"c": EVERY_KIND["d"]}}).json()
    assert patched["customProperties"] == {"c": EVERY_KIND["d"]}
    assert client.patch(path, json={"customProperties": {}}).json()["customProperties"] == {}


def test_version_names_are_unique_per_model_only(client: TestClient) -> None:
    first, second = _model(client, "a"), _model(client, "b")
    _version(client, first["id"], "v1")
    _version(client, second["id"], "v1")
    duplicate = client.post(
        f"{V1}/model_versions", json={"name": "v1", "registeredModelId": first["id"]}
    )
    assert duplicate.status_code == 409
    assert "already exists" in duplicate.json()["message"]


def test_version_of_missing_model_is_404(client: TestClient) -> None:
    """Upstream accepts a dangling registeredModelId; we refuse it."""
    response = client.post(f"{V1}/model_versions", json={"name": "v", "registeredModelId": "999"})
    assert response.status_code == 404
    assert client.get(f"{V1}/registered_models/999999999/versions").status_code == 404


def test_nested_version_create_takes_the_parent_from_the_path(client: TestClient) -> None:
    model = _model(client)
    response = client.post(f"{V1}/registered_models/{model['id']}/versions", json={"name": "v9"})
    assert response.status_code == 201
    assert response.json()["registeredModelId"] == model["id"]
    listed = client.get(f"{V1}/registered_models/{model['id']}/versions?name=v9").json()
    assert [v["name"] for v in listed["items"]] == ["v9"]


def test_find_endpoints(client: TestClient) -> None:
    model = _model(client, "100%_sure", externalId="e-1")
    version = _version(client, model["id"], "v_1")
    assert (
        client.get(f"{V1}/registered_model", params={"name": "100%_sure"}).json()["id"]
        == model["id"]
    )
    # LIKE wildcards are plain characters (upstream matches them as patterns)
    assert client.get(f"{V1}/registered_model", params={"name": "100%"}).status_code == 404
    assert client.get(f"{V1}/registered_model", params={"externalId": "e-1"}).status_code == 200
    found = client.get(
        f"{V1}/model_version", params={"name": "v_1", "parentResourceId": model["id"]}
    )
    assert found.json()["id"] == version["id"]
    assert client.get(f"{V1}/model_version", params={"name": "v_1"}).status_code == 400
    assert client.get(f"{V1}/registered_model").status_code == 400


def test_upsert_creates_then_updates_and_links(client: TestClient) -> None:
    model = _model(client)
    version = _version(client, model["id"])
    path = f"{V1}/model_versions/{version['id']}/artifacts"
    body = {"artifactType": "model-artifact", "name": "weights", "uri": "s3://b/w"}
    created = client.post(path, json=body)
    assert created.status_code == 201
    artifact = created.json()
    updated = client.post(
        path, json={"artifactType": "model-artifact", "id": artifact["id"], "uri": "s3://b/x"}
    )
    assert updated.status_code == 200
    assert updated.json()["uri"] == "s3://b/x"
    assert updated.json()["name"] == "weights"
    wrong = client.post(path, json={"artifactType": "doc-artifact", "id": artifact["id"]})
    assert wrong.status_code == 400
    missing = client.post(path, json={"artifactType": "model-artifact", "id": "99999"})
    assert missing.status_code == 404
    assert client.post(path, json=body).status_code == 409


def test_metric_upsert_by_name_updates_in_place(client: TestClient) -> None:
    version = _version(client, _model(client)["id"])
    path = f"{V1}/model_versions/{version['id']}/artifacts"
    first = client.post(path, json={"artifactType": "metric", "name": "acc", "value": 0.5})
    second = client.post(path, json={"artifactType": "metric", "name": "acc", "value": 0.7})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    assert second.json()["value"] == 0.7
    assert client.post(path, json={"artifactType": "metric", "name": "x"}).status_code == 400


def test_datasets_are_unique_per_version(client: TestClient) -> None:
    """Upstream gives every dataset a random prefix, so duplicates pile up; we do not."""
    version = _version(client, _model(client)["id"])
    path = f"{V1}/model_versions/{version['id']}/artifacts"
    body = {"artifactType": "dataset-artifact", "name": "train", "schema": "{}"}
    assert client.post(path, json=body).status_code == 201
    assert client.post(path, json=body).status_code == 409


def test_artifact_type_filter_and_immutable_type(client: TestClient) -> None:
    version = _version(client, _model(client)["id"])
    path = f"{V1}/model_versions/{version['id']}/artifacts"
    for kind in ("model-artifact", "doc-artifact", "parameter"):
        client.post(path, json={"artifactType": kind, "name": kind})
    only_docs = client.get(path, params={"artifactType": "doc-artifact"}).json()
    assert [a["artifactType"] for a in only_docs["items"]] == ["doc-artifact"]
    assert client.get(path, params={"artifactType": "nope"}).status_code == 400
    doc_id = only_docs["items"][0]["id"]
    change = client.patch(f"{V1}/artifacts/{doc_id}", json={"artifactType": "metric"})
    assert change.status_code == 400
    assert "immutable" in change.json()["message"]
    assert client.get(f"{V1}/model_artifacts/{doc_id}").status_code == 404


def test_metric_step_is_a_string_in_v1_and_an_integer_in_v1alpha3(client: TestClient) -> None:
    created = client.post(
        f"{V1}/artifacts", json={"artifactType": "metric", "name": "m", "value": 1, "step": 3}
    ).json()
    assert created["step"] == "3"
    assert client.get(f"{V1ALPHA3}/artifacts/{created['id']}").json()["step"] == 3


def test_deprecation_headers_only_on_v1alpha3(client: TestClient) -> None:
    old = client.get(f"{V1ALPHA3}/registered_models")
    assert old.headers["deprecation"] == "true"
    assert "successor-version" in old.headers["link"]
    assert old.headers["sunset"]
    new = client.get(f"{V1}/registered_models")
    assert "deprecation" not in new.headers and "sunset" not in new.headers


@pytest.mark.parametrize("prefix", [V1, V1ALPHA3])
def test_both_prefixes_serve_the_same_registry(client: TestClient, prefix: str) -> None:
    model = _model(client, "shared")
    assert client.get(f"{prefix}/registered_models/{model['id']}").json()["name"] == "shared"


def test_page_token_is_bound_to_its_query(client: TestClient) -> None:
    for i in range(3):
        _model(client, f"m{i}")
    first = client.get(f"{V1}/registered_models", params={"pageSize": 1}).json()
    token = first["nextPageToken"]
    assert token
    again = client.get(f"{V1}/registered_models", params={"pageSize": 1, "nextPageToken": token})
    assert again.status_code == 200
    other = client.get(
        f"{V1}/registered_models",
        params={"pageSize": 1, "nextPageToken": token, "sortOrder": "DESC"},
    )
    assert other.status_code == 400


def test_list_envelope_shape(client: TestClient) -> None:
    body = client.get(f"{V1}/registered_models").json()
    assert body == {"items": [], "nextPageToken": "", "pageSize": 100, "size": 0}
    _model(client)
    assert (
        client.get(f"{V1}/registered_models", params={"pageSize": 5000}).json()["pageSize"] == 1000
    )


def test_health_and_root(client: TestClient) -> None:
    assert client.get("/readyz/health").text == "OK"
    assert client.get("/readyz/isDirty").text == "OK"
    assert client.get("/readyz/health", params={"format": "json"}).json()["status"] == "pass"
    root = client.get("/")
    assert root.status_code == 404
    assert set(root.json()) == {"code", "message"}


def test_openapi_document_and_swagger_ui(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert f"{V1}/registered_models" in spec["paths"]
    assert spec["paths"][f"{V1ALPHA3}/registered_models"]["get"]["deprecated"] is True
    assert "swagger-ui" in client.get("/docs").text


def test_cors_allows_patch(client: TestClient) -> None:
    """Upstream's CORS policy leaves PATCH out, so browsers cannot update anything."""
    response = client.options(
        f"{V1}/registered_models/1",
        headers={"Origin": "https://ui.example", "Access-Control-Request-Method": "PATCH"},
    )
    assert response.status_code == 200
    assert "PATCH" in response.headers["access-control-allow-methods"]


def test_error_kind_header_tells_conflicts_apart(client: TestClient) -> None:
    _model(client, "dup")
    duplicate = client.post(f"{V1}/registered_models", json={"name": "dup"})
    assert duplicate.status_code == 409
    assert duplicate.headers["modelreg-error"] == "AlreadyExists"
    assert client.get(f"{V1}/registered_models/999999999").headers["modelreg-error"] == "NotFound"
