# Generated from aio_pager.py by scripts/generate_sync.py: do not edit. Edit aio_pager.py
# and run `make generate` (tests/client/test_generated.py fails when they differ).
"""`AsyncPager`: the source of the generated sync_pager.py (`Pager`).

The options, fluent methods and position are `PagerState`'s (paging.py); this module only
fetches the pages. Written so that both readings hold (docs/sdk.md: how the two clients
are made).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from .call import Runner
from .endpoints import ListOptions
from .paging import PageFlow, PagerState

T = TypeVar("T")


class Pager(PagerState[T], Iterator[T]):
    """Iterates lazily over every matching item, one page per request (`async for` over
    `AsyncRegistry`'s pagers, `for` over `Registry`'s)."""

    def __init__(
        self,
        run: Runner,
        fetch: PageFlow[T],
        options: ListOptions | None = None,
        limit: int | None = None,
    ) -> None:
        self._run = run
        super().__init__(fetch, options or ListOptions(), limit)

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        while not self._has_item():
            if self._finished():
                raise StopIteration
            self._accept(self._run(self._next_page()))
        return self._take()

    def pages(self) -> Iterator[list[T]]:
        """The remaining items, a page (one request) at a time."""
        while not self._finished():
            if not self._buffer:
                self._accept(self._run(self._next_page()))
            page = self._drain()
            if page:
                yield page

    def all(self) -> list[T]:
        """Every remaining item in a list."""
        items: list[T] = []
        for page in self.pages():
            items.extend(page)
        return items
