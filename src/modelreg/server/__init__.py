"""The HTTP layer: FastAPI routes that translate requests into use cases and back."""

from .app import create_app

__all__ = ["create_app"]
