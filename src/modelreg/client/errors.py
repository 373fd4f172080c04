"""HTTP answers and transport failures back into the one exception hierarchy.

The server maps each `modelreg.errors` class to a status (`server/errors.py`); this module
maps the status, and the error body's message, back to the same class. Statuses that have
no class of their own get the few client-side classes below, all `ModelRegError`s:

    ModelRegError
    ├── ... every class of modelreg.errors ...
    └── RegistryHTTPError         any other error status; `status` holds it
        ├── Unauthenticated       401: no token, or the token was refused
        └── PermissionDenied      403: the token may not do this
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from modelreg.errors import (
    AlreadyExists,
    Conflict,
    InvalidArgument,
    MissingField,
    ModelRegError,
    NotFound,
    Unavailable,
)


class RegistryHTTPError(ModelRegError):
    """An error answer that no other class describes (401, 403, 405, 500, ...)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class Unauthenticated(RegistryHTTPError):
    """401: the request carried no token, or the server refused it."""


class PermissionDenied(RegistryHTTPError):
    """403: the token is valid but may not do this."""


_BY_STATUS: dict[int, type[ModelRegError]] = {
    400: InvalidArgument,
    404: NotFound,
    409: AlreadyExists,
    413: InvalidArgument,
    422: MissingField,
    502: Unavailable,
    503: Unavailable,
    504: Unavailable,
}
RETRYABLE_STATUSES = frozenset({502, 503, 504})
# The server names the error class in this header (409 is both AlreadyExists and Conflict).
_BY_KIND: dict[str, type[ModelRegError]] = {
    cls.__name__: cls
    for cls in (InvalidArgument, MissingField, NotFound, AlreadyExists, Conflict, Unavailable)
}


def message_of(response: httpx.Response) -> str:
    """The error body's `message`, else its text, else the reason phrase."""
    try:
        data: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("message"), str) and data["message"]:
        return str(data["message"])
    text = response.text.strip()
    if text and len(text) < 500 and "<" not in text:
        return text
    return f"{response.status_code} {response.reason_phrase}".strip()


def from_response(response: httpx.Response) -> ModelRegError:
    """The exception an error answer stands for."""
    status = response.status_code
    message = message_of(response)
    named = _BY_KIND.get(response.headers.get("Modelreg-Error", ""))
    if named is not None:
        return named(message)
    if status == 409 and "already exists" not in message.lower():
        return Conflict(message)  # a server without the header: read the message
    cls = _BY_STATUS.get(status)
    if cls is not None:
        return cls(message)
    if status == 401:
        return Unauthenticated(message, status)
    if status == 403:
        return PermissionDenied(message, status)
    return RegistryHTTPError(f"{status} {response.reason_phrase}: {message}", status)


def from_transport(exc: httpx.TransportError, url: str) -> Unavailable:
    """A connection failure or timeout as `Unavailable`, naming the server."""
    if isinstance(exc, httpx.TimeoutException):
        return Unavailable(f"no answer from {url} in time ({type(exc).__name__})")
    detail = str(exc) or type(exc).__name__
    return Unavailable(f"cannot reach the registry at {url}: {detail}")


def never_sent(exc: httpx.TransportError) -> bool:
    """True when the request certainly never reached the server (safe to resend)."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
