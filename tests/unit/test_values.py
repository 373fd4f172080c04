from __future__ import annotations

import base64
import json

from google.protobuf import struct_pb2

from modelreg.domain.values import (
    STRUCT_PREFIX,
    Stored,
    decode_string_list,
    decode_struct,
    encode_string_list,
    encode_struct,
    to_stored,
    to_wire,
)
from modelreg.schemas.metadata import MetadataIntValue, MetadataStructValue


def test_struct_is_stored_as_upstream_does() -> None:
    stored = encode_struct({"language": ["en"]})
    assert stored.startswith(STRUCT_PREFIX)
    message = struct_pb2.Struct()
    message.ParseFromString(base64.b64decode(stored[len(STRUCT_PREFIX) :]))
    assert list(message["language"]) == ["en"]


def test_struct_written_by_upstream_reads_back_as_json() -> None:
    message = struct_pb2.Struct()
    message.update({"a": 3, "b": [1.5, "x"]})
    upstream = STRUCT_PREFIX + base64.b64encode(message.SerializeToString()).decode()
    assert decode_struct(upstream) == {"a": 3, "b": [1.5, "x"]}
    wire = to_wire(Stored("string_value", upstream))
    assert json.loads(base64.b64decode(wire["struct_value"])) == {"a": 3, "b": [1.5, "x"]}


def test_struct_keeps_the_client_text() -> None:
    text = b'{ "z": 1,  "a": [true] }'
    value = MetadataStructValue(
        metadataType="MetadataStructValue", struct_value=base64.b64encode(text).decode()
    )
    stored = to_stored(value)
    assert stored.raw == text
    assert base64.b64decode(to_wire(stored)["struct_value"]) == text


def test_int_value_is_normalised() -> None:
    value = MetadataIntValue(metadataType="MetadataIntValue", int_value="+05")
    assert to_stored(value) == Stored("int_value", 5)
    assert to_wire(Stored("int_value", 5))["int_value"] == "5"


def test_string_lists() -> None:
    stored = encode_string_list("tasks", ["a", "b"])
    assert decode_string_list("tasks", stored) == ["a", "b"]
    assert decode_string_list("tasks", "plain text") is None
