"""Experiments, experiment runs, what runs log, and metric history."""

from __future__ import annotations

from fastapi import APIRouter

from modelreg.schemas import artifacts as art
from modelreg.schemas import experiments as wire

from .. import responses as out
from ..deps import ServicesDep
from ..params import (
    ExternalIdParam,
    Listing,
    NameParam,
    ParentParam,
    StepIdsParam,
    optional_id,
    parse_id,
    parse_steps,
)
from ..rendering import ApiVersion
from ..routing import RouterOptions
from .linked_artifacts import add_linked_artifact_routes


def router(api: ApiVersion, options: RouterOptions) -> APIRouter:
    r = options.router("Experiments")

    @r.get("/experiments", response_model=wire.ExperimentList)
    def get_experiments(services: ServicesDep, listing: Listing) -> out.JsonResponse:
        return out.page(services.experiments.list_experiments(listing.query("exp")), api)

    @r.post("/experiments", response_model=wire.Experiment, status_code=201)
    def create_experiment(body: wire.ExperimentCreate, services: ServicesDep) -> out.JsonResponse:
        return out.one(services.experiments.create_experiment(body), api, 201)

    @r.get("/experiment", response_model=wire.Experiment)
    def find_experiment(
        services: ServicesDep, name: NameParam = None, external_id: ExternalIdParam = None
    ) -> out.JsonResponse:
        return out.one(services.experiments.find_experiment(name, external_id), api)

    @r.get("/experiments/{experimentId}", response_model=wire.Experiment)
    def get_experiment(experimentId: str, services: ServicesDep) -> out.JsonResponse:
        experiment_id = parse_id(experimentId, "experiment id")
        return out.one(services.experiments.get_experiment(experiment_id), api)

    @r.patch("/experiments/{experimentId}", response_model=wire.Experiment)
    def update_experiment(
        experimentId: str,
        body: wire.ExperimentUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        experiment_id = parse_id(experimentId, "experiment id")
        return out.one(services.experiments.update_experiment(experiment_id, body), api)

    @r.get("/experiments/{experimentId}/experiment_runs", response_model=wire.ExperimentRunList)
    def get_experiment_experiment_runs(
        experimentId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
    ) -> out.JsonResponse:
        experiment_id = parse_id(experimentId, "experiment id")
        query = listing.query(f"exp/{experiment_id}/runs", name, external_id)
        return out.page(services.experiments.list_runs(query, experiment_id), api)

    @r.post(
        "/experiments/{experimentId}/experiment_runs",
        response_model=wire.ExperimentRun,
        status_code=201,
    )
    def create_experiment_experiment_run(
        experimentId: str,
        body: wire.ExperimentRunBody,
        services: ServicesDep,
    ) -> out.JsonResponse:
        experiment_id = parse_id(experimentId, "experiment id")
        if body.id is not None:
            run = services.experiments.upsert_run(experiment_id, parse_id(body.id), body)
        else:
            run = services.experiments.create_run(experiment_id, body)
        return out.one(run, api, 201)

    @r.get("/experiment_runs", response_model=wire.ExperimentRunList)
    def get_experiment_runs(services: ServicesDep, listing: Listing) -> out.JsonResponse:
        return out.page(services.experiments.list_runs(listing.query("runs")), api)

    @r.post("/experiment_runs", response_model=wire.ExperimentRun, status_code=201)
    def create_experiment_run(
        body: wire.ExperimentRunCreate, services: ServicesDep
    ) -> out.JsonResponse:
        experiment_id = parse_id(body.experiment_id, "experimentId")
        return out.one(services.experiments.create_run(experiment_id, body), api, 201)

    @r.get("/experiment_run", response_model=wire.ExperimentRun)
    def find_experiment_run(
        services: ServicesDep,
        name: NameParam = None,
        external_id: ExternalIdParam = None,
        parent_resource_id: ParentParam = None,
    ) -> out.JsonResponse:
        experiment_id = optional_id(parent_resource_id, "parentResourceId")
        return out.one(services.experiments.find_run(name, external_id, experiment_id), api)

    # Registered before /experiment_runs/{id} so the static segment wins.
    @r.get("/experiment_runs/metric_history", response_model=art.ArtifactList)
    def get_experiment_runs_metric_history(
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        step_ids: StepIdsParam = None,
    ) -> out.JsonResponse:
        query = listing.query("history", name, steps=parse_steps(step_ids))
        return out.page(services.experiments.metric_history(query), api)

    @r.get("/experiment_runs/{experimentrunId}", response_model=wire.ExperimentRun)
    def get_experiment_run(experimentrunId: str, services: ServicesDep) -> out.JsonResponse:
        run_id = parse_id(experimentrunId, "experiment run id")
        return out.one(services.experiments.get_run(run_id), api)

    @r.patch("/experiment_runs/{experimentrunId}", response_model=wire.ExperimentRun)
    def update_experiment_run(
        experimentrunId: str,
        body: wire.ExperimentRunUpdate,
        services: ServicesDep,
    ) -> out.JsonResponse:
        run_id = parse_id(experimentrunId, "experiment run id")
        return out.one(services.experiments.update_run(run_id, body), api)

    add_linked_artifact_routes(
        r,
        api,
        collection="experiment_runs",
        param="experimentrunId",
        label="experiment run",
        lister=lambda services, parent, query, kinds: services.experiments.list_run_artifacts(
            parent, query, kinds
        ),
        upserter=lambda services, parent, body: services.experiments.upsert_into_run(parent, body),
    )

    @r.get("/experiment_runs/{experimentrunId}/metric_history", response_model=art.ArtifactList)
    def get_experiment_run_metric_history(
        experimentrunId: str,
        services: ServicesDep,
        listing: Listing,
        name: NameParam = None,
        step_ids: StepIdsParam = None,
    ) -> out.JsonResponse:
        run_id = parse_id(experimentrunId, "experiment run id")
        query = listing.query(f"run/{run_id}/history", name, steps=parse_steps(step_ids))
        return out.page(services.experiments.metric_history(query, run_id), api)

    return r
