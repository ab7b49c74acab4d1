"""The fleet's tables as SQLAlchemy Core objects (``migrations/`` creates them).

``fleet_leases``: who serves each tenant (``owner``), under which ``epoch`` (raised at
every change of owner), until when, and its ``state`` (``active``; ``uninstalled``:
never claimed again; ``gone``: no longer listed by GET /tenants). ``fleet_workers``:
each worker's heartbeat.
``fleet_writes``: one row per committed apply transaction, with the lease it was made
under (the audit trail of the fencing). ``fleet_lease_log``: every claim. Rows of
these two older than the retention are pruned, except each tenant's newest.
``fleet_progress``: per tenant, what the status command shows.
"""

from __future__ import annotations

import sqlalchemy as sa

TIME = sa.DateTime(timezone=True)

metadata = sa.MetaData()

#: The longest worker id (an owner of leases) the tables hold.
WORKER_ID_LENGTH = 128

leases = sa.Table(
    "fleet_leases",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(WORKER_ID_LENGTH)),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("lease_until", TIME),
    sa.Column("acquired_at", TIME),
    sa.Column("state", sa.String(16), nullable=False, server_default="active"),
    sa.Column("state_at", TIME),
)

workers = sa.Table(
    "fleet_workers",
    metadata,
    sa.Column("worker_id", sa.String(WORKER_ID_LENGTH), primary_key=True),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("started_at", TIME, nullable=False),
    sa.Column("heartbeat_at", TIME, nullable=False),
    sa.Column("tenants", sa.Integer, nullable=False),
)

writes = sa.Table(
    "fleet_writes",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(WORKER_ID_LENGTH), nullable=False),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("tasks", sa.Integer, nullable=False),
    sa.Column("at", TIME, nullable=False),
)

lease_log = sa.Table(
    "fleet_lease_log",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
    sa.Column("tenant_id", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(WORKER_ID_LENGTH), nullable=False),
    sa.Column("epoch", sa.BigInteger, nullable=False),
    sa.Column("previous_owner", sa.String(WORKER_ID_LENGTH)),
    sa.Column("at", TIME, nullable=False),
)

progress = sa.Table(
    "fleet_progress",
    metadata,
    sa.Column("tenant_id", sa.String(64), primary_key=True),
    sa.Column("last_sequence", sa.BigInteger),
    sa.Column("committed_at", TIME),
    sa.Column("polled_at", TIME),
    sa.Column("caught_up_at", TIME),
)
