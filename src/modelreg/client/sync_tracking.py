# Generated from aio_tracking.py by scripts/generate_sync.py: do not edit. Edit aio_tracking.py
# and run `make generate` (tests/client/test_generated.py fails when they differ).
"""`AsyncActiveExperimentRun`: the source of the generated sync_tracking.py
(`ActiveExperimentRun`).

What both share (the active run per thread or task, what was logged, the flows) is
runs.py's; this module only sends the flows. tracking.py documents the run and is where
users import it from. Written so that both readings hold (docs/sdk.md: how the two clients
are made).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp

from . import experiments as ops
from .call import Runner
from .experiments import RunTarget
from .runs import RunLogs, Tracking, dataset_fields


class ActiveExperimentRun(RunLogs):
    """A started run: log to it, then leave the `with` block (`async with` for
    `AsyncRegistry`) to end it."""

    def __init__(self, run: Runner, experiment_run: exp.ExperimentRun, tracking: Tracking) -> None:
        super().__init__(experiment_run, tracking)
        self._send = run

    @classmethod
    def begin(cls, run: Runner, target: RunTarget, tracking: Tracking) -> Self:
        """Start (or resume) the run now: what `Registry.start_experiment_run` answers, and
        what awaiting or entering `AsyncRegistry.start_experiment_run`'s answer does."""
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
        fields = dataset_fields(name, uri, source_type, source, schema, profile, description)
        flow = ops.log_dataset(self.info.id, fields, self._dataset_id(name))
        return self._keep("datasets", name, self._send(flow))
