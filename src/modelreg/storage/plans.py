"""What one store keeps about the SQL it sends, and who hears each statement.

A store compiles its hot statements once (prepared.py), its list pages once per shape
(page_statements.py), and remembers how common filter values were (plan_choices.py).
All of it is the store's own, never the process's: two stores in one process (tests, an
embedded registry) share none of it, and a store's caches go with it.

Observers hear every statement the store sends, on the path production runs: the
statements run on the driver's own cursor tell `heard` before they go, and those
SQLAlchemy runs reach it through `before_cursor_execute` on the store's engines, a
listener attached for the store's whole life (so attaching an observer changes no path).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import ClauseElement

from .dialects import strategy_of
from .entity_cache import trim_oldest
from .page_statements import PageShapes
from .plan_choices import PlanChoices
from .prepared import Prepared

T = TypeVar("T")
Observer = Callable[[Any, str, Any], None]
"""Told (DBAPI connection, SQL, parameters) of each statement, before it is sent."""
MAX_STATEMENTS = 1024


class Plans:
    """The statements of one store, compiled for its dialect, and their observers."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.strategy = strategy_of(dialect)
        self.choices = PlanChoices()
        self.pages = PageShapes()
        self.observers: tuple[Observer, ...] = ()
        self._made: dict[Hashable, Any] = {}
        self._lock = threading.Lock()  # with MODELREG_REQUEST_THREADS, threads share it

    def prepared(self, build: Callable[..., ClauseElement], shape: tuple[Any, ...]) -> Prepared:
        """`build(dialect, *shape)`, compiled once."""
        found = self._made.get((build, shape))
        if found is None:
            found = self._keep(
                (build, shape), Prepared.compile(build(self.dialect, *shape), self.dialect)
            )
        return found

    def sql(self, make: Callable[..., T], *shape: Any) -> T:
        """`make(dialect, *shape)` (SQL text, say), made once per shape."""
        found = self._made.get((make, shape))
        if found is None:
            found = self._keep((make, shape), make(self.dialect, *shape))
        return found

    def _keep(self, key: Hashable, made: T) -> T:
        with self._lock:
            self._made[key] = made
            trim_oldest(self._made, MAX_STATEMENTS)
        return made

    def listen_to(self, engine: Engine) -> None:
        """Hear the statements SQLAlchemy runs on `engine`, for as long as it lives."""
        event.listen(engine, "before_cursor_execute", self._before_cursor_execute)

    @contextmanager
    def observe(self, observer: Observer) -> Iterator[None]:
        """`observer` hears every statement sent within the block."""
        with self._lock:
            self.observers = (*self.observers, observer)
        try:
            yield
        finally:
            with self._lock:
                self.observers = tuple(o for o in self.observers if o is not observer)

    def heard(self, dbapi_connection: Any, sql: str, params: Any) -> None:
        for observer in self.observers:
            observer(dbapi_connection, sql, params)

    def clear(self) -> None:
        """Forget the plan choices and page shapes (tests empty the tables behind its back)."""
        self.choices.clear()
        self.pages.clear()

    def _before_cursor_execute(
        self, conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, _many: bool
    ) -> None:
        if self.observers:
            self.heard(conn.connection.dbapi_connection, sql, params)
