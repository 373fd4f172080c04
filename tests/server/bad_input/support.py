"""What the bad-input tests share: `assert_error`, `snapshot`/`assert_unchanged` (every
registry row, before and after), the seed's builder, `WRITES` (every write endpoint with a
valid body) and `xfail_on`. Their fixtures (`api`, `db`, `seed`) are in conftest.py.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, NamedTuple

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from modelreg.storage import tables as t
from modelreg.storage.store import Store
from tests.conftest import DATA_TABLES
from tests.server.conftest import V1, V1ALPHA3

Response = Any  # the test client's response (httpx or httpx2, whichever Starlette found)
PREFIXES = [pytest.param(V1, id="v1"), pytest.param(V1ALPHA3, id="v1alpha3")]
ARTIFACT_TYPES = ["model-artifact", "doc-artifact", "dataset-artifact", "metric", "parameter"]
# Python 3.11 still says "Request Entity Too Large" / "Unprocessable Entity"; RFC 9110 renamed them.
REASON_ALIASES = {413: {"Content Too Large"}, 422: {"Unprocessable Content"}}
MYSQL = ("mysql", "mariadb")


def wipe(store: Store) -> None:
    with store.engine.begin() as conn:
        for table in DATA_TABLES:
            conn.execute(delete(table))


def assert_error(response: Response, *statuses: int) -> str:
    """The response is one of `statuses` with a JSON `{code, message}` body; returns message."""
    assert response.status_code in statuses, (
        f"expected {statuses}, got {response.status_code}: {response.text[:500]}"
    )
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"code", "message"}, body
    status = response.status_code
    assert body["code"] in {HTTPStatus(status).phrase} | REASON_ALIASES.get(status, set()), body
    assert isinstance(body["message"], str) and body["message"].strip(), body
    return str(body["message"])


def xfail_on(
    request: pytest.FixtureRequest, store: Store, dialects: tuple[str, ...], reason: str
) -> None:
    """Mark the running test as a strict expected failure on these database dialects only."""
    if store.dialect in dialects:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def artifact_body(artifact_type: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"artifactType": artifact_type}
    if name is not None:
        body["name"] = name
    if artifact_type == "metric":
        body["value"] = 0.5
    return body | extra


def key(artifact_type: str) -> str:
    """The seed key of the artifact of this type linked to the seed version."""
    return artifact_type.replace("-", "_")


def create(client: TestClient, path: str, body: dict[str, Any], prefix: str = V1) -> str:
    response = client.post(prefix + path, json=body)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def build_seed(client: TestClient) -> dict[str, str]:
    string = {"metadataType": "MetadataStringValue", "string_value": "v"}
    custom = {"a": string, "b": string}
    rm = create(
        client,
        "/registered_models",
        {"name": "seed-model", "externalId": "seed-rm", "customProperties": custom},
    )
    mv = create(
        client,
        "/model_versions",
        {
            "name": "seed-version",
            "registeredModelId": rm,
            "externalId": "seed-mv",
            "customProperties": custom,
        },
    )
    ids = {"rm": rm, "mv": mv}
    ids["ma"] = create(
        client, "/model_artifacts", {"name": "seed-standalone", "externalId": "seed-ma"}
    )
    for kind in ARTIFACT_TYPES:
        body = artifact_body(
            kind, f"seed-{kind}", externalId=f"seed-{kind}", customProperties=custom
        )
        ids[key(kind)] = create(client, f"/model_versions/{mv}/artifacts", body)
    se = ids["se"] = create(
        client, "/serving_environments", {"name": "seed-env", "externalId": "seed-se"}
    )
    ids["is"] = create(
        client,
        f"/serving_environments/{se}/inference_services",
        {"name": "seed-service", "registeredModelId": rm, "externalId": "seed-is"},
    )
    ids["sm"] = create(
        client,
        f"/inference_services/{ids['is']}/serves",
        {"name": "seed-serve", "modelVersionId": mv},
    )
    exp = ids["exp"] = create(
        client, "/experiments", {"name": "seed-experiment", "externalId": "seed-exp"}
    )
    ids["run"] = create(
        client,
        f"/experiments/{exp}/experiment_runs",
        {"name": "seed-run", "experimentId": exp, "externalId": "seed-run"},
    )
    body = artifact_body("metric", "seed-run-metric", step=1, customProperties=custom)
    ids["run_metric"] = create(client, f"/experiment_runs/{ids['run']}/artifacts", body)
    return ids


SNAPSHOT_TABLES = [
    t.context,
    t.context_property,
    t.parent_context,
    t.artifact,
    t.artifact_property,
    t.attribution,
    t.execution,  # serve models
    t.execution_property,
    t.association,
]


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every registry table, sorted: equal snapshots mean nothing was written."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in SNAPSHOT_TABLES
        }


def assert_unchanged(store: Store, before: dict[str, list[tuple[Any, ...]]]) -> None:
    after = snapshot(store)
    counts = {name: (len(rows), len(after[name])) for name, rows in before.items()}
    assert all(b == a for b, a in counts.values()), f"row counts (before, after): {counts}"
    assert after == before, "rows changed although the request failed"


def fill(template: Any, ids: dict[str, str]) -> Any:
    """Replace `{rm}`-style placeholders in a body or path template with seed ids."""
    if isinstance(template, str):
        return template.format(**ids)
    if isinstance(template, dict):
        return {k: fill(v, ids) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, ids) for v in template]
    return template


class Write(NamedTuple):
    method: str
    path: str
    body: dict[str, Any]
    family: str

    def url(self, prefix: str, ids: dict[str, str]) -> str:
        return prefix + fill(self.path, ids)


WRITES = [
    Write("POST", "/registered_models", {"name": "new-model"}, "rm"),
    Write("PATCH", "/registered_models/{rm}", {"description": "d"}, "rm"),
    Write("POST", "/model_versions", {"name": "new-version", "registeredModelId": "{rm}"}, "mv"),
    Write(
        "POST",
        "/registered_models/{rm}/versions",
        {"name": "nv", "registeredModelId": "{rm}"},
        "mv",
    ),
    Write("PATCH", "/model_versions/{mv}", {"description": "d"}, "mv"),
    Write("POST", "/model_artifacts", {"name": "new-ma"}, "model-artifact"),
    Write("PATCH", "/model_artifacts/{ma}", {"description": "d"}, "model-artifact"),
    *[Write("POST", "/artifacts", artifact_body(k, f"new-{k}"), k) for k in ARTIFACT_TYPES],
    *[
        Write("POST", "/model_versions/{mv}/artifacts", artifact_body(k, f"new-{k}"), k)
        for k in ARTIFACT_TYPES
    ],
    *[
        Write("PATCH", f"/artifacts/{{{key(k)}}}", artifact_body(k, description="d"), k)
        for k in ARTIFACT_TYPES
    ],
    # serving
    Write("POST", "/serving_environments", {"name": "new-env"}, "se"),
    Write("PATCH", "/serving_environments/{se}", {"description": "d"}, "se"),
    Write(
        "POST",
        "/inference_services",
        {"registeredModelId": "{rm}", "servingEnvironmentId": "{se}"},
        "is",
    ),
    Write(
        "POST", "/serving_environments/{se}/inference_services", {"registeredModelId": "{rm}"}, "is"
    ),
    Write("PATCH", "/inference_services/{is}", {"description": "d"}, "is"),
    Write("POST", "/inference_services/{is}/serves", {"modelVersionId": "{mv}"}, "sm"),
    Write("PATCH", "/serve_models/{sm}", {"description": "d"}, "sm"),
    # experiments
    Write("POST", "/experiments", {"name": "new-experiment"}, "exp"),
    Write("PATCH", "/experiments/{exp}", {"description": "d"}, "exp"),
    Write("POST", "/experiment_runs", {"experimentId": "{exp}"}, "run"),
    Write("POST", "/experiments/{exp}/experiment_runs", {"experimentId": "{exp}"}, "run"),
    Write("PATCH", "/experiment_runs/{run}", {"description": "d"}, "run"),
    *[
        Write("POST", "/experiment_runs/{run}/artifacts", artifact_body(k, f"run-{k}"), k)
        for k in ARTIFACT_TYPES
    ],
]
WRITE_PARAMS = [pytest.param(w, id=f"{w.method} {w.path} {w.family}") for w in WRITES]


def send(
    client: TestClient,
    write: Write,
    ids: dict[str, str],
    prefix: str = V1,
    body: Any = None,
    content: bytes | None = None,
) -> Response:
    url = write.url(prefix, ids)
    if content is not None:
        return client.request(write.method, url, content=content)
    return client.request(write.method, url, json=fill(write.body if body is None else body, ids))


NOT_AN_OBJECT = [
    b"{",
    b'{"name": }',
    b"{'name': 'x'}",
    b'{"name": "x",}',
    b'{"name": "x"} {"name": "y"}',
    b"",
    b"   ",
    b"[]",
    b'[{"name": "x"}]',
    b'"name"',
    b"42",
    b"-1.5e3",
    b"null",
    b"true",
    b"NaN",
    b"\xff\xfe{}",
    b'{"name": "\xff"}',
    b"\x00",
]
