"""`AsyncRegistry` against the same three registries: the same calls, awaited."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from modelreg import AlreadyExists, AsyncRegistry, NotFound, from_metadata
from modelreg.schemas.enums import ContextState
from modelreg.storage.store import Store

FRAUD = {"model_format_name": "onnx", "model_format_version": "1", "version": "1.0.0"}


def test_async_registration_reads_pagers_and_errors(
    make_async: Callable[[], AsyncRegistry],
) -> None:
    async def scenario() -> None:
        async with make_async() as registry:
            model = await registry.register_model("fraud", "s3://m/1", **FRAUD, metadata={"a": 1})
            again = await registry.register_model("fraud", "s3://m/1", **FRAUD)
            assert again == model
            with pytest.raises(AlreadyExists, match="uri"):
                await registry.register_model("fraud", "s3://m/2", **FRAUD)
            version = await registry.get_model_version("fraud", "1.0.0")
            assert from_metadata(version.custom_properties) == {"a": 1}
            artifact = await registry.get_model_artifact("fraud", "1.0.0")
            assert artifact.uri == "s3://m/1"
            for i in range(3):
                await registry.create_registered_model(f"extra-{i}")
            names = [m.name async for m in registry.get_registered_models(page_size=2)]
            assert names == ["fraud", "extra-0", "extra-1", "extra-2"]
            pages = [len(p) async for p in registry.get_registered_models().page_size(3).pages()]
            assert pages == [3, 1]
            versions = await registry.get_model_versions("fraud").all()
            assert [v.name for v in versions] == ["1.0.0"]
            assert (await registry.archive(model)).state == ContextState.ARCHIVED
            assert await registry.get_registered_model("nope") is None
            with pytest.raises(NotFound):
                await registry.get_model_versions("nope").all()

    asyncio.run(scenario())


def test_async_clients_run_concurrently(
    make_async: Callable[[], AsyncRegistry], store: Store
) -> None:
    async def scenario() -> None:
        async with make_async() as registry:
            spec = dict(FRAUD)
            results = await asyncio.gather(
                *(registry.register("same", "s3://same", **spec) for _ in range(4))
            )
            assert len({r.version.id for r in results}) == 1
            assert len({r.artifact.id for r in results}) == 1

    asyncio.run(scenario())


def test_async_local_embedded_mode(database_url: str, store: Store) -> None:
    async def scenario() -> None:
        async with AsyncRegistry.local(database_url) as registry:
            await registry.create_registered_model("embedded")
            assert (await registry.get_registered_model("embedded")).name == "embedded"

    asyncio.run(scenario())
