"""`register_model`, idempotent: a model, a version of it and the version's model artifact.

Registering what is already registered, with the same content, answers the stored
entities; with other content it raises `AlreadyExists` naming each differing field. Only
fields the caller gave are compared (a field left out matches anything). A registration
interrupted half-way (a version without its artifact) is completed by running it again, and
two clients registering the same thing at once both succeed. On a modelreg server a new
registration is one request and one transaction (`POST /registrations`); elsewhere, and
for what is already (partly) registered, it is a few requests of the Kubeflow API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, NamedTuple

from pydantic import BaseModel

from modelreg.errors import AlreadyExists, NotFound
from modelreg.schemas import artifacts as art
from modelreg.schemas import registry as reg

from . import endpoints as ep
from .bodies import body
from .call import Call, Flow, or_none, single
from .errors import RegistryHTTPError
from .operations import (
    create_model_version,
    create_registered_model,
    get_registered_model,
    require_registered_model,
)
from .values import from_metadata, to_metadata

ARTIFACT_ARGS = (
    "uri",
    "model_format_name",
    "model_format_version",
    "storage_key",
    "storage_path",
    "service_account_name",
    "model_source_kind",
    "model_source_class",
    "model_source_group",
    "model_source_id",
    "model_source_name",
)
VERSION_ARGS = {
    "author": "author",
    "version_description": "description",
    "metadata": "custom_properties",
}


class Registration(NamedTuple):
    """What one registration names: the model, the version and its model artifact."""

    model: reg.RegisteredModel
    version: reg.ModelVersion
    artifact: art.ModelArtifact


@dataclass(frozen=True)
class ModelSpec:
    """The arguments of one `register_model` call."""

    name: str
    version: str
    artifact: Mapping[str, Any]
    version_fields: Mapping[str, Any] = field(default_factory=dict)
    owner: str | None = None
    compared_version_args: frozenset[str] = frozenset()


def register(spec: ModelSpec) -> Flow[Registration]:
    done = yield from _register_at_once(spec)
    if done is not None:
        return done
    model = yield from _model(spec)
    version, created = yield from _version(spec, model)
    artifact = None if created else (yield from _find_artifact(spec, version))
    differences = [] if created else _version_differences(spec, version)
    if artifact is not None:
        differences += _artifact_differences(spec, artifact)
    if differences:
        raise AlreadyExists(
            f"model {spec.name!r} version {spec.version!r} is already registered with "
            f"different content: {'; '.join(differences)}"
        )
    if artifact is None:
        artifact = yield from _create_artifact(spec, version)
    return Registration(model, version, artifact)


def _register_at_once(spec: ModelSpec) -> Flow[Registration | None]:
    """All three in one request and one transaction, where the server offers it (modelreg's
    `POST /registrations`). None where it does not (upstream: 404 or 405), or when the
    version is already there (409): the step-by-step flow then compares what is registered
    and completes a registration that was interrupted half-way."""
    data = {
        "registeredModel": body(
            reg.RegisteredModelCreate,
            {"name": spec.name, "owner": spec.owner},
            what="register_model",
        ),
        "modelVersion": body(
            reg.RegistrationVersion,
            {"name": spec.version, **spec.version_fields},
            what="register_model",
        ),
        "modelArtifact": body(
            art.ModelArtifactCreate, {"name": spec.name, **spec.artifact}, what="register_model"
        ),
    }
    try:
        made = yield Call("POST", "/registrations", reg.Registration.model_validate, body=data)
    except (NotFound, AlreadyExists):
        return None
    except RegistryHTTPError as exc:
        if exc.status == HTTPStatus.METHOD_NOT_ALLOWED:
            return None
        raise
    return Registration(made.registered_model, made.model_version, made.model_artifact)


def _model(spec: ModelSpec) -> Flow[reg.RegisteredModel]:
    found = yield from get_registered_model(spec.name)
    if found is not None:
        return found
    try:
        return (yield from create_registered_model(spec.name, {"owner": spec.owner}))
    except AlreadyExists:  # registered by someone else meanwhile
        return (yield from require_registered_model(spec.name))


def _version(spec: ModelSpec, model: reg.RegisteredModel) -> Flow[tuple[reg.ModelVersion, bool]]:
    find = ep.find_model_version(name=spec.version, model_id=model.id)
    found = yield from or_none(find)
    if found is not None:
        return found, False
    try:
        created = yield from create_model_version(model.id, spec.version, spec.version_fields)
    except AlreadyExists:
        return (yield from single(find)), False
    return created, True


def _find_artifact(spec: ModelSpec, version: reg.ModelVersion) -> Flow[art.ModelArtifact | None]:
    found = yield from or_none(ep.find_model_artifact(name=spec.name, version_id=version.id))
    if found is not None:
        return found
    options = ep.ListOptions(page_size=1)
    page = yield from single(ep.list_artifacts(options, None, "model-artifact", version.id))
    first = page.items[0] if page.items else None
    return first if isinstance(first, art.ModelArtifact) else None


def _create_artifact(spec: ModelSpec, version: reg.ModelVersion) -> Flow[art.ModelArtifact]:
    data = body(
        art.ModelArtifactBody,
        {"name": spec.name, "artifact_type": "model-artifact", **spec.artifact},
        what="register_model",
    )
    try:
        created = yield from single(ep.upsert_version_artifact(version.id, data))
    except AlreadyExists:
        found = yield from _find_artifact(spec, version)
        if found is None:
            raise
        differences = _artifact_differences(spec, found)
        if differences:
            raise AlreadyExists(
                f"model {spec.name!r} version {spec.version!r} is already registered with "
                f"different content: {'; '.join(differences)}"
            ) from None
        return found
    assert isinstance(created, art.ModelArtifact)
    return created


def _version_differences(spec: ModelSpec, version: reg.ModelVersion) -> list[str]:
    out: list[str] = []
    for arg, field_name in VERSION_ARGS.items():
        given = spec.version_fields.get(field_name)
        if arg not in spec.compared_version_args or given is None:
            continue
        stored = getattr(version, field_name)
        if field_name == "custom_properties":
            out += _metadata_differences(stored, given)
        elif stored != given:
            out.append(_differs(arg, stored, given))
    return out


def _artifact_differences(spec: ModelSpec, artifact: BaseModel) -> list[str]:
    return [
        _differs(arg, getattr(artifact, arg), given)
        for arg in ARTIFACT_ARGS
        if (given := spec.artifact.get(arg)) is not None and getattr(artifact, arg) != given
    ]


def _metadata_differences(stored: Mapping[str, Any], given: Mapping[str, Any]) -> list[str]:
    have = from_metadata(stored)
    want = from_metadata(to_metadata(given))
    return [
        _differs(f"metadata[{key!r}]", have.get(key, _MISSING), want.get(key, _MISSING))
        for key in sorted(set(have) | set(want))
        if have.get(key, _MISSING) != want.get(key, _MISSING)
    ]


class _Missing:
    def __repr__(self) -> str:
        return "nothing"


_MISSING = _Missing()


def _differs(what: str, stored: Any, given: Any) -> str:
    return f"{what}: registered {stored!r}, given {given!r}"
