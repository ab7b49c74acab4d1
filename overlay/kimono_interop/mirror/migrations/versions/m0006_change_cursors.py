"""The change feed never gives a cursor twice on SQLite: its table is ``AUTOINCREMENT``.

A SQLite table's integer key (its rowid) goes to the greatest one in the table plus
one. Once a reader had pruned the feed through its cursor (``prune(changes_through=)``),
the next change got a cursor that reader had already passed (after a prune to empty,
1 again), and ``changes(since=cursor)`` never returned it. With ``AUTOINCREMENT``
SQLite keeps the greatest cursor it ever gave (in ``sqlite_sequence``) and goes on from
there. The table is rebuilt with its rows and cursors; indexes and triggers of yours on
``mirror_changes`` go with the old table, views of yours on it stay.

Where the feed was pruned to empty before this revision, the greatest cursor given is
known nowhere: numbering goes on after the greatest cursor kept. PostgreSQL's
``BIGSERIAL`` never gave a number twice: nothing changes there.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from kimono_interop.mirror.migrations.versions.m0001_initial import TIME

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COLUMNS = (
    '"cursor", tenant_id, object_type, object_id, op, action, sequence, task_id, generation, at'
)


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)


def _rebuild(*, autoincrement: bool) -> None:
    """SQLite: ``mirror_changes`` again, with or without ``AUTOINCREMENT``, rows kept."""
    if op.get_context().dialect.name != "sqlite":
        return
    # A view of yours on the feed would stop SQLite's check of every view when a table is
    # renamed: the rename skips it (the view then reads the new table, by its name). The
    # setting outlives the transaction: off again even if the rename fails.
    op.execute("PRAGMA legacy_alter_table = ON")
    try:
        op.execute("ALTER TABLE mirror_changes RENAME TO mirror_changes_old")
    finally:
        op.execute("PRAGMA legacy_alter_table = OFF")
    op.create_table(
        "mirror_changes",
        sa.Column("cursor", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("object_type", sa.String(64), nullable=False),
        sa.Column("object_id", sa.String(128), nullable=False),
        sa.Column("op", sa.String(16), nullable=False),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("generation", sa.Integer, nullable=True),
        sa.Column("at", TIME, nullable=False),
        sqlite_autoincrement=autoincrement,
    )
    op.execute(
        f"INSERT INTO mirror_changes ({_COLUMNS}) SELECT {_COLUMNS} FROM mirror_changes_old "
        'ORDER BY "cursor"'
    )
    op.drop_table("mirror_changes_old")
