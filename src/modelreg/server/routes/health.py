"""Readiness and liveness probes, on the paths upstream's manifests use.

A probe's database check runs in a thread under a limiter of its own (`PROBE_THREADS`,
app.state.probe_limiter): not on the event loop, where it would wait for the request
running there, nor behind the request threads, which may all be waiting on a slow
statement. It takes its connection from the pool of transactions, which request threads
use only for multi-statement writes.
"""

from __future__ import annotations

from typing import Any

from anyio import CapacityLimiter, to_thread
from fastapi import APIRouter, Request
from starlette.responses import PlainTextResponse, Response

from modelreg.errors import ModelRegError

from ..responses import JsonResponse

router = APIRouter(tags=["Health"])
PROBE_THREADS = 2  # a second probe need not wait for one stuck on an unreachable database


def probe_limiter() -> CapacityLimiter:
    return CapacityLimiter(PROBE_THREADS)


def _report(request: Request, checks: dict[str, str | None]) -> Response:
    failed = next((msg for msg in checks.values() if msg), None)
    status = 503 if failed else 200
    if request.query_params.get("format") == "json":
        body: dict[str, Any] = {
            "status": "fail" if failed else "pass",
            "checks": {
                name: {"Name": name, "Status": "fail" if msg else "pass", "Message": msg or ""}
                for name, msg in checks.items()
            },
        }
        return JsonResponse(body, status_code=status)
    return PlainTextResponse(failed or "OK", status_code=status)


async def _database_check(request: Request) -> str | None:
    state = request.app.state
    store = getattr(state, "store", None)
    if store is None:
        return "database not configured"
    return await to_thread.run_sync(_schema_problem, store, limiter=state.probe_limiter)


def _schema_problem(store: Any) -> str | None:
    try:
        return store.schema_problem()  # type: ignore[no-any-return]
    except ModelRegError as exc:
        return exc.message


@router.get("/readyz/isDirty", include_in_schema=True)
async def is_dirty(request: Request) -> Response:
    """Liveness: the database answers and its schema is fully migrated."""
    return _report(request, {"database": await _database_check(request)})


@router.get("/readyz/health")
async def health(request: Request) -> Response:
    """Readiness: the registry is initialised and its database answers."""
    ready = bool(getattr(request.app.state, "ready", False))
    not_ready = getattr(request.app.state, "start_error", None) or "not initialised yet"
    checks = {
        "model-registry": None if ready else f"model registry service: {not_ready}",
        "database": await _database_check(request),
    }
    return _report(request, checks)
