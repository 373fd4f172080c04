"""registry.update() of each kind, archiving included; every change must persist."""

from __future__ import annotations

import time
from typing import Any

from _support import Scenario, run
from model_registry.types import ArtifactState, ModelVersionState, RegisteredModelState


def _same_except_update_time(s: Scenario, after: Any, before: Any, what: str) -> None:
    a, b = after.model_dump(), before.model_dump()
    s.ok(
        int(a.pop("last_update_time_since_epoch")) >= int(b.pop("last_update_time_since_epoch")),
        f"{what}: lastUpdateTime went backwards",
    )
    s.eq(a, b, what)


def update_registered_model(s: Scenario, registry: Any, name: str) -> None:
    rm = registry.get_registered_model(name)
    created, updated = s.stamps(rm, "model before update")
    time.sleep(0.005)
    rm.description = "now described"
    rm.owner = "new-owner"
    rm.external_id = s.uid("rm-ext")
    rm.custom_properties = {"team": "vision", "stars": 5, "score": 0.5, "public": False}
    rm.state = RegisteredModelState.ARCHIVED
    returned = registry.update(rm)
    s.eq(returned.state, RegisteredModelState.ARCHIVED, "update returns the archived model")
    c2, u2 = s.stamps(returned, "updated model")
    s.eq(c2, created, "createTime does not change on update")
    s.ok(u2 > updated, f"lastUpdateTime moves forward on update ({updated} -> {u2})")

    again = registry.get_registered_model(name)
    s.eq(again.model_dump(), returned.model_dump(), "re-read model equals the update's result")
    s.eq(again.description, "now described", "model description persisted")
    s.eq(again.owner, "new-owner", "model owner persisted")
    s.eq(again.external_id, rm.external_id, "model externalId persisted")
    s.eq(dict(again.custom_properties), dict(rm.custom_properties), "model custom props")
    by_ext = registry.async_runner(
        registry._api.get_registered_model_by_params(external_id=rm.external_id)
    )
    s.eq(by_ext.id, rm.id, "the model is found by its new externalId")

    # A key left out of the map is removed: the client always sends the whole map.
    again.custom_properties = {"team": "nlp", "stars": "five"}
    registry.update(again)
    third = registry.get_registered_model(name)
    s.eq(dict(third.custom_properties), {"team": "nlp", "stars": "five"}, "replaced map")
    s.eq(third.state, RegisteredModelState.ARCHIVED, "an update that sends the state keeps it")

    # An empty map is not sent at all by the client, so the stored map stays.
    third.custom_properties = {}
    registry.update(third)
    fourth = registry.get_registered_model(name)
    s.eq(dict(fourth.custom_properties), {"team": "nlp", "stars": "five"}, "{} keeps the map")

    # "" is a value and is stored; None is not sent, so the client cannot clear a field.
    fourth.description = ""
    registry.update(fourth)
    s.eq(registry.get_registered_model(name).description, "", "an empty description is kept")
    fourth.description = None
    registry.update(fourth)
    s.eq(registry.get_registered_model(name).description, "", "None leaves the field alone")

    fourth.state = RegisteredModelState.LIVE
    registry.update(fourth)
    s.eq(registry.get_registered_model(name).state, RegisteredModelState.LIVE, "unarchived")

    # An unchanged object is a no-op apart from the update time.
    before = registry.get_registered_model(name)
    _same_except_update_time(s, registry.update(before), before, "no-op model update")


def update_model_version(s: Scenario, registry: Any, name: str) -> None:
    mv = registry.get_model_version(name, "v1")
    created, updated = s.stamps(mv, "version before update")
    time.sleep(0.005)
    mv.description = "archived version"
    mv.author = "someone-else"
    mv.external_id = s.uid("mv-ext")
    mv.custom_properties = {"accuracy": 0.91, "epochs": 10, "final": True, "framework": "pt"}
    mv.state = ModelVersionState.ARCHIVED
    returned = registry.update(mv)
    s.eq(returned.state, ModelVersionState.ARCHIVED, "update returns the archived version")
    c2, u2 = s.stamps(returned, "updated version")
    s.eq(c2, created, "version createTime unchanged")
    s.ok(u2 > updated, "version lastUpdateTime moves forward")

    again = registry.get_model_version(name, "v1")
    s.eq(again.model_dump(), returned.model_dump(), "re-read version equals the update's result")
    s.eq(again.state, ModelVersionState.ARCHIVED, "version archived")
    s.eq(again.description, "archived version", "version description persisted")
    s.eq(again.author, "someone-else", "version author persisted")
    s.eq(again.external_id, mv.external_id, "version externalId persisted")
    s.eq(again.registered_model_id, mv.registered_model_id, "version keeps its parent")
    s.eq(dict(again.custom_properties), dict(mv.custom_properties), "version custom props")
    by_ext = registry.async_runner(
        registry._api.get_model_version_by_params(external_id=mv.external_id)
    )
    s.eq(by_ext.id, mv.id, "the version is found by its new externalId")

    versions = [v.name for v in registry.get_model_versions(name)]
    s.eq(sorted(versions), ["v1", "v2"], "archived versions are still listed")

    again.state = ModelVersionState.LIVE
    registry.update(again)
    s.eq(registry.get_model_version(name, "v1").state, ModelVersionState.LIVE, "unarchived")
    other = registry.get_model_version(name, "v2")
    s.eq(other.state, ModelVersionState.LIVE, "the sibling version was not touched")
    s.eq(other.description, None, "the sibling's description was not touched")


def update_model_artifact(s: Scenario, registry: Any, name: str) -> None:
    ma = registry.get_model_artifact(name, "v1")
    created, updated = s.stamps(ma, "artifact before update")
    time.sleep(0.005)
    changes: dict[str, Any] = {
        "uri": "s3://bucket/moved/v1",
        "description": "moved artifact",
        "external_id": s.uid("ma-ext"),
        "model_format_name": "tensorflow",
        "model_format_version": "2.15",
        "storage_key": "other-connection",
        "storage_path": "moved/v1",
        "service_account_name": "other-sa",
        "model_source_kind": "notebook",
        "model_source_class": "cell",
        "model_source_group": "ns2",
        "model_source_id": "nb-9",
        "model_source_name": "exploration",
        "state": ArtifactState.LIVE,
        "custom_properties": {"size_mb": 120, "quantized": True, "ratio": 0.25, "sha": "abc"},
    }
    for key, value in changes.items():
        setattr(ma, key, value)
    returned = registry.update(ma)
    c2, u2 = s.stamps(returned, "updated artifact")
    s.eq(c2, created, "artifact createTime unchanged")
    s.ok(u2 > updated, "artifact lastUpdateTime moves forward")

    again = registry.get_model_artifact(name, "v1")
    s.eq(again.model_dump(), returned.model_dump(), "re-read artifact equals the update's result")
    s.eq(again.name, name, "the artifact keeps its name")
    for key, value in changes.items():
        got = getattr(again, key)
        s.eq(dict(got) if key == "custom_properties" else got, value, f"artifact {key} persisted")
    by_ext = registry.async_runner(
        registry._api.get_model_artifact_by_params(external_id=ma.external_id)
    )
    s.eq(by_ext.id, ma.id, "the artifact is found by its new externalId")

    # Artifacts have no ARCHIVED state; their "archive" is MARKED_FOR_DELETION / DELETED.
    for state in (ArtifactState.MARKED_FOR_DELETION, ArtifactState.DELETED, ArtifactState.PENDING):
        again.state = state
        registry.update(again)
        s.eq(registry.get_model_artifact(name, "v1").state, state, f"artifact state {state}")

    untouched = registry.get_model_artifact(name, "v2")
    s.eq(untouched.uri, "s3://bucket/orig/v2", "the other version's artifact was not touched")


def update_without_id(s: Scenario, registry: Any) -> None:
    from model_registry.exceptions import StoreError
    from model_registry.types import RegisteredModel

    s.raises(
        StoreError,
        lambda: registry.update(RegisteredModel(name="never-stored")),
        "update of an object that has no id",
        contains="id",
    )


def main(s: Scenario) -> None:
    registry = s.connect()
    name = s.uid("updates")
    for version in ("v1", "v2"):
        registry.register_model(
            name,
            f"s3://bucket/orig/{version}",
            model_format_name="onnx",
            model_format_version="1",
            version=version,
            metadata={"k": "v"},
        )
    update_registered_model(s, registry, name)
    update_model_version(s, registry, name)
    update_model_artifact(s, registry, name)
    update_without_id(s, registry)


if __name__ == "__main__":
    run("updates", main)
