"""Several server worker processes, each with its own listening socket on one port.

uvicorn's `--workers` shares one socket between its workers, and an idle worker's event
loop accepts every connection waiting at that moment: a burst of keep-alive connections
(a client pool, a proxy) can all land on one worker and stay there while the others
idle. With SO_REUSEPORT each worker listens on a socket of its own and the kernel spreads
new connections across them. The sockets are also made with an explicit IPPROTO_TCP,
which asyncio needs before it sets TCP_NODELAY on accepted connections (without it,
keep-alive responses can wait ~40 ms for a delayed ACK).

Where SO_REUSEPORT is missing (Windows), uvicorn's own supervisor runs instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

APP = "modelreg.server.asgi:app"
BACKLOG = 2048
RESTART_PAUSE_S = 1.0
log = logging.getLogger("modelreg.supervisor")


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, shared: bool = True) -> socket.socket:
    """A TCP socket on the port; `shared` (SO_REUSEPORT) lets every worker bind it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _worker(host: str, port: int, log_level: str) -> None:
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(APP, log_level=log_level, access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def run(host: str, port: int, workers: int, log_level: str) -> None:
    """Start `workers` processes, restart any that dies, stop them all on SIGTERM/SIGINT."""
    # Bind once here first, without SO_REUSEPORT: a port in use fails now, with a clear
    # error, not in N workers; and another server on the port (even another modelreg, whose
    # sockets would admit ours) is refused instead of silently sharing its connections.
    listening_socket(host, port, shared=False).close()
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> BaseProcess:
        process = context.Process(target=_worker, args=(host, port, log_level), daemon=False)
        process.start()
        return process

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    running = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(running):
                if not process.is_alive() and not stopping:
                    log.warning(
                        "worker %s exited with %s; restarting", process.pid, process.exitcode
                    )
                    time.sleep(RESTART_PAUSE_S)
                    running[index] = start()
    finally:
        for process in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in running:
            process.join(30)
            if process.is_alive():
                process.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
