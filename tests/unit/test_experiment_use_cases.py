"""Use cases of experiments, runs, what runs log and metric history, on every store."""

from __future__ import annotations

import pytest

from modelreg.domain.artifacts import kinds_for
from modelreg.domain.kinds import EXPERIMENT_RUN, METRIC_HISTORY
from modelreg.domain.ports import StorePort
from modelreg.domain.records import Record
from modelreg.domain.values import Stored
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound
from modelreg.schemas import experiments as wire

from .support import Services, artifact, names, query


@pytest.fixture
def services(port: StorePort) -> Services:
    return Services.over(port)


@pytest.fixture
def experiment_id(services: Services) -> int:
    return services.experiments.create_experiment(wire.ExperimentCreate(name="e")).id


def run(services: Services, experiment_id: int, name: str = "r", **fields: object) -> int:
    body = {"name": name, "experimentId": str(experiment_id), **fields}
    created = services.experiments.create_run(
        experiment_id, wire.ExperimentRunCreate.model_validate(body)
    )
    return created.id


def test_experiments(services: Services) -> None:
    created = services.experiments.create_experiment(
        wire.ExperimentCreate(name="e", external_id="ex", owner="me")
    )
    assert created.prop("state") == "LIVE"
    with pytest.raises(AlreadyExists, match="experiment with name 'e'"):
        services.experiments.create_experiment(wire.ExperimentCreate(name="e"))
    services.experiments.update_experiment(created.id, wire.ExperimentUpdate(state="ARCHIVED"))
    got = services.experiments.get_experiment(created.id)
    assert (got.prop("state"), got.prop("owner")) == ("ARCHIVED", "me")
    assert services.experiments.find_experiment("e", None).id == created.id
    assert services.experiments.find_experiment(None, "ex").id == created.id
    with pytest.raises(InvalidArgument):
        services.experiments.find_experiment(None, None)
    assert names(services.experiments.list_experiments(query())) == ["e"]
    with pytest.raises(NotFound, match="no experiment with id 99"):
        services.experiments.get_experiment(99)


def test_runs(services: Services, experiment_id: int) -> None:
    run_id = run(services, experiment_id, startTimeSinceEpoch="100", externalId="rx")
    got = services.experiments.get_run(run_id)
    assert (got.display_name, got.prop("status"), got.prop("experiment_id")) == (
        "r",
        "RUNNING",
        experiment_id,
    )
    assert services.experiments.find_run("r", None, experiment_id).id == run_id
    assert services.experiments.find_run(None, "rx", None).id == run_id
    with pytest.raises(InvalidArgument, match="parentResourceId"):
        services.experiments.find_run("r", None, None)
    assert [r.id for r in services.experiments.list_runs(query(), experiment_id).records] == [
        run_id
    ]
    assert len(services.experiments.list_runs(query()).records) == 1
    with pytest.raises(NotFound, match="no experiment with id 99"):
        run(services, 99)
    with pytest.raises(NotFound):
        services.experiments.list_runs(query(), 99)


def test_run_times(services: Services, experiment_id: int) -> None:
    with pytest.raises(InvalidArgument, match="cannot be less than startTimeSinceEpoch"):
        run(services, experiment_id, startTimeSinceEpoch="100", endTimeSinceEpoch="99")
    assert services.experiments.list_runs(query()).records == []
    run_id = run(services, experiment_id, startTimeSinceEpoch="100")
    too_early = wire.ExperimentRunUpdate(end_time_since_epoch="50")
    with pytest.raises(InvalidArgument, match="cannot be less than"):
        services.experiments.update_run(run_id, too_early)
    assert services.experiments.get_run(run_id).prop("end_time_since_epoch") is None
    done = wire.ExperimentRunUpdate(end_time_since_epoch="1000", status="FINISHED")
    services.experiments.update_run(run_id, done)
    got = services.experiments.get_run(run_id)
    assert (got.prop("end_time_since_epoch"), got.prop("status")) == ("1000", "FINISHED")


def test_a_stored_start_that_is_no_number_is_not_compared(
    port: StorePort, services: Services, experiment_id: int
) -> None:
    """Upstream's server stores any text as a start time sent without an end time."""
    run_id = run(services, experiment_id, startTimeSinceEpoch="100")

    def upstream_wrote(record: Record) -> None:
        record.props["start_time_since_epoch"] = Stored("string_value", "soon")

    port.update((EXPERIMENT_RUN,), run_id, upstream_wrote)
    services.experiments.update_run(run_id, wire.ExperimentRunUpdate(end_time_since_epoch="5"))
    got = services.experiments.get_run(run_id)
    assert (got.prop("start_time_since_epoch"), got.prop("end_time_since_epoch")) == ("soon", "5")


def test_upsert_run_keeps_its_start(services: Services, experiment_id: int) -> None:
    run_id = run(services, experiment_id, startTimeSinceEpoch="100")
    body = wire.ExperimentRunBody.model_validate(
        {"id": str(run_id), "startTimeSinceEpoch": "5", "description": "d"}
    )
    services.experiments.upsert_run(experiment_id, run_id, body)
    got = services.experiments.get_run(run_id)
    assert (got.prop("start_time_since_epoch"), got.prop("description")) == ("100", "d")
    other = services.experiments.create_experiment(wire.ExperimentCreate(name="o")).id
    with pytest.raises(InvalidArgument, match="does not belong to experiment"):
        services.experiments.upsert_run(other, run_id, body)


def test_logged_metrics_keep_history(services: Services, experiment_id: int) -> None:
    run_id = run(services, experiment_id)
    first, created = services.experiments.upsert_into_run(
        run_id, artifact(artifactType="metric", name="loss", value=0.5, step=1)
    )
    assert created
    assert first.custom["experiment_run_id"].value == run_id
    assert first.custom["experiment_id"].value == experiment_id
    again, created = services.experiments.upsert_into_run(
        run_id, artifact(artifactType="metric", name="loss", value=0.25, step=2)
    )
    assert (created, again.id) == (False, first.id)
    services.experiments.upsert_into_run(run_id, artifact(artifactType="parameter", name="lr"))
    history = services.experiments.metric_history(query(), run_id)
    assert [(r.kind, r.prop("value"), r.display_name) for r in history.records] == [
        (METRIC_HISTORY, 0.5, "loss"),
        (METRIC_HISTORY, 0.25, "loss"),
    ]
    by_name = services.experiments.metric_history(query(name="loss", steps=(2,)), run_id)
    assert [r.prop("step") for r in by_name.records] == [2]
    assert services.experiments.metric_history(query(name="los"), run_id).records == []
    logged = services.experiments.list_run_artifacts(run_id, query())
    assert names(logged) == ["loss", "lr"]
    metrics = services.experiments.list_run_artifacts(run_id, query(), kinds_for("metric"))
    assert [r.prop("value") for r in metrics.records] == [0.25]
    assert len(services.experiments.metric_history(query()).records) == 2


def test_logging_into_a_missing_run_writes_nothing(services: Services) -> None:
    body = artifact(artifactType="metric", name="loss", value=1)
    with pytest.raises(NotFound, match="no experiment run with id 42"):
        services.experiments.upsert_into_run(42, body)
    assert services.artifacts.list(query()).records == []
    with pytest.raises(NotFound):
        services.experiments.list_run_artifacts(42, query())
    with pytest.raises(NotFound):
        services.experiments.metric_history(query(), 42)
