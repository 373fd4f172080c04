"""List pages as statements compiled once per shape.

Building a list page's statement (filter, order, cursor, limit) with SQLAlchemy and then
deriving its cache key took about as long in-process as PostgreSQL took to answer it.
Pages that differ only in their values (`run = 'run-1'` and `run = 'run-2'`, another page
token, another model) share one shape, so the statement is built once per shape, with a
stand-in for every value, and compiled. The stand-ins are then found among the compiled
parameters, and later pages of that shape pass their own values in their place.

A shape qualifies only when every value reaches the SQL as itself: a value the statement
builder transforms (a LIKE pattern made from a name, a prefix cut from a long string, an
IN list, an artifact type looked up as an id) is not found again, and that shape is built
the ordinary way from then on. So are filters whose statement depends on the data (on
SQLite, how many rows a property condition matches). The shapes are the store's own
(plans.py), least recently used dropped past MAX_SHAPES.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect

from modelreg.domain.filters.resolve import (
    ColumnTarget,
    Condition,
    Conjunction,
    Disjunction,
    Missing,
    Negation,
    PropertyTarget,
    Resolved,
)
from modelreg.domain.paging import Cursor, ListQuery

from .prepared import Prepared

if TYPE_CHECKING:
    from .plans import Plans

MARK = "\x00modelreg-stand-in-"
MAX_SHAPES = 256
NUMERIC_FLOOR = -(2**62)  # stand-ins lie below it; no real type id, limit or offset does
PREFIX_LIMIT = 255  # filter_sql.PG_PREFIX: longer strings are cut, so never stand-ins

Build = Callable[[ListQuery, int | None, Resolved | None], Select[Any]]


class _Unfit(Exception):
    """The page cannot be run from a compiled shape."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    prepared: Prepared
    slots: tuple[tuple[str, int], ...]
    """(bind name, index of the request value it takes)."""


class _StandIns:
    """Unique values of the same types as a request's values, in the same order."""

    def __init__(self) -> None:
        self.real: list[Any] = []
        self.made: list[Any] = []

    def take(self, value: Any) -> Any:
        """A stand-in for `value`, recorded so `value` can later fill its place."""
        n = len(self.real)
        made: Any
        if isinstance(value, str):
            made = f"{MARK}{n}\x00"
        elif isinstance(value, int):
            made = NUMERIC_FLOOR - n
        else:
            made = float(NUMERIC_FLOOR) * 1.0e280 * (n + 1)
        self.real.append(value)
        self.made.append(made)
        return made

    def transformed(self, value: Any) -> bool:
        """Whether a compiled parameter looks made from a stand-in without being one."""
        if isinstance(value, str):
            return MARK in value or any(str(m) in value for m in self.made)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value <= NUMERIC_FLOOR // 2
        return False


class PageShapes:
    """The compiled statements of a store's page shapes; None for a shape that does not
    qualify. The least recently used go first."""

    def __init__(self, capacity: int = MAX_SHAPES) -> None:
        self.capacity = capacity
        self._shapes: OrderedDict[Hashable, _Compiled | None] = OrderedDict()
        self._lock = threading.Lock()  # with MODELREG_REQUEST_THREADS, threads share it

    def get(self, key: Hashable) -> tuple[bool, _Compiled | None]:
        """Whether the shape is known, and its statement."""
        with self._lock:
            known = key in self._shapes
            if known:
                self._shapes.move_to_end(key)
            return known, self._shapes.get(key)

    def put(self, key: Hashable, compiled: _Compiled | None) -> None:
        with self._lock:
            self._shapes[key] = compiled
            if len(self._shapes) > self.capacity:
                self._shapes.popitem(last=False)

    def compiled(self) -> list[_Compiled | None]:
        """Every shape's statement (for tests)."""
        with self._lock:
            return list(self._shapes.values())

    def clear(self) -> None:
        with self._lock:
            self._shapes.clear()


def page_rows(
    conn: Connection,
    plans: Plans,
    type_ids: tuple[int, ...],
    query: ListQuery,
    parent_id: int | None,
    resolved: Resolved | None,
    build: Build,
    *,
    data_dependent: bool,
) -> Sequence[Any] | None:
    """The page's rows (entity columns, then the sort key), or None when its shape does
    not qualify; `build` makes the statement of a query the ordinary way."""
    stand_ins = _StandIns()
    try:
        shape = _shape(query, parent_id, resolved, stand_ins, data_dependent=data_dependent)
    except _Unfit:
        return None
    key = (type_ids, shape)
    known, compiled = plans.pages.get(key)
    if not known:
        try:
            compiled = _compile(build, plans.dialect, query, parent_id, resolved, stand_ins)
        except Exception:  # the ordinary build reports what is wrong
            return None
        plans.pages.put(key, compiled)
    if compiled is None:
        return None
    real = stand_ins.real
    values = {name: real[index] for name, index in compiled.slots}
    return compiled.prepared.rows(conn, plans, **values)


def _shape(
    query: ListQuery,
    parent_id: int | None,
    resolved: Resolved | None,
    stand_ins: _StandIns,
    *,
    data_dependent: bool,
) -> Hashable:
    """What the statement depends on besides its values; the values go to `stand_ins`
    in the order `_compile` replaces them."""
    if parent_id is not None:
        stand_ins.take(parent_id)
    cursor: Hashable = None
    if query.cursor is not None:
        last = query.cursor.last_value
        stand_ins.take(query.cursor.last_id)
        cursor = _value_shape(last, stand_ins)
    filter_shape = None if resolved is None else _filter_shape(resolved, stand_ins, data_dependent)
    return (
        query.page_size,  # a literal in the SQL: see Repository._page_select
        parent_id is not None,
        query.order_by,
        query.descending,
        cursor,
        filter_shape,
    )


def _value_shape(value: Any, stand_ins: _StandIns) -> Hashable:
    if isinstance(value, bool) or value is None:
        return ("fixed", value)  # too few values to stand in for: part of the shape
    if isinstance(value, str) and len(value) >= PREFIX_LIMIT:
        raise _Unfit
    if not isinstance(value, str | int | float):
        raise _Unfit
    stand_ins.take(value)
    return type(value).__name__


def _filter_shape(node: Resolved, stand_ins: _StandIns, data_dependent: bool) -> Hashable:
    if isinstance(node, Condition):
        target = node.target
        if isinstance(target, ColumnTarget) and (target.suffixed or target.column == "type_id"):
            raise _Unfit
        if isinstance(target, PropertyTarget) and data_dependent:
            raise _Unfit
        if isinstance(node.value, tuple):
            raise _Unfit  # an IN list's length is part of its SQL
        return ("=", target, node.op, _value_shape(node.value, stand_ins))
    if isinstance(node, Missing):
        return ("missing", node.target)
    if isinstance(node, Negation):
        return ("not", _filter_shape(node.operand, stand_ins, data_dependent))
    group = "and" if isinstance(node, Conjunction) else "or"
    return (group, *(_filter_shape(n, stand_ins, data_dependent) for n in node.operands))


def _compile(
    build: Build,
    dialect: Dialect,
    query: ListQuery,
    parent_id: int | None,
    resolved: Resolved | None,
    stand_ins: _StandIns,
) -> _Compiled | None:
    """Build and compile the shape with stand-ins; None when one does not come through."""
    substitute = _StandIns()
    parent = None if parent_id is None else substitute.take(parent_id)
    cursor = query.cursor
    if cursor is not None:
        last_id = substitute.take(cursor.last_id)
        last = cursor.last_value
        if not (isinstance(last, bool) or last is None):
            last = substitute.take(last)
        cursor = Cursor(last_id, last)
    filters = None if resolved is None else _stand_in_filter(resolved, substitute)
    if len(substitute.real) != len(stand_ins.real):
        return None
    stand_in_query = replace(query, cursor=cursor)
    prepared = Prepared.compile(build(stand_in_query, parent, filters), dialect)
    positions = {made: index for index, made in enumerate(substitute.made)}
    slots = []
    for name, value in prepared.fixed.items():
        hashable = isinstance(value, str | int | float) and not isinstance(value, bool)
        index = positions.get(value) if hashable else None
        if index is not None:
            slots.append((name, index))
        elif substitute.transformed(value):
            return None  # a value changed on its way into the SQL: it must be built each time
    if {index for _, index in slots} != set(range(len(substitute.made))):
        return None
    taken = {name for name, _ in slots}
    fixed = {k: v for k, v in prepared.fixed.items() if k not in taken}
    return _Compiled(replace(prepared, fixed=fixed), tuple(slots))


def _stand_in_filter(node: Resolved, stand_ins: _StandIns) -> Resolved:
    if isinstance(node, Condition):
        value = node.value
        if not (isinstance(value, bool) or value is None):
            value = stand_ins.take(value)
        return replace(node, value=value)
    if isinstance(node, Missing):
        return node
    if isinstance(node, Negation):
        return Negation(_stand_in_filter(node.operand, stand_ins))
    operands = tuple(_stand_in_filter(n, stand_ins) for n in node.operands)
    return Conjunction(operands) if isinstance(node, Conjunction) else Disjunction(operands)
