"""Experiments, runs, logged artifacts and metric history."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import V1, V1ALPHA3


def post(
    client: TestClient, path: str, body: dict[str, Any], status: int = 201, prefix: str = V1ALPHA3
) -> dict[str, Any]:
    response = client.post(f"{prefix}{path}", json=body)
    assert response.status_code == status, response.text
    return dict(response.json())


@pytest.fixture
def run(client: TestClient) -> dict[str, str]:
    experiment = post(client, "/experiments", {"name": "churn", "owner": "ann"})["id"]
    run = post(
        client,
        "/experiment_runs",
        {"experimentId": experiment, "name": "r1", "startTimeSinceEpoch": "1700000000000"},
    )["id"]
    return {"experiment": experiment, "run": run}


def test_experiment_and_run_basics(client: TestClient, run: dict[str, str]) -> None:
    fetched = client.get(f"{V1ALPHA3}/experiment_runs/{run['run']}").json()
    assert fetched["status"] == "RUNNING" and fetched["state"] == "LIVE"
    assert fetched["experimentId"] == run["experiment"] and fetched["name"] == "r1"
    unnamed = post(client, "/experiment_runs", {"experimentId": run["experiment"]})
    assert unnamed["name"]  # a UUID stands in
    post(client, "/experiment_runs", {"experimentId": "9999"}, 404)
    post(client, "/experiment_runs", {"experimentId": run["experiment"], "name": "r1"}, 409)
    post(client, "/experiments", {"name": "churn"}, 409)
    found = client.get(
        f"{V1ALPHA3}/experiment_run", params={"name": "r1", "parentResourceId": run["experiment"]}
    )
    assert found.json()["id"] == run["run"]
    assert (
        client.get(f"{V1ALPHA3}/experiment", params={"name": "churn"}).json()["id"]
        == run["experiment"]
    )


def test_run_patch_keeps_status_state_and_times(client: TestClient, run: dict[str, str]) -> None:
    """Upstream resets state to LIVE and status to RUNNING on a PATCH that omits them."""
    path = f"{V1ALPHA3}/experiment_runs/{run['run']}"
    client.patch(path, json={"status": "FINISHED", "state": "ARCHIVED"})
    patched = client.patch(path, json={"description": "done"}).json()
    assert (patched["status"], patched["state"]) == ("FINISHED", "ARCHIVED")
    assert patched["startTimeSinceEpoch"] == "1700000000000"
    early = client.patch(path, json={"endTimeSinceEpoch": "1600000000000"})
    assert early.status_code == 400 and "cannot be less" in early.json()["message"]
    assert client.patch(path, json={"endTimeSinceEpoch": "soon"}).status_code == 400


def test_runs_of_an_experiment(client: TestClient, run: dict[str, str]) -> None:
    path = f"{V1ALPHA3}/experiments/{run['experiment']}/experiment_runs"
    second = post(
        client,
        f"/experiments/{run['experiment']}/experiment_runs",
        {"name": "r2", "experimentId": run["experiment"]},
    )
    names = [r["name"] for r in client.get(path).json()["items"]]
    assert names == ["r1", "r2"]
    assert [r["id"] for r in client.get(path, params={"name": "r2"}).json()["items"]] == [
        second["id"]
    ]
    assert client.get(f"{V1ALPHA3}/experiments/9999/experiment_runs").status_code == 404


def test_logged_artifacts_carry_their_run(client: TestClient, run: dict[str, str]) -> None:
    path = f"/experiment_runs/{run['run']}/artifacts"
    param = post(
        client,
        path,
        {"artifactType": "parameter", "name": "lr", "value": "0.01", "parameterType": "number"},
    )
    assert param["experimentRunId"] == run["run"] and param["experimentId"] == run["experiment"]
    dataset = post(
        client, path, {"artifactType": "dataset-artifact", "name": "train", "uri": "s3://d"}
    )
    patched = client.patch(
        f"{V1ALPHA3}/artifacts/{dataset['id']}",
        json={"artifactType": "dataset-artifact", "description": "d", "customProperties": {}},
    )
    assert patched.json()["experimentRunId"] == run["run"], "hidden links survive a PATCH"
    listed = client.get(f"{V1ALPHA3}{path}", params={"artifactType": "parameter"}).json()
    assert [a["name"] for a in listed["items"]] == ["lr"]
    by_run = client.get(
        f"{V1ALPHA3}/artifacts", params={"filterQuery": f"experimentRunId = {run['run']}"}
    ).json()
    assert {a["name"] for a in by_run["items"]} == {"lr", "train"}
    assert client.get(f"{V1ALPHA3}/experiment_runs/9999/artifacts").status_code == 404
    v1 = client.get(f"{V1}/artifacts/{param['id']}").json()
    assert "experimentRunId" not in v1


def test_metric_history(client: TestClient, run: dict[str, str]) -> None:
    path = f"/experiment_runs/{run['run']}/artifacts"
    for step, value in enumerate([0.5, 0.6, 0.7, 0.8]):
        post(
            client,
            path,
            {
                "artifactType": "metric",
                "name": "loss",
                "value": value,
                "step": step,
                "timestamp": str(1700000000000 + step),
            },
            status=201 if step == 0 else 200,
        )
    post(client, path, {"artifactType": "metric", "name": "val_loss", "value": 1.0, "step": 0})
    history = client.get(
        f"{V1ALPHA3}/experiment_runs/{run['run']}/metric_history", params={"name": "loss"}
    ).json()
    assert [m["value"] for m in history["items"]] == [0.5, 0.6, 0.7, 0.8]
    assert {m["name"] for m in history["items"]} == {"loss"}, "exact name, not a substring"
    assert all(m["experimentRunId"] == run["run"] for m in history["items"])
    steps = client.get(
        f"{V1ALPHA3}/experiment_runs/{run['run']}/metric_history", params={"stepIds": "1, 3"}
    ).json()
    assert [m["step"] for m in steps["items"]] == [1, 3]
    recent = client.get(
        f"{V1ALPHA3}/experiment_runs/metric_history",
        params={"filterQuery": "timestamp >= 1700000000002"},
    ).json()
    assert [m["value"] for m in recent["items"]] == [0.7, 0.8]
    filtered = client.get(
        f"{V1ALPHA3}/experiment_runs/metric_history", params={"filterQuery": "name = 'val_loss'"}
    ).json()
    assert [m["value"] for m in filtered["items"]] == [1.0]
    assert (
        client.get(
            f"{V1ALPHA3}/experiment_runs/metric_history", params={"stepIds": "x"}
        ).status_code
        == 400
    )
    assert client.get(f"{V1ALPHA3}/experiment_runs/9999/metric_history").status_code == 404
    listed = client.get(f"{V1ALPHA3}{path}", params={"artifactType": "metric"}).json()
    assert [m["name"] for m in listed["items"]] == ["loss", "val_loss"], (
        "history rows are not artifacts"
    )


def test_history_survives_writes_in_the_same_millisecond(
    client: TestClient, run: dict[str, str]
) -> None:
    """Upstream names a snapshot by the millisecond and fails (500) on a collision."""
    path = f"/experiment_runs/{run['run']}/artifacts"
    for i in range(30):
        post(
            client,
            path,
            {"artifactType": "metric", "name": "fast", "value": float(i)},
            status=201 if i == 0 else 200,
        )
    history = client.get(
        f"{V1ALPHA3}/experiment_runs/{run['run']}/metric_history",
        params={"name": "fast", "pageSize": 100},
    ).json()
    assert [m["value"] for m in history["items"]] == [float(i) for i in range(30)]


def test_concurrent_runs_keep_their_own_logs(client: TestClient, run: dict[str, str]) -> None:
    runs = [
        post(client, "/experiment_runs", {"experimentId": run["experiment"], "name": f"t{i}"})["id"]
        for i in range(5)
    ]
    errors: list[str] = []

    def log(run_id: str) -> None:
        for step in range(10):
            response = client.post(
                f"{V1ALPHA3}/experiment_runs/{run_id}/artifacts",
                json={
                    "artifactType": "metric",
                    "name": "acc",
                    "value": float(run_id) + step / 100,
                    "step": step,
                },
            )
            if response.status_code not in (200, 201):
                errors.append(response.text)

    threads = [threading.Thread(target=log, args=(r,)) for r in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for run_id in runs:
        history = client.get(f"{V1ALPHA3}/experiment_runs/{run_id}/metric_history").json()["items"]
        assert [m["step"] for m in history] == list(range(10))
        assert all(
            int(m["value"]) == int(run_id) and m["experimentRunId"] == run_id for m in history
        )


def test_experiments_are_also_under_v1(client: TestClient, run: dict[str, str]) -> None:
    assert client.get(f"{V1}/experiments/{run['experiment']}").json()["name"] == "churn"
