"""Each API version's routes form one group: a request is tried only against its own."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute, Match, NoMatchFound

from modelreg.server.route_groups import PrefixGroup

from .conftest import V1, V1ALPHA3


def _groups(app: FastAPI) -> dict[str, PrefixGroup]:
    return {g.prefix: g for g in app.router.routes if isinstance(g, PrefixGroup)}


@pytest.fixture
def tried(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times the routes of each group were asked whether they match."""
    app: Any = client.app
    counts: dict[str, int] = {}
    for prefix, group in _groups(app).items():
        counts[prefix] = 0
        for route in group.routes:

            def counted(scope: Any, matches: Any = route.matches, prefix: str = prefix) -> Any:
                counts[prefix] += 1
                return matches(scope)

            monkeypatch.setattr(route, "matches", counted)
    return counts


def test_both_api_versions_are_groups_of_every_route(client: TestClient) -> None:
    app: Any = client.app
    groups = _groups(app)
    assert set(groups) == {f"{V1}/", f"{V1ALPHA3}/"}
    v1 = [getattr(r, "path", "")[len(V1) :] for r in groups[f"{V1}/"].routes]
    v1alpha3 = [getattr(r, "path", "")[len(V1ALPHA3) :] for r in groups[f"{V1ALPHA3}/"].routes]
    assert v1 == v1alpha3
    assert len(v1) > 40
    # the OpenAPI document still sees every route inside the groups, in the order it had
    # before they were grouped: health first, then the current version, then the old
    paths = list(client.get("/openapi.json").json()["paths"])
    assert {f"{V1}{p}" for p in v1} | {f"{V1ALPHA3}{p}" for p in v1alpha3} <= set(paths)
    first_v1 = next(i for i, p in enumerate(paths) if p.startswith(f"{V1}/"))
    first_v1alpha3 = next(i for i, p in enumerate(paths) if p.startswith(f"{V1ALPHA3}/"))
    assert paths[0].startswith("/readyz/") and first_v1 < first_v1alpha3
    assert all(p.startswith(f"{V1}/") for p in paths[first_v1:first_v1alpha3])


def test_a_deprecated_prefix_request_skips_the_current_routes(
    client: TestClient, tried: dict[str, int]
) -> None:
    assert client.get(f"{V1ALPHA3}/registered_models").status_code == 200
    assert tried[f"{V1}/"] == 0
    assert tried[f"{V1ALPHA3}/"] > 0

    tried.update(dict.fromkeys(tried, 0))
    assert client.get(f"{V1}/registered_models").status_code == 200
    assert tried == {f"{V1}/": 1, f"{V1ALPHA3}/": 0}


def test_a_request_is_tried_only_against_the_routes_of_its_first_segment(
    client: TestClient, tried: dict[str, int]
) -> None:
    app: Any = client.app
    same_segment = [
        r for r in _groups(app)[f"{V1}/"].routes if r.path.startswith(f"{V1}/experiment_runs/")
    ]
    assert 1 < len(same_segment) < 15
    client.get(f"{V1}/experiment_runs/1/artifacts")
    assert 0 < tried[f"{V1}/"] <= len(same_segment)


def test_paths_outside_the_groups_are_tried_against_neither(
    client: TestClient, tried: dict[str, int]
) -> None:
    outside = ("/readyz/health", "/api/model_registry/v2/registered_models", f"{V1ALPHA3}0/x")
    for path in outside:
        client.get(path)
    assert tried == {f"{V1}/": 0, f"{V1ALPHA3}/": 0}


def test_a_path_of_another_method_is_a_405_inside_a_group(client: TestClient) -> None:
    response = client.put(f"{V1ALPHA3}/registered_models")
    assert response.status_code == 405
    assert set(response.json()) == {"code", "message"}
    assert response.headers["allow"] == "GET, POST"  # every method of the path
    assert client.delete(f"{V1}/registered_models/1").headers["allow"] == "GET, PATCH"
    missing = client.get(f"{V1}/registered_modelz")
    assert missing.status_code == 404
    assert missing.json()["message"] == f"no such path: {V1}/registered_modelz"


def test_a_root_path_before_the_prefix_still_reaches_the_group(client: TestClient) -> None:
    app: Any = client.app
    behind_a_proxy = TestClient(app, root_path="/registry", raise_server_exceptions=False)
    found = behind_a_proxy.get(f"/registry{V1}/registered_models")
    assert found.status_code == 200
    # a root path is only stripped at a segment boundary
    assert behind_a_proxy.get(f"/registryx{V1}/registered_models").status_code == 404


class _Recorded(BaseRoute):
    """A route that matches one path fully, or partially with another method."""

    def __init__(self, path: str, method: str = "GET") -> None:
        self.path, self.method = path, method

    def matches(self, scope: Any) -> tuple[Match, dict[str, Any]]:
        if scope["path"] != self.path:
            return Match.NONE, {}
        full = scope["method"] == self.method
        return (Match.FULL if full else Match.PARTIAL), {"endpoint": self}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        if name != self.path:
            raise NoMatchFound(name, path_params)
        return self.path


def _scope(path: str, method: str = "GET", root_path: str = "") -> dict[str, Any]:
    return {"type": "http", "path": path, "method": method, "root_path": root_path}


def test_a_group_with_a_parameter_for_a_first_segment_tries_every_route() -> None:
    any_kind = _Recorded("/p/{kind}", "GET")
    things = _Recorded("/p/things", "POST")
    group = PrefixGroup("/p", [things, any_kind])
    calls: list[str] = []
    for route in (things, any_kind):
        original = route.matches

        def spy(scope: Any, original: Any = original, path: str = route.path) -> Any:
            calls.append(path)
            return original(scope)

        route.matches = spy  # type: ignore[method-assign]
    group.matches(_scope("/p/things"))
    assert calls == ["/p/things", "/p/{kind}"]


def test_a_group_keeps_the_order_of_its_routes_and_prefers_a_full_match() -> None:
    post_only = _Recorded("/p/things", "POST")
    get = _Recorded("/p/things", "GET")
    group = PrefixGroup("/p", [post_only, get])
    assert group.matches(_scope("/p/things"))[0] is Match.FULL
    match, child_scope = group.matches(_scope("/p/things", "DELETE"))
    assert match is Match.PARTIAL
    assert child_scope["endpoint"] is post_only  # the first partial, as a router picks it
    assert group.matches(_scope("/p/other"))[0] is Match.NONE
    assert group.matches(_scope("/pp/things"))[0] is Match.NONE
    assert group.matches({"type": "websocket", "path": "/p/things"})[0] is Match.NONE
    assert group.url_path_for("/p/things") == "/p/things"
    with pytest.raises(NoMatchFound):
        group.url_path_for("/p/missing")
