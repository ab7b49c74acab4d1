"""Alembic environment of the fleet's schema (run by ``kimono_interop.fleet`` on start).

The fleet keeps its own version table, ``fleet_alembic_version``: its tables are added to
a mirror database without touching the mirror's history (``mirror_alembic_version``),
and a mirror that never runs a fleet never gets them.
"""

from __future__ import annotations

from alembic import context

VERSION_TABLE = "fleet_alembic_version"

config = context.config

if context.is_offline_mode():
    context.configure(
        dialect_name=config.attributes.get("dialect", "postgresql"),
        literal_binds=True,
        version_table=VERSION_TABLE,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
