"""`modelreg artifacts`: model artifacts, documents, datasets, metrics and parameters."""

from __future__ import annotations

from typing import Any

import click

from .common import session_of, show_list
from .options import list_options, output_option
from .output import Column, emit_one, when

TYPES = ("model-artifact", "doc-artifact", "dataset-artifact", "metric", "parameter")


def _where(artifact: Any) -> Any:
    """What a row shows of the artifact's content: its URI, or a metric's or parameter's value."""
    uri = getattr(artifact, "uri", None)
    return uri if uri is not None else getattr(artifact, "value", None)


COLUMNS = [
    Column("ID", lambda a: a.id),
    Column("TYPE", lambda a: a.artifact_type),
    Column("NAME", lambda a: a.name),
    Column("STATE", lambda a: a.state),
    Column("UPDATED (UTC)", lambda a: when(a.last_update_time_since_epoch)),
    Column("URI / VALUE", _where, wide=True),
]


@click.group()
def artifacts() -> None:
    """Artifacts: list, show."""


@artifacts.command("list")
@click.argument("model", required=False)
@click.argument("version", required=False)
@click.option("--version-id", metavar="ID", help="Artifacts of the version with this id.")
@click.option("--type", "artifact_type", type=click.Choice(TYPES), help="Only this type.")
@list_options
@click.pass_context
def list_artifacts(
    ctx: click.Context,
    model: str | None,
    version: str | None,
    version_id: str | None,
    artifact_type: str | None,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """List the artifacts of MODEL VERSION (or --version-id), or every artifact."""
    if model is not None and version is None:
        raise click.UsageError("give the VERSION of MODEL too")
    if model is not None and version_id is not None:
        raise click.UsageError("give MODEL VERSION or --version-id, not both")
    registry = session_of(ctx).registry()
    pager = registry.get_artifacts(
        model,
        version,
        model_version_id=version_id,
        artifact_type=artifact_type,
        filter_query=filter_query,
        order_by=order_by,
        sort_order="DESC" if desc else None,
    )
    show_list(pager, COLUMNS, output, limit, "artifacts")


@artifacts.command()
@click.argument("artifact_id", metavar="ID")
@output_option
@click.pass_context
def show(ctx: click.Context, artifact_id: str, output: str) -> None:
    """Show the artifact with this ID."""
    emit_one(session_of(ctx).registry().get_artifact_by_id(artifact_id), output)
