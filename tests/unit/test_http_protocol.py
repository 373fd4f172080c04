"""The response writes a worker joins into one send (server/http_protocol.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from modelreg.server.http_protocol import _JoinedWrites, http_protocol


class _Socket:
    """Records what reaches the socket's transport."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return ("127.0.0.1", 1234) if name == "peername" else None


def test_the_writes_of_one_pass_of_the_loop_go_out_in_one_send() -> None:
    async def scenario() -> list[bytes]:
        socket = _Socket()
        joined = _JoinedWrites(socket, asyncio.get_running_loop())  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 200 OK\r\n\r\n")
        joined.write(b"{}")
        assert socket.sent == []  # held until the loop moves on
        await asyncio.sleep(0)
        joined.write(b"next")
        await asyncio.sleep(0)
        assert joined.get_extra_info("peername") == ("127.0.0.1", 1234)
        return socket.sent

    assert asyncio.run(scenario()) == [b"HTTP/1.1 200 OK\r\n\r\n{}", b"next"]


def test_closing_sends_what_is_held_first_and_a_closed_socket_gets_nothing() -> None:
    async def scenario() -> tuple[list[bytes], list[bytes]]:
        loop = asyncio.get_running_loop()
        socket = _Socket()
        joined = _JoinedWrites(socket, loop)  # type: ignore[arg-type]
        joined.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")
        joined.close()
        gone = _Socket()
        late = _JoinedWrites(gone, loop)  # type: ignore[arg-type]
        late.write(b"too late")
        gone.closed = True  # the client went away meanwhile
        await asyncio.sleep(0)
        return socket.sent, gone.sent

    sent, lost = asyncio.run(scenario())
    assert sent == [b"HTTP/1.1 400 Bad Request\r\n\r\n"]
    assert lost == []


def test_workers_use_the_joining_protocol_where_httptools_is_installed() -> None:
    protocol = http_protocol()
    assert not isinstance(protocol, str)
    assert protocol.__name__ == "JoinedWritesProtocol"
