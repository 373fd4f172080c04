"""Helpers the registry command groups share: listing with a limit, property edits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import click

from .options import parse_properties
from .output import Column, emit_list, notice
from .session import Session


def session_of(ctx: click.Context) -> Session:
    return ctx.ensure_object(Session)


def show_list(pager: Any, columns: Sequence[Column], output: str, limit: int, what: str) -> None:
    """Print up to `limit` items (0: all); say on stderr when more exist."""
    items = list(pager.limit(limit + 1 if limit else None))
    more = bool(limit) and len(items) > limit
    items = items[:limit] if limit else items
    emit_list(items, columns, output)
    if output == "table" and not items:
        notice(f"no {what}")
    elif more:
        notice(f"showing the first {limit} {what}; --limit 0 shows all")


def property_edits(set_: Iterable[str], unset: Iterable[str]) -> PropertyEdits | None:
    """What --set and --unset ask for (checked before anything is fetched), or None."""
    pairs, keys = list(set_), list(unset)
    if not pairs and not keys:
        return None
    return PropertyEdits(parse_properties(pairs, "--set"), keys)


@dataclass(frozen=True)
class PropertyEdits:
    values: dict[str, Any]
    removed: list[str]

    def applied(self, current: dict[str, Any]) -> dict[str, Any]:
        """The custom properties after the edits."""
        merged = {**current, **self.values}
        for key in self.removed:
            if key not in merged:
                raise click.BadParameter(f"no custom property {key!r}", param_hint="--unset")
            del merged[key]
        return merged


def changes(edits: PropertyEdits | None, **fields: Any) -> dict[str, Any]:
    """The fields given on the command line; a usage error if nothing is to change."""
    given = {key: value for key, value in fields.items() if value is not None}
    if not given and edits is None:
        flags = ", ".join(f"--{name.replace('_', '-')}" for name in fields)
        raise click.UsageError(f"nothing to change: give {flags}, --set or --unset")
    return given


def with_properties(
    fields: dict[str, Any], edits: PropertyEdits | None, current: dict[str, Any]
) -> dict[str, Any]:
    """`fields`, plus the edited custom properties when there are edits."""
    if edits is None:
        return fields
    from modelreg.client import from_metadata

    return {**fields, "custom_properties": edits.applied(from_metadata(current))}


def done(message: str, entity: Any, output: str) -> None:
    """A change made: a line for people with a table, the entity for JSON/YAML."""
    from .output import emit_data, wire

    if output == "table":
        click.echo(message)
    else:
        emit_data(wire(entity), output)


def require_one(pairs: Sequence[tuple[str, object]]) -> None:
    """Exactly one way of naming an entity must be given."""
    named = [name for name, value in pairs if value]
    if len(named) != 1:
        choices = " or ".join(name for name, _ in pairs)
        raise click.UsageError(f"name the entity by {choices}")
