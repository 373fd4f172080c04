"""Experiments, runs, what runs log and metric history, as flows for both clients.

Also the steps of experiment tracking (`start_experiment_run` and its `log_*`), each a
flow of a few calls: the run context managers (aio_tracking.py, and the generated
sync_tracking.py) drive them. Every log is written when it is made, so each step of a
metric lands in the metric history.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from modelreg.errors import AlreadyExists, InvalidArgument, NotFound
from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas.base import ListEnvelope
from modelreg.schemas.enums import ExperimentRunStatus, ParameterType

from . import endpoints as ep
from .bodies import body
from .call import Flow, or_none, single
from .endpoints import ListOptions
from .paging import PageFlow

Steps = Iterable[int] | str | int | None


def now_ms() -> str:
    return str(int(time.time() * 1000))


# --- experiments -------------------------------------------------------------------------


def create_experiment(name: str, fields: Mapping[str, Any]) -> Flow[exp.Experiment]:
    data = body(exp.ExperimentCreate, {"name": name, **fields}, what="create_experiment")
    return single(ep.create_experiment(data))


def update_experiment(experiment_id: str, fields: Mapping[str, Any]) -> Flow[exp.Experiment]:
    data = body(exp.ExperimentUpdate, fields, what="update_experiment")
    return single(ep.update_experiment(experiment_id, data))


def require_experiment(name: str) -> Flow[exp.Experiment]:
    found = yield from or_none(ep.find_experiment(name=name))
    if found is None:
        raise NotFound(f"no experiment named {name!r}")
    return found


def experiments() -> PageFlow[exp.Experiment]:
    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[exp.Experiment]]:
        return single(ep.list_experiments(options, token))

    return fetch


# --- runs --------------------------------------------------------------------------------


def create_experiment_run(
    experiment_id: str, name: str | None, fields: Mapping[str, Any]
) -> Flow[exp.ExperimentRun]:
    given = {"experiment_id": experiment_id, "name": name, **fields}
    data = body(exp.ExperimentRunCreate, given, what="create_experiment_run")
    return single(ep.create_experiment_run(data))


def update_experiment_run(run_id: str, fields: Mapping[str, Any]) -> Flow[exp.ExperimentRun]:
    data = body(exp.ExperimentRunUpdate, fields, what="update_experiment_run")
    return single(ep.update_experiment_run(run_id, data))


def experiment_id_of(experiment_id: str | None, experiment_name: str | None) -> Flow[str | None]:
    if experiment_id is not None or experiment_name is None:
        return experiment_id
    found = yield from require_experiment(experiment_name)
    return found.id


def experiment_runs(
    experiment_id: str | None = None, experiment_name: str | None = None
) -> PageFlow[exp.ExperimentRun]:
    """Runs of an experiment (by id, or by name looked up on the first page), or all runs."""
    resolved: list[str | None] = [experiment_id]

    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[exp.ExperimentRun]]:
        if resolved[0] is None:
            resolved[0] = yield from experiment_id_of(None, experiment_name)
        return (yield from single(ep.list_experiment_runs(options, token, resolved[0])))

    return fetch


def run_id_of(
    run_id: str | None,
    run_name: str | None,
    experiment_id: str | None,
    experiment_name: str | None,
) -> Flow[str]:
    """A run's id: given, or found by name within an experiment (by id or by name)."""
    if run_id is not None:
        return run_id
    if run_name is None or (experiment_id is None and experiment_name is None):
        raise InvalidArgument("name a run: run_id, or run_name with experiment_id or _name")
    parent = yield from experiment_id_of(experiment_id, experiment_name)
    found = yield from or_none(ep.find_experiment_run(name=run_name, experiment_id=parent))
    if found is None:
        where = experiment_name if experiment_name is not None else f"id {experiment_id}"
        raise NotFound(f"experiment {where!r} has no run named {run_name!r}")
    return found.id


def run_logs(
    run_id: str | None = None,
    run_name: str | None = None,
    experiment_id: str | None = None,
    experiment_name: str | None = None,
    artifact_type: str | None = None,
) -> PageFlow[art.Artifact]:
    """What a run logged (parameters, metrics, datasets, ...), the run looked up lazily."""
    if run_id is None and (run_name is None or (experiment_id is None and experiment_name is None)):
        raise InvalidArgument("name a run: run_id, or run_name with experiment_id or _name")
    resolved: list[str | None] = [run_id]

    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[art.Artifact]]:
        found = resolved[0]
        if found is None:
            found = yield from run_id_of(None, run_name, experiment_id, experiment_name)
            resolved[0] = found
        call = ep.list_run_artifacts(options, token, found, artifact_type)
        return (yield from single(call))

    return fetch


def steps_param(steps: Steps) -> str | None:
    if steps is None or isinstance(steps, str):
        return steps
    if isinstance(steps, int):
        return str(steps)
    return ",".join(str(int(step)) for step in steps)


def metric_history(
    run_id: str | None = None, name: str | None = None, steps: Steps = None
) -> PageFlow[art.Metric]:
    """Every value metrics took, in one run or across runs; `name` selects one metric."""
    step_ids = steps_param(steps)

    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[art.Metric]]:
        page = yield from single(ep.list_metric_history(options, token, run_id, name, step_ids))
        metrics = [_int_step(item) for item in page.items if isinstance(item, art.Metric)]
        return ListEnvelope[art.Metric](
            items=metrics, next_page_token=page.next_page_token, page_size=page.page_size
        )

    return fetch


def _int_step(metric: art.Metric) -> art.Metric:
    """The step as an int whatever the API version (v1 sends a decimal string)."""
    if isinstance(metric.step, str) and metric.step.lstrip("-").isdigit():
        return metric.model_copy(update={"step": int(metric.step)})
    return metric


# --- experiment tracking -----------------------------------------------------------------


@dataclass(frozen=True)
class RunTarget:
    """What `start_experiment_run` was asked for (after nesting filled in the gaps)."""

    experiment_name: str | None = None
    experiment_id: str | None = None
    run_name: str | None = None
    run_id: str | None = None
    owner: str | None = None
    description: str | None = None
    run_description: str | None = None
    run_properties: Mapping[str, Any] | None = None


def experiment_for(target: RunTarget) -> Flow[exp.Experiment]:
    """The experiment by id, else by name (created if missing), else a new one."""
    if target.experiment_id is not None:
        found = yield from single(ep.get_experiment(target.experiment_id))
        if target.experiment_name is not None and found.name != target.experiment_name:
            raise InvalidArgument(
                f"experiment {target.experiment_id} is named {found.name!r}, "
                f"not {target.experiment_name!r}"
            )
        return found
    name = target.experiment_name or f"experiment-{uuid.uuid4().hex[:8]}"
    existing = yield from or_none(ep.find_experiment(name=name))
    if existing is not None:
        return existing
    fields = {"owner": target.owner, "description": target.description}
    try:
        return (yield from create_experiment(name, fields))
    except AlreadyExists:  # created meanwhile by another process or thread
        return (yield from require_experiment(name))


def run_for(experiment: exp.Experiment, target: RunTarget) -> Flow[exp.ExperimentRun]:
    """The run by id (in this experiment), else by name (created if missing), else new.

    A resumed run that had ended is marked RUNNING again.
    """
    if target.run_id is not None:
        run = yield from single(ep.get_experiment_run(target.run_id))
        if run.experiment_id != experiment.id:
            raise InvalidArgument(
                f"experiment run {run.id} belongs to experiment {run.experiment_id}, "
                f"not to {experiment.name!r} ({experiment.id})"
            )
    else:
        found = None
        if target.run_name is not None:
            call = ep.find_experiment_run(name=target.run_name, experiment_id=experiment.id)
            found = yield from or_none(call)
        if found is None:
            return (yield from _new_run(experiment, target))
        run = found
    if run.status != ExperimentRunStatus.RUNNING:
        run = yield from update_experiment_run(run.id, {"status": ExperimentRunStatus.RUNNING})
    return run


def _new_run(experiment: exp.Experiment, target: RunTarget) -> Flow[exp.ExperimentRun]:
    fields = {
        "description": target.run_description,
        "start_time_since_epoch": now_ms(),
        "status": ExperimentRunStatus.RUNNING,
        "custom_properties": target.run_properties or None,
    }
    try:
        return (yield from create_experiment_run(experiment.id, target.run_name, fields))
    except AlreadyExists:
        if target.run_name is None:
            raise
        call = ep.find_experiment_run(name=target.run_name, experiment_id=experiment.id)
        return (yield from single(call))


def start_run(target: RunTarget) -> Flow[exp.ExperimentRun]:
    experiment = yield from experiment_for(target)
    return (yield from run_for(experiment, target))


def end_run(run_id: str, status: ExperimentRunStatus) -> Flow[exp.ExperimentRun]:
    fields = {"status": status, "end_time_since_epoch": now_ms()}
    return update_experiment_run(run_id, fields)


def parameter_of(value: Any) -> tuple[str, ParameterType]:
    """A parameter's text and type: bool, number, object (JSON) or string."""
    if isinstance(value, bool):
        return ("true" if value else "false"), ParameterType.BOOLEAN
    if isinstance(value, int | float):
        return str(value), ParameterType.NUMBER
    if isinstance(value, dict | list):
        return json.dumps(value), ParameterType.OBJECT
    return str(value), ParameterType.STRING


def _upsert(run_id: str, model: type[Any], kind: str, fields: Mapping[str, Any]) -> Flow[Any]:
    data = body(model, fields, what=f"log_{kind}", fixed={"artifact_type": kind})
    return single(ep.upsert_run_artifact(run_id, data))


def log_param(run_id: str, key: str, value: Any, description: str | None) -> Flow[art.Parameter]:
    text, kind = parameter_of(value)
    fields = {"name": key, "value": text, "parameter_type": kind, "description": description}
    return _upsert(run_id, art.ParameterBody, "parameter", fields)


def log_metric(
    run_id: str,
    key: str,
    value: float,
    step: int,
    timestamp: int | str | None,
    description: str | None,
) -> Flow[art.Metric]:
    fields = {
        "name": key,
        "value": value,
        "step": step,
        "timestamp": str(timestamp) if timestamp is not None else now_ms(),
        "description": description,
    }
    return _upsert(run_id, art.MetricBody, "metric", fields)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def log_dataset(run_id: str, fields: Mapping[str, Any], known_id: str | None) -> Flow[art.DataSet]:
    """Create the dataset in the run, or update the one of that name (`known_id` if known)."""
    data = {
        **{k: _text(v) if k in ("data_schema", "profile") else v for k, v in fields.items()},
        "id": known_id,
    }
    try:
        stored: art.DataSet = yield from _upsert(run_id, art.DataSetBody, "dataset-artifact", data)
    except AlreadyExists:
        if known_id is not None:
            raise
        existing = yield from _dataset_named(run_id, str(fields["name"]))
        data["id"] = existing.id
        stored = yield from _upsert(run_id, art.DataSetBody, "dataset-artifact", data)
    return stored


def _dataset_named(run_id: str, name: str) -> Flow[art.DataSet]:
    quoted = name.replace("'", "\\'")
    options = ListOptions(filter_query=f"name = '{quoted}'", page_size=1)
    page = yield from single(ep.list_run_artifacts(options, None, run_id, "dataset-artifact"))
    for item in page.items:
        if isinstance(item, art.DataSet):
            return item
    raise NotFound(f"experiment run {run_id} has no dataset named {name!r}")
