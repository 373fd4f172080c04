"""SQLAlchemy Core tables with upstream's MLMD names, keys and indexes (upstream-api.md §7.1).

Differences that only widen what fits: property `int_value` is BIGINT (upstream: INT), so
64-bit custom integers round-trip. On MySQL/MariaDB the migrations pick a binary NO PAD
collation (`utf8mb4_0900_bin` or `utf8mb4_nopad_bin`), so names compare exactly there too,
as on PostgreSQL and SQLite: case matters and `'x'` differs from `'x '`. PostgreSQL gets no index on
`string_value` (as upstream since its migration 23): a btree entry cannot hold a long text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects import mysql

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

MYSQL_OPTS: dict[str, Any] = {
    "mysql_engine": "InnoDB",
    "mysql_charset": "utf8mb4",
}
LongText = Text().with_variant(mysql.MEDIUMTEXT(), "mysql", "mariadb")
Blob = LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
Double = Float(precision=53).with_variant(mysql.DOUBLE(asdecimal=False), "mysql", "mariadb")


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _times() -> tuple[Column[int], Column[int]]:
    return (
        Column("create_time_since_epoch", BigInteger, nullable=False, server_default="0"),
        Column("last_update_time_since_epoch", BigInteger, nullable=False, server_default="0"),
    )


type_ = Table(
    "Type",
    metadata,
    _id(),
    Column("name", String(255), nullable=False),
    Column("version", String(255)),
    Column("type_kind", SmallInteger, nullable=False),
    Column("description", Text),
    Column("input_type", Text),
    Column("output_type", Text),
    Column("external_id", String(255), unique=True),
    Index("idx_type_name", "name"),
    sqlite_autoincrement=True,
    **MYSQL_OPTS,
)

type_property = Table(
    "TypeProperty",
    metadata,
    Column("type_id", Integer, ForeignKey("Type.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("data_type", Integer),
    PrimaryKeyConstraint("type_id", "name"),
    **MYSQL_OPTS,
)

parent_type = Table(
    "ParentType",
    metadata,
    Column("type_id", Integer, nullable=False),
    Column("parent_type_id", Integer, nullable=False),
    PrimaryKeyConstraint("type_id", "parent_type_id"),
    **MYSQL_OPTS,
)


def _entity(name: str, *extra: Column[object], name_nullable: bool = True) -> Table:
    lower = name.lower()
    name_column = Column("name", String(255), nullable=name_nullable)
    return Table(
        name,
        metadata,
        _id(),
        Column("type_id", Integer, nullable=False),
        *extra,
        name_column,
        Column("external_id", String(255)),
        *_times(),
        UniqueConstraint("type_id", "name"),
        UniqueConstraint("external_id"),
        Index(f"idx_{lower}_type_id", "type_id", "id"),
        Index(f"idx_{lower}_create_time_since_epoch", "create_time_since_epoch"),
        Index(f"idx_{lower}_last_update_time_since_epoch", "last_update_time_since_epoch"),
        *_display_name_indexes(lower, name_column),
        sqlite_autoincrement=True,
        **MYSQL_OPTS,
    )


def _value_indexes(lower: str, owner_column: str, string_value: Column[str]) -> list[Index]:
    """Property lookups by (name, custom?, value), covering the owner id (migration 0004).

    PostgreSQL indexes the first 255 characters of strings: a btree entry cannot hold an
    unbounded text (why upstream dropped its string index there). On SQLite and
    PostgreSQL each index holds only the rows whose value it indexes, and bools get one too
    (migration 0009): a property has one value, so it takes one entry besides its key.
    """

    def value_index(suffix: str, value: Any, column: str, **kwargs: Any) -> Index:
        where = text(f"{column} IS NOT NULL")
        return Index(
            f"idx_{lower}_{suffix}",
            "name",
            "is_custom_property",
            value,
            owner_column,
            sqlite_where=where,
            postgresql_where=where,
            **kwargs,
        )

    string = value_index(
        "string", "string_value", "string_value", mysql_length={"string_value": 255}
    )
    prefix = value_index("string_prefix", func.left(string_value, 255), "string_value")
    # MySQL's whole value indexes also serve bool lookups by their (name, custom?) prefix
    boolean = value_index("bool", "bool_value", "bool_value")
    return [
        value_index("int", "int_value", "int_value"),
        value_index("double", "double_value", "double_value"),
        # tuples of dialect names are documented, the type stub says str
        string.ddl_if(dialect=("sqlite", "mysql", "mariadb")),  # type: ignore[arg-type]
        prefix.ddl_if(dialect="postgresql"),
        boolean.ddl_if(dialect=("sqlite", "postgresql")),  # type: ignore[arg-type]
    ]


def _display_name_indexes(lower: str, name: Column[str]) -> list[Index]:
    """Names as users see them (after the `<parentId>:` prefix), for `name = ...` filters.

    The expressions are exactly what `filter_sql.display_name` compiles to. MySQL and
    MariaDB cannot index an expression without a generated column, so they have none.
    """
    sqlite = func.substr(name, func.instr(name, literal_column("':'")) + literal_column("1"))
    postgres = func.substr(name, func.strpos(name, literal_column("':'")) + literal_column("1"))
    return [
        Index(f"idx_{lower}_display_name", sqlite, "type_id").ddl_if(dialect="sqlite"),
        Index(f"idx_{lower}_display_name_pg", postgres, "type_id").ddl_if(dialect="postgresql"),
    ]


def _properties(name: str, owner: Table, owner_column: str) -> Table:
    lower = name.lower()
    string_value = Column("string_value", LongText)
    return Table(
        name,
        metadata,
        Column(owner_column, Integer, ForeignKey(owner.c.id, ondelete="CASCADE"), nullable=False),
        Column("name", String(255), nullable=False),
        Column("is_custom_property", Boolean, nullable=False),
        Column("int_value", BigInteger),
        Column("double_value", Double),
        string_value,
        Column("byte_value", Blob),
        Column("proto_value", Blob),
        Column("bool_value", Boolean),
        PrimaryKeyConstraint(owner_column, "name", "is_custom_property"),
        *_value_indexes(lower, owner_column, string_value),
        **MYSQL_OPTS,
    )


artifact = _entity("Artifact", Column("uri", Text), Column("state", Integer))
context = _entity("Context", name_nullable=False)
execution = _entity("Execution", Column("last_known_state", Integer))

artifact_property = _properties("ArtifactProperty", artifact, "artifact_id")
context_property = _properties("ContextProperty", context, "context_id")
execution_property = _properties("ExecutionProperty", execution, "execution_id")

parent_context = Table(
    "ParentContext",
    metadata,
    Column("context_id", Integer, ForeignKey(context.c.id, ondelete="CASCADE"), nullable=False),
    Column("parent_context_id", Integer, nullable=False),
    PrimaryKeyConstraint("context_id", "parent_context_id"),
    # Children of one parent in id order, for paging (migration 0008); it replaced
    # upstream's index on parent_context_id alone, its prefix (migration 0009).
    Index("idx_parentcontext_parent_child", "parent_context_id", "context_id"),
    **MYSQL_OPTS,
)

attribution = Table(
    "Attribution",
    metadata,
    _id(),
    Column("context_id", Integer, ForeignKey(context.c.id, ondelete="CASCADE"), nullable=False),
    Column("artifact_id", Integer, ForeignKey(artifact.c.id, ondelete="CASCADE"), nullable=False),
    UniqueConstraint("context_id", "artifact_id"),
    Index("idx_attribution_artifact_id", "artifact_id"),
    sqlite_autoincrement=True,
    **MYSQL_OPTS,
)

association = Table(
    "Association",
    metadata,
    _id(),
    Column("context_id", Integer, ForeignKey(context.c.id, ondelete="CASCADE"), nullable=False),
    Column("execution_id", Integer, ForeignKey(execution.c.id, ondelete="CASCADE"), nullable=False),
    UniqueConstraint("context_id", "execution_id"),
    sqlite_autoincrement=True,
    **MYSQL_OPTS,
)

event = Table(
    "Event",
    metadata,
    _id(),
    Column("artifact_id", Integer, nullable=False),
    Column("execution_id", Integer, nullable=False),
    Column("type", Integer, nullable=False),
    Column("milliseconds_since_epoch", BigInteger),
    UniqueConstraint("artifact_id", "execution_id", "type"),
    sqlite_autoincrement=True,
    **MYSQL_OPTS,
)

event_path = Table(
    "EventPath",
    metadata,
    Column("event_id", Integer, nullable=False),
    Column("is_index_step", Boolean, nullable=False),
    Column("step_index", Integer),
    Column("step_key", Text),
    Index("idx_eventpath_event_id", "event_id"),
    **MYSQL_OPTS,
)

mlmd_env = Table(
    "MLMDEnv",
    metadata,
    Column("schema_version", Integer, primary_key=True, autoincrement=False),
    **MYSQL_OPTS,
)

ENTITY_TABLES = {"context": context, "artifact": artifact, "execution": execution}
PROPERTY_TABLES = {
    "context": (context_property, "context_id"),
    "artifact": (artifact_property, "artifact_id"),
    "execution": (execution_property, "execution_id"),
}
