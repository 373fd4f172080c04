"""Serving environments, inference services, serve models and deployment status."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import V1, V1ALPHA3


def post(client: TestClient, path: str, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post(f"{V1}{path}", json=body)
    assert response.status_code == status, response.text
    return dict(response.json())


@pytest.fixture
def world(client: TestClient) -> dict[str, str]:
    model = post(client, "/registered_models", {"name": "fraud"})["id"]
    other = post(client, "/registered_models", {"name": "other"})["id"]
    v1 = post(client, "/model_versions", {"name": "v1", "registeredModelId": model})["id"]
    v2 = post(client, "/model_versions", {"name": "v2", "registeredModelId": model})["id"]
    v3 = post(
        client, "/model_versions", {"name": "v3", "registeredModelId": model, "state": "ARCHIVED"}
    )["id"]
    ov = post(client, "/model_versions", {"name": "o1", "registeredModelId": other})["id"]
    env = post(client, "/serving_environments", {"name": "prod", "description": "production"})["id"]
    return {"model": model, "other": other, "v1": v1, "v2": v2, "v3": v3, "ov": ov, "env": env}


def test_environment_crud(client: TestClient, world: dict[str, str]) -> None:
    env = world["env"]
    assert client.get(f"{V1}/serving_environments/{env}").json()["name"] == "prod"
    patched = client.patch(f"{V1}/serving_environments/{env}", json={"externalId": "pe"}).json()
    assert patched["description"] == "production" and patched["externalId"] == "pe"
    assert client.get(f"{V1}/serving_environment", params={"name": "prod"}).json()["id"] == env
    assert post(client, "/serving_environments", {"name": "prod"}, 409)["message"]
    listed = client.get(
        f"{V1}/serving_environments", params={"filterQuery": "name = 'prod'"}
    ).json()
    assert [e["id"] for e in listed["items"]] == [env]


def test_inference_service_references_are_validated(
    client: TestClient, world: dict[str, str]
) -> None:
    """Upstream accepts dangling registeredModelId and modelVersionId."""
    env, model = world["env"], world["model"]
    base = {"servingEnvironmentId": env, "registeredModelId": model}
    post(client, "/inference_services", {**base, "registeredModelId": "9999"}, 404)
    post(client, "/inference_services", {**base, "servingEnvironmentId": "9999"}, 404)
    post(client, "/inference_services", {**base, "modelVersionId": "9999"}, 404)
    post(client, "/inference_services", {**base, "modelVersionId": world["ov"]}, 400)
    post(client, "/inference_services", {"servingEnvironmentId": env}, 422)
    created = post(client, "/inference_services", {**base, "name": "svc", "runtime": "kserve"})
    assert created["desiredState"] == "DEPLOYED" and created["name"] == "svc"
    bad_pin = client.patch(
        f"{V1}/inference_services/{created['id']}", json={"modelVersionId": world["ov"]}
    )
    assert bad_pin.status_code == 400


def test_patch_keeps_desired_state(client: TestClient, world: dict[str, str]) -> None:
    """Upstream resets desiredState to DEPLOYED on a PATCH that omits it."""
    body = {
        "servingEnvironmentId": world["env"],
        "registeredModelId": world["model"],
        "desiredState": "UNDEPLOYED",
    }
    svc = post(client, "/inference_services", body)
    patched = client.patch(f"{V1}/inference_services/{svc['id']}", json={"runtime": "vllm"}).json()
    assert patched["desiredState"] == "UNDEPLOYED"


def test_version_resolves_to_newest_live_version(client: TestClient, world: dict[str, str]) -> None:
    """Unpinned: the newest LIVE version (upstream includes ARCHIVED ones, ties arbitrary)."""
    body = {"servingEnvironmentId": world["env"], "registeredModelId": world["model"]}
    svc = post(client, "/inference_services", body)["id"]
    assert client.get(f"{V1}/inference_services/{svc}/version").json()["id"] == world["v2"]
    client.patch(f"{V1}/model_versions/{world['v2']}", json={"state": "ARCHIVED"})
    assert client.get(f"{V1}/inference_services/{svc}/version").json()["id"] == world["v1"]
    client.patch(f"{V1}/inference_services/{svc}", json={"modelVersionId": world["v3"]})
    assert client.get(f"{V1}/inference_services/{svc}/version").json()["id"] == world["v3"]
    assert client.get(f"{V1}/inference_services/{svc}/model").json()["id"] == world["model"]
    lonely = post(client, "/registered_models", {"name": "lonely"})["id"]
    empty = post(client, "/inference_services", {**body, "registeredModelId": lonely})["id"]
    assert client.get(f"{V1}/inference_services/{empty}/version").status_code == 404
    assert client.get(f"{V1}/inference_services/9999/model").status_code == 404


def test_nested_services_and_lookups(client: TestClient, world: dict[str, str]) -> None:
    env = world["env"]
    path = f"/serving_environments/{env}/inference_services"
    a = post(client, path, {"name": "a", "registeredModelId": world["model"]})
    post(client, path, {"name": "b", "registeredModelId": world["other"]})
    listed = client.get(f"{V1}{path}", params={"name": "a"}).json()
    assert [s["id"] for s in listed["items"]] == [a["id"]]
    by_model = client.get(
        f"{V1}/inference_services", params={"filterQuery": f"registeredModelId = {world['other']}"}
    ).json()
    assert [s["name"] for s in by_model["items"]] == ["b"]
    found = client.get(f"{V1}/inference_service", params={"name": "a", "parentResourceId": env})
    assert found.json()["id"] == a["id"]
    assert client.get(f"{V1}/serving_environments/9999/inference_services").status_code == 404


def test_serve_models(client: TestClient, world: dict[str, str]) -> None:
    body = {"servingEnvironmentId": world["env"], "registeredModelId": world["model"]}
    svc = post(client, "/inference_services", body)["id"]
    serve = post(client, f"/inference_services/{svc}/serves", {"modelVersionId": world["v1"]})
    assert serve["lastKnownState"] == "UNKNOWN"
    assert client.get(f"{V1}/serve_models/{serve['id']}").json()["modelVersionId"] == world["v1"]
    running = client.patch(f"{V1}/serve_models/{serve['id']}", json={"lastKnownState": "RUNNING"})
    assert running.json()["lastKnownState"] == "RUNNING"
    listed = client.get(
        f"{V1}/inference_services/{svc}/serves",
        params={"filterQuery": "lastKnownState = 'RUNNING'"},
    )
    assert [s["id"] for s in listed.json()["items"]] == [serve["id"]]
    post(client, f"/inference_services/{svc}/serves", {"modelVersionId": "9999"}, 404)
    post(client, "/inference_services/9999/serves", {"modelVersionId": world["v1"]}, 404)


def test_gated_hugging_face_models_are_not_deployed(
    client: TestClient, world: dict[str, str]
) -> None:
    gated = {"hf_gated": {"metadataType": "MetadataStringValue", "string_value": "auto"}}
    version = post(
        client,
        "/model_versions",
        {"name": "g", "registeredModelId": world["model"], "customProperties": gated},
    )["id"]
    svc = post(
        client,
        "/inference_services",
        {"servingEnvironmentId": world["env"], "registeredModelId": world["model"]},
    )["id"]
    refused = post(client, f"/inference_services/{svc}/serves", {"modelVersionId": version}, 400)
    assert "gated" in refused["message"]


def test_deployment_status(client: TestClient, world: dict[str, str]) -> None:
    staging = post(client, "/serving_environments", {"name": "staging"})["id"]
    pinned = post(
        client,
        "/inference_services",
        {
            "servingEnvironmentId": world["env"],
            "registeredModelId": world["model"],
            "modelVersionId": world["v1"],
            "name": "p",
        },
    )["id"]
    floating = post(
        client,
        "/inference_services",
        {
            "servingEnvironmentId": staging,
            "registeredModelId": world["model"],
            "name": "f",
            "desiredState": "UNDEPLOYED",
        },
    )["id"]
    serve = post(
        client,
        f"/inference_services/{pinned}/serves",
        {"modelVersionId": world["v1"], "lastKnownState": "RUNNING"},
    )
    post(
        client,
        "/inference_services",
        {"servingEnvironmentId": staging, "registeredModelId": world["other"]},
    )
    status = client.get(f"{V1}/registered_models/{world['model']}/deployments").json()
    rows = {d["inferenceService"]["id"]: d for d in status["items"]}
    assert set(rows) == {pinned, floating}
    assert rows[pinned]["servingEnvironment"]["name"] == "prod"
    assert rows[pinned]["modelVersion"]["id"] == world["v1"] and rows[pinned]["versionPinned"]
    assert rows[pinned]["lastKnownState"] == "RUNNING"
    assert rows[pinned]["serveModels"][0]["id"] == serve["id"]
    assert (
        rows[floating]["modelVersion"]["id"] == world["v2"] and not rows[floating]["versionPinned"]
    )
    assert (
        rows[floating]["desiredState"] == "UNDEPLOYED" and rows[floating]["lastKnownState"] is None
    )
    assert client.get(f"{V1}/registered_models/9999/deployments").status_code == 404


def test_both_prefixes_serve_serving(client: TestClient, world: dict[str, str]) -> None:
    assert client.get(f"{V1ALPHA3}/serving_environments/{world['env']}").status_code == 200
