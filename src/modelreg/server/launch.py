"""`modelreg serve`: check the settings' port, then run one worker, or migrate and run several."""

from __future__ import annotations

import os

from modelreg.config import Settings
from modelreg.errors import InvalidArgument
from modelreg.storage.engine import sqlite_file
from modelreg.storage.store import Store

from . import supervisor, worker


class LaunchError(Exception):
    """The server cannot start with these settings (one line for the operator)."""


def serve(settings: Settings) -> None:
    """Run the server until stopped; with several workers, this process becomes their
    supervisor (`os.execve`: this function does not return)."""
    if settings.workers > 1 and not supervisor.reuse_port_supported():
        raise LaunchError("--workers above 1 needs SO_REUSEPORT (Linux, macOS, BSD)")
    try:
        supervisor.check_port(settings.host, settings.port)
    except OSError as exc:  # the port is taken, or the address is not ours
        raise LaunchError(
            f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}"
        ) from None
    if settings.workers == 1:
        worker.run(settings)
        return
    try:
        sqlite_path = sqlite_file(settings.database_url)
    except InvalidArgument as exc:
        raise LaunchError(str(exc)) from None
    if settings.migrate_on_start:
        _migrate(settings.database_url)  # once here rather than racing in every worker
        settings = settings.model_copy(update={"migrate_on_start": False})
    env = {**os.environ, worker.SETTINGS_ENV: settings.model_dump_json()}
    supervisor.exec_supervisor(settings.workers, sqlite_path, env=env)


def _migrate(url: str) -> None:
    store = Store.from_url(url)
    try:
        store.bootstrap(migrate=True)
    finally:
        store.dispose()
