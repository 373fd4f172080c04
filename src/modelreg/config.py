"""Server settings as data: each has a default and help text; env prefix `MODELREG_`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# wrk -c16 on one worker over PostgreSQL: 4 to 32 threads all served more gets a second than
# the event loop, with no clear order among 8, 16 and 32 on a busy machine; 8 keeps each
# thread's kept connection within the pool's 10 and the interpreter lock less contested.
NETWORK_REQUEST_THREADS = 8


class Settings(BaseSettings):
    """Everything the server reads at start. `modelreg serve --help` shows the same."""

    model_config = SettingsConfigDict(env_prefix="MODELREG_", extra="ignore")

    database_url: str = Field(
        "sqlite:///./modelreg.db",
        description="SQLAlchemy URL of the database: sqlite:///path, postgresql://..., "
        "mysql://... (drivers: psycopg 3; mysqlclient, else PyMySQL)",
    )
    host: str = Field("127.0.0.1", description="Address the HTTP server binds to")
    port: int = Field(8080, description="Port the HTTP server listens on")
    workers: int = Field(1, ge=1, description="Server worker processes")
    migrate_on_start: bool = Field(
        True,
        description="Apply database migrations at start",
        json_schema_extra={"flag": "migrate"},  # `modelreg serve --migrate/--no-migrate`
    )
    pool_size: int = Field(10, ge=1, description="Database connections kept per worker")
    cached_entities: int = Field(
        1000,
        ge=0,
        description="Entities each worker keeps as last read, to reuse in lists while their "
        "stored update time is unchanged; 0 turns the cache off",
    )
    request_threads: int | None = Field(
        None,
        ge=0,
        description="Threads per worker running requests; 0 runs them one at a time on the "
        "worker's event loop (the default on SQLite, whose statements take well under a "
        f"millisecond); unset: {NETWORK_REQUEST_THREADS} on PostgreSQL and MySQL, so that a "
        "worker overlaps its requests' waits on the database and a slow statement holds up "
        "only its own request",
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024, ge=1024, description="Largest request body accepted (413 above it)"
    )
    log_level: str = Field("info", description="Log level: debug, info, warning, error")
    cors_origin_regex: str = Field(
        r"https?://.*",
        description="Browser origins allowed to call the API (a regular expression)",
    )
    sunset: str = Field(
        "Thu, 29 Apr 2027 00:00:00 GMT",
        description="HTTP date sent in the Sunset header of deprecated v1alpha3 responses",
    )

    def threads_for(self, dialect: str) -> int:
        """The request threads of a worker over a database of this SQLAlchemy dialect."""
        if self.request_threads is not None:
            return self.request_threads
        return 0 if dialect == "sqlite" else NETWORK_REQUEST_THREADS
