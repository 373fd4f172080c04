"""Resolve filter names against an entity: built-in column, built-in property or custom.

The result is a tree of typed conditions that storage turns into SQL. Every value is
checked against the type of what it is compared with, so type errors are 400s here and
never reach the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from modelreg.errors import InvalidArgument
from modelreg.schemas.base import EPOCH_DIGITS
from modelreg.schemas.enums import ArtifactState, ExecutionState

from ..kinds import HIDDEN_CUSTOM, Kind, Table
from ..values import ValueColumn
from .ast import And, Comparison, Expr, IsNull, Not, Operator, Or, Property, Value

ValueType = Literal["int", "double", "string", "bool"]
COLUMN_OF: dict[ValueType, ValueColumn] = {
    "int": "int_value",
    "double": "double_value",
    "string": "string_value",
    "bool": "bool_value",
}
SUFFIX_TYPE: dict[str, ValueType] = {
    "int_value": "int",
    "double_value": "double",
    "string_value": "string",
    "bool_value": "bool",
}
ORDERING = ("<", "<=", ">", ">=")
STATE_NAMES = {
    "state": [s.value for s in ArtifactState],
    "last_known_state": [s.value for s in ExecutionState],
}


@dataclass(frozen=True, slots=True)
class ColumnTarget:
    """A column of the entity table. `display` marks a name shown without its prefix."""

    column: str
    type: ValueType
    display: bool = False
    nullable: bool = True
    suffixed: bool = False  # the shown name also drops a `__<ms>` suffix (metric history)


@dataclass(frozen=True, slots=True)
class PropertyTarget:
    """Property rows named `name`; a match in any of `columns` counts."""

    name: str
    custom: bool
    columns: tuple[ValueColumn, ...]
    numeric_text: bool = False  # epoch milliseconds kept as text: compare as numbers


Target = ColumnTarget | PropertyTarget


def epoch_number(text: object) -> int | None:
    """Epoch text as its number, or None when it is not one.

    Epoch text is a number when it is 1 to EPOCH_DIGITS (18) ASCII digits, as the API
    accepts it; every such number fits a signed 64-bit integer. Other text, which
    upstream's server may have stored, compares and sorts as a missing value, on every
    store (storage/filter_sql.py `epoch_number` is the SQL of this rule).
    """
    if not isinstance(text, str) or not 0 < len(text) <= EPOCH_DIGITS:
        return None
    return int(text) if text.isascii() and text.isdigit() else None


@dataclass(frozen=True, slots=True)
class Condition:
    target: Target
    op: Operator
    value: Value | tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class Missing:
    target: Target


@dataclass(frozen=True, slots=True)
class Negation:
    operand: Resolved


@dataclass(frozen=True, slots=True)
class Conjunction:
    operands: tuple[Resolved, ...]


@dataclass(frozen=True, slots=True)
class Disjunction:
    operands: tuple[Resolved, ...]


Resolved = Condition | Missing | Negation | Conjunction | Disjunction


def _common_columns(kinds: Sequence[Kind]) -> dict[str, ColumnTarget]:
    prefixed = kinds[0].prefixed
    columns = {
        "id": ColumnTarget("id", "int", nullable=False),
        "name": ColumnTarget("name", "string", display=prefixed, suffixed=kinds[0].suffixed),
        "externalId": ColumnTarget("external_id", "string"),
        "createTimeSinceEpoch": ColumnTarget("create_time_since_epoch", "int", nullable=False),
        "lastUpdateTimeSinceEpoch": ColumnTarget(
            "last_update_time_since_epoch", "int", nullable=False
        ),
    }
    if kinds[0].table is Table.ARTIFACT:
        columns["uri"] = ColumnTarget("uri", "string")
        columns["state"] = ColumnTarget("state", "int")
        columns["artifactType"] = ColumnTarget("type_id", "string", nullable=False)
    if kinds[0].table is Table.EXECUTION:
        columns["lastKnownState"] = ColumnTarget("last_known_state", "int")
    return columns


def _builtin(kinds: Sequence[Kind], name: str) -> tuple[str, tuple[ValueType, ...], bool] | None:
    """The stored name and value types of a built-in property, by wire or storage name, and
    whether it is epoch milliseconds kept as text."""
    found: dict[ValueType, str] = {}
    epoch = False
    for kind in kinds:
        for prop in kind.props:
            if name in (prop.alias, prop.name) and prop.codec != "strlist":
                epoch = prop.codec == "epoch"
                found["int" if epoch else SUFFIX_TYPE[prop.column]] = prop.name
    if not found:
        return None
    stored = next(iter(found.values()))
    return stored, tuple(found), epoch


def _literal_types(value: Value | tuple[Value, ...]) -> tuple[ValueType, ...]:
    sample = value[0] if isinstance(value, tuple) and value else value
    if isinstance(sample, bool):
        return ("bool",)
    if isinstance(sample, int):
        return ("int", "double")  # `accuracy > 0` must match doubles too, as upstream
    if isinstance(sample, float):
        return ("double",)
    return ("string",)


class _Resolver:
    def __init__(self, kinds: Sequence[Kind]) -> None:
        self.kinds = kinds
        self.columns = _common_columns(kinds)

    def target(self, prop: Property, value: Value | tuple[Value, ...] | None) -> Target:
        if prop.suffix is None and prop.name in self.columns:
            return self.columns[prop.name]
        if (
            prop.name in ("experimentId", "experimentRunId")
            and self.kinds[0].table is Table.ARTIFACT
        ):
            hidden = "experiment_id" if prop.name == "experimentId" else "experiment_run_id"
            return PropertyTarget(hidden, True, ("int_value",))
        builtin = _builtin(self.kinds, prop.name)
        if prop.suffix is not None:
            types: tuple[ValueType, ...] = (SUFFIX_TYPE[prop.suffix],)
        elif builtin is not None:
            types = builtin[1]
            if len(types) > 1 and value is not None:
                types = tuple(t for t in _literal_types(value) if t in types) or types
        else:
            types = _literal_types(value) if value is not None else tuple(COLUMN_OF)
        if builtin is not None:
            if builtin[2]:
                return PropertyTarget(builtin[0], False, ("string_value",), numeric_text=True)
            return PropertyTarget(builtin[0], False, tuple(COLUMN_OF[t] for t in types))
        if prop.name in HIDDEN_CUSTOM:
            raise InvalidArgument(f"property {prop.name!r} is reserved")
        return PropertyTarget(prop.name, True, tuple(COLUMN_OF[t] for t in types))

    def resolve(self, expr: Expr) -> Resolved:
        if isinstance(expr, And):
            return Conjunction(tuple(self.resolve(e) for e in expr.operands))
        if isinstance(expr, Or):
            return Disjunction(tuple(self.resolve(e) for e in expr.operands))
        if isinstance(expr, Not):
            return Negation(self.resolve(expr.operand))
        if isinstance(expr, IsNull):
            return Missing(self.target(expr.prop, None))
        return self.comparison(expr)

    def comparison(self, expr: Comparison) -> Resolved:
        target = self.target(expr.prop, expr.value)
        values = expr.value if isinstance(expr.value, tuple) else (expr.value,)
        if isinstance(target, ColumnTarget):
            types: tuple[ValueType, ...] = (target.type,)
        elif target.numeric_text:
            types = ("int",)
        else:
            types = tuple(SUFFIX_TYPE[c] for c in target.columns)
        _check_operator(expr, types)
        coerced = tuple(self.coerce(expr.prop, target, types, v) for v in values)
        return Condition(target, expr.op, coerced if expr.op == "IN" else coerced[0])

    def coerce(
        self, prop: Property, target: Target, types: tuple[ValueType, ...], value: Value
    ) -> Value:
        if isinstance(target, ColumnTarget) and target.column in STATE_NAMES:
            return _state_index(STATE_NAMES[target.column], value)
        if isinstance(target, ColumnTarget) and target.column == "type_id":
            return str(value)
        kind = types[0]
        if kind == "int" and isinstance(value, str) and value.strip().lstrip("+-").isdigit():
            return int(value)  # ids are strings on the wire: experimentId = "12"
        if (
            kind in ("int", "double")
            and isinstance(value, int | float)
            and not isinstance(value, bool)
        ):
            if kind == "int" and isinstance(value, float) and "double" not in types:
                raise _mismatch(prop, "an integer", value)
            return value
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "bool" and isinstance(value, bool):
            return value
        expected = {
            "int": "an integer",
            "double": "a number",
            "string": "a string",
            "bool": "true or false",
        }
        raise _mismatch(prop, expected[kind], value)


def _check_operator(expr: Comparison, types: tuple[ValueType, ...]) -> None:
    if expr.op in ("LIKE", "ILIKE") and "string" not in types:
        raise InvalidArgument(
            f"{expr.op} needs a string property, and {expr.prop.name!r} is compared as "
            f"{' or '.join(types)}"
        )
    if expr.op in ORDERING and types == ("bool",):
        raise InvalidArgument(f"{expr.prop.name!r} is a boolean: use = or !=")


def _state_index(names: list[str], value: Value) -> Value:
    """A state column compared by name (`'LIVE'`) or by its stored position."""
    if isinstance(value, str) and value in names:
        return names.index(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(names):
        return value
    raise InvalidArgument(f"unknown state {value!r}: use one of {', '.join(names)}")


def _mismatch(prop: Property, expected: str, value: Value) -> InvalidArgument:
    return InvalidArgument(
        f"filterQuery compares {prop.name!r} with {value!r}, but it needs {expected}"
    )


def order_target(prop: Property, kinds: Sequence[Kind]) -> Target:
    """What `orderBy=<property>` sorts by; custom properties need a type suffix."""
    resolver = _Resolver(kinds)
    if (
        prop.suffix is None
        and _builtin(kinds, prop.name) is None
        and prop.name not in resolver.columns
    ):
        raise InvalidArgument(
            f"orderBy {prop.name!r}: add the value type of the custom property, "
            f"e.g. {prop.name}.string_value or {prop.name}.double_value"
        )
    target = resolver.target(prop, None)
    if isinstance(target, PropertyTarget) and len(target.columns) > 1:
        raise InvalidArgument(f"orderBy {prop.name!r} is ambiguous here: add a type suffix")
    return target


SORT_VALUE_TYPES: dict[ValueColumn, tuple[type, ...]] = {
    "int_value": (int,),
    "double_value": (int, float),
    "string_value": (str,),
    "bool_value": (bool,),
}


def sort_value_types(target: Target) -> tuple[type, ...]:
    """The Python types of what a list ordered by `target` sorts by, and so of the sort
    value its page tokens keep: the artifact type sorts by its type id and epoch text by
    its number, whatever a filter compares them with."""
    if isinstance(target, ColumnTarget):
        numeric = target.type == "int" or target.column == "type_id"
        return (int,) if numeric else (str,)
    if target.numeric_text:
        return (int,)
    return SORT_VALUE_TYPES[target.columns[0]]


def resolve(expr: Expr | None, kinds: Sequence[Kind]) -> Resolved | None:
    """Resolve a parsed filter for entities of these kinds (one MLMD table)."""
    return None if expr is None else _Resolver(kinds).resolve(expr)
