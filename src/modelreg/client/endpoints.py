"""Every endpoint of the registry API as a `Call` builder (paths are under the API prefix)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as reg

from .call import Call

M = TypeVar("M", bound=BaseModel)
_ARTIFACT = TypeAdapter[art.Artifact](art.Artifact)


@dataclass(frozen=True)
class ListOptions:
    """What a list asks for: filter, order, direction and page size (see docs/filtering.md)."""

    filter_query: str | None = None
    order_by: str | None = None
    sort_order: str | None = None
    page_size: int | None = None

    def params(self, token: str | None, **extra: str | None) -> dict[str, str]:
        values = {
            "filterQuery": self.filter_query,
            "orderBy": self.order_by,
            "sortOrder": self.sort_order,
            "pageSize": None if self.page_size is None else str(self.page_size),
            "nextPageToken": token or None,
            **extra,
        }
        return {name: value for name, value in values.items() if value is not None}


def _parser(model: type[M]) -> Callable[[Any], M]:
    return model.model_validate


def parse_artifact(data: Any) -> art.Artifact:
    return _ARTIFACT.validate_python(data)


def _seg(value: str | int) -> str:
    return quote(str(value), safe="")


def _params(**values: str | None) -> dict[str, str]:
    return {name: value for name, value in values.items() if value is not None}


# --- registered models -------------------------------------------------------------------


def list_registered_models(
    options: ListOptions, token: str | None
) -> Call[reg.RegisteredModelList]:
    return Call(
        "GET", "/registered_models", _parser(reg.RegisteredModelList), options.params(token)
    )


def create_registered_model(body: Mapping[str, Any]) -> Call[reg.RegisteredModel]:
    return Call("POST", "/registered_models", _parser(reg.RegisteredModel), body=body)


def get_registered_model(model_id: str) -> Call[reg.RegisteredModel]:
    return Call("GET", f"/registered_models/{_seg(model_id)}", _parser(reg.RegisteredModel))


def update_registered_model(model_id: str, body: Mapping[str, Any]) -> Call[reg.RegisteredModel]:
    path = f"/registered_models/{_seg(model_id)}"
    return Call("PATCH", path, _parser(reg.RegisteredModel), body=body)


def find_registered_model(
    name: str | None = None, external_id: str | None = None
) -> Call[reg.RegisteredModel]:
    params = _params(name=name, externalId=external_id)
    return Call("GET", "/registered_model", _parser(reg.RegisteredModel), params)


# --- model versions ----------------------------------------------------------------------


def list_model_versions(
    options: ListOptions, token: str | None, model_id: str | None = None
) -> Call[reg.ModelVersionList]:
    path = (
        "/model_versions" if model_id is None else f"/registered_models/{_seg(model_id)}/versions"
    )
    return Call("GET", path, _parser(reg.ModelVersionList), options.params(token))


def create_model_version(body: Mapping[str, Any]) -> Call[reg.ModelVersion]:
    return Call("POST", "/model_versions", _parser(reg.ModelVersion), body=body)


def get_model_version(version_id: str) -> Call[reg.ModelVersion]:
    return Call("GET", f"/model_versions/{_seg(version_id)}", _parser(reg.ModelVersion))


def update_model_version(version_id: str, body: Mapping[str, Any]) -> Call[reg.ModelVersion]:
    path = f"/model_versions/{_seg(version_id)}"
    return Call("PATCH", path, _parser(reg.ModelVersion), body=body)


def find_model_version(
    name: str | None = None, model_id: str | None = None, external_id: str | None = None
) -> Call[reg.ModelVersion]:
    params = _params(name=name, parentResourceId=model_id, externalId=external_id)
    return Call("GET", "/model_version", _parser(reg.ModelVersion), params)


# --- artifacts ---------------------------------------------------------------------------


def list_artifacts(
    options: ListOptions,
    token: str | None,
    artifact_type: str | None = None,
    version_id: str | None = None,
) -> Call[art.ArtifactList]:
    path = "/artifacts" if version_id is None else f"/model_versions/{_seg(version_id)}/artifacts"
    params = options.params(token, artifactType=artifact_type)
    return Call("GET", path, _parser(art.ArtifactList), params)


def list_model_artifacts(options: ListOptions, token: str | None) -> Call[art.ModelArtifactList]:
    return Call("GET", "/model_artifacts", _parser(art.ModelArtifactList), options.params(token))


def create_artifact(body: Mapping[str, Any]) -> Call[art.Artifact]:
    return Call("POST", "/artifacts", parse_artifact, body=body)


def get_artifact(artifact_id: str) -> Call[art.Artifact]:
    return Call("GET", f"/artifacts/{_seg(artifact_id)}", parse_artifact)


def update_artifact(artifact_id: str, body: Mapping[str, Any]) -> Call[art.Artifact]:
    return Call("PATCH", f"/artifacts/{_seg(artifact_id)}", parse_artifact, body=body)


def find_artifact(
    name: str | None = None,
    version_id: str | None = None,
    external_id: str | None = None,
) -> Call[art.Artifact]:
    params = _params(name=name, parentResourceId=version_id, externalId=external_id)
    return Call("GET", "/artifact", parse_artifact, params)


def find_model_artifact(
    name: str | None = None,
    version_id: str | None = None,
    external_id: str | None = None,
) -> Call[art.ModelArtifact]:
    params = _params(name=name, parentResourceId=version_id, externalId=external_id)
    return Call("GET", "/model_artifact", _parser(art.ModelArtifact), params)


def upsert_version_artifact(version_id: str, body: Mapping[str, Any]) -> Call[art.Artifact]:
    path = f"/model_versions/{_seg(version_id)}/artifacts"
    return Call("POST", path, parse_artifact, body=body)
