"""Pure ASGI middleware: body size limit and the deprecation headers of v1alpha3."""

from __future__ import annotations

import json
from typing import Any

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


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuse request bodies over `max_bytes` with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._refuse(send)
                return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body: dict[str, Any] = {
            "code": "Content Too Large",
            "message": f"request body exceeds {self.max_bytes} bytes",
        }
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": json.dumps(body).encode()})
