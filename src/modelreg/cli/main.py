"""`modelreg`: the command line. One command group per module, each imported on first use.

To add a command group, write `cli/<group>.py` with a click group (or command) and add
one line to `COMMANDS`.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from modelreg import __version__

from .config import Connection
from .session import Session, fail

COMMANDS: dict[str, str] = {
    "models": "modelreg.cli.models:models",
    "versions": "modelreg.cli.versions:versions",
    "artifacts": "modelreg.cli.artifacts:artifacts",
    "deployments": "modelreg.cli.deployments:deployments",
    "experiments": "modelreg.cli.experiments:experiments",
    "serve": "modelreg.cli.serve:serve",
    "db": "modelreg.cli.db:db",
    "completion": "modelreg.cli.completion:completion",
}
EPILOG = """\b
Exit codes:
  0  success
  1  unexpected error
  2  usage or configuration error
  3  not found
  4  already exists, or a conflicting write
  5  invalid argument
  6  registry unavailable (unreachable, timed out, or its database is down)
  7  not authorised (401/403)

\b
The connection comes from the flags, else the environment, else the config file's
profile (see docs/cli.md), else http://127.0.0.1:8080."""


class LazyGroup(click.Group):
    """A group whose subcommands are imported only when used (or listed in --help)."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*self.lazy, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = self.lazy.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; registry errors become one stderr line and an exit code."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # every other error: one line, a documented exit code
            fail(ctx, exc)


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.version_option(__version__, prog_name="modelreg")
@click.option(
    "--url",
    envvar="MODELREG_URL",
    show_envvar=True,
    help="Registry server, e.g. https://registry.example.com.",
)
@click.option("--token", envvar="MODELREG_TOKEN", show_envvar=True, help="Bearer token.")
@click.option(
    "--token-file",
    envvar="MODELREG_TOKEN_FILE",
    show_envvar=True,
    help="File holding the bearer token (read on every request).",
)
@click.option(
    "--ca",
    envvar="MODELREG_CA_BUNDLE",
    show_envvar=True,
    help="CA bundle (PEM) to verify the server's certificate.",
)
@click.option(
    "--local",
    metavar="DATABASE_URL",
    help="Embedded mode: open the registry database directly, no server.",
)
@click.option("--timeout", type=float, help="Seconds to wait for an answer [default: 30].")
@click.option(
    "--profile", envvar="MODELREG_PROFILE", show_envvar=True, help="Config file profile to use."
)
@click.option(
    "--config",
    envvar="MODELREG_CONFIG",
    show_envvar=True,
    help="Config file [default: ~/.config/modelreg/config.toml].",
)
@click.pass_context
def cli(
    ctx: click.Context,
    url: str | None,
    token: str | None,
    token_file: str | None,
    ca: str | None,
    local: str | None,
    timeout: float | None,
    profile: str | None,
    config: str | None,
) -> None:
    """modelreg: a model registry for ML teams.

    Query and change the registry from a terminal, serve it, or manage its database.
    """
    session = ctx.ensure_object(Session)
    session.flags = Connection(
        url=url, token=token, token_file=token_file, ca=ca, local=local, timeout=timeout
    ).over(session.flags)
    session.profile = profile or session.profile
    session.config = config or session.config
    ctx.call_on_close(session.close)
