"""``Worker``: one process serving its fair share of the tenants, many at once, on asyncio.

One async task per held tenant polls its queue; at most ``concurrency`` of them poll,
apply and acknowledge at the same time (the rest wait, a tenant just claimed first, or
sleep while their queue is empty). Database work runs in worker threads, bounded the
same way. The lease loop heartbeats, renews (every third of the TTL), claims and gives
back tenants, and comes back early when another worker's lease is about to expire; the
discovery loop lists the tenants (``GET /tenants``) every ``discover_interval``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import logging
import math
import os
import random
import socket
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import sqlalchemy as sa
from opentelemetry import metrics, trace

from .._async._client import AsyncKimonoClient
from .._constants import (
    ACK_INTERVAL,
    FLEET_CONCURRENCY,
    FLEET_DISCOVER_INTERVAL,
    FLEET_LEASE_TTL,
    FLEET_STUCK_AFTER,
    FLEET_WRITES_RETENTION,
    INBOX_RETENTION,
    MAX_ATTEMPTS,
    MAX_POLL_INTERVAL,
    POLL_INTERVAL,
    SWEEP_THRESHOLD,
    TASK_BATCH,
)
from .._exceptions import InvalidItem, KimonoError, is_transient
from .._logging import sdk_logger
from .._task_view import AcksToSend, TaskKind, TaskView
from .._transports import new_async_transport
from .._types import ClientSettings
from .._validation import validate_positive
from ..mirror._apply import Applier
from ..mirror._mirror import inbox_prune_interval, retention_period
from ..mirror._mirror import prune as prune_mirror
from ..mirror._model import Result, TaskOutcome
from ..mirror._store import first_line, is_store_error, pg_connect_timeout
from . import _schema as fleet_tables

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11
from ._health import HealthServer
from ._leases import Lease, LeaseLost, Leases
from ._store import create_engine, migrate
from ._telemetry import Telemetry, request_id

log = sdk_logger("kimono_interop.fleet")

#: Seconds between the lease loop's looks for the first listing of the tenants.
FIRST_LISTING_CHECK = 0.05
#: Seconds after another worker's lease expires that the lease loop comes back to claim it.
EXPIRY_MARGIN = 0.05


def _margin(ttl: float) -> float:
    """The validity a lease must have left for acks (and polls) to go on under it."""
    return min(1.0, ttl / 4)


class TenantLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Log records of one tenant: ``record.tenant_id`` (and ``task_id`` when given)."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        extra = dict(self.extra or {})
        extra.update(kwargs.pop("extra", None) or {})
        kwargs["extra"] = extra
        return f"[tenant {extra.get('tenant_id')}] {msg}", kwargs


@dataclass
class FleetStats:
    """What a worker did (``Worker.stats``), for a summary and the tests."""

    worker_id: str = ""
    claimed: int = 0
    #: Leases found lost: by a renewal, or by a write or an ack the fence refused.
    lost: int = 0
    #: Leases released: of tenants stopped or gone, and those held on the way out.
    released: int = 0
    polls: int = 0
    poll_errors: int = 0
    batches: int = 0
    commits: int = 0
    applied: int = 0
    duplicates: int = 0
    failed: int = 0
    parked: int = 0
    acked: int = 0
    writes_refused: int = 0
    acks_refused: int = 0
    #: Acks the service refused (an unknown task, another 4xx), each logged.
    ack_failures: int = 0
    db_errors: int = 0
    rate_limited: int = 0
    tenants_discovered: int = 0
    tenants_removed: int = 0
    pruned: int = 0
    inbox_pruned: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class RateGate:
    """One backoff shared by every tenant of a worker: after a 429, nobody sends until
    its ``Retry-After`` (or a second) has passed."""

    def __init__(self) -> None:
        self.not_before = 0.0

    def hit(self, retry_after: float) -> None:
        self.not_before = max(self.not_before, time.monotonic() + min(max(retry_after, 0.1), 60))

    async def wait(self) -> None:
        pause = self.not_before - time.monotonic()
        if pause > 0:
            await anyio.sleep(pause)


class Pool:
    """At most ``capacity`` tenants in a cycle at once. Waiters take the free slots in
    order of arrival, except that urgent ones (a tenant just claimed, until its first
    batch or for a lease TTL and a poll interval, whichever ends first) go before every
    other: a tenant taken over from a dead worker has waited a
    whole lease TTL already, and must not wait for a round of every other tenant too."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._urgent: deque[anyio.Event] = deque()
        self._waiting: deque[anyio.Event] = deque()

    @contextlib.asynccontextmanager
    async def slot(self, *, urgent: bool = False) -> AsyncIterator[None]:
        if self.used < self.capacity and not self._urgent and not self._waiting:
            self.used += 1
        else:
            turn = anyio.Event()
            queue = self._urgent if urgent else self._waiting
            queue.append(turn)
            try:
                await turn.wait()
            except BaseException:
                if turn.is_set():  # handed a slot while being cancelled: pass it on
                    self._release()
                else:
                    queue.remove(turn)
                raise
        try:
            yield
        finally:
            self._release()

    def _release(self) -> None:
        queue = self._urgent or self._waiting
        if queue:
            queue.popleft().set()  # the slot goes to the next waiter, still in use
        else:
            self.used -= 1


class FleetTransport(httpx.AsyncBaseTransport):
    """The worker's transport: the shared 429 backoff, and a span per HTTP exchange."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        gate: RateGate,
        telemetry: Telemetry,
        stats: FleetStats,
    ) -> None:
        self.inner = inner
        self.gate = gate
        self.telemetry = telemetry
        self.stats = stats
        #: When an answer last came back from the service, any status (for /readyz).
        self.last_answer = 0.0
        self.last_token = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.gate.wait()
        with self.telemetry.span(
            f"HTTP {request.method}",
            **{
                "http.request.method": request.method,
                "url.path": request.url.path,
                "server.address": request.url.host,
            },
        ) as span:
            response = await self.inner.handle_async_request(request)
            span.set_attribute("http.response.status_code", response.status_code)
            rid = request_id(response.headers)
            if rid:
                span.set_attribute("kimono.request_id", rid)
        status = response.status_code
        if status < 500 and status != 429:
            self.last_answer = time.monotonic()
            if request.url.path.endswith("/token") and status == 200:
                self.last_token = self.last_answer
        if status == 429:
            self.stats.rate_limited += 1
            self.telemetry.add("kimono.fleet.http.rate_limited")
            self.telemetry.add("kimono.fleet.http.retries", reason="429")
            try:
                self.gate.hit(float(response.headers.get("retry-after", "1")))
            except ValueError:
                self.gate.hit(1.0)
        elif status in (500, 502, 503, 504):
            self.telemetry.add("kimono.fleet.http.retries", reason=str(status))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def is_uninstall(task: TaskView) -> bool:
    """Whether ``task`` says the tenant was uninstalled (``TENANT_UNINSTALLED``)."""
    if task.kind != TaskKind.LIFECYCLE:
        return False
    names = (task.action.value if task.action else "", task.event_type or "")
    return any("UNINSTALL" in str(name).upper() for name in names)


def uninstalled(tasks: Sequence[TaskView], outcomes: Sequence[TaskOutcome]) -> bool:
    """Whether ``tasks`` (applied in one transaction, with ``outcomes``) hold a
    ``TENANT_UNINSTALLED`` handled there (acked ``success``)."""
    handled = {outcome.task_id for outcome in outcomes if outcome.status == "success"}
    return any(is_uninstall(task) and task.id in handled for task in tasks)


def fenced_applier(engine: sa.Engine, lease: Lease, **options: Any) -> Applier:
    """The mirror's applier, with the lease checked first in each apply transaction; a
    ``TENANT_UNINSTALLED`` task taken and handled in it (acked ``success``) marks the
    tenant uninstalled in that same transaction. One left for the next transaction (past
    a deadline), or failed, marks nothing: the tenant stays claimable until it is applied."""

    def fence(connection: sa.Connection, tasks: Sequence[TaskView]) -> None:
        Leases.hold(connection, lease)

    def applied(
        connection: sa.Connection, tasks: Sequence[TaskView], outcomes: Sequence[TaskOutcome]
    ) -> None:
        # ``tasks``: those taken in this transaction (a deadline may leave some of the
        # chunk for the next), which the log and the progress count, and no more.
        sequences = [task.sequence for task in tasks if task.sequence is not None]
        Leases.record(connection, lease, len(tasks), max(sequences) if sequences else None)
        if uninstalled(tasks, outcomes):
            Leases.mark_uninstalled(connection, lease)

    return Applier(engine, default_tenant=lease.tenant_id, fence=fence, applied=applied, **options)


@dataclass
class TenantRun:
    """One held tenant: its lease, and the state of its async task."""

    lease: Lease
    applier: Applier
    stopping: bool = False
    lost: bool = False
    release: bool = True
    done: bool = False
    wake: anyio.Event = field(default_factory=anyio.Event)
    #: monotonic time the current cycle (poll, apply, ack) started; None between cycles
    busy_since: float | None = None
    #: monotonic times of the last poll, and of the last one that found nothing to do:
    #: the lease round stamps them on the database's clock (a worker's clock is never
    #: compared with another's, or with the database's)
    polled_at: float | None = None
    caught_up_at: float | None = None
    #: monotonic time of the claim: a tenant never seen caught up lags since then
    claimed_at: float = field(default_factory=lambda: time.monotonic())
    reported: tuple[float | None, float | None] = (None, None)
    oldest_unacked: float | None = None
    #: just claimed, no batch handled yet: goes first in the pool, until ``urgent_until``
    #: (``time.monotonic()``; an idle tenant must not keep going before busy ones)
    urgent: bool = True
    urgent_until: float = float("inf")

    def stop(self, *, release: bool) -> None:
        self.stopping = True
        self.release = self.release and release
        self.wake.set()


class Worker:
    """A fleet worker: serves its share of the tenants from the mirror's PostgreSQL database.

    ``db``: the PostgreSQL URL (the mirror's database; the fleet's tables are added).
    The vendor account's credentials come as for :class:`AsyncKimonoClient`
    (``client_id``, ``client_secret``, ``base_url``, else the ``KIMONO_*`` variables).
    See docs/fleet.md.
    """

    def __init__(
        self,
        db: str | Path,
        *,
        worker_id: str | None = None,
        concurrency: int = FLEET_CONCURRENCY,
        lease_ttl: float = FLEET_LEASE_TTL,
        discover_interval: float = FLEET_DISCOVER_INTERVAL,
        ack_every: int = TASK_BATCH,
        ack_interval: float = ACK_INTERVAL,
        poll_interval: float = POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        sweep_threshold: float = SWEEP_THRESHOLD,
        max_attempts: int = MAX_ATTEMPTS,
        stuck_after: float = FLEET_STUCK_AFTER,
        ready_window: float = 120.0,
        writes_retention: float = FLEET_WRITES_RETENTION,
        inbox_retention: float | None = INBOX_RETENTION,
        health_port: int | None = None,
        health_host: str = "127.0.0.1",
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **client_settings: Unpack[ClientSettings],
    ) -> None:
        for name, count in (("concurrency", concurrency), ("ack_every", ack_every)):
            if not isinstance(count, int) or count < 1:
                raise ValueError(f"{name} must be a whole number, at least 1")
        longest = fleet_tables.WORKER_ID_LENGTH
        if worker_id and len(worker_id) > longest:  # (none given: one is made, that fits)
            raise ValueError(f"worker_id must be at most {longest} characters long")
        seconds = {  # (inbox_retention None: keep every task record)
            "lease_ttl": lease_ttl,
            "discover_interval": discover_interval,
            "writes_retention": writes_retention,
            "inbox_retention": 1 if inbox_retention is None else inbox_retention,
            "stuck_after": stuck_after,
            "ready_window": ready_window,
            "ack_interval": ack_interval,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
        }
        for name, value in seconds.items():
            validate_positive(value, name)
        self.worker_id = worker_id or (
            f"{socket.gethostname()[: longest - 32]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        )
        self.concurrency = concurrency
        self.lease_ttl = lease_ttl
        self.discover_interval = discover_interval
        self.ack_every = ack_every
        self.ack_interval = min(ack_interval, lease_ttl / 2)
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.stuck_after = stuck_after
        self.ready_window = ready_window
        self.writes_retention = writes_retention
        #: seconds between two prunings of the writes and claims logs
        self.prune_interval = min(60.0, writes_retention / 2)
        self.inbox_retention = inbox_retention
        #: seconds between two prunings of the mirror's inbox
        self.inbox_prune_interval = (
            math.inf if inbox_retention is None else inbox_prune_interval(inbox_retention)
        )
        self.health_port = health_port
        self.health_host = health_host
        self.health_server: HealthServer | None = None
        self.apply_options = {
            "sweep_threshold": sweep_threshold,
            "max_attempts": max_attempts,
            "on_change": None,
            "on_other": None,
        }
        self.engine = create_engine(
            db,
            pool_size=concurrency + 2,
            idle_in_transaction=max(1.0, lease_ttl),
            application_name=f"kimono-fleet {self.worker_id}",
        )
        self.leases = Leases(self.engine, self.worker_id, ttl=lease_ttl)
        #: The lease loop's longest pause before /healthz fails: two TTLs (at least 10 s),
        #: plus what one round may wait for a database out of reach (its connect
        #: timeout), which leaves /healthz at 200.
        self.health_limit = max(lease_ttl, 5.0) * 2 + pg_connect_timeout(self.engine.url)
        self.stats = FleetStats(worker_id=self.worker_id)
        self.telemetry = Telemetry(tracer_provider, meter_provider)
        self.gate = RateGate()
        self.transport = FleetTransport(
            transport or new_async_transport(),
            self.gate,
            self.telemetry,
            self.stats,
        )
        self.client = AsyncKimonoClient(transport=self.transport, **client_settings)
        self.tenants: dict[str, Any] = {}  # tenant id -> TenantInfo
        self.runs: dict[str, TenantRun] = {}
        self._clients: dict[str, AsyncKimonoClient] = {}
        self._uninstalled: set[str] = set()
        self._gone: set[str] = set()  # no longer listed, not yet recorded as such
        #: The last whole listing of GET /tenants, until a lease round has recorded it, and
        #: the database's time at the start of the last round that went through before
        #: it was read (what it speaks for: see Leases.tick); the latest such time.
        self._listed: frozenset[str] | None = None
        self._listed_before: datetime.datetime | None = None
        self._round_began: datetime.datetime | None = None
        self._to_release: dict[str, int] = {}
        self._pool = Pool(concurrency)
        self._db = anyio.CapacityLimiter(concurrency)
        self._lease_limiter = anyio.CapacityLimiter(1)
        self._stopping = False
        self._stop_event: anyio.Event | None = None
        self.discovered = False
        #: monotonic time of the lease loop's last round (the worker's own progress)
        self.loop_beat = time.monotonic()
        #: monotonic time the last lease round that went through began: the leases it
        #: renewed or claimed run until at least a TTL after it
        self.renewed_at = 0.0
        self.last_poll_ok = 0.0
        self.started = time.monotonic()
        self._pruning = False
        # Never yet (not 0.0: the monotonic clock counts from the host's boot, so a worker
        # on a host up less than an interval would wait for it before its first prune).
        self._pruned_at = -math.inf
        self._inbox_pruned_at = -math.inf
        #: Since when (monotonic), and how many, lease rounds in a row met a store error.
        self._store_error_since: float | None = None
        self._store_errors = 0
        #: What ended the run that waiting cannot mend (refused credentials, a store without
        #: the fleet's tables), raised by run().
        self._failure: KimonoError | sa.exc.SQLAlchemyError | None = None

    # -- lifecycle -------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop after the cycles in hand; leases are released."""
        self._stopping = True
        if self._stop_event is not None:
            self._stop_event.set()
        for run in self.runs.values():
            run.stop(release=True)

    async def run(self, *, until: Callable[[], bool] | None = None) -> FleetStats:
        """Serve until :meth:`stop` (or ``until()`` is true); returns the counts."""
        self._failure = None
        await anyio.to_thread.run_sync(migrate, self.engine)
        self._stop_event = anyio.Event()
        if self.health_port is not None:
            self.health_server = HealthServer(self, self.health_host, self.health_port).start()
        try:
            async with anyio.create_task_group() as group:
                self._group = group
                group.start_soon(self._discover_loop)
                group.start_soon(self._lease_loop, until)
        finally:
            with anyio.CancelScope(shield=True):
                held = {tenant: run.lease.epoch for tenant, run in self.runs.items() if run.release}
                held.update(self._to_release)
                try:
                    self.stats.released += await anyio.to_thread.run_sync(self.leases.leave, held)
                except sa.exc.SQLAlchemyError as exc:
                    log.warning("could not release the leases on the way out: %s", exc)
                for client in self._clients.values():
                    await client.aclose()
                await self.client.aclose()
                self.engine.dispose()
                if self.health_server is not None:
                    self.health_server.stop()
        if self._failure is not None:
            raise self._failure  # (alone: not in an exception group)
        return self.stats

    # -- discovery -------------------------------------------------------------------------
    async def _discover_loop(self) -> None:
        while not self._stopping:
            before = self._round_began  # (a round that began before this listing)
            found = {}
            unread: list[InvalidItem] = []
            try:
                async for info in self.client.tenants.list().on_invalid(unread.append):
                    if info.id:
                        found[str(info.id)] = info
            except KimonoError as exc:
                if not is_transient(exc):  # refused credentials, 403: waiting cannot help
                    log.error("listing the tenants failed: %s", exc)
                    self._failure = exc
                    self.stop()
                    return
                log.warning("listing the tenants failed (%s); trying again", type(exc).__name__)
                await self._sleep(min(self.discover_interval, 5.0))
                continue
            if unread:
                # The others are served; none is taken for removed this round (an
                # unreadable one may be a tenant served until now).
                log.warning(
                    "%d tenant(s) of GET /tenants could not be read and are left out (first: "
                    "%s); no tenant is released as unlisted while any is",
                    len(unread),
                    unread[0],
                )
                found.update({t: self.tenants[t] for t in self.tenants if t not in found})
            for tenant in set(self.tenants) - set(found):
                self.stats.tenants_removed += 1
                self._gone.add(tenant)
                self._uninstalled.discard(tenant)  # listed again later: installed anew
                log.info("tenant %s is no longer listed: releasing it", tenant)
                if tenant in self.runs:
                    self.runs[tenant].stop(release=True)
            for tenant, info in found.items():
                known = self.tenants.get(tenant)
                if tenant in self.runs and known is not None and info.auth != known.auth:
                    # new credentials (a secret rotated, a reinstall): its client has the
                    # old ones, so the tenant is served again, on a client made anew
                    log.info("tenant %s has new credentials: serving it again", tenant)
                    self.runs[tenant].stop(release=True)
            self.stats.tenants_discovered += len(set(found) - set(self.tenants))
            self.tenants = found
            # (one with unread items says nothing of the tenants it misses: none is kept)
            self._listed = None if unread or before is None else frozenset(found)
            self._listed_before = before
            self.discovered = True
            await self._sleep(self.discover_interval)

    async def _sleep(self, seconds: float) -> None:
        if self._stop_event is None:
            await anyio.sleep(seconds)
            return
        with anyio.move_on_after(seconds):
            await self._stop_event.wait()

    # -- leases ----------------------------------------------------------------------------
    async def _lease_loop(self, until: Callable[[], bool] | None) -> None:
        period = self.lease_ttl / 3
        while not self._stopping:
            if until is not None and until():
                self.stop()
                break
            self.loop_beat = time.monotonic()
            self.update_gauges()
            # Until the first listing has come, no round: looked for again soon, so that
            # the first round claims right after it (a period's sleep left a new worker
            # idle for a third of the TTL, 10 s by default).
            wait = period if self.discovered else min(period, FIRST_LISTING_CHECK)
            if self.discovered:
                expiry = await self._lease_round()
                if expiry is not None:
                    # Another worker's lease expires before the next round: claim it then.
                    wait = min(period, expiry + EXPIRY_MARGIN)
                if not self._pruning and time.monotonic() - self._pruned_at >= self.prune_interval:
                    self._pruning = True
                    self._group.start_soon(self._prune)
            await self._sleep(wait)
        for run in self.runs.values():
            run.stop(release=True)
        # The batches in hand end (applied, acknowledged) under leases still renewed: with
        # a short TTL they expired meanwhile, and their acks were refused by the fence.
        with anyio.move_on_after(max(5.0, self.ack_interval)):
            tried = self.renewed_at
            while any(not run.done for run in self.runs.values()):
                if time.monotonic() - tried >= period:
                    tried = time.monotonic()  # (a round that fails waits a period too)
                    await self._lease_round()  # renews, releases what is done, claims nothing
                await anyio.sleep(0.05)
        self._group.cancel_scope.cancel()

    def _lose(self, run: TenantRun) -> None:
        """Stop a tenant whose lease is lost, however this worker learnt it (a renewal,
        a refused write or ack), and count it once."""
        if not run.lost:
            self.stats.lost += 1
            run.lost = True
        run.stop(release=False)

    async def _lease_round(self) -> float | None:
        """One lease round; returns the seconds until another worker's lease expires."""
        runs = self.runs
        for tenant in list(runs):
            run = runs[tenant]
            if run.done:
                del runs[tenant]
                if run.release:
                    self._to_release[tenant] = run.lease.epoch
        tenants = [tenant for tenant in self.tenants if tenant not in self._uninstalled]
        # Tenants winding down keep their lease renewed until their batch in hand is done.
        held = {tenant: run.lease.epoch for tenant, run in runs.items() if not run.lost}
        polled = []
        now = time.monotonic()
        for tenant, run in runs.items():
            if run.polled_at is not None and (run.polled_at, run.caught_up_at) != run.reported:
                caught_up = run.caught_up_at
                polled.append(
                    {
                        "tenant": tenant,
                        "polled_age": now - run.polled_at,
                        "caught_up_age": None if caught_up is None else now - caught_up,
                    }
                )
                run.reported = (run.polled_at, run.caught_up_at)
        release = dict(self._to_release)
        gone = set(self._gone)
        listed, listed_before = self._listed, self._listed_before
        started = time.monotonic()
        try:
            tick = await anyio.to_thread.run_sync(
                lambda: self.leases.tick(
                    tenants,
                    held,
                    busy=set(runs) | set(release),
                    release=release,
                    polled=polled,
                    claim=not self._stopping,
                    gone=gone,
                    listed=listed,
                    listed_before=listed_before,
                ),
                # Not the apply's limiter: renewals never wait behind busy tenants.
                limiter=self._lease_limiter,
            )
        except sa.exc.SQLAlchemyError as exc:
            self.stats.db_errors += 1
            if is_store_error(exc) and not self._stopping:
                # A table missing, a privilege refused: no round goes through until someone
                # mends it, and waiting hides it. Ended once it has lasted a TTL and three
                # rounds (a migration's moment, a role being granted, passes before).
                now = time.monotonic()
                self._store_errors += 1
                if self._store_error_since is None:
                    self._store_error_since = now
                if self._store_errors >= 3 and now - self._store_error_since >= self.lease_ttl:
                    log.error("the lease round failed: %s", first_line(exc))
                    self._failure = exc
                    self.stop()
                    return None
            else:  # (in a row: another failure between two breaks the count)
                self._store_error_since, self._store_errors = None, 0
            log.warning("the lease round failed (%s); trying again", type(exc).__name__)
            return None
        self._store_error_since, self._store_errors = None, 0
        self._round_began = tick.began
        self.renewed_at = started
        self._gone -= gone
        if self._listed is listed:
            self._listed = None
        for tenant in release:
            self._to_release.pop(tenant, None)
            self.stats.released += 1
        for tenant in tick.lost:
            log.warning("lost the lease of tenant %s: stopping it", tenant)
            self._lose(runs[tenant])
        for tenant, epoch in tick.claimed.items():
            self.stats.claimed += 1
            lease = Lease(tenant, self.worker_id, epoch)
            run = TenantRun(lease, fenced_applier(self.engine, lease, **self.apply_options))
            # A takeover's batch in flight comes back after the service's redelivery delay,
            # about a TTL after the claim: its polls go first that long, and no longer.
            run.urgent_until = time.monotonic() + self.lease_ttl + self.max_poll_interval
            runs[tenant] = run
            self._group.start_soon(self._serve, run)
        active = sorted(
            (run for run in runs.values() if not run.stopping),
            key=lambda run: run.lease.tenant_id,
            reverse=True,
        )
        surplus = len(active) - tick.share
        # Beyond the fair share (another worker joined): give tenants back.
        for run in active[: max(0, surplus)]:
            run.stop(release=True)
        self.telemetry.gauge(
            "kimono.fleet.leases.held", sum(1 for run in runs.values() if not run.stopping)
        )
        return tick.next_expiry

    async def _prune(self) -> None:
        """Delete what the writes and claims logs hold beyond their retention, and now and
        then the mirror's task records beyond theirs (in the background: renewals never
        wait for it)."""
        try:
            self.stats.pruned += await anyio.to_thread.run_sync(
                functools.partial(
                    self.leases.prune, self.writes_retention, stopping=lambda: self._stopping
                )
            )
            if self._stopping:
                return  # (the inbox's prune waits for the next start)
            if time.monotonic() - self._inbox_pruned_at >= self.inbox_prune_interval:
                removed = await anyio.to_thread.run_sync(
                    functools.partial(
                        prune_mirror,
                        self.engine,
                        inbox_older_than=retention_period(self.inbox_retention),
                        stopping=lambda: self._stopping,
                    )
                )
                self._inbox_pruned_at = time.monotonic()
                self.stats.inbox_pruned += removed["inbox"]
        except sa.exc.SQLAlchemyError as exc:
            self.stats.db_errors += 1
            log.warning("pruning the fleet's logs failed (%s)", type(exc).__name__)
        finally:
            self._pruning = False
            self._pruned_at = time.monotonic()

    def leases_valid(self) -> bool:
        """Whether the leases this worker holds are surely unexpired: a lease round went
        through within a TTL, less the margin acks keep (else the database was out of
        reach for that long, and another worker may hold them by now)."""
        return bool(self.renewed_at) and (
            time.monotonic() - self.renewed_at < self.lease_ttl - _margin(self.lease_ttl)
        )

    # -- one tenant ------------------------------------------------------------------------
    def _tenant_client(self, tenant: str) -> AsyncKimonoClient:
        client = self._clients.get(tenant)
        if client is None:
            client = self.client.for_tenant(self.tenants[tenant])
            self._clients[tenant] = client
        return client

    async def _serve(self, run: TenantRun) -> None:
        tenant = run.lease.tenant_id
        tlog = TenantLog(log, {"tenant_id": tenant})
        delay = self.poll_interval
        try:
            while not run.stopping:
                if tenant not in self.tenants or tenant in self._uninstalled:
                    run.stop(release=True)
                    break
                if not self.leases_valid():
                    # No round went through for a TTL (the database out of reach, or
                    # slow): the lease may be another worker's by now, and a poll could
                    # take its batch. Poll nothing until a round goes through: it says
                    # whether the lease is still this worker's.
                    with anyio.move_on_after(0.1):
                        await run.wake.wait()
                    continue
                if run.urgent and time.monotonic() >= run.urgent_until:
                    run.urgent = False
                async with self._pool.slot(urgent=run.urgent):
                    if run.stopping:
                        break
                    if not self.leases_valid():
                        continue  # (the wait for the slot outlasted it: checked above again)
                    run.busy_since = time.monotonic()
                    try:
                        got = await self._cycle(run, tlog)
                    except (KimonoError, sa.exc.SQLAlchemyError, OSError) as exc:
                        # Not transient (the cycle waits those out): log it, try later.
                        tlog.error("the cycle failed: %s", type(exc).__name__)
                        got = False
                    finally:
                        run.busy_since = None
                if got:
                    delay = self.poll_interval
                    continue
                with anyio.move_on_after(random.uniform(delay / 2, delay)):
                    await run.wake.wait()
                delay = min(delay * 2, self.max_poll_interval)
        finally:
            run.done = True
            # Served elsewhere now, or no longer: its series goes (a 0 kept here for ever
            # would stand beside the new owner's).
            self.telemetry.counters.unset("kimono.fleet.tenant.lag", {"tenant": tenant})
            # A new lease gets a new client, from the tenant's listing then (its
            # credentials may have changed meanwhile).
            client = self._clients.pop(tenant, None)
            if client is not None:
                with anyio.CancelScope(shield=True):
                    await client.aclose()

    async def _cycle(self, run: TenantRun, tlog: TenantLog) -> bool:
        """Poll once; apply and acknowledge what came. True when a batch was handled."""
        tenant = run.lease.tenant_id
        client = self._tenant_client(tenant)
        with self.telemetry.span("kimono.poll", **{"kimono.tenant_id": tenant}) as span:
            self.stats.polls += 1
            try:
                batch = await client.tasks.receive()
            except KimonoError as exc:
                if not is_transient(exc):
                    tlog.error("receiving tasks failed: %s", type(exc).__name__)
                self.stats.poll_errors += 1
                return False
            span.set_attribute("kimono.batch.size", len(batch))
        self.last_poll_ok = run.polled_at = time.monotonic()
        tasks = [task for task in batch if task.id is not None]
        if not tasks:
            run.caught_up_at = run.polled_at
            run.oldest_unacked = None
            self.telemetry.gauge("kimono.fleet.tenant.lag", 0.0, tenant=tenant)
            return False
        # Never seen caught up (an initial sync, a takeover's backlog): since the claim.
        since = run.caught_up_at if run.caught_up_at is not None else run.claimed_at
        self.telemetry.gauge("kimono.fleet.tenant.lag", run.polled_at - since, tenant=tenant)
        received = time.monotonic()
        run.oldest_unacked = received
        self.stats.batches += 1
        failed: set[tuple[str, str, str]] = set()
        # A batch in hand is applied even when the tenant is being stopped: the fence, in
        # the transaction, is what decides whether this worker may still write.
        while tasks:
            chunk = tasks[: self.ack_every]
            with self.telemetry.span(
                "kimono.apply",
                **{"kimono.tenant_id": tenant, "kimono.batch.size": len(chunk)},
            ) as span:
                try:
                    result = await anyio.to_thread.run_sync(
                        functools.partial(
                            run.applier.apply,
                            chunk,
                            deadline=time.monotonic() + self.ack_interval,
                            failed=failed,
                        ),
                        limiter=self._db,
                    )
                except LeaseLost:
                    self.stats.writes_refused += 1
                    self.telemetry.add("kimono.fleet.fence.refused", kind="write")
                    tlog.warning("write refused: the lease (epoch %d) is lost", run.lease.epoch)
                    self._lose(run)
                    return True
                except sa.exc.SQLAlchemyError as exc:
                    self.stats.db_errors += 1
                    tlog.warning("applying failed (%s); the batch comes back", type(exc).__name__)
                    return False
                span.set_attribute("kimono.tasks.consumed", result.consumed)
            self.stats.commits += 1
            with self.telemetry.span("kimono.commit", **{"kimono.tenant_id": tenant}):
                self._count(result.outcomes, chunk, tlog)
            if uninstalled(chunk[: result.consumed], result.outcomes):
                # Committed, with the lease's row marked: the tenant is stopped and released
                # (a transaction rolled back marks nothing, and the task comes back).
                self._uninstalled.add(tenant)
            tasks = tasks[result.consumed :]
            if not await self._ack(run, result.outcomes, tlog):
                return True
        self.telemetry.record("kimono.fleet.batch.duration", time.monotonic() - received)
        run.oldest_unacked = None
        run.urgent = False
        return True

    def _count(
        self, outcomes: Sequence[TaskOutcome], chunk: Sequence[TaskView], tlog: TenantLog
    ) -> None:
        views = {task.id: task for task in chunk}
        for outcome in outcomes:
            task = views.get(outcome.task_id)
            attributes: dict[str, str] = {
                "tenant": str(tlog.extra["tenant_id"]) if tlog.extra else "",
                "result": outcome.result,
            }
            if outcome.result == Result.DUPLICATE:
                self.stats.duplicates += 1
            elif outcome.result in (Result.RETRY, Result.HELD):
                self.stats.failed += 1
                self.telemetry.add("kimono.fleet.tasks.failed", **attributes)
                tlog.warning(
                    "task failed, it comes back: %s",
                    outcome.result,
                    extra={"task_id": outcome.task_id},
                )
            elif outcome.result == Result.PARKED:
                self.stats.parked += 1
                self.telemetry.add("kimono.fleet.tasks.parked", **attributes)
                tlog.error("task parked", extra={"task_id": outcome.task_id})
            else:
                self.stats.applied += 1
            tlog.debug("task %s", outcome.result, extra={"task_id": outcome.task_id})
            self.telemetry.add("kimono.fleet.tasks.handled", **attributes)
            if task is not None:
                with self.telemetry.span(
                    "kimono.handle",
                    **{
                        "kimono.tenant_id": attributes["tenant"],
                        "kimono.task_id": outcome.task_id,
                        "kimono.task.action": task.action.value if task.action else None,
                        "kimono.task.kind": task.kind.value,
                        "kimono.object_type": task.object_type,
                        "kimono.task.result": outcome.result,
                    },
                ):
                    pass

    async def _ack(self, run: TenantRun, outcomes: Sequence[TaskOutcome], tlog: TenantLog) -> bool:
        """Send the acks of a committed chunk if the lease still holds; False if it does not
        (or could not be checked on the way out)."""
        if not outcomes:
            return True
        tenant = run.lease.tenant_id
        acks = [outcome.ack() for outcome in outcomes]
        wait = self.poll_interval
        pending = AcksToSend(acks)
        while True:
            acks = pending.acks
            try:
                held = await anyio.to_thread.run_sync(
                    lambda: self.leases.check(run.lease, margin=_margin(self.lease_ttl)),
                    limiter=self._db,
                )
            except sa.exc.SQLAlchemyError as exc:
                # Whether the lease holds is unknown: the acks wait for an answer, and the
                # lease is not given up (it was taken for lost, idle for a TTL).
                self.stats.db_errors += 1
                if run.stopping or self._stopping:
                    tlog.warning(
                        "%d ack(s) not sent: the lease could not be checked (%s)",
                        len(acks),
                        type(exc).__name__,
                    )
                    return False
                tlog.warning("checking the lease failed (%s); trying again", type(exc).__name__)
                await anyio.sleep(random.uniform(wait / 2, wait))
                wait = min(wait * 2, self.max_poll_interval)
                continue
            if not held:
                self.stats.acks_refused += len(acks)
                self.telemetry.add("kimono.fleet.fence.refused", len(acks), kind="ack")
                tlog.warning("%d ack(s) not sent: the lease is lost", len(acks))
                self._lose(run)
                return False
            started = time.monotonic()
            with self.telemetry.span(
                "kimono.ack", **{"kimono.tenant_id": tenant, "kimono.acks": len(acks)}
            ):
                try:
                    result = await self._tenant_client(tenant).tasks._send_acks(
                        acks, maybe_applied=pending.maybe_applied
                    )
                except KimonoError as exc:
                    if not is_transient(exc):
                        raise
                    pending.failed(exc)
                    tlog.warning("sending acks failed (%s); trying again", type(exc).__name__)
                    await anyio.sleep(random.uniform(wait / 2, wait))
                    wait = min(wait * 2, self.max_poll_interval)
                    continue
            self.telemetry.record("kimono.fleet.ack.duration", time.monotonic() - started)
            self.stats.acked += len(result.acknowledged)
            if result.failed:
                self.stats.ack_failures += len(result.failed)
                self.telemetry.add("kimono.fleet.ack.refused", len(result.failed))
                for task_id, why in result.failed.items():
                    tlog.warning("ack of task %s was refused: %s", task_id, why)
            if pending.sent(result):
                return True
            # The service failed part-way through the acks sent one by one: only the rest
            # go again (those applied would come back 404, refused).
            tlog.warning(
                "sending acks failed part-way (%s); trying again",
                type(result.unsent_error).__name__,
            )
            await anyio.sleep(random.uniform(wait / 2, wait))
            wait = min(wait * 2, self.max_poll_interval)

    # -- health ----------------------------------------------------------------------------
    def health(self) -> tuple[bool, dict[str, Any]]:
        """Whether the worker's own loop progresses (never depends on Kimono)."""
        now = time.monotonic()
        beat = now - self.loop_beat
        stuck = [
            tenant
            for tenant, run in self.runs.items()
            if run.busy_since is not None and now - run.busy_since > self.stuck_after
        ]
        ok = beat < self.health_limit and not stuck
        return ok, {"loop_age": round(beat, 3), "stuck_tenants": stuck}

    def readiness(self) -> tuple[bool, dict[str, Any]]:
        """Whether Kimono answered lately (a successful poll or token within the window)
        and the database did: the leases are surely held (see :meth:`leases_valid`)."""
        now = time.monotonic()
        last = max(self.last_poll_ok, self.transport.last_token)
        leases = now - self.renewed_at if self.renewed_at else None
        ok = last > 0 and now - last < self.ready_window and self.leases_valid()
        return ok, {
            "last_success_age": None if not last else round(now - last, 3),
            "lease_round_age": None if leases is None else round(leases, 3),
            "tenants": len(self.runs),
        }

    def update_gauges(self) -> None:
        now = time.monotonic()
        oldest = [run.oldest_unacked for run in self.runs.values() if run.oldest_unacked]
        self.telemetry.gauge(
            "kimono.fleet.oldest_unacked.age", now - min(oldest) if oldest else 0.0
        )
