"""Request bodies from keyword arguments, validated client-side by the shared wire models.

`body(RegisteredModelCreate, {"name": "m", "owner": "ada"})` gives the camelCase JSON the
API takes. Fields are snake_case keyword arguments; `None` means "not given"; custom
properties may be plain values (see `values.py`). A misspelt field is a `TypeError`, as
for any Python call; a value the registry would refuse is an `InvalidArgument` before any
request is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from modelreg.errors import InvalidArgument, MissingField

from .values import to_metadata

MISSING = frozenset({"missing", "zero_value"})


def describe(exc: ValidationError) -> str:
    """One line for pydantic's error list."""
    parts = []
    for problem in exc.errors()[:5]:
        where = ".".join(str(p) for p in problem["loc"] if not str(p).startswith("Metadata"))
        parts.append(f"{where or 'value'}: {problem['msg']}")
    return "; ".join(parts)


def field_names(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


def body(
    model: type[BaseModel],
    fields: Mapping[str, Any],
    *,
    what: str,
    allowed: Iterable[str] | None = None,
    fixed: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON body for `model` from snake_case `fields` (None values left out).

    `allowed` limits the fields a caller may give (default: all of the model's); `fixed`
    adds fields the SDK sets itself (such as `artifact_type`).
    """
    names = set(allowed) if allowed is not None else field_names(model)
    unknown = sorted(set(fields) - names)
    if unknown:
        raise TypeError(f"{what}() got unexpected keyword arguments: {', '.join(unknown)}")
    data = {name: value for name, value in fields.items() if value is not None}
    data.update(fixed or {})
    if "custom_properties" in data:
        data["custom_properties"] = to_metadata(data["custom_properties"])
    try:
        validated = model.model_validate(data)
    except ValidationError as exc:
        missing = all(p["type"] in MISSING for p in exc.errors())
        raise (MissingField if missing else InvalidArgument)(f"{what}: {describe(exc)}") from None
    dumped: dict[str, Any] = validated.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return dumped


def entity_fields(entity: BaseModel, exclude: Iterable[str]) -> dict[str, Any]:
    """The set fields of a response model, by field name, without `exclude`."""
    skip = set(exclude)
    return {
        name: getattr(entity, name)
        for name in type(entity).model_fields
        if name not in skip and getattr(entity, name) is not None
    }
