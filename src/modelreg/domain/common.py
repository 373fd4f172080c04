"""Rules every entity shares: ids, clocks, names, lookups that must find exactly one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence

from pydantic import BaseModel

from modelreg.errors import InvalidArgument, NotFound
from modelreg.schemas.base import INT32_MAX, MAX_NAME_LENGTH

from .codec import merge
from .kinds import Kind, missing
from .ports import Repo, StorePort
from .records import NewChild, Record


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def parse_id(raw: str | int, what: str = "id") -> int:
    """A path or query id: a positive 32-bit integer, else 400."""
    text = str(raw)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= INT32_MAX:
        raise InvalidArgument(f"invalid {what} {text!r}: must be a positive 32-bit integer")
    return int(text)


WIDEST_ID = INT32_MAX
"""The longest a parent's id can be in a stored name: ids are positive 32-bit integers
(`parse_id`; the id columns are INTEGER)."""


def child_name(prefix: str | int, name: str | None) -> str:
    """Stored name of a child entity: `<prefix>:<name>`, a UUID standing in for no name;
    InvalidArgument (400) when it does not fit MAX_NAME_LENGTH."""
    stored = f"{prefix}:{_or_uuid(name)}"
    if len(stored) > MAX_NAME_LENGTH:
        raise InvalidArgument(
            f"name {name!r} is too long: with its parent prefix it must fit {MAX_NAME_LENGTH} "
            "characters"
        )
    return stored


def fits_under_any_parent(name: str) -> bool:
    """Whether `<id>:<name>` fits MAX_NAME_LENGTH whatever the parent's id (checked
    against `WIDEST_ID`). Storage may write the stored name of a `NewChild` before its
    parent's id is known only when it does; otherwise it waits for the id and
    `child_name` says whether the name fits that one."""
    return len(f"{WIDEST_ID}:{name}") <= MAX_NAME_LENGTH


def new_child(record: Record, name: str | None) -> NewChild:
    """A child to add with its new parent (the port's `children=`), a UUID standing in
    for no name, as in `child_name`."""
    return NewChild(record, _or_uuid(name))


def _or_uuid(name: str | None) -> str:
    return name or str(uuid.uuid4())


def require(repo: Repo, kinds: Sequence[Kind], entity_id: int) -> Record:
    """The record, or NotFound. In a write, one the work may change (see Repo.get)."""
    record = repo.get(kinds, entity_id)
    if record is None:
        raise missing(kinds, entity_id)
    return record


def require_exists(repo: Repo, kinds: Sequence[Kind], entity_id: int) -> None:
    """`require` for a parent that is only checked: one indexed probe, no properties."""
    if not repo.exists(kinds, entity_id):
        raise missing(kinds, entity_id)


def exactly_one(found: list[Record], what: str) -> Record:
    if not found:
        raise NotFound(f"no {what}")
    if len(found) > 1:
        raise InvalidArgument(f"more than one {what}; look it up by id")
    return found[0]


def new_record(kind: Kind, name: str | None) -> Record:
    stamp = now_ms()
    return Record(kind=kind, name=name, create_time=stamp, update_time=stamp)


def touch(record: Record) -> None:
    """Stamp a change: strictly after the stamp before, even within one millisecond, so
    an unchanged stamp means an unchanged entity (storage/entity_cache.py relies on it)."""
    record.update_time = max(now_ms(), record.update_time + 1)


def update_entity(
    store: StorePort, kinds: Sequence[Kind], entity_id: int, body: BaseModel
) -> Record:
    """PATCH: load, copy the fields the body carries, stamp, save (Store.update)."""

    def patch(record: Record) -> None:
        merge(record, body)
        touch(record)

    return store.update(kinds, entity_id, patch)
