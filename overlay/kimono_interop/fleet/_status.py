"""The fleet's state per tenant, read from the database (``kimono-interop status``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

_QUERY = sa.text(
    """
    SELECT l.tenant_id, l.owner, l.epoch, l.lease_until, l.state,
           (l.owner IS NOT NULL AND l.lease_until > clock_timestamp()) AS held,
           p.last_sequence, p.polled_at, p.caught_up_at, p.committed_at,
           EXISTS (SELECT 1 FROM mirror_syncs s
                   WHERE s.tenant_id = l.tenant_id AND s.status = 'open') AS syncing,
           (SELECT count(*) FROM mirror_parked k
            WHERE k.tenant_id = l.tenant_id AND k.replayed_at IS NULL) AS parked,
           CASE WHEN p.polled_at IS NULL AND l.owner IS NOT NULL AND l.acquired_at IS NOT NULL
                     THEN EXTRACT(EPOCH FROM clock_timestamp() - l.acquired_at)
                WHEN p.polled_at IS NULL THEN NULL
                WHEN p.caught_up_at IS NOT NULL AND p.caught_up_at >= p.polled_at THEN 0
                ELSE EXTRACT(EPOCH FROM clock_timestamp() - COALESCE(p.caught_up_at,
                                                                     l.acquired_at))
           END AS lag
    FROM fleet_leases l LEFT JOIN fleet_progress p ON p.tenant_id = l.tenant_id
    ORDER BY l.tenant_id
    """
)


@dataclass(frozen=True)
class TenantStatus:
    """One tenant as the fleet sees it. ``lag``: seconds since its queue was last seen
    empty (0: caught up at the last poll; held and not seen polled since its claim,
    which forgets another owner's polls: since the claim; None: neither polled nor
    held). ``state``: ``active``,
    ``uninstalled`` or ``gone`` (no longer listed by GET /tenants); only an active tenant
    is claimed."""

    tenant_id: str
    owner: str | None
    epoch: int
    held: bool
    lease_until: datetime | None
    last_sequence: int | None
    sync_in_progress: bool
    parked: int
    lag: float | None
    polled_at: datetime | None
    committed_at: datetime | None
    state: str = "active"

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("lease_until", "polled_at", "committed_at"):
            value = out[key]
            out[key] = value.isoformat() if value is not None else None
        return out


def fleet_status(engine: sa.Engine) -> list[TenantStatus]:
    """Every tenant of the lease table, with its owner, epoch and progress."""
    with engine.connect() as connection:
        rows = connection.execute(_QUERY).all()
    return [
        TenantStatus(
            tenant_id=row.tenant_id,
            owner=row.owner,
            epoch=int(row.epoch),
            held=bool(row.held),
            lease_until=row.lease_until,
            last_sequence=row.last_sequence,
            sync_in_progress=bool(row.syncing),
            parked=int(row.parked or 0),
            lag=None if row.lag is None else round(float(row.lag), 3),
            polled_at=row.polled_at,
            committed_at=row.committed_at,
            state=str(row.state),
        )
        for row in rows
    ]
