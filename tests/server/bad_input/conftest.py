"""Fixtures of the bad-input tests: the session's app without the per-test wipe, and one
seed of every kind shared by the tests that only send bad input."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import build_seed, snapshot, wipe


@pytest.fixture(scope="module")
def api(session_client: TestClient, session_store: Store) -> Iterator[TestClient]:
    """The session's app, for tests that do not need the per-test wipe of `client`/`store`
    (they only send bad input); whatever they leave is wiped when the module ends."""
    yield session_client
    wipe(session_store)


@pytest.fixture
def db(session_store: Store) -> Store:
    """The store without the per-test wipe: for tests over the shared `seed`."""
    return session_store


@pytest.fixture(scope="module")
def _seed_cache() -> dict[str, Any]:
    return {}


@pytest.fixture
def seed(api: TestClient, db: Store, _seed_cache: dict[str, Any]) -> dict[str, str]:
    """A model, a version, a standalone model artifact and one artifact of each type in the
    version; their ids by key (`rm`, `mv`, `ma`, `model_artifact`, ... `parameter`).

    Built once per module and backend and shared, because tests that take it only send bad
    input and so write nothing; should one write anyway, the next `seed` notices and rebuilds.
    """
    if _seed_cache.get("rows") != snapshot(db):
        wipe(db)
        _seed_cache["ids"] = build_seed(api)
        _seed_cache["rows"] = snapshot(db)
    return dict(_seed_cache["ids"])
