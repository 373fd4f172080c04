"""Duplicate names and external ids: 409, and the registry holds exactly what it held before
(no entity row, no property row, no parent link or attribution left behind)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from modelreg.storage import tables as t
from modelreg.storage.store import Store

from .support import (
    ARTIFACT_TYPES,
    V1,
    artifact_body,
    assert_error,
    assert_unchanged,
    create,
    key,
    snapshot,
)

STRING = {"metadataType": "MetadataStringValue", "string_value": "v"}
# Several custom properties, so a write that failed half way would leave property rows.
CUSTOM = {f"p{i}": STRING for i in range(5)}


def _count(store: Store, table: Any) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _conflict(api: TestClient, db: Store, method: str, path: str, body: dict[str, Any]) -> str:
    """Send a write that must be a 409 and check that nothing at all changed."""
    before = snapshot(db)
    tables = (t.context_property, t.artifact_property, t.execution_property)
    properties = [_count(db, table) for table in tables]
    message = assert_error(api.request(method, V1 + path, json=body), 409)
    assert [_count(db, table) for table in tables] == properties
    assert_unchanged(db, before)
    return message


def test_duplicate_registered_model_name_is_409(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    body = {"name": "seed-model", "description": "d", "customProperties": CUSTOM}
    assert "seed-model" in _conflict(api, db, "POST", "/registered_models", body)


def test_duplicate_version_name_in_one_model_is_409(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    body = {"name": "seed-version", "registeredModelId": seed["rm"], "customProperties": CUSTOM}
    _conflict(api, db, "POST", "/model_versions", body)
    _conflict(api, db, "POST", f"/registered_models/{seed['rm']}/versions", body)


@pytest.mark.parametrize("artifact_type", ["model-artifact", "doc-artifact"])
def test_duplicate_artifact_name_in_one_version_is_409(
    api: TestClient, db: Store, seed: dict[str, str], artifact_type: str
) -> None:
    body = artifact_body(artifact_type, f"seed-{artifact_type}", customProperties=CUSTOM)
    _conflict(api, db, "POST", f"/model_versions/{seed['mv']}/artifacts", body)


def test_duplicate_serving_and_experiment_names_are_409(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    se, exp, service = seed["se"], seed["exp"], seed["is"]
    _conflict(
        api, db, "POST", "/serving_environments", {"name": "seed-env", "customProperties": CUSTOM}
    )
    _conflict(
        api, db, "POST", "/experiments", {"name": "seed-experiment", "customProperties": CUSTOM}
    )
    run = {"name": "seed-run", "experimentId": exp, "customProperties": CUSTOM}
    _conflict(api, db, "POST", "/experiment_runs", run)
    _conflict(api, db, "POST", f"/experiments/{exp}/experiment_runs", run)
    service_body = {
        "name": "seed-service",
        "registeredModelId": seed["rm"],
        "customProperties": CUSTOM,
    }
    _conflict(api, db, "POST", f"/serving_environments/{se}/inference_services", service_body)
    _conflict(api, db, "POST", "/inference_services", service_body | {"servingEnvironmentId": se})
    serve = {"name": "seed-serve", "modelVersionId": seed["mv"], "customProperties": CUSTOM}
    _conflict(api, db, "POST", f"/inference_services/{service}/serves", serve)
    metric = artifact_body("metric", "seed-run-metric", externalId="seed-ma")
    _conflict(api, db, "POST", f"/experiment_runs/{seed['run']}/artifacts", metric)


EXTERNAL_ID_CLASHES = [
    ("/serving_environments", {"name": "new", "externalId": "seed-rm"}),
    ("/experiments", {"name": "new", "externalId": "seed-is"}),
    ("/experiment_runs", {"experimentId": "{exp}", "externalId": "seed-se"}),
    (
        "/serving_environments/{se}/inference_services",
        {"registeredModelId": "{rm}", "externalId": "seed-run"},
    ),
    # (path template, body): each reuses an externalId the seed already holds in the same table
    ("/registered_models", {"name": "new", "externalId": "seed-rm"}),
    ("/registered_models", {"name": "new", "externalId": "seed-mv"}),  # contexts share a table
    ("/model_versions", {"name": "new", "registeredModelId": "{rm}", "externalId": "seed-rm"}),
    ("/registered_models/{rm}/versions", {"name": "new", "externalId": "seed-mv"}),
    ("/model_artifacts", {"name": "new", "externalId": "seed-ma"}),
    ("/model_artifacts", {"name": "new", "externalId": "seed-doc-artifact"}),  # across types
    *[("/artifacts", artifact_body(k, "new", externalId="seed-ma")) for k in ARTIFACT_TYPES],
    *[
        ("/model_versions/{mv}/artifacts", artifact_body(k, "new", externalId="seed-parameter"))
        for k in ARTIFACT_TYPES
    ],
]


@pytest.mark.parametrize(("path", "body"), EXTERNAL_ID_CLASHES)
def test_duplicate_external_id_on_create_is_409(
    api: TestClient, db: Store, seed: dict[str, str], path: str, body: dict[str, Any]
) -> None:
    path = path.format(**seed)
    body = {k: v.format(**seed) if isinstance(v, str) else v for k, v in body.items()}
    _conflict(api, db, "POST", path, body | {"customProperties": CUSTOM})


def test_duplicate_external_id_on_update_is_409(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    """The failed update must not half-apply: description and custom properties stay too."""
    updates = [
        (f"/registered_models/{seed['rm']}", {"externalId": "seed-mv"}),
        (f"/model_versions/{seed['mv']}", {"externalId": "seed-rm"}),
        (f"/model_artifacts/{seed['ma']}", {"externalId": "seed-metric"}),
        (f"/serving_environments/{seed['se']}", {"externalId": "seed-exp"}),
        (f"/inference_services/{seed['is']}", {"externalId": "seed-run"}),
        (f"/experiments/{seed['exp']}", {"externalId": "seed-se"}),
        (f"/experiment_runs/{seed['run']}", {"externalId": "seed-rm"}),
        *[
            (f"/artifacts/{seed[key(k)]}", artifact_body(k, externalId="seed-ma"))
            for k in ARTIFACT_TYPES
        ],
    ]
    for path, body in updates:
        before = api.get(V1 + path).json()
        _conflict(api, db, "PATCH", path, body | {"description": "changed", "customProperties": {}})
        assert api.get(V1 + path).json() == before


def test_duplicate_external_id_through_upsert_and_nested_update_is_409(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    """Updates that go through the create endpoints: an `id` in the body."""
    mv = seed["mv"]
    for kind in ARTIFACT_TYPES:
        body = artifact_body(kind, id=seed[key(kind)], externalId="seed-ma", description="x")
        _conflict(api, db, "POST", f"/model_versions/{mv}/artifacts", body)
    body = {"name": "seed-version", "id": mv, "externalId": "seed-rm", "description": "x"}
    _conflict(api, db, "POST", f"/registered_models/{seed['rm']}/versions", body)


def test_what_is_not_a_duplicate(client: TestClient) -> None:
    """The other side of the rules: these share a name or externalId and must all succeed."""
    rm = create(client, "/registered_models", {"name": "m", "externalId": "x"})
    rm2 = create(client, "/registered_models", {"name": "M"})  # names are case-sensitive
    create(client, "/model_versions", {"name": "v", "registeredModelId": rm})
    create(client, "/model_versions", {"name": "v", "registeredModelId": rm2})  # other parent
    mv = create(client, "/model_versions", {"name": "w", "registeredModelId": rm})
    create(client, "/model_artifacts", {"name": "a", "externalId": "x"})  # other table
    for kind in ARTIFACT_TYPES:  # one name, five types, one version
        create(client, f"/model_versions/{mv}/artifacts", artifact_body(kind, "same"))
    create(client, "/model_artifacts", {"name": "a"})  # standalone names are not unique


def test_registry_still_works_after_a_conflict(client: TestClient, store: Store) -> None:
    create(client, "/registered_models", {"name": "m", "customProperties": CUSTOM})
    before = _count(store, t.context_property)
    assert_error(client.post(f"{V1}/registered_models", json={"name": "m"}), 409)
    rm = create(client, "/registered_models", {"name": "n", "customProperties": CUSTOM})
    assert _count(store, t.context_property) == before + len(CUSTOM) + 1  # + state
    assert client.get(f"{V1}/registered_models/{rm}").json()["customProperties"] == CUSTOM
