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

from modelreg.domain.common import child_name, fits_under_any_parent
from modelreg.domain.kinds import Kind, Table, missing
from modelreg.domain.records import NewChild, Record

from . import statements as st
from . import tables as t
from .pages import PageReader
from .prepared import driver_rows
from .rows import conflict, property_rows, tree_params


class Repository(PageReader):
    """Entity access for one open connection; the caller owns the transaction."""

    # --- writes ------------------------------------------------------------------------

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        """Insert a record and its properties; `under` links it to that parent context
        (ParentContext, Attribution or Association, by the record's table). With
        `parent_kinds` the parent must be of one of them: NotFound, and nothing written,
        otherwise. `children` are inserted after it, linked under it, each stored as
        `<its id>:<child's name>`. On PostgreSQL all of it is one statement when
        `at_once` says so."""
        self._insert(record, under, parent_kinds, children, show_parent=False)
        return record

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild] = (),
    ) -> Record:
        """`insert` under a parent that must be of `parent_kinds`, returning the parent as
        read (for an answer that shows it), without a row lock: it is not rewritten, and
        the new link keeps it from going away."""
        parent = self._insert(record, under, parent_kinds, children, show_parent=True)
        assert parent is not None
        return parent

    def _insert(
        self,
        record: Record,
        under: int | None,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild],
        *,
        show_parent: bool,
    ) -> Record | None:
        check = self._type_ids(parent_kinds) if under is not None and parent_kinds else ()
        together: Sequence[NewChild] = ()
        if self.strategy.one_statement_writes:
            together = children if at_once(children) else ()
            parents = (parent_kinds, check)
            parent = self._insert_tree(record, under, parents, together, show_parent=show_parent)
        else:
            parent = self._insert_rows(record, under, parent_kinds, show_parent=show_parent)
        if not together:  # the children's names wait for the record's id
            for child in children:
                child.record.name = child_name(record.id, child.name)
                self.insert(child.record, under=record.id)
        return parent

    def _insert_rows(
        self, record: Record, under: int | None, parent_kinds: Sequence[Kind], *, show_parent: bool
    ) -> Record | None:
        """`_insert` of the record alone, a statement for each of its rows."""
        values = self._insert_values(record)
        table_kind = record.kind.table
        parent = None
        try:
            if show_parent and under is not None:
                parent = self.shown(parent_kinds, under)
                if parent is None:
                    raise missing(parent_kinds, under)
            elif parent_kinds and under is not None and not self.exists(parent_kinds, under):
                raise missing(parent_kinds, under)
            returning = self.strategy.new_ids_by_returning
            statement = st.insert_entity(self.plans, table_kind, tuple(values), returning)
            record.id = statement.insert(self.conn, self.plans, **values)
        except IntegrityError as exc:
            raise conflict(record, exc) from None
        self._insert_properties(record)
        if under is not None:
            link, child_column = st.LINKS[table_kind]
            link_values = {child_column: record.id, st.PARENT_COLUMN[table_kind]: under}
            st.insert_link(self.plans, link).run(self.conn, self.plans, **link_values)
        return parent

    def _insert_tree(
        self,
        record: Record,
        under: int | None,
        parents: tuple[Sequence[Kind], tuple[int, ...]],
        children: Sequence[NewChild],
        *,
        show_parent: bool,
    ) -> Record | None:
        """PostgreSQL: all of `_insert` as one statement (`st.insert_tree_sql`); `parents`:
        the kinds the parent may be, and their type ids to check (none: unchecked)."""
        parent_kinds, check = parents
        values = self._insert_values(record)
        params = tree_params(record, values, under)
        nodes = []
        for i, child in enumerate(children):
            child_values = self._insert_values(child.record)
            child_values["name"] = child.name  # the SQL puts "<record's id>:" before it
            nodes.append((child.record.kind.table, tuple(child_values)))
            child_params = tree_params(child.record, child_values, None)
            params.update({st.child_tag(i) + k: v for k, v in child_params.items()})
        sql = self.plans.sql(
            st.insert_tree_sql,
            record.kind.table,
            tuple(values),
            under is not None,
            check,
            tuple(nodes),
            show_parent,
        )
        try:
            found = driver_rows(self.conn, self.plans, sql, params)
        except IntegrityError as exc:
            raise conflict(record, exc, children) from None
        if not found:  # only when the parent check found no parent
            raise missing(parent_kinds, under or 0)
        record.id = found[0][0]
        for i, child in enumerate(children, start=1):
            child.record.id, child.record.name = found[0][i], child_name(record.id, child.name)
        if not show_parent:
            return None
        ids = 1 + len(children)  # the parent's row and properties follow the new ids
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


def at_once(children: Sequence[NewChild]) -> bool:
    """Whether an insert with these new children can be one statement, where the store
    writes inserts so (`Strategy.one_statement_writes`): when each child's stored name
    fits whatever id its parent gets, so the statement can write it before the id is
    known (`fits_under_any_parent`). Otherwise the children follow their parent, their
    names checked against its real id (a longer name may fit a shorter id)."""
    return all(fits_under_any_parent(child.name) for child in children)
