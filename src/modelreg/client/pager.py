"""Lazy pagers over list endpoints: `Pager` for `Registry`, `AsyncPager` for `AsyncRegistry`.

A pager fetches nothing until iterated, then one page at a time, following
`nextPageToken`. Its options (filter, order, direction, page size, limit) are set when the
pager is made or with the fluent methods, which also keep the names of upstream's
`model_registry.types.Pager` (`order_by_id()`, `page_size(n)`, `descending()`, ...). Every
fluent method restarts the pager.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any, Generic, Self, TypeVar

from modelreg.schemas.base import ListEnvelope

from .call import Flow
from .endpoints import ListOptions

T = TypeVar("T")
PageFlow = Callable[[ListOptions, str | None], Flow[ListEnvelope[T]]]
"""Builds the flow that fetches one page, given the options and the page token."""


class _PagerState(Generic[T]):
    def __init__(self, fetch: PageFlow[T], options: ListOptions, limit: int | None) -> None:
        self._fetch = fetch
        self.options = options
        self._limit = limit
        self.restart()

    def restart(self) -> Self:
        """Forget what was fetched; the next item comes from the first page again."""
        self._buffer: deque[T] = deque()
        self._token: str | None = None
        self._exhausted = False
        self._returned = 0
        return self

    # --- options (each restarts) ----------------------------------------------------------

    def _with(self, **changes: Any) -> Self:
        self.options = replace(self.options, **changes)
        return self.restart()

    def filter(self, query: str | None) -> Self:
        """Keep the items matching a `filterQuery` (docs/filtering.md)."""
        return self._with(filter_query=query)

    def order_by(self, key: str | None) -> Self:
        """ID, CREATE_TIME, LAST_UPDATE_TIME, NAME, or a property (`accuracy.double_value`)."""
        return self._with(order_by=key)

    def order_by_id(self) -> Self:
        return self.order_by("ID")

    def order_by_creation_time(self) -> Self:
        return self.order_by("CREATE_TIME")

    def order_by_update_time(self) -> Self:
        return self.order_by("LAST_UPDATE_TIME")

    def ascending(self) -> Self:
        return self._with(sort_order="ASC")

    def descending(self) -> Self:
        return self._with(sort_order="DESC")

    def page_size(self, n: int) -> Self:
        """Items per request (the server caps it at 1000)."""
        if n < 1:
            raise ValueError(f"page size must be at least 1, got {n}")
        return self._with(page_size=n)

    def limit(self, n: int | None) -> Self:
        """Stop after `n` items in total (None: no limit)."""
        if n is not None and n < 0:
            raise ValueError(f"limit must not be negative, got {n}")
        self._limit = n
        return self.restart()

    # --- iteration, shared by both pagers -------------------------------------------------

    def _done(self) -> bool:
        return self._limit is not None and self._returned >= self._limit

    def _has_item(self) -> bool:
        return bool(self._buffer) and not self._done()

    def _finished(self) -> bool:
        return self._done() or (not self._buffer and self._exhausted)

    def _next_page(self) -> Flow[ListEnvelope[T]]:
        options = self.options
        if self._limit is not None:
            left = self._limit - self._returned
            options = replace(options, page_size=min(options.page_size or left, left))
        return self._fetch(options, self._token)

    def _accept(self, page: ListEnvelope[T]) -> None:
        self._buffer.extend(page.items)
        self._token = page.next_page_token or None
        self._exhausted = self._token is None or not page.items

    def _take(self) -> T:
        self._returned += 1
        return self._buffer.popleft()

    def _drain(self) -> list[T]:
        page = []
        while self._has_item():
            page.append(self._take())
        return page


class Pager(_PagerState[T], Iterator[T]):
    """Iterates lazily over every matching item, one page per request."""

    def __init__(
        self,
        run: Callable[[Flow[ListEnvelope[T]]], ListEnvelope[T]],
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
        return list(self)


class AsyncPager(_PagerState[T], AsyncIterator[T]):
    """`async for` over every matching item, one page per request."""

    def __init__(
        self,
        run: Callable[[Flow[ListEnvelope[T]]], Awaitable[ListEnvelope[T]]],
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
        return [item async for item in self]
