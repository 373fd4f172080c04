"""Serving environments, inference services, serve models and deployments as flows.

Written once for both clients, like `operations.py`; `Registry` and `AsyncRegistry` drive
them. Request bodies are checked by the wire models before anything is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from modelreg.errors import NotFound
from modelreg.schemas import serving as srv
from modelreg.schemas.base import ListEnvelope

from . import endpoints as ep
from .bodies import body
from .call import Flow, or_none, single
from .deployments import Deployment
from .endpoints import ListOptions
from .paging import PageFlow


def create_serving_environment(
    name: str, fields: Mapping[str, Any]
) -> Flow[srv.ServingEnvironment]:
    data = body(
        srv.ServingEnvironmentCreate, {"name": name, **fields}, what="create_serving_environment"
    )
    return single(ep.create_serving_environment(data))


def update_serving_environment(
    env_id: str, fields: Mapping[str, Any]
) -> Flow[srv.ServingEnvironment]:
    data = body(srv.ServingEnvironmentUpdate, fields, what="update_serving_environment")
    return single(ep.update_serving_environment(env_id, data))


def serving_environments() -> PageFlow[srv.ServingEnvironment]:
    def fetch(
        options: ListOptions, token: str | None
    ) -> Flow[ListEnvelope[srv.ServingEnvironment]]:
        return single(ep.list_serving_environments(options, token))

    return fetch


def create_inference_service(
    serving_environment_id: str, registered_model_id: str, fields: Mapping[str, Any]
) -> Flow[srv.InferenceService]:
    given = {
        "serving_environment_id": serving_environment_id,
        "registered_model_id": registered_model_id,
        **fields,
    }
    data = body(srv.InferenceServiceCreate, given, what="create_inference_service")
    return single(ep.create_inference_service(data))


def update_inference_service(
    service_id: str, fields: Mapping[str, Any]
) -> Flow[srv.InferenceService]:
    data = body(srv.InferenceServiceUpdate, fields, what="update_inference_service")
    return single(ep.update_inference_service(service_id, data))


def inference_services(env_id: str | None = None) -> PageFlow[srv.InferenceService]:
    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[srv.InferenceService]]:
        return single(ep.list_inference_services(options, token, env_id))

    return fetch


def create_serve_model(
    service_id: str, model_version_id: str, fields: Mapping[str, Any]
) -> Flow[srv.ServeModel]:
    given = {"model_version_id": model_version_id, **fields}
    data = body(srv.ServeModelCreate, given, what="create_serve_model")
    return single(ep.create_serve_model(service_id, data))


def update_serve_model(serve_id: str, fields: Mapping[str, Any]) -> Flow[srv.ServeModel]:
    data = body(srv.ServeModelUpdate, fields, what="update_serve_model")
    return single(ep.update_serve_model(serve_id, data))


def serve_models(service_id: str) -> PageFlow[srv.ServeModel]:
    def fetch(options: ListOptions, token: str | None) -> Flow[ListEnvelope[srv.ServeModel]]:
        return single(ep.list_serve_models(options, token, service_id))

    return fetch


def model_id_of(name_or_id: str) -> Flow[str]:
    """The id of the model named `name_or_id`, or `name_or_id` itself when it is an id.

    A name wins: a model named "42" is found by name before id 42 is tried.
    """
    model = yield from or_none(ep.find_registered_model(name=name_or_id))
    if model is not None:
        return model.id
    if name_or_id.isdigit():
        by_id = yield from single(ep.get_registered_model(name_or_id))
        return by_id.id
    raise NotFound(f"no registered model named {name_or_id!r}")


def deployments(model_name_or_id: str) -> Flow[list[Deployment]]:
    model_id = yield from model_id_of(model_name_or_id)
    answer = yield from single(ep.get_deployments(model_id))
    return answer.items
