"""Options and argument parsing that several command groups share."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from .output import FORMATS

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_LIMIT = 100


def output_option(f: F) -> F:
    return click.option(
        "-o",
        "--output",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def list_options(f: F) -> F:
    """--filter, --order-by, --desc, --limit and --output."""
    decorators = [
        click.option(
            "--filter",
            "filter_query",
            metavar="QUERY",
            help="Keep what matches a filterQuery, e.g. \"owner = 'ada' AND auc > 0.9\" "
            "(docs/filtering.md).",
        ),
        click.option(
            "--order-by",
            metavar="KEY",
            help="ID, CREATE_TIME, LAST_UPDATE_TIME, NAME or a property (auc.double_value).",
        ),
        click.option("--desc", is_flag=True, help="Sort in descending order."),
        click.option(
            "--limit",
            type=click.IntRange(min=0),
            default=DEFAULT_LIMIT,
            show_default=True,
            help="Show at most this many; 0 shows all.",
        ),
        output_option,
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def parse_value(raw: str) -> Any:
    """A property value: JSON numbers, true/false and quoted strings; else the text as is."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(value, bool | int | float | str | dict):
        return value
    return raw


def parse_properties(pairs: Iterable[str], option: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs as custom properties."""
    values: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected KEY=VALUE, got {pair!r}", param_hint=option)
        values[key] = parse_value(raw)
    return values


def property_options(f: F) -> F:
    """--set KEY=VALUE and --unset KEY, for custom properties."""
    f = click.option(
        "--unset", multiple=True, metavar="KEY", help="Remove a custom property (repeatable)."
    )(f)
    return click.option(
        "--set",
        "set_",
        multiple=True,
        metavar="KEY=VALUE",
        help="Set a custom property (repeatable). VALUE is a JSON number, true/false or a "
        "quoted string, else text.",
    )(f)
