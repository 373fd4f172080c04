"""The HTTP layer: FastAPI routes that translate requests into use cases and back.

`create_app` is imported on first use: the multi-worker supervisor lives in this package
and must stay a small process that never loads the application.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module 'modelreg.server' has no attribute {name!r}")
