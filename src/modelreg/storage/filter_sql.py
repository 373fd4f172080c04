"""Resolved filters -> SQLAlchemy expressions. Every value is a bound parameter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    FromClause,
    Select,
    String,
    Table,
    and_,
    false,
    func,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

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
from modelreg.domain.kinds import ARTIFACT_KIND_BY_TYPE
from modelreg.errors import InvalidArgument
from modelreg.schemas.base import EPOCH_DIGITS

from .dialects import SQLITE, Strategy

LIKE_ESCAPE = "\\"
PG_PREFIX = 255


def escape_like(text: str) -> str:
    """`text` as a LIKE pattern that matches only itself (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class display_name(FunctionElement[str]):
    """The part of a stored name after the first `:` (the whole name if there is none)."""

    type = String()
    name = "display_name"
    inherit_cache = True


def _argument(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(next(iter(element.clauses)), **kw))


@compiles(display_name)
def _display_sqlite(element: display_name, compiler: SQLCompiler, **kw: Any) -> str:
    arg = _argument(element, compiler, **kw)
    return f"substr({arg}, instr({arg}, ':') + 1)"


@compiles(display_name, "postgresql")
def _display_postgres(element: display_name, compiler: SQLCompiler, **kw: Any) -> str:
    arg = _argument(element, compiler, **kw)
    return f"substr({arg}, strpos({arg}, ':') + 1)"


@compiles(display_name, "mysql")
@compiles(display_name, "mariadb")
def _display_mysql(element: display_name, compiler: SQLCompiler, **kw: Any) -> str:
    # the indexed virtual column migration 0007 adds to Artifact, Context and Execution
    column = next(iter(element.clauses))
    table = getattr(column, "table", None)
    if table is not None and getattr(column, "name", None) == "name":
        return f"{compiler.process(column, **kw).rsplit('.', 1)[0]}.display_name"
    arg = _argument(element, compiler, **kw)
    return f"SUBSTRING({arg}, LOCATE(':', {arg}) + 1)"


class epoch_number(FunctionElement[int]):
    """Epoch text as a BIGINT when it is 1 to EPOCH_DIGITS ASCII digits, else NULL.

    A plain CAST fails the statement on PostgreSQL for text that is not a number (which
    upstream's server stores when it is sent only a start or only an end time) or does
    not fit 64 bits, and reads it as 0 on SQLite and MySQL; the checked form treats it as
    missing on every database, as the memory store does (`resolve.epoch_number`).
    """

    type = BigInteger()
    name = "epoch_number"
    inherit_cache = True


@compiles(epoch_number)
def _epoch_sqlite(element: epoch_number, compiler: SQLCompiler, **kw: Any) -> str:
    arg = _argument(element, compiler, **kw)
    return (
        f"CASE WHEN length({arg}) BETWEEN 1 AND {EPOCH_DIGITS} "
        f"AND {arg} NOT GLOB '*[^0-9]*' THEN CAST({arg} AS INTEGER) END"
    )


@compiles(epoch_number, "postgresql")
def _epoch_postgres(element: epoch_number, compiler: SQLCompiler, **kw: Any) -> str:
    arg = _argument(element, compiler, **kw)
    return f"CASE WHEN {arg} ~ '^[0-9]{{1,{EPOCH_DIGITS}}}$' THEN CAST({arg} AS BIGINT) END"


@compiles(epoch_number, "mysql")
@compiles(epoch_number, "mariadb")
def _epoch_mysql(element: epoch_number, compiler: SQLCompiler, **kw: Any) -> str:
    arg = _argument(element, compiler, **kw)
    return f"CASE WHEN {arg} REGEXP '^[0-9]{{1,{EPOCH_DIGITS}}}$' THEN CAST({arg} AS SIGNED) END"


def _compare(column: Any, op: str, value: Any) -> ColumnElement[bool]:
    if op == "IN":
        return column.in_(list(value)) if value else false()
    if op == "LIKE":
        return column.like(value, escape=LIKE_ESCAPE)  # type: ignore[no-any-return]
    if op == "ILIKE":
        return func.lower(column).like(func.lower(value), escape=LIKE_ESCAPE)
    operators: dict[str, Callable[[Any, Any], ColumnElement[bool]]] = {
        "=": lambda c, v: c == v,
        "!=": lambda c, v: c != v,
        "<": lambda c, v: c < v,
        "<=": lambda c, v: c <= v,
        ">": lambda c, v: c > v,
        ">=": lambda c, v: c >= v,
    }
    return operators[op](column, value)


def _is_equality(node: Resolved) -> bool:
    return isinstance(node, Condition) and node.op in ("=", "IN")


class FilterCompiler:
    """Compile a resolved filter for one entity table and its property table."""

    def __init__(
        self,
        table: Table,
        prop_table: Table,
        owner: str,
        type_id_of: Callable[[str], int],
        strategy: Strategy = SQLITE,
        is_common: Callable[[Condition, Select[Any]], bool] | None = None,
    ) -> None:
        self.strategy = strategy
        self.is_common = is_common
        self.table = table
        self.props = prop_table
        self.owner = owner
        self.type_id_of = type_id_of

    def compile(self, node: Resolved) -> ColumnElement[bool]:
        if isinstance(node, Conjunction):
            return self._conjunction(node)
        if isinstance(node, Disjunction):
            return or_(false(), *(self.compile(n) for n in node.operands))
        if isinstance(node, Negation):
            return not_(self.compile(node.operand))
        if isinstance(node, Missing):
            if isinstance(node.target, ColumnTarget):
                absent: ColumnElement[bool] = self.column(node.target).is_(None)
                return absent
            rows = self._rows(node.target).where(self.props.c[self.owner] == self.table.c.id)
            absent_rows: ColumnElement[bool] = not_(rows.exists())
            return absent_rows
        return self.condition(node)

    def driver(self, node: Resolved) -> Condition | None:
        """A property equality that can drive a page in id order, or None.

        Its value index holds the matching owners in id order (the owner is the index's
        last column), so a page read from the index joined to the entities stops after
        the page's rows, however many match: a common value no longer costs a probe per
        entity (a first page of 100 at 1,000,000 versions: 0.29 ms against 0.04 ms on
        SQLite), and on PostgreSQL the generic plan a prepared page settles on walks the
        index too, where for `IN (subquery)` it collected and sorted every match (94 ms
        for a value 20,000 versions share). MySQL's string index holds a prefix of the
        value, so it keeps the plain form.
        """
        if not self.strategy.drives_pages:
            return None
        operands = node.operands if isinstance(node, Conjunction) else (node,)
        for operand in operands:
            if (
                isinstance(operand, Condition)
                and isinstance(operand.target, PropertyTarget)
                and operand.op == "="
                and len(operand.target.columns) == 1
                and not operand.target.numeric_text
            ):
                return operand
        return None

    def driving_rows(self, driver: Condition) -> tuple[FromClause, ColumnElement[bool]]:
        """The driver's property rows: an alias of the property table (the filter's other
        conditions read that table in subqueries of their own) and the driver on it."""
        assert isinstance(driver.target, PropertyTarget)
        rows = self.props.alias("driver")
        match = and_(
            rows.c.name == driver.target.name,
            rows.c.is_custom_property == driver.target.custom,
            self._property_match(driver.target.columns[0], driver, rows),
        )
        return rows, match

    def compile_driven(self, node: Resolved, driver: Condition) -> ColumnElement[bool]:
        """The rest of the filter, given that its `driver` is met by the join."""
        if node is driver:
            return true()
        assert isinstance(node, Conjunction)
        rest = tuple(operand for operand in node.operands if operand is not driver)
        return self._conjunction(Conjunction(rest), driven=True)

    def _conjunction(self, node: Conjunction, *, driven: bool = False) -> ColumnElement[bool]:
        """AND: once one property condition is rare enough to drive the query (or a
        `driver` does), the others are probed row by row without counting their matches
        first; where the database plans from statistics and nothing drives, every
        condition keeps its plain form."""
        parts: dict[int, ColumnElement[bool]] = {}
        # equality first: the likeliest to be selective
        order = sorted(range(len(node.operands)), key=lambda i: not _is_equality(node.operands[i]))
        for index in order:
            child = node.operands[index]
            # the database's planner chooses, unless a driver leads: then the conditions
            # are probed on its rows, so no generic plan collects one's every match
            planned = self.is_common is None and not driven
            if (
                not planned
                and isinstance(child, Condition)
                and isinstance(child.target, PropertyTarget)
            ):
                parts[index], collected = self._property_condition(child, True if driven else None)
                driven = driven or collected
            else:
                parts[index] = self.compile(child)
        return and_(true(), *(parts[i] for i in range(len(node.operands))))

    def column(self, target: ColumnTarget) -> Any:
        column = self.table.c[target.column]
        return display_name(column) if target.display else column

    def condition(self, node: Condition) -> ColumnElement[bool]:
        target = node.target
        if isinstance(target, ColumnTarget):
            value = node.value
            if target.column == "type_id":
                value = self._type_ids(value)
            if target.suffixed:
                compared = self._suffixed_name(node.op, value)
            else:
                compared = _compare(self.column(target), node.op, value)
            if target.nullable:
                # keep the condition two-valued, so NOT (x = 1) also finds rows where x is NULL
                return and_(self.table.c[target.column].is_not(None), compared)
            return compared
        return self._property_condition(node, None)[0]

    def _suffixed_name(self, op: str, value: Any) -> ColumnElement[bool]:
        """Names stored as `<run>:<metric>__<ms>` compared as `<metric>`: the shown name
        followed by `__` and a tail with no further `__`."""
        shown = display_name(self.table.c.name)

        def named(text: str, like: bool = False) -> ColumnElement[bool]:
            head = text if like else escape_like(text)
            return and_(
                shown.like(head + "\\_\\_%", escape=LIKE_ESCAPE),
                not_(shown.like(head + "\\_\\_%\\_\\_%", escape=LIKE_ESCAPE)),
            )

        if op == "=":
            return named(str(value))
        if op == "!=":
            return not_(named(str(value)))
        if op == "IN":
            return or_(false(), *(named(str(v)) for v in value))
        if op == "LIKE":
            return named(str(value), like=True)
        raise InvalidArgument("metric history names take =, !=, IN or LIKE")

    def _property_condition(
        self, node: Condition, probe: bool | None
    ) -> tuple[ColumnElement[bool], bool]:
        """Rows having a matching property: collected (IN) when few match, else probed per
        row in page order. `probe=None` counts the matches (bounded) to decide. The flag
        says whether the matches were collected (and so can drive the query)."""
        assert isinstance(node.target, PropertyTarget)
        matches = [self._property_match(column, node) for column in node.target.columns]
        rows = self._rows(node.target).where(or_(*matches))
        if probe is None:
            probe = self.is_common is not None and self.is_common(node, rows)
        if probe:
            # A scalar subquery (not EXISTS) keeps planners from turning it into a join.
            correlated = rows.where(self.props.c[self.owner] == self.table.c.id).limit(1)
            probed: ColumnElement[bool] = correlated.scalar_subquery().is_not(None)
            return probed, False
        in_rows: ColumnElement[bool] = self.table.c.id.in_(rows)
        return in_rows, True

    def _property_match(
        self, column: str, node: Condition, props: FromClause | None = None
    ) -> ColumnElement[bool]:
        """`node` on a row of the property table (or of `props`, an alias of it)."""
        props = self.props if props is None else props
        if self.strategy.partial_value_indexes:
            # SQLite uses a partial value index (migration 0009) only where the query
            # compares the column itself or says it is not NULL; ILIKE's lower() and the
            # CAST below do neither. No comparison matches NULL, so the answer is the same.
            return and_(props.c[column].is_not(None), self._value_match(column, node, props))
        return self._value_match(column, node, props)

    def _value_match(self, column: str, node: Condition, props: FromClause) -> ColumnElement[bool]:
        assert isinstance(node.target, PropertyTarget)
        if node.target.numeric_text:
            return _compare(epoch_number(props.c[column]), node.op, node.value)
        match = _compare(props.c[column], node.op, node.value)
        is_string_match = column == "string_value" and node.op in ("=", "IN")
        if self.strategy.string_prefix_index and is_string_match:
            # lets PostgreSQL use the left(string_value, 255) expression index (migration
            # 0003); the length is a literal, or a prepared statement's generic plan (one
            # for every value) would not match the index and PostgreSQL would plan anew
            # each time
            prefix = func.left(props.c.string_value, literal_column(str(PG_PREFIX)))
            values = node.value if isinstance(node.value, tuple) else (node.value,)
            wanted = [str(v)[:PG_PREFIX] for v in values]
            indexed = prefix.in_(wanted) if node.op == "IN" else prefix == wanted[0]
            if all(len(str(v)) < PG_PREFIX for v in values):
                # a prefix shorter than the limit is the whole string: one exact condition
                # (two correlated ones make the planner badly underestimate the matches)
                return indexed
            return and_(indexed, match)
        return match

    def _rows(self, target: PropertyTarget) -> Any:
        return select(self.props.c[self.owner]).where(
            self.props.c.name == target.name,
            self.props.c.is_custom_property == target.custom,
        )

    def _type_ids(self, value: Any) -> Any:
        names = value if isinstance(value, tuple) else (value,)
        ids = []
        for name in names:
            kind = ARTIFACT_KIND_BY_TYPE.get(str(name))
            if kind is None:
                raise InvalidArgument(f"unknown artifactType {name!r} in filterQuery")
            ids.append(self.type_id_of(kind.type_name))
        return tuple(ids) if isinstance(value, tuple) else ids[0]
