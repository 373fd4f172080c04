"""The SQL of the hot reads and writes, and the MLMD layout facts it is built from.

Each `@prepared` builder returns a Core statement for one dialect and shape; a store
compiles it once and then runs it as the driver's SQL (prepared.py). The `*_sql`
functions write SQL text by hand; a store makes each once too (`Plans.sql`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    delete,
    exists,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy import Table as SqlTable
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import ClauseElement

from modelreg.domain.kinds import Table
from modelreg.domain.values import ValueColumn

from . import tables as t
from .prepared import prepared

VALUE_COLUMNS: tuple[ValueColumn, ...] = (
    "int_value",
    "string_value",
    "bool_value",
    "double_value",
    "byte_value",
    "proto_value",
)
PROPERTY_COLUMNS = ("name", "is_custom_property", *VALUE_COLUMNS)
"""A property row's columns besides its owner, in the order reads and writes use."""
# Per entity table: the table linking it to a parent context and its own column there,
# then the parent's column.
LINKS = {
    Table.CONTEXT: (t.parent_context, "context_id"),
    Table.ARTIFACT: (t.attribution, "artifact_id"),
    Table.EXECUTION: (t.association, "execution_id"),
}
PARENT_COLUMN = {
    Table.CONTEXT: "parent_context_id",
    Table.ARTIFACT: "context_id",
    Table.EXECUTION: "context_id",
}


def child_of(table_kind: Table, parent: Any) -> ColumnElement[bool]:
    """A correlated EXISTS on the link's primary key or unique index: one probe per
    candidate row, where `id IN (children)` would read every child of the parent.
    `parent` is an id or a bind parameter."""
    link, child_column = LINKS[table_kind]
    table = t.ENTITY_TABLES[table_kind.value]
    return exists().where(
        link.c[child_column] == table.c.id, link.c[PARENT_COLUMN[table_kind]] == parent
    )


Node = tuple[Table, tuple[str, ...]]
"""An entity to insert: its table and the entity-table columns given."""
PROP_ROWS = "prop_rows"
"""The parameter of an entity's property rows in `insert_tree_sql` and `update_unchanged_sql`."""


def child_tag(index: int) -> str:
    """Prefix of a child's CTEs and parameters in `insert_tree_sql`, by its position."""
    return f"child{index}_"


def insert_tree_sql(
    dialect: Dialect,
    table_kind: Table,
    columns: tuple[str, ...],
    linked: bool,
    parent_type_ids: tuple[int, ...],
    children: tuple[Node, ...] = (),
    show_parent: bool = False,
) -> str:
    """PostgreSQL: a new entity, its property rows and (`linked`) its link to the parent
    context `parent_id`, in one statement of data-modifying CTEs that returns the new id.
    With `parent_type_ids` it returns no row and writes nothing unless the parent is of
    one of those types. The properties come as one JSON array of row objects
    (`prop_rows`), so one statement text serves any number of them. Each of `children` is
    a new entity linked under the first, written too (its parameters prefixed
    `child_tag(i)`; its stored name is `<the first one's id>:<its name parameter>`), and
    their ids are returned after the first one's.
    `show_parent`: the rows also carry the parent context's columns and property rows,
    as `with_properties` gives them, one row per property.

    A create is then one round trip instead of six (BEGIN, a check of the parent, the
    insert, its properties, the link, COMMIT): `bench/pg_statements.py` measures both.
    """
    assert linked or not parent_type_ids
    parts = []
    if parent_type_ids:
        types = ", ".join(str(int(i)) for i in parent_type_ids)
        context = dialect.identifier_preparer.quote(t.context.name)
        parts.append(
            f"parent AS (SELECT id FROM {context} "
            f"WHERE id = %(parent_id)s::INTEGER AND type_id IN ({types}))"
        )
    elif linked:
        parts.append("parent AS (SELECT %(parent_id)s::INTEGER AS id)")
    parent = "parent" if linked else None
    parts += _node_ctes(dialect, table_kind, columns, "", parent, checked=bool(parent_type_ids))
    ids, sources = ["entity.id"], ["entity"]
    for i, child in enumerate(children):
        tag = child_tag(i)
        parts += _node_ctes(dialect, *child, tag, "entity", checked=True)
        ids.append(f"{tag}entity.id")
        sources.append(f"{tag}entity")
    query = f"SELECT {', '.join(ids)} FROM {', '.join(sources)}"
    if show_parent:
        assert parent_type_ids
        quote = dialect.identifier_preparer.quote
        props, owner = t.PROPERTY_TABLES[Table.CONTEXT.value]
        shown = [f"c.{quote(c.name)}" for c in t.context.c]
        shown += [f"p.{quote(c)}" for c in PROPERTY_COLUMNS]
        query = (
            f"SELECT {', '.join(ids + shown)} FROM {', '.join(sources)}, parent "
            f"JOIN {quote(t.context.name)} c ON c.id = parent.id "
            f"LEFT JOIN {quote(props.name)} p ON p.{quote(owner)} = c.id"
        )
    return f"WITH {', '.join(parts)} {query}"


def _node_ctes(
    dialect: Dialect,
    table_kind: Table,
    columns: tuple[str, ...],
    tag: str,
    parent: str | None,
    *,
    checked: bool,
) -> list[str]:
    """The CTEs `<tag>entity`, `<tag>props` and (under `parent`, a CTE with the parent's
    `id`) `<tag>link`; `checked`: insert only for a row of `parent`. A child's stored
    name (a `tag`) is `<its parent's id>:<its name parameter>`."""
    quote = dialect.identifier_preparer.quote
    table = t.ENTITY_TABLES[table_kind.value]
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]

    def value(column: str) -> str:
        if tag and column == "name":
            return f"({parent}.id::TEXT || ':' || %({tag}name)s::TEXT)"
        return _typed(dialect, table.c[column], f"{tag}{column}")

    entity = f"{tag}entity"
    source = f" FROM {parent}" if checked else ""
    values = ", ".join(value(c) for c in columns)
    rows = _json_rows(dialect, prop_table, PROPERTY_COLUMNS, f"{tag}{PROP_ROWS}")
    parts = [
        f"{entity} AS (INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
        f"SELECT {values}{source} RETURNING id)",
        f"{tag}props AS (INSERT INTO {quote(prop_table.name)} "
        f"({', '.join(map(quote, (owner, *PROPERTY_COLUMNS)))}) "
        f"SELECT {entity}.id, p.* FROM {entity}, {rows})",
    ]
    if parent is not None:
        link, child_column = LINKS[table_kind]
        link_columns = ", ".join(map(quote, (child_column, PARENT_COLUMN[table_kind])))
        parts.append(
            f"{tag}link AS (INSERT INTO {quote(link.name)} ({link_columns}) "
            f"SELECT {entity}.id, {parent}.id FROM {entity}, {parent})"
        )
    return parts


def _typed(dialect: Dialect, column: Any, name: str, suffix: str = "") -> str:
    """The psycopg placeholder of parameter `name`, cast to `column`'s type."""
    return f"%({name})s::{column.type.compile(dialect=dialect)}{suffix}"


def _json_rows(dialect: Dialect, prop_table: SqlTable, columns: tuple[str, ...], param: str) -> str:
    """The property rows of JSON parameter `param` as a row source of `columns`.

    One text parameter, not an array per column: psycopg's Python code dumping eight
    lists was 14% of a create's CPU (py-spy, in-process on PostgreSQL)."""
    typed = ", ".join(
        f"{dialect.identifier_preparer.quote(c)} {prop_table.c[c].type.compile(dialect=dialect)}"
        for c in columns
    )
    return f"json_to_recordset(%({param})s::JSON) AS p({typed})"


def properties_sql(dialect: Dialect, table_kind: Table, count: int) -> str:
    """SELECT the properties of `count` owners, parameters `o0`, `o1`...; on PostgreSQL
    (`count` 0) of the owners in one array parameter, `o0`."""
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(c) for c in (owner, *PROPERTY_COLUMNS))
    marks = [_placeholder(dialect, f"o{i}") for i in range(count or 1)]
    match = f"= ANY({marks[0]})" if count == 0 else f"IN ({', '.join(marks)})"
    return f"SELECT {columns} FROM {quote(prop_table.name)} WHERE {quote(owner)} {match}"


def _placeholder(dialect: Dialect, name: str) -> str:
    return f":{name}" if dialect.paramstyle == "named" else f"%({name})s"


def type_match(
    table: SqlTable, type_ids: tuple[int, ...], *, literal: bool = True
) -> ColumnElement[bool]:
    """`type_id` is one of these. Prepared statements carry the ids as literals (they are
    ours, and one is compiled per set): an IN list of parameters would expand per call."""
    ids: list[Any] = [literal_column(str(int(i))) for i in type_ids] if literal else list(type_ids)
    return table.c.type_id == ids[0] if len(ids) == 1 else table.c.type_id.in_(ids)


@prepared
def exists_by_id(_: Dialect, table_kind: Table, type_ids: tuple[int, ...]) -> ClauseElement:
    table = t.ENTITY_TABLES[table_kind.value]
    return select(table.c.id).where(
        type_match(table, type_ids), table.c.id == bindparam("entity_id")
    )


@prepared
def load_one(_: Dialect, table_kind: Table, type_ids: tuple[int, ...], lock: bool) -> ClauseElement:
    table = t.ENTITY_TABLES[table_kind.value]
    stmt = select(table).where(type_match(table, type_ids), table.c.id == bindparam("entity_id"))
    return stmt.with_for_update() if lock else with_properties(table_kind, stmt)


@prepared
def find(
    _: Dialect,
    table_kind: Table,
    type_ids: tuple[int, ...],
    by_name: bool,
    by_external_id: bool,
    in_parent: bool,
    limit: int,
    lock: bool,
) -> ClauseElement:
    table = t.ENTITY_TABLES[table_kind.value]
    stmt = select(table).where(type_match(table, type_ids))
    if by_name:
        stmt = stmt.where(table.c.name == bindparam("name"))
    if by_external_id:
        stmt = stmt.where(table.c.external_id == bindparam("external_id"))
    if in_parent:
        stmt = stmt.where(child_of(table_kind, bindparam("parent_id")))
    stmt = stmt.order_by(table.c.id).limit(limit)
    return stmt.with_for_update() if lock else with_properties(table_kind, stmt)


def with_properties(table_kind: Table, entities: Select[Any]) -> Select[Any]:
    """The entity rows joined to their property rows: one round trip for a get instead of
    two. Not for locking reads: FOR UPDATE cannot take the nullable side of an outer join
    (PostgreSQL), and MariaDB has no `FOR UPDATE OF`."""
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]
    found = entities.subquery("found")
    values = [prop_table.c[c] for c in PROPERTY_COLUMNS]
    return (
        select(found, *values)
        .outerjoin(prop_table, prop_table.c[owner] == found.c.id)
        .order_by(found.c.id)
    )


def update_unchanged_sql(dialect: Dialect, table_kind: Table, columns: tuple[str, ...]) -> str:
    """PostgreSQL: rewrite an entity row and its property rows in one statement, only if
    its update time is still `%(stamp)s` (what the caller read); returns its id, or no
    row when the entity changed (or went) meanwhile. The properties come as in
    `insert_tree_sql`; rows of names no longer there are deleted, the others upserted
    (a DELETE and an INSERT of one key cannot share a statement)."""
    quote = dialect.identifier_preparer.quote
    table = t.ENTITY_TABLES[table_kind.value]
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]
    keys = PROPERTY_COLUMNS[:2]
    rows = _json_rows(dialect, prop_table, PROPERTY_COLUMNS, PROP_ROWS)
    key_rows = _json_rows(dialect, prop_table, keys, PROP_ROWS)
    sets = ", ".join(f"{quote(c)} = {_typed(dialect, table.c[c], c)}" for c in columns)
    stamp_column = quote("last_update_time_since_epoch")
    owner_column, key_columns = quote(owner), ", ".join(map(quote, keys))
    replaced = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in VALUE_COLUMNS)
    return (
        f"WITH entity AS (UPDATE {quote(table.name)} SET {sets} "
        f"WHERE id = %(entity_id)s::INTEGER AND {stamp_column} = %(stamp)s::BIGINT "
        "RETURNING id), "
        f"gone AS (DELETE FROM {quote(prop_table.name)} WHERE {owner_column} IN "
        f"(SELECT id FROM entity) AND ({key_columns}) NOT IN "
        f"(SELECT * FROM {key_rows})), "
        f"props AS (INSERT INTO {quote(prop_table.name)} "
        f"({', '.join(map(quote, (owner, *PROPERTY_COLUMNS)))}) "
        f"SELECT entity.id, p.* FROM entity, {rows} "
        f"ON CONFLICT ({owner_column}, {key_columns}) DO UPDATE SET {replaced}) "
        "SELECT id FROM entity"
    )


@prepared
def insert_entity(
    _: Dialect, table_kind: Table, columns: tuple[str, ...], returning: bool
) -> ClauseElement:
    """`returning`: the new id comes back as a row (Strategy.new_ids_by_returning)."""
    table = t.ENTITY_TABLES[table_kind.value]
    stmt = insert(table).values({c: bindparam(c) for c in columns})
    return stmt.returning(table.c.id) if returning else stmt


@prepared
def update_entity(_: Dialect, table_kind: Table, columns: tuple[str, ...]) -> ClauseElement:
    table = t.ENTITY_TABLES[table_kind.value]
    return (
        update(table)
        .where(table.c.id == bindparam("entity_id"))
        .values({c: bindparam(c) for c in columns})
    )


@prepared
def insert_properties(_: Dialect, table_kind: Table) -> ClauseElement:
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]
    values: dict[str, Any] = {owner: bindparam("owner_id")}
    values.update({c: bindparam(c) for c in PROPERTY_COLUMNS})
    return insert(prop_table).values(values)


@prepared
def delete_properties(_: Dialect, table_kind: Table) -> ClauseElement:
    prop_table, owner = t.PROPERTY_TABLES[table_kind.value]
    return delete(prop_table).where(prop_table.c[owner] == bindparam("owner_id"))


@prepared
def insert_link(_: Dialect, link: SqlTable) -> ClauseElement:
    columns = [c.name for c in link.c if c.name != "id"]
    return insert(link).values({c: bindparam(c) for c in columns})


@prepared
def find_attribution(_: Dialect) -> ClauseElement:
    link = t.attribution
    return select(link.c.id).where(
        link.c.context_id == bindparam("context_id"),
        link.c.artifact_id == bindparam("artifact_id"),
    )
