"""A filter value's match count chooses the plan on SQLite; the answer is kept a minute.

An equality on one property needs no count in a page by id: its value index drives the
page (test_query_plans.py). Other conditions, and other orders, still count."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.plan_choices import PlanChoices
from modelreg.storage.store import Store
from tests.conftest import V1
from tests.storage.heard import counted


def _versions(client: TestClient, count: int) -> None:
    model = client.post(f"{V1}/registered_models", json={"name": "m"}).json()["id"]
    for n in range(count):
        framework = {"metadataType": "MetadataStringValue", "string_value": ["onnx", "tf"][n % 2]}
        body = {"name": f"v{n}", "registeredModelId": model, "customProperties": {"fw": framework}}
        assert client.post(f"{V1}/model_versions", json=body).status_code == 201


def _search(client: TestClient, value: str) -> list[str]:
    # LIKE: a condition no value index holds in id order, so it is counted
    path = f"{V1}/model_versions?pageSize=3&filterQuery={quote(f'fw LIKE {value!r}')}"
    names, token = [], ""
    while True:
        page = client.get(path + (f"&nextPageToken={token}" if token else "")).json()
        names += [v["name"] for v in page["items"]]
        token = page["nextPageToken"]
        if not token:
            return names


def test_a_common_value_is_counted_once_a_minute_and_both_plans_agree(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    if store.dialect != "sqlite":
        pytest.skip("PostgreSQL and MySQL plan from their own statistics")
    _versions(client, 10)
    expected = [f"v{n}" for n in range(0, 10, 2)]
    strategy = store.plans.strategy
    rare, common = replace(strategy, common_matches=1000), replace(strategy, common_matches=3)
    monkeypatch.setattr(store.plans, "strategy", rare)  # "rare": matches collected
    assert _search(client, "onnx") == expected
    store.plans.clear()
    monkeypatch.setattr(store.plans, "strategy", common)  # "common": rows probed
    with counted(store) as first:
        _search(client, "onnx")
    with counted(store) as again:
        assert _search(client, "onnx") == expected
    counting = [s for s in first if "count(*)" in s.lower()]
    assert len(counting) == 1, first  # the first page counted; later pages and searches not
    assert not [s for s in again if "count(*)" in s.lower()], again
    assert _search(client, "tf") == [f"v{n}" for n in range(1, 10, 2)]


def test_plan_choices_expire_and_keep_at_most_their_capacity(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [100.0]
    monkeypatch.setattr("modelreg.storage.plan_choices.monotonic", lambda: now[0])
    plans = PlanChoices(capacity=2, seconds=60)
    plans.put("a", True)
    plans.put("b", False)
    assert (plans.get("a"), plans.get("b"), plans.get("c")) == (True, False, None)
    plans.put("c", True)
    assert plans.get("a") is None and plans.get("c") is True
    now[0] += 61
    assert plans.get("b") is None and plans.get("c") is None
