"""Rows to records and records to rows: entity columns, property rows, JSON parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy.exc import IntegrityError

from modelreg.domain.kinds import Table
from modelreg.domain.records import NewChild, Record
from modelreg.domain.values import Stored
from modelreg.errors import AlreadyExists

from . import statements as st
from . import tables as t


def fill_properties(by_id: dict[int, list[Record]], rows: Sequence[Sequence[Any]]) -> None:
    """Property rows (owner id, name, is_custom_property, the value columns) onto records."""
    for owner_id, name, custom, int_, string, bool_, double, bytes_, proto in rows:
        # Most properties are plain strings or numbers: build those without the general
        # decoder (the first non-NULL column wins: int, string, bool, double, ...).
        if int_ is None and string is not None and bytes_ is None:
            stored = _new_tuple(Stored, ("string_value", string, None))
        elif int_ is not None:
            stored = _new_tuple(Stored, ("int_value", int_, None))
        elif string is None and bool_ is None and double is not None:
            stored = _new_tuple(Stored, ("double_value", double, None))
        elif (decoded := _stored_of((int_, string, bool_, double, bytes_, proto))) is not None:
            stored = decoded
        else:
            continue
        for record in by_id[owner_id]:
            (record.custom if custom else record.props)[name] = stored


_new_tuple = tuple.__new__  # a NamedTuple without its keyword-handling constructor
COLUMN_POSITIONS = {
    kind: {column.name: i for i, column in enumerate(t.ENTITY_TABLES[kind.value].c)}
    for kind in Table
}
assert all(p["id"] == 0 and p["type_id"] == 1 for p in COLUMN_POSITIONS.values())


def property_rows(record: Record) -> list[dict[str, Any]]:
    rows = []
    for custom, props in ((False, record.props), (True, record.custom)):
        for name, stored in props.items():
            row: dict[str, Any] = dict.fromkeys(st.VALUE_COLUMNS)
            row["owner_id"] = record.id
            row["name"] = name
            row["is_custom_property"] = custom
            row[stored.column] = stored.value
            if stored.raw is not None:
                row["byte_value"] = stored.raw
            rows.append(row)
    return rows


def tree_params(record: Record, values: dict[str, Any], under: int | None) -> dict[str, Any]:
    """Parameters of `st.insert_tree_sql`: the entity's columns, the parent, and the
    property rows as one JSON text."""
    return {**values, "parent_id": under, st.PROP_ROWS: _property_rows_json(record)}


def _property_rows_json(record: Record) -> str:
    """The record's property rows as a JSON array of objects, each with only the value
    column it sets; bytes as PostgreSQL's hex text (the API refuses non-finite doubles)."""
    rows = []
    for custom, props in ((False, record.props), (True, record.custom)):
        for name, stored in props.items():
            value = stored.value
            row = {
                "name": name,
                "is_custom_property": custom,
                stored.column: "\\x" + value.hex() if isinstance(value, bytes) else value,
            }
            if stored.raw is not None:
                row["byte_value"] = "\\x" + stored.raw.hex()
            rows.append(row)
    return orjson.dumps(rows).decode()


def _stored_of(values: Sequence[Any]) -> Stored | None:
    """The typed value of a property row, from its value columns in VALUE_COLUMNS order
    (the first non-NULL one wins, as upstream reads them)."""
    int_value, string_value, bool_value, double_value, byte_value, proto_value = values
    if int_value is not None:
        return Stored("int_value", int_value)
    if string_value is not None:
        raw = bytes(byte_value) if byte_value is not None else None
        return Stored("string_value", string_value, raw)
    if bool_value is not None:
        return Stored("bool_value", bool(bool_value))
    if double_value is not None:
        return Stored("double_value", double_value)
    if byte_value is not None:
        return Stored("byte_value", bytes(byte_value))
    if proto_value is not None:
        return Stored("proto_value", bytes(proto_value))
    return None


def conflict(
    record: Record, exc: IntegrityError, children: Sequence[NewChild] = ()
) -> AlreadyExists:
    """The AlreadyExists of a broken unique key; with `children`, new in the same
    statement as `record`, the one whose table's key broke is named."""
    detail = str(exc.orig).lower()
    label, shown, external_id = record.kind.label, record.display_name, record.external_id
    for child in children:
        child_table = t.ENTITY_TABLES[child.record.kind.table.value].name
        if f"uq_{child_table}_".lower() in detail:
            label, shown, external_id = (
                child.record.kind.label,
                child.name,
                child.record.external_id,
            )
            break
    if "external_id" in detail:
        return AlreadyExists(f"{label} with externalId {external_id!r} already exists")
    return AlreadyExists(f"{label} with name {shown!r} already exists")
