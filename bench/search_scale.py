"""Filtered search latency at 1,000 versus 100,000 model versions (issue: search at scale).

Seeds N model versions, each with three custom properties (framework, accuracy, run) and
the built-in ones, by writing MLMD rows directly (bulk inserts; the API would take far
longer and measure nothing more), then times filtered list queries through the same code
path the REST endpoints use (service -> storage -> SQL -> JSON encoding), in one process.

    .venv/bin/python bench/search_scale.py --backend sqlite --sizes 1000 100000
    .venv/bin/python bench/search_scale.py --backend postgres --url postgresql://postgres@127.0.0.1:5432/test

Prints one table: median, min and max milliseconds per query and size, and the ratio of
the largest size to the smallest.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from databases import analyze, scratch_database
from sqlalchemy import insert

from modelreg.domain.models import ModelService
from modelreg.domain.paging import build_list_query
from modelreg.server.rendering import to_json
from modelreg.storage import tables as t
from modelreg.storage.store import Store

FRAMEWORKS = ["pytorch", "tensorflow", "onnx", "sklearn", "xgboost"]
QUERIES = {
    "selective string =": "run = 'run-00042'",
    "selective string = AND double >": "run IN ('run-00042', 'run-00043') AND accuracy > 0.1",
    "common string = (first page)": "framework = 'onnx'",
    "common AND range (first page)": "framework = 'pytorch' AND accuracy > 0.5",
    "double range, rare": "accuracy > 0.9999",
    "built-in author =": "author = 'author-7'",
    "name =": "name = 'v-00000042'",
}


def seed(store: Store, versions: int, models: int = 100) -> None:
    """Write models and versions straight into the MLMD tables, in batches."""
    rng = random.Random(7)
    rm_type = store.types.id_by_name("kf.RegisteredModel")
    mv_type = store.types.id_by_name("kf.ModelVersion")
    now = 1_700_000_000_000
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.context),
            [
                {
                    "id": m + 1,
                    "type_id": rm_type,
                    "name": f"model-{m}",
                    "create_time_since_epoch": now,
                    "last_update_time_since_epoch": now,
                }
                for m in range(models)
            ],
        )
    batch = 5000
    for start in range(0, versions, batch):
        contexts, props, parents = [], [], []
        for n in range(start, min(start + batch, versions)):
            vid = models + n + 1
            model = n % models + 1
            stamp = now + n
            contexts.append(
                {
                    "id": vid,
                    "type_id": mv_type,
                    "name": f"{model}:v-{n:08d}",
                    "create_time_since_epoch": stamp,
                    "last_update_time_since_epoch": stamp,
                }
            )
            parents.append({"context_id": vid, "parent_context_id": model})
            base = {
                "context_id": vid,
                "int_value": None,
                "double_value": None,
                "string_value": None,
                "bool_value": None,
                "byte_value": None,
                "proto_value": None,
            }
            props += [
                {**base, "name": "state", "is_custom_property": False, "string_value": "LIVE"},
                {
                    **base,
                    "name": "author",
                    "is_custom_property": False,
                    "string_value": f"author-{n % 50}",
                },
                {
                    **base,
                    "name": "registered_model_id",
                    "is_custom_property": False,
                    "int_value": model,
                },
                {
                    **base,
                    "name": "framework",
                    "is_custom_property": True,
                    "string_value": FRAMEWORKS[n % 5],
                },
                {
                    **base,
                    "name": "accuracy",
                    "is_custom_property": True,
                    "double_value": rng.random(),
                },
                {**base, "name": "run", "is_custom_property": True, "string_value": f"run-{n:05d}"},
            ]
        with store.engine.begin() as conn:
            conn.execute(insert(t.context), contexts)
            conn.execute(insert(t.parent_context), parents)
            conn.execute(insert(t.context_property), props)


def time_query(service: ModelService, query: str, runs: int) -> list[float]:
    samples = []
    for _ in range(runs + 3):
        started = time.perf_counter()
        page = service.list_versions(
            build_list_query(scope="mv", filter_query=query, page_size="100")
        )
        [to_json(r) for r in page.records]
        samples.append((time.perf_counter() - started) * 1000)
    return samples[3:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "mysql"], default="sqlite")
    parser.add_argument("--url", help="server URL for postgres/mysql")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    results: dict[int, dict[str, list[float]]] = {}
    for size in args.sizes:
        with scratch_database(args.backend, args.url, f"search-{size}") as url:
            store = Store.from_url(url)
            try:
                store.bootstrap(migrate=True)
                started = time.perf_counter()
                seed(store, size)
                analyze(url)
                print(f"seeded {size} versions in {time.perf_counter() - started:.1f}s")
                service = ModelService(store)
                results[size] = {n: time_query(service, q, args.runs) for n, q in QUERIES.items()}
            finally:
                store.dispose()
    small, large = min(args.sizes), max(args.sizes)
    print(
        f"\nbackend={args.backend} runs={args.runs} page size=100 (milliseconds: median [min-max])"
    )
    header = " | ".join(f"{s:,} versions" for s in args.sizes)
    print(f"| query | {header} | ratio {large:,}/{small:,} |")
    print("|---|" + "---|" * len(args.sizes) + "---|")
    for name in QUERIES:
        cells = []
        for size in args.sizes:
            samples = results[size][name]
            cells.append(
                f"{statistics.median(samples):.2f} [{min(samples):.2f}-{max(samples):.2f}]"
            )
        ratio = statistics.median(results[large][name]) / statistics.median(results[small][name])
        print(f"| `{QUERIES[name]}` | {' | '.join(cells)} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
