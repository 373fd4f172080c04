"""/model_versions, /model_version and the artifacts of a version."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from modelreg.domain.artifacts import kinds_for
from modelreg.domain.codec import ApiVersion
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as wire

from .. import responses as out
from ..deps import ServicesDep
from ..params import (
    ArtifactTypeParam,
    ExternalIdParam,
    Listing,
    NameParam,
    ParentParam,
    optional_id,
    parse_id,
)


def router(api: ApiVersion) -> APIRouter:
    r = APIRouter(tags=["Model versions"])

    @r.get("/model_versions", response_model=wire.ModelVersionList)
    def get_model_versions(
        services: ServicesDep,
        listing: Listing,
    ) -> out.JsonResponse:
        query = listing.query("mv")
        return out.page(services.models.list_versions(query), api)

    @r.post("/model_versions", response_model=wire.ModelVersion, status_code=201)
    def create_model_version(
        body: wire.ModelVersionCreate, services: ServicesDep
    ) -> out.JsonResponse:
        model_id = parse_id(body.registered_model_id, "registeredModelId")
        return out.one(services.models.create_version(model_id, body), api, 201)

    @r.get("/model_version", response_model=wire.ModelVersion)
    def find_model_version(
        services: ServicesDep,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        parent_resource_id: ParentParam = None,
    ) -> out.JsonResponse:
        parent = optional_id(parent_resource_id, "parentResourceId")
        return out.one(services.models.find_version(name, external_id, parent), api)

    @r.get("/model_versions/{modelversionId}", response_model=wire.ModelVersion)
    def get_model_version(modelversionId: str, services: ServicesDep) -> out.JsonResponse:
        version_id = parse_id(modelversionId, "model version id")
        return out.one(services.models.get_version(version_id), api)

    @r.patch("/model_versions/{modelversionId}", response_model=wire.ModelVersion)
    def update_model_version(
        modelversionId: str,
        body: wire.ModelVersionUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        version_id = parse_id(modelversionId, "model version id")
        return out.one(services.models.update_version(version_id, body), api)

    @r.get("/model_versions/{modelversionId}/artifacts", response_model=art.ArtifactList)
    def get_model_version_artifacts(
        modelversionId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        artifact_type: ArtifactTypeParam = None,
    ) -> out.JsonResponse:
        version_id = parse_id(modelversionId, "model version id")
        kinds = kinds_for(artifact_type)
        query = listing.query(f"mv/{version_id}/a/{artifact_type or ''}", name, external_id)
        return out.page(services.artifacts.list_for_version(version_id, query, kinds), api)

    @r.post("/model_versions/{modelversionId}/artifacts", response_model=art.Artifact)
    def upsert_model_version_artifact(
        modelversionId: str,
        body: Annotated[art.ArtifactBody, Body()],
        services: ServicesDep,
    ) -> out.JsonResponse:
        version_id = parse_id(modelversionId, "model version id")
        record, created = services.artifacts.upsert_into_version(version_id, body)
        return out.one(record, api, 201 if created else 200)

    return r
