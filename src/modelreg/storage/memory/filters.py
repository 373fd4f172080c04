"""Resolved filters and sort keys evaluated on records, with the SQL store's semantics.

The SQL store compiles the same `Resolved` trees in `storage/filter_sql.py` and sorts in
`Repository._sort_key`; each rule here names the SQL it stands for, so the two can be read
side by side. Every condition is two-valued, as the SQL store keeps it: a comparison with
a missing value is false, and its negation true.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from modelreg.domain.filters.ast import Property
from modelreg.domain.filters.resolve import (
    ColumnTarget,
    Condition,
    Conjunction,
    Disjunction,
    Missing,
    Negation,
    PropertyTarget,
    Resolved,
    epoch_number,
    order_target,
    sort_value_types,
)
from modelreg.domain.kinds import ALL_KINDS, ARTIFACT_KIND_BY_TYPE, Kind
from modelreg.domain.paging import Cursor, OrderKey, SortValue
from modelreg.domain.records import Record
from modelreg.errors import InvalidArgument

Predicate = Callable[[Record], bool]

# Stand-ins for MLMD type ids, which the SQL store seeds in ALL_KINDS order.
TYPE_IDS = {kind.type_name: number for number, kind in enumerate(ALL_KINDS, start=1)}
ORDER_COLUMNS = {"ID": "id", "CREATE_TIME": "create_time", "LAST_UPDATE_TIME": "update_time"}
_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def shown(name: str) -> str:
    """SQL `display_name(name)`: what follows the first `:`, or the whole name."""
    return name[name.find(":") + 1 :]


def column_value(record: Record, target: ColumnTarget) -> Any:
    """The value of an entity-table column of the record (None for SQL NULL)."""
    column = target.column
    if column == "name":
        name = record.name
        return shown(name) if target.display and name is not None else name
    if column in ("state", "last_known_state"):
        return record.state
    if column == "type_id":
        return TYPE_IDS[record.kind.type_name]
    attribute = {
        "create_time_since_epoch": "create_time",
        "last_update_time_since_epoch": "update_time",
    }.get(column, column)
    return getattr(record, attribute)


def _stored(record: Record, target: PropertyTarget) -> Any:
    return (record.custom if target.custom else record.props).get(target.name)


@lru_cache(maxsize=256)
def _like_pattern(pattern: str) -> re.Pattern[str]:
    """LIKE with `%`, `_` and backslash as escape character (`LIKE_ESCAPE`)."""
    parts, chars = [], iter(pattern)
    for char in chars:
        if char == "\\":
            parts.append(re.escape(next(chars, "\\")))
        else:
            parts.append({"%": ".*", "_": "."}.get(char) or re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def like(text: str, pattern: str, *, fold: bool = False) -> bool:
    """`text LIKE pattern`; `fold`: ILIKE, as `lower(text) LIKE lower(pattern)`."""
    if fold:
        text, pattern = text.lower(), pattern.lower()
    return _like_pattern(pattern).fullmatch(text) is not None


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def compare(actual: Any, op: str, value: Any) -> bool:
    """`actual <op> value` for a non-NULL `actual` (`filter_sql._compare`)."""
    if op == "IN":
        return actual in value
    if op in ("LIKE", "ILIKE"):
        return like(str(actual), str(value), fold=op == "ILIKE")
    return _OPERATORS[op](actual, value)


def compile_filter(node: Resolved) -> Predicate:
    """A predicate on records; errors the SQL store raises while compiling are raised here,
    before any record is read."""
    if isinstance(node, Conjunction):
        parts = [compile_filter(n) for n in node.operands]
        return lambda r: all(p(r) for p in parts)
    if isinstance(node, Disjunction):
        parts = [compile_filter(n) for n in node.operands]
        return lambda r: any(p(r) for p in parts)
    if isinstance(node, Negation):
        inner = compile_filter(node.operand)
        return lambda r: not inner(r)
    if isinstance(node, Missing):
        target = node.target
        if isinstance(target, ColumnTarget):
            raw = ColumnTarget(target.column, target.type)  # IS NULL reads the raw column
            return lambda r: column_value(r, raw) is None
        # no property row of that name at all, whatever its value column
        return lambda r: _stored(r, target) is None
    if isinstance(node.target, ColumnTarget):
        return _column_condition(node, node.target)
    return _property_condition(node, node.target)


def _column_condition(node: Condition, target: ColumnTarget) -> Predicate:
    op, value = node.op, node.value
    if target.column == "type_id":
        value = _type_ids(value)
        op = "=" if op in ("LIKE", "ILIKE") else op  # an id LIKE an id is equality
    if target.suffixed:
        return _suffixed_name(op, value)
    return lambda r: (actual := column_value(r, target)) is not None and compare(actual, op, value)


def _suffixed_name(op: str, value: Any) -> Predicate:
    """Metric history names `<run>:<metric>__<ms>` compared as `<metric>`: the shown name
    is the value, `__` and a tail with no further `__` (`FilterCompiler._suffixed_name`)."""

    def named(name: str, text: str, is_pattern: bool = False) -> bool:
        head = text if is_pattern else escape_like(text)
        display = shown(name)
        return like(display, head + "\\_\\_%") and not like(display, head + "\\_\\_%\\_\\_%")

    checks: dict[str, Callable[[str], bool]] = {
        "=": lambda n: named(n, str(value)),
        "!=": lambda n: not named(n, str(value)),
        "IN": lambda n: any(named(n, str(v)) for v in value),
        "LIKE": lambda n: named(n, str(value), is_pattern=True),
    }
    if op not in checks:
        raise InvalidArgument("metric history names take =, !=, IN or LIKE")
    check = checks[op]
    return lambda r: r.name is not None and check(r.name)


def _property_condition(node: Condition, target: PropertyTarget) -> Predicate:
    """A property row of that name whose value, in any of the target's columns, matches."""
    op, value = node.op, node.value

    def matches(record: Record) -> bool:
        stored = _stored(record, target)
        if stored is None or stored.column not in target.columns:
            return False
        if target.numeric_text:  # filter_sql.epoch_number(string_value)
            number = epoch_number(stored.value)
            return number is not None and compare(number, op, value)
        return compare(stored.value, op, value)

    return matches


def _type_ids(value: Any) -> Any:
    names = value if isinstance(value, tuple) else (value,)
    ids = []
    for name in names:
        kind = ARTIFACT_KIND_BY_TYPE.get(str(name))
        if kind is None:
            raise InvalidArgument(f"unknown artifactType {name!r} in filterQuery")
        ids.append(TYPE_IDS[kind.type_name])
    return tuple(ids) if isinstance(value, tuple) else ids[0]


@dataclass(frozen=True, slots=True)
class SortKey:
    """What a list sorts by (`Repository._sort_key`): a record's value, whether it can be
    NULL, and the Python types its values (and so a page token's value) have."""

    value: Callable[[Record], SortValue]
    nullable: bool
    types: tuple[type, ...]

    def accepts(self, token_value: object) -> bool:
        if token_value is None:
            return self.nullable
        if isinstance(token_value, bool):
            return bool in self.types
        return isinstance(token_value, self.types)

    def position(self, record: Record) -> tuple[Any, ...]:
        """Where the record sorts ascending: NULL keys after the rest, ties by id."""
        return self.cursor_position(Cursor(record.id, self.value(record)))

    @staticmethod
    def cursor_position(cursor: Cursor) -> tuple[Any, ...]:
        if cursor.last_value is None:
            return (1, 0, cursor.last_id)
        return (0, cursor.last_value, cursor.last_id)


def sort_key(kinds: Sequence[Kind], order: OrderKey) -> SortKey:
    if isinstance(order, str) and order in ORDER_COLUMNS:
        attribute = ORDER_COLUMNS[order]
        return SortKey(lambda r: getattr(r, attribute), False, (int,))
    prop = Property("name") if order == "NAME" else order
    assert isinstance(prop, Property)
    target = order_target(prop, kinds)
    types = sort_value_types(target)
    if isinstance(target, ColumnTarget):
        column = target
        return SortKey(lambda r: column_value(r, column), target.nullable, types)
    property_target, value_column = target, target.columns[0]

    def stored_value(record: Record) -> SortValue:
        stored = _stored(record, property_target)
        if stored is None or stored.column != value_column:
            return None
        if property_target.numeric_text:  # filter_sql.epoch_number(string_value)
            return epoch_number(stored.value)
        value: SortValue = stored.value
        return value

    return SortKey(stored_value, True, types)
