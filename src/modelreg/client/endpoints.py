"""Every endpoint of the registry API as a `Call` builder (paths are under the API prefix)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas import registry as reg
from modelreg.schemas import serving as srv

from . import deployments as dep
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


# --- serving environments, inference services, serve models ------------------------------


def list_serving_environments(
    options: ListOptions, token: str | None
) -> Call[srv.ServingEnvironmentList]:
    path = "/serving_environments"
    return Call("GET", path, _parser(srv.ServingEnvironmentList), options.params(token))


def create_serving_environment(body: Mapping[str, Any]) -> Call[srv.ServingEnvironment]:
    return Call("POST", "/serving_environments", _parser(srv.ServingEnvironment), body=body)


def get_serving_environment(env_id: str) -> Call[srv.ServingEnvironment]:
    path = f"/serving_environments/{_seg(env_id)}"
    return Call("GET", path, _parser(srv.ServingEnvironment))


def update_serving_environment(
    env_id: str, body: Mapping[str, Any]
) -> Call[srv.ServingEnvironment]:
    path = f"/serving_environments/{_seg(env_id)}"
    return Call("PATCH", path, _parser(srv.ServingEnvironment), body=body)


def find_serving_environment(
    name: str | None = None, external_id: str | None = None
) -> Call[srv.ServingEnvironment]:
    params = _params(name=name, externalId=external_id)
    return Call("GET", "/serving_environment", _parser(srv.ServingEnvironment), params)


def list_inference_services(
    options: ListOptions, token: str | None, env_id: str | None = None
) -> Call[srv.InferenceServiceList]:
    path = (
        "/inference_services"
        if env_id is None
        else f"/serving_environments/{_seg(env_id)}/inference_services"
    )
    return Call("GET", path, _parser(srv.InferenceServiceList), options.params(token))


def create_inference_service(body: Mapping[str, Any]) -> Call[srv.InferenceService]:
    return Call("POST", "/inference_services", _parser(srv.InferenceService), body=body)


def get_inference_service(service_id: str) -> Call[srv.InferenceService]:
    path = f"/inference_services/{_seg(service_id)}"
    return Call("GET", path, _parser(srv.InferenceService))


def update_inference_service(
    service_id: str, body: Mapping[str, Any]
) -> Call[srv.InferenceService]:
    path = f"/inference_services/{_seg(service_id)}"
    return Call("PATCH", path, _parser(srv.InferenceService), body=body)


def find_inference_service(
    name: str | None = None, env_id: str | None = None, external_id: str | None = None
) -> Call[srv.InferenceService]:
    params = _params(name=name, parentResourceId=env_id, externalId=external_id)
    return Call("GET", "/inference_service", _parser(srv.InferenceService), params)


def get_inference_service_model(service_id: str) -> Call[reg.RegisteredModel]:
    path = f"/inference_services/{_seg(service_id)}/model"
    return Call("GET", path, _parser(reg.RegisteredModel))


def get_inference_service_version(service_id: str) -> Call[reg.ModelVersion]:
    path = f"/inference_services/{_seg(service_id)}/version"
    return Call("GET", path, _parser(reg.ModelVersion))


def list_serve_models(
    options: ListOptions, token: str | None, service_id: str
) -> Call[srv.ServeModelList]:
    path = f"/inference_services/{_seg(service_id)}/serves"
    return Call("GET", path, _parser(srv.ServeModelList), options.params(token))


def create_serve_model(service_id: str, body: Mapping[str, Any]) -> Call[srv.ServeModel]:
    path = f"/inference_services/{_seg(service_id)}/serves"
    return Call("POST", path, _parser(srv.ServeModel), body=body)


def get_serve_model(serve_id: str) -> Call[srv.ServeModel]:
    return Call("GET", f"/serve_models/{_seg(serve_id)}", _parser(srv.ServeModel))


def update_serve_model(serve_id: str, body: Mapping[str, Any]) -> Call[srv.ServeModel]:
    path = f"/serve_models/{_seg(serve_id)}"
    return Call("PATCH", path, _parser(srv.ServeModel), body=body)


def get_deployments(model_id: str) -> Call[dep.DeploymentList]:
    path = f"/registered_models/{_seg(model_id)}/deployments"
    return Call("GET", path, _parser(dep.DeploymentList))


# --- experiments, runs, run artifacts, metric history ------------------------------------


def list_experiments(options: ListOptions, token: str | None) -> Call[exp.ExperimentList]:
    return Call("GET", "/experiments", _parser(exp.ExperimentList), options.params(token))


def create_experiment(body: Mapping[str, Any]) -> Call[exp.Experiment]:
    return Call("POST", "/experiments", _parser(exp.Experiment), body=body)


def get_experiment(experiment_id: str) -> Call[exp.Experiment]:
    return Call("GET", f"/experiments/{_seg(experiment_id)}", _parser(exp.Experiment))


def update_experiment(experiment_id: str, body: Mapping[str, Any]) -> Call[exp.Experiment]:
    path = f"/experiments/{_seg(experiment_id)}"
    return Call("PATCH", path, _parser(exp.Experiment), body=body)


def find_experiment(
    name: str | None = None, external_id: str | None = None
) -> Call[exp.Experiment]:
    params = _params(name=name, externalId=external_id)
    return Call("GET", "/experiment", _parser(exp.Experiment), params)


def list_experiment_runs(
    options: ListOptions, token: str | None, experiment_id: str | None = None
) -> Call[exp.ExperimentRunList]:
    path = (
        "/experiment_runs"
        if experiment_id is None
        else f"/experiments/{_seg(experiment_id)}/experiment_runs"
    )
    return Call("GET", path, _parser(exp.ExperimentRunList), options.params(token))


def create_experiment_run(body: Mapping[str, Any]) -> Call[exp.ExperimentRun]:
    return Call("POST", "/experiment_runs", _parser(exp.ExperimentRun), body=body)


def get_experiment_run(run_id: str) -> Call[exp.ExperimentRun]:
    return Call("GET", f"/experiment_runs/{_seg(run_id)}", _parser(exp.ExperimentRun))


def update_experiment_run(run_id: str, body: Mapping[str, Any]) -> Call[exp.ExperimentRun]:
    path = f"/experiment_runs/{_seg(run_id)}"
    return Call("PATCH", path, _parser(exp.ExperimentRun), body=body)


def find_experiment_run(
    name: str | None = None, experiment_id: str | None = None, external_id: str | None = None
) -> Call[exp.ExperimentRun]:
    params = _params(name=name, parentResourceId=experiment_id, externalId=external_id)
    return Call("GET", "/experiment_run", _parser(exp.ExperimentRun), params)


def list_run_artifacts(
    options: ListOptions, token: str | None, run_id: str, artifact_type: str | None = None
) -> Call[art.ArtifactList]:
    path = f"/experiment_runs/{_seg(run_id)}/artifacts"
    params = options.params(token, artifactType=artifact_type)
    return Call("GET", path, _parser(art.ArtifactList), params)


def upsert_run_artifact(run_id: str, body: Mapping[str, Any]) -> Call[art.Artifact]:
    path = f"/experiment_runs/{_seg(run_id)}/artifacts"
    return Call("POST", path, parse_artifact, body=body)


def list_metric_history(
    options: ListOptions,
    token: str | None,
    run_id: str | None = None,
    name: str | None = None,
    steps: str | None = None,
) -> Call[art.ArtifactList]:
    path = (
        "/experiment_runs/metric_history"
        if run_id is None
        else f"/experiment_runs/{_seg(run_id)}/metric_history"
    )
    params = options.params(token, name=name, stepIds=steps)
    return Call("GET", path, _parser(art.ArtifactList), params)
