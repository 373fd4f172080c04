"""Serving environments, inference services, serve models and deployment status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from modelreg.domain.serving import Deployment
from modelreg.schemas import registry as registry_wire
from modelreg.schemas import serving as wire

from .. import responses as out
from ..deps import ServicesDep
from ..params import ExternalIdParam, Listing, NameParam, ParentParam, optional_id, parse_id
from ..rendering import ApiVersion, to_json
from ..routing import RouterOptions


def router(api: ApiVersion, options: RouterOptions) -> APIRouter:
    r = options.router("Serving")

    @r.get("/serving_environments", response_model=wire.ServingEnvironmentList)
    def get_serving_environments(services: ServicesDep, listing: Listing) -> out.JsonResponse:
        return out.page(services.serving.list_environments(listing.query("se")), api)

    @r.post("/serving_environments", response_model=wire.ServingEnvironment, status_code=201)
    def create_serving_environment(
        body: wire.ServingEnvironmentCreate, services: ServicesDep
    ) -> out.JsonResponse:
        return out.one(services.serving.create_environment(body), api, 201)

    @r.get("/serving_environment", response_model=wire.ServingEnvironment)
    def find_serving_environment(
        services: ServicesDep, name: NameParam = None, external_id: ExternalIdParam = None
    ) -> out.JsonResponse:
        return out.one(services.serving.find_environment(name, external_id), api)

    @r.get("/serving_environments/{servingenvironmentId}", response_model=wire.ServingEnvironment)
    def get_serving_environment(
        servingenvironmentId: str, services: ServicesDep
    ) -> out.JsonResponse:
        env_id = parse_id(servingenvironmentId, "serving environment id")
        return out.one(services.serving.get_environment(env_id), api)

    @r.patch("/serving_environments/{servingenvironmentId}", response_model=wire.ServingEnvironment)
    def update_serving_environment(
        servingenvironmentId: str,
        body: wire.ServingEnvironmentUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        env_id = parse_id(servingenvironmentId, "serving environment id")
        return out.one(services.serving.update_environment(env_id, body), api)

    @r.get(
        "/serving_environments/{servingenvironmentId}/inference_services",
        response_model=wire.InferenceServiceList,
    )
    def get_environment_inference_services(
        servingenvironmentId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
    ) -> out.JsonResponse:
        env_id = parse_id(servingenvironmentId, "serving environment id")
        query = listing.query(f"se/{env_id}/is", name, external_id)
        return out.page(services.serving.list_services(query, env_id), api)

    @r.post(
        "/serving_environments/{servingenvironmentId}/inference_services",
        response_model=wire.InferenceService,
        status_code=201,
    )
    def create_environment_inference_service(
        servingenvironmentId: str,
        body: wire.InferenceServiceBody,
        services: ServicesDep,
    ) -> out.JsonResponse:
        env_id = parse_id(servingenvironmentId, "serving environment id")
        return out.one(services.serving.create_service(env_id, body), api, 201)

    @r.get("/inference_services", response_model=wire.InferenceServiceList)
    def get_inference_services(services: ServicesDep, listing: Listing) -> out.JsonResponse:
        return out.page(services.serving.list_services(listing.query("is")), api)

    @r.post("/inference_services", response_model=wire.InferenceService, status_code=201)
    def create_inference_service(
        body: wire.InferenceServiceCreate, services: ServicesDep
    ) -> out.JsonResponse:
        env_id = parse_id(body.serving_environment_id, "servingEnvironmentId")
        return out.one(services.serving.create_service(env_id, body), api, 201)

    @r.get("/inference_service", response_model=wire.InferenceService)
    def find_inference_service(
        services: ServicesDep,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        parent_resource_id: ParentParam = None,
    ) -> out.JsonResponse:
        env_id = optional_id(parent_resource_id, "parentResourceId")
        return out.one(services.serving.find_service(name, external_id, env_id), api)

    @r.get("/inference_services/{inferenceserviceId}", response_model=wire.InferenceService)
    def get_inference_service(inferenceserviceId: str, services: ServicesDep) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        return out.one(services.serving.get_service(service_id), api)

    @r.patch("/inference_services/{inferenceserviceId}", response_model=wire.InferenceService)
    def update_inference_service(
        inferenceserviceId: str,
        body: wire.InferenceServiceUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        return out.one(services.serving.update_service(service_id, body), api)

    @r.get(
        "/inference_services/{inferenceserviceId}/model",
        response_model=registry_wire.RegisteredModel,
    )
    def get_inference_service_model(
        inferenceserviceId: str, services: ServicesDep
    ) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        return out.one(services.serving.service_model(service_id), api)

    @r.get(
        "/inference_services/{inferenceserviceId}/version",
        response_model=registry_wire.ModelVersion,
    )
    def get_inference_service_version(
        inferenceserviceId: str, services: ServicesDep
    ) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        return out.one(services.serving.service_version(service_id), api)

    @r.get("/inference_services/{inferenceserviceId}/serves", response_model=wire.ServeModelList)
    def get_inference_service_serves(
        inferenceserviceId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
    ) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        query = listing.query(f"is/{service_id}/sm", name, external_id)
        return out.page(services.serving.list_serves(service_id, query), api)

    @r.post(
        "/inference_services/{inferenceserviceId}/serves",
        response_model=wire.ServeModel,
        status_code=201,
    )
    def create_inference_service_serve(
        inferenceserviceId: str,
        body: wire.ServeModelCreate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        service_id = parse_id(inferenceserviceId, "inference service id")
        return out.one(services.serving.create_serve(service_id, body), api, 201)

    @r.get("/serve_models/{servemodelId}", response_model=wire.ServeModel)
    def get_serve_model(servemodelId: str, services: ServicesDep) -> out.JsonResponse:
        """Extension: upstream cannot read a serve model by id."""
        return out.one(services.serving.get_serve(parse_id(servemodelId, "serve model id")), api)

    @r.patch("/serve_models/{servemodelId}", response_model=wire.ServeModel)
    def update_serve_model(
        servemodelId: str,
        body: wire.ServeModelUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        """Extension: report a serve model's `lastKnownState` (upstream has no update)."""
        serve_id = parse_id(servemodelId, "serve model id")
        return out.one(services.serving.update_serve(serve_id, body), api)

    @r.get(
        "/registered_models/{registeredmodelId}/deployments",
        tags=["Deployments"],
        response_model=wire.DeploymentList,
    )
    def get_registered_model_deployments(
        registeredmodelId: str,
        services: ServicesDep,
    ) -> out.JsonResponse:
        """Extension: which versions of a model run where, with desired and last known state."""
        model_id = parse_id(registeredmodelId, "registered model id")
        items = [_deployment(d, api) for d in services.serving.deployments(model_id)]
        return out.JsonResponse({"items": items, "size": len(items)})

    return r


def _deployment(deployment: Deployment, api: ApiVersion) -> dict[str, Any]:
    service = to_json(deployment.service, api)
    latest = max(deployment.serves, key=lambda s: (s.update_time, s.id), default=None)
    latest_json = to_json(latest, api) if latest is not None else None
    return {
        "inferenceService": service,
        "servingEnvironment": (
            to_json(deployment.environment, api) if deployment.environment else None
        ),
        "modelVersion": to_json(deployment.version, api) if deployment.version else None,
        "versionPinned": "modelVersionId" in service,
        "desiredState": service.get("desiredState"),
        "lastKnownState": latest_json.get("lastKnownState") if latest_json else None,
        "serveModels": [to_json(s, api) for s in deployment.serves],
    }
