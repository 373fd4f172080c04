"""Each API prefix is a mount: a request is tried only against its own prefix's routes,
and inside it only against the routes of its path's first segment (server/routing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount

from modelreg.server.routing import api_mount

from .conftest import V1, V1ALPHA3


def _mounts(client: TestClient) -> dict[str, Mount]:
    app: Any = client.app
    return {m.path: m for m in app.router.routes if isinstance(m, Mount)}


@pytest.fixture
def tried(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many times the routes of each mount were asked whether they match."""
    counts: dict[str, int] = {}
    for prefix, mount in _mounts(client).items():
        counts[prefix] = 0
        for route in mount.routes:

            def counted(scope: Any, matches: Any = route.matches, prefix: str = prefix) -> Any:
                counts[prefix] += 1
                return matches(scope)

            monkeypatch.setattr(route, "matches", counted)
    return counts


def test_the_document_lists_the_mounted_routes_under_their_full_paths(client: TestClient) -> None:
    mounts = _mounts(client)
    assert set(mounts) == {V1, V1ALPHA3}
    below = {p: [getattr(r, "path", "") for r in m.routes] for p, m in mounts.items()}
    assert sorted(below[V1]) == sorted(below[V1ALPHA3])
    assert len(below[V1]) > 40
    document = client.get("/openapi.json").json()
    paths = list(document["paths"])
    assert {p for prefix, rest in below.items() for p in (prefix + r for r in rest)} == {
        p for p in paths if p.startswith("/api/")
    }
    # health first, then the current version, then the old one, as before the mounts
    first_v1 = next(i for i, p in enumerate(paths) if p.startswith(f"{V1}/"))
    first_v1alpha3 = next(i for i, p in enumerate(paths) if p.startswith(f"{V1ALPHA3}/"))
    assert paths[0].startswith("/readyz/") and first_v1 < first_v1alpha3
    assert all(p.startswith(f"{V1}/") for p in paths[first_v1:first_v1alpha3])
    operation = document["paths"][f"{V1ALPHA3}/model_version"]["get"]
    assert (
        operation["operationId"]
        == "find_model_version_api_model_registry_v1alpha3_model_version_get"
    )
    assert operation["deprecated"] is True


def test_a_deprecated_prefix_request_skips_the_current_routes(
    client: TestClient, tried: dict[str, int]
) -> None:
    response = client.get(f"{V1ALPHA3}/registered_models")
    assert response.status_code == 200
    assert response.headers["deprecation"] == "true"
    assert tried == {V1: 0, V1ALPHA3: 1}

    tried.update(dict.fromkeys(tried, 0))
    assert client.get(f"{V1}/registered_models").status_code == 200
    assert tried == {V1: 1, V1ALPHA3: 0}


def test_a_request_is_tried_only_against_the_routes_of_its_first_segment(
    client: TestClient, tried: dict[str, int]
) -> None:
    same_segment = [
        r for r in _mounts(client)[V1].routes if getattr(r, "path", "").startswith("/experiments")
    ]
    assert 1 < len(same_segment) < 10
    assert client.get(f"{V1}/experiments").status_code == 200
    assert tried[V1] == 1
    client.get(f"{V1}/experiment_runs/1/artifacts")
    assert 1 < tried[V1] <= 12


def test_paths_outside_the_mounts_are_tried_against_neither(
    client: TestClient, tried: dict[str, int]
) -> None:
    outside = ("/readyz/health", "/api/model_registry/v2/registered_models", f"{V1ALPHA3}0/x")
    for path in outside:
        client.get(path)
    client.get(f"{V1}/no_such_collection/1")  # inside a mount, but no segment of it
    assert tried == {V1: 0, V1ALPHA3: 0}


def test_a_path_of_another_method_is_a_405_naming_every_method_of_the_path(
    client: TestClient,
) -> None:
    response = client.put(f"{V1ALPHA3}/registered_models")
    assert response.status_code == 405
    assert set(response.json()) == {"code", "message"}
    assert response.headers["allow"] == "GET, POST"
    assert client.delete(f"{V1}/registered_models/1").headers["allow"] == "GET, PATCH"
    # two routes match this path: /experiment_runs/metric_history and /experiment_runs/{id}
    metric_history = client.delete(f"{V1}/experiment_runs/metric_history")
    assert metric_history.headers["allow"] == "GET, PATCH"


@pytest.mark.parametrize(
    "path",
    [f"{V1}/registered_modelz", f"{V1}/", V1, f"{V1}//registered_models", f"{V1ALPHA3}/x/y"],
)
def test_an_unknown_path_under_a_prefix_is_a_404(client: TestClient, path: str) -> None:
    response = client.get(path)  # the bare prefix is redirected to `prefix/` first
    assert response.status_code == 404
    assert response.json() == {"code": "Not Found", "message": f"no such path: {response.url.path}"}


def test_a_trailing_slash_is_redirected_to_the_route(client: TestClient) -> None:
    response = client.get(f"{V1}/registered_models/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"].endswith(f"{V1}/registered_models")


def test_a_root_path_before_the_prefix_still_reaches_the_mount(client: TestClient) -> None:
    app: Any = client.app
    behind_a_proxy = TestClient(app, root_path="/registry", raise_server_exceptions=False)
    found = behind_a_proxy.get(f"/registry{V1}/registered_models")
    assert found.status_code == 200
    assert behind_a_proxy.get(f"/registry{V1}/registered_modelz").status_code == 404
    # a root path is only stripped at a segment boundary
    assert behind_a_proxy.get(f"/registryx{V1}/registered_models").status_code == 404


def _routes(*paths: str) -> list[BaseRoute]:
    router = APIRouter()
    for path in paths:
        router.add_api_route(path, _endpoint)
    return router.routes


async def _endpoint() -> Response:
    return Response()


def test_a_mount_takes_only_routes_under_its_prefix_with_a_literal_first_segment() -> None:
    mount = api_mount("/p", _routes("/p/things", "/p/things/{id}", "/p/other"))
    assert [getattr(r, "path", "") for r in mount.routes] == ["/things", "/things/{id}", "/other"]
    assert all(isinstance(r, APIRoute) for r in mount.routes)
    for wrong in ("/q/things", "/p/{kind}/x", "/pp/things"):
        with pytest.raises(ValueError, match=r"/p\b"):
            api_mount("/p", _routes(wrong))
