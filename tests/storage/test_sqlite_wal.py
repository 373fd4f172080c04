"""WAL checkpoints beside the workers (sqlite_wal.py): the supervisor's checkpointer copies
the log, and workers started by it leave checkpoints to it."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from modelreg.storage.engine import make_engine, sqlite_file
from modelreg.storage.sqlite_wal import (
    BY_SUPERVISOR,
    CHECKPOINTS_ENV,
    WORKER_AUTOCHECKPOINT_PAGES,
    Checkpointer,
)


def _writer(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # nobody but the checkpointer copies
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    return conn


# the checkpointer opens a URI: characters with a meaning there must reach the right file
@pytest.mark.parametrize("name", ["w.db", "with space?and#hash%20.db"])
def test_checkpointer_copies_the_log_while_writers_go_on(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    writer = _writer(path)
    checkpointer = Checkpointer(str(path), interval_s=0.02)
    checkpointer.start()
    try:
        deadline = time.monotonic() + 10
        written = 0
        while checkpointer.checkpoints < 2:
            assert time.monotonic() < deadline, "no checkpoint copied the whole log"
            writer.execute("INSERT INTO t (v) VALUES (?)", ("x" * 500,))
            written += 1
            time.sleep(0.001)
    finally:
        checkpointer.stop()
    assert not checkpointer.is_alive()
    assert writer.execute("SELECT count(*) FROM t").fetchone()[0] == written
    writer.close()


def test_checkpointer_waits_for_the_database_and_never_creates_it(tmp_path: Path) -> None:
    path = tmp_path / "later.db"
    checkpointer = Checkpointer(str(path), interval_s=0.01)
    checkpointer.start()
    try:
        time.sleep(0.1)
        assert not path.exists()
        writer = _writer(path)
        deadline = time.monotonic() + 10
        while checkpointer.checkpoints == 0:
            assert time.monotonic() < deadline, "the checkpointer did not find the database"
            writer.execute("INSERT INTO t (v) VALUES ('x')")
            time.sleep(0.005)
        writer.close()
    finally:
        checkpointer.stop()


@pytest.mark.parametrize(("environment", "pages"), [(None, 1000), (BY_SUPERVISOR, 20_000)])
def test_workers_of_the_supervisor_leave_checkpoints_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, environment: str | None, pages: int
) -> None:
    if environment is None:
        monkeypatch.delenv(CHECKPOINTS_ENV, raising=False)
    else:
        monkeypatch.setenv(CHECKPOINTS_ENV, environment)
    assert WORKER_AUTOCHECKPOINT_PAGES == 20_000
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA wal_autocheckpoint")).scalar_one() == pages
    engine.dispose()


def test_sqlite_file_names_only_database_files(tmp_path: Path) -> None:
    assert sqlite_file(f"sqlite:///{tmp_path / 'a.db'}") == str(tmp_path / "a.db")
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None
    assert sqlite_file("postgresql://u@127.0.0.1/db") is None
