"""What the CLI tests check of every command's outcome."""

from __future__ import annotations

from click.testing import Result


def ok(result: Result) -> str:
    """The command succeeded; its standard output."""
    assert result.exit_code == 0, (result.output, result.stderr)
    return str(result.stdout)


def failed(result: Result, code: int) -> str:
    """The command failed with `code` and one `error: ...` line on stderr; that line."""
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return str(lines[0])
