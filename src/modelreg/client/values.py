"""Custom properties between plain Python values and the wire's typed `MetadataValue`s.

    to_metadata({"auc": 0.97, "epochs": 10, "tuned": True, "framework": "onnx"})
    from_metadata(version.custom_properties) == {"auc": 0.97, "epochs": 10, ...}

`bool`, `int`, `float` and `str` map as upstream's client maps them; a `dict` becomes a
`MetadataStructValue`; `MetadataValue` objects (or their wire dicts) pass through; `None`
values are dropped.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from modelreg.errors import InvalidArgument
from modelreg.schemas.metadata import (
    CustomProperties,
    MetadataBoolValue,
    MetadataDoubleValue,
    MetadataIntValue,
    MetadataProtoValue,
    MetadataStringValue,
    MetadataStructValue,
    MetadataValue,
)

_VALUE = TypeAdapter[MetadataValue](MetadataValue)
_TYPED = (
    MetadataStringValue,
    MetadataIntValue,
    MetadataDoubleValue,
    MetadataBoolValue,
    MetadataStructValue,
    MetadataProtoValue,
)


def to_value(value: Any) -> MetadataValue:
    """One plain value as a `MetadataValue`."""
    if isinstance(value, _TYPED):
        return value
    if isinstance(value, bool):
        return MetadataBoolValue(metadata_type="MetadataBoolValue", bool_value=value)
    if isinstance(value, int):
        return MetadataIntValue(metadata_type="MetadataIntValue", int_value=str(value))
    if isinstance(value, float):
        return MetadataDoubleValue(metadata_type="MetadataDoubleValue", double_value=value)
    if isinstance(value, str):
        return MetadataStringValue(metadata_type="MetadataStringValue", string_value=value)
    if isinstance(value, Mapping) and "metadataType" in value:
        try:
            return _VALUE.validate_python(dict(value))
        except ValidationError as exc:
            problem = exc.errors()[0]["msg"]
            raise InvalidArgument(f"invalid metadata value {value!r}: {problem}") from None
    if isinstance(value, Mapping):
        encoded = base64.b64encode(json.dumps(dict(value)).encode()).decode()
        return MetadataStructValue(metadata_type="MetadataStructValue", struct_value=encoded)
    raise InvalidArgument(
        f"unsupported metadata value {value!r} ({type(value).__name__}): use bool, int, "
        "float, str, dict or a MetadataValue"
    )


def to_metadata(values: Mapping[str, Any] | None) -> CustomProperties | None:
    """Plain values (or `MetadataValue`s) as the wire's `customProperties` map."""
    if values is None:
        return None
    return {str(name): to_value(value) for name, value in values.items() if value is not None}


def from_value(value: MetadataValue | Mapping[str, Any]) -> Any:
    """One `MetadataValue` as a plain value; a proto value is returned unchanged."""
    typed = value if isinstance(value, BaseModel) else _VALUE.validate_python(dict(value))
    if isinstance(typed, MetadataIntValue):
        return int(typed.int_value)
    if isinstance(typed, MetadataStructValue):
        return json.loads(base64.b64decode(typed.struct_value))
    if isinstance(typed, MetadataStringValue):
        return typed.string_value
    if isinstance(typed, MetadataDoubleValue):
        return typed.double_value
    if isinstance(typed, MetadataBoolValue):
        return typed.bool_value
    return typed


def from_metadata(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """A `customProperties` map as plain Python values."""
    return {name: from_value(value) for name, value in (values or {}).items()}
