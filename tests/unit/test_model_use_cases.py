"""Use cases of registered models, model versions and registrations, on every store."""

from __future__ import annotations

import pytest

from modelreg.domain.kinds import MODEL_ARTIFACT
from modelreg.domain.ports import StorePort
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound
from modelreg.schemas import registry as wire

from .support import Services, artifact, custom, names, query


@pytest.fixture
def services(port: StorePort) -> Services:
    return Services.over(port)


def model(services: Services, name: str = "m", **fields: object) -> int:
    body = wire.RegisteredModelCreate.model_validate({"name": name, **fields})
    return services.models.create_model(body).id


def version(services: Services, model_id: int, name: str = "v1", **fields: object) -> int:
    body = {"name": name, "registeredModelId": str(model_id), **fields}
    created = services.models.create_version(model_id, wire.ModelVersionCreate.model_validate(body))
    return created.id


def test_create_get_update_model(services: Services) -> None:
    created = services.models.create_model(
        wire.RegisteredModelCreate.model_validate(
            {"name": "m", "owner": "me", "customProperties": custom(team="a", size=3)}
        )
    )
    got = services.models.get_model(created.id)
    assert (got.name, got.prop("owner"), got.prop("state")) == ("m", "me", "LIVE")
    assert got.custom["size"].value == 3
    update = wire.RegisteredModelUpdate.model_validate(
        {"description": "d", "customProperties": custom(team="b")}
    )
    updated = services.models.update_model(created.id, update)
    assert updated.update_time > created.update_time
    got = services.models.get_model(created.id)
    assert (got.prop("description"), got.prop("owner")) == ("d", "me")  # owner kept
    assert set(got.custom) == {"team"}  # customProperties replaced whole
    assert got.create_time == created.create_time


def test_missing_model(services: Services) -> None:
    with pytest.raises(NotFound, match="no registered model with id 7"):
        services.models.get_model(7)
    with pytest.raises(NotFound, match="no registered model with id 7"):
        services.models.update_model(7, wire.RegisteredModelUpdate(description="d"))


def test_duplicate_model_name_and_external_id(services: Services) -> None:
    model(services, "m", externalId="x")
    with pytest.raises(AlreadyExists, match="registered model with name 'm' already exists"):
        model(services, "m")
    with pytest.raises(AlreadyExists, match="registered model with externalId 'x' already exists"):
        model(services, "n", externalId="x")
    other = model(services, "n")
    with pytest.raises(AlreadyExists, match="externalId 'x'"):
        services.models.update_model(other, wire.RegisteredModelUpdate(external_id="x"))
    assert names(services.models.list_models(query())) == ["m", "n"]


def test_find_model(services: Services) -> None:
    model_id = model(services, "m", externalId="x")
    assert services.models.find_model("m", None).id == model_id
    assert services.models.find_model(None, "x").id == model_id
    assert services.models.find_model("m", "x").id == model_id
    with pytest.raises(NotFound):
        services.models.find_model("m", "y")
    with pytest.raises(InvalidArgument, match="by name or externalId"):
        services.models.find_model(None, None)


def test_versions_live_under_their_model(services: Services) -> None:
    first, second = model(services, "a"), model(services, "b")
    v1 = version(services, first, "v1", author="al")
    version(services, second, "v1")  # the same name under another model
    got = services.models.get_version(v1)
    assert (got.name, got.display_name) == (f"{first}:v1", "v1")
    assert (got.prop("registered_model_id"), got.prop("state"), got.prop("author")) == (
        first,
        "LIVE",
        "al",
    )
    with pytest.raises(AlreadyExists, match="model version with name 'v1' already exists"):
        version(services, first, "v1")
    assert [r.id for r in services.models.list_versions(query(), first).records] == [v1]
    assert len(services.models.list_versions(query()).records) == 2


def test_version_under_a_missing_model_writes_nothing(services: Services) -> None:
    with pytest.raises(NotFound, match="no registered model with id 9"):
        version(services, 9)
    model_id = model(services)
    assert services.models.list_versions(query()).records == []
    assert services.models.list_versions(query(), model_id).records == []
    with pytest.raises(NotFound, match="no registered model with id 9"):
        services.models.list_versions(query(), 9)


def test_update_and_upsert_version(services: Services) -> None:
    model_id, other = model(services, "a"), model(services, "b")
    version_id = version(services, model_id, "v1", description="old")
    services.models.update_version(version_id, wire.ModelVersionUpdate(state="ARCHIVED"))
    body = wire.ModelVersionBody.model_validate(
        {"id": str(version_id), "name": "ignored", "description": "new"}
    )
    upserted = services.models.upsert_version(model_id, version_id, body)
    assert upserted.id == version_id
    got = services.models.get_version(version_id)
    assert (got.display_name, got.prop("description"), got.prop("state")) == (
        "v1",
        "new",
        "ARCHIVED",
    )
    with pytest.raises(InvalidArgument, match="does not belong to registered model"):
        services.models.upsert_version(other, version_id, body)
    with pytest.raises(NotFound, match="no model version with id 99"):
        services.models.upsert_version(model_id, 99, body)


def test_find_version(services: Services) -> None:
    model_id = model(services)
    version_id = version(services, model_id, "v1", externalId="vx")
    assert services.models.find_version("v1", None, model_id).id == version_id
    assert services.models.find_version(None, "vx", None).id == version_id
    with pytest.raises(InvalidArgument, match="parentResourceId"):
        services.models.find_version("v1", None, None)
    with pytest.raises(NotFound):
        services.models.find_version("v1", None, model_id + 1)


def registration(**fields: object) -> wire.RegistrationCreate:
    body = {"modelVersion": {"name": "v1"}, "modelArtifact": {"uri": "s3://a"}, **fields}
    return wire.RegistrationCreate.model_validate(body)


def test_register_by_name_creates_then_reuses_the_model(services: Services) -> None:
    first = services.models.register(registration(registeredModel={"name": "m"}))
    assert (first.model.name, first.version.display_name) == ("m", "v1")
    assert first.artifact.kind is MODEL_ARTIFACT and first.artifact.uri == "s3://a"
    linked = services.artifacts.list_for_version(first.version.id, query())
    assert [r.id for r in linked.records] == [first.artifact.id]
    second = services.models.register(
        registration(registeredModel={"name": "m"}, modelVersion={"name": "v2"})
    )
    assert second.model.id == first.model.id
    assert names(services.models.list_models(query())) == ["m"]


def test_register_by_id(services: Services) -> None:
    model_id = model(services)
    done = services.models.register(
        registration(registeredModelId=str(model_id), modelArtifact={"name": "art"})
    )
    assert (done.model.id, done.model.name) == (model_id, "m")
    assert done.artifact.name == f"{done.version.id}:art"
    assert services.artifacts.find("art", None, done.version.id).id == done.artifact.id
    with pytest.raises(NotFound, match="no registered model with id 99"):
        services.models.register(registration(registeredModelId="99"))
    with pytest.raises(InvalidArgument, match="registeredModelId or by registeredModel"):
        services.models.register(registration())


@pytest.mark.parametrize("by", ["name", "id"])
def test_registration_is_all_or_nothing(services: Services, by: str) -> None:
    taken = services.artifacts.create(artifact(externalId="x")).id
    ref: dict[str, object] = {"registeredModel": {"name": "m"}}
    if by == "id":
        ref = {"registeredModelId": str(model(services, "m"))}
    with pytest.raises(AlreadyExists, match="model artifact with externalId 'x'"):
        services.models.register(registration(modelArtifact={"externalId": "x"}, **ref))
    assert services.models.list_versions(query()).records == []
    assert [r.id for r in services.artifacts.list(query()).records] == [taken]
    assert names(services.models.list_models(query())) == ([] if by == "name" else ["m"])
