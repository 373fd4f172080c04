"""The app in-process over a real database, through Starlette's test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from modelreg.config import Settings
from modelreg.server.app import create_app
from modelreg.storage.store import Store

V1 = "/api/model_registry/v1"
V1ALPHA3 = "/api/model_registry/v1alpha3"


class _Keep(Store):
    """The session store, not disposed when one app shuts down."""

    def dispose(self) -> None:
        pass


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    shared = _Keep(store.engine)
    shared.types = store.types
    settings = Settings(database_url=str(store.engine.url), migrate_on_start=False)
    with TestClient(create_app(settings, shared), raise_server_exceptions=False) as test_client:
        yield test_client
