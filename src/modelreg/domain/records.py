"""The in-memory form of one stored entity: an MLMD row plus its property rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .kinds import Kind
from .values import Stored


@dataclass(slots=True)
class Record:
    """One entity as stored: entity-table columns, built-in and custom properties.

    `name` is the stored name, which for child entities carries the `<parentId>:` prefix.
    `state` is the artifact `state` column or the execution `last_known_state` column.
    """

    kind: Kind
    id: int = 0
    name: str | None = None
    external_id: str | None = None
    uri: str | None = None
    state: int | None = None
    create_time: int = 0
    update_time: int = 0
    props: dict[str, Stored] = field(default_factory=dict)
    custom: dict[str, Stored] = field(default_factory=dict)
    encoded: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    """The record's JSON per API version, kept only while the record is the registry's
    unchangeable copy of a stored row (storage/entity_cache.py); None otherwise."""

    @property
    def display_name(self) -> str | None:
        """The name users see: everything after the first `:` for child entities."""
        if self.name is None or not self.kind.prefixed:
            return self.name
        _, sep, rest = self.name.partition(":")
        shown = rest if sep else self.name
        if self.kind.suffixed:
            shown = shown.rpartition("__")[0] or shown
        return shown

    def prop(self, name: str) -> object | None:
        stored = self.props.get(name)
        return None if stored is None else stored.value


@dataclass(frozen=True, slots=True)
class NewChild:
    """A new entity added together with its new parent, in the same write.

    The parent has no id yet, so the child comes with the name users will see, and
    storage stores `<parentId>:<name>` (`common.child_name`) once the parent has its id,
    setting `record.name` and `record.id`. `name` is never changed, so a write that is
    tried again starts from the same child. Make one with `common.new_child`.
    """

    record: Record
    name: str


@dataclass(frozen=True, slots=True)
class Page:
    """One page of records and the token for the next page ("" on the last page)."""

    records: list[Record]
    next_page_token: str
    page_size: int
