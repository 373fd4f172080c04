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
