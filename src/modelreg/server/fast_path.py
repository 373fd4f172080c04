"""A shorter way through FastAPI for the routes that take only plain parameters.

FastAPI solves every request's parameters generically: for each dependency it walks the
path, query, header, cookie and body declarations and validates each value against its
annotation. For a get by name that was about a third of the request's time in-process.
Most of our routes take only optional text query parameters, text path parameters, one
JSON body model and async dependencies of the same kinds, so their values can be read
straight from the request.

The shortcut only ever handles requests FastAPI would accept: a body that is not JSON
orjson reads, or that does not validate, and a missing required parameter all go to
FastAPI's own handler, so every error keeps FastAPI's shape; so does every request while
dependency overrides are set. Routes with anything else (headers, cookies, forms, sync
dependencies, responses that are not `Response` objects) keep FastAPI's handler.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import params
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_typed_return_annotation
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_Names = tuple[tuple[str, str], ...]
"""(argument name, name in the request) pairs."""


@dataclass(frozen=True, slots=True)
class _Dependency:
    argument: str
    call: Callable[..., Awaitable[Any]]
    request_argument: str | None
    query: _Names


@dataclass(frozen=True, slots=True)
class Plan:
    """What a route's endpoint takes, read once when the route is built."""

    endpoint: Callable[..., Awaitable[Any]]
    path: _Names
    query: _Names
    dependencies: tuple[_Dependency, ...]
    body: tuple[str, ModelField] | None

    def handler(self, fallback: Handler) -> Handler:
        async def handle(request: Request) -> Response:
            # overrides (a test's stand-in dependency) are FastAPI's to apply
            overridden = getattr(request.app, "dependency_overrides", None)
            values = None if overridden else await self._values(request)
            if values is None:
                return await fallback(request)
            response: Response = await self.endpoint(**values)
            return response

        return handle

    async def _values(self, request: Request) -> dict[str, Any] | None:
        values: dict[str, Any] = {}
        path_params = request.path_params
        for argument, key in self.path:
            if key not in path_params:
                return None
            values[argument] = path_params[key]
        query = request.query_params
        for argument, key in self.query:
            values[argument] = query.get(key)
        for dependency in self.dependencies:
            kwargs: dict[str, Any] = {
                argument: query.get(key) for argument, key in dependency.query
            }
            if dependency.request_argument is not None:
                kwargs[dependency.request_argument] = request
            values[dependency.argument] = await dependency.call(**kwargs)
        if self.body is not None:
            argument, field = self.body
            body = await _json_body(request, field)
            if body is None:
                return None
            values[argument] = body
        return values


async def _json_body(request: Request, field: ModelField) -> Any:
    """The validated body, or None for anything FastAPI should answer itself."""
    if request.headers.get("content-type") != "application/json":
        return None
    try:
        raw = await request.body()
    except HTTPException:  # the body limit's 413
        raise
    except Exception:  # a client gone mid-body: FastAPI's handler reports it
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:  # also what orjson reads stricter than json (NaN, ...)
        return None
    value, errors = field.validate(data, {}, loc=("body",))
    return None if errors else value


def plan_for(route: APIRoute) -> Plan | None:
    """The route's plan, or None when it takes something the shortcut does not read."""
    dependant = route.dependant
    endpoint = dependant.call
    if endpoint is None or not inspect.iscoroutinefunction(endpoint):
        return None
    returned = get_typed_return_annotation(endpoint)
    if not (inspect.isclass(returned) and issubclass(returned, Response)):
        return None
    if not _plain_request_params(dependant) or dependant.request_param_name is not None:
        return None
    if any(not _is_text(f, optional=False) for f in dependant.path_params):
        return None
    if not _plain_body(route, dependant):
        return None
    dependencies = []
    for sub in dependant.dependencies:
        dependency = _dependency(sub)
        if dependency is None:
            return None
        dependencies.append(dependency)
    return Plan(
        endpoint=endpoint,
        path=tuple((f.name, f.alias) for f in dependant.path_params),
        query=tuple((f.name, f.alias) for f in dependant.query_params),
        dependencies=tuple(dependencies),
        body=(dependant.body_params[0].name, dependant.body_params[0])
        if dependant.body_params
        else None,
    )


def _plain_request_params(dependant: Dependant) -> bool:
    """Only optional text query parameters; no headers, cookies or special arguments."""
    return (
        not dependant.header_params
        and not dependant.cookie_params
        and dependant.websocket_param_name is None
        and dependant.http_connection_param_name is None
        and dependant.response_param_name is None
        and dependant.background_tasks_param_name is None
        and dependant.security_scopes_param_name is None
        and all(_is_text(f, optional=True) for f in dependant.query_params)
    )


def _dependency(sub: Dependant) -> _Dependency | None:
    call = sub.call
    if (
        call is None
        or sub.name is None
        or not inspect.iscoroutinefunction(call)
        or inspect.isasyncgenfunction(call)
        or sub.dependencies
        or sub.path_params
        or sub.body_params
        or not _plain_request_params(sub)
    ):
        return None
    query = tuple((f.name, f.alias) for f in sub.query_params)
    return _Dependency(sub.name, call, sub.request_param_name, query)


def _plain_body(route: APIRoute, dependant: Dependant) -> bool:
    """No body, or one JSON body that is the whole request body (not embedded, not a form)."""
    if not dependant.body_params:
        return True
    info = dependant.body_params[0].field_info
    return (
        len(dependant.body_params) == 1
        and not getattr(route, "_embed_body_fields", True)
        and isinstance(info, params.Body)
        and not isinstance(info, params.Form)
    )


def _is_text(field: ModelField, *, optional: bool) -> bool:
    """`str` (required) or `str | None = None` (optional), and nothing else."""
    info = field.field_info
    annotation = info.annotation
    if not optional:
        return annotation is str and info.is_required()
    is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    return (
        is_union
        and set(typing.get_args(annotation)) == {str, type(None)}
        and not info.is_required()
        and info.default is None
    )
