"""Write the sync client from the async one: client/aio*.py -> client/sync*.py.

    python scripts/generate_sync.py              # rewrite src/modelreg/client/sync*.py
    python scripts/generate_sync.py --out DIR    # write them into DIR instead (drift check)

Every aio*.py module of the client is a source: aio.py -> sync.py, aio_ext.py ->
sync_ext.py, aio_pager.py -> sync_pager.py, ... unasync drops `async` and `await`, maps
the async dunders and iterator names, and renames our names by the table below (and each
source module's name to its generated one). The output is then import-sorted and
formatted by ruff with the project's settings, since renaming changes the order of imports
and line lengths.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import unasync

ROOT = Path(__file__).resolve().parents[1]
CLIENT = ROOT / "src" / "modelreg" / "client"
SOURCES = [CLIENT / "aio.py", *sorted(CLIENT.glob("aio_*.py"))]
MODULES = {source.name: "sync" + source.name.removeprefix("aio") for source in SOURCES}
"""Each async source module and the sync module generated from it."""
RENAMES = {
    # ours
    "AsyncRegistry": "Registry",
    "AsyncExtras": "SyncExtras",
    "AsyncPager": "Pager",
    "AsyncActiveExperimentRun": "ActiveExperimentRun",
    "AsyncRunStart": "ActiveExperimentRun",  # the sync answer is the run, already started
    "AsyncRunner": "Runner",
    "AsyncPortalTransport": "PortalTransport",
    # the modules: aio_ext -> sync_ext, ...
    **{
        source.removesuffix(".py"): target.removesuffix(".py") for source, target in MODULES.items()
    },
    # httpx's
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "aclose": "close",
    # the standard library's: only `sleep` is taken from it
    "asyncio": "time",
}
HEADER = (
    "# Generated from {source} by scripts/generate_sync.py: do not edit. Edit {source}\n"
    "# and run `make generate` (tests/client/test_generated.py fails when they differ).\n"
)


def _ruff(*args: str, source: str, path: Path) -> str:
    """Run ruff on `source` as if it were the file at `path` (so the project's settings apply)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", str(path), "-"],
        input=source,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"ruff {' '.join(args)} failed on {path.name}:\n{done.stderr}")
    return done.stdout


def generate() -> dict[str, str]:
    """The text of each sync module, by file name."""
    with tempfile.TemporaryDirectory() as tmp:
        rules = [
            unasync.Rule(str(CLIENT / source), str(Path(tmp) / target), RENAMES)
            for source, target in MODULES.items()
        ]
        unasync.unasync_files([str(CLIENT / source) for source in MODULES], rules)
        raw = {target: (Path(tmp) / target).read_text("utf-8") for target in MODULES.values()}
    texts = {}
    for source, target in MODULES.items():
        text = HEADER.format(source=source) + raw[target]
        text = _ruff("check", "--fix-only", "--select", "I", source=text, path=CLIENT / target)
        texts[target] = _ruff("format", source=text, path=CLIENT / target)
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=CLIENT, help="where to write the modules")
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, text in generate().items():
        (out / name).write_text(text, "utf-8")


if __name__ == "__main__":
    main()
