"""Writers of one SQLite file take turns through a lock file, not through SQLite's sleeps.

SQLite lets one writer in at a time. A writer that finds the lock taken sleeps in the
busy handler, at least 1 ms and then longer (2, 5, 10 ms ...), however soon the lock is
free again. Under `modelreg serve --workers 2` a write transaction holds the lock for a
few tenths of a millisecond, so the waiting worker slept through several of the other's
transactions: 45% of a worker's time went to those sleeps (py-spy under load), and two
workers wrote no faster than one. Here a writer first takes an exclusive `flock` on a
file beside the database, which the kernel hands to the next waiter the moment it is
released, and only then sends BEGIN IMMEDIATE.

The queue only orders writers: SQLite's own lock still decides, so processes that do not
use the queue (the CLI, other tools) stay correct, and the kernel drops a dead process's
turn. A wait stays bounded: the threads of a process queue on a lock with SQLite's busy
timeout; a process holds one turn at a time, for one transaction, whose BEGIN IMMEDIATE
waits at most that timeout for a writer outside the queue; so a writer waits at most
about one such timeout per other server process. Polling `flock` with sleeps instead
(from 20 µs, doubling), to bound the wait by a clock, lost most of the gain: 701-809
registrations a second against 913-1,049 blocking, in alternating runs.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

try:
    import fcntl
except ImportError:  # Windows: SQLite's busy handler alone
    SUPPORTED = False
else:
    SUPPORTED = True

SUFFIX = "-writers"
"""The lock file is the database's path with this suffix (like SQLite's `-wal`)."""
log = logging.getLogger("modelreg.storage")


class WriterQueue:
    """Turns for the write transactions of one SQLite database file, across processes and
    across the threads of this one."""

    def __init__(self, database_path: str, deadline_s: float) -> None:
        self.lock_path = database_path + SUFFIX
        self.deadline_s = deadline_s
        self._threads = threading.Lock()  # flock does not exclude threads sharing the fd
        self._fd: int | None = None
        self._unusable = False

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold this writer's turn for the duration of the block (as far as the deadline
        allows: past it, the block runs without the turn)."""
        if not self._threads.acquire(timeout=self.deadline_s):
            yield
            return
        try:
            fd = self._lock_file()
            if fd is None:
                yield
                return
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def close(self) -> None:
        with self._threads:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def _lock_file(self) -> int | None:
        if self._fd is None and not self._unusable:
            try:
                self._fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as exc:  # a read-only directory: SQLite's busy handler alone
                self._unusable = True
                log.warning("writers of %s cannot queue (%s)", self.lock_path, exc)
        return self._fd
