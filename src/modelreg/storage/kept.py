"""One autocommit connection a thread keeps from one request to the next (PostgreSQL, MySQL).

A thread that runs requests (each request thread, or the worker's event loop when they
run inline; server/app.py) runs one at a time, and each read (and, on PostgreSQL, each
one-statement write) runs in autocommit. Checking a connection out of the
pool for it, wrapping it in a SQLAlchemy `Connection` and a transaction, and checking it
back in cost more than the statement's own work in Python: a create's instructions fell by
17% and a get's by 18% with the connection kept (bench/instructions.py). The kept
connection is pinged after sitting idle, as pooled ones are (engine.py), and replaced once
it is lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from . import engine as engines


class KeptConnection:
    """The connection of one thread; use it from that thread only."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._used_at = 0.0

    @contextmanager
    def use(self) -> Iterator[Connection]:
        conn = self._ready()
        try:
            yield conn
        except DBAPIError as exc:
            if exc.connection_invalidated or _lost(conn, exc):
                self.close(lost=True)
            raise
        finally:
            if self._conn is not None:
                if conn.in_transaction():  # begun by a Core statement; autocommit: no round trip
                    conn.rollback()
                self._used_at = time.monotonic()

    def close(self, *, lost: bool = False) -> None:
        """Give the connection up; a lost one leaves the pool (mysqlclient's does not
        say it is closed: `lost` tells)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        if lost or conn.invalidated or _broken(conn):
            conn.invalidate()
        conn.close()

    def _ready(self) -> Connection:
        conn = self._conn
        if conn is not None and (conn.invalidated or self._gone(conn)):
            self.close()
            conn = None
        if conn is None:
            conn = self._conn = self._engine.connect()
        return conn

    def _gone(self, conn: Connection) -> bool:
        dbapi_connection = conn.connection.dbapi_connection
        if not engines.may_be_lost(dbapi_connection, self._used_at):
            return False
        try:
            engines.ping(dbapi_connection)
        except Exception:  # any driver error: the connection is replaced
            conn.invalidate()
            return True
        return False


def _broken(conn: Connection) -> bool:
    dbapi_connection = conn.connection.dbapi_connection
    return dbapi_connection is None or bool(getattr(dbapi_connection, "closed", False))


def _lost(conn: Connection, exc: DBAPIError) -> bool:
    if conn.invalidated:
        return True
    dbapi_connection = conn.connection.dbapi_connection
    return _broken(conn) or conn.dialect.is_disconnect(exc.orig, dbapi_connection, None)  # type: ignore[arg-type]


class KeptConnections:
    """The connection each thread keeps, made on its first use. A worker's request threads
    live until the app stops, but other threads may come and go (anyio ends a worker
    thread idle for 10 s): a thread that has ended no longer uses its connection, so the
    next thread to make one closes it; `close` closes them all."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._local = threading.local()
        self._by_thread: dict[threading.Thread, KeptConnection] = {}
        self._lock = threading.Lock()

    def get(self) -> KeptConnection:
        kept: KeptConnection | None = getattr(self._local, "kept", None)
        if kept is None:
            kept = self._local.kept = KeptConnection(self._engine)
            with self._lock:
                ended = [thread for thread in self._by_thread if not thread.is_alive()]
                for thread in ended:
                    self._by_thread.pop(thread).close()
                self._by_thread[threading.current_thread()] = kept
        return kept

    def close(self) -> None:
        with self._lock:
            kept, self._by_thread = list(self._by_thread.values()), {}
        for each in kept:
            each.close()
