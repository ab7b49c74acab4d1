"""Each tenant's state in the lease table, and indexes to prune the fleet's logs by age.

``fleet_leases.state``: ``active`` (claimed as usual), ``uninstalled`` (a
``TENANT_UNINSTALLED`` task was applied: never claimed again while GET /tenants lists
it) or ``gone`` (GET /tenants stopped listing it; active again once listed again).
``state_at``: when it last changed. The ``at`` indexes let workers delete old rows of
``fleet_writes`` and ``fleet_lease_log`` without scanning them.

Revision ID: f0002
Revises: f0001
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "f0002"
down_revision = "f0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "fleet_leases",
        sa.Column("state", sa.String(16), nullable=False, server_default="active"),
    )
    op.add_column("fleet_leases", sa.Column("state_at", sa.DateTime(timezone=True)))
    op.create_index("ix_fleet_writes_at", "fleet_writes", ["at"])
    op.create_index("ix_fleet_lease_log_at", "fleet_lease_log", ["at"])
    op.create_index("ix_fleet_lease_log_tenant", "fleet_lease_log", ["tenant_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_fleet_lease_log_tenant", "fleet_lease_log")
    op.drop_index("ix_fleet_lease_log_at", "fleet_lease_log")
    op.drop_index("ix_fleet_writes_at", "fleet_writes")
    op.drop_column("fleet_leases", "state_at")
    op.drop_column("fleet_leases", "state")
