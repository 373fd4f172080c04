"""The port itself (`domain/ports.py`): what every store does alike, beneath the use cases."""

from __future__ import annotations

import pytest

from modelreg.domain.common import new_child, new_record
from modelreg.domain.kinds import (
    DOC_ARTIFACT,
    MODEL_ARTIFACT,
    MODEL_VERSION,
    REGISTERED_MODEL,
    SERVING_ENVIRONMENT,
)
from modelreg.domain.ports import Repo, StorePort
from modelreg.domain.records import Record
from modelreg.domain.values import Stored
from modelreg.errors import AlreadyExists, InvalidArgument, NotFound

RM = (REGISTERED_MODEL,)


def model(store: StorePort, name: str = "m") -> Record:
    record = new_record(REGISTERED_MODEL, name)
    record.custom["k"] = Stored("string_value", "v")
    return store.insert(record)


def test_a_failed_write_leaves_nothing(port: StorePort) -> None:
    def work(repo: Repo) -> None:
        repo.insert(new_record(REGISTERED_MODEL, "gone"))
        raise RuntimeError("after the insert")

    with pytest.raises(RuntimeError):
        port.run(work, write=True)
    assert port.run(lambda repo: repo.find(RM, names=["gone"]), write=False) == []
    assert model(port, "gone").name == "gone"  # the name is free


def test_records_handed_out_are_copies(port: StorePort) -> None:
    inserted = model(port)
    inserted.custom["k"] = Stored("string_value", "changed by the caller")
    got = port.run(lambda repo: repo.get(RM, inserted.id), write=False)
    assert got is not None and got.custom["k"].value == "v"
    got.custom.clear()
    got.name = "renamed"
    again = port.run(lambda repo: repo.get(RM, inserted.id), write=False)
    assert again is not None and (again.name, again.custom["k"].value) == ("m", "v")


def test_update_replaces_properties_and_keeps_name(port: StorePort) -> None:
    inserted = model(port)

    def change(record: Record) -> None:
        record.name = "ignored"
        record.custom = {"other": Stored("int_value", 3)}
        record.update_time += 1

    port.update(RM, inserted.id, change)
    got = port.run(lambda repo: repo.get(RM, inserted.id), write=False)
    assert got is not None
    assert (got.name, got.custom) == ("m", {"other": Stored("int_value", 3)})
    assert got.update_time == inserted.update_time + 1
    with pytest.raises(NotFound, match="no registered model with id 99"):
        port.update(RM, 99, change)


def test_insert_checks_the_parent_kind(port: StorePort) -> None:
    env = port.insert(new_record(SERVING_ENVIRONMENT, "env"))
    version = new_record(MODEL_VERSION, f"{env.id}:v")
    with pytest.raises(NotFound, match=f"no registered model with id {env.id}"):
        port.insert(version, under=env.id, parent_kinds=RM)
    found = port.run(lambda repo: repo.find((MODEL_VERSION,)), write=False)
    assert found == []


def test_insert_under_with_children(port: StorePort) -> None:
    """New children go in with their new parent, named after its id by the store."""
    parent = model(port)
    version = new_record(MODEL_VERSION, f"{parent.id}:v")
    first = new_child(new_record(MODEL_ARTIFACT, None), "a")
    second = new_child(new_record(DOC_ARTIFACT, None), None)  # a UUID stands in
    shown = port.insert_under(version, under=parent.id, parent_kinds=RM, children=[first, second])
    assert (shown.id, shown.name, shown.custom["k"].value) == (parent.id, "m", "v")
    assert first.record.name == f"{version.id}:a"
    assert second.record.name == f"{version.id}:{second.name}" and len(second.name) == 36

    def linked(repo: Repo) -> dict[int, list[Record]]:
        return repo.children_of((MODEL_ARTIFACT, DOC_ARTIFACT), [version.id, parent.id])

    children = port.run(linked, write=False)
    assert children[version.id] == [first.record, second.record]
    assert children[parent.id] == []


@pytest.mark.parametrize("length", [244, 250, 254])
def test_a_new_childs_name_is_held_to_its_parents_real_id(port: StorePort, length: int) -> None:
    """`<id>:<name>` must fit MAX_NAME_LENGTH (255): a name too long for the widest id
    still goes in when the parent's real id is short (here under 5 digits), and one too
    long for any id is 400."""
    parent = model(port)
    version = new_record(MODEL_VERSION, f"{parent.id}:v")
    child = new_child(new_record(MODEL_ARTIFACT, None), "n" * length)
    if length == 254:  # no room for "<id>:"
        with pytest.raises(InvalidArgument, match="too long"):
            port.insert(version, under=parent.id, parent_kinds=RM, children=[child])
        assert port.run(lambda repo: repo.find((MODEL_VERSION,)), write=False) == []
        return
    port.insert(version, under=parent.id, parent_kinds=RM, children=[child])
    assert child.record.name == f"{version.id}:{child.name}"
    found = port.run(lambda repo: repo.get((MODEL_ARTIFACT,), child.record.id), write=False)
    assert found == child.record


def test_insert_under_is_all_or_nothing(port: StorePort) -> None:
    parent = model(port)
    taken = new_record(MODEL_ARTIFACT, "x:a")
    taken.external_id = "x"
    port.insert(taken)
    version = new_record(MODEL_VERSION, f"{parent.id}:v")
    child = new_child(new_record(MODEL_ARTIFACT, None), "a")
    child.record.external_id = "x"
    with pytest.raises(AlreadyExists, match="model artifact with externalId 'x'"):
        port.insert_under(version, under=parent.id, parent_kinds=RM, children=[child])
    assert port.run(lambda repo: repo.find((MODEL_VERSION,)), write=False) == []
    with pytest.raises(NotFound, match="no registered model with id 99"):
        port.insert_under(version, under=99, parent_kinds=RM)


def test_find_and_load(port: StorePort) -> None:
    first, second = model(port, "a"), model(port, "b")

    def read(repo: Repo) -> tuple[list[Record], ...]:
        return (
            repo.find(RM, names=["b", "a", "zz"]),
            repo.find(RM, names=["a", "b"], limit=1),
            repo.load(RM, [second.id, first.id, second.id, 99]),
            repo.load((SERVING_ENVIRONMENT,), [first.id]),
        )

    by_names, limited, loaded, wrong_kind = port.run(read, write=False)
    assert [r.id for r in by_names] == [first.id, second.id]
    assert [r.id for r in limited] == [first.id]
    assert [r.id for r in loaded] == [first.id, second.id]
    assert wrong_kind == []
