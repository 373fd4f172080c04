"""The sync client is generated from the async one: the committed files are what it makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "src" / "modelreg" / "client"
SCRIPT = ROOT / "scripts" / "generate_sync.py"
SOURCES = ["aio.py", "aio_ext.py", "aio_pager.py", "aio_tracking.py"]
GENERATED = ["sync.py", "sync_ext.py", "sync_pager.py", "sync_tracking.py"]


def test_the_sync_client_is_generated_from_the_async_one(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    generated = sorted(tmp_path.glob("*.py"))
    assert [path.name for path in generated] == GENERATED
    for path in generated:
        committed = CLIENT / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"src/modelreg/client/{path.name} is not what scripts/generate_sync.py makes of its "
            "async source: edit the async module (aio*.py), not the generated one, and run "
            "`make generate`"
        )


def test_each_async_module_has_its_generated_one_and_no_sync_module_is_hand_written() -> None:
    assert sorted(path.name for path in CLIENT.glob("aio*.py")) == SOURCES
    assert sorted(path.name for path in CLIENT.glob("sync*.py")) == GENERATED
    for path in sorted(CLIENT.glob("*.py")):
        says_generated = path.read_text("utf-8").startswith("# Generated from ")
        assert says_generated == (path.name in GENERATED), path.name
