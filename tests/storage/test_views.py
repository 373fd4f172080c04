"""The per-entity SQL views, and every query in docs/sql.md, on every backend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from modelreg.domain.artifacts import ArtifactService
from modelreg.domain.experiments import ExperimentService
from modelreg.domain.models import ModelService
from modelreg.domain.serving import ServingService
from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas import registry as wire
from modelreg.schemas import serving as srv
from modelreg.storage.store import Store

DOC = Path(__file__).resolve().parents[2] / "docs" / "sql.md"
QUERIES = re.findall(r"```sql\n(.*?)```", DOC.read_text(), re.DOTALL)


@pytest.fixture
def registry(store: Store) -> dict[str, int]:
    models, artifacts = ModelService(store), ArtifactService(store)
    model = models.create_model(
        wire.RegisteredModelCreate(name="fraud", owner="ann", license="mit")
    )
    accuracy = {"accuracy": {"metadataType": "MetadataDoubleValue", "double_value": 0.95}}
    version = models.create_version(
        model.id,
        wire.ModelVersionCreate.model_validate(
            {
                "name": "v:1",
                "registeredModelId": str(model.id),
                "author": "bob",
                "customProperties": accuracy,
            }
        ),
    )
    body = art.ModelArtifactBody(
        artifactType="model-artifact",
        name="weights",
        uri="s3://b/w",
        modelFormatName="onnx",
        state="LIVE",
    )
    artifact, _ = artifacts.upsert_into_version(version.id, body)
    metric = art.MetricBody(artifactType="metric", name="accuracy", value=0.93, step=4)
    artifacts.upsert_into_version(version.id, metric)
    serving = ServingService(store)
    env = serving.create_environment(srv.ServingEnvironmentCreate(name="prod"))
    service = serving.create_service(
        env.id,
        srv.InferenceServiceCreate(
            name="api", registeredModelId=str(model.id), servingEnvironmentId=str(env.id)
        ),
    )
    serving.create_serve(
        service.id, srv.ServeModelCreate(modelVersionId=str(version.id), lastKnownState="RUNNING")
    )
    experiments = ExperimentService(store)
    experiment = experiments.create_experiment(exp.ExperimentCreate(name="churn"))
    experiments.create_run(
        experiment.id,
        exp.ExperimentRunCreate(
            experimentId=str(experiment.id),
            name="r1",
            status="FINISHED",
            startTimeSinceEpoch="1",
            endTimeSinceEpoch="2",
        ),
    )
    return {
        "model": model.id,
        "version": version.id,
        "artifact": artifact.id,
        "service": service.id,
    }


def _sql(store: Store, query: str) -> str:
    return (
        query.replace("ContextProperty", '"ContextProperty"')
        if store.dialect == "postgresql"
        else query
    )


def test_views_show_entities_as_the_api_does(store: Store, registry: dict[str, int]) -> None:
    with store.engine.connect() as conn:
        model = conn.execute(
            text("SELECT id, name, owner, license, state FROM registered_models")
        ).one()
        version = conn.execute(
            text("SELECT id, registered_model_id, name, author, state FROM model_versions")
        ).one()
        artifact = conn.execute(
            text(
                "SELECT id, model_version_id, name, uri, state, model_format_name"
                " FROM model_artifacts"
            )
        ).one()
        metric = conn.execute(text("SELECT name, value, step FROM metrics")).one()
    assert tuple(model) == (registry["model"], "fraud", "ann", "mit", "LIVE")
    assert tuple(version) == (registry["version"], registry["model"], "v:1", "bob", "LIVE")
    assert tuple(artifact) == (
        registry["artifact"],
        registry["version"],
        "weights",
        "s3://b/w",
        "LIVE",
        "onnx",
    )
    assert tuple(metric) == ("accuracy", 0.93, 4)
    with store.engine.connect() as conn:
        service = conn.execute(
            text("SELECT id, name, desired_state, model_version_id FROM inference_services")
        ).one()
        serve = conn.execute(
            text(
                "SELECT inference_service_id, last_known_state, model_version_id FROM serve_models"
            )
        ).one()
        run = conn.execute(
            text("SELECT name, status, end_time_since_epoch FROM experiment_runs")
        ).one()
    assert tuple(service) == (registry["service"], "api", "DEPLOYED", None)
    assert tuple(serve) == (registry["service"], "RUNNING", registry["version"])
    assert tuple(run) == ("r1", "FINISHED", "2")


@pytest.mark.parametrize("query", QUERIES, ids=[f"doc-query-{i}" for i in range(len(QUERIES))])
def test_documented_queries_run(store: Store, registry: dict[str, int], query: str) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(text(_sql(store, query))).all()
    assert rows, query
