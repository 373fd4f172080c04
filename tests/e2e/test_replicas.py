"""Scale-out: several stateless `modelreg serve` processes on one database are one registry.

Three replicas start at the same moment on a database nobody has migrated yet (each one
migrates at start-up, under the bootstrap lock). Then every scenario reads and writes
through all of them: what one replica writes the others read at once, lists and page
tokens agree across replicas, and concurrent writes through every replica neither fail,
get lost, nor duplicate a name.
"""

from __future__ import annotations

import subprocess
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from modelreg.storage import tables as t
from modelreg.storage.engine import normalize_url
from modelreg.storage.migrate import current, head

from .conftest import running_server, scratch_database

pytestmark = pytest.mark.e2e
V1 = "/api/model_registry/v1"
REPLICAS = 3
T = TypeVar("T")
Server = AbstractContextManager[tuple[str, subprocess.Popen[bytes]]]


@dataclass
class Replica:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    # shared by the test's threads: httpx's connection pool is thread-safe and opens a
    # connection per concurrent request
    client: httpx.Client
    log: list[str] = field(default_factory=list)

    def drain(self) -> None:
        """Read the server's output as it comes, so a chatty server never blocks on a full
        pipe and the tests can see what it logged."""

        def read() -> None:
            stream = self.process.stdout
            assert stream is not None
            try:
                for line in iter(stream.readline, b""):
                    self.log.append(line.decode(errors="replace").rstrip())
            except (ValueError, OSError):  # closed when the fixture stops the server
                pass

        threading.Thread(target=read, daemon=True).start()


@pytest.fixture(scope="module")
def shared_database(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty, unmigrated database next to the session's one (same backend and server),
    so the replicas' start-up really races to migrate it: other tests may already have
    migrated the session's own database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path: Path = tmp_path_factory.mktemp("replicas") / "registry.db"
        yield f"sqlite:///{path}"
        return
    with scratch_database(database_url, "replicas") as scratch:
        yield scratch


def _concurrently(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call on its own thread, released at the same moment; results in order
    (the first exception, if any, is raised after all calls ended)."""
    together = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        together.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
    return [future.result() for future in futures]


@pytest.fixture(scope="module")
def replicas(shared_database: str) -> Iterator[list[Replica]]:
    """Three servers on one database, all started at the same moment, all migrating."""
    servers: list[Server] = [running_server(shared_database) for _ in range(REPLICAS)]
    started: list[tuple[str, subprocess.Popen[bytes]] | None] = [None] * REPLICAS

    def start(i: int) -> Callable[[], None]:
        def enter() -> None:
            started[i] = servers[i].__enter__()

        return enter

    def stop_all() -> None:
        # in parallel: each server drains and exits on its own
        running = [s for s, up in zip(servers, started, strict=True) if up is not None]
        with ThreadPoolExecutor(REPLICAS) as pool:
            for server in running:
                pool.submit(server.__exit__, None, None, None)

    with ExitStack() as stack:
        stack.callback(stop_all)
        _concurrently([start(i) for i in range(REPLICAS)])
        result = []
        for letter, up in zip("ABC", started, strict=True):
            assert up is not None
            base, process = up
            client = stack.enter_context(httpx.Client(base_url=base + V1, timeout=30))
            replica = Replica(letter, base, process, client)
            replica.drain()
            result.append(replica)
        yield result


@pytest.fixture(autouse=True)
def _nothing_logged(replicas: list[Replica]) -> Iterator[None]:
    """At log level warning a healthy replica says nothing: no 'registry not ready' retry
    at start-up, no traceback of a 500."""
    marks = [len(r.log) for r in replicas]
    yield
    logged = {r.name: r.log[mark:] for r, mark in zip(replicas, marks, strict=True)}
    assert {name: lines for name, lines in logged.items() if lines} == {}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, (response.request.url, response.text)
    return response.json()


def new_model(replica: Replica, prefix: str) -> dict[str, Any]:
    return ok(replica.client.post("/registered_models", json={"name": unique(prefix)}), 201)


def all_pages(client: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = ""
    for _ in range(1000):
        page = ok(client.get(path, params={**params, "nextPageToken": token}))
        items += page["items"]
        token = page["nextPageToken"]
        if not token:
            return items
    raise AssertionError("paging never ended")


def _label(value: str) -> dict[str, Any]:
    return {"via": {"metadataType": "MetadataStringValue", "string_value": value}}


# --- start-up --------------------------------------------------------------------------------


def test_replicas_started_together_migrated_the_database_once(
    replicas: list[Replica], shared_database: str
) -> None:
    for replica in replicas:
        assert httpx.get(f"{replica.base}/readyz/health").status_code == 200
        assert replica.process.poll() is None
    engine = create_engine(normalize_url(shared_database))
    try:
        assert current(engine) == head()
        with engine.connect() as conn:
            # MLMD's Type.name is not unique: racing start-ups would seed a type twice
            counts = conn.execute(
                select(t.type_.c.name, func.count()).group_by(t.type_.c.name)
            ).all()
    finally:
        engine.dispose()
    assert len(counts) >= 5
    assert {name: n for name, n in counts if n != 1} == {}


# --- one registry, read through every replica --------------------------------------------------


def test_what_one_replica_writes_every_replica_reads(replicas: list[Replica]) -> None:
    a, b, c = replicas
    created = new_model(a, "shared")
    model_id, name = created["id"], created["name"]

    seen = [ok(r.client.get(f"/registered_models/{model_id}")) for r in replicas]
    assert seen == [seen[0]] * REPLICAS
    assert (seen[0]["name"], seen[0]["createTimeSinceEpoch"]) == (
        name,
        created["createTimeSinceEpoch"],
    )
    for replica in replicas:
        assert ok(replica.client.get("/registered_model", params={"name": name}))["id"] == model_id
        listed = ok(replica.client.get("/registered_models", params={"pageSize": 1000}))
        assert model_id in [m["id"] for m in listed["items"]]

    body = {"description": "patched through B", "customProperties": _label("B")}
    patched = ok(b.client.patch(f"/registered_models/{model_id}", json=body))
    assert patched["description"] == "patched through B"
    for replica in (a, c):
        assert ok(replica.client.get(f"/registered_models/{model_id}")) == patched

    # a version made through C, an artifact on it through A, both listed through B
    version = ok(
        c.client.post("/model_versions", json={"name": "v1", "registeredModelId": model_id}),
        201,
    )
    artifact = ok(
        a.client.post(
            f"/model_versions/{version['id']}/artifacts",
            json={"artifactType": "model-artifact", "name": "weights", "uri": "s3://b/w"},
        ),
        201,
    )
    artifacts = ok(b.client.get(f"/model_versions/{version['id']}/artifacts"))
    assert [(x["id"], x["uri"]) for x in artifacts["items"]] == [(artifact["id"], "s3://b/w")]
    versions = ok(b.client.get(f"/registered_models/{model_id}/versions"))
    assert [v["id"] for v in versions["items"]] == [version["id"]]


def test_lists_and_page_tokens_agree_across_replicas(replicas: list[Replica]) -> None:
    model = new_model(replicas[0], "paged")
    path = f"/registered_models/{model['id']}/versions"
    made = [
        ok(
            replicas[i % REPLICAS].client.post(
                "/model_versions", json={"name": f"v{i:02}", "registeredModelId": model["id"]}
            ),
            201,
        )
        for i in range(8)
    ]
    for order, expected in [
        ({}, made),
        ({"orderBy": "NAME", "sortOrder": "DESC"}, made[::-1]),
    ]:
        # each replica alone walks the same pages, tokens included
        walks = []
        for replica in replicas:
            pages, token = [], ""
            while True:
                params = {**order, "pageSize": 3, "nextPageToken": token}
                pages.append(ok(replica.client.get(path, params=params)))
                token = pages[-1]["nextPageToken"]
                if not token:
                    break
            walks.append(pages)
        assert walks == [walks[0]] * REPLICAS
        pages = walks[0]
        assert [p["size"] for p in pages] == [3, 3, 2]
        assert [v["id"] for p in pages for v in p["items"]] == [v["id"] for v in expected]

        # a token issued by one replica continues the list on the next one
        for first in range(REPLICAS):
            token = ""
            for hop, page in enumerate(pages):
                replica = replicas[(first + hop) % REPLICAS]
                params = {**order, "pageSize": 3, "nextPageToken": token}
                assert ok(replica.client.get(path, params=params)) == page
                token = page["nextPageToken"]

    everything = [
        [m["id"] for m in all_pages(r.client, "/registered_models", pageSize=4)] for r in replicas
    ]
    assert everything == [everything[0]] * REPLICAS
    assert model["id"] in everything[0]
    assert len(set(everything[0])) == len(everything[0])


# --- concurrent writes through every replica ---------------------------------------------------


def test_concurrent_versions_through_every_replica_are_all_kept(
    replicas: list[Replica],
) -> None:
    """3 replicas x 3 threads x 10 versions of one model, all at once; each version gets
    an artifact through the next replica, which must already see it."""
    threads_per_replica, per_thread = 3, 10
    model = new_model(replicas[0], "busy")

    def writer(index: int, worker: int) -> Callable[[], list[tuple[int, str, int]]]:
        writes, then = replicas[index], replicas[(index + 1) % REPLICAS]

        def work() -> list[tuple[int, str, int]]:
            made = []
            for i in range(per_thread):
                name = f"{writes.name}{worker}-{i:02}"
                body = {"name": name, "registeredModelId": model["id"]}
                version = ok(writes.client.post("/model_versions", json=body), 201)
                assert version["name"] == name
                artifact = ok(
                    then.client.post(
                        f"/model_versions/{version['id']}/artifacts",
                        json={
                            "artifactType": "model-artifact",
                            "name": "weights",
                            "uri": f"s3://bucket/{name}",
                        },
                    ),
                    201,
                )
                made.append((int(version["id"]), name, int(artifact["id"])))
            return made

        return work

    batches = _concurrently(
        [writer(r, k) for r in range(REPLICAS) for k in range(threads_per_replica)]
    )
    made = [one for batch in batches for one in batch]
    total = REPLICAS * threads_per_replica * per_thread
    assert len({version_id for version_id, _, _ in made}) == total
    assert len({artifact_id for _, _, artifact_id in made}) == total
    expected = sorted((version_id, name) for version_id, name, _ in made)
    for replica in replicas:
        listed = all_pages(
            replica.client, f"/registered_models/{model['id']}/versions", pageSize=40
        )
        assert [(int(v["id"]), v["name"]) for v in listed] == expected
        assert {v["registeredModelId"] for v in listed} == {model["id"]}
    # every version holds exactly its own artifact (read through a third replica)
    for k, (version_id, name, artifact_id) in enumerate(made):
        reader = replicas[(k + 2) % REPLICAS]
        artifacts = ok(reader.client.get(f"/model_versions/{version_id}/artifacts"))["items"]
        assert [(int(x["id"]), x["uri"]) for x in artifacts] == [
            (artifact_id, f"s3://bucket/{name}")
        ]


@pytest.mark.parametrize("kind", ["registered model", "model version"])
def test_racing_creates_of_one_name_make_exactly_one(replicas: list[Replica], kind: str) -> None:
    """Two requests per replica create the same name at the same moment, several times:
    one 201, the rest 409 AlreadyExists (never a 500, never a second entity)."""
    rounds, per_replica = 6, 2
    parent = new_model(replicas[0], "parent")
    path = "/registered_models" if kind == "registered model" else "/model_versions"
    listing = (
        "/registered_models"
        if kind == "registered model"
        else f"/registered_models/{parent['id']}/versions"
    )

    def create(replica: Replica, name: str) -> Callable[[], httpx.Response]:
        body = (
            {"name": name}
            if kind == "registered model"
            else {"name": name, "registeredModelId": parent["id"]}
        )
        return lambda: replica.client.post(path, json=body)

    names = [unique("race") for _ in range(rounds)]
    for name in names:
        responses = _concurrently([create(r, name) for r in replicas for _ in range(per_replica)])
        outcome = Counter(x.status_code for x in responses)
        assert outcome == {201: 1, 409: REPLICAS * per_replica - 1}, [
            (x.status_code, x.text) for x in responses
        ]
        for response in responses:
            if response.status_code == 409:
                body = response.json()
                assert set(body) == {"code", "message"}
                assert name in body["message"], body
                assert response.headers["modelreg-error"] == "AlreadyExists", body

    for replica in replicas:
        counts = Counter(x["name"] for x in all_pages(replica.client, listing, pageSize=1000))
        assert {name: counts[name] for name in names} == dict.fromkeys(names, 1)


def test_concurrent_patches_of_one_model_settle_on_one_written_value(
    replicas: list[Replica],
) -> None:
    """3 replicas x 3 threads x 5 PATCHes of the same model: all 200, each answering what
    it wrote; the final state is one whole write, the same through every replica."""
    threads_per_replica, per_thread = 3, 5
    model = new_model(replicas[0], "hot")
    path = f"/registered_models/{model['id']}"

    def patcher(replica: Replica, worker: int) -> Callable[[], list[str]]:
        def work() -> list[str]:
            written = []
            for i in range(per_thread):
                value = f"{replica.name}{worker}-{i}"
                body = {"description": value, "customProperties": _label(value)}
                patched = ok(replica.client.patch(path, json=body))
                assert (patched["description"], patched["customProperties"]) == (
                    value,
                    _label(value),
                )
                written.append(value)
            return written

        return work

    batches = _concurrently([patcher(r, k) for r in replicas for k in range(threads_per_replica)])
    written = {value for batch in batches for value in batch}
    assert len(written) == REPLICAS * threads_per_replica * per_thread

    final = [ok(r.client.get(path)) for r in replicas]
    assert final == [final[0]] * REPLICAS
    assert final[0]["description"] in written
    assert final[0]["customProperties"] == _label(final[0]["description"])  # not a blend
    assert final[0]["name"] == model["name"]
    assert int(final[0]["lastUpdateTimeSinceEpoch"]) >= int(model["lastUpdateTimeSinceEpoch"])


def test_concurrent_patches_of_different_fields_are_all_kept(replicas: list[Replica]) -> None:
    """Each replica PATCHes its own field of one model at the same moment: no PATCH may
    undo another's. (`customProperties` replaces the whole map, hence top-level fields.)"""
    rounds = 8
    fields = dict(zip("ABC", ("description", "owner", "provider"), strict=True))
    model = new_model(replicas[0], "fields")
    path = f"/registered_models/{model['id']}"

    def patch(replica: Replica, value: str) -> Callable[[], httpx.Response]:
        return lambda: replica.client.patch(path, json={fields[replica.name]: value})

    for n in range(rounds):
        responses = _concurrently([patch(r, f"round{n}") for r in replicas])
        assert [x.status_code for x in responses] == [200] * REPLICAS
        for replica in replicas:
            kept = ok(replica.client.get(path))
            assert {f: kept.get(f) for f in fields.values()} == dict.fromkeys(
                fields.values(), f"round{n}"
            )
