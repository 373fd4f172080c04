"""Wrong JSON types and enum values, field by field, on every write endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    ARTIFACT_TYPES,
    PREFIXES,
    V1,
    WRITE_PARAMS,
    Write,
    artifact_body,
    assert_error,
    assert_unchanged,
    key,
    send,
    snapshot,
)

# --- wrong JSON types, field by field --------------------------------------------------------

NOT_A_STRING = [5, 1.5, True, {}, ["x"]]
TEXT_FIELDS = {
    "rm": [
        "name",
        "description",
        "externalId",
        "owner",
        "readme",
        "maturity",
        "provider",
        "logo",
        "license",
        "licenseLink",
        "libraryName",
    ],
    "mv": ["name", "description", "externalId", "author"],
    "model-artifact": [
        "name",
        "description",
        "externalId",
        "uri",
        "modelFormatName",
        "modelFormatVersion",
        "storageKey",
        "storagePath",
        "serviceAccountName",
        "modelSourceKind",
        "modelSourceClass",
        "modelSourceGroup",
        "modelSourceId",
        "modelSourceName",
    ],
    "doc-artifact": ["name", "description", "externalId", "uri"],
    "dataset-artifact": [
        "name",
        "description",
        "externalId",
        "uri",
        "digest",
        "sourceType",
        "source",
        "schema",
        "profile",
    ],
    "metric": ["name", "description", "externalId", "timestamp"],
    "parameter": ["name", "description", "externalId", "value"],
    "se": ["name", "description", "externalId"],
    "is": ["name", "description", "externalId", "runtime"],
    "sm": ["name", "description", "externalId"],
    "exp": ["name", "description", "externalId", "owner"],
    "run": ["name", "description", "externalId", "owner"],
}
OTHER_FIELDS: dict[str, dict[str, list[Any]]] = {
    "rm": {
        "language": ["en", [1], [None], {"en": 1}],
        "tasks": ["t", [True]],
        "state": ["live", "Live", "LIVE ", "", "DELETED", 1, True, ["LIVE"]],
        "customProperties": [[], "x", 1, True],
    },
    "mv": {
        "state": ["live", "archived", "", "UNKNOWN", 0],
        "registeredModelId": [5, True, {}],
        "customProperties": [[], "x"],
    },
    "metric": {"value": ["1.5", True, [], {}], "step": ["abc", 1.5, True, [], "1.5"]},
    "parameter": {"parameterType": ["STRING", "int", "", 1]},
    "is": {
        "desiredState": ["deployed", "RUNNING", "", 1],
        "modelVersionId": [5, "x", "0", True],
        "registeredModelId": [5, "x"],
        "servingEnvironmentId": [5, "-1"],
    },
    "sm": {"lastKnownState": ["running", "LIVE", "", 0], "modelVersionId": [5, "x"]},
    "exp": {"state": ["live", "UNKNOWN", 1]},
    "run": {
        "status": ["running", "DONE", "", 1],
        "state": ["live", True],
        "startTimeSinceEpoch": ["abc", "-1", "1.5", "", -1, 1.5, True, "١٢", "1" * 19],
        "endTimeSinceEpoch": ["abc", "-5", 2.5, False, 10**18],
        "experimentId": [5, "x", "1.5"],
    },
}
ARTIFACT_STATES = ["live", "Live", "ARCHIVED", "", 3]


def _bad_fields(write: Write) -> list[tuple[str, Any]]:
    # each text field gets one wrong type, round robin, so every family sees every wrong type
    texts = TEXT_FIELDS[write.family]
    cases = [(f, NOT_A_STRING[i % len(NOT_A_STRING)]) for i, f in enumerate(texts)]
    cases += [(texts[0], v) for v in NOT_A_STRING]
    cases += [(f, v) for f, vs in OTHER_FIELDS.get(write.family, {}).items() for v in vs]
    if write.family in ARTIFACT_TYPES:
        cases += [("state", v) for v in ARTIFACT_STATES]
        cases += [("customProperties", v) for v in ([], "x")]
    return [(f, v) for f, v in cases if v is not None]


@pytest.mark.parametrize("write", WRITE_PARAMS)
def test_wrong_json_type_for_a_field_is_400_and_named(
    api: TestClient, db: Store, seed: dict[str, str], write: Write
) -> None:
    before = snapshot(db)
    for field, value in _bad_fields(write):
        response = send(api, write, seed, body={**write.body, field: value})
        message = assert_error(response, 400)
        assert field in message, (field, value, message)
    assert_unchanged(db, before)


def test_metric_without_value_is_400(api: TestClient, db: Store, seed: dict[str, str]) -> None:
    before = snapshot(db)
    for url in (
        f"{V1}/artifacts",
        f"{V1}/model_versions/{seed['mv']}/artifacts",
        f"{V1}/experiment_runs/{seed['run']}/artifacts",
    ):
        assert_error(api.post(url, json={"artifactType": "metric", "name": "m"}), 400)
        assert_error(api.post(url, json={"artifactType": "metric", "value": None}), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(
    "artifact_type", ["foo", "MODEL-ARTIFACT", "model_artifact", "Metric", "", 1, None, ["metric"]]
)
def test_unknown_artifact_type_in_body_is_400(
    api: TestClient, db: Store, seed: dict[str, str], prefix: str, artifact_type: Any
) -> None:
    before = snapshot(db)
    body = {"artifactType": artifact_type, "name": "x"}
    urls = [
        f"{prefix}/artifacts",
        f"{prefix}/model_versions/{seed['mv']}/artifacts",
        f"{prefix}/artifacts/{seed['doc_artifact']}",
    ]
    if artifact_type is not None:  # on /model_artifacts the type is optional, so null is fine
        urls.append(f"{prefix}/model_artifacts")
    for url in urls:
        method = "PATCH" if url.endswith(seed["doc_artifact"]) else "POST"
        assert_error(api.request(method, url, json=body), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize("body", [{"name": "x"}, {"artifactType": "foo"}], ids=["missing", "foo"])
def test_artifact_type_problem_is_named_in_the_message(api: TestClient, body: Any) -> None:
    message = assert_error(api.post(f"{V1}/artifacts", json=body), 400)
    assert "artifactType" in message


def test_patch_cannot_change_artifact_type(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    before = snapshot(db)
    for kind in ARTIFACT_TYPES:
        other = next(k for k in ARTIFACT_TYPES if k != kind)
        response = api.patch(f"{V1}/artifacts/{seed[key(kind)]}", json=artifact_body(other))
        assert_error(response, 400)
    assert_unchanged(db, before)


def test_run_that_ends_before_it_starts_is_400(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    before = snapshot(db)
    times = {"startTimeSinceEpoch": "10", "endTimeSinceEpoch": "5"}
    for path in ("/experiment_runs", f"/experiments/{seed['exp']}/experiment_runs"):
        body = {"experimentId": seed["exp"], **times}
        assert "endTimeSinceEpoch" in assert_error(api.post(V1 + path, json=body), 400)
    run = f"{V1}/experiment_runs/{seed['run']}"
    assert_error(api.patch(run, json={"endTimeSinceEpoch": "5", "startTimeSinceEpoch": "10"}), 400)
    assert_unchanged(db, before)
