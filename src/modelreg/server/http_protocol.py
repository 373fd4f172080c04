"""uvicorn's httptools protocol, sending each response in one write instead of two.

uvicorn writes a response's status line and headers as soon as the app starts the
response, then its body: two `send` calls on the socket, two TCP segments and two
wake-ups of the client for every response. Sending responses was a fifth of a worker's
CPU under version creates at c16 (py-spy). Here the writes a response makes while the
event loop runs it are joined and sent once, before the loop next waits for I/O.
"""

from __future__ import annotations

import asyncio
from typing import Any

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # no httptools (PyPy): uvicorn picks its own protocol
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


class _JoinedWrites:
    """A transport that holds the writes of one pass of the event loop, then sends them."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self._send)
        self._held.append(data)

    def close(self) -> None:
        self._send()
        self._transport.close()

    def _send(self) -> None:
        held = self._held
        if not held:
            return
        self._held = []
        if not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def __getattr__(self, name: str) -> Any:  # everything else is the socket's transport
        return getattr(self._transport, name)


if HttpToolsProtocol is not None:

    class JoinedWritesProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            joined = _JoinedWrites(transport, asyncio.get_running_loop())
            super().connection_made(joined)  # type: ignore[arg-type]


def http_protocol() -> Any:
    """uvicorn's `http` setting for a worker: this protocol where httptools is installed."""
    return "auto" if HttpToolsProtocol is None else JoinedWritesProtocol
