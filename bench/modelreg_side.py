"""The modelreg side of bench/compare.py: schema, direct seeding, server, request variants.

The data matches mlflow_side.py row for row: model m is `model-{m}` with three custom
properties; version n belongs to model m = n % models, is named k = n // models + 1, has
three custom properties (framework, accuracy, run) and a model artifact.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import processes
from sqlalchemy import Connection, Table, insert

from modelreg.storage import tables as t
from modelreg.storage.store import Store

FRAMEWORKS = ["pytorch", "tensorflow", "onnx", "sklearn", "xgboost"]
PREFIX = "/api/model_registry/v1"
NOW = 1_700_000_000_000
BATCH = 5000


def prepare_database(db_url: str) -> None:
    store = Store.from_url(db_url)
    store.bootstrap(migrate=True)
    store.dispose()


def accuracy(n: int) -> float:
    return round(random.Random(n).random(), 6)


def _prop(owner: str, owner_id: int, name: str, value: Any, custom: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        owner: owner_id,
        "name": name,
        "is_custom_property": custom,
        "int_value": None,
        "double_value": None,
        "string_value": None,
        "bool_value": None,
        "byte_value": None,
        "proto_value": None,
    }
    column = {int: "int_value", float: "double_value", str: "string_value"}[type(value)]
    row[column] = value
    return row


def seed(db_url: str, models: int, versions: int) -> None:
    """Write the MLMD rows directly, in batches (the API would take hours at 1,000,000)."""
    store = Store.from_url(db_url)
    store.bootstrap(migrate=False)
    rm_type = store.types.id_by_name("kf.RegisteredModel")
    mv_type = store.types.id_by_name("kf.ModelVersion")
    ma_type = store.types.id_by_name("kf.ModelArtifact")
    with store.engine.begin() as conn:
        conn.execute(
            insert(t.context),
            [
                {
                    "id": m + 1,
                    "type_id": rm_type,
                    "name": f"model-{m}",
                    "create_time_since_epoch": NOW,
                    "last_update_time_since_epoch": NOW,
                }
                for m in range(models)
            ],
        )
        props = []
        for m in range(models):
            props += [
                _prop("context_id", m + 1, "description", f"benchmark model {m}", False),
                _prop("context_id", m + 1, "state", "LIVE", False),
                _prop("context_id", m + 1, "team", f"team-{m % 10}", True),
                _prop("context_id", m + 1, "task", "classification", True),
                _prop("context_id", m + 1, "owner", f"owner-{m % 7}", True),
            ]
        conn.execute(insert(t.context_property), props)
    for start in range(0, versions, BATCH):
        contexts, parents, cprops, artifacts, aprops, attributions = [], [], [], [], [], []
        for n in range(start, min(start + BATCH, versions)):
            m, k = n % models, n // models + 1
            vid, aid, stamp = models + n + 1, n + 1, NOW + n
            contexts.append(
                {
                    "id": vid,
                    "type_id": mv_type,
                    "name": f"{m + 1}:{k}",
                    "create_time_since_epoch": stamp,
                    "last_update_time_since_epoch": stamp,
                }
            )
            parents.append({"context_id": vid, "parent_context_id": m + 1})
            cprops += [
                _prop("context_id", vid, "state", "LIVE", False),
                _prop("context_id", vid, "author", f"author-{n % 50}", False),
                _prop("context_id", vid, "registered_model_id", m + 1, False),
                _prop("context_id", vid, "framework", FRAMEWORKS[(n // models) % 5], True),
                _prop("context_id", vid, "accuracy", accuracy(n), True),
                _prop("context_id", vid, "run", f"run-{n:07d}", True),
            ]
            artifacts.append(
                {
                    "id": aid,
                    "type_id": ma_type,
                    "uri": f"s3://bench/model-{m}/{k}/model.onnx",
                    "state": None,
                    "name": f"{vid}:model",
                    "create_time_since_epoch": stamp,
                    "last_update_time_since_epoch": stamp,
                }
            )
            aprops += [
                _prop("artifact_id", aid, "model_format_name", "onnx", False),
                _prop("artifact_id", aid, "model_format_version", "1", False),
            ]
            attributions.append({"context_id": vid, "artifact_id": aid})
        with store.engine.begin() as conn:
            bulk_insert(conn, t.context, contexts)
            bulk_insert(conn, t.parent_context, parents)
            bulk_insert(conn, t.context_property, cprops)
            bulk_insert(conn, t.artifact, artifacts)
            bulk_insert(conn, t.artifact_property, aprops)
            bulk_insert(conn, t.attribution, attributions)
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # ids were given: move the sequences past them
            for table in (t.context, t.artifact, t.attribution):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                    f'(SELECT max(id) FROM "{table.name}"))'
                )
    store.dispose()


def bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """COPY on PostgreSQL (several times faster than batched INSERTs), else executemany."""
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    columns = [c.name for c in table.c if c.name in rows[0]]
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def start(
    db_url: str, port: int, workers: int, log_path: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).with_name("modelreg")),
        "serve",
        "--database-url",
        db_url,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-migrate",
        "--log-level",
        "warning",
    ]
    return processes.start(command, f"http://127.0.0.1:{port}/readyz/health", log_path, env)


def _string(value: str) -> dict[str, str]:
    return {"metadataType": "MetadataStringValue", "string_value": value}


def _step(method: str, path: str, body: Any = None, **extra: str) -> dict[str, str]:
    text = "" if body is None else json.dumps(body, separators=(",", ":"))
    return {"method": method, "path": PREFIX + path, "body": text, **extra}


def operations(models: int, versions: int, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    """Request variants per logical operation (see loadgen.lua for the placeholders)."""
    rng = random.Random(seed)
    sample = [rng.randrange(versions) for _ in range(2000)]
    model_props = {
        "team": _string("team-1"),
        "task": _string("classification"),
        "owner": _string("owner-1"),
    }
    artifact_body = {
        "artifactType": "model-artifact",
        "name": "model",
        "uri": "s3://bench/new/{u}/model.onnx",
        "modelFormatName": "onnx",
        "modelFormatVersion": "1",
    }
    artifact = _step("POST", "/model_versions/{id}/artifacts", artifact_body)
    version_body = {
        "name": "{u}",
        "author": "bench",
        "customProperties": {
            "framework": _string("onnx"),
            "accuracy": {"metadataType": "MetadataDoubleValue", "double_value": 0.93},
            "run": _string("run-{u}"),
        },
    }

    def create_version(m: int) -> dict[str, Any]:
        body = {**version_body, "registeredModelId": str(m + 1)}
        first = _step("POST", "/model_versions", body, capture='"id":%s*"(%d+)"')
        first["marker"] = '"registeredModelId"'
        return {"steps": [first, artifact]}

    def register_version(m: int) -> dict[str, Any]:
        """The same version and artifact in one request: the `/registrations` extension."""
        body = {
            "registeredModelId": str(m + 1),
            "modelVersion": version_body,
            "modelArtifact": artifact_body,
        }
        return {"steps": [_step("POST", "/registrations", body)]}

    def search(query: str) -> dict[str, Any]:
        return {"steps": [_step("GET", f"/model_versions?pageSize=100&filterQuery={quote(query)}")]}

    return {
        "create_model": [
            {
                "steps": [
                    _step(
                        "POST",
                        "/registered_models",
                        {"name": "bench-model-{u}", "customProperties": model_props},
                    )
                ]
            }
        ],
        "create_version": [create_version(m) for m in range(models)],
        "register_version": [register_version(m) for m in range(models)],
        "get_version": [
            {
                "steps": [
                    _step(
                        "GET",
                        f"/model_version?name={n // models + 1}&parentResourceId={n % models + 1}",
                    )
                ]
            }
            for n in sample
        ],
        "list_versions": [
            {"steps": [_step("GET", f"/registered_models/{m + 1}/versions?pageSize=100")]}
            for m in range(models)
        ],
        "search_common": [search(f"framework = '{name}'") for name in FRAMEWORKS],
        "search_selective": [search(f"run = 'run-{n:07d}'") for n in sample],
        "update_version": [
            {
                "steps": [
                    _step(
                        "PATCH",
                        f"/model_versions/{models + n + 1}",
                        {"description": "updated {u}"},
                    )
                ]
            }
            for n in sample
        ],
    }
