"""Ways to reach a registry from the tests: the in-process app, a real server, embedded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete

from modelreg.client import Registry
from modelreg.client.embedded import Portal, PortalTransport
from modelreg.config import Settings
from modelreg.server.app import create_app
from modelreg.storage.store import Store
from tests.conftest import DATA_TABLES, SharedStore

MODES = [
    pytest.param("app", id="app"),
    pytest.param("server", id="server", marks=pytest.mark.e2e),
    pytest.param("embedded", id="embedded"),
]
AUTHOR = "tester"


def emptied(store: Store) -> Store:
    """The store with no entities: other suites' tests may leave some behind."""
    with store.engine.begin() as conn:
        for table in DATA_TABLES:
            conn.execute(delete(table))
    return store


def app_portal(store: Store) -> Iterator[Portal]:
    """The server's app over the test session's store, started on a portal."""
    shared = SharedStore(store)
    shared.types = store.types
    settings = Settings(database_url=str(store.engine.url), migrate_on_start=False)
    portal = Portal(create_app(settings, shared))
    portal.acquire()
    yield portal
    portal.release()


def in_process(portal: Portal, **options: object) -> Registry:
    return Registry(
        portal.base_url,
        transport=PortalTransport(portal),
        author=AUTHOR,
        retries=0,
        **options,  # type: ignore[arg-type]
    )


def over_http(base_url: str) -> Registry:
    return Registry(base_url, author=AUTHOR, retries=2, backoff=0.05)
