"""The client venv cache reuses only finished venvs (no network needed here)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .clientenv import MARKER, _usable, venv_python


def _fake_venv(root: Path, marker: dict[str, str] | None) -> None:
    python = venv_python(root)
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    if marker is not None:
        (root / MARKER).write_text(json.dumps(marker))


@pytest.mark.compat
def test_half_built_venv_is_not_reused(tmp_path: Path) -> None:
    _fake_venv(tmp_path / "0.3.18", marker=None)
    assert not _usable(tmp_path / "0.3.18", "0.3.18")


@pytest.mark.compat
def test_venv_of_another_version_is_not_reused(tmp_path: Path) -> None:
    _fake_venv(tmp_path / "0.3.18", marker={"version": "0.3.9"})
    assert not _usable(tmp_path / "0.3.18", "0.3.18")


@pytest.mark.compat
def test_venv_that_cannot_import_the_client_is_not_reused(tmp_path: Path) -> None:
    # Marked finished, but its interpreter (ours) has no model_registry package.
    _fake_venv(tmp_path / "0.3.18", marker={"version": "0.3.18"})
    assert not _usable(tmp_path / "0.3.18", "0.3.18")
