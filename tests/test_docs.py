"""The docs keep up with the code."""

from __future__ import annotations

from pathlib import Path

from modelreg.config import Settings

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"`MODELREG_{name.upper()}`" not in text]
    assert missing == []


def test_every_compatibility_test_reference_exists() -> None:
    root = DOCS.parent
    text = (DOCS / "compatibility.md").read_text()
    for line in text.splitlines():
        for cell in line.split("`"):
            if cell.startswith("tests/") and "::" in cell:
                path, test = cell.split("::")
                assert (root / path).exists(), cell
                assert f"def {test}(" in (root / path).read_text(), cell


def test_readme_sdk_example_runs(tmp_path: Path) -> None:
    """The README's first Python example, against an embedded registry instead of a server."""
    import re
    import subprocess
    import sys

    readme = (DOCS.parent / "README.md").read_text()
    example = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)[0]
    server = 'Registry("http://127.0.0.1:8080", author="ada")'
    assert server in example
    code = example.replace(server, f'Registry.local("sqlite:///{tmp_path / "r.db"}", author="ada")')
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "fraud-detector" in done.stdout
