"""Experiment tracking: `start_experiment_run` and the run it answers, for both clients.

    with registry.start_experiment_run("churn", run_name="baseline") as run:
        run.log_param("lr", 0.01)
        for epoch in range(3):
            run.log_metric("loss", 1 / (epoch + 1), step=epoch)

The names and arguments are upstream's (`model_registry` 0.3.9); the behaviour differs on
purpose: a run is found (or created) *by name* within its experiment; every log is written
when it is made (so every step of a metric is in the metric history, and a crash loses
nothing already logged); the run ends FINISHED, or FAILED when the block raises, with its
end time. Each thread (and each asyncio task) has its own active run, so threads can log
to their own runs through one client. A nested run (`nested=True`) joins the experiment of
the active run and records the parent's id in the custom property `nested_tag`.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Generator
from contextvars import ContextVar
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Protocol, Self, TypeVar

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas.enums import ExperimentRunStatus

from . import experiments as ops
from .call import Flow
from .experiments import RunTarget

T = TypeVar("T")
LogType = Literal["params", "metrics", "datasets"]
Logged = art.Parameter | art.Metric | art.DataSet


class Runner(Protocol):
    def __call__(self, work: Flow[T], /) -> T: ...


class AsyncRunner(Protocol):
    def __call__(self, work: Flow[T], /) -> Awaitable[T]: ...


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


class _RunLogs:
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


def _dataset_fields(
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


class ActiveExperimentRun(_RunLogs):
    """A started run: log to it, then leave the `with` block to end it."""

    def __init__(self, run: Runner, experiment_run: exp.ExperimentRun, tracking: Tracking) -> None:
        super().__init__(experiment_run, tracking)
        self._send = run

    @classmethod
    def begin(cls, run: Runner, target: RunTarget, tracking: Tracking) -> Self:
        """Start (or resume) the run now: `Registry.start_experiment_run`'s answer."""
        return cls(run, run(ops.start_run(target)), tracking)

    def __enter__(self) -> Self:
        self._begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.end(failed=exc_type is not None)
        finally:
            self._tracking.leave(self._previous)

    def end(self, *, failed: bool = False) -> exp.ExperimentRun:
        """Mark the run FINISHED (FAILED if `failed`) with its end time; `with` does this."""
        self.experiment_run = self._send(self._flows_on_exit(failed))
        return self.experiment_run

    def log_param(self, key: str, value: Any, *, description: str | None = None) -> art.Parameter:
        """Write a parameter now; its type (boolean, number, object, string) is inferred."""
        flow = ops.log_param(self.info.id, key, value, description)
        return self._keep("params", key, self._send(flow))

    def log_metric(
        self,
        key: str,
        value: float,
        step: int = 0,
        timestamp: int | str | None = None,
        *,
        description: str | None = None,
    ) -> art.Metric:
        """Write a metric value now (epoch-millisecond `timestamp`, default now)."""
        flow = ops.log_metric(self.info.id, key, value, step, timestamp, description)
        return self._keep("metrics", key, self._send(flow))

    def log_dataset(
        self,
        name: str,
        uri: str,
        source_type: str | None = None,
        source: str | None = None,
        schema: Any = None,
        profile: Any = None,
        *,
        description: str | None = None,
    ) -> art.DataSet:
        """Write a dataset now (a dict `schema` or `profile` is stored as JSON text)."""
        fields = _dataset_fields(name, uri, source_type, source, schema, profile, description)
        flow = ops.log_dataset(self.info.id, fields, self._dataset_id(name))
        return self._keep("datasets", name, self._send(flow))


class AsyncActiveExperimentRun(_RunLogs):
    """A started run for `AsyncRegistry`: the same calls, awaited; `async with` ends it."""

    def __init__(
        self, run: AsyncRunner, experiment_run: exp.ExperimentRun, tracking: Tracking
    ) -> None:
        super().__init__(experiment_run, tracking)
        self._send = run

    @classmethod
    async def begin(cls, run: AsyncRunner, target: RunTarget, tracking: Tracking) -> Self:
        return cls(run, await run(ops.start_run(target)), tracking)

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.end(failed=exc_type is not None)
        finally:
            self._tracking.leave(self._previous)

    async def end(self, *, failed: bool = False) -> exp.ExperimentRun:
        """Mark the run FINISHED (FAILED if `failed`) with its end time."""
        self.experiment_run = await self._send(self._flows_on_exit(failed))
        return self.experiment_run

    async def log_param(
        self, key: str, value: Any, *, description: str | None = None
    ) -> art.Parameter:
        flow = ops.log_param(self.info.id, key, value, description)
        return self._keep("params", key, await self._send(flow))

    async def log_metric(
        self,
        key: str,
        value: float,
        step: int = 0,
        timestamp: int | str | None = None,
        *,
        description: str | None = None,
    ) -> art.Metric:
        flow = ops.log_metric(self.info.id, key, value, step, timestamp, description)
        return self._keep("metrics", key, await self._send(flow))

    async def log_dataset(
        self,
        name: str,
        uri: str,
        source_type: str | None = None,
        source: str | None = None,
        schema: Any = None,
        profile: Any = None,
        *,
        description: str | None = None,
    ) -> art.DataSet:
        fields = _dataset_fields(name, uri, source_type, source, schema, profile, description)
        flow = ops.log_dataset(self.info.id, fields, self._dataset_id(name))
        return self._keep("datasets", name, await self._send(flow))


class AsyncRunStart:
    """What `AsyncRegistry.start_experiment_run` answers: `await` it for the run, or use it
    directly in `async with` (the run is started on entry)."""

    def __init__(self, run: AsyncRunner, target: RunTarget, tracking: Tracking) -> None:
        self._args = (run, target, tracking)
        self._run: AsyncActiveExperimentRun | None = None

    @classmethod
    def begin(cls, run: AsyncRunner, target: RunTarget, tracking: Tracking) -> Self:
        """Nothing is sent until awaited or entered. aio_ext.py calls this where the
        generated sync_ext.py calls `ActiveExperimentRun.begin`, which starts the run."""
        return cls(run, target, tracking)

    def __await__(self) -> Generator[Any, None, AsyncActiveExperimentRun]:
        return AsyncActiveExperimentRun.begin(*self._args).__await__()

    async def __aenter__(self) -> AsyncActiveExperimentRun:
        self._run = await AsyncActiveExperimentRun.begin(*self._args)
        return await self._run.__aenter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._run is not None:
            await self._run.__aexit__(exc_type, exc, tb)
