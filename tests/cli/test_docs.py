"""docs/cli.md is generated from --help; regenerate it with `make docs`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from modelreg.cli.docs import render
from modelreg.cli.main import COMMANDS

CLI_MD = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_the_cli_reference_is_up_to_date() -> None:
    assert CLI_MD.read_text() == render(), (
        "docs/cli.md is stale: run `make docs` (python -m modelreg.cli.docs > docs/cli.md)"
    )


def test_every_command_is_in_the_reference() -> None:
    text = CLI_MD.read_text()
    for name in COMMANDS:
        assert f"### `modelreg {name}`" in text


def test_help_loads_no_heavy_module() -> None:
    code = (
        "import sys\n"
        "from modelreg.cli.main import cli\n"
        "try:\n    cli(['--help'], prog_name='modelreg')\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in out.stdout.split()}
    assert not {"httpx", "pydantic", "rich", "fastapi", "sqlalchemy", "yaml"} & loaded
