"""The sync client is generated from the async one: the committed files are what it makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLIENT = ROOT / "src" / "modelreg" / "client"
SCRIPT = ROOT / "scripts" / "generate_sync.py"


def test_the_sync_client_is_generated_from_the_async_one(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        text=True,
    )
    generated = sorted(tmp_path.glob("*.py"))
    assert [path.name for path in generated] == ["sync.py", "sync_ext.py"]
    for path in generated:
        committed = CLIENT / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"src/modelreg/client/{path.name} is not what scripts/generate_sync.py makes of its "
            "async source: edit the async module (aio*.py), not the generated one, and run "
            "`make generate`"
        )
