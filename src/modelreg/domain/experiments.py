"""Use cases of experiments, their runs, the artifacts runs log and metric history."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel

from modelreg.errors import AlreadyExists, Conflict, InvalidArgument
from modelreg.schemas import experiments as wire

from .artifacts import upsert_artifact
from .codec import apply_defaults, merge
from .common import (
    child_name,
    exactly_one,
    new_record,
    require,
    require_exists,
    touch,
    update_entity,
)
from .filters.resolve import epoch_number
from .kinds import ARTIFACT_KINDS, EXPERIMENT, EXPERIMENT_RUN, METRIC, METRIC_HISTORY, Kind
from .paging import ListQuery
from .ports import Repo, StorePort
from .records import Page, Record
from .values import Stored

EXP = (EXPERIMENT,)
RUN = (EXPERIMENT_RUN,)
HISTORY = (METRIC_HISTORY,)
HISTORY_ATTEMPTS = 50


def _check_times(record: Record) -> None:
    """The end may not precede the start. A stored time that is no number (upstream's
    server keeps any text it is sent alone) cannot be compared, so it is not."""
    start, end = record.prop("start_time_since_epoch"), record.prop("end_time_since_epoch")
    start_ms, end_ms = epoch_number(start), epoch_number(end)
    if start_ms is not None and end_ms is not None and end_ms < start_ms:
        raise InvalidArgument(
            f"endTimeSinceEpoch ({end}) cannot be less than startTimeSinceEpoch ({start})"
        )


def _write_history(repo: Repo, run_id: int, metric: Record) -> None:
    """Append a snapshot of a metric to its run's history. The name carries the metric's
    update time in ms; two snapshots in one millisecond take the next free millisecond."""
    stamp = metric.update_time
    for _ in range(HISTORY_ATTEMPTS):
        name = f"{run_id}:{metric.display_name}__{stamp}"
        if not repo.find(HISTORY, names=[name]):
            break
        stamp += 1
    snapshot = new_record(METRIC_HISTORY, name)
    snapshot.state = metric.state
    snapshot.props = dict(metric.props)
    snapshot.custom = dict(metric.custom)
    try:
        repo.insert(snapshot, under=run_id)
    except AlreadyExists:
        raise Conflict("metric history snapshot raced another write") from None  # retried


class ExperimentService:
    def __init__(self, store: StorePort) -> None:
        self.store = store

    # --- experiments ---------------------------------------------------------------------

    def create_experiment(self, body: wire.ExperimentCreate) -> Record:
        record = new_record(EXPERIMENT, body.name)
        merge(record, body)
        apply_defaults(record)
        return self.store.insert(record)

    def get_experiment(self, experiment_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, EXP, experiment_id), write=False)

    def update_experiment(self, experiment_id: int, body: wire.ExperimentUpdate) -> Record:
        return update_entity(self.store, EXP, experiment_id, body)

    def list_experiments(self, query: ListQuery) -> Page:
        return self.store.run(lambda repo: repo.list_page(EXP, query, None), write=False)

    def find_experiment(self, name: str | None, external_id: str | None) -> Record:
        if name is None and external_id is None:
            raise InvalidArgument("find an experiment by name or externalId")

        def work(repo: Repo) -> Record:
            found = repo.find(
                EXP, names=[name] if name is not None else [], external_id=external_id
            )
            return exactly_one(found, f"experiment {name or external_id!r}")

        return self.store.run(work, write=False)

    # --- runs ----------------------------------------------------------------------------

    def create_run(
        self, experiment_id: int, body: wire.ExperimentRunCreate | wire.ExperimentRunBody
    ) -> Record:
        record = new_record(EXPERIMENT_RUN, child_name(experiment_id, body.name))
        merge(record, body)
        record.props["experiment_id"] = Stored("int_value", experiment_id)
        apply_defaults(record)
        _check_times(record)
        return self.store.insert(record, under=experiment_id, parent_kinds=EXP)

    def upsert_run(self, experiment_id: int, run_id: int, body: wire.ExperimentRunBody) -> Record:
        """The nested create with an `id` updates that run (as upstream); start time stays."""

        def work(repo: Repo) -> Record:
            record = require(repo, RUN, run_id)
            if record.prop("experiment_id") != experiment_id:
                raise InvalidArgument(f"run {run_id} does not belong to experiment {experiment_id}")
            start = record.props.get("start_time_since_epoch")
            merge(record, body)
            if start is not None:
                record.props["start_time_since_epoch"] = start
            return _save_run(repo, record)

        return self.store.run(work, write=True)

    def get_run(self, run_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, RUN, run_id), write=False)

    def update_run(self, run_id: int, body: wire.ExperimentRunUpdate) -> Record:
        def work(repo: Repo) -> Record:
            record = require(repo, RUN, run_id)
            merge(record, body)
            return _save_run(repo, record)

        return self.store.run(work, write=True)

    def list_runs(self, query: ListQuery, experiment_id: int | None = None) -> Page:
        def work(repo: Repo) -> Page:
            if experiment_id is not None:
                require_exists(repo, EXP, experiment_id)
            return repo.list_page(RUN, query, experiment_id)

        return self.store.run(work, write=False)

    def find_run(
        self, name: str | None, external_id: str | None, experiment_id: int | None
    ) -> Record:
        if external_id is None and (name is None or experiment_id is None):
            raise InvalidArgument(
                "find an experiment run by name and parentResourceId, or by externalId"
            )

        def work(repo: Repo) -> Record:
            names = [child_name(experiment_id, name)] if name is not None and experiment_id else []
            found = repo.find(RUN, names=names, external_id=external_id, parent_id=experiment_id)
            return exactly_one(found, f"experiment run {name or external_id!r}")

        return self.store.run(work, write=False)

    # --- what runs log -------------------------------------------------------------------

    def upsert_into_run(self, run_id: int, body: BaseModel) -> tuple[Record, bool]:
        """Create or update an artifact logged by a run; metrics also append history."""

        def work(repo: Repo) -> tuple[Record, bool]:
            run = require(repo, RUN, run_id)
            links = {
                "experiment_id": Stored("int_value", run.prop("experiment_id")),
                "experiment_run_id": Stored("int_value", run_id),
            }
            record, created = upsert_artifact(repo, run_id, body, links)
            if record.kind is METRIC:
                _write_history(repo, run_id, record)
            return record, created

        return self.store.run(work, write=True)

    def list_run_artifacts(
        self, run_id: int, query: ListQuery, kinds: Sequence[Kind] = ARTIFACT_KINDS
    ) -> Page:
        def work(repo: Repo) -> Page:
            require_exists(repo, RUN, run_id)
            return repo.list_page(kinds, query, run_id)

        return self.store.run(work, write=False)

    def metric_history(self, query: ListQuery, run_id: int | None = None) -> Page:
        def work(repo: Repo) -> Page:
            if run_id is not None:
                require_exists(repo, RUN, run_id)
            return repo.list_page(HISTORY, query, run_id)

        return self.store.run(work, write=False)


def _save_run(repo: Repo, record: Record) -> Record:
    _check_times(record)
    touch(record)
    return repo.update(record)
