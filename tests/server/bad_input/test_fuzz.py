"""Property-based: random JSON at every write endpoint and random list parameters never give a
5xx; every 4xx has the `{code, message}` shape and leaves the database untouched."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modelreg.storage.store import Store

from .support import (
    V1,
    WRITES,
    Write,
    assert_error,
    assert_unchanged,
    fill,
    send,
    snapshot,
)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,  # the same examples on every run: a red build is reproducible
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

FIELDS = [
    "name",
    "description",
    "externalId",
    "customProperties",
    "state",
    "owner",
    "language",
    "tasks",
    "registeredModelId",
    "author",
    "id",
    "artifactType",
    "uri",
    "value",
    "step",
    "timestamp",
    "parameterType",
    "schema",
    "modelFormatName",
    "createTimeSinceEpoch",
    "runtime",
    "desiredState",
    "servingEnvironmentId",
    "modelVersionId",
    "lastKnownState",
    "experimentId",
    "startTimeSinceEpoch",
    "endTimeSinceEpoch",
    "status",
]
METADATA_TYPES = [
    "MetadataStringValue",
    "MetadataIntValue",
    "MetadataDoubleValue",
    "MetadataBoolValue",
    "MetadataStructValue",
    "MetadataProtoValue",
]
METADATA_FIELDS = [
    "metadataType",
    "string_value",
    "int_value",
    "double_value",
    "bool_value",
    "struct_value",
    "proto_value",
    "type",
]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "",
            "1",
            "-1",
            "0",
            "LIVE",
            "live",
            "metric",
            "model-artifact",
            "2147483648",
            "9223372036854775808",
            "eyJhIjogMX0=",
            "true",
            "null",
        ]
    )
)
keys = st.sampled_from(FIELDS + METADATA_FIELDS) | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(keys, children, max_size=5)
        | st.fixed_dictionaries(
            {"metadataType": st.sampled_from(METADATA_TYPES)},
            optional=dict.fromkeys(METADATA_FIELDS[1:], children),
        )
    ),
    max_leaves=25,
)
writes = st.sampled_from(WRITES)


def _check(response: Any, db: Store, before: dict[str, Any]) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        assert_error(response, response.status_code)
        assert_unchanged(db, before)


@FUZZ
@given(write=writes, body=json_values)
def test_random_json_body(
    api: TestClient, db: Store, seed: dict[str, str], write: Write, body: Any
) -> None:
    before = snapshot(db)
    _check(send(api, write, seed, content=json.dumps(body).encode()), db, before)


@FUZZ
@given(write=writes, changes=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=3))
def test_valid_body_with_random_fields(
    api: TestClient, db: Store, seed: dict[str, str], write: Write, changes: dict[str, Any]
) -> None:
    """Mostly well-formed bodies, so the values reach the deeper validators and the database."""
    body = {**fill(write.body, seed), **changes}
    before = snapshot(db)
    _check(send(api, write, seed, content=json.dumps(body).encode()), db, before)


LISTS = [
    "/registered_models",
    "/registered_models/{rm}/versions",
    "/model_versions",
    "/model_versions/{mv}/artifacts",
    "/model_artifacts",
    "/artifacts",
    "/registered_model",
    "/model_version",
    "/model_artifact",
    "/artifact",
    "/serving_environments",
    "/serving_environments/{se}/inference_services",
    "/inference_services",
    "/inference_services/{is}/serves",
    "/experiments",
    "/experiments/{exp}/experiment_runs",
    "/experiment_runs",
    "/experiment_runs/{run}/artifacts",
    "/experiment_runs/{run}/metric_history",
    "/experiment_runs/metric_history",
    "/serving_environment",
    "/inference_service",
    "/experiment",
    "/experiment_run",
]
PARAMS = [
    "pageSize",
    "orderBy",
    "sortOrder",
    "nextPageToken",
    "artifactType",
    "name",
    "externalId",
    "parentResourceId",
    "filterQuery",
    "stepIds",
]
param_values = st.text(max_size=40) | st.sampled_from(
    [
        "ID",
        "NAME",
        "CREATE_TIME",
        "desc",
        "0",
        "-1",
        "1000000",
        "name.string_value",
        "model-artifact",
    ]
)


@FUZZ
@given(path=st.sampled_from(LISTS), params=st.dictionaries(st.sampled_from(PARAMS), param_values))
def test_random_query_parameters(
    api: TestClient, seed: dict[str, str], path: str, params: dict[str, str]
) -> None:
    response = api.get(V1 + fill(path, seed), params=params)
    assert response.status_code < 500, (params, response.text[:500])
    if response.status_code >= 400:
        assert_error(response, response.status_code)
