"""`modelreg serve` refuses bad settings and a taken port in one line, before serving."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modelreg.cli.main import cli
from modelreg.config import Settings


def test_the_options_are_the_settings() -> None:
    from modelreg.cli.serve import settings_options

    assert [option.name for option in settings_options()] == list(Settings.model_fields)
    shown = CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "--migrate / --no-migrate" in shown
    assert "--request-threads INTEGER" in shown and "MODELREG_REQUEST_THREADS" in shown


def test_serve_hands_the_settings_over_without_changing_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from modelreg.server import launch

    served: list[Settings] = []
    monkeypatch.setattr(launch, "serve", served.append)
    monkeypatch.setenv("MODELREG_POOL_SIZE", "3")
    before = dict(os.environ)
    url = f"sqlite:///{tmp_path / 'r.db'}"
    args = ["serve", "--database-url", url, "--no-migrate", "--request-threads", "2"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert dict(os.environ) == before
    [settings] = served
    assert (settings.database_url, settings.migrate_on_start) == (url, False)
    assert (settings.request_threads, settings.pool_size, settings.workers) == (2, 3, 1)


def test_a_bad_setting_is_one_line_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELREG_REQUEST_THREADS", "-1")
    url = f"sqlite:///{tmp_path / 'r.db'}"
    result = CliRunner().invoke(cli, ["serve", "--database-url", url])
    assert result.exit_code == 2
    assert "error: invalid setting: MODELREG_REQUEST_THREADS:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_taken_port_is_one_line_whatever_the_workers(tmp_path: Path, workers: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        url = f"sqlite:///{tmp_path / 'r.db'}"
        args = ["serve", "--database-url", url, "--port", str(port), "--workers", workers]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in result.output


def test_workers_refuse_a_port_another_modelreg_serves(tmp_path: Path) -> None:
    from modelreg.server.supervisor import listening_socket

    other = listening_socket("127.0.0.1", 0)  # as another server's worker holds it
    port = other.getsockname()[1]
    try:
        url = f"sqlite:///{tmp_path / 'r.db'}"
        args = ["serve", "--database-url", url, "--port", str(port), "--workers", "2"]
        result = CliRunner().invoke(cli, args)
    finally:
        other.close()
    assert result.exit_code == 2
    assert "Address already in use" in result.output


def test_the_supervisor_process_imports_only_what_it_uses() -> None:
    """It lives as long as the server and beside every worker: each module it loads for
    nothing is memory held for nothing (urllib.request alone brought in 8 MB)."""
    probe = (
        "import sys, modelreg.server.supervisor; "
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'sqlite3', 'http', 'email', 'ssl', 'sqlalchemy', 'pydantic', 'click'})))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
