"""Registered models and model versions on the wire."""

from __future__ import annotations

from pydantic import Field

from .artifacts import ModelArtifact, ModelArtifactCreate
from .base import (
    IdRef,
    ListEnvelope,
    RequiredId,
    RequiredName,
    ResponseModel,
    Text,
    WireModel,
)
from .common import EntityFields, EntityResponse
from .enums import ContextState


class _ServerStamped(WireModel):
    """Fields a full-schema body may carry; the server owns them and ignores the values sent."""

    id: IdRef | None = None
    create_time_since_epoch: Text | None = None
    last_update_time_since_epoch: Text | None = None


class _RegisteredModelFields(EntityFields):
    owner: Text | None = None
    state: ContextState | None = None
    readme: Text | None = None
    maturity: Text | None = None
    language: list[Text] | None = None
    tasks: list[Text] | None = None
    provider: Text | None = None
    logo: Text | None = None
    license: Text | None = None
    license_link: Text | None = None
    library_name: Text | None = None


class RegisteredModelCreate(_RegisteredModelFields):
    name: RequiredName


class RegisteredModelUpdate(_RegisteredModelFields):
    pass


class _ModelVersionFields(EntityFields):
    state: ContextState | None = None
    author: Text | None = None


class ModelVersionCreate(_ModelVersionFields):
    name: RequiredName
    registered_model_id: RequiredId = Field(description="Id of the registered model")


class ModelVersionUpdate(_ModelVersionFields):
    pass


class ModelVersionBody(_ModelVersionFields, _ServerStamped):
    """The full ModelVersion accepted by `POST /registered_models/{id}/versions`.

    `registeredModelId` may be left out: the path names the parent.
    """

    name: RequiredName
    registered_model_id: IdRef | None = None


class RegisteredModel(EntityResponse):
    name: str
    owner: str | None = None
    state: ContextState | None = None
    readme: str | None = None
    maturity: str | None = None
    language: list[str] | None = None
    tasks: list[str] | None = None
    provider: str | None = None
    logo: str | None = None
    license: str | None = None
    license_link: str | None = None
    library_name: str | None = None


class ModelVersion(EntityResponse):
    name: str
    registered_model_id: str
    state: ContextState | None = None
    author: str | None = None


RegisteredModelList = ListEnvelope[RegisteredModel]
ModelVersionList = ListEnvelope[ModelVersion]


# --- /registrations (extension) --------------------------------------------------------


class RegistrationVersion(_ModelVersionFields):
    """The version of a registration: its model is named beside it, not inside."""

    name: RequiredName


class RegistrationCreate(WireModel):
    """A model version and its model artifact, created in one transaction (an extension).

    The model is either `registeredModelId`, or `registeredModel`: the model with that
    name, created from these fields when there is none (an existing one is not changed).
    """

    registered_model_id: IdRef | None = Field(None, description="Id of an existing model")
    registered_model: RegisteredModelCreate | None = Field(
        None, description="The model by name; created with these fields when missing"
    )
    model_version: RegistrationVersion
    model_artifact: ModelArtifactCreate


class Registration(ResponseModel):
    registered_model: RegisteredModel
    model_version: ModelVersion
    model_artifact: ModelArtifact
