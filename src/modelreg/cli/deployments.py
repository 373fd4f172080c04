"""`modelreg deployments`: what runs where, for one registered model."""

from __future__ import annotations

from typing import Any

import click

from .common import session_of
from .options import output_option
from .output import Column, emit_list, notice


def _version(row: Any) -> str:
    version = row.model_version
    if version is None:
        return "-"
    return f"{version.name} ({'pinned' if row.version_pinned else 'latest'})"


COLUMNS = [
    Column("ENVIRONMENT", lambda d: d.serving_environment.name if d.serving_environment else ""),
    Column("SERVICE", lambda d: d.inference_service.name or d.inference_service.id),
    Column("VERSION", _version),
    Column("DESIRED", lambda d: d.desired_state),
    Column("LAST KNOWN", lambda d: d.last_known_state),
    Column("RUNTIME", lambda d: d.inference_service.runtime, wide=True),
]


@click.command()
@click.argument("model", metavar="MODEL")
@output_option
@click.pass_context
def deployments(ctx: click.Context, model: str, output: str) -> None:
    """What runs where: the deployments of MODEL (a name, or an id).

    One row per inference service: its serving environment, the version it serves
    (pinned, or the latest LIVE version), the desired state and the last state its
    serve models reported. JSON and YAML give the full objects.
    """
    rows = session_of(ctx).registry().get_deployments(model)
    emit_list(rows, COLUMNS, output)
    if output == "table" and not rows:
        notice(f"{model!r} is not deployed anywhere")
