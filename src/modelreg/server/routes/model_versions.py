"""/model_versions, /model_version and the artifacts of a version."""

from __future__ import annotations

from fastapi import APIRouter

from modelreg.schemas import registry as wire

from .. import responses as out
from ..deps import ServicesDep
from ..params import (
    ExternalIdParam,
    Listing,
    NameParam,
    ParentParam,
    optional_id,
    parse_id,
)
from ..rendering import ApiVersion
from ..routing import RouterOptions
from .linked_artifacts import add_linked_artifact_routes


def router(api: ApiVersion, options: RouterOptions) -> APIRouter:
    r = options.router("Model versions")

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

    @r.post(
        "/registrations",
        response_model=wire.Registration,
        status_code=201,
        tags=["Registrations (extension)"],
        summary="Register a model version and its model artifact in one transaction",
    )
    def register(body: wire.RegistrationCreate, services: ServicesDep) -> out.JsonResponse:
        """All or nothing: the version and its artifact (and the model, when it is named
        and missing) are created together, or nothing is written."""
        created = services.models.register(body)
        records = {
            "registeredModel": created.model,
            "modelVersion": created.version,
            "modelArtifact": created.artifact,
        }
        return out.several(records, api, 201)

    add_linked_artifact_routes(
        r,
        api,
        collection="model_versions",
        param="modelversionId",
        label="model version",
        lister=lambda services, parent, query, kinds: services.artifacts.list_for_version(
            parent, query, kinds
        ),
        upserter=lambda services, parent, body: services.artifacts.upsert_into_version(
            parent, body
        ),
    )
    return r
