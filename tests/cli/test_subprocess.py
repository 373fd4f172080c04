"""The installed `modelreg` command against a real server process."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from modelreg.storage.store import Store
from tests.client.harness import emptied
from tests.e2e.conftest import MODELREG, free_port, running_server

pytestmark = pytest.mark.e2e
Command = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def modelreg(database_url: str, session_store: Store, store: Store, tmp_path: Path) -> Command:
    emptied(store)
    config = tmp_path / "config.toml"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELREG_")}
    with running_server(database_url) as (base, _process):
        config.write_text(f'default_profile = "test"\n[profiles.test]\nurl = "{base}"\n')
        env["MODELREG_CONFIG"] = str(config)

        def run(*args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [MODELREG, *args], capture_output=True, text=True, env={**env, **extra_env}
            )

        yield run


def test_register_list_show_and_errors_against_a_server(modelreg: Command) -> None:
    register = ["models", "register", "fraud", "s3://m/1", "--version", "1.0.0",
                "--format-name", "onnx", "--format-version", "1", "-m", "auc=0.97"]  # fmt: skip
    first = modelreg(*register)
    assert first.returncode == 0, first.stderr
    assert modelreg(*register).returncode == 0
    listed = modelreg("models", "list", "-o", "json")
    assert [m["name"] for m in json.loads(listed.stdout)] == ["fraud"]
    table = modelreg("versions", "list", "fraud")
    assert "1.0.0" in table.stdout and "\x1b[" not in table.stdout
    missing = modelreg("versions", "show", "fraud", "9.9")
    assert missing.returncode == 3
    assert missing.stderr == "error: registered model 'fraud' has no version '9.9'\n"
    conflict = modelreg(*register[:3], "s3://m/2", *register[4:])
    assert conflict.returncode == 4
    assert conflict.stderr.startswith("error: model 'fraud' version '1.0.0' is already registered")


def test_an_unreachable_server_is_exit_6(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELREG_")}
    env["MODELREG_CONFIG"] = str(tmp_path / "none.toml")
    url = f"http://127.0.0.1:{free_port()}"
    command = [MODELREG, "--url", url, "models", "list"]
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    assert result.returncode == 6
    assert result.stderr.startswith("error: cannot reach the registry at http://127.0.0.1:")
    assert len(result.stderr.splitlines()) == 1
