"""Tenant leases on PostgreSQL: claiming a fair share, renewing, releasing, fencing.

A lease is a row of ``fleet_leases``: ``owner`` serves ``tenant_id`` under ``epoch``
until ``lease_until`` (the database's clock, ``clock_timestamp()``, never a worker's).
Each change of owner raises the epoch. A worker's writes for a tenant check, inside
their own transaction, that the lease is still theirs, under that epoch, and unexpired,
and hold it ``FOR KEY SHARE`` until they commit (see :meth:`Leases.fence`); a new owner
claims a row ``FOR UPDATE SKIP LOCKED``, so it can only take it once that transaction is
over. So once another worker holds a tenant, nothing the previous owner does commits,
whatever it was doing when it froze. ``KEY SHARE``, not ``SHARE``: the owner's own
renewal (an update of no key) goes on while its writes are in flight, where it used to
wait for each of them, its heartbeat with it, while its other leases ran out.
"""

from __future__ import annotations

import datetime
import math
import os
import socket
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from . import _schema as t


class LeaseLost(Exception):
    """The worker no longer holds this tenant's lease (another owner, a new epoch, expired)."""


@dataclass(frozen=True)
class Lease:
    tenant_id: str
    owner: str
    epoch: int


@dataclass
class Tick:
    """What one round of :meth:`Leases.tick` found."""

    renewed: dict[str, int] = field(default_factory=dict)
    lost: set[str] = field(default_factory=set)
    claimed: dict[str, int] = field(default_factory=dict)
    live_workers: int = 1
    share: int = 0
    surplus: int = 0
    #: seconds until the first lease another worker holds (of these tenants) expires;
    #: None when there is none
    next_expiry: float | None = None
    #: the database's time when the round began (a listing read after it may speak for
    #: what the table held then: see ``listed_before``)
    began: datetime.datetime | None = None


_RENEW = sa.text(
    "UPDATE fleet_leases SET lease_until = clock_timestamp() + make_interval(secs => :ttl) "
    "WHERE owner = :me AND tenant_id = ANY(:ids) AND lease_until > clock_timestamp() "
    "RETURNING tenant_id, epoch"
)
_CANDIDATES = sa.text(
    "SELECT tenant_id FROM fleet_leases WHERE tenant_id = ANY(:ids) "
    "AND NOT (tenant_id = ANY(:busy)) AND state = 'active' "
    "AND (owner IS NULL OR lease_until IS NULL OR lease_until <= clock_timestamp()) "
    "ORDER BY lease_until NULLS FIRST, tenant_id LIMIT :want FOR UPDATE SKIP LOCKED"
)
_CLAIM = sa.text(
    "UPDATE fleet_leases AS l SET owner = :me, epoch = l.epoch + 1, "
    "lease_until = clock_timestamp() + make_interval(secs => :ttl), "
    "acquired_at = clock_timestamp() "
    "FROM (SELECT tenant_id, owner AS previous FROM fleet_leases WHERE tenant_id = ANY(:ids)) p "
    "WHERE l.tenant_id = p.tenant_id RETURNING l.tenant_id, l.epoch, p.previous"
)
_NEW_OWNER_PROGRESS = sa.text(
    "UPDATE fleet_progress SET polled_at = NULL, caught_up_at = NULL WHERE tenant_id = ANY(:ids)"
)
_NEXT_EXPIRY = sa.text(
    "SELECT EXTRACT(EPOCH FROM min(lease_until) - clock_timestamp()) FROM fleet_leases "
    "WHERE tenant_id = ANY(:ids) AND owner <> :me AND lease_until > clock_timestamp() "
    "AND state = 'active'"
)
_LEAVE = sa.text(
    "UPDATE fleet_leases SET owner = NULL, lease_until = NULL "
    "WHERE owner = :me AND tenant_id = :tenant AND epoch = :epoch"
)
_FENCE = sa.text(
    "SELECT epoch FROM fleet_leases WHERE tenant_id = :tenant AND owner = :owner "
    "AND epoch = :epoch AND lease_until > clock_timestamp() FOR KEY SHARE"
)
_CHECK = sa.text(
    "SELECT 1 FROM fleet_leases WHERE tenant_id = :tenant AND owner = :owner "
    "AND epoch = :epoch AND lease_until > clock_timestamp() + make_interval(secs => :margin)"
)


class Leases:
    """One worker's view of the lease table (blocking calls: run them in a thread)."""

    def __init__(self, engine: sa.Engine, worker_id: str, *, ttl: float) -> None:
        if ttl <= 0:
            raise ValueError("the lease TTL must be positive")
        self.engine = engine
        self.worker_id = worker_id
        self.ttl = ttl
        self._registered: frozenset[str] = frozenset()

    def tick(
        self,
        tenants: Collection[str],
        held: Mapping[str, int],
        *,
        busy: Collection[str] = (),
        release: Mapping[str, int] | None = None,
        polled: Sequence[Mapping[str, object]] = (),
        claim: bool = True,
        gone: Collection[str] = (),
        listed: Collection[str] | None = None,
        listed_before: datetime.datetime | None = None,
    ) -> Tick:
        """One round, in one transaction: heartbeat, register new tenants, renew what is
        ``held`` (tenant -> epoch), release ``release``, and claim up to the fair share
        (``ceil(active tenants / live workers)``, the active ones of ``tenants``: an
        uninstalled tenant is nobody's share) of the tenants nobody holds or whose lease
        expired, skipping rows another worker is claiming (``FOR UPDATE SKIP LOCKED``)
        and the ``busy`` ones (still winding down here), and any tenant whose state is not
        ``active``. ``gone``: tenants GET /tenants stopped listing (state ``gone``, until
        listed again). ``listed``: a whole listing of GET /tenants, read after the
        database's time ``listed_before`` (an earlier round's ``began``: no clock of the
        worker's is compared with the database's): every other tenant of the table is
        ``gone`` too (one unlisted while no worker ran, or uninstalled, would otherwise
        keep its state for ever), unless a live lease holds it (its owner's own listing
        says) or its state changed (or it was registered) since ``listed_before``, which
        the listing may not have seen. Without ``listed_before`` it marks nothing."""
        me = self.worker_id
        tick = Tick()
        with self.engine.begin() as connection:
            tick.began = connection.scalar(sa.text("SELECT clock_timestamp()"))
            connection.execute(
                sa.text(
                    "INSERT INTO fleet_workers "
                    "(worker_id, host, pid, started_at, heartbeat_at, tenants) "
                    "VALUES (:me, :host, :pid, clock_timestamp(), clock_timestamp(), :n) "
                    "ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = clock_timestamp(), "
                    "tenants = excluded.tenants"
                ),
                {"me": me, "host": socket.gethostname()[:255], "pid": os.getpid(), "n": len(held)},
            )
            known = frozenset(tenants)
            new = known - self._registered
            if new:
                connection.execute(
                    sa.text(
                        "INSERT INTO fleet_leases (tenant_id, epoch, state_at) "
                        "SELECT unnest(CAST(:ids AS varchar[])), 0, clock_timestamp() "
                        "ON CONFLICT DO NOTHING"
                    ),
                    {"ids": sorted(new)},
                )
            if known:
                # Listed, after it was gone (here or by another worker's listing, which
                # may be this one's only memory of it): active again. An uninstalled one
                # is not. Gone rows are never written, so this waits for no writer; not
                # ON CONFLICT DO UPDATE above, which would lock every row it meets.
                connection.execute(
                    sa.text(
                        "UPDATE fleet_leases SET state = 'active', state_at = clock_timestamp() "
                        "WHERE state = 'gone' AND tenant_id = ANY(:ids)"
                    ),
                    {"ids": sorted(known)},
                )
            if listed is not None and listed_before is not None:
                connection.execute(
                    sa.text(
                        "UPDATE fleet_leases SET state = 'gone', state_at = clock_timestamp() "
                        "WHERE state <> 'gone' AND NOT (tenant_id = ANY(:ids)) "
                        "AND (owner IS NULL OR lease_until IS NULL "
                        "OR lease_until <= clock_timestamp()) "
                        "AND (state_at IS NULL OR state_at < :before)"
                    ),
                    {"ids": sorted(set(listed) | known), "before": listed_before},
                )
            gone = sorted(set(gone) - known)
            if gone:
                connection.execute(
                    sa.text(
                        "UPDATE fleet_leases SET state = 'gone', state_at = clock_timestamp() "
                        "WHERE tenant_id = ANY(:ids) AND state <> 'gone'"
                    ),
                    {"ids": gone},
                )
            if release:
                connection.execute(
                    sa.text(
                        "UPDATE fleet_leases SET owner = NULL, lease_until = NULL "
                        "WHERE owner = :me AND tenant_id = :tenant AND epoch = :epoch"
                    ),
                    [{"me": me, "tenant": k, "epoch": v} for k, v in release.items()],
                )
            if held:
                rows = connection.execute(
                    _RENEW, {"ttl": self.ttl, "me": me, "ids": sorted(held)}
                ).all()
                for row in rows:
                    if held.get(row.tenant_id) == row.epoch:
                        tick.renewed[row.tenant_id] = int(row.epoch)
                tick.lost = set(held) - set(tick.renewed)
            # Polls of the tenants whose lease holds, only: a lost lease's late report (a
            # worker paused past its TTL) would give the new owner's status its old polls.
            polled = [row for row in polled if row["tenant"] in tick.renewed]
            if polled:
                connection.execute(
                    sa.text(
                        "INSERT INTO fleet_progress (tenant_id, polled_at, caught_up_at) "
                        "VALUES (:tenant, clock_timestamp() - make_interval(secs => :polled_age), "
                        "clock_timestamp() - make_interval(secs => :caught_up_age)) "
                        "ON CONFLICT (tenant_id) DO UPDATE SET polled_at = excluded.polled_at, "
                        "caught_up_at = COALESCE(excluded.caught_up_at, "
                        "fleet_progress.caught_up_at)"
                    ),
                    list(polled),
                )
            live = connection.scalar(
                sa.text(
                    "SELECT count(*) FROM fleet_workers "
                    "WHERE heartbeat_at > clock_timestamp() - make_interval(secs => :ttl)"
                ),
                {"ttl": self.ttl},
            )
            tick.live_workers = max(1, int(live or 0))
            active = (
                connection.scalar(
                    sa.text(
                        "SELECT count(*) FROM fleet_leases "
                        "WHERE tenant_id = ANY(:ids) AND state = 'active'"
                    ),
                    {"ids": sorted(known)},
                )
                if known
                else 0
            )
            tick.share = math.ceil(int(active or 0) / tick.live_workers)
            mine = len(tick.renewed)
            want = tick.share - mine
            if claim and want > 0 and known:
                ids = list(
                    connection.scalars(
                        _CANDIDATES,
                        {
                            "ids": sorted(known),
                            "busy": sorted(set(busy) | set(tick.renewed)),
                            "want": want,
                        },
                    )
                )
                if ids:
                    # A new owner starts with no poll seen: another owner's last ones (its
                    # queue caught up, say) would give the status its lag.
                    connection.execute(_NEW_OWNER_PROGRESS, {"ids": ids})
                    for row in connection.execute(_CLAIM, {"me": me, "ttl": self.ttl, "ids": ids}):
                        tick.claimed[row.tenant_id] = int(row.epoch)
                        connection.execute(
                            sa.insert(t.lease_log).values(
                                tenant_id=row.tenant_id,
                                owner=me,
                                epoch=row.epoch,
                                previous_owner=row.previous,
                                at=sa.func.clock_timestamp(),
                            )
                        )
            tick.surplus = max(0, mine - tick.share)
            # A live owner renews every third of the TTL, so its leases keep at least two
            # thirds of it: one due within the next round is a dead or frozen owner's,
            # and the caller comes back right when it expires rather than a round later.
            if claim and known:
                due = connection.scalar(_NEXT_EXPIRY, {"ids": sorted(known), "me": me})
                if due is not None:
                    tick.next_expiry = max(0.0, float(due))
            connection.execute(
                sa.text(
                    "DELETE FROM fleet_workers "
                    "WHERE heartbeat_at < clock_timestamp() - make_interval(secs => :old)"
                ),
                {"old": max(self.ttl * 10, 60.0)},
            )
        self._registered = known
        return tick

    def leave(self, held: Mapping[str, int]) -> int:
        """Release every lease in ``held`` and remove this worker's heartbeat; how many
        leases were still this worker's, and released."""
        released = 0
        with self.engine.begin() as connection:
            for tenant, epoch in held.items():  # one each: a count a driver can trust
                released += connection.execute(
                    _LEAVE, {"me": self.worker_id, "tenant": tenant, "epoch": epoch}
                ).rowcount
            connection.execute(sa.delete(t.workers).where(t.workers.c.worker_id == self.worker_id))
        return released

    @classmethod
    def fence(
        cls, connection: sa.Connection, lease: Lease, tasks: int, last_sequence: int | None
    ) -> None:
        """:meth:`hold`, then :meth:`record` ``tasks`` written up to ``last_sequence``."""
        cls.hold(connection, lease)
        cls.record(connection, lease, tasks, last_sequence)

    @staticmethod
    def hold(connection: sa.Connection, lease: Lease) -> None:
        """First in a write transaction: LeaseLost unless ``lease`` is still held and
        unexpired. The lease row stays locked ``FOR KEY SHARE`` until the transaction ends,
        so no other worker can take it over before this commit."""
        values = {"tenant": lease.tenant_id, "owner": lease.owner, "epoch": lease.epoch}
        if connection.execute(_FENCE, values).first() is None:
            raise LeaseLost(f"tenant {lease.tenant_id}: lease epoch {lease.epoch} lost")

    @staticmethod
    def record(
        connection: sa.Connection, lease: Lease, tasks: int, last_sequence: int | None
    ) -> None:
        """Last in a write transaction held by :meth:`hold`: log the ``tasks`` it wrote in
        ``fleet_writes`` with the lease's epoch, and move the tenant's progress to
        ``last_sequence`` (the tasks taken in it, not those left for the next one)."""
        connection.execute(
            sa.insert(t.writes).values(
                tenant_id=lease.tenant_id,
                owner=lease.owner,
                epoch=lease.epoch,
                tasks=tasks,
                at=sa.func.clock_timestamp(),
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO fleet_progress (tenant_id, last_sequence, committed_at) "
                "VALUES (:tenant, :sequence, clock_timestamp()) "
                "ON CONFLICT (tenant_id) DO UPDATE SET committed_at = excluded.committed_at, "
                "last_sequence = GREATEST(fleet_progress.last_sequence, excluded.last_sequence)"
            ),
            {"tenant": lease.tenant_id, "sequence": last_sequence},
        )

    @staticmethod
    def mark_uninstalled(connection: sa.Connection, lease: Lease) -> None:
        """Inside the transaction that applies a ``TENANT_UNINSTALLED`` task (after
        :meth:`fence`): the tenant is never claimed again, by any worker, restarted or
        not, unless GET /tenants stops listing it and then lists it again."""
        connection.execute(
            sa.text(
                "UPDATE fleet_leases SET state = 'uninstalled', state_at = clock_timestamp() "
                "WHERE tenant_id = :tenant AND owner = :owner AND epoch = :epoch"
            ),
            {"tenant": lease.tenant_id, "owner": lease.owner, "epoch": lease.epoch},
        )

    def prune(
        self,
        retention: float,
        *,
        limit: int = 10_000,
        rounds: int = 20,
        stopping: Callable[[], bool] | None = None,
    ) -> int:
        """Delete rows of ``fleet_writes`` and ``fleet_lease_log`` older than ``retention``
        seconds, except each tenant's newest (``limit`` rows a transaction, again while a
        transaction found that many, at most ``rounds`` of each table per call; rows
        another worker is deleting are skipped); returns how many went. The fence never
        reads these logs: they are the audit trail, and a bounded one: a worker pruning
        once a minute keeps up with up to ``limit * rounds`` rows a minute (one a
        transaction it commits: 3,300/s), where one transaction of ``limit`` (167/s) fell
        behind a busy worker for good. ``stopping()`` true ends it between transactions
        (a worker on its way out releases its leases without waiting for the rest)."""
        deleted = 0
        for table in ("fleet_writes", "fleet_lease_log"):
            for _ in range(rounds):
                if stopping is not None and stopping():
                    return deleted
                with self.engine.begin() as connection:
                    count = self._prune(connection, table, retention, limit)
                deleted += count
                if count < limit:
                    break
        return deleted

    @staticmethod
    def _prune(connection: sa.Connection, table: str, retention: float, limit: int) -> int:
        result = connection.execute(
            sa.text(
                f"DELETE FROM {table} WHERE id IN (SELECT o.id FROM {table} o "
                "WHERE o.at < clock_timestamp() - make_interval(secs => :keep) "
                f"AND EXISTS (SELECT 1 FROM {table} n "
                "WHERE n.tenant_id = o.tenant_id AND n.id > o.id) "
                "ORDER BY o.at LIMIT :limit FOR UPDATE SKIP LOCKED)"
            ),
            {"keep": retention, "limit": limit},
        )
        return max(0, result.rowcount)

    def check(self, lease: Lease, *, margin: float = 0.0) -> bool:
        """Whether ``lease`` is still held, for at least ``margin`` more seconds (before acks)."""
        values = {
            "tenant": lease.tenant_id,
            "owner": lease.owner,
            "epoch": lease.epoch,
            "margin": margin,
        }
        with self.engine.connect() as connection:
            return connection.execute(_CHECK, values).first() is not None
