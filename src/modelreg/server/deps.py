"""The services a request uses, taken from the application state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from modelreg.domain.artifacts import ArtifactService
from modelreg.domain.experiments import ExperimentService
from modelreg.domain.models import ModelService
from modelreg.domain.ports import StorePort
from modelreg.domain.serving import ServingService
from modelreg.errors import Unavailable


@dataclass(frozen=True)
class Services:
    models: ModelService
    artifacts: ArtifactService
    serving: ServingService
    experiments: ExperimentService

    @classmethod
    def over(cls, store: StorePort) -> Services:
        return cls(
            models=ModelService(store),
            artifacts=ArtifactService(store),
            serving=ServingService(store),
            experiments=ExperimentService(store),
        )


async def _services(request: Request) -> Services:  # async: no thread hop
    services: Services | None = getattr(request.app.state, "services", None)
    if services is None or not request.app.state.ready:
        raise Unavailable("the registry is starting or its database is unreachable; retry shortly")
    return services


ServicesDep = Annotated[Services, Depends(_services)]
