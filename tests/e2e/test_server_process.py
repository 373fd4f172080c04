"""The installed `modelreg` command: database management and a real server process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from modelreg.storage.engine import normalize_url

from .conftest import MODELREG, running_server, scratch_database

pytestmark = pytest.mark.e2e
V1 = "/api/model_registry/v1"


def test_db_upgrade_and_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    before = subprocess.run(
        [MODELREG, "db", "current", "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "none" in before.stdout
    upgraded = subprocess.run(
        [MODELREG, "db", "upgrade", "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "0009" in upgraded.stdout
    after = subprocess.run(
        [MODELREG, "db", "current", "--database-url", url],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "current: 0009" in after.stdout


def test_bad_database_url_is_a_clear_error() -> None:
    result = subprocess.run(
        [MODELREG, "db", "upgrade", "--database-url", "oracle://x/y"],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "unsupported database" in result.stderr


def test_server_process_serves_and_stops_cleanly(database_url: str) -> None:
    with running_server(database_url) as (base, process):
        created = httpx.post(f"{base}{V1}/registered_models", json={"name": "e2e"})
        assert created.status_code in (201, 409)
        found = httpx.get(f"{base}{V1}/registered_model", params={"name": "e2e"})
        assert found.status_code == 200
        assert httpx.get(f"{base}/").status_code == 404
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status shows it
    assert process.returncode in (0, -signal.SIGTERM)


def test_two_workers_share_one_registry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with running_server(url, "--workers", "2") as (base, _):
        names = {f"w{i}" for i in range(20)}
        with httpx.Client(base_url=base) as client:
            for name in names:
                assert (
                    client.post(f"{V1}/registered_models", json={"name": name}).status_code == 201
                )
            listed = client.get(f"{V1}/registered_models", params={"pageSize": 100}).json()
        assert {m["name"] for m in listed["items"]} == names


def test_unreachable_database_answers_503_until_it_is_there() -> None:
    with running_server("postgresql://nobody@127.0.0.1:9/none", wait_ready=False) as (base, _):
        health = httpx.get(f"{base}/readyz/health")
        assert health.status_code == 503
        api = httpx.get(f"{base}{V1}/registered_models")
        assert api.status_code == 503
        assert set(api.json()) == {"code", "message"}


def test_sessions_the_database_ended_cost_no_request(database_url: str) -> None:
    """The database ends every session of the server (as a restart, a failover or an
    idle timeout would) between requests: the next reads and writes all succeed."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has no server to end sessions")
    with (
        scratch_database(database_url, "ended") as url,
        running_server(url, "--workers", "2") as (base, _process),
    ):
        api = f"{base}{V1}/registered_models"
        created = httpx.post(api, json={"name": "before"})
        assert created.status_code == 201
        model = f"{api}/{created.json()['id']}"
        for _ in range(8):  # new connections: both workers serve some
            assert httpx.get(model).status_code == 200
        assert _end_sessions_of(url) > 0
        # a write first: it is not sent again when its connection turns out lost
        statuses = [httpx.post(api, json={"name": f"after {i}"}).status_code for i in range(4)]
        statuses += [httpx.get(model).status_code for _ in range(8)]
        statuses += [httpx.patch(model, json={"description": f"{i}"}).status_code for i in range(4)]
    assert statuses == [201] * 4 + [200] * 12


def _end_sessions_of(url: str) -> int:
    """End every other session on the URL's database; wait until they are gone."""
    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "postgresql":
        others = (
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        end = "SELECT pg_terminate_backend({})"
    else:
        others = (
            "SELECT id FROM information_schema.processlist"
            " WHERE db = DATABASE() AND id <> CONNECTION_ID()"
        )
        end = "KILL {}"
    with engine.connect() as conn:
        ended = [row[0] for row in conn.execute(text(others))]
        for session in ended:
            conn.execute(text(end.format(int(session))))
        deadline = time.monotonic() + 10
        while conn.execute(text(others)).first() and time.monotonic() < deadline:
            time.sleep(0.01)
    engine.dispose()
    return len(ended)


def test_empty_database_without_migrations_says_what_to_do(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    with running_server(url, "--no-migrate", wait_ready=False) as (base, _):
        health = httpx.get(f"{base}/readyz/health")
        assert health.status_code == 503
        assert "db upgrade" in health.text
        api = httpx.get(f"{base}{V1}/registered_models")
        assert api.status_code == 503
        assert api.headers["retry-after"] == "2"
        assert api.headers["modelreg-error"] == "Unavailable"


def _children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _workers(pid: int) -> set[int]:
    return {c for c in _children(pid) if b"modelreg.server.worker" in _cmdline(c)}


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _loaded(pid: int, library: str) -> bool:
    return library in Path(f"/proc/{pid}/maps").read_text()


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process tree from /proc")
def test_workers_have_their_own_sockets_and_a_killed_one_is_replaced(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with running_server(url, "--workers", "2") as (base, process):
        first = _workers(process.pid)
        assert len(first) == 2
        # The supervisor is the CLI's process replaced by a small one: no application, no
        # migrations, nothing but its workers beside it.
        assert b"modelreg.server.supervisor" in _cmdline(process.pid)
        assert _children(process.pid) == first
        assert not _loaded(process.pid, "pydantic_core")
        assert all(_loaded(pid, "pydantic_core") for pid in first)
        # protobuf is loaded by the first struct or proto value, not before
        assert not any(_loaded(pid, "google/_upb") for pid in first)
        # the supervisor checkpoints the SQLite WAL; the workers leave it to it
        assert all(b"MODELREG_SQLITE_CHECKPOINTS=supervisor" in _environ(pid) for pid in first)
        # Keep-alive connections opened in a burst reach both workers (SO_REUSEPORT).
        clients = [httpx.Client(base_url=base) for _ in range(16)]
        for client in clients:
            assert client.get(f"{V1}/registered_models").status_code == 200
        busy = {pid for pid in first if _tcp_connections(pid) > 1}
        assert busy == first
        for client in clients:
            client.close()
        victim = min(first)
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = _workers(process.pid)
            if len(now) == 2 and victim not in now:
                break
            time.sleep(0.2)
        else:
            raise AssertionError(f"worker {victim} was not replaced: {_workers(process.pid)}")
        deadline = time.monotonic() + 20
        while httpx.get(f"{base}{V1}/registered_models").status_code != 200:
            assert time.monotonic() < deadline
        survivors = _workers(process.pid)
    assert process.returncode == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in survivors)


def _environ(pid: int) -> list[bytes]:
    return Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")


def _tcp_connections(pid: int) -> int:
    """Sockets the process holds open (its listener plus accepted connections)."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd).startswith("socket:"):
                count += 1
        except OSError:
            continue
    return count


@pytest.mark.parametrize("workers", ["1", "2"])
def test_responses_are_whole_on_a_kept_alive_connection_and_before_a_close(
    tmp_path: Path, workers: str
) -> None:
    """Several responses on one connection arrive whole and in order, and the 400 for a
    malformed request arrives before the server closes the connection."""
    url = f"sqlite:///{tmp_path / 'k.db'}"
    with running_server(url, "--workers", workers) as (base, _):
        port = int(base.rsplit(":", 1)[1])
        body = b'{"name": "kept-alive"}'
        requests = (
            f"POST {V1}/registered_models HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        found = f"GET {V1}/registered_model?name=kept-alive HTTP/1.1\r\nHost: x\r\n\r\n"
        requests += found.encode()
        requests += f"GET {V1}/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(requests)
            received = _read_responses(conn, 3)
        assert [status for status, _ in received] == [201, 200, 404]
        assert b'"name":"kept-alive"' in received[0][1] and received[1][1] == received[0][1]
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            answer = b""
            while chunk := conn.recv(65536):  # until the server closes the connection
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 400")


def _read_responses(conn: socket.socket, count: int) -> list[tuple[int, bytes]]:
    """`count` responses with a Content-Length each: (status, body)."""
    buffer, found = b"", []
    while len(found) < count:
        head, separator, rest = buffer.partition(b"\r\n\r\n")
        if separator:
            length = next(
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            )
            if len(rest) >= length:
                found.append((int(head.split(b" ", 2)[1]), rest[:length]))
                buffer = rest[length:]
                continue
        chunk = conn.recv(65536)
        assert chunk, "the server closed the connection early"
        buffer += chunk
    return found
