"""customProperties: every malformed MetadataValue is a 400, and the edge values that must work."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from modelreg.storage.store import Store

from .support import (
    V1,
    WRITES,
    assert_error,
    assert_unchanged,
    send,
    snapshot,
)

# --- customProperties values -----------------------------------------------------------------


def b64(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.b64encode(raw).decode()


def _value(metadata_type: str, **fields: Any) -> dict[str, Any]:
    return {"metadataType": metadata_type, **fields}


BAD_METADATA = [
    pytest.param(None, (400,), id="null"),
    pytest.param("x", (400,), id="string"),
    pytest.param([], (400,), id="array"),
    pytest.param({"string_value": "x"}, (400,), id="no-metadataType"),
    pytest.param(_value("MetadataFooValue", string_value="x"), (400,), id="unknown-metadataType"),
    pytest.param(_value("metadatastringvalue", string_value="x"), (400,), id="metadataType-case"),
    # a missing value is a missing required field: 422 is as right as 400 there
    pytest.param(_value("MetadataStringValue"), (400, 422), id="string-missing-value"),
    pytest.param(_value("MetadataIntValue"), (400, 422), id="int-missing-value"),
    pytest.param(_value("MetadataStringValue", string_value=5), (400,), id="string-number"),
    pytest.param(_value("MetadataStringValue", string_value=None), (400,), id="string-null"),
    pytest.param(_value("MetadataIntValue", int_value=5), (400,), id="int-json-number"),
    pytest.param(_value("MetadataIntValue", int_value="abc"), (400,), id="int-abc"),
    pytest.param(_value("MetadataIntValue", int_value="1.5"), (400,), id="int-decimal"),
    pytest.param(_value("MetadataIntValue", int_value=""), (400,), id="int-empty"),
    pytest.param(
        _value("MetadataIntValue", int_value="9223372036854775808"), (400,), id="int-over-int64"
    ),
    pytest.param(
        _value("MetadataIntValue", int_value="-9223372036854775809"), (400,), id="int-under-int64"
    ),
    pytest.param(_value("MetadataIntValue", int_value="١٢"), (400,), id="int-arabic-digits"),
    pytest.param(_value("MetadataIntValue", int_value="0x10"), (400,), id="int-hex"),
    pytest.param(_value("MetadataDoubleValue", double_value="1.5"), (400,), id="double-string"),
    pytest.param(_value("MetadataDoubleValue", double_value="NaN"), (400,), id="double-NaN-string"),
    pytest.param(_value("MetadataDoubleValue", double_value=True), (400,), id="double-bool"),
    pytest.param(_value("MetadataBoolValue", bool_value="true"), (400,), id="bool-string"),
    pytest.param(_value("MetadataBoolValue", bool_value=1), (400,), id="bool-number"),
    pytest.param(
        _value("MetadataStructValue", struct_value="not base64!"), (400,), id="struct-not-b64"
    ),
    pytest.param(
        _value("MetadataStructValue", struct_value=b64("[1, 2]")), (400,), id="struct-array"
    ),
    pytest.param(
        _value("MetadataStructValue", struct_value=b64('"x"')), (400,), id="struct-string"
    ),
    pytest.param(
        _value("MetadataStructValue", struct_value=b64("{nope")), (400,), id="struct-bad-json"
    ),
    pytest.param(
        _value("MetadataStructValue", struct_value=b64(b"\xff\xfe")), (400,), id="struct-not-utf8"
    ),
    pytest.param(
        _value("MetadataStructValue", struct_value={"a": 1}), (400,), id="struct-plain-object"
    ),
    pytest.param(
        _value("MetadataProtoValue", type="t", proto_value="!!"), (400,), id="proto-not-b64"
    ),
]
# customProperties is one type everywhere; one write per request model family is enough.
METADATA_WRITES = [
    w
    for w in WRITES
    if (w.method, w.family)
    in {
        ("POST", "rm"),
        ("PATCH", "mv"),
        ("PATCH", "model-artifact"),
        ("POST", "doc-artifact"),
        ("POST", "parameter"),
        ("PATCH", "metric"),
        ("PATCH", "dataset-artifact"),
    }
]
# Non-finite doubles cannot be written by a JSON encoder: sent as raw text.
RAW_DOUBLES = [b"NaN", b"Infinity", b"-Infinity", b"1e400"]


@pytest.mark.parametrize(("value", "statuses"), BAD_METADATA)
def test_bad_custom_property_value_is_400(
    api: TestClient, db: Store, seed: dict[str, str], value: Any, statuses: tuple[int, ...]
) -> None:
    before = snapshot(db)
    for write in METADATA_WRITES:
        body = {
            **write.body,
            "customProperties": {"ok": _value("MetadataBoolValue", bool_value=True), "k": value},
        }
        message = assert_error(send(api, write, seed, body=body), *statuses)
        assert "customProperties" in message, message
    assert_unchanged(db, before)


@pytest.mark.parametrize("literal", RAW_DOUBLES, ids=lambda b: b.decode())
def test_non_finite_double_is_400(api: TestClient, db: Store, literal: bytes) -> None:
    before = snapshot(db)
    cp = b'{"k": {"metadataType": "MetadataDoubleValue", "double_value": %s}}' % literal
    bodies = [
        b'{"name": "m", "customProperties": %s}' % cp,
        b'{"artifactType": "metric", "value": %s}' % literal,
    ]
    for path, content in zip(("/registered_models", "/artifacts"), bodies, strict=True):
        assert_error(api.post(V1 + path, content=content), 400)
    assert_unchanged(db, before)


@pytest.mark.parametrize("name", ["", "x" * 256], ids=["empty", "256-chars"])
def test_bad_custom_property_name_is_400(api: TestClient, db: Store, name: str) -> None:
    before = snapshot(db)
    body = {"name": "m", "customProperties": {name: _value("MetadataBoolValue", bool_value=True)}}
    assert_error(api.post(f"{V1}/registered_models", json=body), 400)
    assert_unchanged(db, before)


def test_valid_custom_property_values_round_trip(client: TestClient) -> None:
    """The counterpart of the bad values: the edges that must be accepted."""
    props = {
        "max": _value("MetadataIntValue", int_value="9223372036854775807"),
        "min": _value("MetadataIntValue", int_value="-9223372036854775808"),
        "d": _value("MetadataDoubleValue", double_value=-1.5e300),
        "b": _value("MetadataBoolValue", bool_value=False),
        "s": _value("MetadataStringValue", string_value=""),
        "st": _value("MetadataStructValue", struct_value=b64('{"a": [1, "x", null, true]}')),
    }
    created = client.post(f"{V1}/registered_models", json={"name": "m", "customProperties": props})
    assert created.status_code == 201, created.text
    fetched = client.get(f"{V1}/registered_models/{created.json()['id']}").json()
    got = fetched["customProperties"]
    assert {k: got[k] for k in ("max", "min", "d", "b", "s")} == {
        k: props[k] for k in ("max", "min", "d", "b", "s")
    }
    assert json.loads(base64.b64decode(got["st"]["struct_value"])) == {"a": [1, "x", None, True]}


def test_deeply_nested_struct_round_trips(client: TestClient) -> None:
    nested = '{"a":' * 150 + "1" + "}" * 150
    body = {
        "name": "m",
        "customProperties": {"k": _value("MetadataStructValue", struct_value=b64(nested))},
    }
    created = client.post(f"{V1}/registered_models", json=body)
    assert created.status_code == 201, created.text
    fetched = client.get(f"{V1}/registered_models/{created.json()['id']}")
    assert fetched.status_code == 200, fetched.text
    got = fetched.json()["customProperties"]["k"]["struct_value"]
    assert json.loads(base64.b64decode(got)) == json.loads(nested)


def test_struct_too_deep_to_decode_is_400(api: TestClient, db: Store) -> None:
    deep = '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"
    body = {
        "name": "m",
        "customProperties": {"k": _value("MetadataStructValue", struct_value=b64(deep))},
    }
    before = snapshot(db)
    assert "customProperties" in assert_error(api.post(f"{V1}/registered_models", json=body), 400)
    assert_unchanged(db, before)


def test_struct_with_integer_beyond_double_range_is_400(api: TestClient, db: Store) -> None:
    huge = '{"a": 1' + "0" * 400 + "}"
    body = {
        "name": "m",
        "customProperties": {"k": _value("MetadataStructValue", struct_value=b64(huge))},
    }
    before = snapshot(db)
    assert_error(api.post(f"{V1}/registered_models", json=body), 400)
    assert_unchanged(db, before)


def test_string_value_with_the_struct_prefix_is_refused(client: TestClient) -> None:
    """MLMD stores structs as strings starting with `mlmd-struct::`; a string value with that
    prefix would read back as a struct (or not at all), so it is a clear 400."""
    text = "mlmd-struct::not base64!"
    body = {
        "name": "m",
        "customProperties": {"k": _value("MetadataStringValue", string_value=text)},
    }
    message = assert_error(client.post(f"{V1}/registered_models", json=body), 400)
    assert "mlmd-struct::" in message
    assert client.get(f"{V1}/registered_models").json()["items"] == []
