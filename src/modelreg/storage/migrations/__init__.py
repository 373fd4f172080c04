"""Alembic migrations of the registry schema."""

HEAD = "0009"
"""The newest revision, known without alembic: health probes compare the database's
revision with it, and importing alembic cost every probed worker about 10 MB
(tests/storage/test_schema.py checks it against the scripts)."""
