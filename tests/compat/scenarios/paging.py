"""The pagers of get_registered_models / get_model_versions: order, direction, page size.

Other scenarios share the database, so each pass checks two things: our own entities come in
exactly the expected order, and the whole stream is strictly ordered by (sort key, id),
holds no duplicates, covers the same set of ids as every other pass, and ends.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from _support import Scenario, run
from model_registry.types import ListOptions, RegisteredModel

MODELS = 25
VERSIONS = 13
ITERATION_CAP = 5000

Key = Callable[[Any], tuple[int, int]]


def by_id(e: Any) -> tuple[int, int]:
    return (int(e.id), int(e.id))


def by_create(e: Any) -> tuple[int, int]:
    return (int(e.create_time_since_epoch), int(e.id))


def by_update(e: Any) -> tuple[int, int]:
    return (int(e.last_update_time_since_epoch), int(e.id))


ORDERINGS: dict[str | None, tuple[str | None, Key]] = {
    None: (None, by_id),
    "id": ("order_by_id", by_id),
    "create": ("order_by_creation_time", by_create),
    "update": ("order_by_update_time", by_update),
}
# (ordering, direction, page size): every ordering both ways, with mixed page sizes. A pass
# over all models costs a request per page, so the passes are chosen, not a full product.
Pass = tuple[str | None, str | None, int | None]
MODEL_PASSES: list[Pass] = [
    (None, None, 4),
    ("id", "asc", 10),
    ("id", "desc", 4),
    ("create", "asc", 25),
    ("create", "desc", 10),
    ("update", "asc", 4),
    ("update", "desc", 25),
    ("id", "desc", None),
]
VERSION_PASSES: list[Pass] = [
    (None, None, 1),
    ("id", "asc", 4),
    ("id", "desc", 13),
    ("create", "asc", 5),
    ("create", "desc", 1),
    ("update", "asc", 4),
    ("update", "desc", 50),
    (None, "desc", None),
]


def drain(s: Scenario, pager: Any, what: str) -> list[Any]:
    """Iterate a pager to its end; a repeated id means it wrapped around or looped."""
    seen: list[Any] = []
    ids: set[str] = set()
    for item in pager:
        s.ok(item.id not in ids, f"{what}: id {item.id} came twice (after {len(seen)} items)")
        ids.add(item.id)
        seen.append(item)
        s.ok(len(seen) < ITERATION_CAP, f"{what}: the pager does not terminate")
    return seen


def check_pass(
    s: Scenario, items: list[Any], ours: list[Any], key: Key, descending: bool, what: str
) -> None:
    keys = [key(e) for e in items]
    expected_keys = sorted(keys, reverse=descending)
    s.ok(keys == expected_keys, f"{what}: the stream is not ordered by (key, id)")
    mine = {e.id for e in ours}
    got = [e.id for e in items if e.id in mine]
    want = [e.id for e in sorted(ours, key=key, reverse=descending)]
    s.eq(got, want, f"{what}: our {len(ours)} entities in order, each once")


def exercise(
    s: Scenario, make_pager: Callable[[], Any], ours: list[Any], passes: list[Pass], label: str
) -> int:
    everyone: set[str] | None = None
    for order_name, direction, size in passes:
        method, key = ORDERINGS[order_name]
        pager = make_pager()
        if size is not None:
            pager = pager.page_size(size)
        if method is not None:
            pager = getattr(pager, method)()
        if direction == "asc":
            pager = pager.ascending()
        elif direction == "desc":
            pager = pager.descending()
        what = f"{label} order={order_name} dir={direction} size={size}"
        items = drain(s, pager, what)
        check_pass(s, items, ours, key, direction == "desc", what)
        ids = {e.id for e in items}
        everyone = ids if everyone is None else everyone
        s.eq(sorted(ids), sorted(everyone), f"{what}: the same entities as other passes")
    return len(passes)


def touch_in_order(s: Scenario, registry: Any, entities: list[Any]) -> list[Any]:
    """Update each entity in a shuffled order, 3 ms apart, so update times are distinct."""
    shuffled = entities[:]
    random.Random(7).shuffle(shuffled)
    updated = []
    for position, entity in enumerate(shuffled):
        time.sleep(0.003)
        entity.description = f"touched #{position}"
        updated.append(registry.update(entity))
    stamps = [int(e.last_update_time_since_epoch) for e in updated]
    s.ok(stamps == sorted(stamps), "update times follow the order of the updates")
    return updated


def registered_models(s: Scenario, registry: Any) -> None:
    prefix = s.uid("page")
    ours = [
        registry.async_runner(
            registry._api.upsert_registered_model(RegisteredModel(name=f"{prefix}-{i:02d}"))
        )
        for i in range(MODELS)
    ]
    ours = touch_in_order(s, registry, ours)
    passes = exercise(s, registry.get_registered_models, ours, MODEL_PASSES, "models")
    s.extra["model_passes"] = passes

    # The low-level call the pager makes: each page at most 4 long, the last token empty.
    options = ListOptions(limit=4)
    pages: list[list[Any]] = []
    while True:
        page = registry.async_runner(registry._api.get_registered_models(options))
        s.ok(len(page) <= 4, f"page {len(pages)} has {len(page)} items, more than 4")
        pages.append(page)
        if not options.next_page_token:
            break
        s.ok(len(pages) < ITERATION_CAP, "page tokens never run out")
    s.ok(all(len(p) == 4 for p in pages[:-1]), "only the last page may be short")
    s.ok(len(pages[-1]) >= 1, "no empty trailing page")
    total = sum(len(p) for p in pages)
    s.ok(total >= MODELS, f"the pages hold {total} models, fewer than ours")
    s.extra["models_in_db"] = total


def model_versions(s: Scenario, registry: Any) -> None:
    name = s.uid("paged-versions")
    for i in range(VERSIONS):
        registry.register_model(
            name,
            f"s3://b/{i}",
            model_format_name="f",
            model_format_version="1",
            version=f"v{i:02d}",
        )
    sibling = s.uid("sibling")
    registry.register_model(
        sibling, "s3://b/x", model_format_name="f", model_format_version="1", version="v00"
    )
    ours = [registry.get_model_version(name, f"v{i:02d}") for i in range(VERSIONS)]
    ours = touch_in_order(s, registry, ours)
    passes = exercise(
        s, lambda: registry.get_model_versions(name), ours, VERSION_PASSES, "versions"
    )
    everything = drain(s, registry.get_model_versions(name), "versions of one model")
    s.eq(
        sorted(v.id for v in everything),
        sorted(v.id for v in ours),
        "a model's versions are exactly its own (none of the sibling's)",
    )
    s.extra["version_passes"] = passes

    empty_name = s.uid("no-versions")
    registry.async_runner(registry._api.upsert_registered_model(RegisteredModel(name=empty_name)))
    s.eq(drain(s, registry.get_model_versions(empty_name), "no versions"), [], "empty pager")


def main(s: Scenario) -> None:
    registry = s.connect()
    registered_models(s, registry)
    model_versions(s, registry)


if __name__ == "__main__":
    run("paging", main)
