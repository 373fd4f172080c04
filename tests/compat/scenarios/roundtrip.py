"""register_model with every field the client offers, then read everything back exactly."""

from __future__ import annotations

import inspect
import warnings
from typing import Any

from _support import Scenario, run
from model_registry.types import ArtifactState, ModelVersionState, RegisteredModelState

# One value per type the client maps to a MetadataValue (str, int, float, bool), plus
# edges: empty and non-ASCII text, zero, negative and extreme numbers, False. The client
# itself refuses integers of more than 9 digits (its MetadataIntValue pattern).
METADATA: dict[str, Any] = {
    "str": "hello",
    "str_empty": "",
    "str_unicode": 'héllo ✓ 日本 "quoted" \\ /slash\nnewline',
    "int": 42,
    "int_zero": 0,
    "int_negative": -7,
    "int_max": 999_999_999,
    "int_min": -999_999_999,
    "float": 0.1,
    "float_negative": -1234.5678,
    "float_tiny": 1e-300,
    "float_huge": 6.02214076e23,
    "float_whole": 3.0,
    "float_max": 1.7976931348623157e308,
    "float_min_normal": 2.2250738585072014e-308,
    "float_precise": 1.2345678901234567,
    "bool_true": True,
    "bool_false": False,
    "key with spaces/and.dots": "k",
    "ключ-ü-🔑": "unicode key",
    "str_long": "ü✓" * 50_000,  # 250 kB of UTF-8: more than a MySQL TEXT holds
}


def register_all_fields(s: Scenario, registry: Any) -> None:
    name = s.uid("roundtrip") + " spaced/ü"
    version = "1.0:rc/1 ü"
    fields: dict[str, Any] = {
        "version": version,
        "model_format_name": "onnx",
        "model_format_version": "1.14",
        "storage_key": "my-data-connection",
        "storage_path": "models/roundtrip/1",
        "service_account_name": "sa-models",
        "model_source_kind": "kfp",
        "model_source_class": "pipelinerun",
        "model_source_group": "team-ns",
        "model_source_id": "run-123",
        "model_source_name": "train pipeline",
        "author": "author-ada",
        "owner": "owner-grace",
        "version_description": "first version, described",
        "metadata": METADATA,
    }
    uri = "s3://bucket/models/roundtrip/1?endpoint=http%3A%2F%2Fminio%3A9000&region=eu"

    offered = set(inspect.signature(registry.register_model).parameters)
    missing = offered - set(fields) - {"name", "uri", "description"}
    s.ok(not missing, f"register_model offers fields this scenario does not set: {missing}")

    rm = registry.register_model(name, uri, **fields)
    s.eq(rm.name, name, "returned model name")
    s.eq(rm.owner, "owner-grace", "returned model owner")

    got_rm = registry.get_registered_model(name)
    s.ok(got_rm is not None, "get_registered_model finds the model")
    s.eq(got_rm.model_dump(), rm.model_dump(), "the model read back equals the one returned")
    s.eq(got_rm.id, rm.id, "model id")
    s.eq(got_rm.state, RegisteredModelState.LIVE, "model state defaults to LIVE")
    s.eq(got_rm.description, None, "model description is unset")
    s.eq(got_rm.external_id, None, "model externalId is unset")
    s.eq(got_rm.custom_properties, None, "model has no custom properties")
    s.stamps(got_rm, "model")

    mv = registry.get_model_version(name, version)
    s.ok(mv is not None, "get_model_version finds the version")
    s.eq(mv.name, version, "version name (with ':' and '/')")
    s.eq(mv.author, "author-ada", "version author")
    s.eq(mv.description, "first version, described", "version description")
    s.eq(mv.state, ModelVersionState.LIVE, "version state defaults to LIVE")
    s.eq(mv.external_id, None, "version externalId is unset")
    s.eq(mv.registered_model_id, rm.id, "version registeredModelId")
    s.eq(dict(mv.custom_properties or {}), METADATA, "version metadata, value and type")
    s.stamps(mv, "version")

    ma = registry.get_model_artifact(name, version)
    s.ok(ma is not None, "get_model_artifact finds the artifact")
    expected = {
        "name": name,
        "uri": uri,
        "description": None,
        "external_id": None,
        "state": ArtifactState.UNKNOWN,
        "custom_properties": None,
        **{k: v for k, v in fields.items() if k.startswith(("model_", "storage_", "service_"))},
    }
    for key, value in expected.items():
        s.eq(getattr(ma, key), value, f"artifact {key}")
    for key in ("experiment_id", "experiment_run_id"):  # only 0.3.9 knows these
        s.eq(getattr(ma, key, None), None, f"artifact {key}")
    s.stamps(ma, "artifact")
    s.extra["metadata_keys"] = len(METADATA)


def minimal_and_deprecated(s: Scenario, registry: Any) -> None:
    """Only the required fields; and the deprecated `description` alias of the version's."""
    name = s.uid("minimal")
    registry.register_model(
        name,
        "oci://quay.io/org/model:1",
        model_format_name="pt",
        model_format_version="2",
        version="v1",
    )
    mv = registry.get_model_version(name, "v1")
    s.eq(mv.author, "compat-author", "author defaults to the client's author")
    s.eq(mv.custom_properties, None, "no metadata -> no custom properties")
    s.eq(mv.description, None, "no description")
    rm = registry.get_registered_model(name)
    s.eq(rm.owner, "compat-author", "owner defaults to the client's author")
    ma = registry.get_model_artifact(name, "v1")
    for key in ("storage_key", "storage_path", "service_account_name", "model_source_kind"):
        s.eq(getattr(ma, key), None, f"unset artifact {key}")
    s.eq(ma.uri, "oci://quay.io/org/model:1", "artifact uri")

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        registry.register_model(
            name,
            "oci://quay.io/org/model:2",
            model_format_name="pt",
            model_format_version="2",
            version="v2",
            description="via the deprecated alias",
        )
    s.ok(any(w.category is DeprecationWarning for w in caught), "description is deprecated")
    mv2 = registry.get_model_version(name, "v2")
    s.eq(mv2.description, "via the deprecated alias", "description lands on the version")
    s.eq(mv2.registered_model_id, rm.id, "a second version reuses the registered model")


def main(s: Scenario) -> None:
    registry = s.connect()
    register_all_fields(s, registry)
    minimal_and_deprecated(s, registry)


if __name__ == "__main__":
    run("roundtrip", main)
