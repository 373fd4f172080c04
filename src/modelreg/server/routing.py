"""How a request reaches its endpoint: one mount per API prefix, the route of its first
path segment, and the endpoint run on the event loop or in the worker's thread pool.

A router tries its routes in order until one matches. With both API versions in one list,
a `/v1alpha3` request was first tried against every `/v1` route (about 75 µs, a third of a
get by name in-process) and a `/v1` experiments request against every route before it
(about 45 µs). So each prefix is a Starlette `Mount`, and inside it the path's first
segment picks the router of the routes that could match it (`_BySegment`).

The routes are built with their full paths, which the OpenAPI document and its operation
ids are made of (`install_openapi`); a mount holds copies matched on the path below it.
"""

from __future__ import annotations

import asyncio
import contextvars
import copy
import functools
import inspect
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Router, compile_path
from starlette.types import Receive, Scope, Send

from .fast_path import plan_for


class PlannedRoute(APIRoute):
    """A route that reads plain parameters itself (see fast_path.py) and runs a sync
    endpoint inline on the event loop, or in the worker's thread pool when `offload`.

    Inline is the default: the database work of a request is a few statements that each
    take well under a millisecond, and Python threads in one process share one interpreter
    lock: with several request threads, every row fetched hands the lock around, which cost
    a page of 100 versions 3.7 ms of CPU on one thread and 6.7 ms on eight. One request at
    a time per worker process, and a worker per core, uses the cores without that contest.

    The plan reads the route's own declarations only: these routes are mounted
    (`api_mount`), not included with `include_router(dependencies=...)`.
    """

    offload: ClassVar[bool] = False

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _run_sync(endpoint, offload=self.offload)
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        plan = plan_for(self)
        return handler if plan is None else plan.handler(handler)


class InlineRoute(PlannedRoute):
    """Sync endpoints run on the event loop."""


class OffloadedRoute(PlannedRoute):
    """Sync endpoints run in the worker's thread pool."""

    offload = True


def route_class(offload: bool) -> type[PlannedRoute]:
    """The route class for a worker: sync endpoints in its thread pool when `offload`,
    else on its event loop; the fast path applies either way."""
    return OffloadedRoute if offload else InlineRoute


def _run_sync(sync: Callable[..., Any], *, offload: bool) -> Callable[..., Any]:
    # functools.wraps keeps the signature (and its module's globals via __wrapped__),
    # which FastAPI and the plan read to find the endpoint's parameters.
    if offload:

        @functools.wraps(sync)
        async def offloaded(*args: Any, **kwargs: Any) -> Any:
            # the loop's default executor: the worker's request threads (app.py)
            call = functools.partial(sync, *args, **kwargs)
            context = contextvars.copy_context()
            return await asyncio.get_running_loop().run_in_executor(None, context.run, call)

        return offloaded

    @functools.wraps(sync)
    async def inline(*args: Any, **kwargs: Any) -> Any:
        return sync(*args, **kwargs)

    return inline


@dataclass(frozen=True, slots=True)
class RouterOptions:
    """What the routers of one API version share: their path prefix, where their sync
    endpoints run, whether they are deprecated, and the app whose dependency overrides
    apply to them."""

    offload: bool = False
    prefix: str = ""
    deprecated: bool = False
    overrides_from: Any = None

    def router(self, tag: str) -> APIRouter:
        # no router-level dependencies: the fast path reads only the endpoint's own
        return APIRouter(
            prefix=self.prefix,
            tags=[tag],
            deprecated=self.deprecated or None,
            route_class=route_class(self.offload),
            dependency_overrides_provider=self.overrides_from,
        )


def api_mount(prefix: str, routes: Sequence[BaseRoute]) -> Mount:
    """A mount at `prefix` serving `routes`, whose paths all start with `prefix` and a
    literal segment."""
    segments: dict[str, list[BaseRoute]] = {}
    for route in routes:
        mounted = _below(prefix, route)
        segment = _first_segment(mounted.path)
        if not segment or "{" in segment:
            raise ValueError(f"{mounted.path}: no literal segment after {prefix}")
        segments.setdefault(segment, []).append(mounted)
    return Mount(prefix, app=_BySegment(segments))


def _below(prefix: str, route: BaseRoute) -> APIRoute:
    """The route as a mount at `prefix` sees it: the same handler, matched on the path
    below the prefix (Starlette moves the prefix into the scope's root path)."""
    if not isinstance(route, APIRoute) or not route.path.startswith(prefix + "/"):
        raise ValueError(f"{route!r} is not an API route under {prefix}")
    mounted = copy.copy(route)
    mounted.path = route.path[len(prefix) :]
    mounted.path_regex, mounted.path_format, mounted.param_convertors = compile_path(mounted.path)
    return mounted


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1]


class _BySegment:
    """Hands a request inside a mount to the router of its path's first segment.

    Every route's first segment is literal, so a request can match only the routes of its
    own; each segment's router keeps their order and Starlette's 404s and redirects."""

    def __init__(self, segments: dict[str, list[BaseRoute]]) -> None:
        self.routers = {segment: Router(routes) for segment, routes in segments.items()}

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route, for `url_path_for` through the mount."""
        return [route for router in self.routers.values() for route in router.routes]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path, root_path = scope["path"], scope.get("root_path", "")
        below = path[len(root_path) :] if path.startswith(root_path) else path
        router = self.routers.get(_first_segment(below))
        if router is None:
            raise HTTPException(404)  # as Starlette's router answers a path no route has
        try:
            await router(scope, receive, send)
        except HTTPException as exc:
            if exc.status_code != 405:
                raise
            # Starlette names only the methods of the first route of the path (RFC 9110
            # wants all of them)
            raise HTTPException(405, headers={"Allow": _allowed(router, scope)}) from None


def _allowed(router: Router, scope: Scope) -> str:
    methods = {
        method
        for route in router.routes
        if route.matches(scope)[0] is not Match.NONE
        for method in getattr(route, "methods", None) or ()
    }
    return ", ".join(sorted(methods))


def install_openapi(app: FastAPI, mounted: Sequence[BaseRoute]) -> None:
    """Build the app's OpenAPI document from its own routes and the mounted ones, under
    their full paths (FastAPI's document sees no route inside a mount)."""

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            own = [route for route in app.routes if not isinstance(route, Mount)]
            app.openapi_schema = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                summary=app.summary,
                description=app.description,
                terms_of_service=app.terms_of_service,
                contact=app.contact,
                license_info=app.license_info,
                routes=[*own, *mounted],
                webhooks=app.webhooks.routes,
                tags=app.openapi_tags,
                servers=app.servers,
                separate_input_output_schemas=app.separate_input_output_schemas,
                external_docs=app.openapi_external_docs,
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # as FastAPI's docs show
