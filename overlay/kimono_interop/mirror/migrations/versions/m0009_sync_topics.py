"""A full sync remembers the topic it names, and sweeps only that topic's objects.

A sync task may name a topic (``object_type``, as a data task does: the vendor's
client-kit-java reads it from a task of any kind, and the SyncEvent of
Wayside-Publishing/kimono-php carries it). The sweep at its end took every type the sync
wrote, so a sync of the ``Student`` topic tombstoned the staff (``Staff`` is a topic of
``persons`` too) that it had no reason to send. ``mirror_syncs.topic`` keeps the topic
the sync named, from its SYNC_START (or its SYNC_END), so that the sweep, a held sweep's
counts and its approval later all keep to it. NULL, as for every sync before this
revision: the sweep takes the types the sync wrote, as before.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mirror_syncs", sa.Column("topic", sa.String(128)))


def downgrade() -> None:
    with op.batch_alter_table("mirror_syncs") as batch:
        batch.drop_column("topic")
