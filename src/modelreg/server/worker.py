"""A server worker: uvicorn running the app that `app_factory` builds from its settings.

`modelreg serve` runs one in its own process (`run`); with `--workers N` its supervisor
starts N as `python -m modelreg.server.worker`, each handed the settings as JSON in its own
environment (`SETTINGS_ENV`), so nobody's `os.environ` is changed to pass them.
"""

from __future__ import annotations

import os
import sys
from functools import partial
from socket import socket

from fastapi import FastAPI

from modelreg.config import Settings

from .app import create_app
from .supervisor import listening_socket

SETTINGS_ENV = "MODELREG_WORKER_SETTINGS"
STARTUP_FAILED = 3  # uvicorn's own exit code when the app does not start


def app_factory() -> FastAPI:
    """The app, from the settings handed to this worker, else from `MODELREG_` variables:
    `uvicorn --factory modelreg.server.worker:app_factory` runs it without `modelreg`."""
    return create_app(handed_settings())


def handed_settings() -> Settings:
    handed = os.environ.get(SETTINGS_ENV)
    return Settings.model_validate_json(handed) if handed else Settings()


def run(settings: Settings, sock: socket | None = None) -> None:
    """Serve until SIGTERM or SIGINT, on `sock` or else on the settings' host and port."""
    import uvicorn

    config = uvicorn.Config(
        partial(create_app, settings),
        factory=True,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )
    server = uvicorn.Server(config)
    server.run(sockets=None if sock is None else [sock])
    if not server.started:
        sys.exit(STARTUP_FAILED)


def main() -> None:
    settings = handed_settings()
    run(settings, listening_socket(settings.host, settings.port))


if __name__ == "__main__":
    main()
