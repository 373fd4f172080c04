"""Embedded mode: the registry's ASGI app in this process, reached without a network.

`Portal` runs an ASGI application, with its lifespan, on a private event loop in a daemon
thread. `PortalTransport` (for `httpx.Client`) and `AsyncPortalTransport` (for
`httpx.AsyncClient`) hand each request to that loop through `httpx.ASGITransport` and
wait for the answer. Keeping the app on its own loop is what makes the same object usable
from plain code, from threads and from inside a running event loop (a notebook cell, an
async web handler) without patching anything; the cost is one thread hop per call, small
next to a database round trip.

`Portal.for_database(url)` builds the server's app (`modelreg.server.create_app`) on a
database URL; this is the only place the SDK touches server code, imported on demand so
that `import modelreg` needs neither FastAPI nor SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TypeVar

import httpx

from modelreg.errors import Unavailable

T = TypeVar("T")
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
    Awaitable[None],
]
BASE_URL = "http://modelreg.embedded"
START_TIMEOUT = 30.0


class Portal:
    """An ASGI app and its lifespan on a private event loop thread."""

    def __init__(self, app: ASGIApp, base_url: str = BASE_URL) -> None:
        self.app = app
        self.base_url = base_url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="modelreg-embedded", daemon=True
        )
        self._thread.start()
        self._lifespan = _Lifespan(app)
        self._users = 0
        self._lock = threading.Lock()
        future = asyncio.run_coroutine_threadsafe(self._lifespan.startup(), self._loop)
        try:
            future.result(START_TIMEOUT)
        except TimeoutError:
            self._abandon()
            raise Unavailable(
                f"the embedded registry did not start within {START_TIMEOUT:.0f} s: its "
                "database is not ready (the log says why)"
            ) from None
        except BaseException:
            self._stop_loop()
            raise
        atexit.register(self.close)  # shut the app down cleanly if nobody closed it

    @classmethod
    def for_database(cls, database_url: str) -> Portal:
        """The registry server's app on `database_url` (migrated), started."""
        try:
            from modelreg.config import Settings
            from modelreg.server.app import create_app
        except ImportError as exc:  # pragma: no cover - depends on the installed extras
            raise ImportError(
                f"embedded mode needs the server extra: pip install 'modelreg[server]' ({exc})"
            ) from exc
        settings = Settings(database_url=database_url, migrate_on_start=True)
        return cls(create_app(settings))

    def call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the portal's loop and wait for its result (any thread)."""
        if not self._thread.is_alive():
            coroutine.close()
            raise Unavailable("the embedded registry is closed")
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def acall(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the portal's loop, awaited from another loop."""
        if not self._thread.is_alive():
            coroutine.close()
            raise Unavailable("the embedded registry is closed")
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return await asyncio.wrap_future(future)

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """Drop one user; the last one closes the portal."""
        with self._lock:
            self._users -= 1
            last = self._users <= 0
        if last:
            self.close()

    def close(self) -> None:
        """Shut the app down (its lifespan) and stop the loop; idempotent."""
        atexit.unregister(self.close)
        with self._lock:
            if not self._thread.is_alive():
                return
            try:
                self.call(self._lifespan.shutdown())
            finally:
                self._stop_loop()

    def _abandon(self) -> None:
        """Stop a loop whose app may be stuck; a thread that does not end is left (daemon)."""
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(1.0)
        if not self._thread.is_alive():
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    def _stop_loop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class _Lifespan:
    """Drives the ASGI lifespan protocol: startup before the first request, then shutdown."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inbox: asyncio.Queue[Message] = asyncio.Queue()
        self._outbox: asyncio.Queue[Message] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        scope: Scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        try:
            await self.app(scope, self._inbox.get, self._send)
        except Exception:  # an app without lifespan support raises (ASGI spec): run without
            await self._outbox.put({"type": "lifespan.unsupported"})

    async def _send(self, message: Message) -> None:
        await self._outbox.put(message)

    async def _exchange(self, kind: str) -> None:
        await self._inbox.put({"type": f"lifespan.{kind}"})
        answer = await self._outbox.get()
        if answer["type"] == "lifespan.unsupported":
            self._task = None
            return
        if answer["type"] != f"lifespan.{kind}.complete":
            raise RuntimeError(f"embedded registry {kind} failed: {answer.get('message', '')}")

    async def startup(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())
        await self._exchange("startup")

    async def shutdown(self) -> None:
        if self._task is None or self._task.done():
            return
        await self._exchange("shutdown")
        await self._task


async def _handle(
    inner: httpx.ASGITransport, method: str, url: httpx.URL, headers: httpx.Headers, content: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    request = httpx.Request(method, url, headers=headers, content=content)
    response = await inner.handle_async_request(request)
    body = await response.aread()
    return response.status_code, response.headers.raw, body


class PortalTransport(httpx.BaseTransport):
    """`httpx.Client` transport into a `Portal`'s app; closing it releases the portal."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self._inner = httpx.ASGITransport(app=portal.app)
        self._closed = False
        portal.acquire()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()
        status, headers, body = self.portal.call(
            _handle(self._inner, request.method, request.url, request.headers, content)
        )
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.portal.release()


class AsyncPortalTransport(httpx.AsyncBaseTransport):
    """`httpx.AsyncClient` transport into a `Portal`'s app, usable from any event loop."""

    def __init__(self, portal: Portal) -> None:
        self.portal = portal
        self._inner = httpx.ASGITransport(app=portal.app)
        self._closed = False
        portal.acquire()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        content = await request.aread()
        status, headers, body = await self.portal.acall(
            _handle(self._inner, request.method, request.url, request.headers, content)
        )
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            await asyncio.to_thread(self.portal.release)
