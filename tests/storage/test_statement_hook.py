"""Observers of a store hear every statement it sends, on the path production runs.

The tests that count statements and check plans listen through `Store.plans` (heard.py).
Here SQLite's own trace of what it executed is set beside them: a statement that went to
the database without being heard (a driver call that bypassed the hook, a Core statement
on an engine nobody listens to) makes the two differ.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from modelreg.domain.common import new_record
from modelreg.domain.kinds import MODEL_VERSION, REGISTERED_MODEL
from modelreg.domain.paging import build_list_query
from modelreg.domain.values import Stored
from modelreg.storage.repository import Repository
from modelreg.storage.store import Store

UNHEARD = ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")  # transaction control and set-up


def _workload(store: Store) -> None:
    """A little of every kind of statement: one-statement and multi-statement writes,
    gets, finds, pages by compiled shape and built the ordinary way, a filter's count."""
    model = new_record(REGISTERED_MODEL, "m")
    model.custom = {"fw": Stored("string_value", "onnx")}
    model = store.insert(model)
    version = new_record(MODEL_VERSION, f"{model.id}:v1")
    store.insert(version, under=model.id, parent_kinds=[REGISTERED_MODEL])

    def rename(record: Any) -> None:
        record.custom["fw"] = Stored("string_value", "tf")

    store.update([REGISTERED_MODEL], model.id, rename)

    def reads(repo: Repository) -> None:
        assert repo.get([REGISTERED_MODEL], model.id) is not None
        assert repo.find([REGISTERED_MODEL], names=["m"])
        assert repo.find([REGISTERED_MODEL], names=["m", "n"])
        for filter_query in (None, "fw = 'tf'", "fw LIKE 't%'", "name IN ('m', 'n')"):
            query = build_list_query(scope="t", filter_query=filter_query)
            repo.list_page([REGISTERED_MODEL], query, None)
        repo.list_page([MODEL_VERSION], build_list_query(scope="t"), model.id)

    store.run(reads, write=False)


def test_every_statement_sqlite_runs_is_heard(tmp_path: Path) -> None:
    store = Store.from_url(f"sqlite:///{tmp_path / 'hook.db'}", pool_size=1)
    store.bootstrap(migrate=True)
    store.engine.dispose()  # new connections, traced from the start
    traced: list[str] = []

    @event.listens_for(store.engine, "connect")
    def _trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(traced.append)

    heard: list[str] = []
    try:
        with store.plans.observe(lambda _connection, sql, _params: heard.append(sql)):
            _workload(store)
    finally:
        store.dispose()
    executed = [sql for sql in traced if not sql.lstrip().upper().startswith(UNHEARD)]
    assert len(executed) >= 12
    assert len(heard) == len(executed), (heard, executed)
    # the same statements in the same order: each traced one starts as its heard one
    for sql, ran in zip(heard, executed, strict=True):
        assert ran.split()[:3] == sql.split()[:3], (sql, ran)


def test_a_store_hears_only_its_own_statements(tmp_path: Path) -> None:
    """Two stores in one process share no compiled statement, page shape or observer."""
    stores = [Store.from_url(f"sqlite:///{tmp_path / f'{n}.db'}") for n in range(2)]
    heard: list[list[str]] = [[], []]
    try:
        for store in stores:
            store.bootstrap(migrate=True)
        with (
            stores[0].plans.observe(lambda _c, sql, _p: heard[0].append(sql)),
            stores[1].plans.observe(lambda _c, sql, _p: heard[1].append(sql)),
        ):
            _workload(stores[0])
    finally:
        for store in stores:
            store.dispose()
    assert heard[0] and not heard[1]
    assert stores[0].plans.pages.compiled() and not stores[1].plans.pages.compiled()
