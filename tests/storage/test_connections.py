"""Pooled connections on the server databases: idle ones are checked, reads skip BEGIN."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import nullcontext

import pytest
from sqlalchemy import Connection, text

from modelreg.domain.common import new_record
from modelreg.domain.kinds import REGISTERED_MODEL
from modelreg.errors import Unavailable
from modelreg.storage import engine as engine_module
from modelreg.storage import statements as st
from modelreg.storage.prepared import driver_cursor, driver_rows
from modelreg.storage.store import Store


@pytest.fixture
def server_store(session_store: Store, database_url: str) -> Iterator[Store]:
    """A second store on the migrated session database, with a one-connection pool."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite has no server to cut connections")
    store = Store.from_url(database_url, pool_size=1)
    store.bootstrap(migrate=False)
    yield store
    store.dispose()


def _backend_id(store: Store) -> int:
    with store.engine.connect() as conn:
        return _backend_id_on(conn)


def _kill(store: Store, backend_id: int) -> None:
    """End the session on the server's side, and wait until it is gone (both servers
    end it after the statement that asks them to returns)."""
    if store.dialect == "postgresql":
        sql = f"SELECT pg_terminate_backend({backend_id})"
        alive = f"SELECT count(*) FROM pg_stat_activity WHERE pid = {backend_id}"
    else:
        sql = f"KILL {backend_id}"
        alive = f"SELECT count(*) FROM information_schema.processlist WHERE id = {backend_id}"
    other = Store.from_url(store.engine.url.render_as_string(hide_password=False))
    with other.engine.connect() as conn:
        conn.execute(text(sql))
        deadline = time.monotonic() + 10
        while conn.execute(text(alive)).scalar_one() and time.monotonic() < deadline:
            time.sleep(0.01)
    other.dispose()


def test_a_connection_cut_while_idle_is_replaced_before_use(
    server_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend_id(server_store)
    _kill(server_store, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)  # every checkout is "idle"
    second = _backend_id(server_store)
    assert second != first  # the dead connection was replaced, the query did not fail


def test_a_pinged_connection_serves_reads_and_writes(
    server_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
    for write in (False, True, False):
        with server_store.transaction(write=write) as repo:
            assert repo.conn.execute(text("SELECT 1")).scalar_one() == 1


def test_reads_run_in_autocommit_and_writes_in_a_transaction(server_store: Store) -> None:
    dialect = server_store.engine.dialect
    with server_store.transaction(write=False) as repo:
        assert dialect.detect_autocommit_setting(repo.conn.connection.dbapi_connection) is True
    with server_store.transaction(write=True) as repo:
        assert dialect.detect_autocommit_setting(repo.conn.connection.dbapi_connection) is False


@pytest.mark.parametrize("kept", [False, True], ids=["pooled", "kept"])
def test_a_read_on_mysql_is_one_round_trip_without_commit_or_rollback(
    server_store: Store, kept: bool
) -> None:
    """A read in a transaction cost MySQL three round trips (the statement, COMMIT, the
    pool's ROLLBACK); the server's own counters of this session show neither now."""
    if server_store.dialect == "postgresql":
        pytest.skip("MySQL's session counters; psycopg's autocommit sends nothing anyway")

    def counters() -> tuple[int, dict[str, int]]:
        with server_store.transaction(write=False) as repo:
            rows = repo.conn.exec_driver_sql(
                "SHOW SESSION STATUS WHERE Variable_name IN ('Com_commit', 'Com_rollback')"
            ).all()
            return _backend_id_on(repo.conn), {name: int(value) for name, value in rows}

    with server_store.connection_kept() if kept else nullcontext():
        session, before = counters()
        for _ in range(3):
            server_store.run(lambda repo: repo.find([REGISTERED_MODEL], names=["x"]), write=False)
        again, after = counters()
    assert again == session  # one connection served every read
    assert after == before


@pytest.mark.parametrize("write", [True, False], ids=["write", "read"])
@pytest.mark.parametrize("cut", ["server ends it", "client closed it"])
def test_a_connection_cut_inside_a_transaction_is_discarded_and_the_next_one_works(
    server_store: Store, cut: str, write: bool
) -> None:
    """Statements run on the driver's own cursor (prepared.py): a lost connection must
    still surface as unavailable and leave the pool, as it does through SQLAlchemy.
    (PyMySQL reports a closed connection as an InterfaceError, not an OperationalError.)"""
    plans = server_store.plans
    exists = st.exists_by_id(plans, REGISTERED_MODEL.table, (1,))
    with pytest.raises(Unavailable), server_store.transaction(write=write) as repo:
        if cut == "server ends it":
            _kill(server_store, _backend_id_on(repo.conn))
        else:
            repo.conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
        exists.rows(repo.conn, plans, entity_id=1)
    with server_store.transaction(write=False) as repo:
        # the next transaction gets a working connection: the probe answers, whatever
        # earlier tests left in the database
        assert len(exists.rows(repo.conn, plans, entity_id=1)) <= 1


@pytest.mark.parametrize("kept", [False, True], ids=["pooled", "kept"])
@pytest.mark.parametrize("cut", ["server ends it", "client closed it"])
def test_a_connection_cut_under_a_one_statement_insert_writes_nothing(
    server_store: Store, store: Store, cut: str, kept: bool
) -> None:
    """`Store.insert` sends its statement in autocommit on PostgreSQL (one round trip):
    a lost connection there is unavailable too, and the pool, or the thread's kept
    connection, recovers. (`store` empties the database afterwards.)"""
    if kept:
        _postgresql_only(server_store)
    with server_store.connection_kept() if kept else nullcontext():
        with (
            pytest.raises(Unavailable),
            server_store.transaction(write=True, one_statement=True) as repo,
        ):
            if cut == "server ends it":
                _kill(server_store, _backend_id_on(repo.conn))
            else:
                repo.conn.connection.dbapi_connection.close()  # type: ignore[union-attr]
            repo.insert(new_record(REGISTERED_MODEL, "cut"))
        created = server_store.insert(new_record(REGISTERED_MODEL, "after"))
        with server_store.transaction(write=False) as repo:
            found = repo.find([REGISTERED_MODEL], names=["cut", "after"])
    assert [r.id for r in found] == [created.id]


def _read_backend(store: Store) -> int:
    """The server session that serves the store's next read."""
    with store.transaction(write=False) as repo:
        return _backend_id_on(repo.conn)


def _write_backend(store: Store) -> int:
    """The server session that serves the store's next one-statement write (on
    PostgreSQL the read's; elsewhere reads and writes have pools of their own)."""
    with store.transaction(write=True, one_statement=True) as repo:
        return _backend_id_on(repo.conn)


@pytest.mark.parametrize("kept", [False, True], ids=["pooled", "kept"])
def test_a_connection_the_server_ended_is_replaced_before_use(
    server_store: Store, store: Store, kept: bool
) -> None:
    """A restart, an idle timeout or pg_terminate_backend leave the server's farewell
    unread on the socket: seen without a round trip, so the next read and the next
    write both go to a new connection, although the old one was used moments ago.
    (`store` empties the database afterwards.)"""
    with server_store.connection_kept() if kept else nullcontext():
        ended = _read_backend(server_store)
        _kill(server_store, ended)
        found = server_store.run(
            lambda repo: repo.find([REGISTERED_MODEL], names=["after"]), write=False
        )
        assert found == []
        assert _read_backend(server_store) != ended
        ended = _write_backend(server_store)
        _kill(server_store, ended)
        assert server_store.insert(new_record(REGISTERED_MODEL, "after")).id
        assert _write_backend(server_store) != ended


@pytest.mark.parametrize("kept", [False, True], ids=["pooled", "kept"])
def test_a_read_whose_connection_broke_under_it_is_sent_again_and_a_write_is_not(
    server_store: Store, store: Store, kept: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the break is not seen before use (the farewell still on its way, or a
    network cut without one), a read is sent again on a new connection; a write answers
    503, since it may have committed before the break. (`store` empties the database.)"""
    monkeypatch.setattr(engine_module, "_unread", lambda _connection: False)
    with server_store.connection_kept() if kept else nullcontext():
        _kill(server_store, _read_backend(server_store))
        found = server_store.run(
            lambda repo: repo.find([REGISTERED_MODEL], names=["cut"]), write=False
        )
        assert found == []
        _kill(server_store, _write_backend(server_store))
        with pytest.raises(Unavailable, match="connection lost"):
            server_store.insert(new_record(REGISTERED_MODEL, "cut"))
        found = server_store.run(
            lambda repo: repo.find([REGISTERED_MODEL], names=["cut"]), write=False
        )
    assert found == []  # the server ended the session before the statement reached it


def _backend_id_on(conn: Connection) -> int:
    function = "pg_backend_pid()" if conn.dialect.name == "postgresql" else "CONNECTION_ID()"
    return int(conn.execute(text(f"SELECT {function}")).scalar_one())


def _postgresql_only(store: Store) -> None:
    if store.dialect != "postgresql":
        pytest.skip("PostgreSQL only: a thread keeps its autocommit connection there")


def test_a_kept_connection_serves_every_read_and_one_statement_write_of_its_thread(
    server_store: Store,
) -> None:
    _postgresql_only(server_store)
    pool = server_store.autocommit_engine.pool  # type: ignore[union-attr]
    with server_store.connection_kept():
        seen = set()
        for write in (False, True, False):
            with server_store.transaction(write=write, one_statement=write) as repo:
                seen.add(_backend_id_on(repo.conn))
        created = server_store.insert(new_record(REGISTERED_MODEL, "kept"))
        with server_store.transaction(write=False) as repo:
            seen.add(_backend_id_on(repo.conn))
            assert [r.id for r in repo.find([REGISTERED_MODEL], names=["kept"])] == [created.id]
            kept = repo.conn
        assert len(seen) == 1
        assert not kept.in_transaction()  # what a Core statement began is ended
        assert pool.checkedout() == 1  # type: ignore[attr-defined]
        with server_store.transaction(write=True) as repo:  # a transaction: from the pool
            assert repo.conn is not kept
            assert repo.conn.connection.dbapi_connection.autocommit is False  # type: ignore[union-attr]
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    with server_store.transaction(write=False) as repo:  # outside: pooled again
        assert repo.conn is not kept


def test_another_thread_does_not_use_the_kept_connection(server_store: Store) -> None:
    found: list[int] = []

    def read() -> None:
        with server_store.transaction(write=False) as repo:
            found.append(_backend_id_on(repo.conn))

    with server_store.connection_kept():
        with server_store.transaction(write=False) as repo:
            mine = _backend_id_on(repo.conn)
        thread = threading.Thread(target=read)
        thread.start()
        thread.join()
    assert found and found[0] != mine


def test_a_kept_connection_cut_while_idle_is_replaced_before_use(
    server_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with server_store.connection_kept():
        with server_store.transaction(write=False) as repo:
            first = _backend_id_on(repo.conn)
        _kill(server_store, first)
        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_S", 0.0)
        with server_store.transaction(write=False) as repo:
            second = _backend_id_on(repo.conn)  # did not fail
    assert second != first


def test_statements_on_one_connection_share_a_cursor_and_a_nested_one_gets_its_own(
    server_store: Store,
) -> None:
    with server_store.transaction(write=True) as repo:
        conn = repo.conn
        plans = server_store.plans
        with driver_cursor(conn, plans, "SELECT 1", {}) as first:
            with driver_cursor(conn, plans, "SELECT 2", {}) as nested:
                assert nested is not first
                assert nested.fetchall()[0][0] == 2
            assert first.fetchall()[0][0] == 1  # the nested statement left its rows alone
        assert driver_rows(conn, plans, "SELECT 3", {})[0][0] == 3
        with driver_cursor(conn, plans, "SELECT 4", {}) as again:
            assert again in (first, nested)
            assert again.fetchall()[0][0] == 4


def test_leaving_an_inner_kept_connection_gives_the_outer_one_back(server_store: Store) -> None:

    def backend() -> int:
        with server_store.transaction(write=False) as repo:
            return _backend_id_on(repo.conn)

    with server_store.connection_kept():
        outer = backend()
        with server_store.connection_kept():
            assert backend() != outer
        assert backend() == outer
