"""/artifacts (every artifact type) and /model_artifacts (model artifacts only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body

from modelreg.domain.artifacts import MA, kinds_for
from modelreg.schemas import artifacts as art

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
from ..rendering import ApiVersion
from ..routing import RouterOptions


def router(api: ApiVersion, options: RouterOptions) -> APIRouter:
    r = options.router("Artifacts")

    @r.get("/artifacts", response_model=art.ArtifactList)
    def get_artifacts(
        services: ServicesDep,
        listing: Listing,
        artifact_type: ArtifactTypeParam = None,
    ) -> out.JsonResponse:
        kinds = kinds_for(artifact_type)
        query = listing.query(f"a/{artifact_type or ''}")
        return out.page(services.artifacts.list(query, kinds), api)

    @r.post("/artifacts", response_model=art.Artifact, status_code=201)
    def create_artifact(
        body: Annotated[art.ArtifactBody, Body()], services: ServicesDep
    ) -> out.JsonResponse:
        return out.one(services.artifacts.create(body), api, 201)

    @r.get("/artifact", response_model=art.Artifact)
    def find_artifact(
        services: ServicesDep,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        parent_resource_id: ParentParam = None,
    ) -> out.JsonResponse:
        parent = optional_id(parent_resource_id, "parentResourceId")
        return out.one(services.artifacts.find(name, external_id, parent), api)

    @r.get("/artifacts/{id}", response_model=art.Artifact)
    def get_artifact(id: str, services: ServicesDep) -> out.JsonResponse:
        return out.one(services.artifacts.get(parse_id(id, "artifact id")), api)

    @r.patch("/artifacts/{id}", response_model=art.Artifact)
    def update_artifact(
        id: str,
        body: Annotated[art.ArtifactPatch, Body()],
        services: ServicesDep,
    ) -> out.JsonResponse:
        return out.one(services.artifacts.update(parse_id(id, "artifact id"), body), api)

    @r.get("/model_artifacts", response_model=art.ModelArtifactList)
    def get_model_artifacts(
        services: ServicesDep,
        listing: Listing,
    ) -> out.JsonResponse:
        query = listing.query("ma")
        return out.page(services.artifacts.list(query, MA), api)

    @r.post("/model_artifacts", response_model=art.ModelArtifact, status_code=201)
    def create_model_artifact(
        body: art.ModelArtifactCreate, services: ServicesDep
    ) -> out.JsonResponse:
        return out.one(services.artifacts.create(body), api, 201)

    @r.get("/model_artifact", response_model=art.ModelArtifact)
    def find_model_artifact(
        services: ServicesDep,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        parent_resource_id: ParentParam = None,
    ) -> out.JsonResponse:
        parent = optional_id(parent_resource_id, "parentResourceId")
        return out.one(services.artifacts.find(name, external_id, parent, MA), api)

    @r.get("/model_artifacts/{modelartifactId}", response_model=art.ModelArtifact)
    def get_model_artifact(modelartifactId: str, services: ServicesDep) -> out.JsonResponse:
        artifact_id = parse_id(modelartifactId, "model artifact id")
        return out.one(services.artifacts.get(artifact_id, MA), api)

    @r.patch("/model_artifacts/{modelartifactId}", response_model=art.ModelArtifact)
    def update_model_artifact(
        modelartifactId: str,
        body: art.ModelArtifactUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        artifact_id = parse_id(modelartifactId, "model artifact id")
        return out.one(services.artifacts.update(artifact_id, body, MA), api)

    return r
