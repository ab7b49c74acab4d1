"""Opening a mirror's database: the engine (SQLite or PostgreSQL), its settings, migrations.

SQLite is a file in WAL mode with ``synchronous=FULL`` (a commit survives a power loss,
not only a crash) and a 30 s busy timeout; every transaction starts with ``BEGIN
IMMEDIATE``, so one writer at a time holds the file and a second process waits for it.
PostgreSQL goes through psycopg 3; each write transaction takes a transaction-level
advisory lock, so writers of one mirror database are serialised there too.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

#: The key of the advisory lock PostgreSQL writers take (any constant: one per database).
ADVISORY_LOCK = 0x6B696D6F  # "kimo"
VERSION_TABLE = "mirror_alembic_version"


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for ``target``: a URL as given, a file path as a SQLite URL.

    ``postgresql://`` and ``postgres://`` URLs get the psycopg 3 driver.
    """
    text = str(target)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    for prefix in ("postgresql://", "postgres://"):
        if text.startswith(prefix):
            return "postgresql+psycopg://" + text[len(prefix) :]
    return text


def create_engine(url: str) -> sa.Engine:
    """The engine of a mirror database, with the settings described above."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            raise ValueError("a mirror needs a SQLite file (an in-memory database has no WAL)")
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection: sa.Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def lock(connection: sa.Connection) -> None:
    """Take the database's writer lock for this transaction (PostgreSQL; SQLite has it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kimono_interop.mirror:migrations")
    return config


def head() -> str | None:
    """The newest revision of the schema the package ships."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current(connection: sa.Connection) -> str | None:
    """The revision a database is at (None: no mirror schema yet)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade the schema to the newest revision, in one transaction."""
    with engine.begin() as connection:
        lock(connection)
        if current(connection) == head():
            return
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def migration_sql(dialect: str = "postgresql", *, start: str | None = None) -> str:
    """The SQL that creates (or, from ``start``, upgrades) the schema, for a DBA to run.

    ``dialect``: ``postgresql`` or ``sqlite``. Nothing is connected to.
    """
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", "kimono_interop.mirror:migrations")
    config.attributes["dialect"] = dialect
    command.upgrade(config, f"{start}:head" if start else "head", sql=True)
    return buffer.getvalue()
