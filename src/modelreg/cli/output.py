"""Everything the CLI prints on stdout: tables (rich), JSON or YAML.

JSON and YAML carry the wire objects exactly as the REST API returns them (camelCase), so
`modelreg ... -o json | jq` sees what `curl` would. Tables are for people: they fit the
terminal and use colour only when stdout is a terminal (and `NO_COLOR` is unset); piped,
they are plain text with natural column widths.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pydantic import BaseModel

FORMATS = ("table", "json", "yaml")
MAX_NARROW = 40
MIN_WIDE = 12
STYLES = {
    "LIVE": "green",
    "ARCHIVED": "yellow",
    "DELETED": "red",
    "MARKED_FOR_DELETION": "red",
    "RUNNING": "green",
    "FINISHED": "green",
    "FAILED": "red",
    "KILLED": "red",
}
"""Colours of state values in tables (on a terminal only)."""


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    wide: bool = False
    """A column that may shrink (with an ellipsis) to fit the terminal."""


def wire(entity: BaseModel) -> dict[str, Any]:
    """The entity as the API's JSON."""
    data: dict[str, Any] = entity.model_dump(mode="json", by_alias=True, exclude_none=True)
    return data


def when(millis: str | None) -> str:
    """An API timestamp (milliseconds since the epoch, as text) in UTC."""
    if not millis:
        return ""
    stamp = datetime.fromtimestamp(int(millis) / 1000, tz=UTC)
    return stamp.strftime("%Y-%m-%d %H:%M:%S")


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(getattr(value, "value", value))


def emit_data(data: Any, fmt: str) -> None:
    """JSON or YAML of plain data on stdout."""
    if fmt == "yaml":
        import yaml

        click.echo(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), nl=False)
    else:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def emit_list(items: Sequence[BaseModel], columns: Sequence[Column], fmt: str) -> None:
    if fmt != "table":
        emit_data([wire(item) for item in items], fmt)
        return
    rows = [[text(column.value(item)) for column in columns] for item in items]
    _table([c.header for c in columns], rows, [c.wide for c in columns])


def emit_one(entity: BaseModel, fmt: str) -> None:
    """One entity: a FIELD/VALUE table, custom properties last as `metadata.<name>`."""
    if fmt != "table":
        emit_data(wire(entity), fmt)
        return
    from modelreg.client.values import from_metadata

    data = wire(entity)
    props = from_metadata(data.pop("customProperties", {}))
    rows = [[key, _field_text(key, value)] for key, value in data.items()]
    rows += [[f"metadata.{name}", text(value)] for name, value in props.items()]
    _table(["FIELD", "VALUE"], rows, [False, True])


def notice(message: str) -> None:
    """A line for people, on stderr (never mixed into the data on stdout)."""
    click.echo(message, err=True)


def _field_text(key: str, value: Any) -> str:
    if key.endswith("TimeSinceEpoch"):
        return f"{value} ({when(value)} UTC)"
    return text(value)


def _console() -> Any:
    from rich.console import Console

    stream = sys.stdout
    tty = stream.isatty()
    width = None if tty else int(os.environ.get("COLUMNS", "0") or 0) or 4096
    return Console(
        file=stream,
        width=width,
        no_color=not tty or None,
        highlight=False,
        soft_wrap=False,
        emoji=False,
        markup=False,
    )


def _widths(natural: Sequence[int], wide: Sequence[bool], room: int) -> list[int]:
    """Column widths: narrow columns keep theirs (up to MAX_NARROW), wide ones share the rest."""
    narrow = [
        min(width, MAX_NARROW) if not w else 0 for width, w in zip(natural, wide, strict=True)
    ]
    left = room - sum(narrow) - 2 * (len(natural) - 1)
    flexible = [i for i, w in enumerate(wide) if w]
    share = max(left // max(len(flexible), 1), MIN_WIDE)
    return [min(natural[i], share) if wide[i] else narrow[i] for i in range(len(natural))]


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], wide: Sequence[bool]) -> None:
    """Narrow columns keep their width; wide ones shrink, with an ellipsis, to fit."""
    from rich.table import Table
    from rich.text import Text

    rows = [list(row) for row in rows]
    console = _console()
    natural = [max([len(h), *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]
    widths = _widths(natural, wide, console.width)
    table = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, overflow="ellipsis", no_wrap=True, width=width)
    for row in rows:
        table.add_row(*(Text(cell, style=STYLES.get(cell, "")) for cell in row))
    if console.is_terminal:
        console.print(table)
        return
    with console.capture() as captured:
        console.print(table)
    click.echo("\n".join(line.rstrip() for line in captured.get().splitlines()))
