"""Odd and oversized strings: length limits with and without the parent prefix, NUL, lone
surrogates, bytes that are not UTF-8, 4-byte UTF-8 that must round-trip on every backend,
megabyte values, bodies over the size limit."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    ARTIFACT_TYPES,
    V1,
    artifact_body,
    assert_error,
    assert_unchanged,
    create,
    snapshot,
)

MAX = 255
STRING = {"metadataType": "MetadataStringValue", "string_value": "v"}


def _post(api: TestClient, path: str, body: dict[str, Any]) -> Any:
    return api.post(V1 + path, json=body)


# --- length limits -----------------------------------------------------------------------------


def test_names_and_external_ids_longer_than_255_are_400(
    api: TestClient, db: Store, seed: dict[str, str]
) -> None:
    before = snapshot(db)
    long = "x" * (MAX + 1)
    mv = seed["mv"]
    bad = [
        ("/registered_models", {"name": long}),
        ("/registered_models", {"name": "m", "externalId": long}),
        ("/model_versions", {"name": "v", "registeredModelId": seed["rm"], "externalId": long}),
        ("/model_artifacts", {"name": long}),
        ("/model_artifacts", {"externalId": long}),
        *[(f"/model_versions/{mv}/artifacts", artifact_body(k, long)) for k in ARTIFACT_TYPES],
        *[("/artifacts", artifact_body(k, externalId=long)) for k in ARTIFACT_TYPES],
    ]
    for path, body in bad:
        assert_error(_post(api, path, body), 400)
    for path, body in (
        (f"/registered_models/{seed['rm']}", {"externalId": long}),
        (f"/artifacts/{seed['doc_artifact']}", artifact_body("doc-artifact", externalId=long)),
    ):
        assert_error(api.patch(V1 + path, json=body), 400)
    assert_unchanged(db, before)


def test_255_characters_fit(client: TestClient) -> None:
    rm = create(client, "/registered_models", {"name": "n" * MAX, "externalId": "e" * MAX})
    assert client.get(f"{V1}/registered_models/{rm}").json()["name"] == "n" * MAX
    create(client, "/model_artifacts", {"externalId": "a" * MAX})


def test_names_that_overflow_only_with_the_parent_prefix_are_400(
    client: TestClient, store: Store
) -> None:
    """Child names are stored as `<parentId>:<name>` in a 255-character column."""
    rm = create(client, "/registered_models", {"name": "m"})
    fits = MAX - len(f"{rm}:")
    for path in ("/model_versions", f"/registered_models/{rm}/versions"):
        before = snapshot(store)
        body = {"name": "v" * (fits + 1), "registeredModelId": rm}
        assert "too long" in assert_error(_post(client, path, body), 400)
        assert_unchanged(store, before)
    mv = create(client, "/model_versions", {"name": "v" * fits, "registeredModelId": rm})
    assert client.get(f"{V1}/model_versions/{mv}").json()["name"] == "v" * fits

    fits = MAX - len(f"{mv}:")
    for kind in ARTIFACT_TYPES:
        before = snapshot(store)
        body = artifact_body(kind, "a" * (fits + 1))
        assert_error(_post(client, f"/model_versions/{mv}/artifacts", body), 400)
        assert_unchanged(store, before)
        create(client, f"/model_versions/{mv}/artifacts", artifact_body(kind, "a" * fits))

    # Standalone artifacts get a random UUID prefix (36 characters and a colon).
    fits = MAX - 37
    before = snapshot(store)
    assert_error(_post(client, "/model_artifacts", {"name": "s" * (fits + 1)}), 400)
    for kind in ARTIFACT_TYPES:
        assert_error(_post(client, "/artifacts", artifact_body(kind, "s" * (fits + 1))), 400)
    assert_unchanged(store, before)
    create(client, "/model_artifacts", {"name": "s" * fits})


# --- NUL, lone surrogates, bytes that are not UTF-8 ---------------------------------------------

# Raw JSON text, so the escapes reach the server exactly as written.
NUL = "\\u0000"
SURROGATES = ["\\ud800", "\\udfff", "a\\udbffb", "\\udc00\\ud800"]


# Raw JSON bodies with @ where the bad text goes: one text field of each kind per body.
BAD_TEXT_BODIES = [
    ("/registered_models", '{"name": "@"}'),
    ("/registered_models", '{"name": "m", "description": "x@"}'),
    ("/registered_models", '{"name": "m", "externalId": "@"}'),
    ("/registered_models", '{"name": "m", "language": ["en", "@"]}'),
    (
        "/registered_models",
        '{"name": "m", "customProperties": {"k": '
        '{"metadataType": "MetadataStringValue", "string_value": "@"}}}',
    ),
    (
        "/registered_models",
        '{"name": "m", "customProperties": {"@": '
        '{"metadataType": "MetadataStringValue", "string_value": "v"}}}',
    ),
    ("/registered_models", '{"name": "m", "@": 1}'),
    ("/model_versions", '{"name": "v@", "registeredModelId": "{rm}"}'),
    ("/model_versions/{mv}/artifacts", '{"artifactType": "doc-artifact", "name": "@"}'),
    ("/artifacts", '{"artifactType": "model-artifact", "uri": "s3://b/@"}'),
    ("/artifacts", '{"artifactType": "parameter", "value": "@"}'),
    ("/serving_environments", '{"name": "@"}'),
    (
        "/serving_environments/{se}/inference_services",
        '{"registeredModelId": "{rm}", "runtime": "@"}',
    ),
    ("/inference_services/{is}/serves", '{"modelVersionId": "{mv}", "name": "@"}'),
    ("/experiments", '{"name": "e", "owner": "@"}'),
    ("/experiment_runs", '{"experimentId": "{exp}", "name": "@"}'),
    ("/experiment_runs/{run}/artifacts", '{"artifactType": "metric", "value": 1, "name": "@"}'),
]


def _bodies(bad: str) -> list[tuple[str, str]]:
    return [(path, raw.replace("@", bad)) for path, raw in BAD_TEXT_BODIES]


def _send_raw(api: TestClient, seed: dict[str, str], path: str, raw: str) -> Any:
    for name, value in seed.items():
        path, raw = path.replace(f"{{{name}}}", value), raw.replace(f"{{{name}}}", value)
    return api.post(V1 + path, content=raw.encode())


@pytest.mark.parametrize("bad", [NUL, "a" + NUL + "b"], ids=["nul", "embedded-nul"])
def test_nul_characters_are_400_on_every_backend(
    api: TestClient, db: Store, seed: dict[str, str], bad: str
) -> None:
    before = snapshot(db)
    for path, raw in _bodies(bad):
        assert_error(_send_raw(api, seed, path, raw), 400)
    patch = f'{{"description": "{bad}"}}'
    assert_error(api.patch(f"{V1}/model_versions/{seed['mv']}", content=patch.encode()), 400)
    assert_unchanged(db, before)


def test_nul_in_query_parameters_is_not_a_server_error(
    api: TestClient, seed: dict[str, str]
) -> None:
    """PostgreSQL cannot compare text with NUL (400); the others simply find nothing (404)."""
    lookups = [
        ("/registered_model", {"name": "a\x00"}),
        ("/registered_model", {"externalId": "\x00"}),
        ("/model_version", {"name": "\x00", "parentResourceId": seed["rm"]}),
        ("/artifact", {"name": "\x00", "parentResourceId": seed["mv"]}),
        ("/model_artifact", {"externalId": "\x00"}),
    ]
    for path, params in lookups:
        assert_error(api.get(V1 + path, params=params), 400, 404)
    for path in (
        f"/registered_models/{seed['rm']}/versions",
        f"/model_versions/{seed['mv']}/artifacts",
    ):
        response = api.get(V1 + path, params={"name": "\x00"})
        assert response.status_code == 200 or assert_error(response, 400)


@pytest.mark.parametrize("bad", SURROGATES)
def test_lone_surrogates_are_400(
    api: TestClient, db: Store, seed: dict[str, str], bad: str
) -> None:
    before = snapshot(db)
    for path, raw in _bodies(bad):
        assert_error(_send_raw(api, seed, path, raw), 400)
    assert_unchanged(db, before)


ECHOED = [
    pytest.param(
        "/model_versions", '{"name": "v", "registeredModelId": "\\ud800"}', id="registeredModelId"
    ),
    pytest.param(
        "/registered_models/{rm}/versions", '{"name": "v", "id": "\\ud800"}', id="nested-version-id"
    ),
    pytest.param(
        "/model_versions/{mv}/artifacts",
        '{"artifactType": "metric", "value": 1, "id": "\\ud800"}',
        id="upsert-id",
    ),
    pytest.param(
        "/registered_models",
        '{"name": "m", "customProperties": {"k": {"metadataType":'
        ' "MetadataIntValue", "int_value": "\\ud800"}}}',
        id="int_value",
    ),
]


@pytest.mark.parametrize(("path", "raw"), ECHOED)
def test_lone_surrogate_in_an_id_or_integer_is_400(
    api: TestClient, db: Store, seed: dict[str, str], path: str, raw: str
) -> None:
    before = snapshot(db)
    path = path.replace("{rm}", seed["rm"]).replace("{mv}", seed["mv"])
    assert_error(api.post(V1 + path, content=raw.encode()), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize(
    "raw",
    [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xe2\x82"],
    ids=["ff", "bad-continuation", "cesu-surrogate", "beyond-U+10FFFF", "overlong", "truncated"],
)
def test_bytes_that_are_not_utf8_are_400(api: TestClient, db: Store, raw: bytes) -> None:
    before = snapshot(db)
    for body in (b'{"name": "%s"}' % raw, b'{"name": "m", "description": "%s"}' % raw):
        assert_error(api.post(f"{V1}/registered_models", content=body), 400)
    assert_unchanged(db, before)


# --- text that must work --------------------------------------------------------------------

TEXTS = [
    pytest.param("😀", id="emoji"),
    pytest.param("👩‍👩‍👧‍👦 family", id="zwj-sequence"),
    pytest.param("🇺🇳🏳️‍🌈", id="flags"),
    pytest.param("𝄞 𝕏 𠜎", id="astral-letters"),  # noqa: RUF001
    pytest.param("\U0010fffd\U000e0001", id="last-planes"),
    pytest.param("日本語 עברית عربى Ελληνικά", id="scripts"),
    pytest.param("a\u0301 e\u0308\u200b\u200d\ufeff", id="combining-and-invisible"),
    pytest.param("tab\tnewline\nquote\"back\\slash<>&'", id="escapes"),
    pytest.param("%_:*?[]", id="wildcards-and-colon"),
    pytest.param(" padded ", id="spaces"),
]


@pytest.mark.parametrize("text", TEXTS)
def test_unicode_text_round_trips_exactly(client: TestClient, text: str) -> None:
    """4-byte UTF-8 included, on MySQL too: every field, every read path, byte for byte."""
    custom = {text: {"metadataType": "MetadataStringValue", "string_value": text}}
    rm_body = {
        "name": text,
        "description": text,
        "externalId": "rm" + text,
        "owner": text,
        "language": [text],
        "customProperties": custom,
    }
    rm = create(client, "/registered_models", rm_body)
    mv = create(
        client,
        "/model_versions",
        {"name": text, "registeredModelId": rm, "author": text, "externalId": "mv" + text},
    )
    art = create(
        client,
        f"/model_versions/{mv}/artifacts",
        artifact_body(
            "model-artifact", text, uri=f"s3://b/{text}", description=text, customProperties=custom
        ),
    )
    reads = {
        "rm": [
            client.get(f"{V1}/registered_models/{rm}"),
            client.get(f"{V1}/registered_model", params={"name": text}),
            client.get(f"{V1}/registered_model", params={"externalId": "rm" + text}),
        ],
        "mv": [
            client.get(f"{V1}/model_versions/{mv}"),
            client.get(f"{V1}/model_version", params={"name": text, "parentResourceId": rm}),
            client.get(f"{V1}/model_version", params={"externalId": "mv" + text}),
        ],
        "art": [
            client.get(f"{V1}/artifacts/{art}"),
            client.get(f"{V1}/artifact", params={"name": text, "parentResourceId": mv}),
        ],
    }
    for response in [r for rs in reads.values() for r in rs]:
        assert response.status_code == 200, response.text
    for got in (r.json() for r in reads["rm"]):
        assert {k: got[k] for k in rm_body} == rm_body
    for got in (r.json() for r in reads["mv"]):
        assert (got["name"], got["author"]) == (text, text)
    for got in (r.json() for r in reads["art"]):
        assert (got["name"], got["uri"], got["customProperties"]) == (
            text,
            f"s3://b/{text}",
            custom,
        )
    listed = client.get(f"{V1}/registered_models/{rm}/versions", params={"name": text}).json()
    assert [v["id"] for v in listed["items"]] == [mv]


def test_255_four_byte_characters_fit_on_every_backend(client: TestClient) -> None:
    name = "😀" * MAX
    rm = create(client, "/registered_models", {"name": name, "externalId": "𝄞" * MAX})
    got = client.get(f"{V1}/registered_models/{rm}").json()
    assert (got["name"], got["externalId"]) == (name, "𝄞" * MAX)
    fits = MAX - len(f"{rm}:")
    mv = create(client, "/model_versions", {"name": "😀" * fits, "registeredModelId": rm})
    assert client.get(f"{V1}/model_versions/{mv}").json()["name"] == "😀" * fits


def test_megabyte_values_round_trip(client: TestClient) -> None:
    big = ("abc😀é" * 200_000)[:1_000_000]
    rm = create(client, "/registered_models", {"name": "m", "description": big, "readme": big})
    mv = create(client, "/model_versions", {"name": "v", "registeredModelId": rm})
    patched = client.patch(f"{V1}/model_versions/{mv}", json={"description": big})
    assert patched.status_code == 200, patched.text[:300]
    custom = {"k": {"metadataType": "MetadataStringValue", "string_value": big}}
    art = create(
        client,
        f"/model_versions/{mv}/artifacts",
        artifact_body("doc-artifact", "d", customProperties=custom),
    )
    got_rm = client.get(f"{V1}/registered_models/{rm}").json()
    assert got_rm["description"] == big and got_rm["readme"] == big
    assert client.get(f"{V1}/model_versions/{mv}").json()["description"] == big
    got_art = client.get(f"{V1}/artifacts/{art}").json()
    assert got_art["customProperties"]["k"]["string_value"] == big


# --- bodies over the limit ------------------------------------------------------------------

LIMIT = 16 * 1024 * 1024


def _oversized() -> bytes:
    return json.dumps({"name": "m", "description": "x" * LIMIT}).encode()


def test_body_over_16_mib_is_413(api: TestClient, db: Store) -> None:
    before = snapshot(db)
    message = assert_error(api.post(f"{V1}/registered_models", content=_oversized()), 413)
    # MySQL lowers the limit to what fits its max_allowed_packet once escaped
    assert str(min(LIMIT, db.max_request_bytes)) in message
    assert_unchanged(db, before)


def test_chunked_body_over_16_mib_is_413(api: TestClient, db: Store) -> None:
    def chunks() -> Iterator[bytes]:
        body = _oversized()
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    before = snapshot(db)
    assert_error(api.post(f"{V1}/registered_models", content=chunks()), 413)
    assert_unchanged(db, before)


def test_large_body_of_quotes_under_the_limit_is_not_a_server_error(
    request: pytest.FixtureRequest, client: TestClient, store: Store
) -> None:
    """9 MB of quote characters: fine for the 16 MiB body limit and for MEDIUMTEXT."""
    response = client.post(
        f"{V1}/registered_models", json={"name": "q", "description": "'" * 9_000_000}
    )
    if response.status_code != 201:
        assert_error(response, 400, 413)


# --- trailing spaces ---------------------------------------------------------------------------
# MariaDB/MySQL PAD SPACE collations (utf8mb4_bin among them) compare 'a' and 'a ' as equal.


def test_custom_property_names_differing_by_trailing_space(client: TestClient) -> None:
    custom = {"a": STRING, "a ": {**STRING, "string_value": "w"}}
    response = client.post(
        f"{V1}/registered_models", json={"name": "m", "customProperties": custom}
    )
    assert response.status_code == 201, response.text
    assert response.json()["customProperties"] == custom


def test_names_differing_by_trailing_space_are_distinct(client: TestClient) -> None:
    first = create(client, "/registered_models", {"name": "m"})
    second = create(client, "/registered_models", {"name": "m "})
    for name, expected in (("m", first), ("m ", second)):
        found = client.get(f"{V1}/registered_model", params={"name": name}).json()
        assert found["id"] == expected
