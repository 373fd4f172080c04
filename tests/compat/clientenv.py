"""Virtualenvs holding the published `model-registry` client, one per version, cached.

Every version installs a module named `model_registry`, so each lives in its own venv under
`.cache/compat/<version>/`. A venv is reused only when its marker file says it was finished
and its interpreter still imports the client at the expected version; anything else is
deleted and built again. A file lock keeps two test runs from building the same one at once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE_ROOT = REPO_ROOT / ".cache" / "compat"
MARKER = "modelreg-compat.json"
# client version -> the API prefix it speaks (upstream-api.md section 11)
CLIENT_VERSIONS = {"0.3.18": "v1", "0.3.9": "v1alpha3"}
INSTALL_TIMEOUT = 600
CHECK = (
    "import importlib.metadata as m, model_registry, mr_openapi; print(m.version('model-registry'))"
)


class ClientEnvError(RuntimeError):
    pass


def clean_env() -> dict[str, str]:
    """The environment for child interpreters: nothing that points at our own venv."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let the client venv cache its bytecode
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def venv_python(root: Path) -> Path:
    if sys.platform == "win32":
        return root / "Scripts" / "python.exe"
    return root / "bin" / "python"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no lock, builds are rare there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _usable(root: Path, version: str) -> bool:
    marker = root / MARKER
    python = venv_python(root)
    if not marker.is_file() or not python.exists():
        return False
    try:
        if json.loads(marker.read_text()).get("version") != version:
            return False
    except ValueError:
        return False
    probe = subprocess.run(
        [str(python), "-c", CHECK],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=120,
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == version


def _run(args: list[str], what: str) -> None:
    done = subprocess.run(
        args,
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    if done.returncode != 0:
        raise ClientEnvError(
            f"{what} failed (exit {done.returncode}): {' '.join(args)}\n"
            f"--- stdout ---\n{done.stdout}\n--- stderr ---\n{done.stderr}"
        )


def ensure_client(version: str, cache_root: Path = CACHE_ROOT) -> Path:
    """The interpreter of a venv with `model-registry==version`, built if needed."""
    root = cache_root / version
    with _locked(cache_root / f"{version}.lock"):
        if _usable(root, version):
            return venv_python(root)
        shutil.rmtree(root, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(root)], f"creating the venv for {version}")
        python = venv_python(root)
        _run(
            [str(python), "-m", "pip", "install", "--no-input", "-q", f"model-registry=={version}"],
            f"pip install model-registry=={version}",
        )
        _run([str(python), "-c", CHECK], f"importing model-registry {version}")
        (root / MARKER).write_text(
            json.dumps({"version": version, "base_python": sys.executable}) + "\n"
        )
        return python
