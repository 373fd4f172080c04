"""The ASGI application for `uvicorn modelreg.server.asgi:app`, configured from the env."""

from __future__ import annotations

from modelreg.server.app import create_app

app = create_app()
