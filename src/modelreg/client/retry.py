"""When to send a call again, and how long to wait first: shared by both clients."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import Any

import httpx

from modelreg.errors import ModelRegError

from .call import Call
from .errors import RETRYABLE_STATUSES, from_transport, never_sent

log = logging.getLogger("modelreg.client")
MAX_RETRY_AFTER = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """Retry idempotent calls (GET, PATCH) on 502/503/504 and on transport errors.

    Any call is retried when the connection could not even be opened (nothing was sent).
    The wait doubles from `backoff` up to `max_backoff`, with jitter; a `Retry-After`
    header (seconds) is honoured up to 30 s.
    """

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 8.0

    def attempts(self, call: Call[Any], url: str) -> Attempts:
        return Attempts(self, call, url)

    def delay(self, attempt: int) -> float:
        base = min(self.max_backoff, self.backoff * 2.0 ** (attempt - 1))
        return base * (0.5 + random.random() / 2)


class Attempts:
    """The retry state of one call: `after_*` return the wait before the next attempt."""

    def __init__(self, policy: RetryPolicy, call: Call[Any], url: str) -> None:
        self.policy = policy
        self.call = call
        self.url = url
        self.done = 0

    def _left(self) -> bool:
        self.done += 1
        return self.done <= self.policy.retries

    def after_response(self, response: httpx.Response) -> float | None:
        """None to accept the answer, else seconds to wait before sending again."""
        if response.status_code not in RETRYABLE_STATUSES or not self.call.idempotent:
            return None
        if not self._left():
            return None
        delay = _retry_after(response) or self.policy.delay(self.done)
        log.info(
            "%s %s: %s; retry %d in %.2fs",
            self.call.method,
            self.call.path,
            response.status_code,
            self.done,
            delay,
        )
        return delay

    def after_error(self, exc: httpx.TransportError) -> float:
        """Seconds to wait before sending again; raises `Unavailable` when giving up."""
        error: ModelRegError = from_transport(exc, self.url)
        if not (self.call.idempotent or never_sent(exc)) or not self._left():
            raise error from exc
        delay = self.policy.delay(self.done)
        log.info(
            "%s %s: %s; retry %d in %.2fs",
            self.call.method,
            self.call.path,
            error.message,
            self.done,
            delay,
        )
        return delay


def _retry_after(response: httpx.Response) -> float | None:
    raw = response.headers.get("retry-after", "")
    try:
        seconds = float(raw)
    except ValueError:
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
