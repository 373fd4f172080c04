"""Pure ASGI middleware: body size limit and the deprecation headers of v1alpha3."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEPRECATED_PREFIX = "/api/model_registry/v1alpha3"
SUCCESSOR_LINK = '</api/model_registry/v1/>; rel="successor-version"'


class DeprecationHeaders:
    """Mark every v1alpha3 response: Deprecation, Sunset and a Link to v1."""

    def __init__(self, app: ASGIApp, sunset: str) -> None:
        self.app = app
        self.sunset = sunset.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(DEPRECATED_PREFIX):
            await self.app(scope, receive, send)
            return

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"deprecation", b"true"),
                    (b"sunset", self.sunset),
                    (b"link", SUCCESSOR_LINK.encode("latin-1")),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_marked)


class JsonBodies:
    """Read every API request body as JSON, whatever Content-Type says.

    Upstream decodes bodies without looking at the header, and `curl -d` sends
    `application/x-www-form-urlencoded`; both must keep working.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("POST", "PATCH", "PUT"):
            headers = [(k, v) for k, v in scope["headers"] if k != b"content-type"]
            headers.append((b"content-type", b"application/json"))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over the limit with 413, declared or streamed.

    The limit is read per request: the database may lower it (MySQL's max_allowed_packet).
    """

    def __init__(self, app: ASGIApp, max_bytes: Callable[[], int]) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes()
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(send, limit)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # FastAPI passes an HTTPException raised while reading the body through
                    # to the error handlers (anything else becomes a 400).
                    raise HTTPException(413, f"request body exceeds {limit} bytes")
            return message

        await self.app(scope, counted, send)

    async def _refuse(self, send: Send, limit: int) -> None:
        body: dict[str, Any] = {
            "code": "Content Too Large",
            "message": f"request body exceeds {limit} bytes",
        }
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})
