"""Writers of one SQLite file take turns through a lock file (sqlite_writers.py)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from modelreg.domain.models import ModelService
from modelreg.domain.paging import ListQuery
from modelreg.schemas import registry as wire
from modelreg.storage import store as store_module
from modelreg.storage.sqlite_writers import SUFFIX, WriterQueue
from modelreg.storage.store import Store

HOLD_S = 0.3

# A process that takes the turn, says so, and keeps it until its stdin closes.
HOLDER = """
import sys
from modelreg.storage.sqlite_writers import WriterQueue
queue = WriterQueue(sys.argv[1], 10)
with queue.turn():
    print("holding", flush=True)
    sys.stdin.read()
"""


def _entered_after(queue: WriterQueue, entered: list[float]) -> threading.Thread:
    def wait_for_turn() -> None:
        with queue.turn():
            entered.append(time.monotonic())

    thread = threading.Thread(target=wait_for_turn)
    thread.start()
    return thread


def test_a_writer_waits_for_another_process_and_goes_in_when_it_is_done(tmp_path: Path) -> None:
    database = str(tmp_path / "r.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, database],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "holding"
    queue = WriterQueue(database, 10)
    entered: list[float] = []
    waiter = _entered_after(queue, entered)
    time.sleep(HOLD_S)
    assert not entered, "went in while another process held the turn"
    released = time.monotonic()
    holder.stdin.close()
    waiter.join(timeout=10)
    assert holder.wait(timeout=10) == 0
    holder.stdout.close()
    # the kernel hands the turn over when it is released: no sleeping in between
    assert entered and entered[0] - released < 2
    assert Path(database + SUFFIX).exists()
    queue.close()


def test_threads_of_one_process_take_turns(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "r.db"), 10)
    inside = 0
    most_inside = 0
    guard = threading.Lock()

    def write() -> None:
        nonlocal inside, most_inside
        for _ in range(50):
            with queue.turn():
                with guard:
                    inside += 1
                    most_inside = max(most_inside, inside)
                time.sleep(0.0005)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=write) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert most_inside == 1
    queue.close()


def test_a_thread_that_waits_past_the_deadline_goes_on_without_its_turn(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "r.db"), 0.05)
    entered: list[float] = []
    with queue.turn():
        waiter = _entered_after(queue, entered)
        waiter.join(timeout=10)
        # SQLite's own lock still decides; the queue only orders those who wait
        assert entered
    queue.close()


def test_without_a_lock_file_writers_rely_on_sqlite_alone(tmp_path: Path) -> None:
    queue = WriterQueue(str(tmp_path / "missing-directory" / "r.db"), 10)
    ran = False
    with queue.turn():
        ran = True
    assert ran
    queue.close()


def test_stores_on_one_file_write_side_by_side_and_lose_nothing(tmp_path: Path) -> None:
    """Two stores on one file stand for two server processes: each has its own lock file
    descriptor, so they queue like processes do, and every write lands."""
    path = tmp_path / "r.db"
    stores = [Store.from_url(f"sqlite:///{path}") for _ in range(2)]
    for store in stores:
        store.bootstrap()
    writers = Path(str(path) + SUFFIX)
    assert stores[0].run(lambda repo: 1, write=False) == 1
    assert not writers.exists(), "a read took a turn"

    def create(store: Store, start: int) -> None:
        service = ModelService(store)
        for n in range(start, start + 40):
            service.create_model(wire.RegisteredModelCreate(name=f"m{n}"))

    # two threads per store: they queue on the store's thread lock, then on the file
    threads = [threading.Thread(target=create, args=(stores[i % 2], 100 * i)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert writers.exists()
    names = {r.name for r in ModelService(stores[1]).list_models(ListQuery(page_size=500)).records}
    assert names == {f"m{n}" for i in range(4) for n in range(100 * i, 100 * i + 40)}
    for store in stores:
        store.dispose()


def test_an_in_memory_store_has_no_writer_queue() -> None:
    store = Store.from_url("sqlite://")
    store.bootstrap()
    assert store._writers is None
    store.dispose()


def test_without_flock_a_store_writes_through_sqlite_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where fcntl is missing (Windows) the store keeps SQLite's busy handler alone."""
    monkeypatch.setattr(store_module, "writer_queues_supported", False)
    path = tmp_path / "r.db"
    store = Store.from_url(f"sqlite:///{path}")
    store.bootstrap()
    ModelService(store).create_model(wire.RegisteredModelCreate(name="m"))
    assert not Path(str(path) + SUFFIX).exists()
    store.dispose()
