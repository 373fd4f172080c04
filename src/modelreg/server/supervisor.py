"""Several server worker processes, each with its own listening socket on one port.

uvicorn's `--workers` shares one socket between its workers, and an idle worker's event
loop accepts every connection waiting at that moment: a burst of keep-alive connections
(a client pool, a proxy) can all land on one worker and stay there while the others
idle. With SO_REUSEPORT each worker listens on a socket of its own and the kernel spreads
new connections across them. The sockets are also made with an explicit IPPROTO_TCP,
which asyncio needs before it sets TCP_NODELAY on accepted connections (without it,
keep-alive responses can wait ~40 ms for a delayed ACK).

Without SO_REUSEPORT (Windows) `modelreg serve` refuses `--workers` above 1.

The supervisor is a process of its own, started by `modelreg serve` with `os.execv` once
the settings are checked and the database migrated: it imports nothing but the standard
library (13 MB, where the CLI with the migrations loaded took 82 MB), and its workers
are plain subprocesses (no multiprocessing resource tracker beside them).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from types import FrameType

from modelreg.storage.sqlite_wal import BY_SUPERVISOR, CHECKPOINTS_ENV, Checkpointer

BACKLOG = 2048
RESTART_PAUSE_S = 1.0
STOP_TIMEOUT_S = 30.0
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


def check_port(host: str, port: int) -> None:
    """Bind once without SO_REUSEPORT: a port in use fails now, with a clear error, not in N
    workers; and another server on the port (even another modelreg, whose sockets would
    admit ours) is refused instead of silently sharing its connections."""
    listening_socket(host, port, shared=False).close()


def exec_supervisor(workers: int, sqlite_path: str | None, *, env: dict[str, str]) -> None:
    """Replace this process with the supervisor (same pid, so signals and process
    managers keep working), in environment `env`, which its workers inherit. Does not
    return. `sqlite_path`: a SQLite database file whose WAL the supervisor checkpoints
    (see sqlite_wal.py)."""
    sys.stdout.flush()
    sys.stderr.flush()
    args = [str(workers), *([sqlite_path] if sqlite_path else [])]
    os.execve(sys.executable, [sys.executable, "-m", "modelreg.server.supervisor", *args], env)


def run(workers: int, sqlite_path: str | None = None) -> None:
    """Start `workers` processes, restart any that dies, stop them all on SIGTERM/SIGINT."""
    stopping = False
    checkpointer = None
    env = dict(os.environ)
    if sqlite_path is not None:
        env[CHECKPOINTS_ENV] = BY_SUPERVISOR
        checkpointer = Checkpointer(sqlite_path)
        checkpointer.start()

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "modelreg.server.worker"], env=env)

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    running = [start() for _ in range(workers)]
    try:
        while not stopping:
            time.sleep(0.2)
            for index, process in enumerate(running):
                if process.poll() is not None and not stopping:
                    log.warning(
                        "worker %s exited with %s; restarting", process.pid, process.returncode
                    )
                    time.sleep(RESTART_PAUSE_S)
                    running[index] = start()
    finally:
        for process in running:
            if process.poll() is None:
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        for process in running:
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if checkpointer is not None:
            checkpointer.stop()


if __name__ == "__main__":
    count, *sqlite_path = sys.argv[1:]
    run(int(count), *sqlite_path)
