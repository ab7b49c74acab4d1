"""The fleet's database: a PostgreSQL engine with the fleet's settings, and its migrations.

The fleet needs PostgreSQL (``FOR UPDATE SKIP LOCKED``, ``clock_timestamp()``). Every
connection runs with ``idle_in_transaction_session_timeout``: a worker frozen inside a
transaction (SIGSTOP, a debugger, a VM pause) loses its connection, and with it every
lock it held, instead of blocking the others for as long as it is frozen.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from ..mirror._migrations import FLEET
from ..mirror._store import database_url, pg_connect_args, pg_engine
from ..mirror._store import migrate as migrate_schema


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
    return pg_engine(
        sa.create_engine(
            full,
            pool_pre_ping=True,
            hide_parameters=True,  # (errors and logs: no row's data)
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={
                **pg_connect_args(full),  # a server that never answers fails the connect
                "options": f"-c idle_in_transaction_session_timeout={timeout_ms}",
                "application_name": application_name[:63],
            },
        )
    )


def head() -> str | None:
    """The newest revision of the fleet's schema."""
    return FLEET.head()


def migrate(engine: sa.Engine) -> None:
    """Create or upgrade the mirror's schema, then the fleet's, each in one transaction."""
    migrate_schema(engine)
    migrate_schema(engine, FLEET)


def migration_sql() -> str:
    """The SQL that creates the fleet's tables (PostgreSQL), for a DBA to run."""
    return FLEET.sql()
