"""`modelreg serve`: the REST API in uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .session import CliError

if TYPE_CHECKING:
    from modelreg.config import Settings

DB_URL_HELP = "Database URL (env MODELREG_DATABASE_URL; default sqlite:///./modelreg.db)"


@click.command()
@click.option("--database-url", envvar="MODELREG_DATABASE_URL", help=DB_URL_HELP)
@click.option("--host", envvar="MODELREG_HOST", default="127.0.0.1", show_default=True)
@click.option("--port", envvar="MODELREG_PORT", default=8080, show_default=True, type=int)
@click.option("--workers", envvar="MODELREG_WORKERS", default=1, show_default=True, type=int)
@click.option(
    "--migrate/--no-migrate",
    envvar="MODELREG_MIGRATE_ON_START",
    default=True,
    show_default=True,
    help="Apply database migrations at start",
)
@click.option("--log-level", envvar="MODELREG_LOG_LEVEL", default="info", show_default=True)
def serve(
    database_url: str | None, host: str, port: int, workers: int, migrate: bool, log_level: str
) -> None:
    """Serve the REST API (both /api/model_registry/v1 and /v1alpha3)."""
    import os

    import uvicorn

    if database_url:
        os.environ["MODELREG_DATABASE_URL"] = database_url
    os.environ["MODELREG_MIGRATE_ON_START"] = "true" if migrate else "false"
    settings = _settings()  # a bad setting is one line here, not a traceback in a worker
    from modelreg.server import supervisor

    supervised = workers > 1 and supervisor.reuse_port_supported()
    if supervised:
        try:
            supervisor.check_port(host, port)
        except OSError as exc:  # the port is taken, or the address is not ours
            raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}", 2) from None
    if migrate and workers > 1:
        # Migrate once here rather than racing in every worker.
        from modelreg.storage.store import Store

        store = Store.from_url(settings.database_url)
        store.bootstrap(migrate=True)
        store.dispose()
        os.environ["MODELREG_MIGRATE_ON_START"] = "false"
    if supervised:
        from modelreg.errors import InvalidArgument
        from modelreg.storage.engine import sqlite_file

        try:
            sqlite_path = sqlite_file(settings.database_url)
        except InvalidArgument as exc:
            raise CliError(str(exc), 2) from None
        supervisor.exec_supervisor(host, port, workers, log_level, sqlite_path)
    from modelreg.server.http_protocol import http_protocol

    uvicorn.run(
        "modelreg.server.asgi:app",
        http=http_protocol(),
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
    )


def _settings() -> Settings:
    from pydantic import ValidationError

    from modelreg.config import Settings

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"MODELREG_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise CliError(f"invalid setting: {problems}", 2) from None
