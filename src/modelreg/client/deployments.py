"""Deployment status, typed: what `GET /registered_models/{id}/deployments` answers.

The endpoint is a modelreg extension with no shared wire schema, so its envelope is
described here, on the client side, from the same entity models the server uses.
"""

from __future__ import annotations

from pydantic import Field

from modelreg.schemas.base import ResponseModel
from modelreg.schemas.enums import ExecutionState, InferenceServiceState
from modelreg.schemas.registry import ModelVersion
from modelreg.schemas.serving import InferenceService, ServeModel, ServingEnvironment


class Deployment(ResponseModel):
    """One inference service of a model: where it runs, which version, in which state.

    `model_version` is the pinned version, or else the newest LIVE one (`version_pinned`
    says which); `last_known_state` comes from the most recently updated serve model.
    """

    inference_service: InferenceService
    serving_environment: ServingEnvironment | None = None
    model_version: ModelVersion | None = None
    version_pinned: bool = False
    desired_state: InferenceServiceState | None = None
    last_known_state: ExecutionState | None = None
    serve_models: list[ServeModel] = Field(default_factory=list)


class DeploymentList(ResponseModel):
    items: list[Deployment] = Field(default_factory=list)
    size: int = 0
