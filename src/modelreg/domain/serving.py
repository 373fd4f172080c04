"""Use cases of serving: environments, inference services, serve models, deployments."""

from __future__ import annotations

from dataclasses import dataclass

from modelreg.errors import InvalidArgument, NotFound
from modelreg.schemas import serving as wire

from .codec import apply_defaults, merge
from .common import (
    child_name,
    exactly_one,
    new_record,
    require,
    require_exists,
    touch,
    update_entity,
)
from .filters.ast import Comparison, Property
from .kinds import (
    INFERENCE_SERVICE,
    MODEL_VERSION,
    REGISTERED_MODEL,
    SERVE_MODEL,
    SERVING_ENVIRONMENT,
)
from .paging import ListQuery
from .ports import Repo, StorePort
from .records import Page, Record
from .values import Stored

SE = (SERVING_ENVIRONMENT,)
IS = (INFERENCE_SERVICE,)
SM = (SERVE_MODEL,)
RM = (REGISTERED_MODEL,)
MV = (MODEL_VERSION,)


@dataclass(frozen=True, slots=True)
class Deployment:
    """One inference service of a model: where it runs, which version, in what state."""

    service: Record
    environment: Record | None
    version: Record | None
    serves: list[Record]


def _ref(value: int) -> Stored:
    return Stored("int_value", value)


def newest_live_version(repo: Repo, model_id: int) -> Record | None:
    """The most recently created LIVE version of a model (ties broken by the higher id)."""
    query = ListQuery(
        page_size=1,
        order_by="CREATE_TIME",
        descending=True,
        filter=Comparison(Property("state"), "=", "LIVE"),
    )
    page = repo.list_page(MV, query, model_id)
    return page.records[0] if page.records else None


def _check_version_of(repo: Repo, version_id: int, model_id: int) -> None:
    version = require(repo, MV, version_id)
    if version.prop("registered_model_id") != model_id:
        raise InvalidArgument(
            f"model version {version_id} is not a version of registered model {model_id}"
        )


class ServingService:
    def __init__(self, store: StorePort) -> None:
        self.store = store

    # --- serving environments ------------------------------------------------------------

    def create_environment(self, body: wire.ServingEnvironmentCreate) -> Record:
        record = new_record(SERVING_ENVIRONMENT, body.name)
        merge(record, body)
        return self.store.insert(record)

    def get_environment(self, env_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, SE, env_id), write=False)

    def update_environment(self, env_id: int, body: wire.ServingEnvironmentUpdate) -> Record:
        return update_entity(self.store, SE, env_id, body)

    def list_environments(self, query: ListQuery) -> Page:
        return self.store.run(lambda repo: repo.list_page(SE, query, None), write=False)

    def find_environment(self, name: str | None, external_id: str | None) -> Record:
        if name is None and external_id is None:
            raise InvalidArgument("find a serving environment by name or externalId")

        def work(repo: Repo) -> Record:
            found = repo.find(SE, names=[name] if name is not None else [], external_id=external_id)
            return exactly_one(found, f"serving environment {name or external_id!r}")

        return self.store.run(work, write=False)

    # --- inference services --------------------------------------------------------------

    def create_service(
        self, env_id: int, body: wire.InferenceServiceCreate | wire.InferenceServiceBody
    ) -> Record:
        model_id = int(body.registered_model_id)

        def work(repo: Repo) -> Record:
            require_exists(repo, SE, env_id)
            require_exists(repo, RM, model_id)
            if body.model_version_id is not None:
                _check_version_of(repo, int(body.model_version_id), model_id)
            record = new_record(INFERENCE_SERVICE, child_name(env_id, body.name))
            merge(record, body)
            record.props["registered_model_id"] = _ref(model_id)
            record.props["serving_environment_id"] = _ref(env_id)
            apply_defaults(record)
            return repo.insert(record, under=env_id)

        return self.store.run(work, write=True)

    def get_service(self, service_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, IS, service_id), write=False)

    def update_service(self, service_id: int, body: wire.InferenceServiceUpdate) -> Record:
        def work(repo: Repo) -> Record:
            record = require(repo, IS, service_id)
            if body.model_version_id is not None:
                model_id = record.prop("registered_model_id")
                assert isinstance(model_id, int)
                _check_version_of(repo, int(body.model_version_id), model_id)
            merge(record, body)
            touch(record)
            return repo.update(record)

        return self.store.run(work, write=True)

    def list_services(self, query: ListQuery, env_id: int | None = None) -> Page:
        def work(repo: Repo) -> Page:
            if env_id is not None:
                require_exists(repo, SE, env_id)
            return repo.list_page(IS, query, env_id)

        return self.store.run(work, write=False)

    def find_service(self, name: str | None, external_id: str | None, env_id: int | None) -> Record:
        if external_id is None and (name is None or env_id is None):
            raise InvalidArgument(
                "find an inference service by name and parentResourceId, or by externalId"
            )

        def work(repo: Repo) -> Record:
            names = [child_name(env_id, name)] if name is not None and env_id else []
            found = repo.find(IS, names=names, external_id=external_id, parent_id=env_id)
            return exactly_one(found, f"inference service {name or external_id!r}")

        return self.store.run(work, write=False)

    def service_model(self, service_id: int) -> Record:
        def work(repo: Repo) -> Record:
            service = require(repo, IS, service_id)
            model_id = service.prop("registered_model_id")
            model = repo.get(RM, int(model_id)) if isinstance(model_id, int) else None
            if model is None:
                raise NotFound(f"inference service {service_id} names a missing registered model")
            return model

        return self.store.run(work, write=False)

    def service_version(self, service_id: int) -> Record:
        """The pinned version, or else the newest LIVE version of the service's model."""

        def work(repo: Repo) -> Record:
            service = require(repo, IS, service_id)
            version = _resolved_version(repo, service, {}, {})
            if version is None:
                raise NotFound(f"inference service {service_id} has no live model version to serve")
            return version

        return self.store.run(work, write=False)

    # --- serve models --------------------------------------------------------------------

    def create_serve(self, service_id: int, body: wire.ServeModelCreate) -> Record:
        def work(repo: Repo) -> Record:
            require_exists(repo, IS, service_id)
            version = require(repo, MV, int(body.model_version_id))
            _refuse_gated(version)
            record = new_record(SERVE_MODEL, child_name(service_id, body.name))
            merge(record, body)
            record.state = record.state if record.state is not None else 0  # UNKNOWN
            return repo.insert(record, under=service_id)

        return self.store.run(work, write=True)

    def get_serve(self, serve_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, SM, serve_id), write=False)

    def update_serve(self, serve_id: int, body: wire.ServeModelUpdate) -> Record:
        return update_entity(self.store, SM, serve_id, body)

    def list_serves(self, service_id: int, query: ListQuery) -> Page:
        def work(repo: Repo) -> Page:
            require_exists(repo, IS, service_id)
            return repo.list_page(SM, query, service_id)

        return self.store.run(work, write=False)

    # --- deployment status ---------------------------------------------------------------

    def deployments(self, model_id: int) -> list[Deployment]:
        """Every inference service of a model, with its environment, the version it serves
        (pinned, or the newest live one) and its serve models. A fixed number of queries."""

        def work(repo: Repo) -> list[Deployment]:
            require_exists(repo, RM, model_id)
            query = ListQuery(
                page_size=10_000,
                filter=Comparison(Property("registeredModelId"), "=", model_id),
            )
            services = repo.list_page(IS, query, None).records
            env_ids = {_int(s.prop("serving_environment_id")) for s in services}
            environments = {r.id: r for r in repo.load(SE, sorted(env_ids))}
            pinned = {_int(s.prop("model_version_id")) for s in services} - {0}
            versions = {r.id: r for r in repo.load(MV, sorted(pinned))}
            serves = repo.children_of(SM, [s.id for s in services])
            newest: dict[int, Record | None] = {}
            return [
                Deployment(
                    service=s,
                    environment=environments.get(_int(s.prop("serving_environment_id"))),
                    version=_resolved_version(repo, s, versions, newest),
                    serves=serves.get(s.id, []),
                )
                for s in services
            ]

        return self.store.run(work, write=False)


def _resolved_version(
    repo: Repo,
    service: Record,
    pinned_versions: dict[int, Record],
    newest_by_model: dict[int, Record | None],
) -> Record | None:
    """The version a service serves: its pinned one, or its model's newest live version
    (looked up once per model and remembered in `newest_by_model`)."""
    pinned = _int(service.prop("model_version_id"))
    if pinned:
        return pinned_versions.get(pinned) or repo.get(MV, pinned)
    model_id = _int(service.prop("registered_model_id"))
    if model_id not in newest_by_model:
        newest_by_model[model_id] = newest_live_version(repo, model_id)
    return newest_by_model[model_id]


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


def _refuse_gated(version: Record) -> None:
    """Upstream's guard: no deploying gated or private Hugging Face models."""
    gated = version.custom.get("hf_gated")
    if gated is not None and gated.column == "string_value" and gated.value not in ("false", ""):
        raise InvalidArgument(f"cannot deploy gated HuggingFace model version {version.id}")
    private = version.custom.get("hf_private")
    if private is not None and private.column == "string_value" and private.value == "true":
        raise InvalidArgument(f"cannot deploy private HuggingFace model version {version.id}")
