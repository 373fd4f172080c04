"""Reads of entities by id, name and parent: rows and their properties, as records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    select,
)

from modelreg.domain.kinds import Kind, Table
from modelreg.domain.records import Record

from . import statements as st
from . import tables as t
from .engine import WRITE_OPTION
from .entity_cache import EntityCache
from .filter_sql import escape_like
from .plans import Plans
from .prepared import driver_rows
from .rows import COLUMN_POSITIONS, fill_properties
from .types import TypeRegistry


class Reader:
    """Entity reads on one open connection; the caller owns the transaction."""

    def __init__(
        self,
        conn: Connection,
        types: TypeRegistry,
        cache: EntityCache | None,
        plans: Plans,
    ) -> None:
        """`cache`: records of earlier reads to reuse; only for read transactions.
        `plans`: the store's compiled statements, their observers, and how common filter
        values were found to be, to choose a plan by."""
        self.conn = conn
        self.types = types
        self.cache = cache
        self.plans = plans
        self.strategy = plans.strategy
        # Entities read inside a write transaction are about to be rewritten whole (PATCH
        # merges into what was read), so lock them: under READ COMMITTED two concurrent
        # PATCHes of different fields would otherwise each undo the other's. SQLite's
        # BEGIN IMMEDIATE already serialises writers.
        self._lock_reads = self.strategy.locks_reads and bool(
            conn.get_execution_options().get(WRITE_OPTION, False)
        )

    def children_of(
        self, kinds: Sequence[Kind], parent_ids: Sequence[int]
    ) -> dict[int, list[Record]]:
        """Children of several parents at once (ParentContext, Attribution or Association),
        in id order: one statement for the rows and one for their properties."""
        if not parent_ids:
            return {}
        link, child_column = st.LINKS[kinds[0].table]
        table = t.ENTITY_TABLES[kinds[0].table.value]
        stmt = (
            self._select(kinds)
            .add_columns(link.c[st.PARENT_COLUMN[kinds[0].table]].label("parent_id"))
            .join(link, link.c[child_column] == table.c.id)
            .where(link.c[st.PARENT_COLUMN[kinds[0].table]].in_(list(parent_ids)))
            .order_by(table.c.id)
        )
        rows = self.conn.execute(stmt).all()
        records = self._materialise(kinds, rows)
        grouped: dict[int, list[Record]] = {pid: [] for pid in parent_ids}
        for row, record in zip(rows, records, strict=True):
            grouped[row._mapping["parent_id"]].append(record)
        return grouped

    # --- reads -------------------------------------------------------------------------

    def get(self, kinds: Sequence[Kind], entity_id: int) -> Record | None:
        """In a write transaction the row is locked (`_lock_reads`): the work may change
        what it read and write it back."""
        found = self.load(kinds, [entity_id])
        return found[0] if found else None

    def shown(self, kinds: Sequence[Kind], entity_id: int) -> Record | None:
        """`get` of a record that is only shown, never rewritten: no row lock even in a
        write transaction (a row lock is a write on PostgreSQL, and it would queue every
        registration under one model behind the others' commits)."""
        found = self._load(kinds, [entity_id], locked=False)
        return found[0] if found else None

    def exists(self, kinds: Sequence[Kind], entity_id: int) -> bool:
        statement = st.exists_by_id(self.plans, kinds[0].table, self._type_ids(kinds))
        return bool(statement.rows(self.conn, self.plans, entity_id=entity_id))

    def load(self, kinds: Sequence[Kind], ids: Iterable[int]) -> list[Record]:
        """Records of the given kinds with these ids, in id order; locked as in `get`."""
        return self._load(kinds, ids, locked=self._lock_reads)

    def _load(self, kinds: Sequence[Kind], ids: Iterable[int], *, locked: bool) -> list[Record]:
        id_list = list(ids)
        if not id_list:
            return []
        if len(id_list) == 1:
            statement = st.load_one(self.plans, kinds[0].table, self._type_ids(kinds), locked)
            found = statement.rows(self.conn, self.plans, entity_id=id_list[0])
            return self._materialise(kinds, found, joined=not locked)
        table = t.ENTITY_TABLES[kinds[0].table.value]
        stmt = self._select(kinds).where(table.c.id.in_(id_list)).order_by(table.c.id)
        stmt = stmt.with_for_update() if locked else stmt
        return self._materialise(kinds, self.conn.execute(stmt).all())

    def find(
        self,
        kinds: Sequence[Kind],
        *,
        names: Sequence[str] = (),
        external_id: str | None = None,
        parent_id: int | None = None,
        limit: int = 2,
    ) -> list[Record]:
        """Records matching stored names exactly (any of them) and/or an external id."""
        if len(names) <= 1:
            statement = st.find(
                self.plans,
                kinds[0].table,
                self._type_ids(kinds),
                bool(names),
                external_id is not None,
                parent_id is not None,
                limit,
                self._lock_reads,
            )
            values = {"name": names[0] if names else None, "external_id": external_id}
            found = statement.rows(self.conn, self.plans, parent_id=parent_id, **values)
            rows = self._materialise(kinds, found, joined=not self._lock_reads)
        else:
            table = t.ENTITY_TABLES[kinds[0].table.value]
            stmt = self._select(kinds).where(table.c.name.in_(list(names)))
            if external_id is not None:
                stmt = stmt.where(table.c.external_id == external_id)
            if parent_id is not None:
                stmt = stmt.where(st.child_of(kinds[0].table, parent_id))
            stmt = self._locked(stmt.order_by(table.c.id).limit(limit))
            rows = self._materialise(kinds, self.conn.execute(stmt).all())
        # MySQL/MariaDB collations pad with spaces: `'x' = 'x '` there. Keep exact matches only.
        return [
            r
            for r in rows
            if (not names or r.name in names)
            and (external_id is None or r.external_id == external_id)
        ]

    def find_suffixed(
        self, kinds: Sequence[Kind], suffix: str, parent_id: int, limit: int = 2
    ) -> list[Record]:
        """Children of a parent whose stored name ends in `:<suffix>` (any prefix)."""
        table = t.ENTITY_TABLES[kinds[0].table.value]
        pattern = "%:" + escape_like(suffix)
        stmt = (
            self._select(kinds)
            .where(table.c.name.like(pattern, escape="\\"), st.child_of(kinds[0].table, parent_id))
            .order_by(table.c.id)
        )
        rows = self._materialise(kinds, self.conn.execute(self._locked(stmt)).all())
        return [r for r in rows if r.display_name == suffix][:limit]

    def _locked(self, stmt: Select[Any]) -> Select[Any]:
        return stmt.with_for_update() if self._lock_reads else stmt

    def _select(self, kinds: Sequence[Kind]) -> Select[Any]:
        return select(t.ENTITY_TABLES[kinds[0].table.value]).where(self._of_kinds(kinds))

    def _of_kinds(self, kinds: Sequence[Kind]) -> ColumnElement[bool]:
        # Literal ids: PostgreSQL's generic plan of a prepared page, blind to a `type_id`
        # parameter, merged through every entity of the type instead of walking the
        # parent's children (0.5-1.1 ms against 0.19 ms for a page of 100)
        table = t.ENTITY_TABLES[kinds[0].table.value]
        return st.type_match(table, self._type_ids(kinds))

    def _type_ids(self, kinds: Sequence[Kind]) -> tuple[int, ...]:
        return tuple(self.types.id_of(k) for k in kinds)

    def _materialise(
        self, kinds: Sequence[Kind], rows: Sequence[Any], *, joined: bool = False
    ) -> list[Record]:
        """Records from entity rows, with their properties: read with one more statement,
        or (`joined`) already in the rows, one row per property (see `st.with_properties`)."""
        if not rows:
            return []
        table_kind = kinds[0].table
        if joined:
            width = len(COLUMN_POSITIONS[table_kind])
            # rows come in id order, one per property: the first of each id is its entity
            entity_rows = [r for i, r in enumerate(rows) if i == 0 or r[0] != rows[i - 1][0]]
            records = self._records(kinds, entity_rows)
            by_id = {record.id: [record] for record in records}
            fill_properties(by_id, [(r[0], *r[width:]) for r in rows if r[width] is not None])
        elif self.cache is None:
            records = self._records(kinds, rows)
            self._load_properties(table_kind, records)
        else:
            records = self._cached_records(kinds, rows)
        return records

    def _cached_records(self, kinds: Sequence[Kind], rows: Sequence[Any]) -> list[Record]:
        """Records of the rows, reusing the cache's unchanged ones; the rest are read."""
        assert self.cache is not None
        table_kind = kinds[0].table
        at = COLUMN_POSITIONS[table_kind]
        stamp_at = (at["create_time_since_epoch"], at["last_update_time_since_epoch"])
        lookup = self.cache.lookup
        found = [lookup(table_kind, row, stamp_at) for row in rows]
        unread = [row for row, record in zip(rows, found, strict=True) if record is None]
        if not unread:
            return found  # type: ignore[return-value]
        read = self._records(kinds, unread)
        self._load_properties(table_kind, read)
        self.cache.keep(table_kind, read, [row[1] for row in unread])
        fresh = iter(read)
        return [record if record is not None else next(fresh) for record in found]

    def _records(self, kinds: Sequence[Kind], rows: Sequence[Any]) -> list[Record]:
        by_type = {self.types.id_of(k): k for k in kinds}
        table_kind = kinds[0].table
        # Positions, not row._mapping: mapping lookups of absent keys raise and catch
        # inside SQLAlchemy, which showed up in profiles of every list.
        at = COLUMN_POSITIONS[table_kind]
        uri_at, state_at = at.get("uri"), at.get("state", at.get("last_known_state"))
        records = [
            Record(
                kind=by_type[row[1]],
                id=row[0],
                name=row[at["name"]],
                external_id=row[at["external_id"]],
                uri=None if uri_at is None else row[uri_at],
                state=None if state_at is None else row[state_at],
                create_time=row[at["create_time_since_epoch"]],
                update_time=row[at["last_update_time_since_epoch"]],
            )
            for row in rows
        ]
        return records

    def _load_properties(self, table_kind: Table, records: list[Record]) -> None:
        by_id: dict[int, list[Record]] = {}
        for record in records:  # an id may repeat when children of several parents load
            by_id.setdefault(record.id, []).append(record)
        ids = tuple(by_id)
        # Plain SQL and driver tuples: this runs for every property of every listed entity,
        # and skipping SQLAlchemy's compilation and row processing took a third off it.
        params: dict[str, Any] = {f"o{i}": owner for i, owner in enumerate(ids)}
        count = len(ids)
        if self.strategy.owners_as_array:
            # One array parameter: psycopg converts and caches a query of at most 50
            # parameters, and the server prepares it once for every page size.
            params, count = {"o0": list(ids)}, 0
        sql = self.plans.sql(st.properties_sql, table_kind, count)
        fill_properties(by_id, driver_rows(self.conn, self.plans, sql, params))
