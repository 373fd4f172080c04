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

The run is `ActiveExperimentRun` for `Registry` (generated: sync_tracking.py) and
`AsyncActiveExperimentRun` for `AsyncRegistry` (aio_tracking.py), over runs.py's shared
state; both are imported from here. `AsyncRegistry.start_experiment_run` answers an
`AsyncRunStart`, which starts the run when awaited or entered: the one thing only the async
client has, so it is written here, once, by hand.
"""

from __future__ import annotations

from collections.abc import Generator
from types import TracebackType
from typing import Any, Self

from .aio_tracking import AsyncActiveExperimentRun
from .call import AsyncRunner
from .experiments import RunTarget
from .runs import RunInfo, Tracking
from .sync_tracking import ActiveExperimentRun

__all__ = [
    "ActiveExperimentRun",
    "AsyncActiveExperimentRun",
    "AsyncRunStart",
    "RunInfo",
    "Tracking",
]


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
