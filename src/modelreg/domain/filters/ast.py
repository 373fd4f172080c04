"""The filter syntax tree. Values stay Python values; they only ever reach SQL as parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Value = str | int | float | bool
TypeSuffix = Literal["string_value", "int_value", "double_value", "bool_value"]
Operator = Literal["=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN"]


@dataclass(frozen=True, slots=True)
class Property:
    name: str
    suffix: TypeSuffix | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class Comparison:
    prop: Property
    op: Operator
    value: Value | tuple[Value, ...]


@dataclass(frozen=True, slots=True)
class IsNull:
    prop: Property


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]


Expr = Comparison | IsNull | Not | And | Or
