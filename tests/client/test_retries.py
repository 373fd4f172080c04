"""Retries, through both clients: every scenario runs on `Registry` and on `AsyncRegistry`.

The registry is an `httpx.MockTransport` answering from a script. The clients' `sleep` (time's
in sync.py, asyncio's in aio.py) is replaced by one that records the wait and returns at once,
so the tests see every delay and never sleep; the async one is awaited like the real one.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from modelreg import AsyncRegistry, Registry, Unavailable

from .scripted import MODEL, Recorder, error

URL = "http://registry.test"
Use = Callable[[Any], Any]
"""What to do with the client: `lambda registry: registry.get_...(...)` serves both clients,
since an async call's coroutine is awaited."""


class Clients:
    """Runs one use of a client of one kind on a scripted transport, recording the waits."""

    def __init__(self, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.kind = kind
        self.waits: list[float] = []

        async def async_sleep(seconds: float) -> None:
            self.waits.append(seconds)

        fake = self.waits.append if kind == "sync" else async_sleep
        monkeypatch.setattr(importlib.import_module(f"modelreg.client.{kind}"), "sleep", fake)

    def run(self, recorder: Recorder, use: Use, **options: Any) -> Any:
        options = {"retries": 3, "backoff": 0.0, **options}
        transport = httpx.MockTransport(recorder)
        if self.kind == "sync":
            with Registry(URL, transport=transport, **options) as registry:
                return use(registry)

        async def scenario() -> Any:
            async with AsyncRegistry(URL, transport=transport, **options) as registry:
                result = use(registry)
                return await result if inspect.isawaitable(result) else result

        return asyncio.run(scenario())


@pytest.fixture(params=["sync", "aio"])
def clients(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Clients:
    return Clients(request.param, monkeypatch)


def read(registry: Any) -> Any:
    return registry.get_registered_model_by_id("1")


def create(registry: Any) -> Any:
    return registry.create_registered_model("m")


def test_reads_are_retried_on_503_and_then_succeed(clients: Clients) -> None:
    recorder = Recorder(
        error(503, "db down"), error(503, "db down"), httpx.Response(200, json=MODEL)
    )
    assert clients.run(recorder, read).name == "m"
    assert len(recorder.requests) == 3
    assert len(clients.waits) == 2


def test_patches_are_retried_but_creates_are_not(clients: Clients) -> None:
    recorder = Recorder(error(503, "down"), httpx.Response(200, json=MODEL))
    clients.run(recorder, lambda registry: registry.update_registered_model("1", description="d"))
    assert [r.method for r in recorder.requests] == ["PATCH", "PATCH"]
    refused = Recorder(error(503, "down"), httpx.Response(201, json=MODEL))
    with pytest.raises(Unavailable, match="down"):
        clients.run(refused, create)
    assert len(refused.requests) == 1
    assert len(clients.waits) == 1  # the PATCH's only


def test_retries_give_up_with_unavailable(clients: Clients) -> None:
    recorder = Recorder(error(503, "the database is unreachable"))
    with pytest.raises(Unavailable, match="unreachable"):
        clients.run(recorder, read, retries=2)
    assert len(recorder.requests) == 3
    assert len(clients.waits) == 2


def test_no_retries_means_one_attempt(clients: Clients) -> None:
    recorder = Recorder(error(502, "bad gateway"), httpx.Response(200, json=MODEL))
    with pytest.raises(Unavailable, match="bad gateway"):
        clients.run(recorder, read, retries=0)
    assert len(recorder.requests) == 1
    assert clients.waits == []


def test_connection_errors_are_retried_even_for_creates(clients: Clients) -> None:
    refused = httpx.ConnectError("connection refused")
    recorder = Recorder(refused, refused, httpx.Response(201, json=MODEL))
    assert clients.run(recorder, create).id == "1"
    assert len(recorder.requests) == 3
    assert len(clients.waits) == 2


def test_a_timeout_is_retried_on_a_read_but_not_on_a_create(clients: Clients) -> None:
    recorder = Recorder(httpx.ReadTimeout("slow"), httpx.Response(200, json=MODEL))
    assert clients.run(recorder, read).name == "m"
    assert len(recorder.requests) == 2
    sent = Recorder(httpx.ReadTimeout("slow"), httpx.Response(201, json=MODEL))
    with pytest.raises(Unavailable, match="no answer"):
        clients.run(sent, create)
    assert len(sent.requests) == 1  # the create may have been applied: never sent twice
    assert len(clients.waits) == 1


def test_an_unreachable_server_is_unavailable_naming_it(clients: Clients) -> None:
    recorder = Recorder(httpx.ConnectError("refused"))
    with pytest.raises(Unavailable, match=r"cannot reach the registry at http://registry.test"):
        clients.run(recorder, lambda registry: registry.get_registered_models().all(), retries=1)
    assert len(recorder.requests) == 2


def test_retry_after_is_honoured_up_to_30_seconds(clients: Clients) -> None:
    recorder = Recorder(
        error(503, "busy", **{"Retry-After": "2"}),
        error(503, "busy", **{"Retry-After": "3600"}),
        error(503, "busy", **{"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}),
        httpx.Response(200, json=MODEL),
    )
    assert clients.run(recorder, read, backoff=0.25).name == "m"
    # a date is not read: the backoff applies (third attempt: 0.25 * 4, halved by jitter)
    assert clients.waits[:2] == [2.0, 30.0]
    assert 0.5 <= clients.waits[2] <= 1.0


def test_backoff_doubles_with_jitter(clients: Clients) -> None:
    recorder = Recorder(error(503, "down"))
    with pytest.raises(Unavailable):
        clients.run(recorder, read, retries=3, backoff=1.0)
    first, second, third = clients.waits
    assert 0.5 <= first <= 1 and 1 <= second <= 2 and 2 <= third <= 4


def test_the_async_client_waits_without_blocking_its_loop() -> None:
    """The real asyncio sleep: other tasks run while a call waits for its retry."""
    recorder = Recorder(
        error(503, "busy", **{"Retry-After": "0.2"}), httpx.Response(200, json=MODEL)
    )
    ticks = 0

    async def tick(until: asyncio.Event) -> None:
        nonlocal ticks
        while not until.is_set():
            ticks += 1
            await asyncio.sleep(0.01)

    async def scenario() -> str:
        done = asyncio.Event()
        ticker = asyncio.create_task(tick(done))
        transport = httpx.MockTransport(recorder)
        async with AsyncRegistry(URL, transport=transport) as registry:
            model = await registry.get_registered_model_by_id("1")
        done.set()
        await ticker
        return model.name

    started = time.monotonic()
    assert asyncio.run(scenario()) == "m"
    assert time.monotonic() - started >= 0.2
    assert len(recorder.requests) == 2
    assert ticks >= 5
