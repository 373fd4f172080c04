"""The SDK against a registry: in-process app, real server and embedded mode, every database."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from modelreg import (
    AlreadyExists,
    InvalidArgument,
    MissingField,
    ModelArtifact,
    NotFound,
    Registry,
    from_metadata,
)
from modelreg.client.embedded import Portal, PortalTransport
from modelreg.schemas.enums import ContextState
from modelreg.storage.store import Store

FRAUD = {
    "model_format_name": "onnx",
    "model_format_version": "1",
    "version": "1.0.0",
}


def register(registry: Registry, name: str = "fraud", uri: str = "s3://m/fraud/1", **extra):
    return registry.register(name, uri, **{**FRAUD, **extra})


# --- register_model ----------------------------------------------------------------------


def test_register_model_creates_the_model_its_version_and_artifact(registry: Registry) -> None:
    model = registry.register_model(
        "fraud",
        "s3://m/fraud/1",
        **FRAUD,
        storage_key="aws",
        version_description="first",
        metadata={"auc": 0.97, "epochs": 10, "tuned": True, "framework": "torch"},
    )
    assert model.name == "fraud"
    assert model.owner == "tester"
    version = registry.get_model_version("fraud", "1.0.0")
    assert version is not None
    assert version.registered_model_id == model.id
    assert version.author == "tester"
    assert version.description == "first"
    assert from_metadata(version.custom_properties) == {
        "auc": 0.97,
        "epochs": 10,
        "tuned": True,
        "framework": "torch",
    }
    artifact = registry.get_model_artifact("fraud", "1.0.0")
    assert isinstance(artifact, ModelArtifact)
    assert (artifact.name, artifact.uri, artifact.storage_key) == ("fraud", "s3://m/fraud/1", "aws")
    assert (artifact.model_format_name, artifact.model_format_version) == ("onnx", "1")


def test_registering_the_same_content_again_answers_the_stored_entities(
    registry: Registry,
) -> None:
    first = register(registry, metadata={"auc": 0.97}, author="ada")
    again = register(registry, metadata={"auc": 0.97}, author="ada")
    assert again == first
    assert [v.name for v in registry.get_model_versions("fraud")] == ["1.0.0"]
    assert len(registry.get_artifacts("fraud", "1.0.0").all()) == 1


def test_registering_other_content_names_every_differing_field(registry: Registry) -> None:
    register(registry, metadata={"auc": 0.97}, author="ada")
    with pytest.raises(AlreadyExists) as raised:
        register(
            registry,
            uri="s3://m/fraud/2",
            model_format_version="2",
            metadata={"auc": 0.98},
            author="bob",
        )
    message = raised.value.message
    assert "'fraud' version '1.0.0' is already registered" in message
    for part in (
        "uri: registered 's3://m/fraud/1', given 's3://m/fraud/2'",
        "model_format_version",
        "metadata['auc']",
        "author",
    ):
        assert part in message
    assert registry.get_model_artifact("fraud", "1.0.0").uri == "s3://m/fraud/1"


def test_fields_left_out_are_not_compared(registry: Registry) -> None:
    first = register(registry, storage_path="a/b", metadata={"auc": 0.97})
    assert register(registry) == first


def test_registration_interrupted_before_the_artifact_is_completed(registry: Registry) -> None:
    model = registry.create_registered_model("fraud", owner="ada")
    registry.create_model_version(model.id, "1.0.0", author="tester")
    result = register(registry)
    assert result.model == model
    assert result.artifact.uri == "s3://m/fraud/1"


def test_a_new_registration_is_one_request_and_a_repeat_is_compared(
    session_portal: Portal, store: Store
) -> None:
    sent: list[tuple[str, str]] = []

    class Counting(httpx.BaseTransport):
        def __init__(self, inner: httpx.BaseTransport) -> None:
            self.inner = inner

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append((request.method, request.url.path.rsplit("/", 1)[-1]))
            return self.inner.handle_request(request)

    registry = Registry(
        session_portal.base_url, transport=Counting(PortalTransport(session_portal)), retries=0
    )
    first = register(registry, metadata={"auc": 0.97})
    assert sent == [("POST", "registrations")]
    sent.clear()
    assert register(registry, metadata={"auc": 0.97}) == first  # 409, then compared
    assert sent[0] == ("POST", "registrations") and len(sent) > 1
    with pytest.raises(AlreadyExists, match="auc"):
        register(registry, metadata={"auc": 0.5})


def test_a_new_version_of_an_existing_model(registry: Registry) -> None:
    register(registry)
    register(registry, uri="s3://m/fraud/2", version="2.0.0")
    assert [v.name for v in registry.get_model_versions("fraud")] == ["1.0.0", "2.0.0"]
    assert registry.get_model_artifact("fraud", "2.0.0").uri == "s3://m/fraud/2"


def test_description_is_upstreams_deprecated_name_of_version_description(
    registry: Registry,
) -> None:
    with pytest.deprecated_call():
        registry.register_model("fraud", "s3://m", **FRAUD, description="old name")
    assert registry.get_model_version("fraud", "1.0.0").description == "old name"


# --- reads -------------------------------------------------------------------------------


def test_missing_entities_follow_upstreams_answers(registry: Registry) -> None:
    assert registry.get_registered_model("nope") is None
    with pytest.raises(NotFound, match="nope"):
        registry.get_model_version("nope", "1")
    register(registry)
    assert registry.get_model_version("fraud", "9") is None
    with pytest.raises(NotFound, match="no version '9'"):
        registry.get_model_artifact("fraud", "9")
    with pytest.raises(NotFound):
        registry.get_registered_model_by_id("999999")
    with pytest.raises(NotFound):
        registry.find_registered_model("nope")


def test_find_by_name_and_external_id(registry: Registry) -> None:
    model = registry.create_registered_model("m", external_id="ext-m")
    version = registry.create_model_version(model.id, "v1", external_id="ext-v")
    artifact = registry.upsert_artifact(version.id, "doc-artifact", name="card", external_id="x")
    assert registry.find_registered_model(external_id="ext-m") == model
    assert registry.find_model_version("v1", model.id) == version
    assert registry.find_model_version(external_id="ext-v") == version
    assert registry.find_artifact("card", version.id) == artifact
    assert registry.find_artifact(external_id="x") == artifact
    assert registry.get_model_version_by_id(version.id) == version
    assert registry.get_artifact_by_id(artifact.id) == artifact


# --- pagers ------------------------------------------------------------------------------


def _models(registry: Registry, count: int) -> None:
    for i in range(count):
        registry.create_registered_model(
            f"model-{i}", owner="ada" if i % 2 else "bob", custom_properties={"rank": float(i)}
        )


def test_pagers_follow_pages_lazily_with_filter_order_and_limit(registry: Registry) -> None:
    _models(registry, 7)
    names = [m.name for m in registry.get_registered_models(page_size=2)]
    assert names == [f"model-{i}" for i in range(7)]
    ada = registry.get_registered_models(filter_query="owner = 'ada'", page_size=2)
    assert [m.name for m in ada] == ["model-1", "model-3", "model-5"]
    desc = registry.get_registered_models(order_by="NAME", sort_order="DESC", limit=3)
    assert [m.name for m in desc] == ["model-6", "model-5", "model-4"]
    by_rank = registry.get_registered_models(order_by="rank.double_value").descending()
    assert [m.name for m in by_rank.limit(2)] == ["model-6", "model-5"]
    pages = list(registry.get_registered_models().page_size(3).pages())
    assert [len(page) for page in pages] == [3, 3, 1]


def test_upstreams_pager_methods(registry: Registry) -> None:
    _models(registry, 3)
    pager = registry.get_registered_models()
    assert next(pager).name == "model-0"
    assert next(pager.descending().order_by_creation_time()).name == "model-2"
    assert [m.name for m in pager.restart().ascending().order_by_id().page_size(1)] == [
        "model-0",
        "model-1",
        "model-2",
    ]


def test_versions_of_one_model_or_all(registry: Registry) -> None:
    register(registry, name="a")
    register(registry, name="a", version="2", uri="s3://a/2")
    register(registry, name="b")
    assert [v.name for v in registry.get_model_versions("a")] == ["1.0.0", "2"]
    assert len(registry.get_model_versions().all()) == 3
    assert [v.name for v in registry.get_model_versions("a", filter_query="name = '2'")] == ["2"]
    with pytest.raises(NotFound):
        registry.get_model_versions("nope").all()


# --- updates and state -------------------------------------------------------------------


def test_update_saves_an_edited_entity_with_plain_custom_properties(registry: Registry) -> None:
    register(registry)
    model = registry.get_registered_model("fraud")
    model.description = "detects fraud"
    model.custom_properties = {"team": "risk", "tier": 1}
    saved = registry.update(model)
    assert saved.description == "detects fraud"
    assert from_metadata(saved.custom_properties) == {"team": "risk", "tier": 1}
    version = registry.get_model_version("fraud", "1.0.0")
    version.author = "ada"
    assert registry.update(version).author == "ada"
    artifact = registry.get_model_artifact("fraud", "1.0.0")
    artifact.uri = "s3://m/fraud/moved"
    assert registry.update(artifact).uri == "s3://m/fraud/moved"
    assert registry.get_model_artifact("fraud", "1.0.0").uri == "s3://m/fraud/moved"


def test_update_by_id_changes_only_the_given_fields(registry: Registry) -> None:
    model = registry.create_registered_model("m", owner="ada", description="d")
    updated = registry.update_registered_model(model.id, description="new")
    assert (updated.owner, updated.description) == ("ada", "new")
    version = registry.create_model_version(model.id, "v", author="ada")
    assert registry.update_model_version(version.id, description="x").author == "ada"


def test_archive_and_restore(registry: Registry) -> None:
    register(registry)
    assert registry.archive_registered_model("fraud").state == ContextState.ARCHIVED
    assert registry.restore_registered_model("fraud").state == ContextState.LIVE
    version = registry.archive_model_version("fraud", "1.0.0")
    assert version.state == ContextState.ARCHIVED
    assert registry.restore(version).state == ContextState.LIVE
    assert registry.archive(registry.get_registered_model("fraud")).state == "ARCHIVED"
    archived = registry.get_registered_models(filter_query="state = 'ARCHIVED'").all()
    assert [m.name for m in archived] == ["fraud"]


# --- artifacts ---------------------------------------------------------------------------


def test_every_artifact_type(registry: Registry) -> None:
    model = registry.create_registered_model("m")
    version = registry.create_model_version(model.id, "v")
    doc = registry.upsert_artifact(version.id, "doc-artifact", name="card", uri="s3://card.md")
    data = registry.upsert_artifact(
        version.id, "dataset-artifact", name="train", uri="s3://d", digest="abc", data_schema="{}"
    )
    metric = registry.upsert_artifact(version.id, "metric", name="auc", value=0.9, step=3)
    param = registry.upsert_artifact(
        version.id, "parameter", name="lr", value="0.01", parameter_type="number"
    )
    again = registry.upsert_artifact(version.id, "metric", name="auc", value=0.95)
    assert again.id == metric.id and again.value == 0.95
    listed = registry.get_artifacts(model_version_id=version.id).all()
    assert [a.artifact_type for a in listed] == [
        "doc-artifact",
        "dataset-artifact",
        "metric",
        "parameter",
    ]
    metrics = registry.get_artifacts("m", "v", artifact_type="metric").all()
    assert [a.name for a in metrics] == ["auc"]
    assert registry.update_artifact(doc.id, description="the card").description == "the card"
    assert (
        registry.update_artifact(data.id, artifact_type="dataset-artifact", digest="d2").digest
        == "d2"
    )
    assert registry.get_artifact_by_id(param.id).parameter_type == "number"
    standalone = registry.create_artifact("model-artifact", name="loose", uri="s3://loose")
    assert [a.id for a in registry.get_model_artifacts()] == [standalone.id]
    assert registry.get_artifacts(filter_query="name = 'loose'").all() == [standalone]


# --- errors ------------------------------------------------------------------------------


def test_errors_are_typed_and_carry_the_servers_message(registry: Registry) -> None:
    registry.create_registered_model("m")
    with pytest.raises(AlreadyExists, match="already exists"):
        registry.create_registered_model("m")
    with pytest.raises(InvalidArgument, match="filterQuery"):
        registry.get_registered_models(filter_query="name = ").all()
    with pytest.raises(InvalidArgument, match="sortOrder"):
        registry.get_registered_models(sort_order="SIDEWAYS").all()
    with pytest.raises(MissingField):
        registry.create_registered_model("")
    with pytest.raises(InvalidArgument):
        registry.get_model_version_by_id("abc")
    with pytest.raises(TypeError, match="colour"):
        registry.create_registered_model("n", colour="red")


def test_the_sync_client_works_inside_a_running_event_loop(registry: Registry) -> None:
    async def notebook_cell() -> str:
        model = registry.register_model("fraud", "s3://m", **FRAUD)
        return registry.get_registered_model(model.name).name

    assert asyncio.run(notebook_cell()) == "fraud"
