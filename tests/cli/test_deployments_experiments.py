"""`modelreg deployments` and `modelreg experiments` through click's runner."""

from __future__ import annotations

import json

import yaml

from modelreg.client import Registry

from .conftest import Run
from .outcomes import failed, ok


def deploy(registry: Registry) -> None:
    v1 = registry.register(
        "fraud", "s3://m/1", model_format_name="onnx", model_format_version="1", version="v1"
    ).version
    model = registry.create_model_version(v1.registered_model_id, "v2")
    prod = registry.create_serving_environment("prod")
    staging = registry.create_serving_environment("staging")
    pinned = registry.create_inference_service(
        prod.id, v1.registered_model_id, name="fraud-prod", model_version_id=v1.id
    )
    registry.create_inference_service(
        staging.id, model.registered_model_id, name="fraud-stg", desired_state="UNDEPLOYED"
    )
    serve = registry.create_serve_model(pinned.id, v1.id)
    registry.update_serve_model(serve.id, last_known_state="RUNNING")


def test_deployments_table_json_and_yaml(run: Run, cli_registry: Registry) -> None:
    deploy(cli_registry)
    table = ok(run("deployments", "fraud")).splitlines()
    assert table[0].split() == [
        "ENVIRONMENT", "SERVICE", "VERSION", "DESIRED", "LAST", "KNOWN", "RUNTIME"
    ]  # fmt: skip
    rows = sorted(line.split() for line in table[1:])
    assert rows == [
        ["prod", "fraud-prod", "v1", "(pinned)", "DEPLOYED", "RUNNING"],
        ["staging", "fraud-stg", "v2", "(latest)", "UNDEPLOYED"],
    ]
    listed = json.loads(ok(run("deployments", "fraud", "-o", "json")))
    assert {d["inferenceService"]["name"] for d in listed} == {"fraud-prod", "fraud-stg"}
    pinned = next(d for d in listed if d["versionPinned"])
    assert pinned["lastKnownState"] == "RUNNING" and pinned["servingEnvironment"]["name"] == "prod"
    model_id = pinned["inferenceService"]["registeredModelId"]
    by_id = yaml.safe_load(ok(run("deployments", model_id, "-o", "yaml")))
    assert len(by_id) == 2


def test_a_model_with_no_deployments(run: Run, cli_registry: Registry) -> None:
    cli_registry.create_registered_model("idle")
    result = run("deployments", "idle")
    assert result.exit_code == 0 and "not deployed anywhere" in result.stderr
    assert failed(run("deployments", "nope"), 3).startswith("error: ")


def track(registry: Registry) -> str:
    with registry.start_experiment_run("churn", run_name="base", owner="ann") as active:
        active.log_param("lr", 0.01)
        for step, loss in enumerate([0.9, 0.5, 0.2]):
            active.log_metric("loss", loss, step=step)
        active.log_dataset("train", "s3://d/train")
    registry.create_experiment("other")
    return active.info.id


def test_experiments_list_show_and_runs(run: Run, cli_registry: Registry) -> None:
    track(cli_registry)
    table = ok(run("experiments", "list")).splitlines()
    assert [line.split()[1] for line in table[1:]] == ["churn", "other"]
    shown = json.loads(ok(run("experiments", "show", "churn", "-o", "json")))
    assert shown["owner"] == "ann"
    assert json.loads(ok(run("experiments", "show", shown["id"], "--id", "-o", "json")))["name"]
    runs = ok(run("experiments", "runs", "churn")).splitlines()
    assert runs[0].split()[:4] == ["ID", "NAME", "STATUS", "STATE"]
    assert runs[1].split()[1:4] == ["base", "FINISHED", "LIVE"]
    assert failed(run("experiments", "runs", "nope"), 3)


def test_experiment_run_logs_and_metric_history(run: Run, cli_registry: Registry) -> None:
    run_id = track(cli_registry)
    table = ok(run("experiments", "logs", "churn", "base")).splitlines()
    rows = {line.split()[1]: line.split() for line in table[1:]}
    assert set(rows) == {"lr", "loss", "train"}
    assert rows["loss"][0] == "metric" and rows["loss"][-1] == "0.2"
    assert rows["train"][-1] == "s3://d/train"
    params = json.loads(ok(run("experiments", "logs", "--run-id", run_id, "--type", "params",
                               "-o", "json")))  # fmt: skip
    assert [(p["name"], p["value"], p["parameterType"]) for p in params] == [
        ("lr", "0.01", "number")
    ]
    history = ok(run("experiments", "logs", "churn", "base", "--history", "loss")).splitlines()
    assert [line.split()[:2] for line in history[1:]] == [["0", "0.9"], ["1", "0.5"], ["2", "0.2"]]
    values = json.loads(
        ok(run("experiments", "logs", "--run-id", run_id, "--history", "loss", "-o", "json"))
    )
    assert [v["value"] for v in values] == [0.9, 0.5, 0.2]
    usage = run("experiments", "logs", "churn")
    assert usage.exit_code == 2 and "name the run" in usage.stderr
    assert failed(run("experiments", "logs", "churn", "nope"), 3)
    assert failed(run("experiments", "logs", "--run-id", "9999", "--history", "loss"), 3)
