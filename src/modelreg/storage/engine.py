"""Engines per database: SQLite (WAL, foreign keys, busy timeout), PostgreSQL, MySQL/MariaDB."""

from __future__ import annotations

import functools
import importlib.util
import os
import select
import time
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import StaticPool

from modelreg.errors import InvalidArgument

from .sqlite_wal import BY_SUPERVISOR, CHECKPOINTS_ENV, WORKER_AUTOCHECKPOINT_PAGES

WRITE_OPTION = "modelreg_write"
SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_AFTER_IDLE_S = 10.0
_poll = getattr(select, "poll", None)


def normalize_url(url: str) -> URL:
    """Accept the short forms users type and pick the drivers modelreg ships with.

    MySQL/MariaDB: a bare `mysql://` gets mysqlclient where it is installed (MySQLdb, C:
    59% fewer instructions per get than PyMySQL, docs/benchmarks.md), else PyMySQL (pure
    Python, for machines that cannot build mysqlclient). A URL may name another
    synchronous driver SQLAlchemy supports; the async ones (asyncmy, aiomysql) do not fit
    the synchronous engine. `mariadb://` gets SQLAlchemy's `mysql` dialect, which finds
    MariaDB by itself: its `mariadb` dialect drops the MySQL index options our
    migrations set.
    """
    mysql_drivers = ("mysqldb", "pymysql", "mariadbconnector")
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError for unparsable URLs
        raise InvalidArgument(f"invalid database URL {url!r}: {exc}") from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif backend in ("mysql", "mariadb"):
        driver = parsed.get_driver_name() if "+" in parsed.drivername else default_mysql_driver()
        if driver not in mysql_drivers:
            raise InvalidArgument(
                f"unsupported MySQL driver {driver!r}: use one of {', '.join(mysql_drivers)}"
            )
        parsed = parsed.set(drivername=f"mysql+{driver}")
        # MariaDB Connector/Python speaks utf8mb4 already and refuses a charset argument
        if driver != "mariadbconnector" and "charset" not in parsed.query:
            parsed = parsed.update_query_dict({"charset": "utf8mb4"})
    elif backend != "sqlite":
        raise InvalidArgument(f"unsupported database {backend!r}: use sqlite, postgresql or mysql")
    return parsed


@functools.cache
def default_mysql_driver() -> str:
    """The MySQL driver a bare `mysql://` gets: mysqlclient when installed, else PyMySQL."""
    return "mysqldb" if importlib.util.find_spec("MySQLdb") else "pymysql"


def sqlite_file(url: str) -> str | None:
    """The absolute path of a SQLite database file; None for other databases and memory."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return os.path.abspath(parsed.database)


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo, pool_size)
    return _server_engine(parsed, pool_size, echo, isolation_level="READ COMMITTED")


def make_autocommit_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine | None:
    """PostgreSQL and MySQL: an engine whose connections stay in autocommit, for reads and
    (PostgreSQL) writes that are one statement: under READ COMMITTED a transaction adds
    nothing to either but round trips.

    Switching a pooled connection to autocommit for the request and back on its return,
    then rolling back the transaction it never opened, was 8% of a create's instructions
    and 9% of a get's on PostgreSQL (bench/instructions.py); on MySQL a read in a
    transaction cost three round trips (the statement, COMMIT, and the pool's ROLLBACK)
    where it now costs one. `skip_autocommit_rollback`: MySQL drivers send ROLLBACK even
    in autocommit. SQLite: None, its transactions are how writers take turns.
    """
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return None
    return _server_engine(
        parsed,
        pool_size,
        echo,
        isolation_level="AUTOCOMMIT",
        pool_reset_on_return=None,
        skip_autocommit_rollback=True,
    )


def _server_engine(url: URL, pool_size: int, echo: bool, **kwargs: Any) -> Engine:
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=3600,
        echo=echo,
        paramstyle="pyformat",  # named (prepared.py); mysqlclient's default is positional
        **kwargs,
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection before use only when it may have been lost.

    `pool_pre_ping` pings on every checkout: one more round trip per request. A connection
    used moments ago whose server has sent nothing since is almost surely alive; one idle
    for a while may have been cut by a proxy without a word, and one the server ended
    (a restart, an idle timeout, `pg_terminate_backend`) has its farewell waiting unread.
    Either is replaced before the request uses it.
    """

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or not may_be_lost(dbapi_connection, idle_since):
            return
        try:
            ping(dbapi_connection)
        except Exception as exc:  # any driver error: the pool replaces the connection
            raise DisconnectionError(str(exc)) from exc


def may_be_lost(dbapi_connection: Any, idle_since: float) -> bool:
    """Whether a connection unused since `idle_since` (monotonic) should be pinged first:
    it sat idle a while, or the server sent something while it was idle."""
    return time.monotonic() - idle_since >= PING_AFTER_IDLE_S or _unread(dbapi_connection)


def _unread(dbapi_connection: Any) -> bool:
    """Whether the server sent anything unasked (an error and end of stream, when it ended
    the session). Between requests a connection has nothing to read; the check is one
    poll(2) with no wait, no round trip."""
    try:
        fd = _socket_fd(dbapi_connection)
    except Exception:  # a closed connection may refuse to tell: let the ping find out
        return True
    if fd is None or fd < 0:
        return fd is not None  # psycopg says -1 once closed; unknown drivers go unchecked
    if _poll is None:  # Windows: no poll(2)
        return bool(select.select([fd], [], [], 0)[0])
    poller = _poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


def _socket_fd(dbapi_connection: Any) -> int | None:
    """The connection's socket, where the driver tells it publicly (psycopg, mysqlclient;
    PyMySQL does not: its connections are pinged after sitting idle only)."""
    fileno = getattr(dbapi_connection, "fileno", None)
    return None if fileno is None else int(fileno())


def ping(dbapi_connection: Any) -> None:
    """One round trip; raises the driver's error when the connection is gone."""
    cursor = dbapi_connection.cursor()
    cursor.execute("SELECT 1")
    cursor.close()
    dbapi_connection.rollback()  # end the transaction the driver opened for it


def _sqlite_engine(url: URL, echo: bool, pool_size: int) -> Engine:
    memory = url.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = StaticPool
    else:
        # Overflow connections are closed on return and reopened (pragmas and all) on the
        # next burst, so keep as many as the server has worker threads.
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    # named parameters: prepared.py passes each statement's values as a dict
    engine = create_engine(url, echo=echo, paramstyle="named", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so writes can BEGIN IMMEDIATE: a
        # deferred transaction that upgrades to a write lock can fail with "database is
        # locked" no matter how long the busy timeout is.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            if os.environ.get(CHECKPOINTS_ENV) == BY_SUPERVISOR:
                cursor.execute(f"PRAGMA wal_autocheckpoint={WORKER_AUTOCHECKPOINT_PAGES}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # LIKE is case-sensitive on PostgreSQL and on our MySQL collation: match them
        cursor.execute("PRAGMA case_sensitive_like=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        # Straight to the driver: exec_driver_sql's bookkeeping cost more than BEGIN itself.
        connection.connection.dbapi_connection.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
