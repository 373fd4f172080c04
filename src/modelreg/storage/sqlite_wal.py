"""SQLite WAL checkpoints run beside the server workers instead of inside their commits.

By default SQLite checkpoints in the commit that takes the write-ahead log past 1,000
pages: that commit copies the log into the database file and waits for two fsyncs, while
every other writer waits for it. Registrations averaged 0.48 ms of commit in-process, most
of it in those checkpoints. Under `modelreg serve --workers N` the supervisor checkpoints
instead, a few times a second, off every request's path; a page rewritten by many commits
between two checkpoints is then copied once. The workers keep a far higher automatic
threshold as a backstop, should the supervisor's checkpoints fall behind.

Only the standard library, and sqlite3 only when a checkpointer runs: the supervisor and
every worker import this, on PostgreSQL and MySQL too.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    import sqlite3

CHECKPOINTS_ENV = "MODELREG_SQLITE_CHECKPOINTS"
"""Set to `supervisor` in the workers' environment when the supervisor checkpoints."""
BY_SUPERVISOR = "supervisor"
WORKER_AUTOCHECKPOINT_PAGES = 20_000
INTERVAL_S = 0.1
log = logging.getLogger("modelreg.supervisor")


class Checkpointer(threading.Thread):
    """Checkpoints the database's WAL every INTERVAL_S without waiting for anyone (PASSIVE:
    it copies what no reader still needs, and writers go on meanwhile)."""

    def __init__(self, path: str, interval_s: float = INTERVAL_S) -> None:
        super().__init__(name="wal-checkpointer", daemon=True)
        self.path = path
        self.interval_s = interval_s
        self.checkpoints = 0
        """Checkpoints that copied every frame in the log (for tests and logs)."""
        self._stop_requested = threading.Event()

    def stop(self) -> None:
        self._stop_requested.set()
        self.join(timeout=5)

    def run(self) -> None:
        import sqlite3

        conn = None
        try:
            while not self._stop_requested.wait(self.interval_s):
                conn = conn or self._open()
                if conn is None:
                    continue  # not created yet: the workers may still be migrating it
                try:
                    busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.Error as exc:  # the workers' backstop still checkpoints
                    log.warning("WAL checkpoint of %s failed: %s", self.path, exc)
                    continue
                if not busy and frames > 0 and copied == frames:
                    self.checkpoints += 1
        finally:
            if conn is not None:
                conn.close()

    def _open(self) -> sqlite3.Connection | None:
        import sqlite3

        # mode=rw: never create the file (an empty database would hide a missing one)
        # quote, not urllib.request's pathname2url: that module pulls in http.client,
        # email and ssl, 8 MB in a supervisor that otherwise needs next to nothing
        uri = f"file:{quote(self.path)}?mode=rw"
        try:
            return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return None
