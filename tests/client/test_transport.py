"""The SDK's HTTP behaviour, against `httpx.MockTransport`: errors, auth, URLs.

Retries are test_retries.py's, for both clients.
"""

from __future__ import annotations

import json
import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from modelreg import (
    AlreadyExists,
    Conflict,
    InvalidArgument,
    MissingField,
    NotFound,
    PermissionDenied,
    Registry,
    RegistryHTTPError,
    Unauthenticated,
    Unavailable,
)

from .scripted import EMPTY_PAGE, MODEL, Handler, Recorder, error

V1 = "/api/model_registry/v1"


def client(handler: Handler, **options: object) -> Registry:
    options = {"retries": 3, "backoff": 0.0, **options}
    return Registry("http://registry.test", transport=httpx.MockTransport(handler), **options)


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "message", "cls"),
    [
        (400, "invalid filterQuery", InvalidArgument),
        (404, "no registered model with id 9", NotFound),
        (409, "registered model with name 'm' already exists", AlreadyExists),
        (409, "concurrent write conflict, retry: deadlock", Conflict),
        (413, "request body exceeds 16 bytes", InvalidArgument),
        (422, "required field 'name' is missing", MissingField),
        (401, "token expired", Unauthenticated),
        (403, "forbidden", PermissionDenied),
        (500, "internal error", RegistryHTTPError),
    ],
)
def test_status_and_message_become_the_exception(status: int, message: str, cls: type) -> None:
    with pytest.raises(cls) as raised:
        client(Recorder(error(status, message)), retries=0).get_registered_model_by_id("9")
    assert type(raised.value) is cls
    assert message in raised.value.message


def test_an_error_without_a_json_body_keeps_its_text() -> None:
    answer = httpx.Response(502, text="bad gateway from the proxy")
    with pytest.raises(Unavailable, match="bad gateway from the proxy"):
        client(Recorder(answer), retries=0).get_registered_model_by_id("1")
    with pytest.raises(RegistryHTTPError) as raised:
        client(
            Recorder(httpx.Response(500, text="<html>oops</html>")), retries=0
        ).get_registered_models().all()
    assert raised.value.status == 500
    assert "500 Internal Server Error" in raised.value.message


# --- the requests sent -------------------------------------------------------------------


def test_requests_carry_the_api_path_params_body_and_user_agent() -> None:
    recorder = Recorder(httpx.Response(201, json=MODEL))
    client(recorder).create_registered_model("m", owner="ada", custom_properties={"n": 1})
    request = recorder.requests[0]
    assert request.url.path == f"{V1}/registered_models"
    assert json.loads(request.content) == {
        "name": "m",
        "owner": "ada",
        "customProperties": {"n": {"metadataType": "MetadataIntValue", "intValue": "1"}},
    }
    assert request.headers["user-agent"].startswith("modelreg-python/")
    listing = Recorder(httpx.Response(200, json=EMPTY_PAGE))
    client(listing).get_registered_models(
        filter_query="owner = 'ada'", order_by="NAME", sort_order="DESC", page_size=5
    ).all()
    assert dict(listing.requests[0].url.params) == {
        "filterQuery": "owner = 'ada'",
        "orderBy": "NAME",
        "sortOrder": "DESC",
        "pageSize": "5",
    }


def test_v1alpha3_is_a_choice() -> None:
    recorder = Recorder(httpx.Response(200, json=MODEL))
    client(recorder, api_version="v1alpha3").get_registered_model_by_id("1")
    assert recorder.requests[0].url.path == "/api/model_registry/v1alpha3/registered_models/1"


def test_pagers_fetch_nothing_until_iterated_and_stop_at_the_limit() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        token = int(request.url.params.get("nextPageToken") or 0)
        size = int(request.url.params["pageSize"])
        items = [{"id": str(i), "name": f"m{i}"} for i in range(token, token + size)]
        return httpx.Response(200, json={"items": items, "nextPageToken": str(token + size)})

    recorder = Recorder(handler=handler)
    pager = client(recorder).get_registered_models(page_size=4, limit=10)
    assert recorder.requests == []
    assert [m.id for m in pager] == [str(i) for i in range(10)]
    assert [r.url.params["pageSize"] for r in recorder.requests] == ["4", "4", "2"]


# --- auth, TLS and the server URL --------------------------------------------------------


def _auth_header(registry: Registry, recorder: Recorder) -> str | None:
    registry.get_registered_model_by_id("1")
    return recorder.requests[-1].headers.get("authorization")


def test_the_token_comes_from_the_argument_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MODELREG_TOKEN", raising=False)
    monkeypatch.delenv("MODELREG_TOKEN_FILE", raising=False)
    monkeypatch.delenv("KF_PIPELINES_SA_TOKEN_PATH", raising=False)
    recorder = Recorder(httpx.Response(200, json=MODEL))
    assert _auth_header(client(recorder), recorder) is None
    assert _auth_header(client(recorder, token="t1"), recorder) == "Bearer t1"
    monkeypatch.setenv("MODELREG_TOKEN", "t2")
    assert _auth_header(client(recorder), recorder) == "Bearer t2"
    monkeypatch.delenv("MODELREG_TOKEN")
    token_file = tmp_path / "token"
    token_file.write_text("t3\n")
    from_file = client(recorder, token_file=token_file)
    assert _auth_header(from_file, recorder) == "Bearer t3"
    token_file.write_text("t4")  # rotated: read again on the next request
    assert _auth_header(from_file, recorder) == "Bearer t4"
    monkeypatch.setenv("MY_TOKEN_PATH", str(token_file))
    assert (
        _auth_header(client(recorder, user_token_envvar="MY_TOKEN_PATH"), recorder) == "Bearer t4"
    )
    assert _auth_header(client(recorder, user_token="t5"), recorder) == "Bearer t5"
    with pytest.raises(FileNotFoundError, match="token file"):
        client(recorder, token_file=tmp_path / "missing")


def test_a_custom_ca_bundle_becomes_an_ssl_context(tmp_path: Path) -> None:
    from modelreg.client.config import resolve_verify

    assert isinstance(resolve_verify(certifi.where()), ssl.SSLContext)
    assert resolve_verify(False) is False
    with pytest.raises(FileNotFoundError, match="CA bundle"):
        resolve_verify(tmp_path / "nope.pem")
    Registry("https://r.test", verify=certifi.where()).close()
    Registry("https://r.test", custom_ca=certifi.where()).close()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("http://r.test:8080",), "http://r.test:8080/api/model_registry/v1"),
        (("http://r.test", 8080), "http://r.test:8080/api/model_registry/v1"),
        (("r.test", 443), "https://r.test:443/api/model_registry/v1"),
        (("https://r.test/",), "https://r.test/api/model_registry/v1"),
        (
            ("https://r.test/prefix/api/model_registry/v1alpha3",),
            "https://r.test/prefix/api/model_registry/v1alpha3",
        ),
    ],
)
def test_server_urls(args: tuple[object, ...], expected: str) -> None:
    with Registry(*args) as registry:  # type: ignore[arg-type]
        assert registry.url == expected


def test_upstreams_constructor_arguments_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    with Registry("r.test", 8080, author="ada", is_secure=False, user_token="t") as registry:
        assert registry.url == "http://r.test:8080/api/model_registry/v1"
    monkeypatch.setenv("MODELREG_URL", "http://from-env:9000")
    with Registry() as registry:
        assert registry.url == "http://from-env:9000/api/model_registry/v1"


def test_error_kind_header_decides_the_exception() -> None:
    import httpx

    from modelreg.client.errors import from_response
    from modelreg.errors import AlreadyExists, Conflict

    body = {"code": "Conflict", "message": "model already exists, or so it says"}
    raced = httpx.Response(409, json=body, headers={"Modelreg-Error": "Conflict"})
    assert type(from_response(raced)) is Conflict
    taken = httpx.Response(409, json=body, headers={"Modelreg-Error": "AlreadyExists"})
    assert type(from_response(taken)) is AlreadyExists
    upstream = httpx.Response(409, json=body)
    assert type(from_response(upstream)) is AlreadyExists
