"""What storage does differently on each database, decided once per store.

Every difference is a field here with the reason it exists, so the code that reads and
writes asks the store's strategy (`Plans.strategy`) and never compares dialect names.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Dialect


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    """SQLAlchemy's name of the dialect (`sqlite`, `postgresql`, `mysql`, `mariadb`)."""
    one_statement_writes: bool = False
    """Data-modifying CTEs and RETURNING: a create, a registration and a PATCH are one
    statement each, sent in autocommit (statements.py `insert_tree_sql`)."""
    autocommit_reads: bool = True
    """Reads run on an autocommit connection (engine.py `make_autocommit_engine`): under
    READ COMMITTED every statement reads its own snapshot anyway, so BEGIN and COMMIT are
    only round trips. SQLite's are free and give a read one snapshot."""
    locks_reads: bool = True
    """A write transaction locks the rows it reads (FOR UPDATE); SQLite's BEGIN IMMEDIATE
    already serialises writers."""
    reuses_cursors: bool = True
    """One driver cursor serves a connection's statements in turn; SQLite's steps through
    a SELECT lazily and would keep its read open."""
    common_matches: int | None = None
    """A property condition matching at least this many rows is probed row by row in page
    order instead of collected (FilterCompiler): SQLite's planner has no statistics per
    value to choose that itself; the others plan `IN (subquery)` from theirs."""
    drives_pages: bool = True
    """A property equality's value index drives a page in id order; MySQL's string index
    holds a prefix of the value (FilterCompiler.driver)."""
    partial_value_indexes: bool = False
    """Partial value indexes (migration 0009) are used only where the query says the
    column is not NULL."""
    string_prefix_index: bool = False
    """String equality also matches `left(string_value, 255)` for its expression index
    (migration 0003)."""
    owners_as_array: bool = False
    """Properties of many owners are read with one array parameter (psycopg converts and
    caches a query of at most 50 parameters; the server prepares one for every page size)."""
    lateral_children: bool = False
    """A parent's children page probes each child through LATERAL (Repository)."""
    new_ids_by_returning: bool = False
    """An INSERT returns its new id with RETURNING: psycopg has no `lastrowid`."""
    bootstrap_lock: tuple[str, str | None] | None = None
    """SQL that takes a database-wide lock while migrating and seeding (so replicas
    starting together do not race; MLMD's Type.name is not unique), and SQL that
    releases it (None: the transaction's end does); SQLite's BEGIN IMMEDIATE suffices."""
    after_bootstrap: str | None = None
    """SQL run once migrated: SQLite keeps the planner's statistics fresh with it."""
    packet_size_query: str | None = None
    """The largest statement the server accepts: MySQL caps it at max_allowed_packet."""


SQLITE = Strategy(
    "sqlite",
    autocommit_reads=False,
    locks_reads=False,
    reuses_cursors=False,
    common_matches=5000,
    partial_value_indexes=True,
    after_bootstrap="PRAGMA optimize",
)
POSTGRESQL = Strategy(
    "postgresql",
    one_statement_writes=True,
    string_prefix_index=True,
    owners_as_array=True,
    lateral_children=True,
    new_ids_by_returning=True,
    bootstrap_lock=("SELECT pg_advisory_xact_lock(727274)", None),
)


def strategy_of(dialect: Dialect) -> Strategy:
    if dialect.name == "sqlite":
        return SQLITE
    if dialect.name == "postgresql":
        return POSTGRESQL
    return Strategy(  # MySQL and MariaDB
        dialect.name,
        drives_pages=False,
        bootstrap_lock=(
            "SELECT GET_LOCK('modelreg_bootstrap', 60)",
            "SELECT RELEASE_LOCK('modelreg_bootstrap')",
        ),
        packet_size_query="SELECT @@max_allowed_packet",
    )
