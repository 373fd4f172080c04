"""`modelreg db`: create, migrate and inspect the registry database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .serve import DB_URL_HELP

if TYPE_CHECKING:
    from modelreg.storage.store import Store


@click.group()
def db() -> None:
    """Create, migrate and inspect the registry database."""


@db.command()
@click.option("--database-url", envvar="MODELREG_DATABASE_URL", help=DB_URL_HELP)
def upgrade(database_url: str | None) -> None:
    """Migrate the database to the newest schema and create the registry types."""
    store = _store(database_url)
    store.bootstrap(migrate=True)
    click.echo(f"database at revision {_revision(store)}")


@db.command()
@click.option("--database-url", envvar="MODELREG_DATABASE_URL", help=DB_URL_HELP)
def current(database_url: str | None) -> None:
    """Print the schema revision of the database (and the newest one known)."""
    from modelreg.storage.migrate import head

    store = _store(database_url)
    click.echo(f"current: {_revision(store) or 'none (empty database)'}")
    click.echo(f"head:    {head()}")


def _store(database_url: str | None) -> Store:
    from modelreg.config import Settings
    from modelreg.storage.store import Store

    return Store.from_url(database_url or Settings().database_url)


def _revision(store: Store) -> str | None:
    from modelreg.storage.migrate import current as current_revision

    return current_revision(store.engine)
