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
from .records import Record


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def parse_id(raw: str | int, what: str = "id") -> int:
    """A path or query id: a positive 32-bit integer, else 400."""
    text = str(raw)
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= INT32_MAX:
        raise InvalidArgument(f"invalid {what} {text!r}: must be a positive 32-bit integer")
    return int(text)


def child_name(prefix: str | int, name: str | None) -> str:
    """Stored name of a child entity: `<prefix>:<name>`, a UUID standing in for no name."""
    stored = f"{prefix}:{name or uuid.uuid4()}"
    if len(stored) > MAX_NAME_LENGTH:
        raise InvalidArgument(
            f"name {name!r} is too long: with its parent prefix it must fit {MAX_NAME_LENGTH} "
            "characters"
        )
    return stored


def require(repo: Repo, kinds: Sequence[Kind], entity_id: int, *, lock: bool = True) -> Record:
    """The record, or NotFound; `lock=False` for one that is only shown (see Repo.get)."""
    record = repo.get(kinds, entity_id, lock=lock)
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
