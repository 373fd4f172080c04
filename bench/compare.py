"""modelreg against MLflow's model registry, side by side, through their REST APIs.

Both servers run on this machine on the same database engine, each on its own database
seeded with the same data (100 models; versions with 3 properties and an artifact), and
stay up together so every measurement of one is followed by the same measurement of the
other. The load comes from wrk (C, one thread), so the client costs little next to the
servers. Seeding writes rows straight into each system's tables (the APIs would take
hours at 1,000,000 versions); everything measured goes through HTTP.

    .venv/bin/python bench/compare.py --engine sqlite --sizes 1000 100000 1000000
    .venv/bin/python bench/compare.py --engine postgres \\
        --url postgresql://postgres@127.0.0.1:5432/test --sizes 1000 100000 1000000
    .venv/bin/python bench/compare.py --engine mysql \\
        --url mysql://root@127.0.0.1:3306/test --sizes 1000 100000 1000000

On MySQL/MariaDB modelreg opens the databases with the driver the URL names (a bare
`mysql://` gets mysqlclient when installed, `mysql+pymysql://` PyMySQL); MLflow always
gets PyMySQL, the driver its documentation names. Each system's databases are created on
that server.

Writes bench/results/compare-<engine>.json; bench/plot.py turns it into tables and plots.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import loadgen
import mlflow_side
import modelreg_side
import processes
from databases import analyze, scratch_database

import modelreg

ROOT = Path(__file__).resolve().parent.parent
MODELS = 10  # so a model has 100 versions already at 1,000, and a page is full
READS = ["get_version", "list_versions", "search_common", "search_selective"]
WRITES = ["update_version", "create_model", "create_version", "register_version"]
PORTS = {"modelreg": 18080, "mlflow": 18081}
SCALING_PORT = 18082  # the one-worker server, beside the two-worker one
MIN_OPS = 3  # fewer completed operations in a timed run: time them one by one instead


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", flush=True)


class System:
    """One registry under test: how to prepare, seed and start it, and what to send."""

    def __init__(self, name: str, cache: Path) -> None:
        self.name = name
        self.mlflow_bin = mlflow_side.ensure_installed(cache) if name == "mlflow" else None

    def prepare(self, url: str) -> None:
        if self.mlflow_bin:
            mlflow_side.prepare_database(url, self.mlflow_bin)
        else:
            modelreg_side.prepare_database(url)

    def seed(self, url: str, size: int) -> None:
        side: Any = mlflow_side if self.mlflow_bin else modelreg_side
        side.seed(url, MODELS, size)
        analyze(url)

    def start(self, url: str, workers: int, log_path: Path) -> Any:
        port = PORTS[self.name]
        if self.mlflow_bin:
            return mlflow_side.start(url, port, workers, self.mlflow_bin, log_path)
        return modelreg_side.start(url, port, workers, log_path)

    def stop(self, proc: Any) -> None:
        if self.mlflow_bin:
            mlflow_side.stop(proc)  # also removes its artifact root
        else:
            processes.stop(proc)

    def operations(self, size: int) -> dict[str, list[dict[str, Any]]]:
        side: Any = mlflow_side if self.mlflow_bin else modelreg_side
        return dict(side.operations(MODELS, size))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{PORTS[self.name]}"


@contextlib.contextmanager
def serving(
    system: System, engine: str, server_url: str | None, size: int, workers: int, report: dict
) -> Iterator[Any]:
    """A seeded database of `size` versions and the system's server on it."""
    with scratch_database(engine, server_url, f"{system.name}-{size}") as url:
        system.prepare(url)
        started = time.perf_counter()
        system.seed(url, size)
        seconds = time.perf_counter() - started
        report["seeding_s"].setdefault(system.name, {})[str(size)] = round(seconds, 1)
        log(f"{system.name}: seeded {size:,} versions in {seconds:.0f} s")
        log_path = ROOT / "bench" / "results" / f"{system.name}-{engine}.log"
        log_path.parent.mkdir(exist_ok=True)
        proc = system.start(url, workers, log_path)
        try:
            yield proc
        finally:
            system.stop(proc)


def measure(
    systems: list[System],
    ops: list[str],
    concurrency: list[int],
    args: argparse.Namespace,
    size: int,
    procs: dict[str, Any],
    record: Callable[[dict[str, Any]], None],
) -> None:
    """Every (op, concurrency) for every system, runs interleaved between the systems."""
    variants = {s.name: s.operations(size) for s in systems}
    for system in systems:  # warm caches and connection pools; not recorded
        for op in READS:
            loadgen.run(system.base_url, variants[system.name][op], 1, 1)
        wait_idle(procs[system.name], args.idle_limit)
    for run in range(args.runs):
        for op in ops:
            for c in concurrency:
                for system in systems:
                    found = variants[system.name][op]
                    result = loadgen.run(system.base_url, found, c, args.seconds)
                    wait_idle(procs[system.name], args.idle_limit)
                    slow = result.ops < MIN_OPS
                    if slow and c == 1 and len(found[0]["steps"]) == 1:
                        # Too slow for a timed run: time single requests one by one.
                        result = loadgen.sequential(system.base_url, found, MIN_OPS, 600)
                    row = {"system": system.name, "size": size, "op": op, "concurrency": c}
                    record(row | {"run": run, "slow": slow} | as_row(result))
                    if result.errors:
                        log(f"  {system.name} {op}: {result.errors} errors: {result.first_error}")
                    log(
                        f"  run {run} {op:17} c={c:<2} {system.name:8} "
                        f"{result.ops_per_s:9.1f} ops/s p50 {result.p50_ms:8.2f} ms"
                    )


def as_row(result: loadgen.Result) -> dict[str, Any]:
    """A measurement's fields for the results file."""
    fields = {k: v for k, v in asdict(result).items() if k != "seconds"}
    return fields | {"ops_per_s": round(result.ops_per_s, 3)}


IDLE_MACHINE_SHARE = 0.2  # of all cores: what the desktop of an idle VM uses, and some


def wait_idle(proc: Any, limit_s: float = 300) -> None:
    """Wait until the server has finished what a run left in flight (a slow search keeps
    running after the client stops), so it does not weigh on the next measurement. The
    whole machine must be idle too: a server waiting on its database uses no CPU while
    the database still works through the queries the run left queued."""
    deadline = time.monotonic() + limit_s
    cores = os.cpu_count() or 1
    while time.monotonic() < deadline:
        before = processes.cpu_seconds(proc.pid)
        machine_before = processes.machine_busy_seconds()
        time.sleep(0.5)
        server = processes.cpu_seconds(proc.pid) - before
        machine = processes.machine_busy_seconds() - machine_before
        if server < 0.05 and machine < 0.5 * cores * IDLE_MACHINE_SHARE:
            return
    log("  server still busy after the drain limit")


def machine(engine: str, url: str | None) -> dict[str, Any]:
    import sqlite3

    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    if engine == "sqlite":
        info["db_version"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        from sqlalchemy import create_engine, text

        from modelreg.storage.engine import normalize_url

        parsed = normalize_url(url or "")
        eng = create_engine(parsed)
        with eng.connect() as conn:
            info["db_version"] = str(conn.execute(text("SELECT version()")).scalar_one())
        eng.dispose()
        info["modelreg_driver"] = parsed.get_driver_name()
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "mysql"], default="sqlite")
    parser.add_argument("--url", help="server URL for postgres and mysql (MariaDB too)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument(
        "--full-sizes",
        type=int,
        nargs="+",
        default=[1000, 100_000],
        help="sizes at which writes and concurrency 16 are measured too",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="processes per server")
    parser.add_argument("--scaling", action="store_true", help="also modelreg 1 vs 2 workers")
    parser.add_argument("--systems", nargs="+", default=["modelreg", "mlflow"])
    parser.add_argument(
        "--ops",
        nargs="+",
        choices=READS + WRITES,
        default=READS + WRITES,
        help="operations to measure (default: all), e.g. to rerun only the writes",
    )
    parser.add_argument(
        "--idle-limit",
        type=float,
        default=300,
        metavar="SECONDS",
        help="how long to wait after a measurement for the server and the machine to go idle; "
        "a machine others are busy on never does, so lower it there for a smoke run",
    )
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--cache", type=Path, default=ROOT / ".cache" / "bench", help="where MLflow's venv goes"
    )
    args = parser.parse_args()
    if args.engine != "sqlite" and not args.url:
        parser.error(
            f"--url is needed for {args.engine}, e.g. postgresql://user@host:5432/db "
            "or mysql://user@host:3306/db"
        )
    loadgen.require_wrk()
    out = args.out or ROOT / "bench" / "results" / f"compare-{args.engine}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    cache = args.cache
    systems = [System(name, cache) for name in args.systems]
    report: dict[str, Any] = {
        "engine": args.engine,
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "machine": machine(args.engine, args.url),
        "versions": {"modelreg": modelreg.__version__, "mlflow": mlflow_side.MLFLOW_VERSION},
        "workers": args.workers,
        "seconds": args.seconds,
        "runs": args.runs,
        "seeding_s": {},
        "memory_mb": {},
        "memory_largest_mb": {},
        "results": [],
        "scaling": [],
    }

    def save() -> None:
        out.write_text(json.dumps(report, indent=1) + "\n")

    def recorder(key: str) -> Callable[[dict[str, Any]], None]:
        def record(row: dict[str, Any]) -> None:
            report[key].append(row)
            save()

        return record

    for size in args.sizes:
        full = size in args.full_sizes
        with contextlib.ExitStack() as stack:
            procs = {
                s.name: stack.enter_context(
                    serving(s, args.engine, args.url, size, args.workers, report)
                )
                for s in systems
            }
            ops = [op for op in (READS + WRITES if full else READS) if op in args.ops]
            concurrency = [1, 16] if full else [1]
            measure(systems, ops, concurrency, args, size, procs, recorder("results"))
            for name, proc in procs.items():
                rss = processes.rss_mb(proc.pid)
                report["memory_mb"].setdefault(name, {})[str(size)] = round(rss, 1)
                largest = processes.largest_rss_mb(proc.pid)
                report["memory_largest_mb"].setdefault(name, {})[str(size)] = round(largest, 1)
                log(f"{name}: {rss:.0f} MiB resident after the runs at {size:,}")
            save()
        if args.scaling and full:
            scale(args, size, cache, report, recorder("scaling"))
    save()
    log(f"wrote {out}")
    summary(report)


def scale(
    args: argparse.Namespace,
    size: int,
    cache: Path,
    report: dict[str, Any],
    record: Callable[[dict[str, Any]], None],
) -> None:
    """modelreg with 1 and with 2 worker processes, reads at concurrency 16. Both servers
    run at once on one database and their runs alternate, so that a change in the
    machine's speed over the minutes (other tenants) hits both alike."""
    system = System("modelreg", cache)
    variants = system.operations(size)
    with scratch_database(args.engine, args.url, f"scaling-{size}") as url:
        system.prepare(url)
        system.seed(url, size)
        log_path = ROOT / "bench" / "results" / f"modelreg-{args.engine}.log"
        servers: dict[int, tuple[str, Any]] = {}
        try:
            for workers, port in ((1, SCALING_PORT), (2, PORTS["modelreg"])):
                proc = modelreg_side.start(url, port, workers, log_path)
                servers[workers] = (f"http://127.0.0.1:{port}", proc)
            for base_url, proc in servers.values():
                for op in READS:
                    loadgen.run(base_url, variants[op], 4, 1)
                wait_idle(proc, args.idle_limit)
            for run in range(args.runs):
                for op in READS:
                    for workers, (base_url, proc) in servers.items():
                        result = loadgen.run(base_url, variants[op], 16, args.seconds)
                        wait_idle(proc, args.idle_limit)
                        row = {"system": "modelreg", "size": size, "workers": workers}
                        record(row | {"op": op, "concurrency": 16, "run": run} | as_row(result))
                        log(f"  workers={workers} run {run} {op:17} {result.ops_per_s:9.1f} ops/s")
        finally:
            for _, proc in servers.values():
                processes.stop(proc)


def summary(report: dict[str, Any]) -> None:
    """Medians and modelreg/MLflow ratios, to read at a glance (plot.py does the rest)."""
    groups: dict[tuple[int, str, int], dict[str, list[float]]] = {}
    for row in report["results"]:
        key = (row["size"], row["op"], row["concurrency"])
        groups.setdefault(key, {}).setdefault(row["system"], []).append(row["ops_per_s"])
    for (size, op, c), by_system in sorted(groups.items()):
        medians = {name: statistics.median(v) for name, v in by_system.items()}
        ratio = ""
        if medians.get("mlflow"):
            ratio = f"ratio {medians.get('modelreg', 0) / medians['mlflow']:.1f}x"
        cells = " ".join(f"{n}={m:.1f}" for n, m in medians.items())
        print(f"{size:>9,} {op:17} c={c:<2} {cells} {ratio}")


if __name__ == "__main__":
    main()
