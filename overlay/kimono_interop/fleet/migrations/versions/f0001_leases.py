"""The fleet's first schema: leases, workers' heartbeats, the writes log, claims, progress.

Revision ID: f0001
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "fleet_leases",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=True),
        sa.Column("epoch", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lease_until", TIME, nullable=True),
        sa.Column("acquired_at", TIME, nullable=True),
    )
    op.create_index("ix_fleet_leases_owner", "fleet_leases", ["owner"])
    op.create_table(
        "fleet_workers",
        sa.Column("worker_id", sa.String(128), primary_key=True),
        sa.Column("host", sa.String(255), nullable=True),
        sa.Column("pid", sa.Integer, nullable=True),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("heartbeat_at", TIME, nullable=False),
        sa.Column("tenants", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "fleet_writes",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("tasks", sa.Integer, nullable=False),
        sa.Column("at", TIME, nullable=False),
    )
    op.create_index("ix_fleet_writes_tenant", "fleet_writes", ["tenant_id", "id"])
    op.create_table(
        "fleet_lease_log",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("epoch", sa.BigInteger, nullable=False),
        sa.Column("previous_owner", sa.String(128), nullable=True),
        sa.Column("at", TIME, nullable=False),
    )
    op.create_table(
        "fleet_progress",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("last_sequence", sa.BigInteger, nullable=True),
        sa.Column("committed_at", TIME, nullable=True),
        sa.Column("polled_at", TIME, nullable=True),
        sa.Column("caught_up_at", TIME, nullable=True),
    )


def downgrade() -> None:
    for table in (
        "fleet_progress",
        "fleet_lease_log",
        "fleet_writes",
        "fleet_workers",
        "fleet_leases",
    ):
        op.drop_table(table)
