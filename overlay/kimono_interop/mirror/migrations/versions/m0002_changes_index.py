"""The change feed loses its index on (tenant, type): no query used it, and each task
wrote an entry into it (the feed is read and pruned by its cursor, the primary key).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mirror_changes") as batch:
        batch.drop_index("ix_mirror_changes_object")


def downgrade() -> None:
    with op.batch_alter_table("mirror_changes") as batch:
        batch.create_index("ix_mirror_changes_object", ["tenant_id", "object_type"])
