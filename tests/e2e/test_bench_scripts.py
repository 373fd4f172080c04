"""The measuring scripts in bench/ beside the comparison itself still run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
TIMING = r"best [\d.]+(?: ms)?, median [\d.]+"


def bench(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a bench script with the fewest repetitions it takes."""
    return subprocess.run(
        [sys.executable, str(BENCH / script), *args, "--blocks", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_inprocess_times_a_page_of_the_seeded_versions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inproc.db'}"
    page = "/api/model_registry/v1/registered_models/1/versions?pageSize=100"
    seeded = bench("inprocess.py", "--url", url, "--seed", "40", "--models", "4", page)
    assert seeded.returncode == 0, seeded.stderr
    first_line, timing = seeded.stdout.splitlines()[:2]
    assert first_line.startswith("200, ")
    cpu = rf"this process's CPU: {TIMING}"
    assert re.fullmatch(rf"ms per request over 1 blocks of 300: {TIMING}; {cpu}", timing)

    get = "/api/model_registry/v1/model_version?name=2&parentResourceId=1"
    again = bench("inprocess.py", "--url", url, "--requests", "3", "--profile", get)
    assert again.returncode == 0, again.stderr
    assert "function calls" in again.stdout


def test_inprocess_posts_a_body_new_each_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inproc.db'}"
    body = '{"registeredModelId": "1", "modelVersion": {"name": "v{n}"}, "modelArtifact": {}}'
    args = ("--url", url, "--requests", "4", "--post", body, "/api/model_registry/v1/registrations")
    posted = bench("inprocess.py", "--seed", "2", "--models", "1", *args)
    assert posted.returncode == 0, posted.stderr
    assert posted.stdout.startswith("201, ")
    assert bench("inprocess.py", *args).returncode == 0  # new names on a second run too


def test_inprocess_stops_at_a_failing_request_with_its_answer(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'inproc.db'}"
    missing = bench(
        "inprocess.py", "--url", url, "--seed", "4", "--models", "1", "/api/model_registry/v1/nope"
    )
    assert missing.returncode == 1
    assert missing.stdout.startswith("404, ")
    assert "no such path" in missing.stderr


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("MODELREG_TEST_POSTGRES_URL"), reason="MODELREG_TEST_POSTGRES_URL is not set"
)
def test_pg_statements_measures_and_leaves_no_schema_behind() -> None:
    url = os.environ["MODELREG_TEST_POSTGRES_URL"]
    done = bench("pg_statements.py", "--url", url, "--calls", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 8
    assert all(re.search(rf"{TIMING} ms$", line) for line in lines)
    assert sum("one statement" in line for line in lines) == 2
    with psycopg.connect(url) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'bench_statements_%'"
        ).fetchone()
    assert left == (0,)
