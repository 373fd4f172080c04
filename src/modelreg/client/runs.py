"""What the run context managers of both clients share: the active run of each thread or
task, what a run logged, and the flows that end it (no I/O here).

`AsyncActiveExperimentRun` (aio_tracking.py) and the generated `ActiveExperimentRun`
(sync_tracking.py) send the flows; tracking.py is where users import them from.
"""

from __future__ import annotations

import threading
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas.enums import ExperimentRunStatus

from . import experiments as ops
from .call import Flow
from .experiments import RunTarget

T = TypeVar("T")
LogType = Literal["params", "metrics", "datasets"]
Logged = art.Parameter | art.Metric | art.DataSet


@dataclass(frozen=True)
class RunInfo:
    """The run a context manager logs to (upstream's `RunInfo`)."""

    id: str
    name: str
    experiment_id: str


@dataclass(frozen=True)
class _Active:
    run_id: str
    experiment_id: str


class Tracking:
    """The active run of each thread or task, for one client."""

    def __init__(self) -> None:
        self._active: ContextVar[_Active | None] = ContextVar(
            f"modelreg-active-run-{id(self)}", default=None
        )

    def target(
        self,
        experiment_name: str | None,
        experiment_id: str | None,
        run_name: str | None,
        run_id: str | None,
        *,
        owner: str | None,
        description: str | None,
        run_description: str | None,
        nested: bool,
        nested_tag: str | None,
    ) -> RunTarget:
        active = self._active.get()
        if active is not None and not nested:
            raise ValueError(
                "an experiment run is already active here: pass nested=True to start a nested run"
            )
        properties: dict[str, Any] = {}
        if nested and active is not None:
            if experiment_name is None and experiment_id is None:
                experiment_id = active.experiment_id
            if nested_tag:
                properties[nested_tag] = active.run_id
        return RunTarget(
            experiment_name=experiment_name,
            experiment_id=experiment_id,
            run_name=run_name,
            run_id=run_id,
            owner=owner,
            description=description,
            run_description=run_description,
            run_properties=properties,
        )

    def enter(self, run: exp.ExperimentRun) -> _Active | None:
        previous = self._active.get()
        self._active.set(_Active(run.id, run.experiment_id))
        return previous

    def leave(self, previous: _Active | None) -> None:
        self._active.set(previous)


class RunLogs:
    """What a run context logged, newest value per key; safe to share between threads."""

    def __init__(self, run: exp.ExperimentRun, tracking: Tracking) -> None:
        self.experiment_run = run
        self.info = RunInfo(id=run.id, name=run.name or run.id, experiment_id=run.experiment_id)
        self._tracking = tracking
        self._previous: _Active | None = None
        self._lock = threading.Lock()
        self._logs: dict[LogType, dict[str, Logged]] = {
            "params": {},
            "metrics": {},
            "datasets": {},
        }

    def _keep(self, kind: LogType, key: str, logged: T) -> T:
        with self._lock:
            self._logs[kind][key] = logged  # type: ignore[assignment]
        return logged

    def _dataset_id(self, name: str) -> str | None:
        with self._lock:
            known = self._logs["datasets"].get(name)
        return known.id if known is not None else None

    def get_log(self, type: LogType, key: str) -> Logged:
        """The stored `Parameter`, `Metric` (last value) or `DataSet` logged under `key`."""
        with self._lock:
            return self._logs[type][key]

    def get_logs(self) -> list[Logged]:
        """Everything logged through this run context: parameters, metrics, datasets."""
        with self._lock:
            return [item for logs in self._logs.values() for item in logs.values()]

    def _begin(self) -> None:
        self._previous = self._tracking.enter(self.experiment_run)

    def _flows_on_exit(self, failed: bool) -> Flow[exp.ExperimentRun]:
        status = ExperimentRunStatus.FAILED if failed else ExperimentRunStatus.FINISHED
        return ops.end_run(self.info.id, status)


def dataset_fields(
    name: str,
    uri: str,
    source_type: str | None,
    source: str | None,
    schema: Any,
    profile: Any,
    description: str | None,
) -> dict[str, Any]:
    return {
        "name": name,
        "uri": uri,
        "source_type": source_type,
        "source": source,
        "data_schema": schema,
        "profile": profile,
        "description": description,
    }
