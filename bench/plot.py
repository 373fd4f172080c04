"""Plots and markdown tables from bench/compare.py results (modelreg against MLflow).

Reads one or more JSON files written by bench/compare.py (one per database engine; files of
the same engine are merged, so a separate run of the largest size can be added), writes PNG
plots into --out and prints markdown tables for docs/benchmarks.md to stdout:

    .venv/bin/python bench/plot.py bench/results/compare-sqlite.json \\
        bench/results/compare-postgres.json --out docs/img > /tmp/benchmarks-tables.md

Plots (needs matplotlib: `.venv/bin/pip install matplotlib`; --no-plots prints the tables
without it):

- throughput-<engine>-<size>.png: ops/s per operation, modelreg against MLflow, one panel
  per concurrency (1 and 16), median over runs with min-max whiskers and the ratio of the
  medians per operation; written for each size where both systems have both concurrencies.
- latency-vs-size-<engine>.png: p50 latency of the read operations at concurrency 1 against
  the number of versions in the store; modelreg solid, MLflow dashed.

Tables: throughput per size, p50 latency against size, memory, seeding time, and worker
scaling when the file has it. Cells are median [min-max] over runs; an en dash marks a
combination that was not measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

Row = dict[str, Any]

SYSTEMS = ("modelreg", "mlflow")
SYSTEM_LABELS = {"modelreg": "modelreg", "mlflow": "MLflow"}
SYSTEM_COLOURS = {"modelreg": "#1f77b4", "mlflow": "#ff7f0e"}
SYSTEM_STYLES: dict[str, Any] = {"modelreg": "-", "mlflow": "--"}
OPS = {
    "create_model": "create model",
    "create_version": "create version + artifact",
    "register_version": "create version + artifact, one request",
    "get_version": "get version by name",
    "list_versions": "list 100 versions",
    "search_common": "search, common value (first 100)",
    "search_selective": "search, unique value",
    "update_version": "update version",
}
LATENCY_OPS = ("get_version", "list_versions", "search_common", "search_selective")
OP_COLOURS = {
    "get_version": "#1f77b4",
    "list_versions": "#2ca02c",
    "search_common": "#d62728",
    "search_selective": "#9467bd",
}
ENGINE_LABELS = {
    "sqlite": "SQLite",
    "postgres": "PostgreSQL",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
}
PANEL_CONCURRENCIES = (1, 16)
SIZE_UNIT = "versions"
MISSING = "\u2013"  # en dash: not measured
DPI = 110
FIGSIZE = (10.0, 5.5)


class InputError(Exception):
    """A results file that cannot be read or lacks a required field."""


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stat:
    """One metric over the runs of one measurement."""

    values: tuple[float, ...]
    errors: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def lo(self) -> float:
        return min(self.values)

    @property
    def hi(self) -> float:
        return max(self.values)


@dataclass
class Engine:
    """Everything measured on one database engine, merged over its files."""

    name: str
    files: list[Path] = field(default_factory=list)
    meta: list[Row] = field(default_factory=list)
    workers: int = 1
    # (system, size, op, concurrency) -> rows, one per run
    results: dict[tuple[str, int, str, int], list[Row]] = field(default_factory=dict)
    # (system, size, op, concurrency, workers) -> rows, one per run
    scaling: dict[tuple[str, int, str, int, int], list[Row]] = field(default_factory=dict)
    # kind ("seeding_s", "memory_mb") -> system -> size -> values
    single: dict[str, dict[str, dict[int, list[float]]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        versions = " ".join(str(m.get("machine", {}).get("db_version", "")) for m in self.meta)
        if self.name.lower() == "mysql" and "MariaDB" in versions:
            return "MariaDB"  # compare.py's `--engine mysql` serves both
        return ENGINE_LABELS.get(self.name.lower(), self.name)

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", self.name).strip("-") or "engine"

    def sizes(self) -> list[int]:
        return sorted({key[1] for key in self.results})

    def ops(self) -> list[str]:
        return order_ops({key[2] for key in self.results})

    def stat(self, system: str, size: int, op: str, c: int, metric: str) -> Stat | None:
        return to_stat(self.results.get((system, size, op, c), []), metric)

    def has(self, system: str, size: int, c: int) -> bool:
        return any(k[0] == system and k[1] == size and k[3] == c for k in self.results)


def order_ops(ops: Iterable[str]) -> list[str]:
    """Known operations in their canonical order, then any others alphabetically."""
    known = list(OPS)
    return sorted(set(ops), key=lambda op: (known.index(op) if op in known else len(known), op))


def op_label(op: str) -> str:
    return OPS.get(op, op)


def to_stat(rows: Sequence[Row], metric: str) -> Stat | None:
    values = tuple(float(r[metric]) for r in rows if r.get(metric) is not None)
    if not values:
        return None
    return Stat(values, sum(int(r.get("errors") or 0) for r in rows))


def _require(row: Row, keys: Sequence[str], where: str) -> None:
    missing = [k for k in keys if k not in row]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)}")


def _values(value: Any) -> list[float]:
    """A seeding/memory entry: a number, or a list of numbers (one per run)."""
    if isinstance(value, list):
        return [float(v) for v in value if v is not None]
    return [] if value is None else [float(value)]


def load(paths: Sequence[Path]) -> list[Engine]:
    """Read the results files, merging files of the same engine (in argument order)."""
    engines: dict[str, Engine] = {}
    for path in paths:
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise InputError(f"{path}: {exc}") from exc
        if not isinstance(data, dict):
            raise InputError(f"{path}: expected a JSON object")
        _require(data, ["engine", "results"], str(path))
        name = str(data["engine"])
        workers = int(data.get("workers") or 1)
        engine = engines.get(name)
        if engine is None:
            engine = engines[name] = Engine(name, workers=workers)
        elif engine.workers != workers:
            raise InputError(
                f"{path}: workers={workers}, but {engine.files[0]} (same engine) has "
                f"workers={engine.workers}; plot them separately"
            )
        engine.files.append(path)
        engine.meta.append(data)
        for i, row in enumerate(data["results"]):
            _require(row, ["system", "size", "op", "concurrency"], f"{path}: results[{i}]")
            key = (str(row["system"]), int(row["size"]), str(row["op"]), int(row["concurrency"]))
            engine.results.setdefault(key, []).append(row)
        for i, row in enumerate(data.get("scaling") or []):
            _require(row, ["system", "size", "op", "workers"], f"{path}: scaling[{i}]")
            skey = (
                str(row["system"]),
                int(row["size"]),
                str(row["op"]),
                int(row.get("concurrency") or 16),
                int(row["workers"]),
            )
            engine.scaling.setdefault(skey, []).append(row)
        for kind in ("seeding_s", "memory_mb", "memory_largest_mb"):
            for system, by_size in (data.get(kind) or {}).items():
                target = engine.single.setdefault(kind, {}).setdefault(str(system), {})
                for size, value in by_size.items():
                    target.setdefault(int(size), []).extend(_values(value))
    for engine in engines.values():
        unknown = sorted({k[0] for k in engine.results} - set(SYSTEMS))
        if unknown:
            warn(f"{engine.name}: ignoring systems other than {SYSTEMS}: {unknown}")
    return list(engines.values())


def warn(message: str) -> None:
    print(f"plot.py: {message}", file=sys.stderr)


# --- formatting ----------------------------------------------------------------------------


def fmt_ops(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.1f}" if abs(v) >= 1 or v == 0 else f"{v:.2f}"  # 0.23, not 0.2


def fmt_ms(v: float) -> str:
    if abs(v) < 10:
        return f"{v:.2f}"
    return f"{v:.1f}" if abs(v) < 100 else f"{v:,.0f}"


def fmt_mb(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def fmt_seconds(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.1f}"


def fmt_ratio(v: float) -> str:
    if abs(v) < 10:
        return f"{v:.2f}"
    return f"{v:.1f}" if abs(v) < 100 else f"{v:,.0f}"


def fmt_size(size: int) -> str:
    return f"{size:,}"


def fmt_stat(stat: Stat | None, fmt: Callable[[float], str]) -> str:
    if stat is None:
        return MISSING
    text = fmt(stat.median)
    if len(stat.values) > 1:
        text += f" [{fmt(stat.lo)}-{fmt(stat.hi)}]"
    if stat.errors:
        text += f" ({stat.errors:,} errors)"
    return text


def ratio(a: Stat | None, b: Stat | None) -> float | None:
    if a is None or b is None or b.median == 0:
        return None
    return a.median / b.median


def fmt_opt_ratio(value: float | None) -> str:
    return MISSING if value is None else fmt_ratio(value)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def short_db_version(text: str) -> str:
    """'PostgreSQL 15.4 (Debian ...) on x86_64-pc-linux-gnu, ...' -> 'PostgreSQL 15.4'."""
    match = re.match(r"\s*(PostgreSQL|SQLite|MySQL)\s+([\w.]+)", text)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if "MariaDB" in text:
        return f"MariaDB {text.split('-')[0].strip()}"
    return text.split(" on ")[0].strip()


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# --- plots ---------------------------------------------------------------------------------


def import_pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend, or exit with how to install it."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit(
            "plot.py: matplotlib is not installed; run `.venv/bin/pip install matplotlib` "
            "(or `pip install matplotlib`), or pass --no-plots for the tables only"
        ) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plain_log_ticks(axis: Any) -> None:
    """Tick labels such as 1, 10, 100, 1,000 instead of 10^n."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
    axis.set_minor_formatter(NullFormatter())


def throughput_panels(engine: Engine, size: int) -> tuple[int, ...]:
    """The concurrencies to plot at this size, or () when a system lacks one of them."""
    ok = all(engine.has(s, size, c) for s in SYSTEMS for c in PANEL_CONCURRENCIES)
    return PANEL_CONCURRENCIES if ok else ()


def _runs_text(engine: Engine) -> str:
    runs = sorted({int(m["runs"]) for m in engine.meta if m.get("runs")})
    return f"median of {'/'.join(map(str, runs))} runs" if runs else "median over runs"


def plot_throughput(plt: Any, engine: Engine, size: int, out: Path) -> Path | None:
    """Grouped bars per operation, modelreg against MLflow, one panel per concurrency."""
    panels = throughput_panels(engine, size)
    if not panels:
        return None
    cells = [(s, c) for s in SYSTEMS for c in panels]
    ops = [
        op
        for op in engine.ops()
        if any(engine.stat(s, size, op, c, "ops_per_s") is not None for s, c in cells)
    ]
    # Shared axes: the panels compare at a glance (same ops/s scale for both concurrencies).
    fig, axes = plt.subplots(
        1, len(panels), figsize=FIGSIZE, dpi=DPI, sharey=True, sharex=True, squeeze=False
    )
    axes = list(axes[0])
    lows: list[float] = []
    highs: list[float] = []
    height = 0.38
    any_errors = False
    for ax, c in zip(axes, panels, strict=True):
        for j, op in enumerate(ops):
            stats = {s: engine.stat(s, size, op, c, "ops_per_s") for s in SYSTEMS}
            for i, system in enumerate(SYSTEMS):
                st = stats[system]
                if st is None or st.median <= 0:
                    continue
                any_errors = any_errors or st.errors > 0
                ax.barh(
                    j + (i - 0.5) * height,
                    st.median,
                    height=height,
                    color=SYSTEM_COLOURS[system],
                    hatch="///" if st.errors else None,
                    edgecolor="white" if not st.errors else "black",
                    linewidth=0.5,
                    xerr=[[st.median - st.lo], [st.hi - st.median]],
                    error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"},
                )
                lows.append(st.lo)
                highs.append(st.hi)
            tops = [st.hi for st in stats.values() if st is not None and st.median > 0]
            r = ratio(stats["modelreg"], stats["mlflow"])
            if r is not None:
                ax.annotate(
                    f"{fmt_ratio(r)}x",
                    (max(tops), j),
                    xytext=(5, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=8.5,
                    fontweight="bold",
                )
            # An empty slot says so, rather than looking like a bar too short to see.
            empty = [i for i, st in enumerate(stats.values()) if st is None or st.median <= 0]
            slots = [j] if len(empty) == len(SYSTEMS) else [j + (i - 0.5) * height for i in empty]
            for y in slots:
                ax.annotate(
                    "not measured",
                    (0.02, y),
                    xycoords=("axes fraction", "data"),
                    va="center",
                    fontsize=7.5,
                    color="grey",
                )
        ax.set_xscale("log")
        _plain_log_ticks(ax.xaxis)
        ax.set_title(f"concurrency {c}", fontsize=10)
        ax.set_xlabel("operations per second (log scale)")
        ax.grid(axis="x", which="major", alpha=0.3)
        ax.set_axisbelow(True)
    if lows:  # room left of the shortest bar, and right of the longest for the ratio label
        axes[0].set_xlim(min(lows) / 3, max(highs) * 6)
    axes[0].set_yticks(range(len(ops)), [op_label(op) for op in ops])
    axes[0].set_ylim(len(ops) - 0.5, -0.5)  # first operation on top
    axes[0].tick_params(axis="y", length=0)
    from matplotlib.patches import Patch

    handles = [Patch(color=SYSTEM_COLOURS[s], label=SYSTEM_LABELS[s]) for s in SYSTEMS]
    if any_errors:
        handles.append(Patch(facecolor="white", edgecolor="black", hatch="///", label="had errors"))
    fig.legend(handles=handles, loc="upper right", ncol=len(handles), frameon=False)
    fig.suptitle(
        f"{engine.label}, {fmt_size(size)} {SIZE_UNIT}, "
        f"{plural(engine.workers, 'worker')} per server: throughput",
        x=0.01,
        ha="left",
        fontsize=12,
    )
    fig.text(
        0.01,
        0.01,
        f"Bars: {_runs_text(engine)}, whiskers min-max. "
        "Label: ratio of the medians, modelreg / MLflow (above 1: modelreg faster).",
        fontsize=8,
        color="#444444",
    )
    fig.tight_layout(rect=(0, 0.03, 1, 0.965))
    path = out / f"throughput-{engine.slug}-{size}.png"
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_latency(plt: Any, engine: Engine, out: Path) -> Path | None:
    """p50 latency at concurrency 1 against store size, per read operation and system."""
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, NullLocator

    sizes = [z for z in engine.sizes() if any(engine.has(s, z, 1) for s in SYSTEMS)]
    if len(sizes) < 2:
        return None
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    ax_: Axes = ax
    drawn_ops: list[str] = []
    drawn_systems: set[str] = set()
    for op in [op for op in engine.ops() if op in LATENCY_OPS]:
        for system in SYSTEMS:
            points = [(z, engine.stat(system, z, op, 1, "p50_ms")) for z in sizes]
            pts = [(z, st) for z, st in points if st is not None]
            if not pts:
                continue
            colour = OP_COLOURS.get(op, "black")
            xs = [z for z, _ in pts]
            ax_.plot(
                xs,
                [st.median for _, st in pts],
                SYSTEM_STYLES[system],
                color=colour,
                marker="o" if system == "modelreg" else "s",
                markersize=5,
                linewidth=1.8,
            )
            ax_.fill_between(
                xs, [st.lo for _, st in pts], [st.hi for _, st in pts], color=colour, alpha=0.12
            )
            if len(pts) == 1:  # no band for a single point: show its spread as a whisker
                st = pts[0][1]
                ax_.errorbar(
                    xs,
                    [st.median],
                    yerr=[[st.median - st.lo], [st.hi - st.median]],
                    color=colour,
                    capsize=3,
                )
            if op not in drawn_ops:
                drawn_ops.append(op)
            drawn_systems.add(system)
    if not drawn_ops:
        plt.close(fig)
        return None
    ax_.set_xscale("log")
    ax_.set_yscale("log")
    ax_.xaxis.set_major_locator(FixedLocator(sizes))
    ax_.xaxis.set_minor_locator(NullLocator())
    ax_.set_xticklabels([fmt_size(z) for z in sizes])
    ax_.set_xlim(sizes[0] / 2, sizes[-1] * 2)
    _plain_log_ticks(ax_.yaxis)
    ax_.set_xlabel(f"{SIZE_UNIT} in the store (log scale)")
    ax_.set_ylabel("p50 latency, ms (log scale)")
    ax_.grid(which="major", alpha=0.3)
    op_handles = [
        Line2D([], [], color=OP_COLOURS.get(op, "black"), linewidth=2.5, label=op_label(op))
        for op in drawn_ops
    ]
    sys_handles = [
        Line2D(
            [],
            [],
            color="#444444",
            linestyle=SYSTEM_STYLES[s],
            marker="o" if s == "modelreg" else "s",
            label=SYSTEM_LABELS[s],
        )
        for s in SYSTEMS
        if s in drawn_systems
    ]
    first = ax_.legend(
        handles=op_handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title="operation",
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )
    ax_.add_artist(first)
    ax_.legend(
        handles=sys_handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 0.55),
        title="system",
        fontsize=9,
        title_fontsize=9,
        frameon=False,
    )
    ax_.set_title(
        f"{engine.label}, {plural(engine.workers, 'worker')} per server: "
        "p50 latency at concurrency 1 against store size",
        loc="left",
        fontsize=12,
    )
    fig.text(
        0.01,
        0.01,
        f"Lines: {_runs_text(engine)}; bands: min-max.",
        fontsize=8,
        color="#444444",
    )
    # Explicit margins: tight_layout does not make room for legends outside the axes.
    fig.subplots_adjust(left=0.08, right=0.69, top=0.91, bottom=0.14)
    path = out / f"latency-vs-size-{engine.slug}.png"
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def make_plots(engines: Sequence[Engine], out: Path) -> dict[tuple[str, str, int], Path]:
    """All plots; keys are (kind, engine name, size or 0)."""
    plt = import_pyplot()
    out.mkdir(parents=True, exist_ok=True)
    images: dict[tuple[str, str, int], Path] = {}
    for engine in engines:
        for size in engine.sizes():
            path = plot_throughput(plt, engine, size, out)
            if path is None:
                warn(
                    f"{engine.name} {fmt_size(size)}: no throughput plot (needs both systems "
                    f"at concurrency {' and '.join(map(str, PANEL_CONCURRENCIES))})"
                )
            else:
                images["throughput", engine.name, size] = path
                warn(f"wrote {path}")
        path = plot_latency(plt, engine, out)
        if path is None:
            warn(f"{engine.name}: no latency plot (needs concurrency 1 at 2 sizes or more)")
        else:
            images["latency", engine.name, 0] = path
            warn(f"wrote {path}")
    return images


# --- markdown ------------------------------------------------------------------------------


def md_intro(engine: Engine) -> str:
    meta = engine.meta[0]
    dates = sorted({str(m.get("started", ""))[:10] for m in engine.meta if m.get("started")})
    versions = meta.get("versions") or {}
    machine = meta.get("machine") or {}
    parts = []
    if versions:
        parts.append(", ".join(f"{SYSTEM_LABELS.get(k, k)} {v}" for k, v in versions.items() if v))
    parts.append(f"{plural(engine.workers, 'worker')} per server")
    seconds = sorted({int(m["seconds"]) for m in engine.meta if m.get("seconds")})
    runs = sorted({int(m["runs"]) for m in engine.meta if m.get("runs")})
    if seconds:
        parts.append(f"{'/'.join(map(str, seconds))} s per measurement")
    if runs:
        parts.append(f"{'/'.join(map(str, runs))} runs, interleaved between the systems")
    hw = []
    if machine.get("cpus"):
        hw.append(plural(int(machine["cpus"]), "CPU"))
    if machine.get("memory_gb"):
        hw.append(f"{machine['memory_gb']} GB")
    if machine.get("python"):
        hw.append(f"Python {machine['python']}")
    if machine.get("db_version"):
        hw.append(short_db_version(str(machine["db_version"])))
    if machine.get("modelreg_driver"):
        hw.append(f"modelreg's driver {machine['modelreg_driver']}")
    if hw:
        parts.append(", ".join(hw))
    when = f" ({', '.join(dates)})" if dates else ""
    lines = [f"### {engine.label}{when}", "", "; ".join(parts) + "."]
    commands = [str(m["command"]) for m in engine.meta if m.get("command")]
    if commands:
        lines += ["", "```sh", *dict.fromkeys(commands), "```"]
    return "\n".join(lines)


def md_image(
    images: dict[tuple[str, str, int], Path], key: tuple[str, str, int], alt: str, md_dir: Path
) -> list[str]:
    path = images.get(key)
    if path is None:
        return []
    link = Path(os.path.relpath(path.resolve(), md_dir.resolve())).as_posix()
    return [f"![{alt}]({link})", ""]


def md_throughput(engine: Engine, size: int) -> str | None:
    concurrencies = sorted({k[3] for k in engine.results if k[1] == size})
    rows = []
    for op in engine.ops():
        for c in concurrencies:
            stats = {s: engine.stat(s, size, op, c, "ops_per_s") for s in SYSTEMS}
            if all(st is None for st in stats.values()):
                continue
            rows.append(
                [
                    op_label(op),
                    str(c),
                    fmt_stat(stats["modelreg"], fmt_ops),
                    fmt_stat(stats["mlflow"], fmt_ops),
                    fmt_opt_ratio(ratio(stats["modelreg"], stats["mlflow"])),
                ]
            )
    if not rows:
        return None
    header = ["operation", "concurrency", "modelreg ops/s", "MLflow ops/s", "ratio"]
    return md_table(header, rows)


def md_latency(engine: Engine) -> str | None:
    sizes = [z for z in engine.sizes() if any(engine.has(s, z, 1) for s in SYSTEMS)]
    if len(sizes) < 2:
        return None

    def measured_sizes(system: str, op: str) -> int:
        return sum(engine.stat(system, z, op, 1, "p50_ms") is not None for z in sizes)

    # Only operations with something to compare across sizes (writes may be at one size).
    ops = [op for op in engine.ops() if any(measured_sizes(s, op) >= 2 for s in SYSTEMS)]
    rows = []
    for op in ops:
        for system in SYSTEMS:
            stats = {z: engine.stat(system, z, op, 1, "p50_ms") for z in sizes}
            present = [z for z, st in stats.items() if st is not None]
            if not present:
                continue
            r: float | None = None
            note = ""
            if len(present) >= 2:
                r = ratio(stats[present[-1]], stats[present[0]])
                if (present[0], present[-1]) != (sizes[0], sizes[-1]):
                    note = f" ({fmt_size(present[0])} to {fmt_size(present[-1])})"
            rows.append(
                [
                    op_label(op),
                    SYSTEM_LABELS[system],
                    *(fmt_stat(stats[z], fmt_ms) for z in sizes),
                    fmt_opt_ratio(r) + (note if r is not None else ""),
                ]
            )
    if not rows:
        return None
    header = [
        "operation",
        "system",
        *(f"{fmt_size(z)} {SIZE_UNIT}" for z in sizes),
        f"ratio {fmt_size(sizes[-1])} / {fmt_size(sizes[0])}",
    ]
    return md_table(header, rows)


def md_single(engine: Engine, kind: str, fmt: Callable[[float], str]) -> str | None:
    """Memory or seeding time: one row per system and a modelreg / MLflow ratio row."""
    data = engine.single.get(kind) or {}
    systems = [s for s in SYSTEMS if data.get(s)]
    if not systems:
        return None
    sizes = sorted({z for s in systems for z in data[s]})

    def cell(system: str, size: int) -> Stat | None:
        values = data.get(system, {}).get(size) or []
        return Stat(tuple(values)) if values else None

    rows = [[SYSTEM_LABELS[s], *(fmt_stat(cell(s, z), fmt) for z in sizes)] for s in systems]
    if len(systems) == len(SYSTEMS):
        rows.append(
            [
                "ratio modelreg / MLflow",
                *(fmt_opt_ratio(ratio(cell("modelreg", z), cell("mlflow", z))) for z in sizes),
            ]
        )
    return md_table(["system", *(f"{fmt_size(z)} {SIZE_UNIT}" for z in sizes)], rows)


def md_scaling(engine: Engine) -> list[tuple[int, str]]:
    """One table per size: ops/s per worker count, and the ratio to 1 worker."""
    if not engine.scaling:
        return []
    tables = []
    for size in sorted({k[1] for k in engine.scaling}):
        keys = sorted({k[:4] for k in engine.scaling if k[1] == size})
        workers = sorted({k[4] for k in engine.scaling if k[1] == size})
        use_results = 1 not in workers and engine.workers == 1
        if use_results:  # no 1-worker scaling rows: the main results are 1 worker
            workers = [1, *workers]
        known = list(OPS)
        keys.sort(key=lambda k: (known.index(k[2]) if k[2] in known else len(known), k))
        rows = []
        for system, _, op, c in keys:
            stats: dict[int, Stat | None] = {}
            for w in workers:
                if w == 1 and use_results:
                    stats[w] = engine.stat(system, size, op, c, "ops_per_s")
                else:
                    rows_w = engine.scaling.get((system, size, op, c, w), [])
                    stats[w] = to_stat(rows_w, "ops_per_s")
            rows.append(
                [
                    op_label(op),
                    SYSTEM_LABELS.get(system, system),
                    str(c),
                    *(fmt_stat(stats[w], fmt_ops) for w in workers),
                    *(
                        fmt_opt_ratio(ratio(stats[w], stats.get(1)))
                        for w in workers
                        if w != 1 and 1 in workers
                    ),
                ]
            )
        header = [
            "operation",
            "system",
            "concurrency",
            *(f"{plural(w, 'worker')} ops/s" for w in workers),
            *(f"ratio {w} / 1" for w in workers if w != 1 and 1 in workers),
        ]
        tables.append((size, md_table(header, rows)))
    return tables


def render_markdown(
    engines: Sequence[Engine], images: dict[tuple[str, str, int], Path], md_dir: Path
) -> str:
    out: list[str] = []
    for engine in engines:
        out += [md_intro(engine), ""]
        runs = _runs_text(engine)
        for size in engine.sizes():
            table = md_throughput(engine, size)
            if table is None:
                continue
            out += [f"**Throughput, {fmt_size(size)} {SIZE_UNIT}** ({engine.label})", ""]
            out += md_image(
                images,
                ("throughput", engine.name, size),
                f"{engine.label}, {fmt_size(size)} {SIZE_UNIT}: throughput, modelreg and MLflow",
                md_dir,
            )
            out += [
                f"Operations per second, {runs} [min-max]; ratio of the medians, "
                "modelreg / MLflow (above 1: modelreg faster).",
                "",
                table,
                "",
            ]
        table = md_latency(engine)
        if table is not None:
            out += [f"**p50 latency against store size, concurrency 1** ({engine.label})", ""]
            out += md_image(
                images,
                ("latency", engine.name, 0),
                f"{engine.label}: p50 latency against store size",
                md_dir,
            )
            out += [
                f"Milliseconds, {runs} [min-max]; ratio of the medians at the largest and "
                "the smallest size measured.",
                "",
                table,
                "",
            ]
        singles = (
            (
                "memory_mb",
                fmt_mb,
                "**Memory** ({}): resident MiB of each server (all its processes) after its runs.",
            ),
            (
                "memory_largest_mb",
                fmt_mb,
                "**Memory of the largest process** ({}): resident "
                "MiB of one worker after the runs.",
            ),
            (
                "seeding_s",
                fmt_seconds,
                "**Seeding** ({}): seconds to write the rows directly "
                "(not through the API), including ANALYZE.",
            ),
        )
        for kind, fmt, caption in singles:
            table = md_single(engine, kind, fmt)
            if table is not None:
                out += [caption.format(engine.label), "", table, ""]
        for size, table in md_scaling(engine):
            out += [
                f"**Worker scaling, {fmt_size(size)} {SIZE_UNIT}** ({engine.label}): "
                f"operations per second, {runs} [min-max].",
                "",
                table,
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


# --- command line --------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+", help="JSON files from compare.py")
    parser.add_argument("--out", type=Path, default=Path("docs/img"), help="PNG directory")
    parser.add_argument(
        "--md-dir",
        type=Path,
        default=Path("docs"),
        help="directory of the markdown file, for the image links (default: docs)",
    )
    parser.add_argument("--no-plots", action="store_true", help="print the tables only")
    args = parser.parse_args(argv)
    try:
        engines = load(args.results)
    except InputError as exc:
        print(f"plot.py: {exc}", file=sys.stderr)
        return 2
    images = {} if args.no_plots else make_plots(engines, args.out)
    sys.stdout.write(render_markdown(engines, images, args.md_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
