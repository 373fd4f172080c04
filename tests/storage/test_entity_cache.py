"""Entities kept from earlier reads (storage/entity_cache.py) never show stale data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.config import Settings
from modelreg.domain import common
from modelreg.domain.kinds import METRIC
from modelreg.domain.records import Page, Record
from modelreg.domain.values import Stored
from modelreg.server import responses
from modelreg.server.app import create_app
from modelreg.storage.store import Store
from tests.conftest import V1, V1ALPHA3
from tests.metadata import EVERY_KIND
from tests.storage.heard import counted

CUSTOM = EVERY_KIND


def post(client: TestClient, path: str, body: dict[str, Any], prefix: str = V1) -> str:
    response = client.post(f"{prefix}{path}", json=body)
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def _seed(client: TestClient) -> dict[str, str]:
    """A little of every kind of entity, with every kind of property value."""
    model = post(client, "/registered_models", {"name": "m", "customProperties": CUSTOM})
    ids = {"model": model}
    for n in range(3):
        body = {"name": f"v{n}", "registeredModelId": model, "customProperties": CUSTOM}
        version = ids["version"] = post(client, "/model_versions", body)
        artifact = {"artifactType": "model-artifact", "name": f"a{n}", "uri": "s3://b/k"}
        post(client, f"/model_versions/{version}/artifacts", artifact)
        doc = {"artifactType": "doc-artifact", "name": f"d{n}", "uri": "s3://b/readme"}
        post(client, f"/model_versions/{version}/artifacts", doc)
    experiment = ids["experiment"] = post(client, "/experiments", {"name": "e"}, V1ALPHA3)
    run = ids["run"] = post(
        client, "/experiment_runs", {"experimentId": experiment, "name": "r"}, V1ALPHA3
    )
    for step in range(3):
        metric = {"artifactType": "metric", "name": "loss", "value": 0.5, "step": step}
        post(client, f"/experiment_runs/{run}/artifacts", metric, V1ALPHA3)
    env = ids["env"] = post(client, "/serving_environments", {"name": "prod"})
    service = ids["service"] = post(
        client,
        "/inference_services",
        {"name": "svc", "servingEnvironmentId": env, "registeredModelId": model},
    )
    serve = {"name": "s", "modelVersionId": ids["version"]}
    post(client, f"/inference_services/{service}/serves", serve)
    return ids


def _list_paths(ids: dict[str, str]) -> list[str]:
    return [
        "/registered_models",
        "/model_versions",
        f"/registered_models/{ids['model']}/versions",
        "/model_artifacts",
        "/artifacts",
        f"/model_versions/{ids['version']}/artifacts",
        "/experiments",
        "/experiment_runs",
        f"/experiment_runs/{ids['run']}/artifacts",
        f"/experiment_runs/{ids['run']}/metric_history",
        "/serving_environments",
        "/inference_services",
        f"/inference_services/{ids['service']}/serves",
    ]


def test_a_page_from_kept_entities_equals_one_read_afresh(client: TestClient, store: Store) -> None:
    ids = _seed(client)
    for path in _list_paths(ids):
        for prefix in (V1, V1ALPHA3, V1):  # each API version keeps its own JSON
            assert store.cache is not None
            store.cache.clear()
            cold = client.get(f"{prefix}{path}")
            assert cold.status_code == 200, (prefix, path, cold.text)
            assert cold.json()["size"] > 0, path
            for other in (V1ALPHA3, V1):
                client.get(f"{other}{path}")
            warm = client.get(f"{prefix}{path}")
            assert warm.content == cold.content, (prefix, path)


def test_a_repeated_list_reads_only_the_page_rows(client: TestClient, store: Store) -> None:
    ids = _seed(client)
    path = f"{V1}/registered_models/{ids['model']}/versions"
    with counted(store) as cold_statements:
        first = client.get(path)
    with counted(store, cold=False) as warm_statements:
        second = client.get(path)
    assert second.content == first.content
    assert len(warm_statements) == len(cold_statements) - 1 == 1, warm_statements


@pytest.fixture
def replica(store: Store) -> Iterator[TestClient]:
    """A second server on the same database, with its own cache."""
    url = store.engine.url.render_as_string(hide_password=False)
    app = create_app(Settings(database_url=url, migrate_on_start=False))
    with TestClient(app) as other:
        yield other


@pytest.mark.parametrize("frozen_clock", [False, True], ids=["clock", "one-millisecond"])
def test_a_change_through_another_server_shows_at_once(
    client: TestClient,
    replica: TestClient,
    monkeypatch: pytest.MonkeyPatch,
    frozen_clock: bool,
) -> None:
    model = post(client, "/registered_models", {"name": "m"})
    body = {"name": "v", "registeredModelId": model, "customProperties": CUSTOM}
    version = post(client, "/model_versions", body)
    path = f"{V1}/registered_models/{model}/versions"
    if frozen_clock:  # every change in the same millisecond as the one before
        monkeypatch.setattr(common, "now_ms", lambda: 1_700_000_000_000)
    seen = []
    for n in range(4):
        client.get(path)  # kept by this server
        tag = {"metadataType": "MetadataStringValue", "string_value": f"t{n}"}
        changed = replica.patch(
            f"{V1}/model_versions/{version}",
            json={"description": f"d{n}", "customProperties": {"tag": tag}},
        )
        assert changed.status_code == 200, changed.text
        shown = client.get(path).json()["items"][0]
        assert shown["description"] == f"d{n}"
        assert shown["customProperties"] == {"tag": tag}
        seen.append(int(shown["lastUpdateTimeSinceEpoch"]))
    assert seen == sorted(set(seen)), "every change moves the update time forward"


def test_a_change_through_the_same_server_shows_and_leaves_the_kept_record_alone(
    client: TestClient, store: Store
) -> None:
    model = post(client, "/registered_models", {"name": "m", "customProperties": CUSTOM})
    before = client.get(f"{V1}/registered_models").content
    patched = client.patch(
        f"{V1}/registered_models/{model}", json={"customProperties": {}, "description": "x"}
    )
    assert patched.status_code == 200
    after = client.get(f"{V1}/registered_models").json()["items"][0]
    assert after["customProperties"] == {} and after["description"] == "x"
    assert json.loads(before)["items"][0]["customProperties"] == CUSTOM


def test_the_cache_keeps_at_most_its_capacity_and_zero_turns_it_off(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    for capacity in (0, 2):
        settings = Settings(database_url=url, migrate_on_start=False, cached_entities=capacity)
        app = create_app(settings)
        with TestClient(app) as c:
            model = post(c, "/registered_models", {"name": f"cap{capacity}"})
            for n in range(5):
                post(c, "/model_versions", {"name": f"v{n}", "registeredModelId": model})
            for _ in range(2):
                page = c.get(f"{V1}/registered_models/{model}/versions").json()
                assert [v["name"] for v in page["items"]] == [f"v{n}" for n in range(5)]
            cache = app.state.store.cache
            assert (cache is None) if capacity == 0 else (len(cache) == capacity)


def test_touch_moves_the_update_time_forward_within_one_millisecond(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(common, "now_ms", lambda: 1000)
    record = Record(kind=METRIC, update_time=1000)
    common.touch(record)
    common.touch(record)
    assert record.update_time == 1002
    monkeypatch.setattr(common, "now_ms", lambda: 5000)
    common.touch(record)
    assert record.update_time == 5000


def test_a_page_orjson_cannot_encode_falls_back_whole() -> None:
    huge = Record(kind=METRIC, id=1, name="1:m", props={"step": Stored("int_value", 2**70)})
    huge.encoded = {}
    plain = Record(kind=METRIC, id=2, name="1:n", props={"step": Stored("int_value", 3)})
    plain.encoded = {}
    body = responses.page(Page([plain, huge], "", 10), "v1alpha3").body
    steps = [item["step"] for item in json.loads(body)["items"]]
    assert steps == [3, 2**70]
