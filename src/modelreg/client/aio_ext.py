"""The clients' serving, deployment and experiment calls (a mixin, to keep aio.py short).

Like aio.py, the source of a generated module: sync_ext.py, `Registry`'s mixin. The calls
drive the flows of serving.py, experiments.py and tracking.py.
"""

from __future__ import annotations

from typing import Any, TypeVar

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as exp
from modelreg.schemas import registry as reg
from modelreg.schemas import serving as srv

from . import endpoints as ep
from . import experiments as xops
from . import serving as sops
from .aio_pager import AsyncPager
from .base import list_options
from .call import Call, Flow
from .deployments import Deployment
from .experiments import Steps
from .paging import PageFlow
from .runs import Tracking
from .tracking import AsyncRunStart

T = TypeVar("T")


class AsyncExtras:
    _tracking: Tracking

    async def _run(self, work: Flow[T] | Call[T]) -> T:
        raise NotImplementedError  # pragma: no cover

    def _pager(self, fetch: PageFlow[T], **options: Any) -> AsyncPager[T]:
        raise NotImplementedError

    # --- serving environments --------------------------------------------------------------

    async def create_serving_environment(self, name: str, **fields: Any) -> srv.ServingEnvironment:
        """Create a serving environment (`description`, `external_id`, `custom_properties`)."""
        return await self._run(sops.create_serving_environment(name, fields))

    async def get_serving_environment_by_id(self, env_id: str) -> srv.ServingEnvironment:
        return await self._run(ep.get_serving_environment(env_id))

    async def find_serving_environment(
        self, name: str | None = None, *, external_id: str | None = None
    ) -> srv.ServingEnvironment:
        """The environment with this name and/or external id; `NotFound` if none."""
        return await self._run(ep.find_serving_environment(name, external_id))

    async def update_serving_environment(
        self, env_id: str, **fields: Any
    ) -> srv.ServingEnvironment:
        return await self._run(sops.update_serving_environment(env_id, fields))

    def get_serving_environments(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[srv.ServingEnvironment]:
        return self._pager(sops.serving_environments(), **list_options(locals()))

    # --- inference services ----------------------------------------------------------------

    async def create_inference_service(
        self, serving_environment_id: str, registered_model_id: str, **fields: Any
    ) -> srv.InferenceService:
        """Deploy a model in an environment (`name`, `model_version_id` to pin a version,
        `runtime`, `desired_state`, ...)."""
        flow = sops.create_inference_service(serving_environment_id, registered_model_id, fields)
        return await self._run(flow)

    async def get_inference_service_by_id(self, service_id: str) -> srv.InferenceService:
        return await self._run(ep.get_inference_service(service_id))

    async def find_inference_service(
        self,
        name: str | None = None,
        serving_environment_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> srv.InferenceService:
        """The service by name in an environment, or by external id; `NotFound` if none."""
        return await self._run(ep.find_inference_service(name, serving_environment_id, external_id))

    async def update_inference_service(
        self, service_id: str, **fields: Any
    ) -> srv.InferenceService:
        return await self._run(sops.update_inference_service(service_id, fields))

    def get_inference_services(
        self,
        serving_environment_id: str | None = None,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[srv.InferenceService]:
        """A lazy pager over the services of an environment (all services if None)."""
        fetch = sops.inference_services(serving_environment_id)
        return self._pager(fetch, **list_options(locals()))

    async def get_inference_service_model(self, service_id: str) -> reg.RegisteredModel:
        return await self._run(ep.get_inference_service_model(service_id))

    async def get_inference_service_version(self, service_id: str) -> reg.ModelVersion:
        """The pinned version, or else the newest LIVE version; `NotFound` if none."""
        return await self._run(ep.get_inference_service_version(service_id))

    # --- serve models ----------------------------------------------------------------------

    async def create_serve_model(
        self, inference_service_id: str, model_version_id: str, **fields: Any
    ) -> srv.ServeModel:
        """Record that a version runs in a service (`last_known_state`, `name`, ...)."""
        flow = sops.create_serve_model(inference_service_id, model_version_id, fields)
        return await self._run(flow)

    async def get_serve_model_by_id(self, serve_model_id: str) -> srv.ServeModel:
        return await self._run(ep.get_serve_model(serve_model_id))

    async def update_serve_model(self, serve_model_id: str, **fields: Any) -> srv.ServeModel:
        """Report a serve model's `last_known_state` (or change its description, ...)."""
        return await self._run(sops.update_serve_model(serve_model_id, fields))

    def get_serve_models(
        self,
        inference_service_id: str,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[srv.ServeModel]:
        fetch = sops.serve_models(inference_service_id)
        return self._pager(fetch, **list_options(locals()))

    async def get_deployments(self, model_name_or_id: str) -> list[Deployment]:
        """Where a model is deployed: each inference service with its environment, version
        (pinned or newest live), desired and last known state; the model by name or id."""
        return await self._run(sops.deployments(model_name_or_id))

    # --- experiments and runs --------------------------------------------------------------

    async def create_experiment(self, name: str, **fields: Any) -> exp.Experiment:
        """Create an experiment (`owner`, `description`, `custom_properties`, ...)."""
        return await self._run(xops.create_experiment(name, fields))

    async def get_experiment_by_id(self, experiment_id: str) -> exp.Experiment:
        return await self._run(ep.get_experiment(experiment_id))

    async def find_experiment(
        self, name: str | None = None, *, external_id: str | None = None
    ) -> exp.Experiment:
        """The experiment with this name and/or external id; `NotFound` if none."""
        return await self._run(ep.find_experiment(name, external_id))

    async def update_experiment(self, experiment_id: str, **fields: Any) -> exp.Experiment:
        return await self._run(xops.update_experiment(experiment_id, fields))

    def get_experiments(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[exp.Experiment]:
        return self._pager(xops.experiments(), **list_options(locals()))

    async def create_experiment_run(
        self, experiment_id: str, name: str | None = None, **fields: Any
    ) -> exp.ExperimentRun:
        """Create a run (`description`, `start_time_since_epoch`, `status`, ...)."""
        return await self._run(xops.create_experiment_run(experiment_id, name, fields))

    async def get_experiment_run(self, run_id: str) -> exp.ExperimentRun:
        """The run with this id (upstream's name)."""
        return await self._run(ep.get_experiment_run(run_id))

    async def find_experiment_run(
        self,
        name: str | None = None,
        experiment_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> exp.ExperimentRun:
        """The run by name in an experiment, or by external id; `NotFound` if none."""
        return await self._run(ep.find_experiment_run(name, experiment_id, external_id))

    async def update_experiment_run(self, run_id: str, **fields: Any) -> exp.ExperimentRun:
        """Change a run (`status`, `end_time_since_epoch`, `description`, `state`, ...)."""
        return await self._run(xops.update_experiment_run(run_id, fields))

    def get_experiment_runs(
        self,
        experiment_id: str | None = None,
        experiment_name: str | None = None,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[exp.ExperimentRun]:
        """A lazy pager over the runs of an experiment (by id or name; all runs if neither)."""
        fetch = xops.experiment_runs(experiment_id, experiment_name)
        return self._pager(fetch, **list_options(locals()))

    def get_experiment_run_logs(
        self,
        run_id: str | None = None,
        run_name: str | None = None,
        experiment_id: str | None = None,
        experiment_name: str | None = None,
        *,
        artifact_type: str | None = None,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[art.Artifact]:
        """A lazy pager over what a run logged: by `run_id`, or `run_name` within an
        experiment (`experiment_id` or `experiment_name`)."""
        fetch = xops.run_logs(run_id, run_name, experiment_id, experiment_name, artifact_type)
        return self._pager(fetch, **list_options(locals()))

    def get_metric_history(
        self,
        run_id: str | None = None,
        name: str | None = None,
        steps: Steps = None,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> AsyncPager[art.Metric]:
        """Every value metrics took, in order of logging: of one run (or all runs), one
        metric `name` (or all), some `steps` (e.g. `[0, 10]`)."""
        fetch = xops.metric_history(run_id, name, steps)
        return self._pager(fetch, **list_options(locals()))

    def start_experiment_run(
        self,
        experiment_name: str | None = None,
        experiment_id: str | None = None,
        run_name: str | None = None,
        run_id: str | None = None,
        *,
        owner: str | None = None,
        description: str | None = None,
        run_description: str | None = None,
        nested: bool = False,
        nested_tag: str | None = "kubeflow.parent_run_id",
    ) -> AsyncRunStart:
        """Start (or resume) a run, to use in `with` (see tracking.py). `AsyncRegistry`'s
        answer starts it when awaited or entered: `async with` it, or `await` it first.

        The experiment is found by id, or by name (created with `owner` and `description`
        if missing); the run by id, or by name within the experiment (created with
        `run_description` if missing). Logs are written immediately; leaving the block
        marks the run FINISHED, or FAILED on an exception.
        """
        target = self._tracking.target(
            experiment_name,
            experiment_id,
            run_name,
            run_id,
            owner=owner,
            description=description,
            run_description=run_description,
            nested=nested,
            nested_tag=nested_tag,
        )
        return AsyncRunStart.begin(self._run, target, self._tracking)
