"""bench/inprocess.py seeds a database the way the comparison does and times a GET."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "inprocess.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--requests", "3", "--blocks", "2"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_times_a_page_of_the_seeded_versions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inproc.db'}"
    page = "/api/model_registry/v1/registered_models/1/versions?pageSize=100"
    seeded = run("--url", url, "--seed", "40", "--models", "4", page)
    assert seeded.returncode == 0, seeded.stderr
    first_line, timing = seeded.stdout.splitlines()[:2]
    assert first_line.startswith("200, ")
    assert re.fullmatch(r"ms per request over 2 blocks of 3: best [\d.]+, median [\d.]+", timing)

    again = run("--url", url, "/api/model_registry/v1/model_version?name=2&parentResourceId=1")
    assert again.returncode == 0, again.stderr


def test_a_failing_request_stops_it_with_the_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inproc.db'}"
    missing = run("--url", url, "--seed", "4", "--models", "1", "/api/model_registry/v1/nope")
    assert missing.returncode == 1
    assert missing.stdout.startswith("404, ")
    assert "no such path" in missing.stderr
