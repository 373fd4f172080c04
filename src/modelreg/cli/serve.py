"""`modelreg serve`: the REST API in uvicorn."""

from __future__ import annotations

import click

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
    if migrate and workers > 1:
        # Migrate once here rather than racing in every worker.
        from modelreg.config import Settings
        from modelreg.storage.store import Store

        store = Store.from_url(Settings().database_url)
        store.bootstrap(migrate=True)
        store.dispose()
        os.environ["MODELREG_MIGRATE_ON_START"] = "false"
    if workers > 1:
        from modelreg.server import supervisor

        if supervisor.reuse_port_supported():
            supervisor.run(host, port, workers, log_level)
            return
    uvicorn.run(
        "modelreg.server.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
    )
