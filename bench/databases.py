"""Scratch databases for benchmarks: a temp SQLite file, or a new database on a server."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from modelreg.storage.engine import normalize_url


@contextmanager
def scratch_database(backend: str, server_url: str | None, tag: str) -> Iterator[str]:
    """Yield the URL of a new empty database; drop it afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / f'{tag}.db'}"
        return
    if not server_url:
        raise SystemExit(f"--url is needed for {backend}")
    server = normalize_url(server_url)
    name = f"bench_{tag}_{uuid.uuid4().hex[:6]}".replace("-", "_")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = make_url(server_url).set(database=name)
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            force = " WITH (FORCE)" if backend == "postgres" else ""
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}{force}"))
        admin.dispose()


def analyze(url: str) -> None:
    """Refresh planner statistics after a bulk load."""
    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if engine.dialect.name in ("mysql", "mariadb"):
            query = text("SHOW FULL TABLES WHERE Table_type = 'BASE TABLE'")
            tables = conn.execute(query).scalars().all()
            for table in tables:
                conn.execute(text(f"ANALYZE TABLE `{table}`"))
        elif engine.dialect.name == "postgresql":
            # and VACUUM, so autovacuum does not start on the fresh rows mid-measurement
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    engine.dispose()
