"""The Alembic histories shipped in the package: the mirror's, and the fleet's on top.

Each history has its own version table (``mirror_alembic_version``,
``fleet_alembic_version``), so a database that also holds an application's Alembic
history keeps all of them. The ``env.py`` of each history is :func:`run_environment`:
online, the connection comes in ``config.attributes["connection"]`` (opened by the
caller, in a transaction); offline (``sql``), ``config.attributes["dialect"]`` names the
dialect to write SQL for. SQLite gets Alembic's batch mode.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TextIO

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError


@dataclass(frozen=True)
class History:
    """One history: where its scripts are and the table its revision is kept in."""

    script_location: str
    version_table: str
    #: A table its first revision creates: there without a recorded revision, the
    #: database's record of its schema is lost.
    first_table: str

    def _config(self, output: TextIO | None = None, **attributes: object) -> Config:
        config = Config(output_buffer=output)
        config.set_main_option("script_location", self.script_location)
        config.attributes["version_table"] = self.version_table
        config.attributes.update(attributes)
        return config

    def head(self) -> str | None:
        """The newest revision the package ships."""
        return ScriptDirectory.from_config(self._config()).get_current_head()

    def knows(self, revision: str) -> bool:
        """Whether ``revision`` is one of this history's (not one of a newer version's)."""
        try:
            return ScriptDirectory.from_config(self._config()).get_revision(revision) is not None
        except CommandError:
            return False

    def current(self, connection: sa.Connection) -> str | None:
        """The revision a database is at (None: this history was never applied)."""
        migration = MigrationContext.configure(
            connection, opts={"version_table": self.version_table}
        )
        return migration.get_current_revision()

    def upgrade(self, connection: sa.Connection) -> None:
        """Bring the database to the newest revision, in the caller's transaction."""
        if self.current(connection) != self.head():
            command.upgrade(self._config(connection=connection), "head")

    def sql(self, dialect: str = "postgresql", *, start: str | None = None) -> str:
        """The SQL that creates (or, from ``start``, upgrades) the schema; nothing connected."""
        buffer = io.StringIO()
        config = self._config(buffer, dialect=dialect)
        command.upgrade(config, f"{start}:head" if start else "head", sql=True)
        return buffer.getvalue()


MIRROR = History("kimono_interop.mirror:migrations", "mirror_alembic_version", "mirror_objects")
FLEET = History("kimono_interop.fleet:migrations", "fleet_alembic_version", "fleet_leases")


def run_environment() -> None:
    """What each history's ``env.py`` runs (see the module's docstring)."""
    config = context.config
    version_table = config.attributes["version_table"]
    if context.is_offline_mode():
        dialect = config.attributes.get("dialect", "postgresql")
        context.configure(
            dialect_name=dialect,
            literal_binds=True,
            version_table=version_table,
            render_as_batch=dialect == "sqlite",
            # one transaction on SQLite as well (Alembic's default there is none): with
            # ``sqlite3 -bail``, a failure part-way leaves the file as it was
            transactional_ddl=True,
        )
    else:
        connection = config.attributes["connection"]
        context.configure(
            connection=connection,
            version_table=version_table,
            render_as_batch=connection.dialect.name == "sqlite",
            transactional_ddl=True,
        )
    with context.begin_transaction():
        context.run_migrations()
