"""Fixtures of the compat suite: a real `modelreg serve` process and the client venvs."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .clientenv import CLIENT_VERSIONS, ensure_client

READY_TIMEOUT = 60.0
START_ATTEMPTS = 3


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    backend: str

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve_command() -> list[str]:
    script = shutil.which("modelreg", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "modelreg"]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/readyz/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"OK"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _start(database_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MODELREG_")}
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        command = [
            *_serve_command(),
            "serve",
            "--database-url",
            database_url,
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        with log.open("ab") as sink:
            sink.write(f"$ modelreg serve ... --port {port}\n".encode())
            sink.flush()
            process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and process.poll() is None:
            if _ready(url):
                return process, url
            time.sleep(0.1)
        _stop(process)
        if "address already in use" not in log.read_text(errors="replace").lower():
            break
    raise RuntimeError(f"modelreg serve did not become ready; log:\n{log.read_text()}")


def _backend(database_url: str) -> str:
    scheme = database_url.split(":", 1)[0].split("+", 1)[0]
    return {"postgresql": "postgres", "mariadb": "mysql"}.get(scheme, scheme)


@pytest.fixture(scope="session")
def compat_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`modelreg serve` on a free port against this session's database, until the end."""
    log = tmp_path_factory.mktemp("compat-server") / "server.log"
    process, url = _start(database_url, log)
    try:
        yield Server(url=url, log=log, backend=_backend(database_url))
    finally:
        _stop(process)


@pytest.fixture(scope="session")
def client_pythons(request: pytest.FixtureRequest) -> dict[str, Path]:
    """Interpreters of the client venvs the selected tests need, built in parallel."""
    wanted = sorted(
        {
            item.callspec.params["client_version"]
            for item in request.session.items
            if hasattr(item, "callspec") and "client_version" in item.callspec.params
        }
    ) or sorted(CLIENT_VERSIONS)
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        return dict(zip(wanted, pool.map(ensure_client, wanted), strict=True))
