"""Statements compiled once per store and shape, then run as the driver's own SQL.

For every Core statement SQLAlchemy rebuilds the expression, derives its cache key and
wraps the cursor in a result object: about 0.05 ms a statement, which was half of what a
get by name cost the storage layer. The hot statements (gets, existence probes, inserts)
keep their Core definition, are compiled once, and then cost a driver call.

Every engine compiles with named parameters (`:name` on SQLite, `%(name)s` on psycopg and
PyMySQL), so a compiled statement's public `params` say all there is to know: its SQL
takes a dict, whatever the order of its placeholders.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, exc
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.sql.expression import ClauseElement

if TYPE_CHECKING:
    from .plans import Plans


@dataclass(frozen=True, slots=True)
class Prepared:
    """A compiled statement: its SQL text and the values it was built with."""

    sql: str
    fixed: Mapping[str, Any]
    """Values the statement was built with (type ids, limits), by bind name."""

    @classmethod
    def compile(cls, stmt: ClauseElement, dialect: Dialect) -> Prepared:
        # render_postcompile: IN lists become one placeholder per value, so the SQL is
        # complete as the driver takes it (nothing is left for SQLAlchemy to expand).
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        assert not dialect.positional, "engines compile with named parameters (engine.py)"
        return cls(compiled.string, dict(compiled.params))

    def args(self, values: Mapping[str, Any]) -> dict[str, Any]:
        return {**self.fixed, **values}

    def run(self, conn: Connection, plans: Plans, **values: Any) -> None:
        """Run a statement that returns no rows."""
        with driver_cursor(conn, plans, self.sql, self.args(values)):
            pass

    def rows(self, conn: Connection, plans: Plans, **values: Any) -> Sequence[Any]:
        """The driver's rows as plain tuples."""
        return driver_rows(conn, plans, self.sql, self.args(values))

    def insert(self, conn: Connection, plans: Plans, **values: Any) -> int:
        """Run an INSERT; the new row's id, from RETURNING where the statement has it."""
        with driver_cursor(conn, plans, self.sql, self.args(values)) as cursor:
            if cursor.description is not None:
                return int(cursor.fetchall()[0][0])
            return int(cursor.lastrowid)

    def run_many(self, conn: Connection, plans: Plans, rows: Sequence[Mapping[str, Any]]) -> None:
        """One executemany for several parameter sets (inserts of property rows)."""
        params = [self.args(row) for row in rows]
        with driver_cursor(conn, plans, self.sql, params, many=True):
            pass


def driver_rows(conn: Connection, plans: Plans, sql: str, params: Any) -> Sequence[Any]:
    """Run driver SQL and return its rows as the driver's tuples."""
    with driver_cursor(conn, plans, sql, params) as cursor:
        return cursor.fetchall()  # type: ignore[no-any-return]


_SPARE_CURSOR = "modelreg_spare_cursor"


def _in_autocommit(plans: Plans, dbapi_connection: Any) -> bool:
    """Whether the driver runs each statement on its own (a local check, no round trip);
    SQLite's never does here: engine.py takes its transactions in hand."""
    if not plans.strategy.autocommit_reads:
        return False
    try:
        return plans.dialect.detect_autocommit_setting(dbapi_connection)
    except plans.dialect.loaded_dbapi.Error:  # closed: SQLAlchemy's path reports it
        return False


@contextmanager
def driver_cursor(
    conn: Connection, plans: Plans, sql: str, params: Any, *, many: bool = False
) -> Iterator[Any]:
    """Run driver SQL on the connection's own DBAPI cursor, inside its transaction.

    `exec_driver_sql` costs about 35 µs a statement around the driver's own call (execution
    context, events, a result object): a registration's nine statements spent a quarter
    of the request there. The statement is told to `plans`' observers first, as the
    statements SQLAlchemy runs are (plans.py), and errors reach callers as SQLAlchemy's
    exceptions. Only outside a transaction, on a connection not in autocommit, does the
    statement go through SQLAlchemy: the driver would begin a transaction SQLAlchemy does
    not know of.
    """
    dbapi_connection = conn.connection.dbapi_connection
    assert dbapi_connection is not None
    if not (conn.in_transaction() or _in_autocommit(plans, dbapi_connection)):
        yield _ResultCursor(conn.exec_driver_sql(sql, params))  # heard as SQLAlchemy's
        return
    plans.heard(dbapi_connection, sql, params)
    # A cursor is reused from one statement to the next (making one was 5% of a create's
    # CPU on PostgreSQL): taken from the connection's info, which SQLAlchemy clears when
    # it replaces the connection, and put back when done, so a nested statement makes its
    # own. Not on SQLite: its cursor steps through a SELECT lazily, and one left with rows
    # would keep its read open.
    info = conn.info if plans.strategy.reuses_cursors else None
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
    except plans.dialect.loaded_dbapi.Error as error:
        raise _wrapped(plans.dialect, dbapi_connection, error, sql, params) from error
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


# PEP 249's exception classes, most specific first, and SQLAlchemy's class of each name.
_PEP_249 = (
    ("IntegrityError", exc.IntegrityError),
    ("DataError", exc.DataError),
    ("OperationalError", exc.OperationalError),
    ("ProgrammingError", exc.ProgrammingError),
    ("NotSupportedError", exc.NotSupportedError),
    ("InternalError", exc.InternalError),
    ("InterfaceError", exc.InterfaceError),
    ("DatabaseError", exc.DatabaseError),
)


def _wrapped(
    dialect: Dialect, dbapi_connection: Any, error: Any, sql: str, params: Any
) -> exc.DBAPIError:
    """The driver's error as SQLAlchemy would raise it: the same class by its PEP 249
    name, marked as SQLAlchemy marks a lost connection (callers retry reads on it).

    The connection itself needs nothing more here: a transaction's rollback fails on it
    and SQLAlchemy invalidates it there, a kept one is given up (kept.py)."""
    dbapi = dialect.loaded_dbapi
    kind: Callable[..., exc.DBAPIError] = exc.DBAPIError
    for name, wrapper in _PEP_249:
        if isinstance(error, getattr(dbapi, name)):
            kind = wrapper
            break
    lost = dialect.is_disconnect(error, dbapi_connection, None)
    return kind(sql, params, error, connection_invalidated=lost)


def prepared(build: Callable[..., ClauseElement]) -> Callable[..., Prepared]:
    """A statement builder whose statements a store compiles once: `build(dialect, *shape)`
    is called as `built(plans, *shape)`, compiled once per store and shape (`Plans`).
    Every argument of the shape must be hashable."""

    def built(plans: Plans, *shape: Any) -> Prepared:
        return plans.prepared(build, shape)

    built.__name__ = build.__name__
    built.__doc__ = build.__doc__
    return built
