"""The inbox gets an index on its records' time: pruning deletes by age, and without it
each prune read the whole inbox (a row for every task ever applied).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mirror_inbox") as batch:
        batch.create_index("ix_mirror_inbox_recorded_at", ["recorded_at"])


def downgrade() -> None:
    with op.batch_alter_table("mirror_inbox") as batch:
        batch.drop_index("ix_mirror_inbox_recorded_at")
