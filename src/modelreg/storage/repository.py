"""Reads and writes of MLMD rows for the logical entities, inside one transaction.

Every list is two statements whatever the page size: one for the entity rows (keyset
paged) and one for all their property rows. A get or find outside a write is one: the
entity joined to its properties. The SQL of the hot paths is in statements.py.

`Repository` is the writes (here) on top of the list pages (pages.py) on top of the reads
by id, name and parent (reads.py); rows.py turns rows into records and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError

from modelreg.domain.kinds import Kind, Table, missing
from modelreg.domain.records import Record

from . import statements as st
from . import tables as t
from .pages import PageReader
from .prepared import driver_rows
from .rows import conflict, property_rows, tree_params


class Repository(PageReader):
    """Entity access for one open connection; the caller owns the transaction."""

    # --- writes ------------------------------------------------------------------------

    def insert(
        self, record: Record, *, under: int | None = None, parent_kinds: Sequence[Kind] = ()
    ) -> Record:
        """Insert a record and its properties; `under` links it to that parent context
        (ParentContext, Attribution or Association, by the record's table). With
        `parent_kinds` the parent must be of one of them: NotFound, and nothing written,
        otherwise. On PostgreSQL all of it is one statement."""
        self._insert(record, under, parent_kinds, None, show_parent=False)
        return record

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        child: Record | None = None,
    ) -> Record:
        """`insert` under a parent that must be of `parent_kinds`, returning the parent as
        read (for an answer that shows it). `child`: a second new record, linked under the
        first, whose `name` holds what follows the first one's id in its stored name (it
        gets the whole name once written). On PostgreSQL all of it is one statement."""
        parent = self._insert(record, under, parent_kinds, child, show_parent=True)
        assert parent is not None
        return parent

    def _insert(
        self,
        record: Record,
        under: int | None,
        parent_kinds: Sequence[Kind],
        child: Record | None,
        *,
        show_parent: bool,
    ) -> Record | None:
        values = self._insert_values(record)
        table_kind = record.kind.table
        check = self._type_ids(parent_kinds) if under is not None and parent_kinds else ()
        try:
            if self.strategy.one_statement_writes:
                parents = (parent_kinds, check)
                return self._insert_tree(
                    record, values, under, parents, child, show_parent=show_parent
                )
            parent = None
            if show_parent and under is not None:
                parent = self.get(parent_kinds, under, lock=False)  # only shown, never rewritten
                if parent is None:
                    raise missing(parent_kinds, under)
            elif check and under is not None and not self.exists(parent_kinds, under):
                raise missing(parent_kinds, under)
            returning = self.strategy.new_ids_by_returning
            statement = st.insert_entity(self.plans, table_kind, tuple(values), returning)
            record.id = statement.insert(self.conn, self.plans, **values)
        except IntegrityError as exc:
            raise conflict(record, exc, child) from None
        self._insert_properties(record)
        if under is not None:
            link, child_column = st.LINKS[table_kind]
            link_values = {child_column: record.id, st.PARENT_COLUMN[table_kind]: under}
            st.insert_link(self.plans, link).run(self.conn, self.plans, **link_values)
        if child is not None:
            suffix = child.name
            child.name = f"{record.id}{suffix}"
            try:
                self.insert(child, under=record.id)
            except BaseException:
                child.name = suffix  # as it came, should the transaction be retried
                raise
        return parent

    def _insert_tree(
        self,
        record: Record,
        values: dict[str, Any],
        under: int | None,
        parents: tuple[Sequence[Kind], tuple[int, ...]],
        child: Record | None,
        *,
        show_parent: bool,
    ) -> Record | None:
        """PostgreSQL: all of `_insert` as one statement (`st.insert_tree_sql`); `parents`:
        the kinds the parent may be, and their type ids to check (none: unchecked)."""
        parent_kinds, check = parents
        params = tree_params(record, values, under)
        node = None
        if child is not None:
            child_values = self._insert_values(child)
            node = (child.kind.table, tuple(child_values))
            child_params = tree_params(child, child_values, None)
            params.update({st.CHILD + k: v for k, v in child_params.items()})
        sql = self.plans.sql(
            st.insert_tree_sql,
            record.kind.table,
            tuple(values),
            under is not None,
            check,
            node,
            show_parent,
        )
        found = driver_rows(self.conn, self.plans, sql, params)
        if not found:  # only when the parent check found no parent
            raise missing(parent_kinds, under or 0)
        record.id = found[0][0]
        if child is not None:
            child.id, child.name = found[0][1], f"{record.id}{child.name}"
        if not show_parent:
            return None
        ids = 1 if child is None else 2  # the parent's row and properties follow the new ids
        return self._materialise(parent_kinds, [row[ids:] for row in found], joined=True)[0]

    def _insert_values(self, record: Record) -> dict[str, Any]:
        values = self._entity_values(record)
        values["type_id"] = self.types.id_of(record.kind)
        values["name"] = record.name
        values["create_time_since_epoch"] = record.create_time
        return values

    def update(self, record: Record) -> Record:
        """Rewrite the entity row and all its property rows (name and type never change)."""
        values = self._entity_values(record)
        try:
            st.update_entity(self.plans, record.kind.table, tuple(values)).run(
                self.conn, self.plans, entity_id=record.id, **values
            )
        except IntegrityError as exc:
            raise conflict(record, exc) from None
        st.delete_properties(self.plans, record.kind.table).run(
            self.conn, self.plans, owner_id=record.id
        )
        self._insert_properties(record)
        return record

    def update_unchanged(self, record: Record, stamp: int) -> bool:
        """PostgreSQL: `update`, in one statement, only if the stored entity's update time
        is still `stamp`; False (and nothing written) when it is not."""
        values = self._entity_values(record)
        sql = self.plans.sql(st.update_unchanged_sql, record.kind.table, tuple(values))
        params = tree_params(record, values, None)
        params.update(entity_id=record.id, stamp=stamp)
        try:
            return bool(driver_rows(self.conn, self.plans, sql, params))
        except IntegrityError as exc:
            raise conflict(record, exc) from None

    def attribute(self, context_id: int, artifact_id: int) -> None:
        """Link an existing artifact to a context unless it already is."""
        link = {"context_id": context_id, "artifact_id": artifact_id}
        if not st.find_attribution(self.plans).rows(self.conn, self.plans, **link):
            st.insert_link(self.plans, t.attribution).run(self.conn, self.plans, **link)

    @staticmethod
    def _entity_values(record: Record) -> dict[str, Any]:
        values: dict[str, Any] = {
            "external_id": record.external_id,
            "last_update_time_since_epoch": record.update_time,
        }
        if record.kind.table is Table.ARTIFACT:
            values["uri"] = record.uri
            values["state"] = record.state
        elif record.kind.table is Table.EXECUTION:
            values["last_known_state"] = record.state
        return values

    def _insert_properties(self, record: Record) -> None:
        rows = property_rows(record)
        if rows:
            statement = st.insert_properties(self.plans, record.kind.table)
            statement.run_many(self.conn, self.plans, rows)
