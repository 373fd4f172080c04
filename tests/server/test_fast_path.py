"""The fast path (server/fast_path.py) answers exactly as FastAPI's own handling would.

Two apps over two fresh SQLite databases, one with the fast path and one without, get the
same requests in the same order; their answers must match (times aside). SQLite is enough:
the fast path sits above the storage layer.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Annotated, Any

import fastapi.routing
import pytest
from fastapi import Body, Depends, FastAPI, Header, Query, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response as HttpResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from starlette.responses import Response
from starlette.routing import Mount

import modelreg.server.routing
from modelreg.config import Settings
from modelreg.domain.models import ModelService
from modelreg.server.app import create_app
from modelreg.server.fast_path import plan_for
from modelreg.server.params import ListParams, _list_params

from .bad_input.support import NOT_AN_OBJECT, V1, WRITES, build_seed, fill

V1ALPHA3 = "/api/model_registry/v1alpha3"
TIMES = ("createTimeSinceEpoch", "lastUpdateTimeSinceEpoch")
GENERATED = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _client(path: Path, request_threads: int = 0) -> TestClient:
    settings = Settings(database_url=f"sqlite:///{path}", request_threads=request_threads)
    return TestClient(create_app(settings), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, TestClient]]:
    """(with the fast path, without it), each seeded the same way."""
    tmp = tmp_path_factory.mktemp("fast_path")
    fast = _client(tmp / "fast.db")
    patch = pytest.MonkeyPatch()
    patch.setattr(modelreg.server.routing, "plan_for", lambda route: None)
    slow = _client(tmp / "slow.db")  # each route keeps the handler it was built with
    patch.undo()
    with fast, slow:
        yield fast, slow


@pytest.fixture(scope="module")
def ids(pair: tuple[TestClient, TestClient]) -> dict[str, str]:
    fast, slow = pair
    seeded = build_seed(fast)
    assert build_seed(slow) == seeded
    return seeded


def _comparable(response: HttpResponse) -> tuple[Any, ...]:
    try:
        body: Any = _without_times(response.json())
    except ValueError:
        body = response.content
    headers = {k: response.headers.get(k) for k in ("content-type", "modelreg-error", "sunset")}
    return response.status_code, body, headers


def _without_times(value: Any) -> Any:
    """The value without its times, and with generated names (UUIDs) made alike."""
    if isinstance(value, dict):
        return {
            k: "<generated>" if k == "name" and GENERATED.fullmatch(str(v)) else _without_times(v)
            for k, v in value.items()
            if k not in TIMES
        }
    if isinstance(value, list):
        return [_without_times(v) for v in value]
    return value


def _same(pair: tuple[TestClient, TestClient], method: str, url: str, **kwargs: Any) -> int:
    fast, slow = pair
    answers = [_comparable(c.request(method, url, **kwargs)) for c in (fast, slow)]
    assert answers[0] == answers[1], f"{method} {url} {kwargs}"
    return int(answers[0][0])


ODD_BODIES = [
    *NOT_AN_OBJECT,
    b'{"name": NaN}',  # json reads NaN, orjson does not
    b'{"name": Infinity}',
    b'{"name": 1e400}',
    b'{"name": 123456789012345678901234567890}',  # beyond 64 bits
    b'{"name": "\\ud800"}',  # a lone surrogate: json reads it, orjson does not
    b'{"name": "a", "name": "b"}',
    b'{"name": "x", "noSuchField": 1}',
    b'{"name": 5}',
    b'{"customProperties": {"a": {"metadataType": "MetadataIntValue", "int_value": "x"}}}',
    b'{"customProperties": {"a": {"metadataType": "MetadataStringValue"}}}',
]


@pytest.mark.parametrize("prefix", [V1, V1ALPHA3])
def test_writes_answer_the_same(
    pair: tuple[TestClient, TestClient], ids: dict[str, str], prefix: str
) -> None:
    statuses = set()
    for write in WRITES:
        url = write.url(prefix, ids)
        for content in ODD_BODIES:
            statuses.add(_same(pair, write.method, url, content=content))
        # a good body last, so both databases stay alike
        good = json.dumps(fill(write.body, ids)).replace("new-", f"new-{prefix[-2:]}-")
        statuses.add(_same(pair, write.method, url, content=good.encode()))
    assert {201, 200, 400} <= statuses  # both sides of the fast path were exercised


def test_registration_answers_the_same(
    pair: tuple[TestClient, TestClient], ids: dict[str, str]
) -> None:
    body = {
        "registeredModelId": ids["rm"],
        "modelVersion": {"name": "fast-path-v"},
        "modelArtifact": {"uri": "s3://b/m"},
    }
    assert _same(pair, "POST", f"{V1}/registrations", json=body) == 201
    assert _same(pair, "POST", f"{V1}/registrations", json=body) == 409
    assert _same(pair, "POST", f"{V1}/registrations", content=b'{"modelVersion": 1}') == 400


READS = [
    "/registered_models",
    "/registered_models?pageSize=1",
    "/registered_models?pageSize=1&pageSize=2",
    "/registered_models?pageSize=",
    "/registered_models?pageSize=abc",
    "/registered_models?orderBy=NAME&sortOrder=DESC",
    "/registered_models?nextPageToken=junk",
    "/registered_models?filterQuery=name%20%3D%20%27seed-model%27",
    "/registered_models?filterQuery=name%20%3D",
    "/registered_models/{rm}",
    "/registered_models/abc",
    "/registered_models/999999",
    "/registered_models/{rm}/versions?pageSize=1",
    "/registered_model?name=seed-model",
    "/registered_model?name=",
    "/registered_model?externalId=x&name=y",
    "/registered_model",
    "/model_version?name=seed-version&parentResourceId={rm}",
    "/model_version?name=mv&parentResourceId=abc",
    "/model_versions/{mv}/artifacts?artifactType=model-artifact",
    "/model_versions/{mv}/artifacts?artifactType=nope",
    "/artifacts?artifactType=metric&pageSize=5",
    "/artifact?name=x&parentResourceId={mv}",
    "/experiment_runs/{run}/metric_history?stepIds=1,2",
    "/experiment_runs/{run}/metric_history?stepIds=x",
    "/inference_services/{is}/serves",
    "/registered_models/{rm}/deployments",
]


@pytest.mark.parametrize("prefix", [V1, V1ALPHA3])
def test_reads_answer_the_same(
    pair: tuple[TestClient, TestClient], ids: dict[str, str], prefix: str
) -> None:
    statuses = {_same(pair, "GET", prefix + fill(path, ids)) for path in READS}
    assert {200, 400, 404} <= statuses


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["name", "description", "customProperties", "uri", "state", "x"]),
            inner,
            max_size=3,
        )
    ),
    max_leaves=8,
)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(WRITES), JSON)
def test_random_bodies_answer_the_same(
    pair: tuple[TestClient, TestClient], ids: dict[str, str], write: Any, body: Any
) -> None:
    content = json.dumps(body, allow_nan=True).encode()
    _same(pair, write.method, write.url(V1, ids), content=content)


def test_planned_routes_skip_fastapi_parameter_solving(
    pair: tuple[TestClient, TestClient], ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = pair
    solved: list[object] = []
    original = fastapi.routing.solve_dependencies

    async def counted(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await original(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted)
    assert (
        fast.get(f"{V1}/model_version?name=seed-version&parentResourceId={ids['rm']}").status_code
        == 200
    )
    assert fast.patch(f"{V1}/model_versions/{ids['mv']}", json={"description": "x"}).is_success
    assert not solved
    # what the fast path does not read goes to FastAPI, which answers it
    invalid = fast.patch(f"{V1}/model_versions/{ids['mv']}", json={"description": 5})
    assert invalid.status_code == 400
    assert len(solved) == 1
    assert (
        slow.get(f"{V1}/model_version?name=seed-version&parentResourceId={ids['rm']}").status_code
        == 200
    )
    assert len(solved) == 2


def test_dependency_overrides_still_apply(
    pair: tuple[TestClient, TestClient], ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, _ = pair
    app = fast.app
    assert isinstance(app, FastAPI)
    monkeypatch.setitem(app.dependency_overrides, _list_params, _first_only)
    page = fast.get(f"{V1}/registered_models?pageSize=50").json()
    assert page["pageSize"] == 1


async def _first_only() -> ListParams:
    return ListParams("1", None, None, None, None)


def test_every_api_route_has_a_plan(pair: tuple[TestClient, TestClient]) -> None:
    app: Any = pair[0].app
    mounted = [r for m in app.router.routes if isinstance(m, Mount) for r in m.routes]
    assert len(mounted) > 80
    assert [r.path for r in mounted if plan_for(r) is None] == []


def test_the_fast_path_serves_offloaded_routes_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With request threads, the plan still reads the parameters (FastAPI solves nothing)
    and the use case runs on one of the worker's request threads, not the event loop."""
    solved: list[object] = []
    threads: list[str] = []
    original_solve = fastapi.routing.solve_dependencies

    async def counted_solve(*args: Any, **kwargs: Any) -> Any:
        solved.append(kwargs.get("dependant"))
        return await original_solve(*args, **kwargs)

    def on_thread(method: Any) -> Any:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            threads.append(threading.current_thread().name)
            return method(*args, **kwargs)

        return recorded

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counted_solve)
    for name in ("create_model", "find_model"):
        monkeypatch.setattr(ModelService, name, on_thread(getattr(ModelService, name)))
    with _client(tmp_path / "threads.db", request_threads=2) as threaded:
        created = threaded.post(f"{V1}/registered_models", json={"name": "m"})
        assert created.status_code == 201
        found = threaded.get(f"{V1}/registered_model?name=m")
        assert found.json()["id"] == created.json()["id"]
    assert solved == []
    assert len(threads) == 2
    assert all(name.startswith("modelreg-request") for name in threads), threads


async def _text() -> Response:
    return Response()


async def _async_dependency(q: str | None = None) -> str | None:
    return q


def _sync_dependency() -> None:
    pass


async def _yielding_dependency() -> AsyncIterator[None]:
    yield


class _Body(BaseModel):
    name: str


async def _header(x: Annotated[str | None, Header()] = None) -> Response:
    return Response()


async def _constrained(x: Annotated[str | None, Query(max_length=3)] = None) -> Response:
    return Response()


async def _integer(x: int | None = None) -> Response:
    return Response()


async def _required_query(x: str) -> Response:
    return Response()


async def _sync_dep(d: Annotated[None, Depends(_sync_dependency)]) -> Response:
    return Response()


async def _yield_dep(d: Annotated[None, Depends(_yielding_dependency)]) -> Response:
    return Response()


async def _embedded(body: Annotated[_Body, Body(embed=True)]) -> Response:
    return Response()


async def _two_bodies(a: _Body, b: _Body) -> Response:
    return Response()


async def _optional_body(body: _Body | None = None) -> Response:
    return Response()


async def _not_a_response() -> dict[str, str]:
    return {}


async def _plain(
    request: Request,
    id: str,
    body: _Body,
    dep: Annotated[str | None, Depends(_async_dependency)],
    q: Annotated[str | None, Query(alias="theQ")] = None,
) -> Response:
    return Response()


@pytest.mark.parametrize(
    "endpoint",
    [
        _header,
        _constrained,
        _integer,
        _required_query,
        _sync_dep,
        _yield_dep,
        _embedded,
        _two_bodies,
        _optional_body,
        _not_a_response,
    ],
)
def test_what_the_plan_does_not_read_is_left_to_fastapi(endpoint: Any) -> None:
    route = APIRoute("/things/{id}", endpoint, methods=["POST"])
    assert plan_for(route) is None


def test_a_plan_reads_the_endpoint_and_its_dependencies_declarations() -> None:
    plan = plan_for(APIRoute("/things/{id}", _plain, methods=["POST"]))
    assert plan is not None
    assert plan.call.path == (("id", "id"),)
    assert plan.call.query == (("q", "theQ"),)
    assert plan.call.request == "request"
    (name, dependency), *others = plan.call.dependencies
    assert (name, dependency.query, others) == ("dep", (("q", "q"),), [])
    assert plan.body is not None and plan.body[0] == "body"
    with_route_dependency = APIRoute("/t", _text, dependencies=[Depends(_async_dependency)])
    assert plan_for(with_route_dependency) is None
