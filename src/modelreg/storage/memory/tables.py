"""The in-memory store's state: one family of entities per MLMD table, as plain dicts.

A family is replaced, never changed, by a transaction that fails: `copy` is shallow, and
that is enough because stored records and link sets are never mutated in place (an update
stores a new copy; a new link stores a new frozenset).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from modelreg.domain.kinds import Table
from modelreg.domain.records import Record


def detached(record: Record) -> Record:
    """A copy sharing nothing mutable with the original (property values are immutable)."""
    return replace(record, props=dict(record.props), custom=dict(record.custom), encoded=None)


def as_row(record: Record) -> Record:
    """The copy to keep: only the columns its MLMD table has (a context has no `uri` and
    no state; an execution no `uri`), as the SQL store writes them."""
    table = record.kind.table
    return replace(
        detached(record),
        uri=record.uri if table is Table.ARTIFACT else None,
        state=None if table is Table.CONTEXT else record.state,
    )


@dataclass(slots=True)
class Family:
    """The rows of one MLMD entity table (Context, Artifact or Execution) and their keys.

    `rows` is in id order (ids only grow); `children` is the table's link to a parent
    context (ParentContext, Attribution or Association): parent id -> child ids.
    """

    rows: dict[int, Record] = field(default_factory=dict)
    last_id: int = 0
    by_name: dict[tuple[str, str], int] = field(default_factory=dict)
    by_external_id: dict[str, int] = field(default_factory=dict)
    children: dict[int, frozenset[int]] = field(default_factory=dict)

    def copy(self) -> Family:
        return Family(
            dict(self.rows),
            self.last_id,
            dict(self.by_name),
            dict(self.by_external_id),
            dict(self.children),
        )

    def link(self, parent_id: int, child_id: int) -> None:
        self.children[parent_id] = self.children.get(parent_id, frozenset()) | {child_id}


State = dict[Table, Family]


def empty_state() -> State:
    return {table: Family() for table in Table}


def copied(state: State) -> State:
    return {table: family.copy() for table, family in state.items()}
