"""One API call as data, and flows of calls: the SDK's only request builder (no I/O here).

A `Call` says what to send (method, path under the API prefix, query, JSON body) and how to
read the answer (`parse`). A `Flow` is a generator that yields calls and receives their
parsed results, so an operation of several calls (find, then create, then compare) is
written once and driven by either client: `Registry` sends each call with `httpx.Client`,
`AsyncRegistry` with `httpx.AsyncClient`. An error answer is thrown into the flow at the
`yield`, where the flow may handle it (`or_none` turns `NotFound` into `None`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeAlias, TypeVar

from modelreg.errors import NotFound

T = TypeVar("T")
IDEMPOTENT_METHODS = frozenset({"GET", "PATCH"})


@dataclass(frozen=True)
class Call(Generic[T]):
    """A request to the registry API and the parser of its JSON answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    params: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None

    @property
    def idempotent(self) -> bool:
        """Whether sending the call twice has the effect of sending it once."""
        return self.method in IDEMPOTENT_METHODS


Flow: TypeAlias = Generator[Call[Any], Any, T]
"""An operation: yields calls, receives their results, returns the operation's result."""


class Runner(Protocol):
    """Drives a flow to its result: `Registry._run`."""

    def __call__(self, work: Flow[T], /) -> T: ...


class AsyncRunner(Protocol):
    """Drives a flow to its result, awaited: `AsyncRegistry._run`."""

    def __call__(self, work: Flow[T], /) -> Awaitable[T]: ...


def single(call: Call[T]) -> Flow[T]:
    """The flow of one call."""
    result: T = yield call
    return result


def or_none(call: Call[T]) -> Flow[T | None]:
    """The call's result, or None when the registry answers 404."""
    try:
        result: T = yield call
    except NotFound:
        return None
    return result


def as_flow(work: Flow[T] | Call[T]) -> Flow[T]:
    return single(work) if isinstance(work, Call) else work
