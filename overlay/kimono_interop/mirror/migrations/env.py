"""Alembic environment of the mirror's schema (run by ``kimono_interop.mirror.migrate``).

Online, the connection comes in ``config.attributes["connection"]`` (the mirror opens it,
in a transaction); offline (``migration_sql``), ``config.attributes["dialect"]`` names the
dialect to write SQL for. The version table is the mirror's own, so a database that
holds an application's Alembic history too keeps both.
"""

from __future__ import annotations

from alembic import context

VERSION_TABLE = "mirror_alembic_version"

config = context.config

if context.is_offline_mode():
    context.configure(
        dialect_name=config.attributes.get("dialect", "postgresql"),
        literal_binds=True,
        version_table=VERSION_TABLE,
        render_as_batch=config.attributes.get("dialect") == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        version_table=VERSION_TABLE,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
    )
    with context.begin_transaction():
        context.run_migrations()
