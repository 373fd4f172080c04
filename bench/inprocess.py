"""Time one request through modelreg's ASGI app in-process: no sockets, server or client.

What this leaves out (uvicorn, the socket, the load generator) is what makes HTTP figures
noisy, so a change to the app or the storage layer shows here at a tenth of a millisecond.

    python bench/inprocess.py --url sqlite:///.cache/bench/inproc.db --seed 1000 \
        "/api/model_registry/v1/registered_models/1/versions?pageSize=100"

`--seed N` creates the schema and writes N versions the way bench/compare.py does (run it
once per database); `--profile` prints a cProfile of one more block. `--post BODY` sends
a POST instead, with `{n}` in the body replaced by a number new to each request:

    python bench/inprocess.py --url sqlite:///.cache/bench/inproc.db \
        --post '{"registeredModelId": "1", "modelVersion": {"name": "v{n}"},
                 "modelArtifact": {"name": "model", "uri": "s3://b/{n}"}}' \
        /api/model_registry/v1/registrations
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import itertools
import pstats
import statistics
import time
import uuid
from typing import Any

import modelreg_side
from databases import analyze

from modelreg.config import Settings
from modelreg.server.app import create_app


class InProcessClient:
    """Drives the app through the ASGI interface, one request at a time."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def send(self, method: str, target: str, body: bytes = b"") -> tuple[int, bytes]:
        path, _, query = target.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8080),
        }
        requested = False
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            nonlocal requested
            if requested:  # the app asks again only to watch for a disconnect
                await asyncio.Event().wait()
            requested = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        return messages[0]["status"], b"".join(m.get("body", b"") for m in messages[1:])


async def measure(
    url: str, target: str, post: str | None, requests: int, blocks: int, sort: str | None
) -> None:
    app = create_app(Settings(database_url=url))
    client = InProcessClient(app)
    # {n} must be new to every request of this run and of runs before it on the database
    numbers = (f"{uuid.uuid4().hex[:8]}-{i}" for i in itertools.count())

    async def request() -> tuple[int, bytes]:
        if post is None:
            return await client.send("GET", target)
        return await client.send("POST", target, post.replace("{n}", next(numbers)).encode())

    async with app.router.lifespan_context(app):
        status, answer = await request()
        print(f"{status}, {len(answer):,} bytes")
        if status not in (200, 201):
            raise SystemExit(answer.decode(errors="replace"))
        per_request, cpu_per_request = [], []
        for _ in range(blocks):
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(requests):
                await request()
            per_request.append((time.perf_counter() - start) / requests * 1000)
            cpu_per_request.append((time.process_time() - cpu_start) / requests * 1000)
        print(
            f"ms per request over {blocks} blocks of {requests}: "
            f"best {min(per_request):.3f}, median {statistics.median(per_request):.3f}; "
            f"this process's CPU: best {min(cpu_per_request):.3f}, "
            f"median {statistics.median(cpu_per_request):.3f}"
        )
        if sort:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(requests):
                await request()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(sort).print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="path and query string of the request to time")
    parser.add_argument("--post", metavar="BODY", help="POST this JSON body ({n}: a new number)")
    parser.add_argument("--url", required=True, help="the database (SQLAlchemy URL)")
    parser.add_argument("--seed", type=int, help="create the schema and seed this many versions")
    parser.add_argument("--models", type=int, default=10, help="models to spread versions over")
    parser.add_argument("--requests", type=int, default=300, help="requests per block")
    parser.add_argument("--blocks", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print a cProfile too")
    parser.add_argument("--sort", default="cumulative", help="the profile's order (or tottime)")
    args = parser.parse_args()
    if args.seed:
        modelreg_side.prepare_database(args.url)
        modelreg_side.seed(args.url, args.models, args.seed)
        analyze(args.url)
    sort = args.sort if args.profile else None
    asyncio.run(measure(args.url, args.target, args.post, args.requests, args.blocks, sort))


if __name__ == "__main__":
    main()
