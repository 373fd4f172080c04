"""`Repo` over the in-memory state: what `storage.Repository` does over SQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from modelreg.domain.common import child_name
from modelreg.domain.filters.resolve import resolve
from modelreg.domain.kinds import Kind, Table, missing
from modelreg.domain.paging import Cursor, ListQuery, encode_token
from modelreg.domain.records import NewChild, Page, Record
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound

from .filters import SortKey, compile_filter, sort_key
from .tables import Family, State, as_row, detached


class ReadOnly(RuntimeError):
    """A use case wrote inside `run(..., write=False)`: a bug in the use case."""


class MemoryRepo:
    """Entity access for one transaction over `state`; writes need `writable`."""

    def __init__(self, state: State, *, writable: bool) -> None:
        self.state = state
        self.writable = writable

    # --- writes ------------------------------------------------------------------------

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        if under is not None and parent_kinds and not self.exists(parent_kinds, under):
            raise missing(parent_kinds, under)
        self._add(record, under, children)
        return record

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild] = (),
    ) -> Record:
        """As `Repository.insert_under`: returns the parent."""
        parent = self.get(parent_kinds, under)
        if parent is None:
            raise missing(parent_kinds, under)
        self._add(record, under, children)
        return parent

    def update(self, record: Record) -> Record:
        """Rewrite the entity and all its properties; name, type and create time stay."""
        family = self._writable(record.kind.table)
        stored = family.rows.get(record.id)
        if stored is None or stored.kind is not record.kind:
            raise missing((record.kind,), record.id)
        _check_external_id(family, record)
        if stored.external_id is not None:
            del family.by_external_id[stored.external_id]
        if record.external_id is not None:
            family.by_external_id[record.external_id] = record.id
        family.rows[record.id] = replace(
            as_row(record), name=stored.name, create_time=stored.create_time
        )
        return record

    def attribute(self, context_id: int, artifact_id: int) -> None:
        self._writable(Table.ARTIFACT).link(context_id, artifact_id)

    def _add(self, record: Record, under: int | None, children: Sequence[NewChild] = ()) -> None:
        family = self._writable(record.kind.table)
        key = (record.kind.type_name, record.name or "")
        if record.name is not None and key in family.by_name:
            raise _taken(record, "name")
        _check_external_id(family, record)
        if under is not None and under not in self.state[Table.CONTEXT].rows:
            # the SQL store's foreign key: its parent must be a context that exists
            raise NotFound(f"no parent context with id {under}")
        family.last_id += 1
        record.id = family.last_id
        family.rows[record.id] = as_row(record)
        if record.name is not None:
            family.by_name[key] = record.id
        if record.external_id is not None:
            family.by_external_id[record.external_id] = record.id
        if under is not None:
            family.link(under, record.id)
        for child in children:
            child.record.name = child_name(record.id, child.name)
            self._add(child.record, record.id)

    def _writable(self, table: Table) -> Family:
        if not self.writable:
            raise ReadOnly("a write inside a read transaction")
        return self.state[table]

    # --- reads -------------------------------------------------------------------------

    def get(self, kinds: Sequence[Kind], entity_id: int) -> Record | None:
        found = self.load(kinds, [entity_id])
        return found[0] if found else None

    def exists(self, kinds: Sequence[Kind], entity_id: int) -> bool:
        return self._of(kinds, entity_id) is not None

    def load(self, kinds: Sequence[Kind], ids: Iterable[int]) -> list[Record]:
        found = (self._of(kinds, entity_id) for entity_id in sorted(set(ids)))
        return [detached(record) for record in found if record is not None]

    def children_of(
        self, kinds: Sequence[Kind], parent_ids: Sequence[int]
    ) -> dict[int, list[Record]]:
        return {pid: [detached(r) for r in self._children(kinds, pid)] for pid in parent_ids}

    def find(
        self,
        kinds: Sequence[Kind],
        *,
        names: Sequence[str] = (),
        external_id: str | None = None,
        parent_id: int | None = None,
        limit: int = 2,
    ) -> list[Record]:
        """Records with any of these stored names and/or this external id, in id order."""
        family = self.state[kinds[0].table]
        if names:
            keyed = {family.by_name.get((k.type_name, n)) for k in kinds for n in names}
            ids: Iterable[int] = sorted(i for i in keyed if i is not None)
        elif external_id is not None:
            ids = [i for i in (family.by_external_id.get(external_id),) if i is not None]
        else:
            ids = family.rows
        if parent_id is not None:
            ids = [i for i in ids if i in family.children.get(parent_id, ())]
        found = [r for r in map(family.rows.__getitem__, ids) if _of_kinds(r, kinds)]
        found = [r for r in found if external_id is None or r.external_id == external_id]
        return [detached(r) for r in found[:limit]]

    def find_suffixed(
        self, kinds: Sequence[Kind], suffix: str, parent_id: int, limit: int = 2
    ) -> list[Record]:
        """Children of a parent whose stored name is `<anything>:<suffix>`."""
        found = [
            r
            for r in self._children(kinds, parent_id)
            if r.name is not None and r.name.endswith(":" + suffix) and r.display_name == suffix
        ]
        return [detached(r) for r in found[:limit]]

    def list_page(self, kinds: Sequence[Kind], query: ListQuery, parent_id: int | None) -> Page:
        """Filter, sort and keyset-page as `Repository.list_page`, with the same tokens."""
        resolved = resolve(query.filter, kinds)
        matches = None if resolved is None else compile_filter(resolved)
        sort = sort_key(kinds, query.order_by)
        if query.cursor is not None and not sort.accepts(query.cursor.last_value):
            raise InvalidArgument("invalid nextPageToken: not a token this server issued")
        if parent_id is None:
            family = self.state[kinds[0].table]
            scope: Iterable[Record] = (r for r in family.rows.values() if _of_kinds(r, kinds))
        else:
            scope = self._children(kinds, parent_id)
        chosen = [r for r in scope if matches is None or matches(r)]
        ordered = _after(sort, chosen, query.cursor, query.descending)
        page = ordered[: query.page_size]
        token = ""
        if len(ordered) > query.page_size and page:
            last = page[-1]
            token = encode_token(Cursor(last.id, sort.value(last)), query.binding)
        return Page([detached(r) for r in page], token, query.page_size)

    def _of(self, kinds: Sequence[Kind], entity_id: int) -> Record | None:
        record = self.state[kinds[0].table].rows.get(entity_id)
        return record if record is not None and _of_kinds(record, kinds) else None

    def _children(self, kinds: Sequence[Kind], parent_id: int) -> Iterator[Record]:
        """The parent's children of these kinds, in id order (stored, not copies)."""
        family = self.state[kinds[0].table]
        for child_id in sorted(family.children.get(parent_id, ())):
            record = family.rows[child_id]
            if _of_kinds(record, kinds):
                yield record


def _of_kinds(record: Record, kinds: Sequence[Kind]) -> bool:
    return any(record.kind is kind for kind in kinds)


def _after(
    sort: SortKey, records: list[Record], cursor: Cursor | None, descending: bool
) -> list[Record]:
    """The records in page order (`_ordering`), only those after the cursor (`_after`)."""
    positioned = sorted(
        ((sort.position(r), r) for r in records), key=lambda pair: pair[0], reverse=descending
    )
    if cursor is not None:
        mark = sort.cursor_position(cursor)
        positioned = [p for p in positioned if (p[0] < mark if descending else p[0] > mark)]
    return [record for _, record in positioned]


def _check_external_id(family: Family, record: Record) -> None:
    holder = family.by_external_id.get(record.external_id or "")
    if record.external_id is not None and holder not in (None, record.id):
        raise _taken(record, "externalId")


def _taken(record: Record, key: str) -> AlreadyExists:
    """The SQL store's `_conflict` messages."""
    label = record.kind.label
    if key == "externalId":
        return AlreadyExists(f"{label} with externalId {record.external_id!r} already exists")
    return AlreadyExists(f"{label} with name {record.display_name!r} already exists")
