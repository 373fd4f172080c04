"""How common filter values were found to be, kept a minute to choose plans by.

On SQLite a property condition is evaluated by collecting its matches when they are few
and by probing row by row in page order when they are many (FilterCompiler), and a count
of up to 5,000 matches decides. Counting on every request took a common-value search at
100,000 versions from 1.25-1.31 to 1.56-1.64 ms in-process. Only the plan depends on the
answer, never the rows, so an answer a little old (a value that became common within the
minute) costs time at worst, not correctness.
"""

from __future__ import annotations

from collections.abc import Hashable
from time import monotonic

from .entity_cache import trim_oldest


class PlanChoices:
    """Whether a condition matched many rows when last counted, per store."""

    def __init__(self, capacity: int = 4096, seconds: float = 60.0) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self._answers: dict[Hashable, tuple[float, bool]] = {}

    def get(self, key: Hashable) -> bool | None:
        found = self._answers.get(key)
        if found is None or monotonic() - found[0] > self.seconds:
            return None
        return found[1]

    def put(self, key: Hashable, common: bool) -> None:
        self._answers[key] = (monotonic(), common)
        trim_oldest(self._answers, self.capacity)

    def clear(self) -> None:
        self._answers.clear()
