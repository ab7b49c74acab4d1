"""A fleet of workers sharing tenants through PostgreSQL leases (``kimono_interop.fleet``).

Install with ``pip install 'kimono-interop[fleet]'`` (the mirror's extra and
``opentelemetry-api``). Each worker claims its fair share of the tenants, serves them on
one bounded async pool into the roster mirror's PostgreSQL database, and every write
and ack it makes for a tenant checks its lease's epoch, so a worker that lost a lease
never writes or acknowledges after the new owner took over. docs/fleet.md says more.

    import anyio
    from kimono_interop.fleet import Worker

    worker = Worker("postgresql://kimono@db/kimono", concurrency=32, lease_ttl=30)
    anyio.run(worker.run)
"""

from ._leases import Lease, LeaseLost, Leases, Tick
from ._status import TenantStatus, fleet_status
from ._store import create_engine, head, migrate, migration_sql
from ._telemetry import Counters, Telemetry
from ._worker import FleetStats, Worker

__all__ = [
    "Counters",
    "FleetStats",
    "Lease",
    "LeaseLost",
    "Leases",
    "Telemetry",
    "TenantStatus",
    "Tick",
    "Worker",
    "create_engine",
    "fleet_status",
    "head",
    "migrate",
    "migration_sql",
]
