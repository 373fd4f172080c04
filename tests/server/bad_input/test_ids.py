"""Invalid ids in paths, query parameters and bodies; find parameters; unknown paths/methods."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    ARTIFACT_TYPES,
    PREFIXES,
    V1,
    V1ALPHA3,
    artifact_body,
    assert_error,
    assert_unchanged,
    fill,
    key,
    snapshot,
)

BAD_IDS = ["abc", "1.5", "99999999999", "2147483648", "١٢", "1e3", "0x10", "+1", " 1", "1 ", "%"]
# Upstream parses 0 and negative ids and answers 404; refusing them as malformed is as good.
NON_POSITIVE_IDS = ["0", "-1", "-0"]

ID_ROUTES = [
    ("GET", "/registered_models/{id}"),
    ("PATCH", "/registered_models/{id}"),
    ("GET", "/registered_models/{id}/versions"),
    ("POST", "/registered_models/{id}/versions"),
    ("GET", "/model_versions/{id}"),
    ("PATCH", "/model_versions/{id}"),
    ("GET", "/model_versions/{id}/artifacts"),
    ("POST", "/model_versions/{id}/artifacts"),
    ("GET", "/model_artifacts/{id}"),
    ("PATCH", "/model_artifacts/{id}"),
    ("GET", "/artifacts/{id}"),
    ("PATCH", "/artifacts/{id}"),
    ("GET", "/registered_models/{id}/deployments"),
    ("GET", "/serving_environments/{id}"),
    ("PATCH", "/serving_environments/{id}"),
    ("GET", "/serving_environments/{id}/inference_services"),
    ("POST", "/serving_environments/{id}/inference_services"),
    ("GET", "/inference_services/{id}"),
    ("PATCH", "/inference_services/{id}"),
    ("GET", "/inference_services/{id}/model"),
    ("GET", "/inference_services/{id}/version"),
    ("GET", "/inference_services/{id}/serves"),
    ("POST", "/inference_services/{id}/serves"),
    ("GET", "/serve_models/{id}"),
    ("PATCH", "/serve_models/{id}"),
    ("GET", "/experiments/{id}"),
    ("PATCH", "/experiments/{id}"),
    ("GET", "/experiments/{id}/experiment_runs"),
    ("POST", "/experiments/{id}/experiment_runs"),
    ("GET", "/experiment_runs/{id}"),
    ("PATCH", "/experiment_runs/{id}"),
    ("GET", "/experiment_runs/{id}/artifacts"),
    ("POST", "/experiment_runs/{id}/artifacts"),
    ("GET", "/experiment_runs/{id}/metric_history"),
]
# A body each route would accept, so only the id can be the problem.
VALID_BODY = {
    "/registered_models/{id}/versions": {"name": "v", "registeredModelId": "{rm}"},
    "/model_versions/{id}/artifacts": artifact_body("doc-artifact", "d"),
    "/artifacts/{id}": artifact_body("doc-artifact"),
    "/serving_environments/{id}/inference_services": {"registeredModelId": "{rm}"},
    "/inference_services/{id}/serves": {"modelVersionId": "{mv}"},
    "/experiments/{id}/experiment_runs": {"name": "r"},
    "/experiment_runs/{id}/artifacts": artifact_body("doc-artifact", "d"),
}
ROUTE_PARAMS = [pytest.param(m, p, id=f"{m} {p}") for m, p in ID_ROUTES]


def _call(api: TestClient, method: str, path: str, raw_id: str, prefix: str, seed: dict[str, str]):
    url = prefix + path.replace("{id}", quote(raw_id, safe=""))
    if method == "GET":
        return api.get(url)
    return api.request(method, url, json=fill(VALID_BODY.get(path, {"description": "d"}), seed))


@pytest.mark.parametrize(("method", "path"), ROUTE_PARAMS)
def test_malformed_path_id_is_400(
    api: TestClient, db: Store, seed: dict[str, str], method: str, path: str
) -> None:
    before = snapshot(db)
    for raw in BAD_IDS:
        message = assert_error(_call(api, method, path, raw, V1, seed), 400)
        assert "id" in message
    for raw in NON_POSITIVE_IDS:
        assert_error(_call(api, method, path, raw, V1, seed), 400, 404)
    assert_unchanged(db, before)


def test_malformed_path_ids_under_v1alpha3(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    before = snapshot(db)
    for method, path in ID_ROUTES:
        for raw in ("abc", "99999999999", "١٢"):
            assert_error(_call(api, method, path, raw, V1ALPHA3, seed), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize(("method", "path"), ROUTE_PARAMS)
def test_well_formed_unknown_path_id_is_404(
    api: TestClient, db: Store, seed: dict[str, str], method: str, path: str
) -> None:
    before = snapshot(db)
    for raw in ("2147483647", "0007654321"):
        assert_error(_call(api, method, path, raw, V1, seed), 404)
    assert_unchanged(db, before)


def test_id_of_another_entity_type_is_404(api: TestClient, db: Store, seed: dict[str, str]) -> None:
    before = snapshot(db)
    wrong = [
        f"/registered_models/{seed['mv']}",
        f"/model_versions/{seed['rm']}",
        f"/model_artifacts/{seed['doc_artifact']}",
        f"/model_artifacts/{seed['metric']}",
        f"/serving_environments/{seed['exp']}",
        f"/inference_services/{seed['se']}",
        f"/experiments/{seed['run']}",
        f"/experiment_runs/{seed['exp']}",
    ]
    for path in wrong:
        assert_error(api.get(V1 + path), 404)
        assert_error(api.patch(V1 + path, json={"description": "x"}), 404)
    # Nested lists and the upsert answer for the parent named in the path.
    assert_error(api.get(f"{V1}/registered_models/{seed['mv']}/versions"), 404)
    assert_error(api.get(f"{V1}/model_versions/{seed['rm']}/artifacts"), 404)
    body = artifact_body("doc-artifact", "d")
    assert_error(api.post(f"{V1}/model_versions/{seed['rm']}/artifacts", json=body), 404)
    assert_error(api.post(f"{V1}/experiment_runs/{seed['exp']}/artifacts", json=body), 404)
    assert_error(
        api.post(
            f"{V1}/inference_services/{seed['se']}/serves", json={"modelVersionId": seed["mv"]}
        ),
        404,
    )
    # ...and so do creates whose parent check rides in the insert (Repository.insert)
    version = {"name": "v", "registeredModelId": seed["mv"]}
    assert_error(api.post(f"{V1}/model_versions", json=version), 404)
    assert_error(api.post(f"{V1}/registered_models/{seed['exp']}/versions", json=version), 404)
    run = {"name": "r"}
    assert_error(api.post(f"{V1}/experiments/{seed['run']}/experiment_runs", json=run), 404)
    assert_error(api.post(f"{V1}/experiment_runs", json={**run, "experimentId": seed["se"]}), 404)
    assert_unchanged(db, before)


# --- ids inside bodies ---------------------------------------------------------------------

BAD_BODY_IDS = ["x", "0", "-1", "1.5", "99999999999", "١٢", " 1", 5, True]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_malformed_registered_model_id_in_body_is_400(
    api: TestClient, db: Store, seed: dict[str, str], prefix: str
) -> None:
    before = snapshot(db)
    for bad in BAD_BODY_IDS:
        body = {"name": "v", "registeredModelId": bad}
        for path in ("/model_versions", f"/registered_models/{seed['rm']}/versions"):
            message = assert_error(api.post(prefix + path, json=body), 400)
            assert "registeredModelId" in message
    assert_unchanged(db, before)


def test_unknown_registered_model_in_body_is_404(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    """Upstream accepts a dangling parent; refusing it with 404 is the fix its §10.9 asks for."""
    before = snapshot(db)
    body = {"name": "v", "registeredModelId": "2147483647"}
    assert_error(api.post(f"{V1}/model_versions", json=body), 404)
    assert_unchanged(db, before)


def test_malformed_or_foreign_id_in_nested_version_body(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    before = snapshot(db)
    url = f"{V1}/registered_models/{seed['rm']}/versions"
    for bad in BAD_BODY_IDS:
        assert_error(api.post(url, json={"name": "v", "id": bad}), 400)
    assert_error(api.post(url, json={"name": "v", "id": "2147483647"}), 400, 404)
    other = api.post(f"{V1}/registered_models", json={"name": "other"}).json()["id"]
    before = snapshot(db)
    foreign = {"name": "v", "id": seed["mv"]}
    assert_error(api.post(f"{V1}/registered_models/{other}/versions", json=foreign), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize("artifact_type", ARTIFACT_TYPES)
def test_malformed_or_mismatched_id_in_upsert_body(
    api: TestClient, db: Store, seed: dict[str, str], artifact_type: str
) -> None:
    before = snapshot(db)
    url = f"{V1}/model_versions/{seed['mv']}/artifacts"
    for bad in BAD_BODY_IDS:
        assert_error(api.post(url, json=artifact_body(artifact_type, id=bad)), 400)
    # Upstream answers 400 for an unknown id; 404 says the same more precisely.
    assert_error(api.post(url, json=artifact_body(artifact_type, id="2147483647")), 400, 404)
    other = next(k for k in ARTIFACT_TYPES if k != artifact_type)
    assert_error(api.post(url, json=artifact_body(artifact_type, id=seed[key(other)])), 400)
    assert_unchanged(db, before)


# --- find endpoints --------------------------------------------------------------------------

FINDS = ["/model_version", "/model_artifact", "/artifact", "/inference_service", "/experiment_run"]
BAD_PARENTS = ["x", "0", "-1", "1.5", "99999999999", "١٢", "1e3"]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("path", FINDS)
def test_malformed_parent_resource_id_is_400(
    api: TestClient, seed: dict[str, str], path: str, prefix: str
) -> None:
    for bad in BAD_PARENTS:
        response = api.get(prefix + path, params={"name": "seed-version", "parentResourceId": bad})
        assert "parentResourceId" in assert_error(response, 400)


INCOMPLETE_FINDS = [
    ("/serving_environment", {}),
    ("/experiment", {}),
    ("/inference_service", {}),
    ("/inference_service", {"name": "seed-service"}),
    ("/experiment_run", {}),
    ("/experiment_run", {"name": "seed-run"}),
    ("/registered_model", {}),
    ("/model_version", {}),
    ("/model_version", {"name": "seed-version"}),
    ("/model_version", {"parentResourceId": "{rm}"}),
    ("/model_artifact", {}),
    ("/model_artifact", {"name": "seed-model-artifact"}),
    ("/model_artifact", {"parentResourceId": "{mv}"}),
    ("/artifact", {}),
    ("/artifact", {"name": "seed-doc-artifact"}),
    ("/artifact", {"parentResourceId": "{mv}"}),
]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("path", "params"), INCOMPLETE_FINDS)
def test_find_without_enough_parameters_is_400(
    api: TestClient, seed: dict[str, str], path: str, params: dict[str, str], prefix: str
) -> None:
    assert_error(api.get(prefix + path, params=fill(params, seed)), 400)


def test_find_with_no_match_is_404(api: TestClient, seed: dict[str, str]) -> None:
    misses = [
        ("/registered_model", {"name": "nope"}),
        ("/registered_model", {"externalId": "nope"}),
        ("/registered_model", {"name": "seed-%"}),  # no LIKE wildcards
        ("/model_version", {"name": "seed-version", "parentResourceId": "2147483647"}),
        ("/model_version", {"name": "seed_version", "parentResourceId": seed["rm"]}),
        ("/model_version", {"externalId": "seed-rm"}),  # a model's externalId is not a version's
        ("/model_artifact", {"name": "seed-doc-artifact", "parentResourceId": seed["mv"]}),
        ("/model_artifact", {"externalId": "seed-doc-artifact"}),
        ("/artifact", {"name": "seed-%", "parentResourceId": seed["mv"]}),
        ("/artifact", {"name": "seed-model-artifact", "parentResourceId": seed["rm"]}),
    ]
    for path, params in misses:
        assert_error(api.get(V1 + path, params=params), 404)


# --- unknown paths and methods ---------------------------------------------------------------

COLLECTIONS = [
    "/registered_models",
    "/model_versions",
    "/model_artifacts",
    "/artifacts",
    "/serving_environments",
    "/inference_services",
    "/experiments",
    "/experiment_runs",
]
ITEMS = [
    "/registered_models/{rm}",
    "/registered_models/{rm}/versions",
    "/model_versions/{mv}",
    "/model_versions/{mv}/artifacts",
    "/model_artifacts/{ma}",
    "/artifacts/{doc_artifact}",
    "/serving_environments/{se}",
    "/serving_environments/{se}/inference_services",
    "/inference_services/{is}",
    "/inference_services/{is}/serves",
    "/serve_models/{sm}",
    "/experiments/{exp}",
    "/experiments/{exp}/experiment_runs",
    "/experiment_runs/{run}",
    "/experiment_runs/{run}/artifacts",
    "/experiment_runs/{run}/metric_history",
    "/experiment_runs/metric_history",
    "/registered_models/{rm}/deployments",
]
FIND_PATHS = [
    "/registered_model",
    "/model_version",
    "/model_artifact",
    "/artifact",
    "/serving_environment",
    "/inference_service",
    "/experiment",
    "/experiment_run",
]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_unrouted_method_is_405(
    api: TestClient, db: Store, seed: dict[str, str], prefix: str
) -> None:
    before = snapshot(db)
    for path in COLLECTIONS + ITEMS + FIND_PATHS:
        url = prefix + fill(path, seed)
        for method in ("DELETE", "PUT"):
            assert_error(api.request(method, url, json={"name": "x"}), 405)
    for path in FIND_PATHS:
        assert_error(api.post(prefix + path, json={"name": "x"}), 405)
        assert_error(api.patch(prefix + path, json={"name": "x"}), 405)
    for path in COLLECTIONS:
        assert_error(api.patch(prefix + path, json={"name": "x"}), 405)
    assert_unchanged(db, before)


UNKNOWN_PATHS = [
    "/",
    "/api",
    "/api/model_registry",
    "/api/model_registry/v2/registered_models",
    "/api/model_registry/v1beta1/registered_models",
    "/api/model_registry/v1/registeredmodels",
    "/api/model_registry/v1/Registered_Models",
    "/api/model_registry/v1/registered_models/1/versions/1",
    "/api/model_registry/v1/registered_models/1/artifacts",
    "/api/model_registry/v1/model_versions/1/versions",
    "/api/model_registry/v1/serve_models",
    "/api/model_registry/v1/experiment_runs/metric_history/1",
    "/api/model_registry/v1/inference_services/1/models",
    "/api/model_registry/v1/registered_models/1%2F2",
    "/favicon.ico",
]


@pytest.mark.parametrize("path", UNKNOWN_PATHS)
def test_unknown_path_is_404_json(api: TestClient, path: str) -> None:
    for method in ("GET", "POST", "DELETE"):
        assert_error(api.request(method, path), 404)
