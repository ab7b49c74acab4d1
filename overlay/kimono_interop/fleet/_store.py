"""The fleet's database: a PostgreSQL engine with the fleet's settings, and its migrations.

The fleet needs PostgreSQL (``FOR UPDATE SKIP LOCKED``, ``clock_timestamp()``). Every
connection runs with ``idle_in_transaction_session_timeout``: a worker frozen inside a
transaction (SIGSTOP, a debugger, a VM pause) loses its connection, and with it every
lock it held, instead of blocking the others for as long as it is frozen.
"""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..mirror._store import database_url, lock
from ..mirror._store import migrate as migrate_mirror

VERSION_TABLE = "fleet_alembic_version"


def create_engine(
    url: str | Path,
    *,
    pool_size: int = 10,
    idle_in_transaction: float = 30.0,
    application_name: str = "kimono-fleet",
) -> sa.Engine:
    """A PostgreSQL engine for a fleet (ValueError for any other database)."""
    full = database_url(url)
    if not full.startswith("postgresql"):
        raise ValueError("a fleet needs PostgreSQL (postgresql://user:password@host/db)")
    timeout_ms = max(1000, int(idle_in_transaction * 1000))
    return sa.create_engine(
        full,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={
            "options": f"-c idle_in_transaction_session_timeout={timeout_ms}",
            "application_name": application_name[:63],
        },
    )


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kimono_interop.fleet:migrations")
    return config


def head() -> str | None:
    """The newest revision of the fleet's schema."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade the mirror's schema, then the fleet's, each in one transaction."""
    migrate_mirror(engine)
    with engine.begin() as connection:
        lock(connection)
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        if context.get_current_revision() == head():
            return
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def migration_sql() -> str:
    """The SQL that creates the fleet's tables (PostgreSQL), for a DBA to run."""
    buffer = io.StringIO()
    config = Config(output_buffer=buffer)
    config.set_main_option("script_location", "kimono_interop.fleet:migrations")
    command.upgrade(config, "head", sql=True)
    return buffer.getvalue()
