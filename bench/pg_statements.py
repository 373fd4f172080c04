"""What a statement costs on PostgreSQL, with psycopg alone (no modelreg, no SQLAlchemy).

Why writes on PostgreSQL are slower than on SQLite: is it the commit's fsync, the waiting
for each answer, or the statements themselves? And what one statement of data-modifying
CTEs saves against six. Tables live in a scratch schema of their own, dropped at the end.

    python bench/pg_statements.py --url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from collections.abc import Callable

import psycopg

TABLES = (
    "CREATE TABLE entity (id serial PRIMARY KEY, name text UNIQUE NOT NULL)",
    "CREATE TABLE property (owner int, name text, value text, PRIMARY KEY (owner, name))",
    "CREATE TABLE link (child int PRIMARY KEY, parent int NOT NULL)",
)


def per_call_ms(work: Callable[[], object], calls: int, blocks: int) -> tuple[float, float]:
    """Best and median milliseconds per call over `blocks` blocks of `calls`."""
    times = []
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(calls):
            work()
        times.append((time.perf_counter() - start) / calls * 1000)
    return min(times), statistics.median(times)


def version_shaped(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """The statements of a modelreg version create: check the parent, insert the entity,
    its 3 properties (one executemany), the link to the parent, commit."""
    cur = conn.cursor()
    cur.execute("SELECT id FROM entity WHERE id = %s", (1,))
    cur.fetchone()
    cur.execute("INSERT INTO entity (name) VALUES (%s) RETURNING id", (uuid.uuid4().hex,))
    row = cur.fetchone()
    assert row is not None
    owner = row[0]
    properties = [(owner, "framework", "onnx"), (owner, "accuracy", "0.93"), (owner, "run", "r")]
    cur.executemany("INSERT INTO property VALUES (%s, %s, %s)", properties)
    cur.execute("INSERT INTO link VALUES (%s, %s)", (owner, 1))
    conn.commit()


ONE_STATEMENT = """
WITH parent AS (SELECT id FROM entity WHERE id = %(parent)s),
  created AS (INSERT INTO entity (name) SELECT %(name)s FROM parent RETURNING id),
  properties AS (
    INSERT INTO property SELECT created.id, p.name, p.value
    FROM created, unnest(%(names)s::text[], %(values)s::text[]) AS p (name, value)),
  linked AS (INSERT INTO link SELECT created.id, parent.id FROM created, parent)
SELECT id FROM created
"""


def version_in_one_statement(conn: psycopg.Connection[tuple[object, ...]]) -> None:
    """The same writes as `version_shaped` as one statement of data-modifying CTEs (what
    modelreg sends since 2026-11-27, storage/statements.py), committed on its own."""
    values = {
        "parent": 1,
        "name": uuid.uuid4().hex,
        "names": ["framework", "accuracy", "run"],
        "values": ["onnx", "0.93", "r"],
    }
    row = conn.execute(ONE_STATEMENT, values).fetchone()
    assert row is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a PostgreSQL database to work in")
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--blocks", type=int, default=5)
    args = parser.parse_args()

    schema = f"bench_statements_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.url) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path TO {schema}")
        try:
            for ddl in TABLES:
                conn.execute(ddl)
            conn.execute("INSERT INTO entity (name) VALUES ('parent')")
            conn.commit()

            def measure(label: str, work: Callable[[], object]) -> None:
                best, median = per_call_ms(work, args.calls, args.blocks)
                print(f"{label:<58} best {best:.3f} ms, median {median:.3f} ms")

            def select_one() -> None:
                conn.execute("SELECT 1").fetchall()
                conn.commit()

            def insert_commit() -> None:
                conn.execute("INSERT INTO entity (name) VALUES (%s)", (uuid.uuid4().hex,))
                conn.commit()

            def pipelined() -> None:
                with conn.pipeline():
                    version_shaped(conn)

            measure("SELECT 1 (with BEGIN and COMMIT)", select_one)
            measure("one-row INSERT, COMMIT", insert_commit)
            measure("version-shaped transaction (6 statements)", lambda: version_shaped(conn))
            measure("the same, in pipeline mode", pipelined)
            conn.autocommit = True
            measure("the same as one statement, autocommit", lambda: version_in_one_statement(conn))
            conn.autocommit = False
            conn.execute("SET synchronous_commit TO off")
            conn.commit()
            measure("one-row INSERT, COMMIT; synchronous_commit off", insert_commit)
            measure(
                "version-shaped transaction; synchronous_commit off",
                lambda: version_shaped(conn),
            )
            conn.autocommit = True
            measure(
                "one statement, autocommit; synchronous_commit off",
                lambda: version_in_one_statement(conn),
            )
        finally:
            conn.rollback()
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
            conn.commit()


if __name__ == "__main__":
    main()
