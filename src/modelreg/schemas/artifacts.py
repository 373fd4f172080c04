"""Artifacts on the wire: model and doc artifacts, datasets, metrics and parameters.

Each type has a field group; the request and response models are composed from it:
`<Type>Create` (no id), `<Type>Update` (no name), `<Type>Body` (the full schema that the
upsert endpoints take) and `<Type>` (the response). Polymorphic bodies are unions
discriminated by `artifactType`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictStr
from pydantic_core import PydanticCustomError

from .base import (
    EpochMillis,
    IdRef,
    ListEnvelope,
    Number,
    ResponseModel,
    ShortText,
    Text,
    WireModel,
)
from .enums import ArtifactState, ParameterType
from .metadata import INT64_MAX, INT64_MIN, CustomProperties


def _step(value: Any) -> int:
    # v1alpha3 sends the step as a JSON integer, v1 as a JSON string: accept both.
    if isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("step", "step must be an integer")
    if not INT64_MIN <= value <= INT64_MAX:
        raise PydanticCustomError("step", "step is out of the 64-bit range")
    return value


Step = Annotated[int, BeforeValidator(_step)]
ModelType = Literal["model-artifact"]
DocType = Literal["doc-artifact"]
DataSetType = Literal["dataset-artifact"]
MetricType = Literal["metric"]
ParameterTypeTag = Literal["parameter"]


class _Common(WireModel):
    description: Text | None = None
    external_id: ShortText | None = None
    custom_properties: CustomProperties | None = None
    state: ArtifactState | None = None


class _Located(_Common):
    uri: Text | None = None


class _Named(WireModel):
    name: ShortText | None = None


class _FullSchemaExtras(WireModel):
    """Read-only fields that a full-schema body may echo back; the server ignores them."""

    id: IdRef | None = None
    create_time_since_epoch: Text | None = None
    last_update_time_since_epoch: Text | None = None
    experiment_id: StrictStr | None = None
    experiment_run_id: StrictStr | None = None


class ModelArtifactFields(_Located):
    model_format_name: Text | None = None
    model_format_version: Text | None = None
    storage_key: Text | None = None
    storage_path: Text | None = None
    service_account_name: Text | None = None
    model_source_kind: Text | None = None
    model_source_class: Text | None = None
    model_source_group: Text | None = None
    model_source_id: Text | None = None
    model_source_name: Text | None = None


class DocArtifactFields(_Located):
    pass


class DataSetFields(_Located):
    digest: Text | None = None
    source_type: Text | None = None
    source: Text | None = None
    data_schema: Text | None = Field(default=None, alias="schema")
    profile: Text | None = None


class MetricFields(_Common):
    value: Number | None = None
    timestamp: EpochMillis | None = None
    step: Step | None = None


class ParameterFields(_Common):
    value: Text | None = None
    parameter_type: ParameterType | None = None


# --- /model_artifacts (typed endpoint; artifactType is optional there) ---------------------


class ModelArtifactCreate(ModelArtifactFields, _Named):
    artifact_type: ModelType | None = None


class ModelArtifactUpdate(ModelArtifactFields):
    artifact_type: ModelType | None = None


# --- polymorphic request bodies ----------------------------------------------------------


class ModelArtifactBody(ModelArtifactFields, _Named, _FullSchemaExtras):
    artifact_type: ModelType


class DocArtifactBody(DocArtifactFields, _Named, _FullSchemaExtras):
    artifact_type: DocType


class DataSetBody(DataSetFields, _Named, _FullSchemaExtras):
    artifact_type: DataSetType


class MetricBody(MetricFields, _Named, _FullSchemaExtras):
    artifact_type: MetricType


class ParameterBody(ParameterFields, _Named, _FullSchemaExtras):
    artifact_type: ParameterTypeTag


ArtifactBody = Annotated[
    ModelArtifactBody | DocArtifactBody | DataSetBody | MetricBody | ParameterBody,
    Field(discriminator="artifact_type"),
]


class ModelArtifactPatch(ModelArtifactFields):
    artifact_type: ModelType


class DocArtifactPatch(DocArtifactFields):
    artifact_type: DocType


class DataSetPatch(DataSetFields):
    artifact_type: DataSetType


class MetricPatch(MetricFields):
    artifact_type: MetricType


class ParameterPatch(ParameterFields):
    artifact_type: ParameterTypeTag


ArtifactPatch = Annotated[
    ModelArtifactPatch | DocArtifactPatch | DataSetPatch | MetricPatch | ParameterPatch,
    Field(discriminator="artifact_type"),
]

# --- responses ---------------------------------------------------------------------------


class _ArtifactOut(ResponseModel):
    id: str
    name: str | None = None
    description: str | None = None
    external_id: str | None = None
    state: ArtifactState | None = None
    create_time_since_epoch: str | None = None
    last_update_time_since_epoch: str | None = None
    custom_properties: CustomProperties = Field(default_factory=dict)
    experiment_id: str | None = None
    experiment_run_id: str | None = None


class ModelArtifact(_ArtifactOut):
    artifact_type: ModelType = "model-artifact"
    uri: str | None = None
    model_format_name: str | None = None
    model_format_version: str | None = None
    storage_key: str | None = None
    storage_path: str | None = None
    service_account_name: str | None = None
    model_source_kind: str | None = None
    model_source_class: str | None = None
    model_source_group: str | None = None
    model_source_id: str | None = None
    model_source_name: str | None = None


class DocArtifact(_ArtifactOut):
    artifact_type: DocType = "doc-artifact"
    uri: str | None = None


class DataSet(_ArtifactOut):
    artifact_type: DataSetType = "dataset-artifact"
    uri: str | None = None
    digest: str | None = None
    source_type: str | None = None
    source: str | None = None
    data_schema: str | None = Field(default=None, alias="schema")
    profile: str | None = None


class Metric(_ArtifactOut):
    artifact_type: MetricType = "metric"
    value: float | None = None
    timestamp: str | None = None
    step: int | str | None = Field(
        default=None, description="An integer under v1alpha3, a decimal string under v1"
    )


class Parameter(_ArtifactOut):
    artifact_type: ParameterTypeTag = "parameter"
    value: str | None = None
    parameter_type: ParameterType | None = None


Artifact = Annotated[
    ModelArtifact | DocArtifact | DataSet | Metric | Parameter,
    Field(discriminator="artifact_type"),
]
ArtifactList = ListEnvelope[Artifact]
ModelArtifactList = ListEnvelope[ModelArtifact]
