"""Use cases of registered models and model versions."""

from __future__ import annotations

from typing import NamedTuple

from modelreg.errors import AlreadyExists, Conflict, InvalidArgument
from modelreg.schemas import registry as wire

from .artifacts import new_artifact_child
from .codec import apply_defaults, merge
from .common import (
    child_name,
    exactly_one,
    new_record,
    parse_id,
    require,
    require_exists,
    touch,
    update_entity,
)
from .kinds import MODEL_VERSION, REGISTERED_MODEL
from .paging import ListQuery
from .ports import Repo, StorePort
from .records import Page, Record
from .values import Stored

RM = (REGISTERED_MODEL,)
MV = (MODEL_VERSION,)


class ModelService:
    def __init__(self, store: StorePort) -> None:
        self.store = store

    # --- registered models ---------------------------------------------------------------

    def create_model(self, body: wire.RegisteredModelCreate) -> Record:
        return self.store.insert(_new_model(body))

    def get_model(self, model_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, RM, model_id), write=False)

    def update_model(self, model_id: int, body: wire.RegisteredModelUpdate) -> Record:
        return update_entity(self.store, RM, model_id, body)

    def list_models(self, query: ListQuery) -> Page:
        return self.store.run(lambda repo: repo.list_page(RM, query, None), write=False)

    def find_model(self, name: str | None, external_id: str | None) -> Record:
        if name is None and external_id is None:
            raise InvalidArgument("find a registered model by name or externalId")

        def work(repo: Repo) -> Record:
            names = [name] if name is not None else []
            found = repo.find(RM, names=names, external_id=external_id)
            return exactly_one(found, _described("registered model", name, external_id))

        return self.store.run(work, write=False)

    # --- model versions ------------------------------------------------------------------

    def create_version(
        self, model_id: int, body: wire.ModelVersionCreate | wire.ModelVersionBody
    ) -> Record:
        return self.store.insert(_new_version(model_id, body), under=model_id, parent_kinds=RM)

    def register(self, body: wire.RegistrationCreate) -> Registration:
        """A version and its model artifact in one write, under a model given by id or by
        name (created when missing). The artifact is new: nothing is under a new version
        for it to update."""
        if (body.registered_model_id is None) == (body.registered_model is None):
            raise InvalidArgument("name the model by registeredModelId or by registeredModel")
        artifact = new_artifact_child(body.model_artifact)
        if body.registered_model_id is not None:
            model_id = parse_id(body.registered_model_id, "registeredModelId")
            version = _new_version(model_id, body.model_version)
            model = self.store.insert_under(
                version, under=model_id, parent_kinds=RM, children=[artifact]
            )
            return Registration(model, version, artifact.record)

        wanted = body.registered_model
        assert wanted is not None

        def work(repo: Repo) -> Registration:
            model = _model_named(repo, wanted)
            version = _new_version(model.id, body.model_version)
            repo.insert(version, under=model.id, children=[artifact])
            return Registration(model, version, artifact.record)

        return self.store.run(work, write=True)

    def upsert_version(self, model_id: int, version_id: int, body: wire.ModelVersionBody) -> Record:
        """The nested create with an `id` in the body updates that version (as upstream)."""

        def work(repo: Repo) -> Record:
            record = require(repo, MV, version_id)
            if record.prop("registered_model_id") != model_id:
                raise InvalidArgument(
                    f"model version {version_id} does not belong to registered model {model_id}"
                )
            merge(record, body)
            touch(record)
            return repo.update(record)

        return self.store.run(work, write=True)

    def get_version(self, version_id: int) -> Record:
        return self.store.run(lambda repo: require(repo, MV, version_id), write=False)

    def update_version(self, version_id: int, body: wire.ModelVersionUpdate) -> Record:
        return update_entity(self.store, MV, version_id, body)

    def list_versions(self, query: ListQuery, model_id: int | None = None) -> Page:
        def work(repo: Repo) -> Page:
            if model_id is None:
                return repo.list_page(MV, query, None)
            page = repo.list_page(MV, query, model_id)
            if not page.records:  # versions exist only under a model: check it only now
                require_exists(repo, RM, model_id)
            return page

        return self.store.run(work, write=False)

    def find_version(
        self, name: str | None, external_id: str | None, model_id: int | None
    ) -> Record:
        if external_id is None and (name is None or model_id is None):
            raise InvalidArgument(
                "find a model version by name and parentResourceId, or by externalId"
            )

        def work(repo: Repo) -> Record:
            names = [child_name(model_id, name)] if name is not None and model_id else []
            found = repo.find(MV, names=names, external_id=external_id, parent_id=model_id)
            return exactly_one(found, _described("model version", name, external_id, model_id))

        return self.store.run(work, write=False)


def _model_ref(model_id: int) -> Stored:
    return Stored("int_value", model_id)


def _described(
    label: str, name: str | None, external_id: str | None, parent: int | None = None
) -> str:
    parts = []
    if name is not None:
        parts.append(f"name {name!r}")
    if external_id is not None:
        parts.append(f"externalId {external_id!r}")
    where = f" in registered model {parent}" if parent is not None else ""
    return f"{label} with {' and '.join(parts)}{where}"


class Registration(NamedTuple):
    model: Record
    version: Record
    artifact: Record


def _new_model(body: wire.RegisteredModelCreate) -> Record:
    record = new_record(REGISTERED_MODEL, body.name)
    merge(record, body)
    apply_defaults(record)
    return record


def _new_version(
    model_id: int, body: wire.ModelVersionCreate | wire.ModelVersionBody | wire.RegistrationVersion
) -> Record:
    record = new_record(MODEL_VERSION, child_name(model_id, body.name))
    merge(record, body)
    record.props["registered_model_id"] = _model_ref(model_id)
    apply_defaults(record)
    return record


def _model_named(repo: Repo, wanted: wire.RegisteredModelCreate) -> Record:
    """The model of that name, created when missing."""
    found = repo.find(RM, names=[wanted.name])
    if found:
        return found[0]
    try:
        return repo.insert(_new_model(wanted))
    except AlreadyExists:  # another registration created it first: retry to find it
        raise Conflict(f"registered model {wanted.name!r} was created concurrently") from None
