"""Experiments, runs and experiment tracking through the SDK, in every mode."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

import pytest

from modelreg import AsyncRegistry, InvalidArgument, NotFound, Registry
from modelreg.schemas import artifacts as art
from modelreg.schemas.enums import ExperimentRunStatus, ParameterType


def test_experiments_and_runs(registry: Registry) -> None:
    churn = registry.create_experiment("churn", owner="ann", description="d")
    other = registry.create_experiment("other")
    assert registry.find_experiment("churn").id == churn.id
    assert registry.update_experiment(churn.id, description="e").owner == "ann"
    assert [e.name for e in registry.get_experiments(order_by="NAME")] == ["churn", "other"]
    r1 = registry.create_experiment_run(churn.id, "r1", start_time_since_epoch=1700000000000)
    registry.create_experiment_run(churn.id, "r2")
    registry.create_experiment_run(other.id, "r1")
    assert registry.find_experiment_run("r1", churn.id).id == r1.id
    assert registry.get_experiment_run(r1.id).status == ExperimentRunStatus.RUNNING
    done = registry.update_experiment_run(r1.id, status="FINISHED")
    assert done.status == ExperimentRunStatus.FINISHED
    assert [r.name for r in registry.get_experiment_runs(experiment_name="churn")] == ["r1", "r2"]
    assert [r.name for r in registry.get_experiment_runs(other.id)] == ["r1"]
    assert len(registry.get_experiment_runs().all()) == 3
    with pytest.raises(NotFound, match="nope"):
        registry.get_experiment_runs(experiment_name="nope").all()


def test_tracking_writes_every_log_at_once_and_finishes(registry: Registry) -> None:
    with registry.start_experiment_run("churn", run_name="base", owner="ann") as run:
        assert registry.get_experiment_run(run.info.id).status == ExperimentRunStatus.RUNNING
        run.log_param("lr", 0.01, description="learning rate")
        run.log_param("epochs", 3)
        run.log_param("tuned", True)
        run.log_param("layers", {"a": [1, 2]})
        run.log_param("optimizer", "adam")
        for step, loss in enumerate([0.9, 0.5, 0.2]):
            run.log_metric("loss", loss, step=step)
            history = registry.get_metric_history(run.info.id, "loss").all()
            assert len(history) == step + 1, "written when logged"
        run.log_dataset("train", "s3://d/train", "s3", "bucket", schema={"x": "int"})
        run.log_dataset("train", "s3://d/train-v2")
    stored = registry.get_experiment_run(run.info.id)
    assert stored.status == ExperimentRunStatus.FINISHED and stored.end_time_since_epoch
    assert int(stored.end_time_since_epoch) >= int(stored.start_time_since_epoch or 0)
    assert registry.find_experiment("churn").owner == "ann"
    assert run.info.name == "base" and run.info.experiment_id == stored.experiment_id

    params = {
        p.name: p for p in registry.get_experiment_run_logs(run.info.id, artifact_type="parameter")
    }
    assert {n: (p.value, p.parameter_type) for n, p in params.items()} == {
        "lr": ("0.01", ParameterType.NUMBER),
        "epochs": ("3", ParameterType.NUMBER),
        "tuned": ("true", ParameterType.BOOLEAN),
        "layers": (json.dumps({"a": [1, 2]}), ParameterType.OBJECT),
        "optimizer": ("adam", ParameterType.STRING),
    }
    assert params["lr"].description == "learning rate"
    history = registry.get_metric_history(run.info.id, name="loss").all()
    assert [(m.step, m.value) for m in history] == [(0, 0.9), (1, 0.5), (2, 0.2)]
    assert [m.step for m in registry.get_metric_history(run.info.id, steps=[0, 2])] == [0, 2]
    logs = registry.get_experiment_run_logs(run_name="base", experiment_name="churn").all()
    assert sorted(a.name or "" for a in logs) == sorted([*params, "loss", "train"])
    dataset = run.get_log("datasets", "train")
    assert isinstance(dataset, art.DataSet) and dataset.uri == "s3://d/train-v2"
    assert dataset.data_schema == json.dumps({"x": "int"}), "kept by the second log"
    metric = run.get_log("metrics", "loss")
    assert isinstance(metric, art.Metric) and metric.value == 0.2
    assert len(run.get_logs()) == 7


def test_a_run_is_resumed_by_name_and_fails_on_an_exception(registry: Registry) -> None:
    with registry.start_experiment_run("churn", run_name="base") as first:
        first.log_metric("acc", 0.5, step=0)
        first.log_dataset("train", "s3://d/1")
    with (
        pytest.raises(RuntimeError),
        registry.start_experiment_run("churn", run_name="base") as again,
    ):
        assert again.info.id == first.info.id
        assert registry.get_experiment_run(first.info.id).status == ExperimentRunStatus.RUNNING
        again.log_metric("acc", 0.7, step=1)
        again.log_dataset("train", "s3://d/2")
        raise RuntimeError("boom")
    stored = registry.get_experiment_run(first.info.id)
    assert stored.status == ExperimentRunStatus.FAILED and stored.end_time_since_epoch
    assert [m.value for m in registry.get_metric_history(first.info.id, "acc")] == [0.5, 0.7]
    datasets = registry.get_experiment_run_logs(first.info.id, artifact_type="dataset-artifact")
    assert [(d.name, getattr(d, "uri", None)) for d in datasets] == [("train", "s3://d/2")]
    other = registry.create_experiment("other")
    with pytest.raises(InvalidArgument, match="belongs to"):
        registry.start_experiment_run(experiment_id=other.id, run_id=first.info.id)
    with registry.start_experiment_run(
        experiment_id=stored.experiment_id, run_id=first.info.id
    ) as by_id:
        assert by_id.info.name == "base"
    with pytest.raises(InvalidArgument, match="name a run"):
        registry.get_experiment_run_logs(run_name="base")


def test_nested_runs_and_one_active_run_per_thread(registry: Registry) -> None:
    with registry.start_experiment_run("churn", run_name="parent") as parent:
        with pytest.raises(ValueError, match="nested=True"):
            registry.start_experiment_run("churn", run_name="other")
        with registry.start_experiment_run(run_name="child", nested=True) as child:
            assert child.info.experiment_id == parent.info.experiment_id
        stored = registry.get_experiment_run(child.info.id)
        assert stored.custom_properties["kubeflow.parent_run_id"].string_value == parent.info.id  # type: ignore[union-attr]
        assert stored.status == ExperimentRunStatus.FINISHED
    with registry.start_experiment_run("churn", run_name="after"):
        pass  # the parent's exit cleared the active run


def test_five_threads_log_to_their_own_runs(registry: Registry) -> None:
    errors: list[BaseException] = []
    ids: dict[int, str] = {}

    def work(n: int) -> None:
        try:
            with registry.start_experiment_run("threads", run_name=f"t{n}") as run:
                ids[n] = run.info.id
                for step in range(8):
                    run.log_metric("acc", n + step / 100, step=step)
                    run.log_param("worker", n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(registry.get_experiments().all()) == 1, "one experiment, created once"
    for n, run_id in ids.items():
        history = registry.get_metric_history(run_id, "acc").all()
        assert [m.step for m in history] == list(range(8))
        assert all(int(m.value or 0) == n for m in history)
        worker = registry.get_experiment_run_logs(run_id, artifact_type="parameter").all()
        assert [p.value for p in worker] == [str(n)]  # type: ignore[union-attr]
        assert registry.get_experiment_run(run_id).status == ExperimentRunStatus.FINISHED


def test_async_tracking_and_serving(make_async: Callable[[], AsyncRegistry]) -> None:
    async def scenario() -> None:
        async with make_async() as registry:
            async with registry.start_experiment_run("churn", run_name="a") as run:
                await run.log_param("lr", 0.1)
                for step in range(3):
                    await run.log_metric("loss", 1.0 / (step + 1), step=step)
            again = await registry.start_experiment_run("churn", run_name="a")
            assert again.info.id == run.info.id
            async with again:
                await again.log_dataset("train", "s3://d")
            stored = await registry.get_experiment_run(run.info.id)
            assert stored.status == ExperimentRunStatus.FINISHED
            history = await registry.get_metric_history(run.info.id, "loss").all()
            assert [m.step for m in history] == [0, 1, 2]
            runs = [r.name async for r in registry.get_experiment_runs(experiment_name="churn")]
            assert runs == ["a"]
            logs = await registry.get_experiment_run_logs(run.info.id).all()
            assert {a.name for a in logs} == {"lr", "loss", "train"}

            model = await registry.create_registered_model("fraud")
            version = await registry.create_model_version(model.id, "v1")
            env = await registry.create_serving_environment("prod")
            svc = await registry.create_inference_service(env.id, model.id, name="svc")
            serve = await registry.create_serve_model(svc.id, version.id)
            await registry.update_serve_model(serve.id, last_known_state="RUNNING")
            [row] = await registry.get_deployments("fraud")
            assert row.last_known_state == "RUNNING" and row.model_version is not None
            assert row.model_version.id == version.id
            assert [e.name async for e in registry.get_serving_environments()] == ["prod"]

    asyncio.run(scenario())
