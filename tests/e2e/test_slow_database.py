"""A slow database holds up only the requests that wait on it, never the worker's others.

16 PATCHes wait about two seconds on row locks a test connection holds (PostgreSQL and
MySQL/MariaDB, one worker). Meanwhile the health probe answers within 100 ms with the
default request threads (fewer than 16: probes have threads of their own), and so does a
read of another entity when the worker has more request threads than requests wait; then
the PATCHes all complete. When requests
ran on the event loop (`MODELREG_REQUEST_THREADS=0`), the first PATCH stalled the worker:
the probe answered after the locks went, two seconds late.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import create_engine, select

from modelreg.storage import tables as t
from modelreg.storage.engine import normalize_url
from modelreg.storage.store import Store

from .conftest import running_server

pytestmark = pytest.mark.e2e
V1 = "/api/model_registry/v1"
SLOW = 16
HELD_S = 2.0
QUICK_S = 0.1


@pytest.fixture(params=[None, 24], ids=["default-threads", "24-threads"])
def server(request: pytest.FixtureRequest, store: Store, database_url: str) -> Iterator[str]:
    if store.dialect == "sqlite":
        # SQLite runs requests on the event loop: local statements, and writers take turns
        pytest.skip("a server database's row locks")
    threads = [] if request.param is None else ["--request-threads", str(request.param)]
    with running_server(database_url, "--no-migrate", *threads) as (base, _):
        yield base


def test_probes_and_reads_answer_while_requests_wait_on_locks(
    server: str, database_url: str, request: pytest.FixtureRequest
) -> None:
    threads = request.node.callspec.params["server"]
    # one client for all (thread-safe, a connection per request in flight): each new one
    # would build an SSL context, CPU enough to slow the probes measured here
    with httpx.Client(base_url=server, timeout=30) as client:
        ids = [
            client.post(f"{V1}/registered_models", json={"name": f"slow-{n}"}).json()["id"]
            for n in range(SLOW + 1)
        ]
        other = f"{V1}/registered_models/{ids.pop()}"
        client.get(other).raise_for_status()  # warm
        locker = create_engine(normalize_url(database_url))
        try:
            with locker.connect() as conn, conn.begin():
                rows = select(t.context.c.id).where(t.context.c.id.in_([int(i) for i in ids]))
                assert len(conn.execute(rows.with_for_update()).all()) == SLOW
                with ThreadPoolExecutor(SLOW) as pool:
                    patches = [pool.submit(_patch, client, i) for i in ids]
                    time.sleep(0.5)  # the PATCHes reach the locks
                    waits = [_timed(client, "/readyz/health") for _ in range(3)]
                    if threads is not None and threads > SLOW:
                        waits.append(_timed(client, other))
                    assert not any(patch.done() for patch in patches)
                    time.sleep(max(HELD_S - 0.5 - sum(waits), 0))
                    conn.commit()  # the locks go
                    answers = [patch.result() for patch in patches]
        finally:
            locker.dispose()
    assert max(waits) < QUICK_S, waits
    assert [(a.status_code, a.json()["description"]) for a in answers] == [
        (200, f"patched {i}") for i in ids
    ]


def _patch(client: httpx.Client, entity_id: str) -> httpx.Response:
    body = {"description": f"patched {entity_id}"}
    return client.patch(f"{V1}/registered_models/{entity_id}", json=body)


def _timed(client: httpx.Client, path: str) -> float:
    start = time.perf_counter()
    client.get(path, timeout=HELD_S * 2).raise_for_status()
    return time.perf_counter() - start
