"""One SDK test suite, three ways in: `registry` is parametrized over

- `app`: the server's app in-process, through the SDK's ASGI transport;
- `server`: a real `modelreg serve` process over HTTP (marked `e2e`);
- `embedded`: `Registry.local(database_url)`.

Each runs on every configured database; the `store` fixture empties it after each test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from modelreg.client import AsyncRegistry, Registry
from modelreg.client.embedded import AsyncPortalTransport, Portal
from modelreg.storage.store import Store
from tests.e2e.conftest import running_server

from .harness import AUTHOR, MODES, app_portal, emptied, in_process, over_http


@pytest.fixture(scope="session")
def session_portal(session_store: Store) -> Iterator[Portal]:
    yield from app_portal(session_store)


@pytest.fixture(scope="session")
def server_url(database_url: str, session_store: Store) -> Iterator[str]:
    with running_server(database_url) as (base, _process):
        yield base


@pytest.fixture(scope="session")
def embedded_portal(database_url: str, session_store: Store) -> Iterator[Portal]:
    portal = Portal.for_database(database_url)
    portal.acquire()
    yield portal
    portal.release()


@pytest.fixture(scope="session", params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
def session_registry(
    mode: str, request: pytest.FixtureRequest, database_url: str, session_store: Store
) -> Iterator[Registry]:
    if mode == "app":
        registry = in_process(request.getfixturevalue("session_portal"))
    elif mode == "server":
        registry = over_http(request.getfixturevalue("server_url"))
    else:
        registry = Registry.local(database_url, author=AUTHOR)
    with registry:
        yield registry


@pytest.fixture
def registry(session_registry: Registry, store: Store) -> Registry:
    emptied(store)
    return session_registry


@pytest.fixture
def make_async(
    mode: str, request: pytest.FixtureRequest, store: Store
) -> Callable[[], AsyncRegistry]:
    """Builds an `AsyncRegistry` for the current event loop (call it inside the loop)."""
    emptied(store)
    if mode == "app":
        portal: Portal = request.getfixturevalue("session_portal")
        return lambda: AsyncRegistry(
            "http://app", transport=httpx.ASGITransport(app=portal.app), author=AUTHOR
        )
    if mode == "server":
        url = request.getfixturevalue("server_url")
        return lambda: AsyncRegistry(url, author=AUTHOR, retries=2, backoff=0.05)
    embedded: Portal = request.getfixturevalue("embedded_portal")
    return lambda: AsyncRegistry(
        embedded.base_url, transport=AsyncPortalTransport(embedded), author=AUTHOR
    )
