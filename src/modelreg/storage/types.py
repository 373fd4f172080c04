"""MLMD type rows: looked up by name, created on first start (type ids are dynamic)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Connection, CursorResult, insert, select

from modelreg.domain.kinds import ALL_KINDS, DATA_TYPES, Kind, Table

from . import tables as t

TYPE_KIND = {Table.EXECUTION: 0, Table.ARTIFACT: 1, Table.CONTEXT: 2}


class TypeRegistry:
    """Type name -> id, filled from the database once and kept for the process."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def id_of(self, kind: Kind) -> int:
        return self._ids[kind.type_name]

    def id_by_name(self, type_name: str) -> int:
        return self._ids[type_name]

    def load(self, conn: Connection) -> None:
        wanted = [k.type_name for k in ALL_KINDS]
        rows = conn.execute(
            select(t.type_.c.name, t.type_.c.id)
            .where(t.type_.c.name.in_(wanted))
            .order_by(t.type_.c.id)
        ).all()
        ids: dict[str, int] = {}
        for name, type_id in rows:
            ids.setdefault(name, type_id)  # the oldest row wins if a race made two
        with self._lock:
            self._ids = ids

    def missing(self) -> list[str]:
        return [k.type_name for k in ALL_KINDS if k.type_name not in self._ids]


def seed_types(conn: Connection) -> None:
    """Create every registry type and its declared properties unless present (idempotent)."""
    existing = {row[0]: row[1] for row in conn.execute(select(t.type_.c.name, t.type_.c.id))}
    declared: list[tuple[str, Table, dict[str, int]]] = [
        (k.type_name, k.table, {p.name: DATA_TYPES[p.column] for p in k.props}) for k in ALL_KINDS
    ]
    for name, table, props in declared:
        type_id = existing.get(name)
        if type_id is None:
            result = conn.execute(insert(t.type_).values(name=name, type_kind=TYPE_KIND[table]))
            type_id = new_id(result)
        known = set(
            conn.execute(
                select(t.type_property.c.name).where(t.type_property.c.type_id == type_id)
            ).scalars()
        )
        rows = [
            {"type_id": type_id, "name": prop, "data_type": data_type}
            for prop, data_type in props.items()
            if prop not in known
        ]
        if rows:
            conn.execute(insert(t.type_property), rows)


def new_id(result: CursorResult[Any]) -> int:
    """The id an INSERT just generated."""
    key = result.inserted_primary_key
    assert key is not None, "INSERT returned no primary key"
    return int(key[0])
