"""An in-memory `StorePort` for unit tests of the use cases (docs/storage.md). It imports
no SQLAlchemy: importing it loads nothing of the SQL store."""

from .repo import MemoryRepo, ReadOnly
from .store import MemoryStore

__all__ = ["MemoryRepo", "MemoryStore", "ReadOnly"]
