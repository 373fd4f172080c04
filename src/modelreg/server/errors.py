"""One table from error class to HTTP status, and the handlers that emit `{code, message}`."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from modelreg import errors

from .responses import JsonResponse, error

log = logging.getLogger("modelreg.server")

STATUS: list[tuple[type[errors.ModelRegError], int]] = [
    (errors.MissingField, 422),
    (errors.InvalidArgument, 400),
    (errors.NotFound, 404),
    (errors.AlreadyExists, 409),
    (errors.Conflict, 409),
    (errors.Unavailable, 503),
]
MISSING_TYPES = frozenset({"missing", "zero_value"})


def status_of(exc: errors.ModelRegError) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def reason(status: int) -> str:
    return HTTPStatus(status).phrase


ERROR_KIND_HEADER = "Modelreg-Error"
RETRY_AFTER_SECONDS = "2"


def _registry_error(_: Request, exc: Exception) -> JsonResponse:
    """`{code, message}` as upstream; the `Modelreg-Error` header names the error class
    (409 is both AlreadyExists and Conflict), and 503s say when to retry."""
    assert isinstance(exc, errors.ModelRegError)
    status = status_of(exc)
    response = error(status, reason(status), exc.message)
    response.headers[ERROR_KIND_HEADER] = _public_class(exc).__name__
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _public_class(exc: errors.ModelRegError) -> type[errors.ModelRegError]:
    """The class of modelreg.errors the error is (storage refines Unavailable)."""
    return next(c for c in type(exc).__mro__ if c.__module__ == errors.__name__)


def _location(loc: tuple[Any, ...]) -> str:
    # ('body', 'customProperties', 'x', 'MetadataIntValue', 'int_value')
    #   -> customProperties.x.int_value
    parts = [
        str(p)
        for p in loc[1:]
        if not (isinstance(p, str) and p.startswith(("Metadata", "function-")))
    ]
    return ".".join(parts) or str(loc[0])


def describe_validation(problems: list[dict[str, Any]]) -> tuple[int, str]:
    """Status and one readable message for pydantic's error list."""
    if any(p.get("type") == "json_invalid" for p in problems):
        detail = next(p for p in problems if p.get("type") == "json_invalid")
        return 400, f"malformed JSON: {detail.get('ctx', {}).get('error', detail.get('msg'))}"
    at_root = [p for p in problems if tuple(p.get("loc", ())) == ("body",)]
    if any(p.get("type") == "missing" for p in at_root):
        return 400, "request body is required: send a JSON object"
    if any(p.get("type", "").startswith("union_tag") for p in at_root):
        kinds = "model-artifact, doc-artifact, dataset-artifact, metric or parameter"
        return 400, f"artifactType is missing or unknown: use {kinds}"
    if at_root:
        return 400, f"request body: {at_root[0].get('msg', 'invalid')}"
    messages = []
    missing_only = True
    for problem in problems[:5]:
        where = _location(tuple(problem.get("loc", ())))
        kind = problem.get("type", "")
        missing_only &= kind in MISSING_TYPES
        if kind == "missing":
            messages.append(f"required field '{where}' is missing")
        elif kind == "zero_value":
            messages.append(f"required field '{where}' is empty")
        elif kind == "extra_forbidden":
            messages.append(f"unknown field '{where}'")
        else:
            messages.append(f"{where}: {problem.get('msg', 'invalid value')}")
    if len(problems) > 5:
        messages.append(f"and {len(problems) - 5} more problems")
    return (422 if missing_only else 400), "; ".join(messages)


def _validation_error(_: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, RequestValidationError)
    status, message = describe_validation(list(exc.errors()))
    return error(status, reason(status), message)


def _http_error(request: Request, exc: Exception) -> JsonResponse:
    assert isinstance(exc, HTTPException)
    message = str(exc.detail)
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such path: {request.url.path}"
    elif exc.status_code == 405:
        message = f"method {request.method} is not allowed on {request.url.path}"
    response = error(exc.status_code, reason(exc.status_code), message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def _unexpected(request: Request, exc: Exception) -> JsonResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error(500, reason(500), "internal error; the server log has the details")


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.ModelRegError, _registry_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
