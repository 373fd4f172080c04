"""/registered_models, /registered_model and the versions nested under a model."""

from __future__ import annotations

from fastapi import APIRouter

from modelreg.schemas import registry as wire

from .. import responses as out
from ..deps import ServicesDep
from ..params import (
    ExternalIdParam,
    Listing,
    NameParam,
    parse_id,
)
from ..rendering import ApiVersion
from ..routing import RouterOptions


def router(api: ApiVersion, options: RouterOptions) -> APIRouter:
    r = options.router("Registered models")

    @r.get("/registered_models", response_model=wire.RegisteredModelList)
    def get_registered_models(
        services: ServicesDep,
        listing: Listing,
    ) -> out.JsonResponse:
        query = listing.query("rm")
        return out.page(services.models.list_models(query), api)

    @r.post("/registered_models", response_model=wire.RegisteredModel, status_code=201)
    def create_registered_model(
        body: wire.RegisteredModelCreate, services: ServicesDep
    ) -> out.JsonResponse:
        return out.one(services.models.create_model(body), api, 201)

    @r.get("/registered_model", response_model=wire.RegisteredModel)
    def find_registered_model(
        services: ServicesDep, name: NameParam = None, external_id: ExternalIdParam = None
    ) -> out.JsonResponse:
        return out.one(services.models.find_model(name, external_id), api)

    @r.get("/registered_models/{registeredmodelId}", response_model=wire.RegisteredModel)
    def get_registered_model(registeredmodelId: str, services: ServicesDep) -> out.JsonResponse:
        model_id = parse_id(registeredmodelId, "registered model id")
        return out.one(services.models.get_model(model_id), api)

    @r.patch("/registered_models/{registeredmodelId}", response_model=wire.RegisteredModel)
    def update_registered_model(
        registeredmodelId: str,
        body: wire.RegisteredModelUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        model_id = parse_id(registeredmodelId, "registered model id")
        return out.one(services.models.update_model(model_id, body), api)

    @r.get("/registered_models/{registeredmodelId}/versions", response_model=wire.ModelVersionList)
    def get_registered_model_versions(
        registeredmodelId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
    ) -> out.JsonResponse:
        model_id = parse_id(registeredmodelId, "registered model id")
        query = listing.query(f"rm/{model_id}/mv", name, external_id)
        return out.page(services.models.list_versions(query, model_id), api)

    @r.post(
        "/registered_models/{registeredmodelId}/versions",
        response_model=wire.ModelVersion,
        status_code=201,
    )
    def create_registered_model_version(
        registeredmodelId: str,
        body: wire.ModelVersionBody,
        services: ServicesDep,
    ) -> out.JsonResponse:
        model_id = parse_id(registeredmodelId, "registered model id")
        if body.id is not None:
            record = services.models.upsert_version(model_id, parse_id(body.id), body)
        else:
            record = services.models.create_version(model_id, body)
        return out.one(record, api, 201)

    return r
