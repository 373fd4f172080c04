"""The storage layer on every backend: one suite, run unchanged on SQLite, PostgreSQL, MySQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from modelreg.domain.common import new_child, new_record, touch
from modelreg.domain.kinds import (
    ARTIFACT_KINDS,
    DATASET,
    METRIC,
    MODEL_ARTIFACT,
    MODEL_VERSION,
    REGISTERED_MODEL,
)
from modelreg.domain.paging import build_list_query
from modelreg.domain.records import NewChild, Record
from modelreg.domain.values import Stored, encode_struct
from modelreg.errors import AlreadyExists, NotFound
from modelreg.storage import tables as t
from modelreg.storage.repository import Repository
from modelreg.storage.store import Store

EVERY_VALUE = {
    "int_max": Stored("int_value", 2**63 - 1),
    "int_min": Stored("int_value", -(2**63)),
    "zero": Stored("int_value", 0),
    "double": Stored("double_value", 0.1 + 0.2),
    "tiny": Stored("double_value", 5e-324),
    "whole": Stored("double_value", 2),  # beside floats: PostgreSQL gets one array of them
    "text": Stored("string_value", "héllo wörld ✓ 🚀 \t\n 'quotes' \"double\" \\ back"),
    "empty": Stored("string_value", ""),
    "yes": Stored("bool_value", True),
    "no": Stored("bool_value", False),
    "struct": Stored("string_value", encode_struct({"a": [1, 2.5, "x"], "b": {"c": None}})),
    "proto": Stored("proto_value", b"\n\x0ctype.example/x\x12\x03\x01\x02\x00"),
}


def _model(repo: Repository, name: str, **custom: Stored) -> Record:
    record = new_record(REGISTERED_MODEL, name)
    record.props["state"] = Stored("string_value", "LIVE")
    record.custom = dict(custom)
    return repo.insert(record)


def test_every_value_type_round_trips(store: Store) -> None:
    created = store.run(lambda repo: _model(repo, "all-values", **EVERY_VALUE), write=True)
    loaded = store.run(lambda repo: repo.get([REGISTERED_MODEL], created.id), write=False)
    assert loaded is not None
    assert loaded.custom == EVERY_VALUE
    assert loaded.props == {"state": Stored("string_value", "LIVE")}


def test_update_rewrites_properties(store: Store) -> None:
    record = store.run(lambda repo: _model(repo, "m", a=Stored("int_value", 1)), write=True)
    record.custom = {"b": Stored("string_value", "two")}
    record.external_id = "ext-1"
    store.run(lambda repo: repo.update(record), write=True)
    loaded = store.run(lambda repo: repo.get([REGISTERED_MODEL], record.id), write=False)
    assert loaded is not None
    assert loaded.custom == {"b": Stored("string_value", "two")}
    assert loaded.external_id == "ext-1"


def test_duplicate_name_and_external_id_are_refused(store: Store) -> None:
    def first(repo: Repository) -> Record:
        record = new_record(REGISTERED_MODEL, "dup")
        record.external_id = "x-1"
        return repo.insert(record)

    store.run(first, write=True)
    with pytest.raises(AlreadyExists, match="name 'dup'"):
        store.run(lambda repo: _model(repo, "dup"), write=True)

    def same_external(repo: Repository) -> Record:
        record = new_record(REGISTERED_MODEL, "other")
        record.external_id = "x-1"
        return repo.insert(record)

    with pytest.raises(AlreadyExists, match="externalId 'x-1'"):
        store.run(same_external, write=True)


def test_names_are_case_sensitive_on_every_backend(store: Store) -> None:
    store.run(lambda repo: _model(repo, "Model"), write=True)
    store.run(lambda repo: _model(repo, "model"), write=True)
    found = store.run(lambda repo: repo.find([REGISTERED_MODEL], names=["MODEL"]), write=False)
    assert found == []


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    def half_done(repo: Repository) -> None:
        _model(repo, "half", a=Stored("int_value", 1))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.run(half_done, write=True)
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(t.context)) == 0
        assert conn.scalar(select(func.count()).select_from(t.context_property)) == 0


@pytest.mark.parametrize("order_by", ["ID", "CREATE_TIME", "LAST_UPDATE_TIME"])
@pytest.mark.parametrize("sort_order", ["ASC", "DESC"])
def test_keyset_pages_are_complete_and_ordered_with_equal_timestamps(
    store: Store, order_by: str, sort_order: str
) -> None:
    def seed(repo: Repository) -> list[int]:
        ids = []
        for i in range(23):
            record = new_record(REGISTERED_MODEL, f"m{i}")
            record.create_time = record.update_time = 1_000 + i // 5  # ties in groups of five
            ids.append(repo.insert(record).id)
        return ids

    ids = store.run(seed, write=True)
    seen: list[int] = []
    token = None
    while True:
        query = build_list_query(
            scope="test",
            page_size="4",
            order_by=order_by,
            sort_order=sort_order,
            next_page_token=token,
        )
        page = store.run(
            lambda repo, q=query: repo.list_page([REGISTERED_MODEL], q, None), write=False
        )
        seen += [r.id for r in page.records]
        token = page.next_page_token
        if not token:
            break
    key = (lambda i: i) if order_by == "ID" else (lambda i: (1_000 + ids.index(i) // 5, i))
    assert seen == sorted(ids, key=key, reverse=sort_order == "DESC")


def test_children_listed_through_their_parent(store: Store) -> None:
    def seed(repo: Repository) -> tuple[int, int]:
        parent = _model(repo, "parent")
        other = _model(repo, "other")
        for owner, count in ((parent, 3), (other, 2)):
            for i in range(count):
                version = new_record(MODEL_VERSION, f"{owner.id}:v{i}")
                repo.insert(version, under=owner.id)
        return parent.id, other.id

    parent_id, other_id = store.run(seed, write=True)
    query = build_list_query(scope="t")
    page = store.run(lambda repo: repo.list_page([MODEL_VERSION], query, parent_id), write=False)
    assert [r.display_name for r in page.records] == ["v0", "v1", "v2"]
    page = store.run(lambda repo: repo.list_page([MODEL_VERSION], query, other_id), write=False)
    assert [r.display_name for r in page.records] == ["v0", "v1"]


@pytest.mark.parametrize(
    "name", ["plain", "with:colon", "100%", "under_score", "back\\slash", "a'b"]
)
def test_find_suffixed_matches_the_exact_name_only(store: Store, name: str) -> None:
    decoys = ["plainx", "xplain", "with", "colon", "1000%", "underXscore", "back\\\\slash", "ab"]

    def seed(repo: Repository) -> int:
        version = repo.insert(new_record(MODEL_VERSION, "1:v"))
        for stored in [f"{version.id}:{name}", *(f"{version.id}:{d}" for d in decoys)]:
            repo.insert(new_record(MODEL_ARTIFACT, stored), under=version.id)
        return version.id

    version_id = store.run(seed, write=True)
    found = store.run(
        lambda repo: repo.find_suffixed(ARTIFACT_KINDS, name, version_id), write=False
    )
    assert [r.display_name for r in found] == [name]


def test_artifact_kinds_share_one_table_but_not_names(store: Store) -> None:
    def seed(repo: Repository) -> None:
        for kind in (MODEL_ARTIFACT, DATASET, METRIC):
            record = new_record(kind, "7:same")
            if kind is METRIC:
                record.props["value"] = Stored("double_value", 1.0)
            repo.insert(record)

    store.run(seed, write=True)
    page = store.run(
        lambda repo: repo.list_page(ARTIFACT_KINDS, build_list_query(scope="t"), None), write=False
    )
    assert [r.kind for r in page.records] == [MODEL_ARTIFACT, DATASET, METRIC]


def test_bootstrap_is_idempotent(store: Store) -> None:
    with store.engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(t.type_))
        props_before = conn.scalar(select(func.count()).select_from(t.type_property))
    store.bootstrap(migrate=True)
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(t.type_)) == before
        assert conn.scalar(select(func.count()).select_from(t.type_property)) == props_before
    assert store.schema_problem() is None


def test_trailing_spaces_make_a_different_name(store: Store) -> None:
    """MySQL's PAD SPACE collations compare 'x' and 'x ' equal; ours must not."""
    store.run(lambda repo: _model(repo, "x"), write=True)
    store.run(lambda repo: _model(repo, "x "), write=True)
    found = store.run(lambda repo: repo.find([REGISTERED_MODEL], names=["x "]), write=False)
    assert [r.name for r in found] == ["x "]


def test_an_exhausted_pool_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    from sqlalchemy import create_engine

    from modelreg.errors import Unavailable

    engine = create_engine(
        f"sqlite:///{tmp_path / 'p.db'}", pool_size=1, max_overflow=0, pool_timeout=0.1
    )
    store = Store(engine)
    store.bootstrap()
    with engine.connect(), pytest.raises(Unavailable, match="busy"):
        store.run(lambda repo: repo.get([REGISTERED_MODEL], 1), write=False)
    engine.dispose()


def test_a_record_and_its_child_go_in_together_or_not_at_all(store: Store) -> None:
    """`insert_under(..., children=)`: the child is linked under the new record and named
    after its id, and the parent comes back as stored; when the child's key is taken,
    neither is written; a parent of another kind is not found."""
    model = store.run(lambda repo: _model(repo, "m", k=Stored("int_value", 7)), write=True)

    def pair(version_name: str, artifact_external_id: str) -> tuple[Record, NewChild]:
        version = new_record(MODEL_VERSION, f"{model.id}:{version_name}")
        version.custom = dict(EVERY_VALUE)
        artifact = new_record(MODEL_ARTIFACT, None)
        artifact.uri, artifact.external_id = "s3://b/w", artifact_external_id
        artifact.custom = {"k": Stored("string_value", "v")}
        return version, new_child(artifact, "weights")

    version, artifact = pair("v1", "ext")
    shown = store.insert_under(
        version, under=model.id, parent_kinds=[REGISTERED_MODEL], children=[artifact]
    )
    assert shown == model
    assert artifact.record.name == f"{version.id}:weights"
    v1 = version
    children = store.run(lambda repo: repo.children_of([MODEL_ARTIFACT], [version.id]), write=False)
    assert children[version.id] == [artifact.record]
    versions = store.run(lambda repo: repo.children_of([MODEL_VERSION], [model.id]), write=False)
    assert versions[model.id] == [version]

    version, artifact = pair("v2", "ext")
    with pytest.raises(AlreadyExists, match="model artifact with externalId 'ext'"):
        store.insert_under(
            version, under=model.id, parent_kinds=[REGISTERED_MODEL], children=[artifact]
        )
    with pytest.raises(NotFound, match="registered model"):  # under v1, not a model
        store.insert_under(pair("v3", "e3")[0], under=v1.id, parent_kinds=[REGISTERED_MODEL])
    with store.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(t.context)) == 2  # model, v1
        assert conn.scalar(select(func.count()).select_from(t.artifact)) == 1


def test_an_update_raced_by_another_change_keeps_both(store: Store) -> None:
    """Store.update on PostgreSQL writes only if nothing changed since its read; a change
    that came between sends it down the locking path, which applies it to the new state."""
    if store.dialect != "postgresql":
        pytest.skip("elsewhere the read locks the row inside the write's transaction")
    model = store.run(lambda repo: _model(repo, "m", a=Stored("int_value", 1)), write=True)
    calls = []

    def racing(record: Record) -> None:
        calls.append(dict(record.custom))
        if len(calls) == 1:  # another writer changes the model between our read and write

            def other(repo: Repository) -> None:
                theirs = repo.get([REGISTERED_MODEL], model.id)
                assert theirs is not None
                theirs.custom["b"] = Stored("int_value", 2)
                touch(theirs)
                repo.update(theirs)

            store.run(other, write=True)
        record.custom["c"] = Stored("int_value", 3)
        touch(record)

    saved = store.update([REGISTERED_MODEL], model.id, racing)
    assert calls == [
        {"a": Stored("int_value", 1)},
        {"a": Stored("int_value", 1), "b": Stored("int_value", 2)},
    ]
    stored = store.run(lambda repo: repo.get([REGISTERED_MODEL], model.id), write=False)
    assert stored == saved
    assert set(stored.custom) == {"a", "b", "c"}
