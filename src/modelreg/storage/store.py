"""The storage entry point: transactions, driver-error translation, start-up bootstrap."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TypeVar

from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from modelreg.domain.kinds import Kind, missing
from modelreg.domain.records import NewChild, Record
from modelreg.errors import Conflict, InvalidArgument, ModelRegError, Unavailable

from .engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    WRITE_OPTION,
    make_autocommit_engine,
    make_engine,
    sqlite_file,
)
from .entity_cache import EntityCache
from .kept import KeptConnections
from .migrations import HEAD
from .plans import Plans
from .repository import Repository, at_once
from .sqlite_writers import SUPPORTED as writer_queues_supported
from .sqlite_writers import WriterQueue
from .types import TypeRegistry, seed_types

T = TypeVar("T")
RETRYABLE_ATTEMPTS = 4
DEFAULT_CACHED_ENTITIES = 1000
VERSION_TABLE = "alembic_version"
# Deadlock / serialization failure / lock wait codes of MySQL (1213, 1205) and
# PostgreSQL (40001, 40P01), and SQLite's busy error text.
_RETRYABLE_MARKERS = ("1213", "1205", "40001", "40p01", "deadlock", "database is locked")


class Store:
    """Owns the engine and the type cache; hands out repositories inside transactions."""

    def __init__(
        self,
        engine: Engine,
        *,
        autocommit_engine: Engine | None = None,
        cached_entities: int = DEFAULT_CACHED_ENTITIES,
    ) -> None:
        """`autocommit_engine` (`make_autocommit_engine`) serves the reads (PostgreSQL,
        MySQL) and the one-statement writes (PostgreSQL); without it they switch
        `engine`'s connections."""
        self.engine = engine
        self.autocommit_engine = autocommit_engine
        self.plans = Plans(engine.dialect)  # compiled statements and who hears them
        for source in self.engines:
            self.plans.listen_to(source)
        strategy = self.plans.strategy
        autocommit = autocommit_engine or engine.execution_options(isolation_level="AUTOCOMMIT")
        writes = {WRITE_OPTION: True}
        # The connection sources of `transaction`, by (write, single statement); the
        # options are set once here rather than on every request's connection.
        self._sources = {
            (False, False): engine,
            (True, False): engine.execution_options(**writes),
            (False, True): autocommit if strategy.autocommit_reads else engine,
            (True, True): (
                autocommit if strategy.one_statement_writes else engine
            ).execution_options(**writes),
        }
        # the keys of `_sources` whose connections are in autocommit
        self._autocommits = {
            key
            for key, wanted in (
                ((False, True), strategy.autocommit_reads),
                ((True, True), strategy.one_statement_writes),
            )
            if wanted
        }
        self._kept: KeptConnections | None = None  # while `connection_kept`
        self.types = TypeRegistry()
        self.cache = EntityCache(cached_entities) if cached_entities > 0 else None
        path = sqlite_file(engine.url.render_as_string(hide_password=False))
        self._writers = (
            WriterQueue(path, SQLITE_BUSY_TIMEOUT_MS / 1000)
            if path and writer_queues_supported
            else None
        )
        # Largest request body whose statements the database accepts; MySQL caps a
        # statement at max_allowed_packet and escaping can double the text.
        self.max_request_bytes = 2**62

    @classmethod
    def from_url(
        cls, url: str, *, pool_size: int = 10, cached_entities: int = DEFAULT_CACHED_ENTITIES
    ) -> Store:
        return cls(
            make_engine(url, pool_size=pool_size),
            autocommit_engine=make_autocommit_engine(url, pool_size=pool_size),
            cached_entities=cached_entities,
        )

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine statements go through (to listen to their events)."""
        return (self.engine,) + ((self.autocommit_engine,) if self.autocommit_engine else ())

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def bootstrap(self, *, migrate: bool = True) -> None:
        """Migrate (optionally), then create the registry types and load their ids."""
        writes = self._sources[True, False]
        with self._translated(), _schema_missing_is_unavailable(), writes.connect() as conn:
            strategy = self.plans.strategy
            with conn.begin(), _bootstrap_lock(conn, strategy.bootstrap_lock):
                if migrate:
                    from .migrate import upgrade_on  # local: alembic is only needed here

                    upgrade_on(conn)
                seed_types(conn)
                if strategy.after_bootstrap:
                    conn.exec_driver_sql(strategy.after_bootstrap)
            with conn.begin():
                self.types.load(conn)
                if strategy.packet_size_query:
                    packet = int(conn.execute(text(strategy.packet_size_query)).scalar_one())
                    self.max_request_bytes = max(packet // 2 - 64 * 1024, 64 * 1024)

    def run(
        self, work: Callable[[Repository], T], *, write: bool, one_statement: bool = False
    ) -> T:
        """Run `work` in one transaction; retry writes that lost a deadlock or lock race,
        and reads whose connection broke under them (once, on a new connection). A write
        whose connection broke is not sent again: it may have committed before the break.
        `one_statement`: see `transaction`."""
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.transaction(write=write, one_statement=one_statement) as repo:
                    return work(repo)
            except Conflict:
                if not write or attempt >= RETRYABLE_ATTEMPTS:
                    raise
                _back_off(attempt)
            except ConnectionLost:
                if write or attempt > 1:
                    raise

    def insert(
        self,
        record: Record,
        *,
        under: int | None = None,
        parent_kinds: Sequence[Kind] = (),
        children: Sequence[NewChild] = (),
    ) -> Record:
        """A write that is one `Repository.insert` and nothing else. On PostgreSQL that is
        a single statement (`at_once`), atomic by itself, so it goes without BEGIN and
        COMMIT: one round trip for the whole request."""
        return self.run(
            lambda repo: repo.insert(
                record, under=under, parent_kinds=parent_kinds, children=children
            ),
            write=True,
            one_statement=at_once(children),
        )

    def insert_under(
        self,
        record: Record,
        *,
        under: int,
        parent_kinds: Sequence[Kind],
        children: Sequence[NewChild] = (),
    ) -> Record:
        """`Repository.insert_under` and nothing else: one round trip on PostgreSQL when
        `at_once`."""
        return self.run(
            lambda repo: repo.insert_under(
                record, under=under, parent_kinds=parent_kinds, children=children
            ),
            write=True,
            one_statement=at_once(children),
        )

    def update(
        self, kinds: Sequence[Kind], entity_id: int, change: Callable[[Record], None]
    ) -> Record:
        """Read an entity, `change` it and write it whole, losing no concurrent change.

        On PostgreSQL the read and the write are one statement each, without BEGIN and
        COMMIT: the write applies only if the entity's update time is still the one read
        (every change moves it forward). When another change came between, it is done
        the other way: the read locks the row inside the write's transaction (four round
        trips more), which also works everywhere else.
        """
        if self.plans.strategy.one_statement_writes:
            record = self.run(lambda repo: repo.get(kinds, entity_id), write=False)
            if record is None:
                raise missing(kinds, entity_id)
            stamp = record.update_time
            change(record)
            saved = self.run(
                lambda repo: repo.update_unchanged(record, stamp), write=True, one_statement=True
            )
            if saved:
                return record

        def locked(repo: Repository) -> Record:
            found = repo.get(kinds, entity_id)
            if found is None:
                raise missing(kinds, entity_id)
            change(found)
            return repo.update(found)

        return self.run(locked, write=True)

    @contextmanager
    def transaction(self, *, write: bool, one_statement: bool = False) -> Iterator[Repository]:
        """`one_statement`: the work sends at most one statement on PostgreSQL, so there
        it runs in autocommit, without BEGIN and COMMIT."""
        # PostgreSQL and MySQL: under READ COMMITTED every statement takes its own
        # snapshot, so a read transaction adds nothing but BEGIN and COMMIT: round trips.
        key = (write, one_statement or not write)
        cache = None if write else self.cache
        if key in self._autocommits:
            kept = self._kept
            connection = kept.get().use() if kept is not None else self._pooled(key)
            with self._translated(), connection as conn:
                yield Repository(conn, self.types, cache, self.plans)
            return
        with self._translated(), self._sources[key].connect() as conn:
            # SQLite: writers queue for their turn rather than sleep in the busy handler
            turn = self._writers.turn() if write and self._writers else nullcontext()
            with turn, conn.begin():
                yield Repository(conn, self.types, cache, self.plans)

    @contextmanager
    def _pooled(self, key: tuple[bool, bool]) -> Iterator[Connection]:
        """An autocommit connection from the pool, which leaves it when it was lost: no
        transaction's failing rollback is there to tell SQLAlchemy so (prepared.py)."""
        with self._sources[key].connect() as conn:
            try:
                yield conn
            except DBAPIError as exc:
                if exc.connection_invalidated and not conn.invalidated:
                    conn.invalidate()
                raise

    @contextmanager
    def connection_kept(self) -> Iterator[None]:
        """While inside, each thread that runs reads and one-statement writes keeps one
        autocommit connection for them instead of taking one from the pool each time
        (kept.py); for threads that run one request at a time. A no-op on SQLite."""
        if self.autocommit_engine is None:
            yield
            return
        outer = self._kept  # an app started inside another's
        kept = self._kept = KeptConnections(self.autocommit_engine)
        try:
            yield
        finally:
            self._kept = outer
            kept.close()

    def ping(self) -> None:
        with self._translated(), self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def schema_problem(self) -> str | None:
        """None when the database answers and is migrated to the newest revision."""
        with self._translated(), self.engine.connect() as conn:
            found = None
            if inspect(conn).has_table(VERSION_TABLE):
                found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        if found != HEAD:
            return f"database schema is at revision {found}, expected {HEAD}"
        return None

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()
        if self._writers:
            self._writers.close()

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except ModelRegError:
            raise
        except PoolTimeout:
            raise Unavailable(
                "every database connection is busy; retry shortly (or raise MODELREG_POOL_SIZE)"
            ) from None
        except DBAPIError as exc:
            known = _registry_error(exc)
            if known is None:
                raise
            raise known from None


def _back_off(attempt: int) -> None:
    """Pause before a write is sent again, but never on an event loop's thread (requests
    run there on SQLite): a sleep would stall every connection of the worker. SQLite's
    writers have already waited their turn (sqlite_writers.py, then the busy timeout) when
    a write fails as locked, so there the retry goes at once and waits in that queue."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a thread of its own: nothing else waits on it
        time.sleep(0.01 * 2**attempt)


class ConnectionLost(Unavailable):
    """The connection broke under the work: a read can be sent again on a new one."""


def _registry_error(exc: DBAPIError) -> ModelRegError | None:
    """What a driver error means to the caller; None for a bug of ours."""
    detail = _first_line(exc)
    if exc.connection_invalidated:
        return ConnectionLost(f"database connection lost: {detail}")
    if isinstance(exc, DataError):
        return InvalidArgument(f"value rejected by the database: {detail}")
    if isinstance(exc, OperationalError):
        if any(marker in detail.lower() for marker in _RETRYABLE_MARKERS):
            return Conflict(f"concurrent write conflict, retry: {detail}")
        return Unavailable(f"database unavailable: {detail}")
    return None


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


@contextmanager
def _schema_missing_is_unavailable() -> Iterator[None]:
    """Without migrations an empty database has no tables: say so instead of failing."""
    try:
        yield
    except (ProgrammingError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "no such table" not in str(exc.orig):
            raise  # a connection problem: the caller translates it
        raise Unavailable(
            f"the database schema is missing or outdated ({_first_line(exc)}); "
            "run `modelreg db upgrade` or start the server with migrations"
        ) from None


@contextmanager
def _bootstrap_lock(conn: Connection, lock: tuple[str, str | None] | None) -> Iterator[None]:
    """Hold a database-wide lock while migrating and seeding (Strategy.bootstrap_lock)."""
    if lock is None:
        yield
        return
    take, release = lock
    conn.execute(text(take))
    try:
        yield
    finally:
        if release is not None:
            conn.execute(text(release))
