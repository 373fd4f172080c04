"""The SDK's operations as flows, written once for both clients.

Each function returns a `Flow` (or a page-fetch builder for a pager); `Registry` and
`AsyncRegistry` only drive them. Names follow upstream's `ModelRegistry` where it has the
call, with its behaviour: `get_registered_model(name)` answers None when there is no such
model, `get_model_version(name, version)` raises `NotFound` when the model is missing and
answers None when only the version is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from modelreg.errors import InvalidArgument, NotFound
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as reg
from modelreg.schemas.base import ListEnvelope
from modelreg.schemas.enums import ArtifactType, ContextState

from . import endpoints as ep
from .bodies import body, entity_fields
from .call import Flow, or_none, single
from .endpoints import ListOptions
from .paging import PageFlow

E = TypeVar("E", bound=BaseModel)
STAMPS = ("create_time_since_epoch", "last_update_time_since_epoch")
SERVER_OWNED = (*STAMPS, "experiment_id", "experiment_run_id")
READ_ONLY = ("id", "name", *STAMPS)
ARTIFACT_READ_ONLY = ("id", "name", *SERVER_OWNED)
_PATCH: dict[str, type[BaseModel]] = {
    "model-artifact": art.ModelArtifactPatch,
    "doc-artifact": art.DocArtifactPatch,
    "dataset-artifact": art.DataSetPatch,
    "metric": art.MetricPatch,
    "parameter": art.ParameterPatch,
}
_BODY: dict[str, type[BaseModel]] = {
    "model-artifact": art.ModelArtifactBody,
    "doc-artifact": art.DocArtifactBody,
    "dataset-artifact": art.DataSetBody,
    "metric": art.MetricBody,
    "parameter": art.ParameterBody,
}
ARTIFACT_CLASSES = (art.ModelArtifact, art.DocArtifact, art.DataSet, art.Metric, art.Parameter)


def artifact_type_of(value: str | ArtifactType) -> str:
    text = str(value.value if isinstance(value, ArtifactType) else value)
    if text not in _BODY:
        raise InvalidArgument(f"invalid artifact type {text!r}: use one of {', '.join(_BODY)}")
    return text


# --- registered models -------------------------------------------------------------------


def get_registered_model(name: str) -> Flow[reg.RegisteredModel | None]:
    return or_none(ep.find_registered_model(name=name))


def require_registered_model(name: str) -> Flow[reg.RegisteredModel]:
    model = yield from get_registered_model(name)
    if model is None:
        raise NotFound(f"no registered model named {name!r}")
    return model


def create_registered_model(name: str, fields: Mapping[str, Any]) -> Flow[reg.RegisteredModel]:
    data = body(reg.RegisteredModelCreate, {"name": name, **fields}, what="create_registered_model")
    return single(ep.create_registered_model(data))


def update_registered_model(model_id: str, fields: Mapping[str, Any]) -> Flow[reg.RegisteredModel]:
    data = body(reg.RegisteredModelUpdate, fields, what="update_registered_model")
    return single(ep.update_registered_model(model_id, data))


def registered_models() -> PageFlow[reg.RegisteredModel]:
    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[reg.RegisteredModel]]:
        return single(ep.list_registered_models(options, token))

    return fetch


# --- model versions ----------------------------------------------------------------------


def get_model_version(name: str, version: str) -> Flow[reg.ModelVersion | None]:
    model = yield from require_registered_model(name)
    return (yield from or_none(ep.find_model_version(name=version, model_id=model.id)))


def require_model_version(name: str, version: str) -> Flow[reg.ModelVersion]:
    found = yield from get_model_version(name, version)
    if found is None:
        raise NotFound(f"registered model {name!r} has no version {version!r}")
    return found


def create_model_version(
    model_id: str, name: str, fields: Mapping[str, Any]
) -> Flow[reg.ModelVersion]:
    data = body(
        reg.ModelVersionCreate,
        {"name": name, "registered_model_id": model_id, **fields},
        what="create_model_version",
    )
    return single(ep.create_model_version(data))


def update_model_version(version_id: str, fields: Mapping[str, Any]) -> Flow[reg.ModelVersion]:
    data = body(reg.ModelVersionUpdate, fields, what="update_model_version")
    return single(ep.update_model_version(version_id, data))


def model_versions(
    name: str | None = None, model_id: str | None = None
) -> PageFlow[reg.ModelVersion]:
    """Versions of the model `name` (looked up on the first page), of `model_id`, or all."""
    resolved: list[str | None] = [model_id]

    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[reg.ModelVersion]]:
        if name is not None and resolved[0] is None:
            model = yield from require_registered_model(name)
            resolved[0] = model.id
        return (yield from single(ep.list_model_versions(options, token, resolved[0])))

    return fetch


# --- artifacts ---------------------------------------------------------------------------


def get_model_artifact(name: str, version: str) -> Flow[art.ModelArtifact | None]:
    """The model artifact of a version: the one named after the model, else the first."""
    found = yield from require_model_version(name, version)
    artifact = yield from or_none(ep.find_model_artifact(name=name, version_id=found.id))
    if artifact is not None:
        return artifact
    options = ListOptions(page_size=1)
    page = yield from single(ep.list_artifacts(options, None, "model-artifact", found.id))
    first = page.items[0] if page.items else None
    return first if isinstance(first, art.ModelArtifact) else None


def create_artifact(artifact_type: str, fields: Mapping[str, Any]) -> Flow[art.Artifact]:
    kind = artifact_type_of(artifact_type)
    allowed = set(_BODY[kind].model_fields) - {*SERVER_OWNED, "artifact_type", "id"}
    data = body(
        _BODY[kind], fields, what="create_artifact", allowed=allowed, fixed={"artifact_type": kind}
    )
    return single(ep.create_artifact(data))


def upsert_artifact(
    version_id: str, artifact_type: str, fields: Mapping[str, Any]
) -> Flow[art.Artifact]:
    kind = artifact_type_of(artifact_type)
    allowed = set(_BODY[kind].model_fields) - {*SERVER_OWNED, "artifact_type"}
    data = body(
        _BODY[kind], fields, what="upsert_artifact", allowed=allowed, fixed={"artifact_type": kind}
    )
    return single(ep.upsert_version_artifact(version_id, data))


def update_artifact(
    artifact_id: str, fields: Mapping[str, Any], artifact_type: str | None = None
) -> Flow[art.Artifact]:
    if artifact_type is None:
        current = yield from single(ep.get_artifact(artifact_id))
        artifact_type = current.artifact_type
    kind = artifact_type_of(artifact_type)
    allowed = set(_PATCH[kind].model_fields) - {"artifact_type"}
    data = body(
        _PATCH[kind], fields, what="update_artifact", allowed=allowed, fixed={"artifact_type": kind}
    )
    return (yield from single(ep.update_artifact(artifact_id, data)))


def artifacts(
    name: str | None = None,
    version: str | None = None,
    version_id: str | None = None,
    artifact_type: str | None = None,
) -> PageFlow[art.Artifact]:
    """Artifacts of a version (by model and version name, or id), or all artifacts."""
    if (name is None) != (version is None):
        raise ValueError("give both the model name and the version, or neither")
    kind = None if artifact_type is None else artifact_type_of(artifact_type)
    resolved: list[str | None] = [version_id]

    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[art.Artifact]]:
        if name is not None and version is not None and resolved[0] is None:
            found = yield from require_model_version(name, version)
            resolved[0] = found.id
        return (yield from single(ep.list_artifacts(options, token, kind, resolved[0])))

    return fetch


def model_artifacts() -> PageFlow[art.ModelArtifact]:
    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[art.ModelArtifact]]:
        return single(ep.list_model_artifacts(options, token))

    return fetch


# --- whole entities: update, archive, restore --------------------------------------------


def update(entity: E) -> Flow[E]:
    """Send every set field of a fetched (and edited) entity back; answers the stored one."""
    entity_id = str(getattr(entity, "id", None) or "")
    if not entity_id:
        raise InvalidArgument("the entity has no id: create it first")
    result: BaseModel
    if isinstance(entity, reg.RegisteredModel):
        fields = entity_fields(entity, READ_ONLY)
        result = yield from update_registered_model(entity_id, fields)
    elif isinstance(entity, reg.ModelVersion):
        fields = entity_fields(entity, (*READ_ONLY, "registered_model_id"))
        result = yield from update_model_version(entity_id, fields)
    elif isinstance(entity, ARTIFACT_CLASSES):
        kind = str(entity.artifact_type)
        fields = entity_fields(entity, (*ARTIFACT_READ_ONLY, "artifact_type"))
        result = yield from update_artifact(entity_id, fields, kind)
    else:
        raise TypeError(f"cannot update a {type(entity).__name__}")
    return result  # type: ignore[return-value]


def set_state(entity: E, state: ContextState) -> Flow[E]:
    """Archive or restore a registered model or a model version."""
    entity_id = str(getattr(entity, "id", ""))
    result: BaseModel
    if isinstance(entity, reg.RegisteredModel):
        result = yield from update_registered_model(entity_id, {"state": state})
    elif isinstance(entity, reg.ModelVersion):
        result = yield from update_model_version(entity_id, {"state": state})
    else:
        raise TypeError(
            f"only registered models and model versions have a state to set, "
            f"not {type(entity).__name__}"
        )
    return result  # type: ignore[return-value]


def set_model_state(name: str, state: ContextState) -> Flow[reg.RegisteredModel]:
    model = yield from require_registered_model(name)
    return (yield from set_state(model, state))


def set_version_state(name: str, version: str, state: ContextState) -> Flow[reg.ModelVersion]:
    found = yield from require_model_version(name, version)
    return (yield from set_state(found, state))
