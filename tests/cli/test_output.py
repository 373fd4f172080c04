"""Tables for people: plain when piped, coloured and fitted on a terminal."""

from __future__ import annotations

import io
import re

import pytest

from modelreg.cli import output
from modelreg.schemas.registry import RegisteredModel

MODELS = [
    RegisteredModel(
        id=str(i), name=f"model-{i}", state="LIVE", description="a long description " * 8
    )
    for i in range(3)
]
COLUMNS = [
    output.Column("ID", lambda m: m.id),
    output.Column("NAME", lambda m: m.name),
    output.Column("STATE", lambda m: m.state),
    output.Column("DESCRIPTION", lambda m: m.description, wide=True),
]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _printed(monkeypatch: pytest.MonkeyPatch, stream: io.StringIO) -> str:
    monkeypatch.setattr("sys.stdout", stream)
    output.emit_list(MODELS, COLUMNS, "table")
    return stream.getvalue()


def test_piped_tables_are_plain_and_unwrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    text = _printed(monkeypatch, io.StringIO())
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert len(lines) == 4
    assert all(line == line.rstrip() for line in lines)
    assert lines[1].endswith(MODELS[0].description.strip())


def test_terminal_tables_fit_and_use_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    text = _printed(monkeypatch, Terminal())
    assert "\x1b[1m" in text  # bold headers
    assert "\x1b[32mLIVE" in text  # green states
    rows = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in text.splitlines()]
    assert [row.split()[:3] for row in rows[1:]] == [
        [str(i), f"model-{i}", "LIVE"] for i in range(3)
    ]
    assert all(len(row) <= 60 for row in rows)
    assert all(row.endswith("…") for row in rows[1:])


def test_no_color_is_respected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "xterm-256color")
    text = _printed(monkeypatch, Terminal())
    assert "LIVE" in text and "\x1b[32m" not in text


def test_timestamps_are_shown_in_utc() -> None:
    assert output.when("0") == "1970-01-01 00:00:00"
    assert output.when(None) == ""
