"""The CLI through click's runner, against the server's app in-process (every database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modelreg.cli.main import cli
from modelreg.cli.session import Session
from modelreg.client import Registry
from modelreg.client.embedded import Portal
from modelreg.storage.store import Store
from tests.client.harness import app_portal, emptied, in_process

Run = Callable[..., Result]


@pytest.fixture(scope="session")
def session_portal(session_store: Store) -> Iterator[Portal]:
    yield from app_portal(session_store)


@pytest.fixture(scope="session")
def cli_registry(session_portal: Portal) -> Iterator[Registry]:
    with in_process(session_portal) as registry:
        yield registry


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str | None]:
    """No user config, no connection settings from the environment of the test run."""
    return {
        "MODELREG_CONFIG": str(tmp_path / "no-config.toml"),
        "MODELREG_URL": None,
        "MODELREG_TOKEN": None,
        "MODELREG_TOKEN_FILE": None,
        "MODELREG_PROFILE": None,
        "MODELREG_CA_BUNDLE": None,
        "MODELREG_DEBUG": None,
    }


@pytest.fixture
def run(cli_registry: Registry, store: Store, isolated_env: dict[str, str | None]) -> Run:
    """`run("models", "list")`: the CLI against the in-process registry."""
    emptied(store)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        session = Session(factory=lambda: cli_registry)
        return runner.invoke(cli, list(args), obj=session, env=isolated_env)

    return invoke
