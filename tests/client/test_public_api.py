"""The public API: `modelreg.__all__` is pinned, both clients match, the SDK stays light."""

from __future__ import annotations

import inspect
import subprocess
import sys

import modelreg
from modelreg import AsyncRegistry, Registry

PUBLIC = [
    "AlreadyExists",
    "Artifact",
    "AsyncPager",
    "AsyncRegistry",
    "Conflict",
    "DataSet",
    "DocArtifact",
    "InvalidArgument",
    "Metric",
    "MissingField",
    "ModelArtifact",
    "ModelRegError",
    "ModelVersion",
    "NotFound",
    "Pager",
    "Parameter",
    "PermissionDenied",
    "RegisteredModel",
    "Registration",
    "Registry",
    "RegistryHTTPError",
    "Unauthenticated",
    "Unavailable",
    "__version__",
    "from_metadata",
    "to_metadata",
]
SYNC_ONLY = {"close"}
ASYNC_ONLY = {"aclose"}


def test_the_public_api_is_pinned() -> None:
    assert modelreg.__all__ == PUBLIC
    for name in PUBLIC:
        assert getattr(modelreg, name) is not None


def test_the_pagers_and_runs_are_importable_where_they_were() -> None:
    from modelreg import client
    from modelreg.client import pager, tracking

    assert pager.Pager is client.Pager is modelreg.Pager
    assert pager.AsyncPager is client.AsyncPager is modelreg.AsyncPager
    assert tracking.ActiveExperimentRun is client.ActiveExperimentRun
    assert tracking.AsyncActiveExperimentRun is client.AsyncActiveExperimentRun
    assert tracking.RunInfo is client.RunInfo
    assert tracking.AsyncRunStart is not None


def _public(cls: type) -> dict[str, object]:
    return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")}


def test_both_clients_offer_the_same_calls_with_the_same_arguments() -> None:
    sync, aio = _public(Registry), _public(AsyncRegistry)
    assert set(sync) - SYNC_ONLY == set(aio) - ASYNC_ONLY
    for name in set(sync) - SYNC_ONLY:
        if not callable(sync[name]):
            continue
        sync_sig, async_sig = inspect.signature(sync[name]), inspect.signature(aio[name])
        assert list(sync_sig.parameters) == list(async_sig.parameters), name
        for param in sync_sig.parameters.values():
            assert param.default == async_sig.parameters[param.name].default, (name, param)
        returns_pager = "Pager" in str(sync_sig.return_annotation)
        # start_experiment_run answers an object to await or to use in `async with`
        if not returns_pager and name not in ("local", "start_experiment_run"):
            assert inspect.iscoroutinefunction(aio[name]), name


def test_upstreams_register_model_arguments_are_kept() -> None:
    upstream = [
        "name", "uri", "model_format_name", "model_format_version", "version", "storage_key",
        "storage_path", "service_account_name", "model_source_kind", "model_source_class",
        "model_source_group", "model_source_id", "model_source_name", "author", "owner",
        "version_description", "description", "metadata",
    ]  # fmt: skip
    params = inspect.signature(Registry.register_model).parameters
    assert [p for p in params if p != "self"] == upstream


def _imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_import_modelreg_is_cheap() -> None:
    loaded = _imported_after("import modelreg")
    assert not {"httpx", "pydantic", "fastapi", "sqlalchemy"} & loaded


def test_the_sdk_needs_no_server_code() -> None:
    loaded = _imported_after("import modelreg; modelreg.Registry")
    forbidden = {"fastapi", "starlette", "sqlalchemy", "alembic", "uvicorn"}
    assert not forbidden & loaded
    assert not {m for m in loaded if m.startswith(("modelreg.server", "modelreg.storage"))}
