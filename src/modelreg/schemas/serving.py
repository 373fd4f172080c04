"""Serving environments, inference services and serve models on the wire."""

from __future__ import annotations

from pydantic import Field

from .base import (
    IdRef,
    ListEnvelope,
    RequiredId,
    RequiredName,
    ResponseModel,
    ShortText,
    Text,
)
from .common import EntityFields, EntityResponse
from .enums import ExecutionState, InferenceServiceState
from .registry import ModelVersion


class ServingEnvironmentCreate(EntityFields):
    name: RequiredName


class ServingEnvironmentUpdate(EntityFields):
    pass


class ServingEnvironment(EntityResponse):
    name: str


class _InferenceServiceFields(EntityFields):
    model_version_id: IdRef | None = None
    runtime: Text | None = None
    desired_state: InferenceServiceState | None = None


class InferenceServiceCreate(_InferenceServiceFields):
    name: ShortText | None = None
    registered_model_id: RequiredId
    serving_environment_id: RequiredId


class InferenceServiceBody(_InferenceServiceFields):
    """`POST /serving_environments/{id}/inference_services`: the path names the environment."""

    name: ShortText | None = None
    registered_model_id: RequiredId
    serving_environment_id: IdRef | None = None


class InferenceServiceUpdate(_InferenceServiceFields):
    pass


class InferenceService(EntityResponse):
    name: str | None = None
    registered_model_id: str
    serving_environment_id: str
    model_version_id: str | None = None
    runtime: str | None = None
    desired_state: InferenceServiceState | None = None


class ServeModelCreate(EntityFields):
    name: ShortText | None = None
    model_version_id: RequiredId
    last_known_state: ExecutionState | None = None


class ServeModelUpdate(EntityFields):
    last_known_state: ExecutionState | None = None


class ServeModel(EntityResponse):
    name: str | None = None
    model_version_id: str
    last_known_state: ExecutionState | None = None


class Deployment(ResponseModel):
    """One inference service of a model: where it runs, which version, in what state."""

    inference_service: InferenceService
    serving_environment: ServingEnvironment | None = None
    model_version: ModelVersion | None = None
    version_pinned: bool = False
    desired_state: InferenceServiceState | None = None
    last_known_state: ExecutionState | None = None
    serve_models: list[ServeModel] = Field(default_factory=list)


class DeploymentList(ResponseModel):
    items: list[Deployment] = Field(default_factory=list)
    size: int = 0


ServingEnvironmentList = ListEnvelope[ServingEnvironment]
InferenceServiceList = ListEnvelope[InferenceService]
ServeModelList = ListEnvelope[ServeModel]
