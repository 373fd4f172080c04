"""Where a request's (blocking) work runs: the worker's event loop, or its thread pool."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from .fast_path import plan_for


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


class PlannedRoute(InlineRoute):
    """An inline route that reads plain parameters itself (see fast_path.py)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        try:
            plan = plan_for(self) if _same_dependencies(self) else None
        except AttributeError:  # a FastAPI whose internals moved: its own handling serves
            plan = None
        return handler if plan is None else plan.handler(handler)


def _same_dependencies(route: APIRoute) -> bool:
    """Whether the route is served with its own dependencies: FastAPI 0.16x builds the
    handler of an included route with the router's dependencies added (we add none)."""
    context_var = getattr(fastapi_routing, "_effective_route_context_var", None)
    context = context_var.get() if context_var is not None else None
    if context is None or getattr(context, "original_route", None) is not route:
        return True
    return len(context.dependant.dependencies) == len(route.dependant.dependencies)


def _on_the_loop(sync: Callable[..., Any]) -> Callable[..., Any]:
    # functools.wraps keeps the signature (and its module's globals via __wrapped__),
    # which FastAPI reads to build the endpoint's parameters.
    @functools.wraps(sync)
    async def endpoint(*args: Any, **kwargs: Any) -> Any:
        return sync(*args, **kwargs)

    return endpoint


def route_class(request_threads: int) -> type[APIRoute]:
    """The route class for a worker: inline when it has no request threads."""
    return PlannedRoute if request_threads == 0 else APIRoute


@dataclass(frozen=True, slots=True)
class RouterOptions:
    """What the routers of one API version share: their path prefix, route class, whether
    they are deprecated, and the app whose dependency overrides apply to them."""

    route_class: type[APIRoute] = APIRoute
    prefix: str = ""
    deprecated: bool = False
    overrides_from: Any = None

    def router(self, tag: str) -> APIRouter:
        return APIRouter(
            prefix=self.prefix,
            tags=[tag],
            deprecated=self.deprecated or None,
            route_class=self.route_class,
            dependency_overrides_provider=self.overrides_from,
        )
