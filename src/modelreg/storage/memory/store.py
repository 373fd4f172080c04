"""`MemoryStore`: the domain's `StorePort` over plain dicts, for unit tests of use cases.

Transactions are all-or-nothing by copy: a write works on a copy of the state and
replaces the state with it only when the work returns. One lock serialises writes;
a read works on the state committed when it began, which no later write changes.
Nothing is persisted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from modelreg.domain.kinds import Kind, missing
from modelreg.domain.ports import Repo
from modelreg.domain.records import NewChild, Record

from .repo import MemoryRepo
from .tables import copied, empty_state

T = TypeVar("T")


class MemoryStore:
    def __init__(self) -> None:
        self._state = empty_state()
        self._writes = threading.Lock()

    def run(self, work: Callable[[Repo], T], *, write: bool) -> T:
        if not write:
            return work(MemoryRepo(self._state, writable=False))
        with self._writes:
            draft = copied(self._state)
            result = work(MemoryRepo(draft, writable=True))
            self._state = draft
            return result

    def update(
        self, kinds: Sequence[Kind], entity_id: int, change: Callable[[Record], None]
    ) -> Record:
        """Read an entity, `change` it and write it whole, in one transaction."""

        def work(repo: Repo) -> Record:
            record = repo.get(kinds, entity_id)
            if record is None:
                raise missing(kinds, entity_id)
            change(record)
            return repo.update(record)

        return self.run(work, write=True)

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        return self.run(
            lambda repo: repo.insert(
                record, under=under, parent_kinds=parent_kinds, children=children
            ),
            write=True,
        )

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild] = (),
    ) -> Record:
        def work(repo: Repo) -> Record:
            assert isinstance(repo, MemoryRepo)  # the port's Repo has no insert_under
            return repo.insert_under(
                record, under=under, parent_kinds=parent_kinds, children=children
            )

        return self.run(work, write=True)
