"""What only the in-memory store promises: no SQL library, ids from 1 per MLMD table, and
no writes inside a read transaction."""

from __future__ import annotations

import subprocess
import sys

import pytest

from modelreg.domain.common import new_record
from modelreg.domain.kinds import MODEL_ARTIFACT, MODEL_VERSION, REGISTERED_MODEL, SERVE_MODEL
from modelreg.domain.ports import StorePort
from modelreg.storage.memory import MemoryStore, ReadOnly


def test_it_imports_no_sqlalchemy() -> None:
    code = (
        "import sys, modelreg.storage.memory, modelreg.domain.models, modelreg.domain.serving;"
        "sys.exit('sqlalchemy' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_ids_count_from_one_per_table() -> None:
    store: StorePort = MemoryStore()
    model = store.insert(new_record(REGISTERED_MODEL, "m"))
    version = store.insert(new_record(MODEL_VERSION, "1:v"), under=model.id)
    artifact = store.insert(new_record(MODEL_ARTIFACT, "2:a"), under=version.id)
    serve = store.insert(new_record(SERVE_MODEL, "x:s"))
    assert (model.id, version.id, artifact.id, serve.id) == (1, 2, 1, 1)


def test_a_read_transaction_refuses_writes() -> None:
    store = MemoryStore()
    with pytest.raises(ReadOnly):
        store.run(lambda repo: repo.insert(new_record(REGISTERED_MODEL, "m")), write=False)


def test_a_read_sees_the_state_it_began_with() -> None:
    store = MemoryStore()
    store.insert(new_record(REGISTERED_MODEL, "a"))

    def read(repo: object) -> list[str | None]:
        store.insert(new_record(REGISTERED_MODEL, "b"))  # commits meanwhile
        assert hasattr(repo, "find")
        return [r.name for r in repo.find((REGISTERED_MODEL,), limit=10)]

    assert store.run(read, write=False) == ["a"]
