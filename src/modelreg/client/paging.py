"""What both pagers share: options, fluent methods and position (no I/O here).

`PagerState` holds a pager's `ListOptions`, limit, buffer and page token; `AsyncPager`
(aio_pager.py) and the generated `Pager` (sync_pager.py) only send `_next_page()`'s flow
and hand the page to `_accept`. pager.py is where users import both from.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Generic, Self, TypeVar

from modelreg.schemas.base import ListEnvelope

from .call import Flow
from .endpoints import ListOptions

T = TypeVar("T")
PageFlow = Callable[[ListOptions, str | None], Flow[ListEnvelope[T]]]
"""Builds the flow that fetches one page, given the options and the page token."""


class PagerState(Generic[T]):
    """A pager's options and position; `Pager` and `AsyncPager` add the fetching."""

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

    # --- iteration, driven by Pager and AsyncPager -------------------------------------------

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
