"""Serving and deployment status through the SDK, in every mode (app, server, embedded)."""

from __future__ import annotations

import pytest

from modelreg import NotFound, Registry
from modelreg.schemas.enums import ExecutionState, InferenceServiceState

FRAUD = {"model_format_name": "onnx", "model_format_version": "1"}


def test_serving_calls_and_deployment_status(registry: Registry) -> None:
    v1 = registry.register("fraud", "s3://m/1", **FRAUD, version="v1").version
    model = registry.register("fraud", "s3://m/2", **FRAUD, version="v2").model
    prod = registry.create_serving_environment("prod", description="production")
    staging = registry.create_serving_environment("staging")
    assert registry.find_serving_environment("prod").id == prod.id
    assert registry.update_serving_environment(prod.id, external_id="p").description == "production"
    assert [e.name for e in registry.get_serving_environments(order_by="NAME")] == [
        "prod",
        "staging",
    ]
    pinned = registry.create_inference_service(
        prod.id, model.id, name="p", model_version_id=v1.id, runtime="kserve"
    )
    floating = registry.create_inference_service(staging.id, model.id, name="f")
    assert registry.find_inference_service("p", prod.id).id == pinned.id
    assert [s.id for s in registry.get_inference_services(staging.id)] == [floating.id]
    assert registry.get_inference_service_version(floating.id).name == "v2"
    assert registry.get_inference_service_model(pinned.id).id == model.id
    undeployed = registry.update_inference_service(floating.id, desired_state="UNDEPLOYED")
    assert undeployed.desired_state == InferenceServiceState.UNDEPLOYED
    serve = registry.create_serve_model(pinned.id, v1.id)
    assert serve.last_known_state == ExecutionState.UNKNOWN
    running = registry.update_serve_model(serve.id, last_known_state="RUNNING")
    assert registry.get_serve_model_by_id(serve.id).last_known_state == ExecutionState.RUNNING
    assert [s.id for s in registry.get_serve_models(pinned.id)] == [running.id]

    rows = {d.inference_service.name: d for d in registry.get_deployments("fraud")}
    assert set(rows) == {"p", "f"}
    assert rows["p"].serving_environment is not None
    assert rows["p"].serving_environment.name == "prod"
    assert rows["p"].version_pinned and rows["p"].model_version is not None
    assert rows["p"].model_version.name == "v1"
    assert rows["p"].last_known_state == ExecutionState.RUNNING
    assert [s.id for s in rows["p"].serve_models] == [serve.id]
    assert not rows["f"].version_pinned and rows["f"].model_version is not None
    assert rows["f"].model_version.name == "v2"
    assert rows["f"].desired_state == InferenceServiceState.UNDEPLOYED
    assert rows["f"].last_known_state is None
    assert len(registry.get_deployments(model.id)) == 2, "by id too"
    with pytest.raises(NotFound, match="nope"):
        registry.get_deployments("nope")
    with pytest.raises(NotFound):
        registry.get_deployments("9999")


def test_serving_bodies_are_checked_before_sending(registry: Registry) -> None:
    with pytest.raises(TypeError, match="colour"):
        registry.create_serving_environment("x", colour="red")
    with pytest.raises(NotFound):
        registry.get_serving_environment_by_id("9999")
