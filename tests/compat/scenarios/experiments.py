"""0.3.9's experiment tracking: runs new, resumed and nested, every log kind, and five
threads logging to their own runs at once with nothing lost or misattributed.

0.3.9 cannot start or resume a run *by name* against any server: for a `run_name` it
fetches `/experiment_runs/<experiment id>` (the experiment's id used as a run id) and crashes
on the 404. So runs start unnamed here, resume by id, and are looked up by name through
`get_experiment_run_logs(run_name=..., experiment_name=...)`, which lists runs instead.
"""

from __future__ import annotations

import threading
from typing import Any

from _support import Scenario, run


def logs_by_name(registry: Any, **where: str) -> dict[str, Any]:
    return {log.name: log for log in registry.get_experiment_run_logs(**where)}


def new_run_logs_everything(s: Scenario, registry: Any, experiment: str) -> str:
    with registry.start_experiment_run(experiment_name=experiment, owner="ann") as active:
        active.log_param("lr", 0.01)
        active.log_param("epochs", 10)
        active.log_param("optimizer", "adam")
        active.log_param("shuffle", True)
        # (a dict parameter cannot round-trip through 0.3.9 against any server: it sends
        # str(dict), Python's repr, and reads the value back with json.loads)
        for step in range(3):
            active.log_metric("loss", 1.0 / (step + 1), step=step)
        active.log_dataset(
            name="train", uri="s3://data/train.csv", source_type="s3", source="s3://data"
        )
        run_id = active.info.id
        s.extra["run_name"] = active.info.name
    logs = logs_by_name(registry, run_id=run_id)
    s.eq(
        sorted(logs),
        ["epochs", "loss", "lr", "optimizer", "shuffle", "train"],
        "every log is stored",
    )
    s.eq(logs["lr"].value, 0.01, "number parameter (the client reads numbers back as floats)")
    s.eq(logs["epochs"].value, 10.0, "integer parameter")
    s.eq(logs["optimizer"].value, "adam", "string parameter")
    s.eq(logs["shuffle"].value, True, "boolean parameter")
    s.eq(
        str(
            logs["lr"].parameter_type.value
            if hasattr(logs["lr"].parameter_type, "value")
            else logs["lr"].parameter_type
        ),
        "number",
        "number type",
    )
    s.eq(
        str(
            logs["shuffle"].parameter_type.value
            if hasattr(logs["shuffle"].parameter_type, "value")
            else logs["shuffle"].parameter_type
        ),
        "boolean",
        "bool type",
    )
    s.eq(logs["loss"].step, 2, "the last step of a metric is what the run keeps")
    s.ok(abs(logs["loss"].value - 1 / 3) < 1e-9, "metric value")
    s.eq(logs["train"].uri, "s3://data/train.csv", "dataset uri")
    return str(run_id)


def resume_by_id_and_name(s: Scenario, registry: Any, experiment: str, run_id: str) -> None:
    with registry.start_experiment_run(experiment_name=experiment, run_id=run_id) as active:
        s.eq(str(active.info.id), run_id, "resumed by id")
        active.log_metric("accuracy", 0.9, step=1)
    with registry.start_experiment_run(
        experiment_id=registry.get_experiment_run(run_id).experiment_id, run_id=run_id
    ) as active:
        s.eq(str(active.info.id), run_id, "resumed by experiment id and run id")
        active.log_param("resumed", "yes")
    logs = logs_by_name(registry, run_id=run_id)
    s.ok({"accuracy", "resumed", "lr"} <= set(logs), "resumed runs keep and add logs")
    by_name = logs_by_name(registry, run_name=s.extra["run_name"], experiment_name=experiment)
    s.eq(sorted(by_name), sorted(logs), "logs found by run name and experiment name")


def nested_runs(s: Scenario, registry: Any, experiment: str) -> None:
    with registry.start_experiment_run(experiment_name=experiment) as parent:
        with registry.start_experiment_run(nested=True) as child:
            child.log_param("depth", 1)
            child_id = child.info.id
        parent_id = parent.info.id
        s.extra["nested_names"] = [parent.info.name]
    child_run = registry.get_experiment_run(child_id)
    s.extra["nested_names"].append(child_run.name)
    s.eq(
        str(child_run.custom_properties.get("kubeflow.parent_run_id")),
        str(parent_id),
        "nested run points at its parent",
    )


def listings(s: Scenario, registry: Any, experiment: str) -> None:
    names = {e.name for e in registry.get_experiments()}
    s.ok(experiment in names, "get_experiments lists the experiment")
    runs = {r.name for r in registry.get_experiment_runs(experiment_name=experiment)}
    wanted = {s.extra["run_name"], *s.extra["nested_names"]}
    s.ok(wanted <= runs, f"get_experiment_runs lists the runs: {runs}")


def threads_log_to_their_own_runs(s: Scenario, registry: Any, experiment: str) -> None:
    errors: list[BaseException] = []
    ids: dict[int, str] = {}

    def work(index: int) -> None:
        try:
            with registry.start_experiment_run(experiment_name=experiment) as active:
                ids[index] = str(active.info.id)
                active.log_param("worker", index)
                for step in range(5):
                    active.log_metric("score", index + step / 10, step=step)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    s.eq([repr(e) for e in errors], [], "no thread failed")
    s.eq(len(set(ids.values())), 5, "five distinct runs")
    for index, run_id in ids.items():
        logs = logs_by_name(registry, run_id=run_id)
        s.eq(logs["worker"].value, float(index), f"thread {index}'s parameter is in its own run")
        s.ok(abs(logs["score"].value - (index + 0.4)) < 1e-9, f"thread {index}'s metric is its own")


def main(s: Scenario) -> None:
    registry = s.connect()
    experiment = s.uid("exp")
    run_id = new_run_logs_everything(s, registry, experiment)
    resume_by_id_and_name(s, registry, experiment, run_id)
    nested_runs(s, registry, experiment)
    listings(s, registry, experiment)
    threads_log_to_their_own_runs(s, registry, experiment)


if __name__ == "__main__":
    run("experiments", main)
