"""Scripted answers for `httpx.MockTransport`: what the registry says, and what was asked."""

from __future__ import annotations

from collections.abc import Callable

import httpx

MODEL = {"id": "1", "name": "m"}
EMPTY_PAGE = {"items": [], "nextPageToken": "", "pageSize": 0, "size": 0}

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport handler answering from a script, recording every request.

    The answers are given in turn, the last one again and again; an exception is raised as
    the transport's failure.
    """

    def __init__(
        self, *answers: httpx.Response | Exception, handler: Handler | None = None
    ) -> None:
        self.answers = list(answers)
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.handler is not None:
            return self.handler(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def error(status: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"code": "x", "message": message}, headers=headers)
