"""Use cases of artifacts: standalone, and upserted into a model version, on every store."""

from __future__ import annotations

import pytest

from modelreg.domain.artifacts import MA, kinds_for
from modelreg.domain.kinds import DOC_ARTIFACT, METRIC, MODEL_ARTIFACT
from modelreg.domain.ports import StorePort
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as wire

from .support import Services, artifact, names, query


@pytest.fixture
def services(port: StorePort) -> Services:
    return Services.over(port)


@pytest.fixture
def version_id(services: Services) -> int:
    model_id = services.models.create_model(wire.RegisteredModelCreate(name="m")).id
    body = wire.ModelVersionCreate(name="v1", registered_model_id=str(model_id))
    return services.models.create_version(model_id, body).id


def test_create_standalone_and_get(services: Services) -> None:
    created = services.artifacts.create(art.ModelArtifactCreate(name="a", uri="s3://a"))
    doc = services.artifacts.create(artifact(artifactType="doc-artifact", name="readme"))
    assert (created.kind, doc.kind) == (MODEL_ARTIFACT, DOC_ARTIFACT)
    assert created.display_name == "a" and created.name != "a"  # a unique prefix
    got = services.artifacts.get(created.id, MA)
    assert (got.uri, got.display_name) == ("s3://a", "a")
    assert services.artifacts.get(doc.id).kind is DOC_ARTIFACT
    with pytest.raises(NotFound, match=f"no model artifact with id {doc.id}"):
        services.artifacts.get(doc.id, MA)
    with pytest.raises(NotFound, match="no artifact with id 99"):
        services.artifacts.get(99)


def test_a_metric_needs_a_value(services: Services) -> None:
    with pytest.raises(InvalidArgument, match="metric value is required"):
        services.artifacts.create(artifact(artifactType="metric", name="loss"))
    assert services.artifacts.list(query()).records == []


def test_update_keeps_the_type(services: Services) -> None:
    created = services.artifacts.create(art.ModelArtifactCreate(uri="s3://a"))
    patch = art.ModelArtifactUpdate(model_format_name="onnx", state="LIVE")
    services.artifacts.update(created.id, patch, MA)
    got = services.artifacts.get(created.id)
    assert (got.prop("model_format_name"), got.uri, got.state) == ("onnx", "s3://a", 2)
    doc_patch = art.DocArtifactPatch(artifact_type="doc-artifact", uri="s3://b")
    with pytest.raises(InvalidArgument, match="artifact type is immutable"):
        services.artifacts.update(created.id, doc_patch)
    assert services.artifacts.get(created.id).uri == "s3://a"
    with pytest.raises(NotFound):
        services.artifacts.update(99, patch)


def test_duplicate_external_id(services: Services) -> None:
    services.artifacts.create(artifact(externalId="x"))
    with pytest.raises(AlreadyExists, match="doc artifact with externalId 'x' already exists"):
        services.artifacts.create(artifact(artifactType="doc-artifact", externalId="x"))


def test_upsert_into_version_creates_and_links(services: Services, version_id: int) -> None:
    record, created = services.artifacts.upsert_into_version(version_id, artifact(name="a"))
    assert created and record.name == f"{version_id}:a"
    with pytest.raises(AlreadyExists, match="model artifact with name 'a' already exists"):
        services.artifacts.upsert_into_version(version_id, artifact(name="a"))
    page = services.artifacts.list_for_version(version_id, query())
    assert [r.id for r in page.records] == [record.id]


def test_upsert_into_a_missing_version_writes_nothing(services: Services) -> None:
    for body in (artifact(name="a"), artifact(artifactType="metric", name="m", value=1)):
        with pytest.raises(NotFound, match="no model version with id 42"):
            services.artifacts.upsert_into_version(42, body)
    assert services.artifacts.list(query()).records == []
    with pytest.raises(NotFound, match="no model version with id 42"):
        services.artifacts.list_for_version(42, query())


def test_metric_and_parameter_upsert_by_name_in_place(services: Services, version_id: int) -> None:
    metric = artifact(artifactType="metric", name="acc", value=0.5)
    first, created = services.artifacts.upsert_into_version(version_id, metric)
    assert created
    again = artifact(artifactType="metric", name="acc", value=0.9)
    second, created = services.artifacts.upsert_into_version(version_id, again)
    assert (created, second.id, second.prop("value")) == (False, first.id, 0.9)
    param = artifact(artifactType="parameter", name="lr", value="0.1")
    p1, _ = services.artifacts.upsert_into_version(version_id, param)
    p2, created = services.artifacts.upsert_into_version(version_id, param)
    assert (created, p2.id) == (False, p1.id)
    page = services.artifacts.list_for_version(version_id, query(), kinds_for("metric"))
    assert [(r.id, r.prop("value")) for r in page.records] == [(first.id, 0.9)]


def test_upsert_by_id_updates_and_links(services: Services, version_id: int) -> None:
    standalone = services.artifacts.create(art.ModelArtifactCreate(name="s", uri="s3://a"))
    body = artifact(id=str(standalone.id), uri="s3://b")
    updated, created = services.artifacts.upsert_into_version(version_id, body)
    assert (created, updated.id, updated.uri) == (False, standalone.id, "s3://b")
    # linking twice is linking once
    services.artifacts.upsert_into_version(version_id, body)
    page = services.artifacts.list_for_version(version_id, query())
    assert [r.id for r in page.records] == [standalone.id]
    wrong = artifact(artifactType="doc-artifact", id=str(standalone.id))
    with pytest.raises(InvalidArgument, match="is a model-artifact, not a doc-artifact"):
        services.artifacts.upsert_into_version(version_id, wrong)


def test_find(services: Services, version_id: int) -> None:
    linked, _ = services.artifacts.upsert_into_version(
        version_id, artifact(name="a", externalId="ax")
    )
    assert services.artifacts.find("a", None, version_id).id == linked.id
    assert services.artifacts.find("a", "ax", version_id).id == linked.id
    assert services.artifacts.find(None, "ax", None, MA).id == linked.id
    with pytest.raises(NotFound):
        services.artifacts.find("a", "other", version_id)
    with pytest.raises(NotFound, match="doc artifact"):
        services.artifacts.find("a", None, version_id, kinds_for("doc-artifact"))
    with pytest.raises(InvalidArgument, match="parentResourceId"):
        services.artifacts.find("a", None, None)


def test_list_by_type(services: Services, version_id: int) -> None:
    services.artifacts.create(artifact(name="m1"))
    services.artifacts.create(artifact(artifactType="doc-artifact", name="d1"))
    services.artifacts.upsert_into_version(
        version_id, artifact(artifactType="metric", name="x", value=1)
    )
    assert names(services.artifacts.list(query())) == ["m1", "d1", "x"]
    assert names(services.artifacts.list(query(), kinds_for("doc-artifact"))) == ["d1"]
    assert [r.kind for r in services.artifacts.list(query(), MA).records] == [MODEL_ARTIFACT]
    linked = services.artifacts.list_for_version(version_id, query())
    assert [r.kind for r in linked.records] == [METRIC]
    with pytest.raises(InvalidArgument, match="invalid artifactType"):
        kinds_for("nope")
