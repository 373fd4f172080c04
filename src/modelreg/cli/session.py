"""The CLI's state: how to reach the registry, and errors turned into exit codes.

Exit codes (documented in docs/cli.md through the root command's help):

    0 ok · 1 unexpected error · 2 usage or configuration error · 3 not found
    4 already exists or conflict · 5 invalid argument · 6 registry unavailable
    7 not authorised (401/403)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

import click

from modelreg import errors

from .config import ConfigError, Connection, config_path, load_profile

if TYPE_CHECKING:
    from modelreg.client import Registry

EXIT_CODES: list[tuple[type[Exception], int]] = [
    (errors.NotFound, 3),
    (errors.AlreadyExists, 4),
    (errors.Conflict, 4),
    (errors.InvalidArgument, 5),
    (errors.Unavailable, 6),
]
UNAUTHORISED = 7
DEBUG_ENV = "MODELREG_DEBUG"


class CliError(Exception):
    """An error to print on stderr in one line, `error: <message>`, and exit with `code`."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(" ".join(message.split()))
        self.message = " ".join(message.split())
        self.code = code


def exit_code_of(exc: errors.ModelRegError) -> int:
    from modelreg.client.errors import PermissionDenied, Unauthenticated

    if isinstance(exc, Unauthenticated | PermissionDenied):
        return UNAUTHORISED
    return next((code for cls, code in EXIT_CODES if isinstance(exc, cls)), 1)


def as_cli_error(exc: Exception) -> CliError:
    if isinstance(exc, CliError):
        return exc
    if isinstance(exc, errors.ModelRegError):
        return CliError(exc.message, exit_code_of(exc))
    if isinstance(exc, ConfigError):
        return CliError(str(exc), 2)
    return CliError(f"unexpected {type(exc).__name__}: {exc} (set {DEBUG_ENV}=1 for a traceback)")


def fail(ctx: click.Context, exc: Exception) -> NoReturn:
    """Print `exc` on stderr in one line and exit with its code (MODELREG_DEBUG=1 re-raises)."""
    if os.environ.get(DEBUG_ENV):
        raise exc
    error = as_cli_error(exc)
    click.echo(f"error: {error.message}", err=True)
    ctx.exit(error.code)


@dataclass
class Session:
    """`ctx.obj` of every command: the connection settings and, once made, the registry."""

    flags: Connection = field(default_factory=Connection)
    profile: str | None = None
    config: str | None = None
    factory: Callable[[], Registry] | None = None
    """Tests inject an in-process registry here; it is not closed by the CLI."""
    _registry: Registry | None = None

    def connection(self) -> Connection:
        return self.flags.over(load_profile(config_path(self.config), self.profile))

    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = self.factory() if self.factory else self._connect()
        return self._registry

    def _connect(self) -> Registry:
        from modelreg.client import Registry

        conn = self.connection()
        try:
            if conn.local:
                return Registry.local(conn.local, author=conn.author)
            return Registry(
                conn.url,
                token=conn.token,
                token_file=conn.token_file,
                verify=conn.ca or True,
                timeout=conn.timeout or 30.0,
                author=conn.author,
            )
        except (OSError, ValueError) as exc:
            raise CliError(str(exc), 2) from exc

    def close(self) -> None:
        if self._registry is not None and self.factory is None:
            self._registry.close()
        self._registry = None
