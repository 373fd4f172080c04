"""CPU instructions one request costs modelreg's process, counted by valgrind (callgrind).

Timings on a shared 2-core machine move by a third from one minute to the next; the
instructions a request executes do not (the same code counted twice agreed to 0.001%). So
a change to the request path is compared here, each side counted on its own:

    python bench/instructions.py --url postgresql://postgres@127.0.0.1:5432/inproc \\
        --post '{"name": "v{n}", "registeredModelId": "1"}' /api/model_registry/v1/model_versions

It runs bench/inprocess.py under `valgrind --tool=callgrind` twice, with two request
counts, and divides the difference by the difference of the counts: start-up, imports and
the first requests cancel out. Only this process is counted, not the database server's.
Needs valgrind (Debian's package) and a database seeded as bench/inprocess.py describes.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

INPROCESS = Path(__file__).with_name("inprocess.py")


def collected(requests: int, args: argparse.Namespace) -> int:
    """Instructions of a whole run of bench/inprocess.py with this many requests."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        str(INPROCESS),
        "--url",
        args.url,
        "--requests",
        str(requests),
        "--blocks",
        "1",
        args.target,
    ]
    if args.post is not None:
        command[-1:-1] = ["--post", args.post]
    # a fixed hash seed: dict and set layouts otherwise vary the count from run to run
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"valgrind failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", help="path and query string of the request")
    parser.add_argument("--post", metavar="BODY", help="POST this JSON body ({n}: a new number)")
    parser.add_argument("--url", required=True, help="the database (SQLAlchemy URL)")
    parser.add_argument("--fewer", type=int, default=100, help="requests of the first run")
    parser.add_argument("--more", type=int, default=500, help="requests of the second run")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is missing: apt-get install valgrind")
    fewer, more = collected(args.fewer, args), collected(args.more, args)
    per_request = (more - fewer) / (args.more - args.fewer)
    print(f"{per_request:,.0f} instructions per request ({args.fewer} and {args.more} requests)")


if __name__ == "__main__":
    main()
