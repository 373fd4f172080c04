"""`POST /registrations` (extension): a version and its model artifact in one transaction."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from modelreg.storage import tables as t
from modelreg.storage.store import Store

from .conftest import V1, V1ALPHA3

PROPS = {"framework": {"metadataType": "MetadataStringValue", "string_value": "onnx"}}


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "registeredModel": {"name": "fraud", "owner": "risk"},
        "modelVersion": {"name": "v1", "author": "ana", "customProperties": PROPS},
        "modelArtifact": {"name": "model", "uri": "s3://b/fraud/1", "modelFormatName": "onnx"},
    }
    body.update(overrides)
    return body


def _count(client: TestClient, path: str) -> int:
    return int(client.get(f"{V1}/{path}").json()["size"])


def test_registration_creates_model_version_and_artifact(client: TestClient) -> None:
    response = client.post(f"{V1}/registrations", json=_body())
    assert response.status_code == 201, response.text
    made = response.json()
    model, version, artifact = made["registeredModel"], made["modelVersion"], made["modelArtifact"]
    assert (model["name"], model["owner"]) == ("fraud", "risk")
    assert version["registeredModelId"] == model["id"]
    assert version["customProperties"] == PROPS and version["author"] == "ana"
    assert artifact["artifactType"] == "model-artifact" and artifact["uri"] == "s3://b/fraud/1"
    # what the Kubeflow endpoints then read is the same registration
    assert client.get(f"{V1}/model_versions/{version['id']}").json() == version
    linked = client.get(f"{V1}/model_versions/{version['id']}/artifacts").json()["items"]
    assert linked == [artifact]


def test_registration_under_an_existing_model_leaves_it_unchanged(client: TestClient) -> None:
    first = client.post(f"{V1}/registrations", json=_body()).json()
    model = first["registeredModel"]
    by_name = _body(
        registeredModel={"name": "fraud", "owner": "someone else"},
        modelVersion={"name": "v2"},
    )
    second = client.post(f"{V1}/registrations", json=by_name)
    assert second.status_code == 201, second.text
    assert second.json()["registeredModel"] == model
    by_id = _body(registeredModel=None, registeredModelId=model["id"], modelVersion={"name": "v3"})
    del by_id["registeredModel"]
    third = client.post(f"{V1}/registrations", json=by_id)
    assert third.status_code == 201, third.text
    assert third.json()["modelVersion"]["registeredModelId"] == model["id"]
    assert _count(client, f"registered_models/{model['id']}/versions") == 3


def test_a_taken_version_name_writes_nothing(client: TestClient) -> None:
    assert client.post(f"{V1}/registrations", json=_body()).status_code == 201
    again = _body(registeredModel={"name": "new-model"})  # v1 is free under a new model...
    assert client.post(f"{V1}/registrations", json=again).status_code == 201
    clash = client.post(f"{V1}/registrations", json=_body())  # ...but not under fraud
    assert clash.status_code == 409
    assert clash.json()["code"] and "v1" in clash.json()["message"]
    assert _count(client, "model_versions") == 2
    assert _count(client, "model_artifacts") == 2


def test_a_failing_artifact_rolls_back_the_model_and_version(client: TestClient) -> None:
    artifact = {"name": "model", "uri": "s3://x", "externalId": "ext-1"}
    first = client.post(f"{V1}/registrations", json=_body(modelArtifact=artifact))
    assert first.status_code == 201, first.text
    # the artifact is inserted last, after a new model and its version: all three go
    body = _body(registeredModel={"name": "rolled-back"}, modelArtifact=artifact)
    response = client.post(f"{V1}/registrations", json=body)
    assert response.status_code == 409, response.text
    assert "ext-1" in response.json()["message"]
    assert _count(client, "registered_models") == 1
    assert _count(client, "model_versions") == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"registeredModel": None}, 400),  # no model named at all
        ({"registeredModelId": "1"}, 400),  # the model named twice
        ({"registeredModel": None, "registeredModelId": "999999"}, 404),
        ({"registeredModel": None, "registeredModelId": "x"}, 400),
        ({"modelVersion": {"author": "no name"}}, 422),
        ({"modelArtifact": {"uri": "s3://x", "unknown": 1}}, 400),
        ({"modelArtifact": {"artifactType": "doc-artifact"}}, 400),
        ({"modelArtifact": {"name": "n" * 300}}, 400),  # too long once prefixed
    ],
)
def test_bad_registrations_are_refused_and_write_nothing(
    client: TestClient, change: dict[str, Any], status: int
) -> None:
    body = {k: v for k, v in _body(**change).items() if v is not None}
    response = client.post(f"{V1}/registrations", json=body)
    assert response.status_code == status, response.text
    assert set(response.json()) == {"code", "message"}
    assert _count(client, "registered_models") == 0
    assert _count(client, "model_versions") == 0


def test_registration_on_the_deprecated_prefix(client: TestClient) -> None:
    response = client.post(f"{V1ALPHA3}/registrations", json=_body())
    assert response.status_code == 201, response.text
    assert response.headers["deprecation"] == "true"


def test_registrations_under_one_model_do_not_wait_for_each_other(
    client: TestClient, store: Store
) -> None:
    """A registration under a model id reads the model without a row lock: another
    registration under it, not yet committed, holds the share lock its version's link
    takes, and a second one goes through meanwhile (a lock to update the model would wait
    for the first to commit)."""
    if store.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one writer at a time")
    model = client.post(f"{V1}/registered_models", json={"name": "shared"}).json()["id"]
    table = t.context
    with store.engine.connect() as other:
        # what a registration in flight holds on its model: the foreign key's share lock
        held = select(table.c.id).where(table.c.id == int(model)).with_for_update(key_share=True)
        if other.dialect.name != "postgresql":
            held = select(table.c.id).where(table.c.id == int(model)).with_for_update(read=True)
        other.execute(held).all()
        outcome: list[int] = []
        body = {"registeredModelId": model, "modelVersion": {"name": "v1"}, "modelArtifact": {}}
        thread = threading.Thread(
            target=lambda: outcome.append(
                client.post(f"{V1}/registrations", json=body).status_code
            ),
            daemon=True,
        )
        thread.start()
        thread.join(timeout=10)
        finished = not thread.is_alive()
        other.rollback()
    thread.join(timeout=30)
    assert finished, "the registration waited for another transaction's lock on its model"
    assert outcome == [201]


def _by_id(model_id: str, **overrides: Any) -> dict[str, Any]:
    body = _body(registeredModelId=model_id, **overrides)
    del body["registeredModel"]
    return body


def test_under_a_model_id_a_clash_of_either_key_writes_nothing(client: TestClient) -> None:
    """Under a model id a new version and its new artifact are one insert (one statement
    on PostgreSQL): a taken key of either answers 409 naming it, and neither is written."""
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    artifact = {"name": "model", "uri": "s3://x", "externalId": "ext-1"}
    assert client.post(f"{V1}/registrations", json=_by_id(model)).status_code == 201
    clash = client.post(f"{V1}/registrations", json=_by_id(model))
    assert clash.status_code == 409 and "'v1'" in clash.json()["message"], clash.text
    with_ext = _by_id(model, modelVersion={"name": "v2"}, modelArtifact=artifact)
    made = client.post(f"{V1}/registrations", json=with_ext)
    assert made.status_code == 201, made.text
    with_ext["modelVersion"] = {"name": "v3"}
    clash = client.post(f"{V1}/registrations", json=with_ext)
    assert clash.status_code == 409, clash.text
    assert "model artifact" in clash.json()["message"] and "ext-1" in clash.json()["message"]
    assert _count(client, "model_versions") == 2
    assert _count(client, "model_artifacts") == 2


@pytest.mark.parametrize("length", [0, 245, 250, 254])
def test_under_a_model_id_artifact_names_are_held_to_the_real_prefix(
    client: TestClient, length: int
) -> None:
    """An artifact's stored name is `<version id>:<name>`; a name that fits only because
    the new version's id is short is still taken, and one that does not fit is 400."""
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    name = "n" * length or None
    response = client.post(f"{V1}/registrations", json=_by_id(model, modelArtifact={"name": name}))
    made = response.json()
    if length == 254:  # 255 characters at most with "<id>:"
        assert response.status_code == 400 and "too long" in made["message"], response.text
        assert _count(client, "model_versions") == 0
        return
    assert response.status_code == 201, response.text
    version_id = made["modelVersion"]["id"]
    listed = client.get(f"{V1}/model_versions/{version_id}/artifacts").json()["items"]
    assert listed == [made["modelArtifact"]]
    assert len(made["modelArtifact"]["name"]) == (length or 36)  # no name: a UUID
