"""Shared fixtures: one registry database per backend, emptied between tests.

SQLite always runs. PostgreSQL and MySQL/MariaDB run when their server URLs are set:
MODELREG_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) and
MODELREG_TEST_MYSQL_URL (e.g. mysql://root@127.0.0.1:3306/test). Each test session creates
its own database inside them and drops it at the end.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from modelreg.config import Settings
from modelreg.server.app import create_app
from modelreg.storage import tables as t
from modelreg.storage.engine import normalize_url
from modelreg.storage.store import Store
from tests.metadata import MODELS

V1 = "/api/model_registry/v1"
V1ALPHA3 = "/api/model_registry/v1alpha3"

BACKENDS = {
    "postgres": "MODELREG_TEST_POSTGRES_URL",
    "mysql": "MODELREG_TEST_MYSQL_URL",
}
# Child tables first, so deleting never trips a foreign key.
DATA_TABLES = [
    t.attribution,
    t.association,
    t.parent_context,
    t.event_path,
    t.event,
    t.artifact_property,
    t.context_property,
    t.execution_property,
    t.artifact,
    t.context,
    t.execution,
]


class SharedStore(Store):
    """A view of the session's store for an app to own: the same engines, not disposed
    when the app shuts down."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine, autocommit_engine=store.autocommit_engine)

    def dispose(self) -> None:
        pass


def _backend_params() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    for name, env in BACKENDS.items():
        marks = [getattr(pytest.mark, name)]
        if not os.environ.get(env):
            marks.append(pytest.mark.skip(reason=f"{env} is not set"))
        params.append(pytest.param(name, id=name, marks=marks))
    return params


@pytest.fixture(scope="session", params=_backend_params())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh, migrated database for this session on one backend."""
    backend = request.param
    if backend == "sqlite":
        path: Path = tmp_path_factory.mktemp("sqlite") / "registry.db"
        yield f"sqlite:///{path}"
        return
    server_url = normalize_url(os.environ[BACKENDS[backend]])
    name = f"modelreg_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(str(server_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            if backend == "postgres":
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.fixture(scope="session")
def session_store(database_url: str) -> Iterator[Store]:
    store = Store.from_url(database_url)
    store.bootstrap(migrate=True)
    yield store
    store.dispose()


@pytest.fixture
def store(session_store: Store) -> Iterator[Store]:
    """The session's store, with every entity row deleted after the test."""
    yield session_store
    with session_store.engine.begin() as conn:
        for table in DATA_TABLES:
            conn.execute(delete(table))
    if session_store.cache is not None:  # the rows went behind the registry's back
        session_store.cache.clear()
    session_store.plans.clear()


@pytest.fixture(scope="session")
def session_client(session_store: Store) -> Iterator[TestClient]:
    """The app in-process over the session's store, through Starlette's test client: one
    per backend and session (building the app is the slow part)."""
    shared = SharedStore(session_store)
    shared.types = session_store.types
    shared.cache = session_store.cache  # emptied with the tables by the `store` fixture
    shared.plans = session_store.plans  # so observers of the store hear the app's statements
    shared.max_request_bytes = session_store.max_request_bytes
    settings = Settings(database_url=str(session_store.engine.url), migrate_on_start=False)
    app = create_app(settings, shared)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def client(session_client: TestClient, store: Store) -> TestClient:
    """The app, with every entity row deleted after the test."""
    return session_client


@pytest.fixture
def models(client: TestClient) -> dict[str, str]:
    """The registered models of `tests.metadata.MODELS`, by name."""
    ids = {}
    for name, fields in MODELS.items():
        response = client.post(f"{V1}/registered_models", json={"name": name, **fields})
        assert response.status_code == 201, response.text
        ids[name] = response.json()["id"]
    return ids
