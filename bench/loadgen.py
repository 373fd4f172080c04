"""Drive an HTTP server with logical operations through wrk (C, one thread, keep-alive).

wrk keeps the load generator cheap, so on a 2-core machine the server, not the client,
is what gets measured. Each operation is a list of variants (see loadgen.lua); the result
counts completed logical operations, not HTTP requests.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("loadgen.lua")

Variant = dict[str, Any]


@dataclass(frozen=True)
class Result:
    ops: int
    errors: int
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    mean_ms: float
    first_error: str

    @property
    def ops_per_s(self) -> float:
        return self.ops / self.seconds


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is needed: apt-get install wrk (Debian/Ubuntu) or brew install wrk")
    return path


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def write_spec(variants: list[Variant], path: Path) -> None:
    """Write the variants as a Lua table literal for loadgen.lua."""
    if any(len(v["steps"]) > 1 for v in variants):
        seconds = {json.dumps(v["steps"][1:], sort_keys=True) for v in variants}
        if len(seconds) != 1:
            raise ValueError("two-step variants must share their second step")
    lines = ["return {"]
    for variant in variants:
        steps = []
        for step in variant["steps"]:
            fields = ", ".join(
                f"{key} = {_lua_string(str(step.get(key, '')))}"
                for key in ("method", "path", "body", "capture", "marker")
            )
            steps.append("{" + fields + "}")
        lines.append("  {" + ", ".join(steps) + "},")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


def run(
    base_url: str, variants: list[Variant], concurrency: int, seconds: float, timeout_s: int = 60
) -> Result:
    """Keep `concurrency` operations in flight for `seconds`; return what completed."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "spec.lua"
        write_spec(variants, spec)
        command = [
            wrk,
            "-t1",
            f"-c{concurrency}",
            f"-d{seconds}s",
            f"--timeout={timeout_s}s",
            "-s",
            str(SCRIPT),
            base_url,
            "--",
            str(spec),
            uuid.uuid4().hex[:8],
        ]
        done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or "LOADGEN " not in done.stdout:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}{done.stderr}")
    out = done.stdout
    line = next(x for x in out.splitlines() if x.startswith("LOADGEN "))
    first_error = next(x for x in out.splitlines() if x.startswith("LOADGEN_FIRST_ERROR"))
    data = json.loads(line.removeprefix("LOADGEN "))
    return Result(
        ops=data["ops"],
        errors=data["errors"] + data["socket_errors"],
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        mean_ms=data["mean_us"] / 1000,
        first_error=first_error.removeprefix("LOADGEN_FIRST_ERROR").strip(),
    )


def sequential(base_url: str, variants: list[Variant], count: int, timeout_s: float) -> Result:
    """`count` single-step operations one after another, for operations so slow that a
    timed wrk run would complete too few of them to measure."""
    import random
    import time

    import httpx

    samples, errors, first_error = [], 0, ""
    with httpx.Client(base_url=base_url, timeout=timeout_s) as client:
        for _ in range(count):
            step = random.choice(variants)["steps"][0]
            token = uuid.uuid4().hex[:12]
            body = step["body"].replace("{u}", token) or None
            started = time.perf_counter()
            response = client.request(
                step["method"],
                step["path"].replace("{u}", token),
                content=body,
                headers={"Content-Type": "application/json"} if body else None,
            )
            samples.append(time.perf_counter() - started)
            if response.status_code >= 400:
                errors += 1
                first_error = first_error or f"{response.status_code} {response.text[:300]}"
    samples.sort()
    seconds = sum(samples)
    return Result(
        ops=count - errors,
        errors=errors,
        requests=count,
        seconds=seconds,
        p50_ms=samples[len(samples) // 2] * 1000,
        p99_ms=samples[-1] * 1000,
        mean_ms=seconds / count * 1000,
        first_error=first_error,
    )
