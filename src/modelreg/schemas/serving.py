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
    WireModel,
)
from .enums import ExecutionState, InferenceServiceState
from .metadata import CustomProperties


class _Common(WireModel):
    description: Text | None = None
    external_id: ShortText | None = None
    custom_properties: CustomProperties | None = None


class _Stamps(ResponseModel):
    id: str
    create_time_since_epoch: str | None = None
    last_update_time_since_epoch: str | None = None
    description: str | None = None
    external_id: str | None = None
    custom_properties: CustomProperties = Field(default_factory=dict)


class ServingEnvironmentCreate(_Common):
    name: RequiredName


class ServingEnvironmentUpdate(_Common):
    pass


class ServingEnvironment(_Stamps):
    name: str


class _InferenceServiceFields(_Common):
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


class InferenceService(_Stamps):
    name: str | None = None
    registered_model_id: str
    serving_environment_id: str
    model_version_id: str | None = None
    runtime: str | None = None
    desired_state: InferenceServiceState | None = None


class ServeModelCreate(_Common):
    name: ShortText | None = None
    model_version_id: RequiredId
    last_known_state: ExecutionState | None = None


class ServeModelUpdate(_Common):
    last_known_state: ExecutionState | None = None


class ServeModel(_Stamps):
    name: str | None = None
    model_version_id: str
    last_known_state: ExecutionState | None = None


ServingEnvironmentList = ListEnvelope[ServingEnvironment]
InferenceServiceList = ListEnvelope[InferenceService]
ServeModelList = ListEnvelope[ServeModel]
