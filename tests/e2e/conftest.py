"""A real `modelreg serve` process on a free port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from modelreg.storage.engine import normalize_url

MODELREG = str(Path(sys.executable).with_name("modelreg"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(
    database_url: str, *extra: str, wait_ready: bool = True
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "MODELREG_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [MODELREG, "serve", "--port", str(port), "--log-level", "warning", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    probe = httpx.Client(timeout=1)  # one client: each new one builds an SSL context
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                status = probe.get(f"{base}/readyz/health").status_code
                if status == 200 or (status == 503 and not wait_ready):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError(process.stdout.read().decode() if process.stdout else "")
            time.sleep(0.1)
        else:
            raise TimeoutError("server did not become ready")
        yield base, process
    finally:
        probe.close()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()


@contextmanager
def scratch_database(database_url: str, suffix: str) -> Iterator[str]:
    """An empty, unmigrated database beside the session's one on the same server (not
    SQLite), dropped afterwards with whatever is still connected to it."""
    url = make_url(database_url)
    name = f"{url.database}_{suffix}"
    admin = create_engine(normalize_url(database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        force = " WITH (FORCE)" if url.get_backend_name() == "postgresql" else ""
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()
