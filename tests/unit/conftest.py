"""`port`: the store the use-case tests run against. `MemoryStore` always; the SQL `Store`
(tests/conftest.py's `store`) on SQLite always and on PostgreSQL and MySQL when their URLs
are set. Each behaviour test is written once and run on every one of them."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from modelreg.domain.ports import StorePort
from modelreg.storage.memory import MemoryStore

SQL_BACKENDS = {"postgres": "MODELREG_TEST_POSTGRES_URL", "mysql": "MODELREG_TEST_MYSQL_URL"}


def _ports() -> list[object]:
    # (port, database_url) pairs; the memory store takes SQLite's URL, which is only a path
    # until a SQL store is built on it, so it costs nothing
    params: list[object] = [
        pytest.param("memory", "sqlite", id="memory"),
        pytest.param("sql", "sqlite", id="sqlite"),
    ]
    for name, env in SQL_BACKENDS.items():
        marks = [getattr(pytest.mark, name)]
        if not os.environ.get(env):
            marks.append(pytest.mark.skip(reason=f"{env} is not set"))
        params.append(pytest.param("sql", name, id=name, marks=marks))
    return params


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Pair `port` with the session's `database_url`. A parametrize mark (not a call) is
    what makes pytest drop `database_url`'s own parameters for these tests."""
    if "port" in metafunc.fixturenames:
        marker = pytest.mark.parametrize(("port", "database_url"), _ports(), indirect=True)
        metafunc.definition.add_marker(marker)


@pytest.fixture
def port(request: pytest.FixtureRequest, database_url: str) -> Iterator[StorePort]:
    if request.param == "memory":
        yield MemoryStore()
    else:
        yield request.getfixturevalue("store")  # emptied after the test
