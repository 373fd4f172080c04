"""`AsyncPager`: the source of the generated sync_pager.py (`Pager`).

The options, fluent methods and position are `PagerState`'s (paging.py); this module only
fetches the pages. Written so that both readings hold (docs/sdk.md: how the two clients
are made).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TypeVar

from .call import AsyncRunner
from .endpoints import ListOptions
from .paging import PageFlow, PagerState

T = TypeVar("T")


class AsyncPager(PagerState[T], AsyncIterator[T]):
    """Iterates lazily over every matching item, one page per request (`async for` over
    `AsyncRegistry`'s pagers, `for` over `Registry`'s)."""

    def __init__(
        self,
        run: AsyncRunner,
        fetch: PageFlow[T],
        options: ListOptions | None = None,
        limit: int | None = None,
    ) -> None:
        self._run = run
        super().__init__(fetch, options or ListOptions(), limit)

    def __aiter__(self) -> AsyncIterator[T]:
        return self

    async def __anext__(self) -> T:
        while not self._has_item():
            if self._finished():
                raise StopAsyncIteration
            self._accept(await self._run(self._next_page()))
        return self._take()

    async def pages(self) -> AsyncIterator[list[T]]:
        """The remaining items, a page (one request) at a time."""
        while not self._finished():
            if not self._buffer:
                self._accept(await self._run(self._next_page()))
            page = self._drain()
            if page:
                yield page

    async def all(self) -> list[T]:
        """Every remaining item in a list."""
        items: list[T] = []
        async for page in self.pages():
            items.extend(page)
        return items
