"""Experiments and experiment runs on the wire."""

from __future__ import annotations

from .base import (
    EpochMillis,
    IdRef,
    ListEnvelope,
    RequiredId,
    RequiredName,
    ShortText,
    Text,
)
from .common import EntityFields, EntityResponse
from .enums import ContextState, ExperimentRunStatus


class _Common(EntityFields):
    owner: Text | None = None
    state: ContextState | None = None


class _Stamps(EntityResponse):
    owner: str | None = None
    state: ContextState | None = None


class ExperimentCreate(_Common):
    name: RequiredName


class ExperimentUpdate(_Common):
    pass


class Experiment(_Stamps):
    name: str


class _RunFields(_Common):
    end_time_since_epoch: EpochMillis | None = None
    status: ExperimentRunStatus | None = None


class ExperimentRunCreate(_RunFields):
    name: ShortText | None = None
    experiment_id: RequiredId
    start_time_since_epoch: EpochMillis | None = None


class ExperimentRunBody(_RunFields):
    """The full ExperimentRun of `POST /experiments/{id}/experiment_runs` (path names the
    experiment; an `id` updates that run, as upstream)."""

    id: IdRef | None = None
    name: ShortText | None = None
    experiment_id: IdRef | None = None
    start_time_since_epoch: EpochMillis | None = None
    create_time_since_epoch: Text | None = None
    last_update_time_since_epoch: Text | None = None


class ExperimentRunUpdate(_RunFields):
    pass


class ExperimentRun(_Stamps):
    name: str | None = None
    experiment_id: str
    start_time_since_epoch: str | None = None
    end_time_since_epoch: str | None = None
    status: ExperimentRunStatus | None = None


ExperimentList = ListEnvelope[Experiment]
ExperimentRunList = ListEnvelope[ExperimentRun]
