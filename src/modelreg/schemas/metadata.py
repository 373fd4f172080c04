"""`customProperties` values: a union discriminated by `metadataType`."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictStr
from pydantic_core import PydanticCustomError

from .base import Number, Text, WireModel

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _int64_text(value: str) -> str:
    stripped = value.strip()
    digits = stripped[1:] if stripped[:1] in "+-" else stripped
    if not digits.isascii() or not digits.isdigit():
        raise PydanticCustomError("int_value", "{v} is not an integer", {"v": ascii(value)})
    number = int(stripped)
    if not INT64_MIN <= number <= INT64_MAX:
        raise PydanticCustomError(
            "int_value", "{v} is out of the 64-bit range", {"v": ascii(value)}
        )
    return str(number)


def _base64_json_object(value: str) -> str:
    try:
        raw = base64.b64decode(value, validate=True)
        decoded = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        decoded = None
    if not isinstance(decoded, dict):
        raise PydanticCustomError(
            "struct_value", "struct_value must be the base64 encoding of a JSON object"
        )
    return value


def _base64_bytes(value: str) -> str:
    try:
        base64.b64decode(value, validate=True)
    except binascii.Error:
        raise PydanticCustomError("proto_value", "proto_value must be base64") from None
    return value


class MetadataStringValue(WireModel):
    metadata_type: Literal["MetadataStringValue"] = Field(alias="metadataType")
    string_value: Text


class MetadataIntValue(WireModel):
    metadata_type: Literal["MetadataIntValue"] = Field(alias="metadataType")
    int_value: Annotated[StrictStr, AfterValidator(_int64_text)] = Field(
        description='A 64-bit integer written as a JSON string, e.g. "42"'
    )


class MetadataDoubleValue(WireModel):
    metadata_type: Literal["MetadataDoubleValue"] = Field(alias="metadataType")
    double_value: Number


class MetadataBoolValue(WireModel):
    metadata_type: Literal["MetadataBoolValue"] = Field(alias="metadataType")
    bool_value: StrictBool


class MetadataStructValue(WireModel):
    metadata_type: Literal["MetadataStructValue"] = Field(alias="metadataType")
    struct_value: Annotated[StrictStr, AfterValidator(_base64_json_object)] = Field(
        description="Base64 of a JSON object, in requests and in responses"
    )


class MetadataProtoValue(WireModel):
    metadata_type: Literal["MetadataProtoValue"] = Field(alias="metadataType")
    type: Text = Field(description="The type URL of the message")
    proto_value: Annotated[StrictStr, AfterValidator(_base64_bytes)] = Field(
        description="Base64 of the serialised message"
    )


MetadataValue = Annotated[
    MetadataStringValue
    | MetadataIntValue
    | MetadataDoubleValue
    | MetadataBoolValue
    | MetadataStructValue
    | MetadataProtoValue,
    Field(discriminator="metadata_type"),
]

CustomProperties = dict[Annotated[Text, Field(min_length=1, max_length=255)], MetadataValue]
