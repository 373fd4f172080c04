"""Wire models <-> records: how request fields land in rows and rows become JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from modelreg.schemas.enums import ArtifactState, ExecutionState

from .kinds import HIDDEN_CUSTOM, Prop, Table
from .records import Record
from .values import Stored, decode_string_list, encode_string_list, to_stored, to_wire

ApiVersion = Literal["v1", "v1alpha3"]
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


def decode_prop(prop: Prop, stored: Stored, api: ApiVersion) -> Any:
    value = stored.value
    if prop.codec == "id":
        return str(value)
    if prop.codec == "int":
        return int(value) if api == "v1alpha3" else str(value)
    if prop.codec == "strlist":
        return decode_string_list(prop.name, str(value))
    if prop.codec == "double":
        return float(value)
    return value


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


def to_json(record: Record, api: ApiVersion = "v1") -> dict[str, Any]:
    """The response object of one record, with unset fields omitted."""
    kind = record.kind
    out: dict[str, Any] = {
        "id": str(record.id),
        "createTimeSinceEpoch": str(record.create_time),
        "lastUpdateTimeSinceEpoch": str(record.update_time),
    }
    if record.name is not None:
        out["name"] = record.display_name
    if record.external_id is not None:
        out["externalId"] = record.external_id
    if kind.table is Table.ARTIFACT:
        _artifact_columns(record, out, api)
    elif (state := _state_name(EXECUTION_STATES, record.state)) is not None:
        out["lastKnownState"] = state
    props = record.props
    for prop in kind.props:
        stored = props.get(prop.name)
        if stored is not None:
            decoded = stored.value if prop.codec == "text" else decode_prop(prop, stored, api)
            if decoded is not None:
                out[prop.alias] = decoded
    out["customProperties"] = {
        name: to_wire(stored) for name, stored in record.custom.items() if name not in HIDDEN_CUSTOM
    }
    return out


def _artifact_columns(record: Record, out: dict[str, Any], api: ApiVersion) -> None:
    out["artifactType"] = record.kind.artifact_type
    if record.uri is not None:
        out["uri"] = record.uri
    if (state := _state_name(ARTIFACT_STATES, record.state)) is not None:
        out["state"] = state
    if api == "v1alpha3":
        for name, alias in (
            ("experiment_id", "experimentId"),
            ("experiment_run_id", "experimentRunId"),
        ):
            stored = record.custom.get(name)
            if stored is not None:
                out[alias] = str(stored.value)


def _state_name(names: list[str], stored: int | None) -> str | None:
    return names[stored] if stored is not None and 0 <= stored < len(names) else None
