"""Shared by the scenario scripts, which run inside a client venv (not the test venv).

A scenario is `python <script> <server-url>`; env MODELREG_COMPAT_BACKEND names the database.
It drives the server only through the published `model_registry` package, raises on the
first failed check, and on success prints one JSON line:
{"scenario", "client_version", "api", "backend", "checks", ...extra}.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
import uuid
import warnings
from collections.abc import Callable
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

warnings.filterwarnings("ignore", message="User access token is missing")


def typed(value: Any) -> Any:
    """A comparison key that tells True from 1 and 1 from 1.0, recursively."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


class Scenario:
    def __init__(self, name: str) -> None:
        self.name = name
        url = sys.argv[1] if len(sys.argv) > 1 else os.environ["MODELREG_COMPAT_URL"]
        parsed = urlparse(url)
        self.url = url.rstrip("/")
        self.host = f"{parsed.scheme}://{parsed.hostname}"
        self.port = int(parsed.port or 80)
        # sqlite, postgres or mysql: for the few checks whose outcome depends on the database
        self.backend = os.environ.get("MODELREG_COMPAT_BACKEND", "")
        self.client_version = dist_version("model-registry")
        self.api = _client_api_version()
        self.checks = 0
        self.extra: dict[str, Any] = {}

    # --- client --------------------------------------------------------------------------

    def connect(self, **kwargs: Any) -> Any:
        from model_registry import ModelRegistry

        kwargs.setdefault("author", "compat-author")
        return ModelRegistry(self.host, self.port, is_secure=False, **kwargs)

    def uid(self, label: str) -> str:
        return f"compat-{label}-{uuid.uuid4().hex[:10]}"

    # --- checks --------------------------------------------------------------------------

    def eq(self, actual: Any, expected: Any, what: str) -> None:
        """Equal, and of the same types all the way down (True is not 1, 1 is not 1.0)."""
        self.checks += 1
        if typed(actual) != typed(expected):
            raise AssertionError(f"{what}:\n  expected {expected!r}\n  got      {actual!r}")

    def ok(self, condition: object, what: str) -> None:
        self.checks += 1
        if not condition:
            raise AssertionError(what)

    def raises(
        self,
        kind: type[BaseException] | tuple[type[BaseException], ...],
        fn: Callable[[], Any],
        what: str,
        contains: str | None = None,
    ) -> BaseException:
        self.checks += 1
        try:
            result = fn()
        except kind as exc:
            text = f"{exc} {getattr(exc, 'body', '') or ''}"
            if contains is not None and contains.lower() not in text.lower():
                raise AssertionError(
                    f"{what}: the error does not mention {contains!r}: {text!r}"
                ) from exc
            return exc
        raise AssertionError(f"{what}: expected {kind}, but the call returned {result!r}")

    def stamps(self, entity: Any, what: str) -> tuple[int, int]:
        """Check the server-owned fields every entity has; return (create, update) ms."""
        self.ok(isinstance(entity.id, str) and entity.id.isdigit(), f"{what}: id {entity.id!r}")
        created, updated = entity.create_time_since_epoch, entity.last_update_time_since_epoch
        self.ok(isinstance(created, str) and created.isdigit(), f"{what}: createTime {created!r}")
        self.ok(isinstance(updated, str) and updated.isdigit(), f"{what}: updateTime {updated!r}")
        self.ok(int(created) <= int(updated), f"{what}: created {created} after update {updated}")
        return int(created), int(updated)


def _client_api_version() -> str:
    """The API version the installed generated client calls, read off its paths."""
    import mr_openapi.api.model_registry_service_api as generated

    found = set(
        re.findall(r"/api/model_registry/(v[0-9a-z]+)/", Path(generated.__file__).read_text())
    )
    if len(found) != 1:
        raise AssertionError(f"the client calls several API versions: {sorted(found)}")
    return found.pop()


def run(name: str, body: Callable[[Scenario], None]) -> None:
    scenario = Scenario(name)
    try:
        body(scenario)
    except BaseException:
        traceback.print_exc()
        print(
            f"scenario {name} FAILED after {scenario.checks} checks "
            f"(client {scenario.client_version}, API {scenario.api})",
            file=sys.stderr,
        )
        sys.exit(1)
    summary = {
        "scenario": name,
        "client_version": scenario.client_version,
        "api": scenario.api,
        "checks": scenario.checks,
        "backend": scenario.backend,
        **scenario.extra,
    }
    print(json.dumps(summary, sort_keys=True))
