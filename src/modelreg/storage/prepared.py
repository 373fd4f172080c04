"""Statements compiled once per dialect and shape, then run as the driver's own SQL.

For every Core statement SQLAlchemy rebuilds the expression, derives its cache key and
wraps the cursor in a result object: about 0.05 ms a statement, which was half of what a
get by name cost the storage layer. The hot statements (gets, existence probes, inserts)
keep their Core definition, are compiled once, and then cost a driver call.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement


@dataclass(frozen=True, slots=True)
class Prepared:
    """A compiled statement: its SQL text and how to lay out its parameters."""

    sql: str
    order: tuple[str, ...] | None
    """Bind names in placeholder order for positional drivers; None for named ones."""
    fixed: Mapping[str, Any]
    """Values the statement was built with (type ids, limits), by bind name."""

    @classmethod
    def compile(cls, stmt: ClauseElement, dialect: Dialect) -> Prepared:
        compiled = stmt.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        order = tuple(compiled.positiontup or ()) if compiled.positional else None
        return cls(compiled.string, order, dict(compiled.params))

    def args(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        merged = {**self.fixed, **values}
        if self.order is None:
            return merged
        return tuple(merged[name] for name in self.order)

    def run(self, conn: Connection, **values: Any) -> None:
        """Run a statement that returns no rows."""
        with driver_cursor(conn, self.sql, self.args(values)):
            pass

    def rows(self, conn: Connection, **values: Any) -> Sequence[Any]:
        """The driver's rows as plain tuples."""
        return driver_rows(conn, self.sql, self.args(values))

    def insert(self, conn: Connection, **values: Any) -> int:
        """Run an INSERT; the new row's id, from RETURNING where the statement has it."""
        with driver_cursor(conn, self.sql, self.args(values)) as cursor:
            if cursor.description is not None:
                return int(cursor.fetchall()[0][0])
            return int(cursor.lastrowid)

    def run_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """One executemany for several parameter sets (inserts of property rows)."""
        with driver_cursor(conn, self.sql, [self.args(row) for row in rows], many=True):
            pass


def driver_rows(conn: Connection, sql: str, params: Any) -> Sequence[Any]:
    """Run driver SQL and return its rows as the driver's tuples."""
    with driver_cursor(conn, sql, params) as cursor:
        return cursor.fetchall()  # type: ignore[no-any-return]


_SPARE_CURSOR = "modelreg_spare_cursor"


@contextmanager
def driver_cursor(conn: Connection, sql: str, params: Any, *, many: bool = False) -> Iterator[Any]:
    """Run driver SQL on the connection's own DBAPI cursor, inside its transaction.

    `exec_driver_sql` costs about 35 µs a statement around the driver's own call (execution
    context, events, a result object): a registration's nine statements spent a quarter
    of the request there. Errors still reach callers as SQLAlchemy's exceptions. Where
    someone listens to cursor events (statement counts in tests), echoes SQL, or runs
    outside a transaction on a connection not in autocommit, the statement goes through
    SQLAlchemy as before.
    """
    dispatch = conn.dispatch
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    if (
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or conn.engine.echo
        # the driver would begin a transaction SQLAlchemy does not know of
        or not (conn.in_transaction() or getattr(dbapi_connection, "autocommit", None) is True)
    ):
        yield _ResultCursor(conn.exec_driver_sql(sql, params))
        return
    # A cursor is reused from one statement to the next (making one was 5% of a create's
    # CPU on PostgreSQL): taken from the connection's info, which SQLAlchemy clears when
    # it replaces the connection, and put back when done, so a nested statement makes its
    # own. Not on SQLite: its cursor steps through a SELECT lazily, and one left with rows
    # would keep its read open.
    info = None if conn.dialect.name == "sqlite" else conn.info
    cursor = None if info is None else info.pop(_SPARE_CURSOR, None)
    try:
        if cursor is None:
            cursor = dbapi_connection.cursor()  # fails too on a connection already closed
        try:
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
        except BaseException:
            cursor.close()
            raise
    except conn.dialect.loaded_dbapi.Error as exc:
        raise _wrapped(conn, dbapi_connection, exc, sql, params) from exc
    try:
        yield cursor
    except BaseException:
        cursor.close()
        raise
    if info is None:
        cursor.close()
    else:
        info[_SPARE_CURSOR] = cursor


class _ResultCursor:
    """The parts of a DBAPI cursor callers use, over a result SQLAlchemy ran."""

    def __init__(self, result: CursorResult[Any]) -> None:
        self._result = result
        self.description = result.cursor.description if result.returns_rows else None

    @property
    def lastrowid(self) -> Any:
        return self._result.lastrowid

    def fetchall(self) -> Sequence[Any]:
        return self._result.cursor.fetchall()


def _wrapped(
    conn: Connection, dbapi_connection: Any, exc: Any, sql: str, params: Any
) -> StatementError:
    # Marked as SQLAlchemy marks a lost connection (callers retry reads on it); the
    # connection itself needs nothing more here: a transaction's rollback fails on it and
    # SQLAlchemy invalidates it there, a kept one is given up (kept.py).
    dialect = conn.dialect
    return DBAPIError.instance(  # type: ignore[no-any-return]
        sql,
        params,
        exc,
        dialect.loaded_dbapi.Error,
        connection_invalidated=dialect.is_disconnect(exc, dbapi_connection, None),
        dialect=dialect,
    )


def prepared(build: Callable[..., ClauseElement]) -> Callable[..., Prepared]:
    """Cache a statement builder by its arguments: `build(dialect, *shape)` is compiled
    once per dialect and shape. Every argument must be hashable."""

    @functools.lru_cache(maxsize=512)
    def cached(dialect: Dialect, *shape: Any) -> Prepared:
        return Prepared.compile(build(dialect, *shape), dialect)

    return functools.wraps(build)(cached)
