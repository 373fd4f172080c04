"""The per-entity SQL views, and every query in docs/sql.md, on every backend."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from modelreg.domain.artifacts import ArtifactService
from modelreg.domain.models import ModelService
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as wire
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
    return {"model": model.id, "version": version.id, "artifact": artifact.id}


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


@pytest.mark.parametrize("query", QUERIES, ids=[f"doc-query-{i}" for i in range(len(QUERIES))])
def test_documented_queries_run(store: Store, registry: dict[str, int], query: str) -> None:
    with store.engine.connect() as conn:
        rows = conn.execute(text(_sql(store, query))).all()
    assert rows, query
