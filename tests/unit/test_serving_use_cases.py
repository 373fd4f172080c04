"""Use cases of serving environments, inference services, serve models and deployments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from modelreg.domain.ports import StorePort
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound
from modelreg.schemas import registry as reg
from modelreg.schemas import serving as wire

from .support import Services, custom, names, query


@pytest.fixture
def services(port: StorePort) -> Services:
    return Services.over(port)


@dataclass
class World:
    env: int
    model: int
    other_model: int
    versions: list[int]


@pytest.fixture
def world(services: Services) -> World:
    env = services.serving.create_environment(wire.ServingEnvironmentCreate(name="prod")).id
    model, other = (
        services.models.create_model(reg.RegisteredModelCreate(name=n)).id for n in ("m", "o")
    )
    versions = [
        services.models.create_version(
            model,
            reg.ModelVersionCreate.model_validate(
                {"name": name, "registeredModelId": str(model), **fields}
            ),
        ).id
        for name, fields in (
            ("v1", {}),
            ("v2", {}),
            ("v3", {"state": "ARCHIVED"}),
            ("gated", {"customProperties": custom(hf_gated="auto")}),
        )
    ]
    return World(env, model, other, versions)


def service(services: Services, world: World, name: str = "s", **fields: object) -> int:
    body = wire.InferenceServiceCreate.model_validate(
        {
            "name": name,
            "registeredModelId": str(world.model),
            "servingEnvironmentId": str(world.env),
            **fields,
        }
    )
    return services.serving.create_service(world.env, body).id


def test_environments(services: Services) -> None:
    env = services.serving.create_environment(
        wire.ServingEnvironmentCreate(name="prod", external_id="px")
    )
    with pytest.raises(AlreadyExists, match="serving environment with name 'prod'"):
        services.serving.create_environment(wire.ServingEnvironmentCreate(name="prod"))
    services.serving.update_environment(env.id, wire.ServingEnvironmentUpdate(description="d"))
    assert services.serving.get_environment(env.id).prop("description") == "d"
    assert services.serving.find_environment("prod", None).id == env.id
    assert services.serving.find_environment(None, "px").id == env.id
    assert names(services.serving.list_environments(query())) == ["prod"]
    with pytest.raises(InvalidArgument):
        services.serving.find_environment(None, None)
    with pytest.raises(NotFound, match="no serving environment with id 9"):
        services.serving.get_environment(9)


def test_create_service_checks_its_references(services: Services, world: World) -> None:
    created = services.serving.get_service(service(services, world))
    assert created.name == f"{world.env}:s"
    assert created.prop("desired_state") == "DEPLOYED"
    assert created.prop("serving_environment_id") == world.env
    body = {"registeredModelId": str(world.model), "servingEnvironmentId": "99"}
    with pytest.raises(NotFound, match="no serving environment with id 99"):
        services.serving.create_service(99, wire.InferenceServiceCreate.model_validate(body))
    with pytest.raises(NotFound, match="no registered model with id 99"):
        service(services, world, "x", registeredModelId="99")
    with pytest.raises(InvalidArgument, match="is not a version of registered model"):
        service(services, world, "x", registeredModelId=str(world.other_model),
                modelVersionId=str(world.versions[0]))  # fmt: skip
    with pytest.raises(AlreadyExists, match="inference service with name 's'"):
        service(services, world, "s")
    assert names(services.serving.list_services(query(), world.env)) == ["s"]


def test_update_service_checks_the_version(services: Services, world: World) -> None:
    service_id = service(services, world)
    pin = wire.InferenceServiceUpdate(model_version_id=str(world.versions[0]))
    updated = services.serving.update_service(service_id, pin)
    assert updated.prop("model_version_id") == world.versions[0]
    other_version = services.models.create_version(
        world.other_model,
        reg.ModelVersionCreate(name="w", registered_model_id=str(world.other_model)),
    ).id
    with pytest.raises(InvalidArgument, match="is not a version of registered model"):
        services.serving.update_service(
            service_id, wire.InferenceServiceUpdate(model_version_id=str(other_version))
        )
    assert services.serving.get_service(service_id).prop("model_version_id") == world.versions[0]


def test_service_model_and_version(services: Services, world: World) -> None:
    floating = service(services, world, "floating")
    pinned = service(services, world, "pinned", modelVersionId=str(world.versions[0]))
    assert services.serving.service_model(floating).id == world.model
    # the newest LIVE version: v3 is archived, so the gated one (created last)
    assert services.serving.service_version(floating).id == world.versions[3]
    assert services.serving.service_version(pinned).id == world.versions[0]
    bare = wire.InferenceServiceCreate.model_validate(
        {"registeredModelId": str(world.other_model), "servingEnvironmentId": str(world.env)}
    )
    without = services.serving.create_service(world.env, bare).id
    with pytest.raises(NotFound, match="has no live model version"):
        services.serving.service_version(without)


def test_find_and_list_services(services: Services, world: World) -> None:
    service_id = service(services, world, externalId="sx")
    assert services.serving.find_service("s", None, world.env).id == service_id
    assert services.serving.find_service(None, "sx", None).id == service_id
    with pytest.raises(InvalidArgument, match="parentResourceId"):
        services.serving.find_service("s", None, None)
    assert [r.id for r in services.serving.list_services(query()).records] == [service_id]
    with pytest.raises(NotFound):
        services.serving.list_services(query(), 99)


def test_serve_models(services: Services, world: World) -> None:
    service_id = service(services, world)
    body = wire.ServeModelCreate(name="run", model_version_id=str(world.versions[0]))
    serve = services.serving.create_serve(service_id, body)
    assert serve.state == 0  # UNKNOWN
    services.serving.update_serve(serve.id, wire.ServeModelUpdate(last_known_state="RUNNING"))
    assert services.serving.get_serve(serve.id).state == 2
    assert [r.id for r in services.serving.list_serves(service_id, query()).records] == [serve.id]
    gated = wire.ServeModelCreate(model_version_id=str(world.versions[3]))
    with pytest.raises(InvalidArgument, match="gated HuggingFace model"):
        services.serving.create_serve(service_id, gated)
    with pytest.raises(NotFound, match="no inference service with id 99"):
        services.serving.create_serve(99, body)
    with pytest.raises(NotFound, match="no model version with id 99"):
        services.serving.create_serve(service_id, wire.ServeModelCreate(model_version_id="99"))
    with pytest.raises(NotFound):
        services.serving.list_serves(99, query())
    assert len(services.serving.list_serves(service_id, query()).records) == 1


def test_deployments(services: Services, world: World) -> None:
    floating = service(services, world, "floating")
    pinned = service(services, world, "pinned", modelVersionId=str(world.versions[1]))
    body = wire.ServeModelCreate(model_version_id=str(world.versions[1]))
    serve = services.serving.create_serve(pinned, body).id
    found = services.serving.deployments(world.model)
    assert [d.service.id for d in found] == [floating, pinned]
    assert [d.environment.id if d.environment else None for d in found] == [world.env] * 2
    assert [d.version.id if d.version else None for d in found] == [
        world.versions[3],
        world.versions[1],
    ]
    assert [[s.id for s in d.serves] for d in found] == [[], [serve]]
    assert services.serving.deployments(world.other_model) == []
    with pytest.raises(NotFound):
        services.serving.deployments(99)
