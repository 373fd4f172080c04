"""A shorter way through FastAPI for the routes that take only plain parameters.

FastAPI solves every request's parameters generically: for each dependency it walks the
path, query, header, cookie and body declarations and validates each value against its
annotation. For a get by name that was about a third of the request's time in-process.
Most of our routes take only optional text query parameters, text path parameters, one
JSON body model and async dependencies of the same kinds, so their values can be read
straight from the request.

A route's plan is read once, from the endpoint's own signature: its annotations, the
`Query`, `Path`, `Body` and `Depends` markers in them (FastAPI's public parameter
functions), and the same for each dependency. Anything else in a signature (headers,
cookies, forms, sync or yielding dependencies, constraints on a parameter, a result
that is not a `Response`) leaves the route to FastAPI's own handler.

The shortcut only ever answers requests FastAPI would accept: a body that is not JSON
or does not validate, and every request while dependency overrides are set, go to
FastAPI's own handler, so every error keeps FastAPI's shape.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import params
from fastapi.routing import APIRoute
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from starlette.convertors import StringConvertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
_Names = tuple[tuple[str, str], ...]
"""(argument name, name in the request) pairs."""
_MARKERS = (params.Param, params.Body, params.Depends)
_OPTIONAL_TEXT = str | None


class _Unsupported(Exception):
    """A declaration the plan does not read: FastAPI's handler serves the route."""


@dataclass(frozen=True, slots=True)
class _Call:
    """A function (the endpoint or one of its dependencies) and where its arguments are."""

    function: Callable[..., Awaitable[Any]]
    path: _Names
    query: _Names
    request: str | None
    dependencies: tuple[tuple[str, _Call], ...]

    async def arguments(self, request: Request) -> dict[str, Any]:
        """The arguments, with the dependencies called."""
        path, query = request.path_params, request.query_params
        values = {argument: path[key] for argument, key in self.path}
        for argument, key in self.query:
            values[argument] = query.get(key)
        if self.request is not None:
            values[self.request] = request
        for argument, dependency in self.dependencies:
            values[argument] = await dependency.function(**await dependency.arguments(request))
        return values


@dataclass(frozen=True, slots=True)
class Plan:
    """What a route's endpoint takes, read once when the route is built."""

    call: _Call
    body: tuple[str, TypeAdapter[Any]] | None
    overrides_from: Any

    def handler(self, fallback: Handler) -> Handler:
        async def handle(request: Request) -> Response:
            # overrides (a test's stand-in dependency) are FastAPI's to apply
            if getattr(self.overrides_from, "dependency_overrides", None):
                return await fallback(request)
            values = await self._values(request)
            if values is None:
                return await fallback(request)
            response: Response = await self.call.function(**values)
            return response

        return handle

    async def _values(self, request: Request) -> dict[str, Any] | None:
        if self.body is None:
            return await self.call.arguments(request)
        argument, adapter = self.body
        # the body first: one that FastAPI must answer has run no dependency yet
        body = await _json_body(request, adapter)
        if body is None:
            return None
        values = await self.call.arguments(request)
        values[argument] = body
        return values


async def _json_body(request: Request, adapter: TypeAdapter[Any]) -> Any:
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
        # pydantic's own JSON reader: it refuses what json.loads reads loosely (a lone
        # surrogate), and a refused body is FastAPI's to answer
        return adapter.validate_json(raw)
    except ValidationError:
        return None


def plan_for(route: APIRoute) -> Plan | None:
    """The route's plan, or None when it declares something the shortcut does not read."""
    if route.dependencies or not inspect.iscoroutinefunction(route.endpoint):
        return None
    path_names = {
        name
        for name, convertor in route.param_convertors.items()
        if isinstance(convertor, StringConvertor)
    }
    reader = _Reader(path_names)
    try:
        call = reader.call(route.endpoint, endpoint=True)
    except (_Unsupported, NameError, TypeError):  # NameError: an annotation not resolvable
        return None
    return Plan(call, reader.body, route.dependency_overrides_provider)


class _Reader:
    """Reads the signatures of an endpoint and its dependencies into `_Call`s."""

    def __init__(self, path_names: set[str]) -> None:
        self.path_names = path_names
        self.body: tuple[str, TypeAdapter[Any]] | None = None
        self.seen: set[Callable[..., Any]] = set()

    def call(self, function: Callable[..., Any], *, endpoint: bool = False) -> _Call:
        declared = inspect.unwrap(function)  # a wrapped sync endpoint declares its own
        hints = typing.get_type_hints(declared, include_extras=True)
        if endpoint and not _is_response_class(hints.get("return")):
            raise _Unsupported("FastAPI serializes what is not a Response")
        path: list[tuple[str, str]] = []
        query: list[tuple[str, str]] = []
        request = None
        dependencies: list[tuple[str, _Call]] = []
        for parameter in inspect.signature(declared).parameters.values():
            name = parameter.name
            kind, found = self._parameter(parameter, hints.get(name), endpoint=endpoint)
            if kind == "path":
                path.append((name, found))
            elif kind == "query":
                query.append((name, found))
            elif kind == "request":
                request = name
            elif kind == "dependency":
                dependencies.append((name, found))
        return _Call(function, tuple(path), tuple(query), request, tuple(dependencies))

    def _parameter(
        self, parameter: inspect.Parameter, annotation: Any, *, endpoint: bool
    ) -> tuple[str, Any]:
        """What one parameter is: ("path" or "query", its name in the request),
        ("dependency", its `_Call`), ("request", None) or ("body", None)."""
        if parameter.kind not in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY):
            raise _Unsupported("*args, **kwargs or a positional-only argument")
        if annotation is None or isinstance(parameter.default, _MARKERS):
            raise _Unsupported("no annotation, or a marker given as the default")
        kind, marker, metadata = _split(annotation)
        name = parameter.name
        if isinstance(marker, params.Depends):
            return "dependency", self._dependency(marker)
        if marker is None and inspect.isclass(kind) and issubclass(kind, Request):
            return "request", None
        if isinstance(marker, params.Path) or (marker is None and name in self.path_names):
            key = _plain_key(marker, name)
            if kind is not str or key not in self.path_names or metadata:
                raise _Unsupported("a path parameter that is not plain text")
            return "path", key
        if isinstance(marker, params.Query) or (marker is None and kind == _OPTIONAL_TEXT):
            if kind != _OPTIONAL_TEXT or parameter.default is not None or metadata:
                raise _Unsupported("a query parameter that is not optional text")
            return "query", _plain_key(marker, name)
        body_model = marker is None and inspect.isclass(kind) and issubclass(kind, BaseModel)
        if endpoint and (body_model or _is_json_body(marker)):
            self._set_body(name, kind, metadata, parameter)
            return "body", None
        raise _Unsupported(f"a parameter FastAPI reads from elsewhere: {name}")

    def _dependency(self, marker: params.Depends) -> _Call:
        function = marker.dependency
        if (
            isinstance(marker, params.Security)
            or getattr(marker, "max_concurrency", None) is not None
            or function is None
            or function in self.seen  # FastAPI calls a repeated dependency once
            or not inspect.iscoroutinefunction(function)
        ):
            raise _Unsupported("a dependency that is not a plain async function")
        self.seen.add(function)
        return self.call(function)

    def _set_body(
        self, name: str, kind: Any, metadata: tuple[Any, ...], parameter: inspect.Parameter
    ) -> None:
        if self.body is not None or parameter.default is not parameter.empty:
            raise _Unsupported("several bodies, or an optional one")
        validated = Annotated[(kind, *metadata)] if metadata else kind
        self.body = (name, _adapter(validated))


def _split(annotation: Any) -> tuple[Any, Any, tuple[Any, ...]]:
    """(type, FastAPI marker or None, other metadata) of an annotation."""
    if typing.get_origin(annotation) is not Annotated:
        return annotation, None, ()
    kind, *metadata = typing.get_args(annotation)
    markers = [m for m in metadata if isinstance(m, _MARKERS)]
    if len(markers) > 1:
        raise _Unsupported("several FastAPI markers on one parameter")
    others = tuple(m for m in metadata if not isinstance(m, _MARKERS))
    return kind, (markers[0] if markers else None), others


def _plain_key(marker: FieldInfo | None, name: str) -> str:
    """The name in the request of a parameter whose marker only names or describes it."""
    if marker is None:
        return name
    key = marker.alias or name
    if marker.metadata or marker.validation_alias not in (None, key):
        raise _Unsupported("a constrained or differently validated parameter")
    return key


def _is_json_body(marker: Any) -> bool:
    """A `Body()` that is the whole JSON request body and adds nothing to validate."""
    return (
        isinstance(marker, params.Body)
        and not isinstance(marker, params.Form)
        and not marker.embed
        and marker.media_type == "application/json"
        and not marker.metadata
        and marker.discriminator is None
    )


def _is_response_class(annotation: Any) -> bool:
    return inspect.isclass(annotation) and issubclass(annotation, Response)


@functools.cache
def _adapter(kind: Any) -> TypeAdapter[Any]:
    """One validator per body type, shared by both API versions' routes."""
    return TypeAdapter(kind)
