"""Bad request bodies get a clear 4xx `{code, message}`, never a 500, and write nothing.

Here: malformed or non-object JSON, unknown fields and missing required fields on every write
endpoint. The other modules of this package cover field types, customProperties, ids,
strings, paging, conflicts and random input.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    NOT_AN_OBJECT,
    PREFIXES,
    V1,
    V1ALPHA3,
    WRITE_PARAMS,
    WRITES,
    Write,
    assert_error,
    assert_unchanged,
    fill,
    send,
    snapshot,
)


@pytest.mark.parametrize("write", WRITE_PARAMS)
def test_malformed_or_non_object_body_is_400(
    api: TestClient, db: Store, seed: dict[str, str], write: Write
) -> None:
    before = snapshot(db)
    for content in NOT_AN_OBJECT:
        assert_error(send(api, write, seed, content=content), 400)
    assert_unchanged(db, before)


def test_malformed_bodies_under_v1alpha3(api: TestClient, db: Store, seed: dict[str, str]) -> None:
    """The deprecated prefix shares the handlers: a few bodies per endpoint are enough."""
    before = snapshot(db)
    for write in WRITES:
        for content in (b"{", b"", b"[]", b"null"):
            response = send(api, write, seed, V1ALPHA3, content=content)
            assert_error(response, 400)
            assert response.headers["deprecation"] == "true"
    assert_unchanged(db, before)


def test_form_content_type_is_still_read_as_json(api: TestClient) -> None:
    response = api.post(
        f"{V1}/registered_models",
        content=b"name=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert_error(response, 400)


@pytest.mark.parametrize("write", WRITE_PARAMS)
def test_unknown_field_is_400_and_named(
    api: TestClient, db: Store, seed: dict[str, str], write: Write
) -> None:
    before = snapshot(db)
    for field in ("bogus", "ext_id", "artifact_kind"):
        message = assert_error(send(api, write, seed, body={**write.body, field: 1}), 400)
        assert field in message
    assert_unchanged(db, before)


# --- required fields -------------------------------------------------------------------------

REQUIRED = [
    pytest.param("/serving_environments", {}, "name", id="se-no-name"),
    pytest.param("/serving_environments", {"name": ""}, "name", id="se-empty-name"),
    pytest.param("/experiments", {"owner": "o"}, "name", id="exp-no-name"),
    pytest.param("/experiments", {"name": ""}, "name", id="exp-empty-name"),
    pytest.param(
        "/inference_services", {"servingEnvironmentId": "{se}"}, "registeredModelId", id="is-no-rm"
    ),
    pytest.param(
        "/inference_services", {"registeredModelId": "{rm}"}, "servingEnvironmentId", id="is-no-se"
    ),
    pytest.param(
        "/serving_environments/{se}/inference_services", {}, "registeredModelId", id="nested-is"
    ),
    pytest.param("/inference_services/{is}/serves", {}, "modelVersionId", id="serve-no-mv"),
    pytest.param("/experiment_runs", {"name": "r"}, "experimentId", id="run-no-experiment"),
    pytest.param("/registered_models", {}, "name", id="rm-no-name"),
    pytest.param("/registered_models", {"name": ""}, "name", id="rm-empty-name"),
    pytest.param("/registered_models", {"description": "d"}, "name", id="rm-only-description"),
    pytest.param("/model_versions", {"registeredModelId": "{rm}"}, "name", id="mv-no-name"),
    pytest.param(
        "/model_versions", {"name": "", "registeredModelId": "{rm}"}, "name", id="mv-empty-name"
    ),
    pytest.param("/model_versions", {"name": "v"}, "registeredModelId", id="mv-no-parent"),
    pytest.param("/model_versions", {}, "registeredModelId", id="mv-nothing"),
    pytest.param("/registered_models/{rm}/versions", {}, "name", id="nested-no-name"),
    pytest.param("/registered_models/{rm}/versions", {"name": ""}, "name", id="nested-empty-name"),
    pytest.param(
        "/model_versions",
        {"name": "v", "registeredModelId": ""},
        "registeredModelId",
        id="mv-empty-parent",
    ),
    pytest.param(
        "/registered_models",
        {"name": None},
        "name",
        id="rm-null-name",
    ),
    pytest.param(
        "/model_versions",
        {"name": "v", "registeredModelId": None},
        "registeredModelId",
        id="mv-null-parent",
    ),
]


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize(("path", "body", "field"), REQUIRED)
def test_missing_or_empty_required_field_is_422(
    api: TestClient,
    db: Store,
    seed: dict[str, str],
    prefix: str,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = snapshot(db)
    response = api.post(prefix + fill(path, seed), json=fill(body, seed))
    assert field in assert_error(response, 422)
    assert_unchanged(db, before)
