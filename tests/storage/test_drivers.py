"""Which driver a database URL gets, and that every MySQL driver we accept works."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from modelreg.domain.common import new_record
from modelreg.domain.kinds import REGISTERED_MODEL
from modelreg.errors import InvalidArgument
from modelreg.storage.engine import normalize_url
from modelreg.storage.store import Store


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("mysql://root@db/registry", "mysql+mysqldb"),  # mysqlclient: installed by `make test`
        ("mariadb://root@db/registry", "mysql+mysqldb"),
        ("mysql+pymysql://root@db/registry", "mysql+pymysql"),
        ("mariadb+pymysql://root@db/registry", "mysql+pymysql"),
        ("postgresql://postgres@db/registry", "postgresql+psycopg"),
        ("postgres://postgres@db/registry", "postgresql+psycopg"),
    ],
)
def test_a_url_gets_the_driver_modelreg_ships_with(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


def test_mysql_urls_speak_utf8mb4() -> None:
    assert normalize_url("mysql://root@db/registry").query["charset"] == "utf8mb4"


@pytest.mark.parametrize(
    ("url", "told"),
    [
        ("mysql+asyncmy://root@db/r", "use one of mysqldb, pymysql"),
        ("oracle://scott@db/r", "use sqlite, postgresql or mysql"),
        ("nonsense", "invalid database URL 'nonsense'"),
    ],
)
def test_a_url_modelreg_cannot_serve_is_refused_with_what_it_takes(url: str, told: str) -> None:
    with pytest.raises(InvalidArgument, match=told):
        normalize_url(url)


@pytest.fixture
def mysql_database() -> Iterator[str]:
    """A fresh database on the MySQL server the suite was given, dropped afterwards."""
    server = os.environ.get("MODELREG_TEST_MYSQL_URL")
    if not server:
        pytest.skip("MODELREG_TEST_MYSQL_URL is not set")
    name = f"modelreg_driver_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalize_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


@pytest.mark.mysql
@pytest.mark.parametrize("scheme", ["mysql+pymysql", "mariadb", "mariadb+pymysql"])
def test_every_mysql_url_form_migrates_writes_and_reads(mysql_database: str, scheme: str) -> None:
    """PyMySQL stays for machines that cannot build mysqlclient; `mariadb://` URLs failed
    their first migration (SQLAlchemy's `mariadb` dialect dropped an index's prefix
    length: "Specified key was too long")."""
    url = make_url(mysql_database).set(drivername=scheme).render_as_string(hide_password=False)
    store = Store.from_url(url)
    try:
        store.bootstrap(migrate=True)
        created = store.insert(new_record(REGISTERED_MODEL, "by-" + scheme))
        found = store.run(
            lambda repo: repo.find([REGISTERED_MODEL], names=["by-" + scheme]), write=False
        )
        assert [record.id for record in found] == [created.id]
        assert store.schema_problem() is None
    finally:
        store.dispose()
