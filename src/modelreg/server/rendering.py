"""Records as the JSON of each API version (`v1`, `v1alpha3`): what a response shows."""

from __future__ import annotations

from typing import Any, Literal

from modelreg.domain.codec import ARTIFACT_STATES, EXECUTION_STATES
from modelreg.domain.kinds import HIDDEN_CUSTOM, Prop, Table
from modelreg.domain.records import Record
from modelreg.domain.values import Stored, decode_string_list, to_wire

ApiVersion = Literal["v1", "v1alpha3"]


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
