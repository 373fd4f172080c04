"""The MLflow side of the modelreg-versus-MLflow registry benchmark.

MLflow runs from a virtualenv of its own (never the project's). This module installs it,
creates its schema, seeds its registry tables directly with the data the modelreg side seeds,
starts and stops `mlflow server`, and lists the REST requests of each benchmarked operation.
`seed` and `operations` need only the project's own packages (SQLAlchemy, psycopg or PyMySQL,
httpx).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import httpx
import processes
from databases import analyze
from sqlalchemy import MetaData, Table, create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from modelreg.storage.engine import normalize_url

# The newest release whose sibling wheels (mlflow-skinny, mlflow-tracing) are all on PyPI
# here: 3.18.0 is published without them.
MLFLOW_VERSION = "3.17.2"
FRAMEWORKS = ["pytorch", "tensorflow", "onnx", "sklearn", "xgboost"]
BASE_MS = 1_700_000_000_000  # creation time of the first seeded version, milliseconds
BATCH = 5000  # model versions per insert batch (each brings three tag rows)

Variant = dict[str, list[dict[str, str]]]

# uvicorn (0.54) binds the listening socket of `--workers N > 1` with proto 0; sockets accepted
# from it inherit that, and asyncio then skips TCP_NODELAY, so every keep-alive response after
# the first waits ~40 ms for the client's delayed ACK (uvicorn issue #3149; `--workers 1` is not
# affected). This sitecustomize, put on the server's PYTHONPATH, creates TCP sockets with an
# explicit IPPROTO_TCP instead. Set NODELAY_FIX = False to measure MLflow as shipped.
NODELAY_FIX = True
# MLflow leaves a SQLite database in rollback-journal mode (modelreg switches to WAL): a long
# search then blocks writers, which fail with "database is locked" after MLflow's 20 s busy
# timeout. True makes `seed` switch the database to WAL (persistent), for a like-for-like run.
SQLITE_WAL = False

# MLflow's own drivers: psycopg2 for PostgreSQL, PyMySQL for MySQL/MariaDB (what MLflow's
# documentation names for `mysql+pymysql://`).
_EXTRA_PACKAGES = ["psycopg2-binary", "pymysql"]
_SCRATCH_DIRS: dict[int, Path] = {}
# Server environment: no background job runner (huey consumer) beside the web workers, no
# telemetry; the benchmark measures the registry API only.
_SERVER_ENV = {
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
    "MLFLOW_DISABLE_TELEMETRY": "true",
    "DO_NOT_TRACK": "true",
    "PYTHONUNBUFFERED": "1",
}
_NODELAY_SITECUSTOMIZE = """\
import socket

_init = socket.socket.__init__


def _init_tcp(self, family=-1, type=-1, proto=-1, fileno=None):
    if (
        fileno is None
        and proto in (-1, 0)
        and family in (-1, socket.AF_INET, socket.AF_INET6)
        and (type == -1 or type & 0xF == socket.SOCK_STREAM)
    ):
        proto = socket.IPPROTO_TCP
    _init(self, family, type, proto, fileno)


socket.socket.__init__ = _init_tcp
"""


# --- installation -------------------------------------------------------------------------


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = (result.stdout + result.stderr)[-4000:]
        raise RuntimeError(f"{what} failed ({result.returncode}): {' '.join(cmd)}\n{tail}")


def ensure_installed(cache_dir: Path) -> Path:
    """Create cache_dir/'mlflow-venv' with mlflow==MLFLOW_VERSION (idempotent, stamped).

    Returns the path of its `mlflow` executable. Takes about a minute the first time.
    """
    venv = Path(cache_dir) / "mlflow-venv"
    exe = venv / "bin" / "mlflow"
    stamp = venv / ".bench-stamp"
    wanted = json.dumps({"mlflow": MLFLOW_VERSION, "extra": _EXTRA_PACKAGES})
    if exe.exists() and stamp.exists() and stamp.read_text() == wanted:
        return exe
    if venv.exists():
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    base_python = getattr(sys, "_base_executable", sys.executable)
    _run([base_python, "-m", "venv", str(venv)], "python -m venv")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    _run([*pip, "install", f"mlflow=={MLFLOW_VERSION}", *_EXTRA_PACKAGES], "install mlflow")
    check = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    if check.returncode != 0 or MLFLOW_VERSION not in check.stdout:
        raise RuntimeError(f"mlflow in {venv} does not run: {check.stdout}{check.stderr}")
    stamp.write_text(wanted)
    return exe


# --- database -------------------------------------------------------------------------------


def _mlflow_url(db_url: str) -> str:
    """The URL as MLflow's venv can open it (psycopg2 for PostgreSQL, PyMySQL for MySQL)."""
    url = make_url(db_url)
    if url.get_backend_name() in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    elif url.get_backend_name() in ("mysql", "mariadb"):
        url = url.set(drivername="mysql+pymysql")
        if "charset" not in url.query:
            url = url.update_query_dict({"charset": "utf8mb4"})
    return url.render_as_string(hide_password=False)


def _project_url(db_url: str) -> str:
    """The URL as the project's venv can open it (psycopg 3 for PostgreSQL, the driver
    modelreg picks for MySQL)."""
    url = make_url(db_url)
    if url.get_backend_name() in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    elif url.get_backend_name() in ("mysql", "mariadb"):
        return normalize_url(db_url).render_as_string(hide_password=False)
    return url.render_as_string(hide_password=False)


def _ensure_postgres_database(db_url: str) -> None:
    url = make_url(_project_url(db_url))
    if url.get_backend_name() != "postgresql" or not url.database:
        return
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    finally:
        admin.dispose()


def prepare_database(db_url: str, mlflow_bin: Path) -> None:
    """Create MLflow's full schema with `mlflow db upgrade` (creates a missing PostgreSQL db).

    Takes about 4 s on SQLite. For PostgreSQL the URL may name any driver or none; MLflow
    gets postgresql+psycopg2, and mysql+pymysql for MySQL/MariaDB (whose database must exist:
    bench/databases.py creates it).
    """
    _ensure_postgres_database(db_url)
    env = {**os.environ, **_SERVER_ENV}
    cmd = [str(mlflow_bin), "db", "upgrade", _mlflow_url(db_url)]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"mlflow db upgrade failed:\n{(result.stdout + result.stderr)[-4000:]}")


def _accuracy(n: int) -> str:
    """The accuracy tag of seeded version n (the modelreg side uses the same value)."""
    return f"{random.Random(n).random():.6f}"


Batch = list[tuple[str, list[dict[str, Any]]]]  # (table name, rows) in insertion order
_REGISTRY_TABLES = [
    "registered_models",
    "registered_model_tags",
    "model_versions",
    "model_version_tags",
]


def _model_batches(models: int, versions: int, extra: dict[str, str]) -> Iterator[Batch]:
    for start in range(0, models, BATCH):
        rows, tags = [], []
        for m in range(start, min(start + BATCH, models)):
            name, created = f"model-{m}", BASE_MS - models + m
            # Last updated when its newest version was created (MLflow does the same).
            newest = m + models * ((versions - 1 - m) // models) if m < versions else None
            rows.append(
                {
                    **extra,
                    "name": name,
                    "creation_time": created,
                    "last_updated_time": created if newest is None else BASE_MS + newest,
                    "description": f"benchmark model {m}",
                }
            )
            for key, value in (
                ("team", f"team-{m % 10}"),
                ("task", "classification"),
                ("owner", f"owner-{m % 7}"),
            ):
                tags.append({**extra, "name": name, "key": key, "value": value})
        yield [("registered_models", rows), ("registered_model_tags", tags)]


def _version_batches(models: int, versions: int, extra: dict[str, str]) -> Iterator[Batch]:
    for start in range(0, versions, BATCH):
        rows, tags = [], []
        for n in range(start, min(start + BATCH, versions)):
            m, k = n % models, n // models + 1
            name, source = f"model-{m}", f"s3://bench/model-{m}/{k}/model.onnx"
            rows.append(
                {
                    **extra,
                    "name": name,
                    "version": k,
                    "creation_time": BASE_MS + n,
                    "last_updated_time": BASE_MS + n,
                    "description": None,
                    "user_id": f"author-{n % 50}",  # modelreg's versions carry this author
                    "current_stage": "None",
                    "source": source,
                    "storage_location": source,
                    "run_id": None,
                    "run_link": None,
                    "status": "READY",
                    "status_message": None,
                }
            )
            for key, value in (
                ("framework", FRAMEWORKS[(n // models) % 5]),
                ("accuracy", _accuracy(n)),
                ("run", f"run-{n:07d}"),
            ):
                tags.append({**extra, "name": name, "version": k, "key": key, "value": value})
        yield [("model_versions", rows), ("model_version_tags", tags)]


def _load_postgres(engine: Engine, tables: dict[str, Table], batches: Iterable[Batch]) -> None:
    """COPY each batch, with foreign-key triggers off (the rows are consistent by construction)."""
    quote_ident = engine.dialect.identifier_preparer.quote
    raw = engine.raw_connection()
    try:
        conn: Any = raw.driver_connection  # psycopg.Connection
        try:
            conn.execute("SET session_replication_role = replica")
            conn.commit()
        except Exception:  # not a superuser: load with the checks on
            conn.rollback()
        for batch in batches:
            for name, rows in batch:
                cols = [c.name for c in tables[name].columns if c.name in rows[0]]
                sql = f"COPY {quote_ident(name)} ({', '.join(map(quote_ident, cols))}) FROM STDIN"
                with conn.cursor() as cur, cur.copy(sql) as copy:
                    for row in rows:
                        copy.write_row([row[c] for c in cols])
            conn.commit()
        conn.execute("RESET session_replication_role")
        conn.commit()
    finally:
        raw.close()


def _load_executemany(engine: Engine, tables: dict[str, Table], batches: Iterable[Batch]) -> None:
    for batch in batches:
        with engine.begin() as conn:
            for name, rows in batch:
                conn.execute(insert(tables[name]), rows)


def seed(db_url: str, models: int, versions: int) -> None:
    """Insert the benchmark's models and versions straight into MLflow's registry tables.

    Model m: `model-{m}`, tags team/task/owner. Version n: model n % models, version
    n // models + 1, source s3://bench/model-{m}/{k}/model.onnx, READY, stage "None", tags
    framework/accuracy/run. Then ANALYZE. Expects the empty schema of `prepare_database`.
    PostgreSQL loads with COPY (1,000,000 versions: about a minute), SQLite and MySQL with
    executemany in batches of BATCH versions (PyMySQL and mysqlclient send each batch as
    multi-row INSERTs).
    """
    engine = create_engine(_project_url(db_url))
    try:
        meta = MetaData()
        meta.reflect(engine, only=_REGISTRY_TABLES)
        tables = dict(meta.tables)
        # MLflow 3.x keys every registry row by workspace too.
        extra = {"workspace": "default"} if "workspace" in tables["model_versions"].c else {}
        batches = chain(
            _model_batches(models, versions, extra), _version_batches(models, versions, extra)
        )
        if engine.dialect.name == "postgresql":
            _load_postgres(engine, tables, batches)
        else:
            _load_executemany(engine, tables, batches)
        if engine.dialect.name in ("mysql", "mariadb"):
            analyze(db_url)  # ANALYZE TABLE, one per table
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        if SQLITE_WAL and engine.dialect.name == "sqlite":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                mode = conn.exec_driver_sql("PRAGMA journal_mode=WAL").scalar()
            if mode != "wal":
                raise RuntimeError(f"SQLite journal mode is {mode}, not wal")
    finally:
        engine.dispose()


# --- server ---------------------------------------------------------------------------------


def _log_tail(log_path: Path, chars: int = 4000) -> str:
    try:
        return log_path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def start(
    db_url: str, port: int, workers: int, mlflow_bin: Path, log_path: Path
) -> subprocess.Popen[bytes]:
    """Start `mlflow server` on 127.0.0.1:port and wait (up to 120 s) until it answers.

    MLflow 3.18 serves with uvicorn by default (ASGI: a FastAPI app that mounts the Flask REST
    handlers through a WSGI bridge, each request running in a thread pool); `--workers N` is
    passed on as uvicorn's `--workers N`: a supervisor process plus N worker processes when
    N > 1, a single serving process when N == 1 (below the `mlflow` CLI process either way).
    Access logging is off (as on the modelreg side), Host/CORS checks allow 127.0.0.1 and
    localhost on that port, the background job runner and telemetry are off, and NODELAY_FIX
    applies. Ready once every worker has logged its startup and a registry search succeeds.
    Own process group; the artifact root is a temporary directory that `stop` removes.
    """
    scratch = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    artifacts, site = scratch / "artifacts", scratch / "site"
    artifacts.mkdir()
    site.mkdir()
    env = {**os.environ, **_SERVER_ENV}
    if NODELAY_FIX:
        (site / "sitecustomize.py").write_text(_NODELAY_SITECUSTOMIZE)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    hosts = ",".join(f"{h}{p}" for h in ("127.0.0.1", "localhost") for p in ("", f":{port}"))
    cmd = [
        str(mlflow_bin),
        "server",
        "--backend-store-uri",
        _mlflow_url(db_url),
        "--default-artifact-root",
        artifacts.as_uri(),
        "--no-serve-artifacts",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--allowed-hosts",
        hosts,
        "--cors-allowed-origins",
        f"http://127.0.0.1:{port},http://localhost:{port}",
        "--uvicorn-opts",
        "--no-access-log",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        offset = log.tell()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    _SCRATCH_DIRS[proc.pid] = scratch
    try:
        _wait_ready(proc, port, workers, log_path, offset)
    except BaseException:
        stop(proc)
        raise
    return proc


def _wait_ready(
    proc: subprocess.Popen[bytes], port: int, workers: int, log_path: Path, offset: int
) -> None:
    """Until every worker logged its startup and a registry request succeeds (120 s)."""
    probe = "/api/2.0/mlflow/registered-models/search?max_results=1"
    deadline = time.monotonic() + 120
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"mlflow server exited with {proc.returncode}:\n{_log_tail(log_path)}"
                )
            with open(log_path, "rb") as log:
                log.seek(offset)
                started = log.read().count(b"Application startup complete.")
            if started > workers:
                raise RuntimeError(f"{started} uvicorn workers started, not {workers}")
            if started == workers:
                with contextlib.suppress(httpx.HTTPError):
                    if client.get(probe).is_success:
                        return
            if time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server not ready after 120 s:\n{_log_tail(log_path)}")
            time.sleep(0.25)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server's whole process group and remove its scratch directory."""
    processes.stop(proc)
    scratch = _SCRATCH_DIRS.pop(proc.pid, None)
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)


# --- load -----------------------------------------------------------------------------------


def _step(method: str, path: str, body: Any = None, **query: Any) -> dict[str, str]:
    if query:
        path += "?" + urlencode(query, quote_via=quote)
    return {
        "method": method,
        "path": "/api/2.0/mlflow/" + path,
        "body": "" if body is None else json.dumps(body, separators=(",", ":")),
    }


def _tags(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in pairs]


def operations(models: int, versions: int, seed: int = 1) -> dict[str, list[Variant]]:
    """Request variants per logical operation; `{u}` in a path or body is a unique token.

    Every operation is one request of MLflow's REST API 2.0, as MlflowClient sends it. MLflow
    answers 400 to a POST or PATCH without `Content-Type: application/json`.
    """
    rng = random.Random(seed)

    def version(n: int) -> tuple[str, int]:
        return f"model-{n % models}", n // models + 1

    def one(step: dict[str, str]) -> Variant:
        return {"steps": [step]}

    ops: dict[str, list[Variant]] = {}
    ops["create_model"] = [
        one(
            _step(
                "POST",
                "registered-models/create",
                {
                    "name": "bench-model-{u}",
                    "tags": _tags(
                        [
                            ("team", f"team-{m % 10}"),
                            ("task", "classification"),
                            ("owner", f"owner-{m % 7}"),
                        ]
                    ),
                },
            )
        )
        for m in range(min(models, 70))
    ]
    ops["create_version"] = []
    for _ in range(200):
        m = rng.randrange(models)
        ops["create_version"].append(
            one(
                _step(
                    "POST",
                    "model-versions/create",
                    {
                        "name": f"model-{m}",
                        "source": f"s3://bench/model-{m}/{{u}}/model.onnx",
                        "tags": _tags(
                            [
                                ("framework", rng.choice(FRAMEWORKS)),
                                ("accuracy", f"{rng.random():.6f}"),
                                ("run", "run-{u}"),
                            ]
                        ),
                    },
                )
            )
        )
    # MLflow creates a version and its artifact location in one request either way.
    ops["register_version"] = ops["create_version"]
    ops["get_version"] = []
    for _ in range(2000):
        name, k = version(rng.randrange(versions))
        ops["get_version"].append(one(_step("GET", "model-versions/get", name=name, version=k)))

    def search(condition: str) -> Variant:
        return one(_step("GET", "model-versions/search", filter=condition, max_results=100))

    ops["list_versions"] = [
        search(f"name='model-{m}'") for m in (rng.randrange(models) for _ in range(100))
    ]
    ops["search_common"] = [search(f"tags.framework = '{fw}'") for fw in FRAMEWORKS]
    ops["search_selective"] = [
        search(f"tags.run = 'run-{n:07d}'") for n in (rng.randrange(versions) for _ in range(500))
    ]
    ops["update_version"] = []
    for _ in range(2000):
        name, k = version(rng.randrange(versions))
        ops["update_version"].append(
            one(
                _step(
                    "PATCH",
                    "model-versions/update",
                    {"name": name, "version": str(k), "description": "updated {u}"},
                )
            )
        )
    return ops
