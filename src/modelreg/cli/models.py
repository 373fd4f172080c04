"""`modelreg models`: registered models."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .common import changes, done, property_edits, session_of, show_list, with_properties
from .options import list_options, output_option, parse_properties, property_options
from .output import Column, emit_data, emit_one, when, wire

if TYPE_CHECKING:
    from modelreg.client import Registry
    from modelreg.schemas.registry import RegisteredModel

COLUMNS = [
    Column("ID", lambda m: m.id),
    Column("NAME", lambda m: m.name),
    Column("STATE", lambda m: m.state),
    Column("OWNER", lambda m: m.owner),
    Column("UPDATED (UTC)", lambda m: when(m.last_update_time_since_epoch)),
    Column("DESCRIPTION", lambda m: m.description, wide=True),
]
MODEL = click.argument("model", metavar="MODEL")
BY_ID = click.option("--id", "by_id", is_flag=True, help="MODEL is an id, not a name.")


def lookup(registry: Registry, model: str, by_id: bool) -> RegisteredModel:
    if by_id:
        return registry.get_registered_model_by_id(model)
    return registry.find_registered_model(model)


@click.group()
def models() -> None:
    """Registered models: list, show, register, update, archive, restore."""


@models.command("list")
@list_options
@click.pass_context
def list_models(
    ctx: click.Context,
    filter_query: str | None,
    order_by: str | None,
    desc: bool,
    limit: int,
    output: str,
) -> None:
    """List registered models."""
    registry = session_of(ctx).registry()
    pager = registry.get_registered_models(
        filter_query=filter_query, order_by=order_by, sort_order="DESC" if desc else None
    )
    show_list(pager, COLUMNS, output, limit, "registered models")


@models.command()
@MODEL
@BY_ID
@output_option
@click.pass_context
def show(ctx: click.Context, model: str, by_id: bool, output: str) -> None:
    """Show one registered model, by name (or --id)."""
    emit_one(lookup(session_of(ctx).registry(), model, by_id), output)


@models.command()
@click.argument("name")
@click.argument("uri")
@click.option("--version", "version", required=True, help="Version name, e.g. 1.0.0.")
@click.option("--format-name", required=True, help="Model format, e.g. onnx.")
@click.option("--format-version", required=True, help="Model format version, e.g. 1.")
@click.option("--author", help="Author of the version.")
@click.option("--owner", help="Owner of the model (when it is created).")
@click.option("--description", help="Description of the version.")
@click.option("--storage-key", help="Storage connection key.")
@click.option("--storage-path", help="Path within the storage.")
@click.option("--service-account-name", help="Service account to read the model with.")
@click.option(
    "-m",
    "--metadata",
    multiple=True,
    metavar="KEY=VALUE",
    help="A custom property of the version (repeatable); VALUE as for --set.",
)
@output_option
@click.pass_context
def register(
    ctx: click.Context,
    name: str,
    uri: str,
    version: str,
    format_name: str,
    format_version: str,
    author: str | None,
    owner: str | None,
    description: str | None,
    storage_key: str | None,
    storage_path: str | None,
    service_account_name: str | None,
    metadata: tuple[str, ...],
    output: str,
) -> None:
    """Register version VERSION of model NAME, stored at URI.

    Creates the model if needed, the version, and its model artifact. Running the same
    command again changes nothing and succeeds; with different content it fails (exit 4)
    naming the differences.
    """
    registry = session_of(ctx).registry()
    result = registry.register(
        name,
        uri,
        version=version,
        model_format_name=format_name,
        model_format_version=format_version,
        author=author,
        owner=owner,
        version_description=description,
        storage_key=storage_key,
        storage_path=storage_path,
        service_account_name=service_account_name,
        metadata=parse_properties(metadata, "--metadata") or None,
    )
    if output == "table":
        click.echo(
            f"registered model {name!r} (id {result.model.id}) version {version!r} "
            f"(id {result.version.id}) at {uri} (artifact id {result.artifact.id})"
        )
        return
    emit_data(
        {
            "registeredModel": wire(result.model),
            "modelVersion": wire(result.version),
            "modelArtifact": wire(result.artifact),
        },
        output,
    )


@models.command()
@MODEL
@BY_ID
@click.option("--description", help="New description.")
@click.option("--owner", help="New owner.")
@click.option("--external-id", help="New external id.")
@property_options
@output_option
@click.pass_context
def update(
    ctx: click.Context,
    model: str,
    by_id: bool,
    description: str | None,
    owner: str | None,
    external_id: str | None,
    set_: tuple[str, ...],
    unset: tuple[str, ...],
    output: str,
) -> None:
    """Change fields and custom properties of a registered model."""
    edits = property_edits(set_, unset)
    fields = changes(edits, description=description, owner=owner, external_id=external_id)
    registry = session_of(ctx).registry()
    current = lookup(registry, model, by_id)
    fields = with_properties(fields, edits, current.custom_properties)
    updated = registry.update_registered_model(current.id, **fields)
    done(f"updated registered model {updated.name!r} (id {updated.id})", updated, output)


def _set_state(ctx: click.Context, model: str, by_id: bool, output: str, archive: bool) -> None:
    registry = session_of(ctx).registry()
    current = lookup(registry, model, by_id)
    changed = registry.archive(current) if archive else registry.restore(current)
    verb = "archived" if archive else "restored"
    done(f"{verb} registered model {changed.name!r} (id {changed.id})", changed, output)


@models.command()
@MODEL
@BY_ID
@output_option
@click.pass_context
def archive(ctx: click.Context, model: str, by_id: bool, output: str) -> None:
    """Archive a registered model (its versions keep their state)."""
    _set_state(ctx, model, by_id, output, archive=True)


@models.command()
@MODEL
@BY_ID
@output_option
@click.pass_context
def restore(ctx: click.Context, model: str, by_id: bool, output: str) -> None:
    """Make an archived registered model live again."""
    _set_state(ctx, model, by_id, output, archive=False)
