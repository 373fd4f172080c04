"""The app in-process over a real database (the `client` fixture, tests/conftest.py).

One app per backend and session (building the app is the slow part); the `store` fixture
empties the tables after every test.
"""

from __future__ import annotations

from tests.conftest import V1, V1ALPHA3

__all__ = ["V1", "V1ALPHA3"]
