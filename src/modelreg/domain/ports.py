"""What the use cases need from storage; `storage.Store` and `storage.Repository` provide it.

The port says what a use case wants done, never how: how many statements a write is,
whether it runs in a transaction of its own, which rows are locked, and how a child's
stored name `<parentId>:<name>` is put together when the parent is new are each store's
own choice (docs/architecture.md, "One write").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .kinds import Kind
from .paging import ListQuery
from .records import NewChild, Page, Record

T = TypeVar("T")


class Repo(Protocol):
    """Entity access inside one transaction (`StorePort.run`)."""

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        """Add a new entity, linked under the context `under` when given, which must then
        be of one of `parent_kinds` when those are given (NotFound, and nothing written,
        otherwise); `children` are added with it, each linked under it. Returns `record`
        with its id."""
        ...

    def update(self, record: Record) -> Record: ...
    def attribute(self, context_id: int, artifact_id: int) -> None: ...
    def children_of(
        self, kinds: Sequence[Kind], parent_ids: Sequence[int]
    ) -> dict[int, list[Record]]: ...
    def get(self, kinds: Sequence[Kind], entity_id: int) -> Record | None:
        """The entity, or None. In a write, what is read is what the work may change and
        write back: no other write changes it before this one ends."""
        ...

    def exists(self, kinds: Sequence[Kind], entity_id: int) -> bool: ...
    def load(self, kinds: Sequence[Kind], ids: Iterable[int]) -> list[Record]:
        """`get` of several ids, in id order."""
        ...

    def find(
        self,
        kinds: Sequence[Kind],
        *,
        names: Sequence[str] = (),
        external_id: str | None = None,
        parent_id: int | None = None,
        limit: int = 2,
    ) -> list[Record]: ...
    def find_suffixed(
        self, kinds: Sequence[Kind], suffix: str, parent_id: int, limit: int = 2
    ) -> list[Record]: ...
    def list_page(self, kinds: Sequence[Kind], query: ListQuery, parent_id: int | None) -> Page: ...


class StorePort(Protocol):
    def run(self, work: Callable[[Repo], T], *, write: bool) -> T: ...
    def update(
        self, kinds: Sequence[Kind], entity_id: int, change: Callable[[Record], None]
    ) -> Record:
        """Read an entity, `change` it and write it whole, losing no concurrent change."""
        ...

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        """`Repo.insert` as a write of its own."""
        ...

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild] = (),
    ) -> Record:
        """`insert` under a parent that must be of `parent_kinds`, returning that parent as
        it stands, for an answer that shows it. The parent is only read, never changed:
        the new entity's link to it keeps it from going away meanwhile."""
        ...
