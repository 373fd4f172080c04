"""Embedded mode's machinery: the portal, threads, closing, start-up problems."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from modelreg import Registry, Unavailable
from modelreg.client import embedded
from modelreg.client.embedded import Portal, PortalTransport

FRAUD = {"model_format_name": "onnx", "model_format_version": "1", "version": "1"}


def test_one_embedded_registry_serves_many_threads(tmp_path: Path) -> None:
    with Registry.local(f"sqlite:///{tmp_path / 'r.db'}") as registry:

        def register(i: int) -> str:
            return registry.register(f"m{i % 3}", f"s3://m{i % 3}", **FRAUD).version.id

        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(register, range(24)))
        assert len(set(ids)) == 3
        assert len(registry.get_registered_models().all()) == 3


def test_a_closed_embedded_registry_is_unavailable(tmp_path: Path) -> None:
    portal = Portal.for_database(f"sqlite:///{tmp_path / 'r.db'}")
    with Registry(portal.base_url, transport=PortalTransport(portal)) as registry:
        registry.create_registered_model("m")
        portal.close()
        portal.close()
        with pytest.raises(Unavailable, match="embedded registry is closed"):
            registry.get_registered_model("m")
    closed = Registry.local(f"sqlite:///{tmp_path / 'r.db'}")
    closed.close()
    closed.close()


async def _no_lifespan_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        raise RuntimeError("lifespan is not supported")
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b'{"id": "7", "name": "plain"}'})


def test_any_asgi_app_works_even_without_lifespan_support() -> None:
    portal = Portal(_no_lifespan_app)
    with Registry(portal.base_url, transport=PortalTransport(portal)) as registry:
        assert registry.get_registered_model_by_id("7").name == "plain"
    assert not portal._thread.is_alive()


async def _never_ready(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await receive()
    await asyncio.sleep(30)


def test_an_app_that_never_starts_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "START_TIMEOUT", 0.2)
    with pytest.raises(Unavailable, match="did not start"):
        Portal(_never_ready)
