"""Lazy pagers over list endpoints: `Pager` for `Registry`, `AsyncPager` for `AsyncRegistry`.

A pager fetches nothing until iterated, then one page at a time, following
`nextPageToken`. Its options (filter, order, direction, page size, limit) are set when the
pager is made or with the fluent methods, which also keep the names of upstream's
`model_registry.types.Pager` (`order_by_id()`, `page_size(n)`, `descending()`, ...). Every
fluent method restarts the pager.

Both are imported from here; they are made in aio_pager.py (`AsyncPager`) and the
generated sync_pager.py (`Pager`) over paging.py's shared state.
"""

from __future__ import annotations

from .aio_pager import AsyncPager
from .paging import PageFlow
from .sync_pager import Pager

__all__ = ["AsyncPager", "PageFlow", "Pager"]
