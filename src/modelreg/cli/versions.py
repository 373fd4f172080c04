"""`modelreg versions`: model versions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from .common import (
    changes,
    done,
    property_edits,
    require_one,
    session_of,
    show_list,
    with_properties,
)
from .options import list_options, output_option, property_options
from .output import Column, emit_one, when

if TYPE_CHECKING:
    from modelreg.client import Registry
    from modelreg.schemas.registry import ModelVersion

COLUMNS = [
    Column("ID", lambda v: v.id),
    Column("MODEL ID", lambda v: v.registered_model_id),
    Column("NAME", lambda v: v.name),
    Column("STATE", lambda v: v.state),
    Column("AUTHOR", lambda v: v.author),
    Column("UPDATED (UTC)", lambda v: when(v.last_update_time_since_epoch)),
    Column("DESCRIPTION", lambda v: v.description, wide=True),
]


def version_target(f: Any) -> Any:
    """MODEL VERSION (names), or --id ID."""
    f = click.option("--id", "version_id", metavar="ID", help="The version's id instead.")(f)
    f = click.argument("version", required=False)(f)
    return click.argument("model", required=False)(f)


def lookup(
    registry: Registry, model: str | None, version: str | None, version_id: str | None
) -> ModelVersion:
    from modelreg.errors import NotFound

    require_one([("MODEL VERSION", model and version), ("--id", version_id)])
    if version_id:
        return registry.get_model_version_by_id(version_id)
    assert model is not None and version is not None
    found = registry.get_model_version(model, version)
    if found is None:
        raise NotFound(f"registered model {model!r} has no version {version!r}")
    return found


@click.group()
def versions() -> None:
    """Model versions: list, show, update, archive, restore."""


@versions.command("list")
@click.argument("model", required=False)
@list_options
@click.pass_context
def list_versions(
    ctx: click.Context,
    model: str | None,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """List the versions of MODEL, or of every model."""
    registry = session_of(ctx).registry()
    pager = registry.get_model_versions(
        model, filter_query=filter_query, order_by=order_by, sort_order="DESC" if desc else None
    )
    show_list(pager, COLUMNS, output, limit, "model versions")


@versions.command()
@version_target
@output_option
@click.pass_context
def show(
    ctx: click.Context,
    model: str | None,
    version: str | None,
    version_id: str | None,
    output: str,
) -> None:
    """Show a model version: MODEL VERSION, or --id ID."""
    emit_one(lookup(session_of(ctx).registry(), model, version, version_id), output)


@versions.command()
@version_target
@click.option("--description", help="New description.")
@click.option("--author", help="New author.")
@click.option("--external-id", help="New external id.")
@property_options
@output_option
@click.pass_context
def update(
    ctx: click.Context,
    model: str | None,
    version: str | None,
    version_id: str | None,
    description: str | None,
    author: str | None,
    external_id: str | None,
    set_: tuple[str, ...],
    unset: tuple[str, ...],
    output: str,
) -> None:
    """Change fields and custom properties of a model version."""
    edits = property_edits(set_, unset)
    fields = changes(edits, description=description, author=author, external_id=external_id)
    registry = session_of(ctx).registry()
    current = lookup(registry, model, version, version_id)
    fields = with_properties(fields, edits, current.custom_properties)
    updated = registry.update_model_version(current.id, **fields)
    done(f"updated model version {updated.name!r} (id {updated.id})", updated, output)


def _set_state(
    ctx: click.Context,
    target: tuple[str | None, str | None, str | None],
    output: str,
    archive: bool,
) -> None:
    registry = session_of(ctx).registry()
    current = lookup(registry, *target)
    changed = registry.archive(current) if archive else registry.restore(current)
    verb = "archived" if archive else "restored"
    done(f"{verb} model version {changed.name!r} (id {changed.id})", changed, output)


@versions.command()
@version_target
@output_option
@click.pass_context
def archive(
    ctx: click.Context,
    model: str | None,
    version: str | None,
    version_id: str | None,
    output: str,
) -> None:
    """Archive a model version: MODEL VERSION, or --id ID."""
    _set_state(ctx, (model, version, version_id), output, archive=True)


@versions.command()
@version_target
@output_option
@click.pass_context
def restore(
    ctx: click.Context,
    model: str | None,
    version: str | None,
    version_id: str | None,
    output: str,
) -> None:
    """Make an archived model version live again: MODEL VERSION, or --id ID."""
    _set_state(ctx, (model, version, version_id), output, archive=False)
