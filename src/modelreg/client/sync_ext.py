# Generated from aio_ext.py by scripts/generate_sync.py: do not edit. Edit aio_ext.py
# and run `make generate` (tests/client/test_generated.py fails when they differ).
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
from .base import list_options
from .call import Call, Flow
from .deployments import Deployment
from .experiments import Steps
from .paging import PageFlow
from .runs import Tracking
from .sync_pager import Pager
from .tracking import ActiveExperimentRun

T = TypeVar("T")


class SyncExtras:
    _tracking: Tracking

    def _run(self, work: Flow[T] | Call[T]) -> T:
        raise NotImplementedError  # pragma: no cover

    def _pager(self, fetch: PageFlow[T], **options: Any) -> Pager[T]:
        raise NotImplementedError

    # --- serving environments --------------------------------------------------------------

    def create_serving_environment(self, name: str, **fields: Any) -> srv.ServingEnvironment:
        """Create a serving environment (`description`, `external_id`, `custom_properties`)."""
        return self._run(sops.create_serving_environment(name, fields))

    def get_serving_environment_by_id(self, env_id: str) -> srv.ServingEnvironment:
        return self._run(ep.get_serving_environment(env_id))

    def find_serving_environment(
        self, name: str | None = None, *, external_id: str | None = None
    ) -> srv.ServingEnvironment:
        """The environment with this name and/or external id; `NotFound` if none."""
        return self._run(ep.find_serving_environment(name, external_id))

    def update_serving_environment(self, env_id: str, **fields: Any) -> srv.ServingEnvironment:
        return self._run(sops.update_serving_environment(env_id, fields))

    def get_serving_environments(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Pager[srv.ServingEnvironment]:
        return self._pager(sops.serving_environments(), **list_options(locals()))

    # --- inference services ----------------------------------------------------------------

    def create_inference_service(
        self, serving_environment_id: str, registered_model_id: str, **fields: Any
    ) -> srv.InferenceService:
        """Deploy a model in an environment (`name`, `model_version_id` to pin a version,
        `runtime`, `desired_state`, ...)."""
        flow = sops.create_inference_service(serving_environment_id, registered_model_id, fields)
        return self._run(flow)

    def get_inference_service_by_id(self, service_id: str) -> srv.InferenceService:
        return self._run(ep.get_inference_service(service_id))

    def find_inference_service(
        self,
        name: str | None = None,
        serving_environment_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> srv.InferenceService:
        """The service by name in an environment, or by external id; `NotFound` if none."""
        return self._run(ep.find_inference_service(name, serving_environment_id, external_id))

    def update_inference_service(self, service_id: str, **fields: Any) -> srv.InferenceService:
        return self._run(sops.update_inference_service(service_id, fields))

    def get_inference_services(
        self,
        serving_environment_id: str | None = None,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Pager[srv.InferenceService]:
        """A lazy pager over the services of an environment (all services if None)."""
        fetch = sops.inference_services(serving_environment_id)
        return self._pager(fetch, **list_options(locals()))

    def get_inference_service_model(self, service_id: str) -> reg.RegisteredModel:
        return self._run(ep.get_inference_service_model(service_id))

    def get_inference_service_version(self, service_id: str) -> reg.ModelVersion:
        """The pinned version, or else the newest LIVE version; `NotFound` if none."""
        return self._run(ep.get_inference_service_version(service_id))

    # --- serve models ----------------------------------------------------------------------

    def create_serve_model(
        self, inference_service_id: str, model_version_id: str, **fields: Any
    ) -> srv.ServeModel:
        """Record that a version runs in a service (`last_known_state`, `name`, ...)."""
        flow = sops.create_serve_model(inference_service_id, model_version_id, fields)
        return self._run(flow)

    def get_serve_model_by_id(self, serve_model_id: str) -> srv.ServeModel:
        return self._run(ep.get_serve_model(serve_model_id))

    def update_serve_model(self, serve_model_id: str, **fields: Any) -> srv.ServeModel:
        """Report a serve model's `last_known_state` (or change its description, ...)."""
        return self._run(sops.update_serve_model(serve_model_id, fields))

    def get_serve_models(
        self,
        inference_service_id: str,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Pager[srv.ServeModel]:
        fetch = sops.serve_models(inference_service_id)
        return self._pager(fetch, **list_options(locals()))

    def get_deployments(self, model_name_or_id: str) -> list[Deployment]:
        """Where a model is deployed: each inference service with its environment, version
        (pinned or newest live), desired and last known state; the model by name or id."""
        return self._run(sops.deployments(model_name_or_id))

    # --- experiments and runs --------------------------------------------------------------

    def create_experiment(self, name: str, **fields: Any) -> exp.Experiment:
        """Create an experiment (`owner`, `description`, `custom_properties`, ...)."""
        return self._run(xops.create_experiment(name, fields))

    def get_experiment_by_id(self, experiment_id: str) -> exp.Experiment:
        return self._run(ep.get_experiment(experiment_id))

    def find_experiment(
        self, name: str | None = None, *, external_id: str | None = None
    ) -> exp.Experiment:
        """The experiment with this name and/or external id; `NotFound` if none."""
        return self._run(ep.find_experiment(name, external_id))

    def update_experiment(self, experiment_id: str, **fields: Any) -> exp.Experiment:
        return self._run(xops.update_experiment(experiment_id, fields))

    def get_experiments(
        self,
        *,
        filter_query: str | None = None,
        order_by: str | None = None,
        sort_order: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
    ) -> Pager[exp.Experiment]:
        return self._pager(xops.experiments(), **list_options(locals()))

    def create_experiment_run(
        self, experiment_id: str, name: str | None = None, **fields: Any
    ) -> exp.ExperimentRun:
        """Create a run (`description`, `start_time_since_epoch`, `status`, ...)."""
        return self._run(xops.create_experiment_run(experiment_id, name, fields))

    def get_experiment_run(self, run_id: str) -> exp.ExperimentRun:
        """The run with this id (upstream's name)."""
        return self._run(ep.get_experiment_run(run_id))

    def find_experiment_run(
        self,
        name: str | None = None,
        experiment_id: str | None = None,
        *,
        external_id: str | None = None,
    ) -> exp.ExperimentRun:
        """The run by name in an experiment, or by external id; `NotFound` if none."""
        return self._run(ep.find_experiment_run(name, experiment_id, external_id))

    def update_experiment_run(self, run_id: str, **fields: Any) -> exp.ExperimentRun:
        """Change a run (`status`, `end_time_since_epoch`, `description`, `state`, ...)."""
        return self._run(xops.update_experiment_run(run_id, fields))

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
    ) -> Pager[exp.ExperimentRun]:
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
    ) -> Pager[art.Artifact]:
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
    ) -> Pager[art.Metric]:
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
    ) -> ActiveExperimentRun:
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
        return ActiveExperimentRun.begin(self._run, target, self._tracking)
