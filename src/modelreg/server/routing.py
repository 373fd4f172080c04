"""Where a request's (blocking) work runs: the worker's event loop, or its thread pool."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute


class InlineRoute(APIRoute):
    """Runs a sync endpoint on the event loop instead of FastAPI's thread pool.

    The database work of a request is a few statements that each take well under a
    millisecond, and Python threads in one process share one interpreter lock: with
    several request threads, every row fetched hands the lock around, which cost a page of
    100 versions 3.7 ms of CPU on one thread and 6.7 ms on eight. One request at a time
    per worker process, and a worker per core, uses the cores without that contest.
    """

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _on_the_loop(endpoint)
        super().__init__(path, endpoint, **kwargs)


def _on_the_loop(sync: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps the signature (and its module's globals via __wrapped__),
    # which FastAPI reads to build the endpoint's parameters.
    @functools.wraps(sync)
    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return sync(*args, **kwargs)

    return endpoint


def route_class(request_threads: int) -> type[APIRoute]:
    """The route class for a worker: inline when it has no request threads."""
    return InlineRoute if request_threads == 0 else APIRoute
