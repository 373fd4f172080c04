"""Stored property values and their wire form (`MetadataValue`).

A property row keeps its value in exactly one typed column. `Stored` names that column
and holds the Python value. Structs live in `string_value` as `mlmd-struct::` followed by
base64 of a serialised `google.protobuf.Struct`, and protos in `proto_value` as a
serialised `google.protobuf.Any`, exactly as MLMD and upstream write them, so that
databases written by either read back the same.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from modelreg.errors import InvalidArgument
from modelreg.schemas import metadata as wire

if TYPE_CHECKING:
    from types import ModuleType

ValueColumn = Literal[
    "int_value", "double_value", "string_value", "bool_value", "byte_value", "proto_value"
]
STRUCT_PREFIX = "mlmd-struct::"


class Stored(NamedTuple):
    column: ValueColumn
    value: Any
    raw: bytes | None = None
    """For structs: the JSON text exactly as the client sent it, kept in `byte_value`
    beside the upstream encoding so the value reads back byte for byte."""


def _pb(name: str) -> ModuleType:
    """A protobuf module, imported on first use: only structs and protos need protobuf, and
    a worker that never sees one saves its 2.6 MB."""
    import importlib

    return importlib.import_module(f"google.protobuf.{name}")


def encode_struct(obj: dict[str, Any]) -> str:
    message = _pb("struct_pb2").Struct()
    try:
        message.update(obj)
    except (ValueError, TypeError, OverflowError) as exc:
        raise InvalidArgument(f"struct value cannot be stored: {exc}") from None
    return STRUCT_PREFIX + base64.b64encode(message.SerializeToString()).decode("ascii")


def _integral_floats_as_ints(value: Any) -> Any:
    # protobuf Struct keeps every number as a double; JSON has one number type, so print
    # 3.0 as 3 to give back what the client most likely sent.
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats_as_ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_ints(v) for v in value]
    return value


def decode_struct(text: str) -> dict[str, Any]:
    """The struct's dict; ValueError when the text is not a serialised struct."""
    message = _pb("struct_pb2").Struct()
    try:
        message.ParseFromString(base64.b64decode(text[len(STRUCT_PREFIX) :]))
    except _pb("message").DecodeError as exc:
        raise ValueError(f"not a serialised struct: {exc}") from None
    return dict(_integral_floats_as_ints(_pb("json_format").MessageToDict(message)))


def to_stored(
    value: wire.MetadataStringValue
    | wire.MetadataIntValue
    | wire.MetadataDoubleValue
    | wire.MetadataBoolValue
    | wire.MetadataStructValue
    | wire.MetadataProtoValue,
) -> Stored:
    """Wire `MetadataValue` -> the column and value a property row stores."""
    if isinstance(value, wire.MetadataStringValue):
        if value.string_value.startswith(STRUCT_PREFIX):
            raise InvalidArgument(
                f"string values may not start with {STRUCT_PREFIX!r}: MLMD reserves it for structs"
            )
        return Stored("string_value", value.string_value)
    if isinstance(value, wire.MetadataIntValue):
        return Stored("int_value", int(value.int_value))
    if isinstance(value, wire.MetadataDoubleValue):
        return Stored("double_value", float(value.double_value))
    if isinstance(value, wire.MetadataBoolValue):
        return Stored("bool_value", value.bool_value)
    if isinstance(value, wire.MetadataStructValue):
        raw = base64.b64decode(value.struct_value)
        return Stored("string_value", encode_struct(json.loads(raw)), raw)
    packed = _pb("any_pb2").Any(type_url=value.type, value=base64.b64decode(value.proto_value))
    return Stored("proto_value", packed.SerializeToString())


def to_wire(stored: Stored) -> dict[str, Any]:
    """A stored value -> the JSON object of its `MetadataValue`."""
    column, value, raw = stored
    if column == "int_value":
        return {"metadataType": "MetadataIntValue", "int_value": str(value)}
    if column == "string_value":
        if value.startswith(STRUCT_PREFIX):
            if raw is None:  # written by upstream: re-encode the struct
                try:
                    raw = json.dumps(decode_struct(value), separators=(",", ":")).encode("utf-8")
                except ValueError:  # not a struct after all: show the text
                    return {"metadataType": "MetadataStringValue", "string_value": value}
            encoded = base64.b64encode(raw).decode("ascii")
            return {"metadataType": "MetadataStructValue", "struct_value": encoded}
        return {"metadataType": "MetadataStringValue", "string_value": value}
    if column == "bool_value":
        return {"metadataType": "MetadataBoolValue", "bool_value": bool(value)}
    if column == "double_value":
        return {"metadataType": "MetadataDoubleValue", "double_value": value}
    if column == "proto_value":
        packed = _pb("any_pb2").Any()
        packed.ParseFromString(value)
        return {
            "metadataType": "MetadataProtoValue",
            "type": packed.type_url,
            "proto_value": base64.b64encode(packed.value).decode("ascii"),
        }
    # byte_value: only MLMD itself writes it; upstream shows it as a struct of its bytes.
    encoded = base64.b64encode(json.dumps(base64.b64encode(value).decode()).encode()).decode()
    return {"metadataType": "MetadataStructValue", "struct_value": encoded}


def encode_string_list(field: str, items: list[str]) -> str:
    """`language` and `tasks` are stored as a struct {"<field>": [...]}, as upstream does."""
    return encode_struct({field: list(items)})


def decode_string_list(field: str, text: str) -> list[str] | None:
    if not text.startswith(STRUCT_PREFIX):
        return None
    items = decode_struct(text).get(field)
    return [str(item) for item in items] if isinstance(items, list) else None
