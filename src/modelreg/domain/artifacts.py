"""Use cases of artifacts: standalone, and linked to a model version (upsert)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import BaseModel

from modelreg.errors import InvalidArgument
from modelreg.schemas import artifacts as wire

from .codec import merge
from .common import (
    child_name,
    exactly_one,
    new_child,
    new_record,
    require,
    require_exists,
    touch,
)
from .kinds import (
    ARTIFACT_KIND_BY_TYPE,
    ARTIFACT_KINDS,
    METRIC,
    MODEL_ARTIFACT,
    MODEL_VERSION,
    PARAMETER,
    Kind,
)
from .paging import ListQuery
from .ports import Repo, StorePort
from .records import NewChild, Page, Record
from .values import Stored

MA = (MODEL_ARTIFACT,)
MV = (MODEL_VERSION,)
UPDATE_IN_PLACE_BY_NAME = (METRIC, PARAMETER)


def kinds_for(artifact_type: str | None) -> tuple[Kind, ...]:
    """The kinds an `artifactType` query parameter selects; absent means all of them."""
    if artifact_type is None or artifact_type == "":
        return ARTIFACT_KINDS
    kind = ARTIFACT_KIND_BY_TYPE.get(artifact_type)
    if kind is None:
        allowed = ", ".join(ARTIFACT_KIND_BY_TYPE)
        raise InvalidArgument(f"invalid artifactType {artifact_type!r}: use one of {allowed}")
    return (kind,)


def _kind_of(body: BaseModel) -> Kind:
    return ARTIFACT_KIND_BY_TYPE[getattr(body, "artifact_type", None) or "model-artifact"]


def _check_required(record: Record) -> None:
    if record.kind is METRIC and "value" not in record.props:
        raise InvalidArgument("metric value is required")


class ArtifactService:
    def __init__(self, store: StorePort) -> None:
        self.store = store

    def create(self, body: wire.ModelArtifactCreate | wire.ModelArtifactBody | BaseModel) -> Record:
        """A standalone artifact, linked to nothing (`POST /artifacts`, `/model_artifacts`)."""
        name = child_name(str(uuid.uuid4()), getattr(body, "name", None))
        return self.store.insert(_new_artifact(_kind_of(body), name, body))

    def get(self, artifact_id: int, kinds: Sequence[Kind] = ARTIFACT_KINDS) -> Record:
        return self.store.run(lambda repo: require(repo, kinds, artifact_id), write=False)

    def update(
        self, artifact_id: int, body: BaseModel, kinds: Sequence[Kind] = ARTIFACT_KINDS
    ) -> Record:
        def work(repo: Repo) -> Record:
            record = require(repo, kinds, artifact_id)
            sent = getattr(body, "artifact_type", None)
            if sent is not None and sent != record.kind.artifact_type:
                raise InvalidArgument(
                    f"cannot change artifact type from {record.kind.artifact_type!r} to "
                    f"{sent!r}: artifact type is immutable"
                )
            merge(record, body)
            _check_required(record)
            touch(record)
            return repo.update(record)

        return self.store.run(work, write=True)

    def list(self, query: ListQuery, kinds: Sequence[Kind] = ARTIFACT_KINDS) -> Page:
        return self.store.run(lambda repo: repo.list_page(kinds, query, None), write=False)

    def list_for_version(
        self, version_id: int, query: ListQuery, kinds: Sequence[Kind] = ARTIFACT_KINDS
    ) -> Page:
        def work(repo: Repo) -> Page:
            require_exists(repo, MV, version_id)
            return repo.list_page(kinds, query, version_id)

        return self.store.run(work, write=False)

    def find(
        self,
        name: str | None,
        external_id: str | None,
        parent_id: int | None,
        kinds: Sequence[Kind] = ARTIFACT_KINDS,
    ) -> Record:
        if external_id is None and (name is None or parent_id is None):
            raise InvalidArgument("find an artifact by name and parentResourceId, or by externalId")

        def work(repo: Repo) -> Record:
            what = f"{kinds[0].label if len(kinds) == 1 else 'artifact'}"
            if name is not None and parent_id is not None:
                found = repo.find_suffixed(kinds, name, parent_id)
                if external_id is not None:
                    found = [r for r in found if r.external_id == external_id]
                return exactly_one(found, f"{what} named {name!r} in {parent_id}")
            found = repo.find(kinds, external_id=external_id)
            return exactly_one(found, f"{what} with externalId {external_id!r}")

        return self.store.run(work, write=False)

    def upsert_into_version(self, version_id: int, body: BaseModel) -> tuple[Record, bool]:
        """Create or update an artifact and link it to a model version; True if created
        (`upsert_artifact`). One that is surely new is a plain add under the version."""
        if _surely_new(body):
            name = child_name(version_id, getattr(body, "name", None))
            record = _new_artifact(_kind_of(body), name, body)
            return self.store.insert(record, under=version_id, parent_kinds=MV), True

        def work(repo: Repo) -> tuple[Record, bool]:
            require_exists(repo, MV, version_id)
            return upsert_artifact(repo, version_id, body)

        return self.store.run(work, write=True)


def upsert_artifact(
    repo: Repo, parent_id: int, body: BaseModel, links: dict[str, Stored] | None = None
) -> tuple[Record, bool]:
    """Create or update an artifact and link it to a context; True if created.

    With an `id`, that artifact (of the same type) is updated; a metric or parameter named
    like one already under the parent is updated in place; anything else is created.
    `links` are hidden custom properties to set (the experiment run an artifact belongs to).
    """
    kind = _kind_of(body)
    body_id = getattr(body, "id", None)
    name = getattr(body, "name", None)
    existing: Record | None = None
    if body_id is not None:
        existing = require(repo, ARTIFACT_KINDS, int(body_id))
        if existing.kind is not kind:
            raise InvalidArgument(
                f"artifact {body_id} is a {existing.kind.artifact_type}, not a {kind.artifact_type}"
            )
    elif kind in UPDATE_IN_PLACE_BY_NAME and name:
        found = repo.find_suffixed((kind,), name, parent_id)
        existing = found[0] if found else None
    if existing is None:
        record = _new_artifact(kind, child_name(parent_id, name), body, links)
        return repo.insert(record, under=parent_id), True
    merge(existing, body)
    existing.custom.update(links or {})
    _check_required(existing)
    touch(existing)
    repo.update(existing)
    repo.attribute(parent_id, existing.id)
    return existing, False


def _surely_new(body: BaseModel) -> bool:
    """Whether an artifact for a parent is new whatever the parent holds: it has no `id`,
    and it is not a metric or parameter (those update one of their name in place)."""
    return getattr(body, "id", None) is None and _kind_of(body) not in UPDATE_IN_PLACE_BY_NAME


def new_artifact_child(body: BaseModel) -> NewChild:
    """A new artifact to add with its new parent (a registration's model artifact, added
    with its new version: nothing is under that version yet to update)."""
    record = _new_artifact(_kind_of(body), None, body)
    return new_child(record, getattr(body, "name", None))


def _new_artifact(
    kind: Kind, name: str | None, body: BaseModel, links: dict[str, Stored] | None = None
) -> Record:
    record = new_record(kind, name)
    merge(record, body)
    record.custom.update(links or {})
    _check_required(record)
    return record
