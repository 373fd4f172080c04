"""Duplicates raise clear errors; lookups of missing things return None (or the client's
own StoreError where the client looks a parent up first)."""

from __future__ import annotations

import json
from typing import Any

from _support import Scenario, run
from model_registry.exceptions import StoreError
from model_registry.types import ModelArtifact, ModelVersion, RegisteredModel
from mr_openapi.exceptions import ApiException


def _register(registry: Any, name: str, version: str, uri: str = "s3://b/m") -> Any:
    return registry.register_model(
        name, uri, model_format_name="onnx", model_format_version="1", version=version
    )


def _conflict(s: Scenario, exc: BaseException, what: str) -> dict[str, Any]:
    """A 409 whose body is the upstream error shape and says the name is taken."""
    s.ok(isinstance(exc, ApiException), f"{what}: {type(exc).__name__} is not an ApiException")
    assert isinstance(exc, ApiException)
    s.eq(exc.status, 409, f"{what}: status")
    body = json.loads(exc.body)
    s.eq(sorted(body), ["code", "message"], f"{what}: error body keys")
    s.eq(body["code"], "Conflict", f"{what}: error code")
    s.ok("already exists" in body["message"], f"{what}: message {body['message']!r}")
    return dict(body)


def duplicates(s: Scenario, registry: Any) -> None:
    name = s.uid("dup")
    rm = _register(registry, name, "v1")

    # The client checks first and raises its own error, naming the version.
    exc = s.raises(
        StoreError,
        lambda: _register(registry, name, "v1", "s3://b/other"),
        "registering the same version again",
        contains="already exists",
    )
    s.ok("v1" in str(exc), f"the duplicate error names the version: {exc}")
    s.eq(
        [v.name for v in registry.get_model_versions(name)],
        ["v1"],
        "the failed registration added no version",
    )
    s.eq(
        registry.get_model_artifact(name, "v1").uri,
        "s3://b/m",
        "the failed registration left the artifact alone",
    )

    # Same name, new version: the model is reused, not duplicated.
    again = _register(registry, name, "v2")
    s.eq(again.id, rm.id, "a new version of a known model reuses the model")

    # Past the client's own check, the server answers 409 with a clear message.
    run_ = registry.async_runner
    api = registry._api
    exc = s.raises(
        ApiException,
        lambda: run_(api.upsert_registered_model(RegisteredModel(name=name))),
        "creating a registered model with a taken name",
    )
    _conflict(s, exc, "duplicate registered model")
    exc = s.raises(
        ApiException,
        lambda: run_(api.upsert_model_version(ModelVersion(name="v1", author="x"), rm.id)),
        "creating a model version with a taken name",
    )
    s.extra["duplicate_version_message"] = _conflict(s, exc, "duplicate version")["message"]
    mv = registry.get_model_version(name, "v1")
    exc = s.raises(
        ApiException,
        lambda: run_(
            api.upsert_model_version_artifact(ModelArtifact(name=name, uri="s3://x"), mv.id)
        ),
        "creating a second model artifact of the same name in one version",
    )
    _conflict(s, exc, "duplicate artifact")

    # The same version name under another model is fine: names are per parent.
    other = s.uid("dup-other")
    _register(registry, other, "v1")
    s.eq(registry.get_model_version(other, "v1").name, "v1", "same version name, other model")

    # externalId is unique: taking one that another model has is a 409.
    first = registry.get_registered_model(name)
    first.external_id = s.uid("ext")
    registry.update(first)
    second = registry.get_registered_model(other)
    second.external_id = first.external_id
    exc = s.raises(ApiException, lambda: registry.update(second), "a taken externalId")
    s.eq(getattr(exc, "status", None), 409, "taken externalId: status")
    s.eq(
        registry.get_registered_model(other).external_id, None, "the failed update changed nothing"
    )


def missing(s: Scenario, registry: Any) -> None:
    name = s.uid("missing")
    ghost = s.uid("ghost")
    rm = _register(registry, name, "v1")
    run_ = registry.async_runner
    api = registry._api

    s.eq(registry.get_registered_model(ghost), None, "missing model name -> None")
    s.eq(registry.get_model_version(name, "v404"), None, "missing version -> None")
    bare = run_(api.upsert_model_version(ModelVersion(name="bare", author="x"), rm.id))
    s.eq(registry.get_model_artifact(name, "bare"), None, "version without artifact -> None")

    # Where the client must first find a parent, it raises its own StoreError instead.
    s.raises(
        StoreError,
        lambda: registry.get_model_version(ghost, "v1"),
        "version of a missing model",
        contains="does not exist",
    )
    s.raises(
        StoreError,
        lambda: registry.get_model_artifact(name, "v404"),
        "artifact of a missing version",
        contains="does not exist",
    )
    s.raises(
        StoreError,
        lambda: registry.get_model_versions(ghost),
        "versions of a missing model",
        contains="does not exist",
    )

    # Lookups by id and by externalId through the client's API object.
    for what, call in {
        "model by id": api.get_registered_model_by_id("2147483000"),
        "version by id": api.get_model_version_by_id("2147483000"),
        "artifact by id": api.get_model_artifact_by_id("2147483000"),
        "model by externalId": api.get_registered_model_by_params(external_id=ghost),
        "version by externalId": api.get_model_version_by_params(external_id=ghost),
        "artifact by externalId": api.get_model_artifact_by_params(external_id=ghost),
        "version by name in another model": api.get_model_version_by_params(rm.id, "ghost"),
        "artifact by name in a version": api.get_model_artifact_by_params(ghost, bare.id),
    }.items():
        s.eq(run_(call), None, f"missing {what} -> None")

    # An id of another kind is not found either (versions and models share one id space).
    s.eq(run_(api.get_registered_model_by_id(bare.id)), None, "a version's id is no model")
    s.eq(run_(api.get_model_version_by_id(rm.id)), None, "a model's id is no version")


def exact_names(s: Scenario, registry: Any) -> None:
    """Names and externalIds match exactly: no case folding, no wildcards, and no padding
    (MySQL/MariaDB compare `'x' = 'x '` as equal; a lookup must still not return 'x')."""
    run_ = registry.async_runner
    api = registry._api
    base = s.uid("Exact")
    rm = _register(registry, base, "v1")
    for variant in (base + " ", base.lower(), base.upper(), base[:-1] + "_", base[:-1] + "%"):
        s.eq(registry.get_registered_model(variant), None, f"no model named {variant!r}")
    for variant in ("v1 ", "V1", "v_", "v%"):
        s.eq(registry.get_model_version(base, variant), None, f"no version named {variant!r}")
    fresh = registry.get_registered_model(base)
    fresh.external_id = base + "-ext"
    registry.update(fresh)
    for variant in (base + "-ext ", base + "-EXT", base + "-ex_"):
        found = run_(api.get_registered_model_by_params(external_id=variant))
        s.eq(found, None, f"no model with externalId {variant!r}")

    # Names differing in case are different models on every backend.
    lower = _register(registry, base.lower(), "v1")
    s.ok(lower.id != rm.id, "a name differing only in case is another model")
    s.eq(registry.get_registered_model(base).id, rm.id, "each name finds its own model")

    # A trailing space: another model on every backend (MySQL/MariaDB tables use a NO PAD
    # collation), never a version silently added to the unpadded model.
    padded = base + " "
    other = _register(registry, padded, "v2")
    s.ok(other.id != rm.id, "a name with a trailing space is another model")
    s.eq(registry.get_registered_model(padded).name, padded, "found by its own name")
    s.eq(
        [v.name for v in registry.get_model_versions(base)],
        ["v1"],
        "the unpadded model got no version meant for the padded name",
    )


def main(s: Scenario) -> None:
    registry = s.connect()
    duplicates(s, registry)
    missing(s, registry)
    exact_names(s, registry)


if __name__ == "__main__":
    run("missing_and_duplicates", main)
