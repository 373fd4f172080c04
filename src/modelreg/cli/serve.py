"""`modelreg serve`: the REST API in uvicorn (modelreg.server.launch).

Its options are the fields of `modelreg.config.Settings`, one each, with the field's type,
default, help and `MODELREG_` variable: a new setting is one field. They are made when the
command is first used, so that `modelreg --help` does not load pydantic.
"""

from __future__ import annotations

import types
import typing
from typing import TYPE_CHECKING, Any

import click

from .session import CliError

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from modelreg.config import Settings

DB_URL_HELP = "Database URL (env MODELREG_DATABASE_URL; default sqlite:///./modelreg.db)"


class SettingsCommand(click.Command):
    """A command whose options are the server settings."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not self.params:
            self.params = settings_options()
        return super().get_params(ctx)


def settings_options() -> list[click.Parameter]:
    from modelreg.config import Settings

    return [_option(name, field) for name, field in Settings.model_fields.items()]


def _option(name: str, field: FieldInfo) -> click.Option:
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    flag = str(extra.get("flag", name)).replace("_", "-")
    kind = next(
        arg
        for arg in typing.get_args(field.annotation) or [field.annotation]
        if arg is not types.NoneType
    )
    return click.Option(
        [f"--{flag}/--no-{flag}" if kind is bool else f"--{flag}", name],
        type=kind,
        default=field.default,
        show_default=True,
        envvar=f"MODELREG_{name.upper()}",
        show_envvar=True,
        help=field.description,
    )


@click.command(cls=SettingsCommand)
def serve(**given: Any) -> None:
    """Serve the REST API (both /api/model_registry/v1 and /v1alpha3)."""
    settings = _settings(given)
    from modelreg.server.launch import LaunchError, serve

    try:
        serve(settings)
    except LaunchError as exc:
        raise CliError(str(exc), 2) from None


def _settings(given: dict[str, Any]) -> Settings:
    """The settings (click has read the flags and variables, Settings checks the values),
    or one line naming a bad one rather than a traceback in a worker."""
    from pydantic import ValidationError

    from modelreg.config import Settings

    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(
            f"MODELREG_{'_'.join(str(part) for part in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        raise CliError(f"invalid setting: {problems}", 2) from None
