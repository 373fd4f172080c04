"""The app in-process over a real database, through Starlette's test client.

One app per backend and session (building the app is the slow part); the `store` fixture
empties the tables after every test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from modelreg.config import Settings
from modelreg.server.app import create_app
from modelreg.storage.store import Store
from tests.conftest import SharedStore

V1 = "/api/model_registry/v1"
V1ALPHA3 = "/api/model_registry/v1alpha3"


@pytest.fixture(scope="session")
def session_client(session_store: Store) -> Iterator[TestClient]:
    shared = SharedStore(session_store)
    shared.types = session_store.types
    shared.cache = session_store.cache  # emptied with the tables by the `store` fixture
    shared.plans = session_store.plans
    shared.max_request_bytes = session_store.max_request_bytes
    settings = Settings(database_url=str(session_store.engine.url), migrate_on_start=False)
    with TestClient(create_app(settings, shared), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(session_client: TestClient, store: Store) -> TestClient:
    return session_client
