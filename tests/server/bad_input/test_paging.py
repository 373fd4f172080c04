"""Bad list parameters: pageSize, orderBy, sortOrder, nextPageToken, filterQuery, artifactType."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    PREFIXES,
    V1,
    V1ALPHA3,
    artifact_body,
    assert_error,
    create,
    fill,
)

LISTS = [
    "/registered_models",
    "/registered_models/{rm}/versions",
    "/model_versions",
    "/model_versions/{mv}/artifacts",
    "/model_artifacts",
    "/artifacts",
]
LIST_PARAMS = [pytest.param(p, id=p) for p in LISTS]
# Every list endpoint; the token tests below stay on LISTS, whose seed has several pages.
ALL_LISTS = [
    *LISTS,
    "/serving_environments",
    "/serving_environments/{se}/inference_services",
    "/inference_services",
    "/inference_services/{is}/serves",
    "/experiments",
    "/experiments/{exp}/experiment_runs",
    "/experiment_runs",
    "/experiment_runs/{run}/artifacts",
    "/experiment_runs/{run}/metric_history",
    "/experiment_runs/metric_history",
]
ALL_LIST_PARAMS = [pytest.param(p, id=p) for p in ALL_LISTS]
ARTIFACT_LISTS = ["/model_versions/{mv}/artifacts", "/artifacts"]


def _get(api: TestClient, prefix: str, path: str, seed: dict[str, str], **params: str) -> Any:
    return api.get(prefix + fill(path, seed), params=params)


def _list_ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"items", "nextPageToken", "pageSize", "size"}
    assert body["size"] == len(body["items"])
    return dict(body)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


BAD_PARAMS = {
    "pageSize": ["abc", "1.5", "1e3", "0x10", " ", "--1", "1,2", "ten"],
    # orderBy takes ID, CREATE_TIME, LAST_UPDATE_TIME, NAME or a (typed) property name
    "orderBy": ["foo", "CREATE TIME", "ID; DROP TABLE Context", "1abc", "-ID", "a.b"],
    "sortOrder": ["sideways", "ascending", "1", "ASC DESC", "up"],
    "nextPageToken": [
        "garbage",
        "!!!!",
        "x" * 2000,
        "é",
        "AAAA",
        "NTo1",  # upstream's format: base64 of "5:5"
        _b64("a:b:c"),
        _b64("[1, 2]"),
        _b64('{"id": 1}'),
        _b64('[1, [], "x"]'),
        _b64("[1, 2, 3]"),
    ],
}
# filterQuery is parsed now: syntax errors are 400 (the message is not pinned down here).
BAD_FILTERS = [
    "garbage",
    "'",
    "name =",
    "name = 'x",
    "(name = 'x'",
    "name = = 1",
    "x" * 9000,
    "name = 'x' AND",
    "name IN 'x'",
    "`unclosed = 1",
]


@pytest.mark.parametrize("path", ALL_LIST_PARAMS)
@pytest.mark.parametrize("param", list(BAD_PARAMS))
def test_bad_list_parameter_is_400(
    api: TestClient, seed: dict[str, str], path: str, param: str
) -> None:
    for value in BAD_PARAMS[param]:
        message = assert_error(_get(api, V1, path, seed, **{param: value}), 400)
        assert param in message, (value, message)


@pytest.mark.parametrize("path", ALL_LIST_PARAMS)
def test_bad_filter_query_is_400(api: TestClient, seed: dict[str, str], path: str) -> None:
    for value in BAD_FILTERS:
        assert_error(_get(api, V1, path, seed, filterQuery=value), 400)
    _list_ok(_get(api, V1, path, seed, filterQuery="name = 'no such name'"))


def test_bad_list_parameters_under_v1alpha3(api: TestClient, seed: dict[str, str]) -> None:
    """The deprecated prefix shares the handlers: one bad value of each kind is enough."""
    for path in ALL_LISTS:
        for param, values in BAD_PARAMS.items():
            assert_error(_get(api, V1ALPHA3, path, seed, **{param: values[0]}), 400)
        assert_error(_get(api, V1ALPHA3, path, seed, filterQuery=BAD_FILTERS[0]), 400)


@pytest.mark.parametrize("value", ["`", "a..b", "`x`.`y`", "ID,NAME"])
def test_order_by_syntax_error_names_order_by(api: TestClient, value: str) -> None:
    message = assert_error(api.get(f"{V1}/registered_models", params={"orderBy": value}), 400)
    assert "orderBy" in message and "filterQuery" not in message


@pytest.mark.parametrize("path", ALL_LIST_PARAMS)
def test_lenient_list_parameters_still_answer(
    api: TestClient, seed: dict[str, str], path: str
) -> None:
    """Huge, zero or negative page sizes, empty values and lower case are not errors."""
    for params in (
        {"pageSize": "99999999999999999999999"},
        {"pageSize": "2147483648"},
        {"pageSize": "0"},
        {"pageSize": "-5"},
        {"pageSize": ""},
        {"orderBy": "", "sortOrder": "", "nextPageToken": "", "filterQuery": ""},
        {"orderBy": "id", "sortOrder": "desc"},
        {"orderBy": "NAME"},
        {"orderBy": "create_time", "sortOrder": "Asc"},
    ):
        body = _list_ok(_get(api, V1, path, seed, **params))
        assert 0 < body["pageSize"] <= 1000, params


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("path", [*ARTIFACT_LISTS, "/experiment_runs/{run}/artifacts"])
def test_unknown_artifact_type_query_is_400(
    api: TestClient, seed: dict[str, str], path: str, prefix: str
) -> None:
    for value in ("foo", "null", "MODEL-ARTIFACT", "model_artifact", "Metric", "metric,parameter"):
        response = _get(api, prefix, path, seed, artifactType=value)
        assert "artifactType" in assert_error(response, 400)


HISTORIES = ["/experiment_runs/{run}/metric_history", "/experiment_runs/metric_history"]


@pytest.mark.parametrize("path", HISTORIES)
def test_bad_step_ids_are_400(api: TestClient, seed: dict[str, str], path: str) -> None:
    for value in ("x", "1,x", "1.5", "١", "1;2", "0x1", "1 2"):  # noqa: RUF001
        assert "step" in assert_error(_get(api, V1, path, seed, stepIds=value), 400)
    for value in ("1", " 1 , 2 ", "1,,2", ""):
        _list_ok(_get(api, V1, path, seed, stepIds=value))


@pytest.mark.parametrize("path", HISTORIES)
def test_step_ids_beyond_64_bits_are_not_a_server_error(
    request: pytest.FixtureRequest, api: TestClient, db: Store, seed: dict[str, str], path: str
) -> None:
    for value in ("9223372036854775808", "1,99999999999999999999999"):
        response = _get(api, V1, path, seed, stepIds=value)
        assert response.status_code == 200 or assert_error(response, 400)  # no such step, or 400


# --- page tokens bound to their query ------------------------------------------------------


@pytest.fixture
def pages(client: TestClient) -> dict[str, str]:
    """Three of everything, so every list has a second page at pageSize=1."""
    ids: dict[str, str] = {}
    for i in range(3):
        ids["rm"] = rm = create(client, "/registered_models", {"name": f"m{i}"})
        ids["rm2"] = ids.get("rm2", rm)
        create(client, "/model_artifacts", {"name": f"a{i}"})
    for i in range(3):
        ids["mv"] = mv = create(
            client, "/model_versions", {"name": f"v{i}", "registeredModelId": rm}
        )
        ids["mv2"] = ids.get("mv2", mv)
    for i in range(3):
        for kind in ("metric", "parameter"):
            create(client, f"/model_versions/{mv}/artifacts", artifact_body(kind, f"{kind}{i}"))
    return ids


def _token(api: TestClient, path: str, **params: str) -> str:
    body = _list_ok(api.get(V1 + path, params={"pageSize": "1", **params}))
    assert body["nextPageToken"], body
    return str(body["nextPageToken"])


@pytest.mark.parametrize("path", LIST_PARAMS)
def test_token_reused_with_other_order_or_direction_is_400(
    client: TestClient, pages: dict[str, str], path: str
) -> None:
    url = fill(path, pages)
    token = _token(client, url)
    same = client.get(V1 + url, params={"pageSize": "1", "nextPageToken": token})
    _list_ok(same)
    for changed in (
        {"orderBy": "CREATE_TIME"},
        {"orderBy": "LAST_UPDATE_TIME"},
        {"sortOrder": "DESC"},
        {"orderBy": "CREATE_TIME", "sortOrder": "DESC"},
    ):
        params = {"pageSize": "1", "nextPageToken": token, **changed}
        assert "nextPageToken" in assert_error(client.get(V1 + url, params=params), 400)
    # A page size change is harmless: the cursor still means the same thing.
    _list_ok(client.get(V1 + url, params={"pageSize": "2", "nextPageToken": token}))


def test_token_reused_on_another_list_is_400(client: TestClient, pages: dict[str, str]) -> None:
    tokens = {path: _token(client, fill(path, pages)) for path in LISTS}
    for issued_by, token in tokens.items():
        for path in LISTS:
            if path != issued_by:
                response = client.get(V1 + fill(path, pages), params={"nextPageToken": token})
                assert_error(response, 400)
    for path in ("/registered_models/{rm}/versions", "/model_versions/{mv}/artifacts"):
        other = path.replace("{rm}", "{rm2}").replace("{mv}", "{mv2}")
        params = {"nextPageToken": tokens[path]}
        assert_error(client.get(V1 + fill(other, pages), params=params), 400)


@pytest.mark.parametrize("path", ARTIFACT_LISTS)
def test_token_reused_with_another_artifact_type_is_400(
    client: TestClient, pages: dict[str, str], path: str
) -> None:
    url = fill(path, pages)
    token = _token(client, url, artifactType="metric")
    for other in ("parameter", ""):
        params = {"nextPageToken": token, "artifactType": other}
        assert_error(client.get(V1 + url, params=params), 400)


FORGED_CURSORS = [
    (True, None),  # a JSON boolean where the id goes
    (None, True),  # a boolean sort value
    (10**30, None),
    (None, 10**30),
    (None, "abc"),
    (None, 1.5),
    (None, float("nan")),
    (None, 1e308),
    (-1, None),
    (2**31, None),
]


@pytest.mark.parametrize("order_by", ["ID", "CREATE_TIME", "NAME", "f.string_value"])
def test_forged_page_token_is_400(client: TestClient, order_by: str) -> None:
    """The binding is no secret: a client can copy it from a real token and forge the rest."""
    string = {"metadataType": "MetadataStringValue", "string_value": "s"}
    for i in range(3):
        create(client, "/registered_models", {"name": f"m{i}", "customProperties": {"f": string}})
    token = _token(client, "/registered_models", orderBy=order_by)
    last_id, last_value, binding = json.loads(base64.urlsafe_b64decode(token))
    failures = []
    for forged_id, forged_value in FORGED_CURSORS:
        if isinstance(forged_value, str) and order_by in ("NAME", "f.string_value"):
            continue  # a well-typed position: a valid page from there, not an error
        cursor = [
            last_id if forged_id is None else forged_id,
            last_value if forged_value is None else forged_value,
            binding,
        ]
        params = {"orderBy": order_by, "nextPageToken": _b64(json.dumps(cursor))}
        response = client.get(f"{V1}/registered_models", params=params)
        if response.status_code != 400:
            failures.append((cursor[:2], response.status_code))
    assert not failures, failures
