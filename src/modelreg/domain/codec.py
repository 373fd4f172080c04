"""Wire models -> records: how the fields of a request land in an entity's rows.

The way back, a record as the JSON of one API version, is the server's (server/rendering.py).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from modelreg.schemas.enums import ArtifactState, ExecutionState

from .kinds import HIDDEN_CUSTOM, Prop, Table
from .records import Record
from .values import Stored, encode_string_list, to_stored

ARTIFACT_STATES = [s.value for s in ArtifactState]
EXECUTION_STATES = [s.value for s in ExecutionState]
# Fields the generic merge never copies: identity, server-owned, or handled by a use case.
NOT_MERGED = frozenset(
    {
        "id",
        "name",
        "artifact_type",
        "create_time_since_epoch",
        "last_update_time_since_epoch",
        "experiment_id",
        "experiment_run_id",
        "registered_model_id",
        "serving_environment_id",
    }
)


def _plain(value: Any) -> Any:
    return value.value if hasattr(value, "value") and not isinstance(value, int | float) else value


def encode_prop(prop: Prop, value: Any) -> Stored:
    if prop.codec == "id":
        return Stored("int_value", int(value))
    if prop.codec == "double":
        return Stored("double_value", float(value))
    if prop.codec == "int":
        return Stored("int_value", int(value))
    if prop.codec == "strlist":
        return Stored("string_value", encode_string_list(prop.name, list(value)))
    if prop.codec == "epoch":
        return Stored("string_value", str(int(value)))
    return Stored("string_value", str(_plain(value)))


def merge(record: Record, body: BaseModel) -> None:
    """Copy every field the body carries (and that is not null) onto the record.

    Fields left out are left unchanged. `customProperties`, when present, replaces the
    user's map as a whole; the reserved experiment links survive it.
    """
    kind = record.kind
    for field_name in body.model_fields_set:
        if field_name in NOT_MERGED:
            continue
        value = getattr(body, field_name)
        if value is None:
            continue
        if field_name == "external_id":
            record.external_id = value
        elif field_name == "uri":
            record.uri = value
        elif field_name == "state" and kind.table is Table.ARTIFACT:
            record.state = ARTIFACT_STATES.index(_plain(value))
        elif field_name == "last_known_state" and kind.table is Table.EXECUTION:
            record.state = EXECUTION_STATES.index(_plain(value))
        elif field_name == "custom_properties":
            kept = {k: v for k, v in record.custom.items() if k in HIDDEN_CUSTOM}
            record.custom = {name: to_stored(v) for name, v in value.items()} | kept
        elif (prop := kind.prop_by_field.get(field_name)) is not None:
            record.props[prop.name] = encode_prop(prop, value)


def apply_defaults(record: Record) -> None:
    for field_name, value in record.kind.defaults.items():
        prop = record.kind.prop_by_field[field_name]
        record.props.setdefault(prop.name, encode_prop(prop, value))
