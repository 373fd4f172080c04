"""The statements a store sends, as its observers hear them (storage/plans.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from modelreg.storage.store import Store


@contextmanager
def counted(store: Store, *, cold: bool = True) -> Iterator[list[str]]:
    """The statements run inside; `cold`: with no entity kept from earlier reads."""
    if cold and store.cache is not None:
        store.cache.clear()
    statements: list[str] = []

    def record(_connection: Any, statement: str, _params: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    with store.plans.observe(record):
        yield statements


@contextmanager
def autocommits(store: Store) -> Iterator[list[bool]]:
    """Whether each statement run inside went in autocommit (no BEGIN and COMMIT)."""
    flags: list[bool] = []

    def record(connection: Any, *_: Any) -> None:
        flags.append(connection.autocommit)

    with store.plans.observe(record):
        yield flags


@contextmanager
def naming(store: Store, naming: str) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and their parameters) sent within the block that contain `naming`."""
    found: list[tuple[str, Any]] = []

    def record(_connection: Any, statement: str, parameters: Any) -> None:
        if naming in statement:
            found.append((statement, parameters))

    with store.plans.observe(record):
        yield found
