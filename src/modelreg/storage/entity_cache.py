"""Entities as last read, reused while their row says they have not changed since.

A page of 100 versions is one statement for the entity rows and one for their 600-odd
property rows; turning those property rows into records and the records into JSON was
most of what a list cost a worker. The entity row is read on every request anyway, and
its `last_update_time_since_epoch` moves forward on every change to the entity or its
properties (`domain.common.touch` makes it strictly greater than the one before, and
`Repository.update` and `update_unchanged` are the only ways either changes). So a record
read earlier whose type, create time and update time equal the row's is the record the
property rows would give again:
the page reuses it, its properties are not read, and its JSON (kept on the record per
API version, `Record.encoded`) is not built again.

Only read transactions use the cache, and nothing changes a record they return: the
write paths load their own records, with row locks. Each Store has its own cache (ids
are per database); entries go oldest-first once `capacity` is reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from sys import intern
from typing import Any

from modelreg.domain.kinds import Table
from modelreg.domain.records import Record

_Key = tuple[Table, int]
_Stamp = tuple[int, int, int]
"""(type id, create time, update time) of the row a record was read from."""


class EntityCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: dict[_Key, tuple[_Stamp, Record]] = {}

    def lookup(self, table: Table, row: Sequence[Any], stamp_at: tuple[int, int]) -> Record | None:
        """The kept record of this entity row (id first, type id second), if the row is
        unchanged since; `stamp_at`: where the row has its create and update times."""
        entry = self._entries.get((table, row[0]))
        if entry is None:
            return None
        (type_id, created, updated), record = entry
        if type_id != row[1] or created != row[stamp_at[0]] or updated != row[stamp_at[1]]:
            return None
        return record

    def keep(self, table: Table, records: Sequence[Record], type_ids: Sequence[int]) -> None:
        """Keep records just read (with their properties); nothing may change them after."""
        entries = self._entries
        for record, type_id in zip(records, type_ids, strict=True):
            record.encoded = {}
            # every version repeats the same few property names: keep one copy of each
            record.props = {intern(k): v for k, v in record.props.items()}
            record.custom = {intern(k): v for k, v in record.custom.items()}
            stamp = (type_id, record.create_time, record.update_time)
            entries[(table, record.id)] = (stamp, record)
        trim_oldest(entries, self.capacity)

    def clear(self) -> None:
        """Forget everything: for rows deleted or replaced behind the registry's back."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def trim_oldest(entries: dict[Any, Any], capacity: int) -> None:
    """Drop the oldest entries (first inserted) beyond `capacity`."""
    while len(entries) > capacity:
        try:  # another request thread may have taken the oldest already
            del entries[next(iter(entries))]
        except (KeyError, StopIteration, RuntimeError):
            break
