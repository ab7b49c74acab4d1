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

The records of a task whose id is longer than 128 characters or holds a NUL (inbox,
failure counts, parked tasks, the change feed, a sync's first task) are keyed by a
digest of the id from this version on (``sha256:`` and its hex): SQLite held such ids as
they were, and they are re-keyed so, so that a redelivery is still found. (PostgreSQL
could not hold them.) The SQL written for a DBA cannot compute the digests: where such
records are kept, it stops before changing anything, and says to open the mirror.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import hashlib

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
    _refuse_long_ids_offline()
    _rebuild(autoincrement=True)
    _rekey_records()


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


#: Where task ids are kept, and whether each is the table's key.
_RECORDS = (
    ("mirror_inbox", "task_id", True),
    ("mirror_attempts", "task_id", True),
    ("mirror_parked", "task_id", True),
    ("mirror_changes", "task_id", False),
    ("mirror_syncs", "start_task_id", False),
)


def _digest(task_id: str) -> str:
    """A long task id's key from this revision on (frozen: ``_apply.record_id``'s)."""
    return "sha256:" + hashlib.sha256(task_id.encode("utf-8", "surrogatepass")).hexdigest()


#: What stops the SQL written for a DBA on SQLite where records of long task ids are kept.
_REFUSED = (
    "task ids longer than 128 characters or with a NUL are kept: this SQL cannot key them "
    "by their digest; upgrade this mirror by opening it (Mirror.open, or mirror run)"
)


def _refuse_long_ids_offline() -> None:
    """The SQL written for a DBA, on SQLite: stopped before any change where records of
    long task ids are kept. It would leave them keyed as they are, and from then on such
    a parked task could not be replayed (the mirror looks for it by its digest), nor a
    redelivery found. Opening the mirror upgrades it with the digests."""
    if op.get_context().dialect.name != "sqlite" or not op.get_context().as_sql:
        return
    found = " UNION ALL ".join(
        f"SELECT 1 FROM {table} WHERE length({column}) > 128 OR instr({column}, char(0)) > 0"
        for table, column, _ in _RECORDS
    )
    op.execute(
        f'CREATE TEMP TABLE mirror_0006_check (found INTEGER CONSTRAINT "{_REFUSED}" '
        "CHECK (found = 0))"
    )
    op.execute(f"INSERT INTO mirror_0006_check SELECT count(*) FROM ({found})")
    op.execute("DROP TABLE mirror_0006_check")


def _rekey_records() -> None:
    """SQLite: records of task ids over 128 characters or with a NUL, keyed by digest."""
    if op.get_context().dialect.name != "sqlite" or op.get_context().as_sql:
        return
    connection = op.get_bind()
    for table, column, key in _RECORDS:
        found = connection.exec_driver_sql(
            f"SELECT DISTINCT {column} FROM {table} "
            f"WHERE length({column}) > 128 OR instr({column}, char(0)) > 0"
        ).scalars()
        for task_id in found.all():
            digest = _digest(task_id)
            if (
                key
                and connection.exec_driver_sql(
                    f"SELECT 1 FROM {table} WHERE {column} = ?", (digest,)
                ).first()
            ):
                connection.exec_driver_sql(f"DELETE FROM {table} WHERE {column} = ?", (task_id,))
            else:
                connection.exec_driver_sql(
                    f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (digest, task_id)
                )
