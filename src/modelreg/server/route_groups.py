"""Routes grouped by path prefix, so a request is matched only against its own API's routes.

A router tries its routes in order until one matches. With both API versions included
route by route, a `/v1alpha3` request was first tried against every `/v1` route, which
cost it about 75 µs (a third of a get by name in-process), a `/v1` experiments request
about 45 µs, and FastAPI matched an included route twice. A group is one route to the
router: it skips itself on a path outside its prefix and otherwise tries, in their order,
the routes that could match, as the router would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette._utils import get_route_path  # what Starlette's routes match on
from starlette.datastructures import URLPath
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

_CHOSEN = "modelreg.route"  # the scope key that carries the matched route to handle()
_ALLOWED = "modelreg.allowed"  # and, for a path without the method, the methods it takes


class PrefixGroup(BaseRoute):
    """The routes whose paths start with `prefix + "/"`, in order.

    When every route's first segment after the prefix is literal (`/model_versions/{id}`,
    not `/{kind}/...`), a request is tried only against the routes of its own first
    segment: no other route could match it, and their order among themselves is kept.
    """

    def __init__(self, prefix: str, routes: Sequence[BaseRoute]) -> None:
        self.prefix = prefix.rstrip("/") + "/"
        self.routes = list(routes)
        self._by_segment = _by_first_segment(self.prefix, self.routes)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http":
            return Match.NONE, {}
        path = get_route_path(scope)  # without the root path a proxy mounts the app under
        if not path.startswith(self.prefix):
            return Match.NONE, {}
        candidates = self.routes
        if self._by_segment is not None:
            segment = path[len(self.prefix) :].partition("/")[0]
            candidates = self._by_segment.get(segment, [])
        partial: tuple[BaseRoute, Scope] | None = None
        allowed: set[str] = set()
        for route in candidates:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                child_scope[_CHOSEN] = route  # a dict the route made for this call
                return match, child_scope
            if match is Match.PARTIAL:
                allowed.update(getattr(route, "methods", None) or ())
                if partial is None:
                    partial = (route, child_scope)
        if partial is not None:  # a path that exists, with another method: a 405
            route, child_scope = partial
            child_scope.update({_CHOSEN: route, _ALLOWED: allowed})
            return Match.PARTIAL, child_scope
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope.pop(_CHOSEN)
        allowed: set[str] | None = scope.pop(_ALLOWED, None)
        if allowed:  # the router alone would name only the first route's methods
            raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> URLPath:
        for route in self.routes:
            try:
                return route.url_path_for(name, **path_params)
            except NoMatchFound:
                continue
        raise NoMatchFound(name, path_params)


def _by_first_segment(prefix: str, routes: list[BaseRoute]) -> dict[str, list[BaseRoute]] | None:
    """The routes by the literal segment after the prefix; None if some route has none."""
    index: dict[str, list[BaseRoute]] = {}
    for route in routes:
        path = getattr(route, "path", None)
        if not isinstance(path, str) or not path.startswith(prefix):
            return None
        segment = path[len(prefix) :].partition("/")[0]
        if not segment or "{" in segment:
            return None
        index.setdefault(segment, []).append(route)
    return index


class GroupedRoutesApp(FastAPI):
    """A FastAPI app whose `routes` lists the routes inside its groups too: the OpenAPI
    document is built from `routes`, requests are dispatched by `router.routes`.

    The groups go first in `router.routes`, for speed; `routes` keeps the order the
    document had before groups existed: the other routes, then the groups'."""

    @property
    def routes(self) -> list[BaseRoute]:
        routes = self.router.routes
        groups = [route for route in routes if isinstance(route, PrefixGroup)]
        others = [route for route in routes if not isinstance(route, PrefixGroup)]
        return others + [inner for group in groups for inner in group.routes]
