"""What the use cases need from storage; `storage.Store` and `storage.Repository` provide it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar

from .kinds import Kind
from .paging import ListQuery
from .records import Page, Record

T = TypeVar("T")


class Repo(Protocol):
    def insert(
        self, record: Record, *, under: int | None = None, parent_kinds: Sequence[Kind] = ()
    ) -> Record: ...
    def update(self, record: Record) -> Record: ...
    def attribute(self, context_id: int, artifact_id: int) -> None: ...
    def children_of(
        self, kinds: Sequence[Kind], parent_ids: Sequence[int]
    ) -> dict[int, list[Record]]: ...
    def get(self, kinds: Sequence[Kind], entity_id: int, *, lock: bool = True) -> Record | None: ...
    def exists(self, kinds: Sequence[Kind], entity_id: int) -> bool: ...
    def load(
        self, kinds: Sequence[Kind], ids: Iterable[int], *, lock: bool = True
    ) -> list[Record]: ...
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
    ) -> Record: ...
    def insert(
        self, record: Record, *, under: int | None = None, parent_kinds: Sequence[Kind] = ()
    ) -> Record: ...
    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        child: Record | None = None,
    ) -> Record: ...
