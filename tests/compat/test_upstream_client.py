"""The published `model-registry` client, unmodified, against a real `modelreg serve`.

Each scenario in `scenarios/` runs in the client's own venv (see clientenv.py) with the
server URL as its argument, asserts internally and prints a one-line JSON summary. Both
client lines run: 0.3.18 speaks /api/model_registry/v1, 0.3.9 speaks /v1alpha3. The server
fixture runs once per database backend; scenarios share it and use unique names.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from .clientenv import CLIENT_VERSIONS, clean_env
from .conftest import Server

SCENARIO_DIR = Path(__file__).parent / "scenarios"
SCENARIOS = sorted(p.stem for p in SCENARIO_DIR.glob("*.py") if not p.stem.startswith("_"))
SCENARIO_TIMEOUT = 150
# Scenarios that need an API only some client lines have (0.3.10+ dropped experiments).
ONLY_FOR = {"experiments": {"0.3.9"}}


def _scenario_env(server: Server) -> dict[str, str]:
    env = clean_env()
    env["MODELREG_COMPAT_URL"] = server.url
    env["MODELREG_COMPAT_BACKEND"] = server.backend
    # The client builds a fresh TLS context (loading the system CA bundle, ~30 ms) for every
    # request, even over plain HTTP. The scenarios only speak plain HTTP to 127.0.0.1, so
    # point it at no bundle; that cuts the suite's run time by about three quarters.
    env["SSL_CERT_FILE"] = os.devnull
    env["SSL_CERT_DIR"] = os.devnull
    # The client's aiohttp session trusts proxy variables; keep local traffic off proxies.
    for key in ("NO_PROXY", "no_proxy"):
        env[key] = ",".join(filter(None, [env.get(key), "127.0.0.1", "localhost"]))
    env.pop("KF_PIPELINES_SA_TOKEN_PATH", None)
    return env


@pytest.mark.compat
@pytest.mark.parametrize("client_version", sorted(CLIENT_VERSIONS))
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario(
    scenario: str,
    client_version: str,
    client_pythons: dict[str, Path],
    compat_server: Server,
) -> None:
    if client_version not in ONLY_FOR.get(scenario, {client_version}):
        pytest.skip(f"model-registry=={client_version} has no API for scenario {scenario}")
    command = [str(client_pythons[client_version]), str(SCENARIO_DIR / f"{scenario}.py")]
    done = subprocess.run(
        [*command, compat_server.url],
        capture_output=True,
        text=True,
        env=_scenario_env(compat_server),
        timeout=SCENARIO_TIMEOUT,
        check=False,
    )
    report = (
        f"scenario {scenario} with model-registry=={client_version} exited {done.returncode}\n"
        f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}\n"
        f"--- server log (tail) ---\n{compat_server.log_tail()}"
    )
    assert done.returncode == 0, report
    lines = done.stdout.strip().splitlines()
    assert lines, report
    summary = json.loads(lines[-1])
    assert summary["scenario"] == scenario, report
    assert summary["client_version"] == client_version, report
    assert summary["api"] == CLIENT_VERSIONS[client_version], report
    assert summary["backend"] == compat_server.backend, report
    assert summary["checks"] > 0, report
