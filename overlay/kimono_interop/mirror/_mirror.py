"""``Mirror``: a durable local copy of each district's roster, kept current from the task queue."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime
import random
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

import sqlalchemy as sa

from .._async import mirror_run as async_run
from .._constants import (
    ACK_INTERVAL,
    INBOX_PRUNE_INTERVAL,
    INBOX_RETENTION,
    MAX_ATTEMPTS,
    MAX_POLL_INTERVAL,
    POLL_INTERVAL,
    SWEEP_THRESHOLD,
    TASK_BATCH,
)
from .._exceptions import KimonoError, NotFoundError, PermissionDeniedError, is_transient
from .._ids import canonical_id
from .._json import loads as json_loads
from .._logging import sdk_logger
from .._retry import RetryPolicy, requested_wait
from .._runtime import AsyncRuntime, Runtime
from .._sync import mirror_run as sync_run
from .._task_view import AckResult, TaskView, UnackableSeen
from .._validation import validate_positive
from . import _schema as t
from ._apply import (
    Applier,
    ChunkResult,
    OnChange,
    OnOther,
    now,
    object_type_of,
    person_type,
    record_id,
    references,
    sweep_counts,
    topic_scope,
)
from ._migrations import MIRROR
from ._model import (
    Change,
    Difference,
    MirrorStats,
    NoMirror,
    ParkedTask,
    StoredObject,
    Sync,
    TaskOutcome,
    VerifyReport,
)
from ._store import (
    create_engine,
    database_url,
    first_line,
    head,
    is_transient_db_error,
    lock,
    lock_between_writes,
    lock_tenants,
    migrate,
    must_know,
    not_recorded,
    pg_engine,
    reading,
    shown,
)
from ._writes import Writes

_Record = TypeVar("_Record")

#: Task records deleted per transaction when the inbox is pruned.
PRUNE_BATCH = 5000

if TYPE_CHECKING:
    from .._client import AsyncKimonoClient, KimonoClient

log = sdk_logger("kimono_interop.mirror")

#: The collections a snapshot reads and ``verify`` compares, by the mirror's type name.
COLLECTIONS = ("orgs", "terms", "courses", "sections", "persons")

#: Called after each commit, before its acks are sent, with the chunk's outcomes.
OnCommit = Callable[[Sequence[TaskOutcome]], None]


class Mirror:
    """A roster mirror in a SQLite file or a PostgreSQL database. See docs/mirror.md.

    ``Mirror.open(url)`` creates or upgrades the schema. ``mirror.run(client)`` drains the
    task queue into it; ``mirror.apply(tasks)`` applies tasks you received yourself.
    """

    def __init__(
        self,
        engine: sa.Engine,
        *,
        sweep_threshold: float = SWEEP_THRESHOLD,
        max_attempts: int = MAX_ATTEMPTS,
        on_change: OnChange | None = None,
        on_other: OnOther | None = None,
        default_tenant: str = "",
    ) -> None:
        if not 0 <= sweep_threshold <= 1:
            raise ValueError("sweep_threshold is a share of the objects: 0 to 1")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.engine = pg_engine(engine)  # (a failover's read-only moment: waited out)
        self._applier = Applier(
            engine,
            sweep_threshold=sweep_threshold,
            max_attempts=max_attempts,
            on_change=on_change,
            on_other=on_other,
            # as tasks name tenants (a UUID in the canonical form), which reads look up
            default_tenant=canonical_id(default_tenant) if default_tenant else "",
        )
        #: The runs in progress, and how stop() reaches them: the sync runs share one
        #: runtime, each run_async has its own. With no run in progress, a stop() marks
        #: the shared runtime, and the next run (either kind) ends at once.
        self._runs_lock = threading.RLock()  # re-entered by a stop() from a signal handler
        self._runtime = Runtime()
        self._sync_runs = 0
        self._async_runtimes: list[AsyncRuntime] = []

    @classmethod
    def open(
        cls,
        url: str | Path = "kimono-mirror.db",
        *,
        sweep_threshold: float = SWEEP_THRESHOLD,
        max_attempts: int = MAX_ATTEMPTS,
        on_change: OnChange | None = None,
        on_other: OnOther | None = None,
        default_tenant: str = "",
        create: bool = True,
    ) -> Mirror:
        """Open (creating or upgrading its schema) the mirror at ``url``.

        ``url``: a file path (SQLite) or a SQLAlchemy URL (``sqlite:///...``,
        ``postgresql://user:pass@host/db``: psycopg 3 is used). ``sweep_threshold``: the
        share of a synced type's live objects a full sync may tombstone without approval.
        ``max_attempts``: failures after which a task is parked. ``on_change(connection,
        change)`` runs inside the apply transaction for every change. ``on_other(task)``
        handles tasks that are not roster changes (default: acked success, ignored).
        ``default_tenant``: the tenant of tasks that name none. ``create=False``: only
        open a mirror that is there, at this version's schema, creating or changing
        nothing (a reader's way: a mistyped path is not a new, empty mirror); ``NoMirror``
        (a LookupError) says what is there instead.
        """
        target = database_url(url)
        checked = not create and _must_exist(target)
        engine = create_engine(target)
        try:
            if create:
                migrate(engine)
            elif not checked:
                _must_be_current(engine, target)
        except BaseException:
            engine.dispose()
            raise
        return cls(
            engine,
            sweep_threshold=sweep_threshold,
            max_attempts=max_attempts,
            on_change=on_change,
            on_other=on_other,
            default_tenant=default_tenant,
        )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Mirror:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- applying --------------------------------------------------------------------------
    def apply(self, tasks: Iterable[TaskView | Mapping[str, Any]]) -> list[TaskOutcome]:
        """Apply tasks (views or raw tasks) in one transaction; acknowledge nothing.

        Returns each task's outcome, whose ``status`` is the ack to send once this
        returned (the commit is done). Tasks without an id are left out.
        """
        views = [task if isinstance(task, TaskView) else TaskView.from_raw(task) for task in tasks]
        outcomes: list[TaskOutcome] = []
        failed: set[tuple[str, str, str]] = set()
        while views:
            result = self._applier.apply(views, failed=failed)
            outcomes.extend(result.outcomes)
            views = views[result.consumed :]
        return outcomes

    def stop(self) -> None:
        """Make every ``run`` and ``run_async`` in progress return once the batch in hand
        is applied and acknowledged; a wait between polls ends at once (for ``run_async``
        under trio, within a tenth of a second). Safe from any thread and from a signal
        handler; asked when no run is in progress, it ends the next one before its first
        poll."""
        with self._runs_lock:
            if self._sync_runs or not self._async_runtimes:
                self._runtime.request_stop()
            for runtime in tuple(self._async_runtimes):
                runtime.request_stop_threadsafe()

    def run(
        self,
        client: KimonoClient,
        *,
        tenant_id: str | None = None,
        schema: str | None = None,
        driver: str | None = None,
        stop_when_empty: bool = False,
        max_tasks: int | None = None,
        ack_every: int = TASK_BATCH,
        ack_interval: float = ACK_INTERVAL,
        poll_interval: float = POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        on_commit: OnCommit | None = None,
        inbox_retention: float | None = INBOX_RETENTION,
        handle_signals: bool = True,
    ) -> MirrorStats:
        """Drain the task queue into the mirror, acknowledging each task after its commit.

        Each batch is applied in chunks of at most ``ack_every`` tasks, or fewer when a
        chunk has taken ``ack_interval`` seconds; each chunk is one transaction, and its
        acks go out right after it commits. ``stop_when_empty``: return when the queue
        answers an empty batch. ``max_tasks``: return after that many tasks. Outages
        (no answer, 429, 5xx) are waited out, doubling the wait up to
        ``max_poll_interval``; acks of a committed chunk are retried until they go
        through. So is a chunk whose transaction the database failed (a connection lost,
        a lock not granted in time, a full disk: ``is_transient_db_error``), the tasks
        still in hand: one it committed before the connection dropped is recognised by
        its records and not applied twice. ``on_commit(outcomes)`` runs after each
        commit, before its acks. ``inbox_retention``: seconds each task's record is kept
        (default a week); older ones are pruned when the run starts and then hourly
        (``None``: never). ``handle_signals`` (the main thread only): the first SIGINT or
        SIGTERM makes the run return once the batch in hand is applied and acknowledged
        (``stopped_by`` names the signal), so a restart leaves no batch for the service
        to time out; a second one interrupts it (the chunk in hand is rolled back, and
        its tasks are delivered again; ``stopped_by="interrupted"``).
        """
        runtime = self._runtime
        loop = _RunLoop(
            runtime,
            ack_every,
            ack_interval,
            poll_interval,
            max_poll_interval,
            inbox_retention,
            on_commit,
        )
        loop.applier = self._applier_for(tenant_id)
        registered = False
        try:
            with self._runs_lock:
                self._sync_runs += 1
                registered = True
            sync_run.drain(
                self,
                client,
                loop,
                runtime,
                tenant_id=tenant_id,
                schema=schema,
                driver=driver,
                max_tasks=max_tasks,
                stop_when_empty=stop_when_empty,
                handle_signals=handle_signals,
            )
            return loop.finish()
        finally:
            with self._runs_lock:
                if registered:
                    self._sync_runs -= 1
                if not self._sync_runs:
                    runtime.reset()  # a stop request ends the runs it found, not the next

    def _applier_for(self, tenant_id: str | None) -> Applier:
        """The applier of a run: one whose tasks that name no tenant (the flat shape of
        kimono-api-java) are the run's ``tenant_id``'s, when the mirror names no default."""
        if not tenant_id or self._applier.default_tenant:
            return self._applier
        applier = copy.copy(self._applier)
        applier.default_tenant = canonical_id(tenant_id)
        return applier

    async def run_async(
        self,
        client: AsyncKimonoClient,
        *,
        tenant_id: str | None = None,
        schema: str | None = None,
        driver: str | None = None,
        stop_when_empty: bool = False,
        max_tasks: int | None = None,
        ack_every: int = TASK_BATCH,
        ack_interval: float = ACK_INTERVAL,
        poll_interval: float = POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        on_commit: OnCommit | None = None,
        inbox_retention: float | None = INBOX_RETENTION,
        handle_signals: bool = True,
    ) -> MirrorStats:
        """:meth:`run` with the async client: ``await mirror.run_async(async_client)``.

        The same options and guarantees. The HTTP requests are awaited; each chunk's
        transaction runs in a worker thread (the database drivers are blocking), so the
        event loop serves other work meanwhile. Cancelled while a chunk is applied, it
        waits for that chunk's commit (or rollback) first: its tasks are then delivered
        again and acknowledged from the inbox, not applied twice. ``handle_signals``
        (asyncio in the main thread): the first SIGINT or SIGTERM stops the run as in
        :meth:`run`; a second one ends it at once, wherever it waits, but for the chunk
        in hand, which is committed or rolled back in its thread first (a transaction
        cannot be stopped from outside it), its acks then unsent
        (``stopped_by="interrupted"``). A signal the application already handles on the
        event loop is left to it, and the handlers found are put back afterwards.
        """
        runtime = AsyncRuntime(stop_from_threads=True)
        loop = _RunLoop(
            runtime,
            ack_every,
            ack_interval,
            poll_interval,
            max_poll_interval,
            inbox_retention,
            on_commit,
        )
        loop.applier = self._applier_for(tenant_id)
        try:
            with self._runs_lock:
                self._async_runtimes.append(runtime)  # first: a stop() from now on reaches it
                if not self._sync_runs and self._runtime.stopped:  # asked before this run
                    runtime.request_stop_threadsafe(self._runtime.stop_reason)
                    self._runtime.reset()
            await async_run.drain(
                self,
                client,
                loop,
                runtime,
                tenant_id=tenant_id,
                schema=schema,
                driver=driver,
                max_tasks=max_tasks,
                stop_when_empty=stop_when_empty,
                handle_signals=handle_signals,
            )
            return loop.finish()
        finally:
            with self._runs_lock, contextlib.suppress(ValueError):  # never registered
                self._async_runtimes.remove(runtime)

    def _prune_inbox(self, retention: float | None) -> int:
        """Prune task records older than ``retention`` seconds for a run; how many went.
        A failure is logged, not raised: the run goes on, and tries again later."""
        older = retention_period(retention)
        if older is None:
            return 0
        try:
            return prune(self.engine, inbox_older_than=older)["inbox"]
        except sa.exc.SQLAlchemyError as exc:
            log.warning("pruning the mirror's task records failed (%s)", type(exc).__name__)
            return 0

    # -- reading ---------------------------------------------------------------------------
    def get(self, tenant_id: str, object_type: str, object_id: str) -> StoredObject | None:
        """One stored object (a tombstone too), or None. Ids are matched as the mirror
        stores them: a UUID in any spelling finds the object (tasks' ids are stored in
        the canonical form, lower case with hyphens)."""
        o = t.objects
        with reading(self.engine) as connection:
            row = connection.execute(
                sa.select(o).where(
                    o.c.tenant_id == canonical_id(tenant_id),
                    o.c.object_type == object_type_of(object_type),
                    o.c.object_id == canonical_id(object_id),
                )
            ).first()
        return None if row is None else _stored(row)

    def objects(
        self,
        object_type: str,
        *,
        tenant_id: str | None = None,
        include_deleted: bool = False,
    ) -> Iterator[StoredObject]:
        """The stored objects of a type (of one tenant, or all), live ones unless asked."""
        o = t.objects
        query = sa.select(o).where(o.c.object_type == object_type_of(object_type))
        if tenant_id is not None:
            query = query.where(o.c.tenant_id == canonical_id(tenant_id))
        if not include_deleted:
            query = query.where(o.c.deleted.is_(False))
        with reading(self.engine) as connection:
            rows = connection.execute(query.order_by(o.c.object_id)).all()
        for row in rows:
            yield _stored(row)

    def tenants(self) -> list[str]:
        """The tenants the mirror holds objects of."""
        with reading(self.engine) as connection:
            return sorted(connection.scalars(sa.select(t.objects.c.tenant_id).distinct()))

    def changes(self, since: int = 0, *, limit: int = 1000) -> list[Change]:
        """The change feed after ``since`` (a ``Change.cursor``; 0: from the start), in order.

        Keep the last cursor you processed and pass it back: each change comes once.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            # (SQLite reads a negative limit as none; PostgreSQL refuses it)
            raise ValueError(f"limit must be a whole number, at least 1, not {limit!r}")
        c = t.changes
        query = sa.select(c).where(c.c.cursor > since).order_by(c.c.cursor).limit(limit)
        with reading(self.engine) as connection:
            if connection.dialect.name == "postgresql":
                # Wait until no write transaction is in flight: tenants' writers run side
                # by side, and one that began earlier may commit a smaller cursor than
                # one already committed.
                with connection.begin():
                    lock_between_writes(connection)
                    rows = connection.execute(query).all()
            else:
                rows = connection.execute(query).all()
        return _records(Change, rows, cursor=int)

    def status(self) -> dict[str, Any]:
        """Counts for a dashboard: live and deleted objects per type, parked tasks, held
        sweeps, tasks recorded, the last change's cursor (the greatest ever given, even
        once pruned: 0 before the first change)."""
        o = t.objects
        with reading(self.engine) as connection:
            per_type: dict[str, dict[str, int]] = {}
            for row in connection.execute(
                sa.select(o.c.object_type, o.c.deleted, sa.func.count()).group_by(
                    o.c.object_type, o.c.deleted
                )
            ):
                entry = per_type.setdefault(row[0], {"live": 0, "deleted": 0})
                entry["deleted" if row[1] else "live"] += int(row[2])
            parked = connection.scalar(
                sa.select(sa.func.count()).where(t.parked.c.replayed_at.is_(None))
            )
            held = connection.scalar(sa.select(sa.func.count()).where(t.syncs.c.status == "held"))
            recorded = connection.scalar(sa.select(sa.func.count()).select_from(t.inbox))
            cursor = _last_cursor(connection)
        return {
            "objects": per_type,
            "parked": int(parked or 0),
            "held_sweeps": int(held or 0),
            "tasks_recorded": int(recorded or 0),
            "last_cursor": int(cursor or 0),
        }

    def prune(
        self,
        *,
        inbox_older_than: datetime.timedelta | None = None,
        changes_through: int | None = None,
    ) -> dict[str, int]:
        """Remove old bookkeeping; returns how many rows went from each table.

        ``inbox_older_than``: task records older than that (a task delivered again after
        its record is gone is guarded by its sequence alone, so keep far more than the
        service's redelivery timeout: days, not minutes). ``changes_through``: the
        change feed up to and including that cursor (once every consumer has read it).
        """
        return prune(
            self.engine, inbox_older_than=inbox_older_than, changes_through=changes_through
        )

    # -- failures ----------------------------------------------------------------------------
    def parked(self, *, include_replayed: bool = False) -> list[ParkedTask]:
        """The dead-letter table: tasks that failed for good or too often."""
        p = t.parked
        query = sa.select(p).order_by(p.c.parked_at, p.c.task_id)
        if not include_replayed:
            query = query.where(p.c.replayed_at.is_(None))
        with reading(self.engine) as connection:
            rows = connection.execute(query).all()
        return _records(ParkedTask, rows, raw=_parked_raw)

    def replay(self, task_id: str) -> TaskOutcome:
        """Apply a parked task again (after fixing what failed it); KeyError if it is not
        parked, or was replayed already (``parked()`` lists the ones to replay).

        It is applied with the usual guards (an older event never overwrites a newer
        one); a failure parks it again. Its ack was sent when it was parked (``error``):
        a replay changes only the mirror.
        """
        p = t.parked
        task_id = record_id(task_id)  # the id in any spelling, or as parked() lists it
        with reading(self.engine) as connection:
            row = connection.execute(
                sa.select(p.c.raw, p.c.tenant_id).where(
                    p.c.task_id == task_id, p.c.replayed_at.is_(None)
                )
            ).first()
        if row is None or row.raw is None:
            raise KeyError(f"no parked task {task_id!r} awaiting a replay")
        raw = _parked_raw(row.raw)
        view = TaskView.from_raw(raw)
        if isinstance(raw, dict):
            fixed = {}
            if view.id is None or record_id(view.id) != task_id:
                fixed["id"] = task_id
            if not view.tenant_id and _whole(row.tenant_id, p.c.tenant_id):
                # parked under the tenant it was applied for (a run's default tenant, or a
                # fleet lease's): replayed there, not under "" by a mirror opened without
                # one (unless the record cut it short, or lost a character of it)
                fixed["tenant_id"] = row.tenant_id
            if fixed:
                view = TaskView.from_raw({**raw, **fixed})
        return self._applier.replay(view)

    # -- full syncs --------------------------------------------------------------------------
    def syncs(self, *, status: str | None = None) -> list[Sync]:
        """Full syncs (generations), newest first; ``status="held"``: sweeps awaiting approval."""
        s = t.syncs
        query = sa.select(s).order_by(s.c.generation.desc())
        if status is not None:
            query = query.where(s.c.status == status)
        with reading(self.engine) as connection:
            rows = connection.execute(query).all()
        return _records(Sync, rows, types=lambda types: list(types or []))

    def held_sweep(self, generation: int) -> dict[str, tuple[int, int]]:
        """What the held sweep of ``generation`` would tombstone if approved now, by type:
        ``(to tombstone, live)``, for the types it would touch. ValueError if the sweep
        is not held."""
        with reading(self.engine) as connection:
            row = self._held(connection, generation)
            live, doomed = sweep_counts(
                connection,
                row.tenant_id,
                list(row.types or []),
                generation,
                row.end_sequence,
                topic_scope(row.topic)[1],
            )
        return {kind: (count, live.get(kind, 0)) for kind, count in sorted(doomed.items())}

    def approve_sweep(self, generation: int) -> int:
        """Carry out a held sweep; returns how many objects it tombstoned.

        Objects written by a task after that sync ended are spared, and so are those a
        later full sync or snapshot saw. ValueError if the sweep is not held.
        """
        with self.engine.begin() as connection:
            self._lock_sync(connection, generation)
            row = self._held(connection, generation)
            swept = self._applier.sweep(
                Writes(connection),
                row.tenant_id,
                generation,
                list(row.types or []),
                row.end_sequence,
                topic_scope(row.topic)[1],
            )
            connection.execute(
                sa.update(t.syncs)
                .where(t.syncs.c.generation == generation)
                .values(status="approved", swept=swept)
            )
        return swept

    def reject_sweep(self, generation: int) -> None:
        """Drop a held sweep: nothing is tombstoned. ValueError if it is not held."""
        with self.engine.begin() as connection:
            self._lock_sync(connection, generation)
            self._held(connection, generation)
            connection.execute(
                sa.update(t.syncs)
                .where(t.syncs.c.generation == generation)
                .values(status="rejected", swept=0)
            )

    @staticmethod
    def _lock_sync(connection: sa.Connection, generation: int) -> None:
        """Take the writer lock of the tenant of a sync (the database's if it is unknown)."""
        tenant = connection.scalar(
            sa.select(t.syncs.c.tenant_id).where(t.syncs.c.generation == generation)
        )
        if tenant is None:
            lock(connection)
        else:
            lock_tenants(connection, [tenant])

    @staticmethod
    def _held(connection: sa.Connection, generation: int) -> sa.Row[Any]:
        row = connection.execute(
            sa.select(t.syncs).where(t.syncs.c.generation == generation)
        ).first()
        if row is None or row.status != "held":
            state = "unknown" if row is None else row.status
            raise ValueError(f"sync {generation} has no held sweep (it is {state})")
        return row

    # -- snapshot and verify ---------------------------------------------------------------
    def snapshot(self, client: KimonoClient, *, tenant_id: str) -> Sync:
        """Seed (or re-seed) a tenant from the REST lists, as a full sync would.

        ``client`` must read that tenant's roster. Every listed object is stored (a
        tombstoned one comes back); at the end, live objects of the listed types that
        the lists did not hold are swept, under the same threshold as a full sync (a
        larger sweep is held). Objects keep the sequence of the last task that wrote
        them, so a queued task older than that is still refused.

        Tasks applied while the lists are read (a run of the same mirror) win: an object
        a task wrote meanwhile is neither overwritten by the lists, which may have been
        read before that change, nor swept because they lack it.
        """
        tenant_id = canonical_id(tenant_id)  # as tasks name it
        _check_tenant(client, tenant_id)
        before = self._writes_of(tenant_id, list(_COLLECTIONS))
        lists = _rest_lists(client)
        applier = self._applier
        with self.engine.begin() as connection:
            lock_tenants(connection, [tenant_id])
            generation = applier.open_sync(connection, tenant_id, "snapshot", None)
            writes = Writes(connection)
            o = t.objects
            for object_type, items in lists.items():
                stored = {
                    row.object_id: row
                    for row in connection.execute(
                        sa.select(
                            o.c.object_id, o.c.data, o.c.deleted, o.c.sequence, o.c.updated_at
                        ).where(o.c.tenant_id == tenant_id, o.c.object_type == object_type)
                    )
                }
                # written since the lists began to be read: kept as they are, and seen
                # (a sweep would otherwise take what a task just added)
                kept = {
                    object_id
                    for object_id, row in stored.items()
                    if before.get((object_type, object_id)) != _written(row)
                }
                for object_id in kept:
                    key = (tenant_id, object_type, object_id)
                    writes.write_object(key, {"generation": generation}, exists=True)
                for object_id, data in items.items():
                    if object_id in kept:
                        continue
                    key = (tenant_id, object_type, object_id)
                    row = stored.get(object_id)
                    if row is not None and not row.deleted and row.data == data:
                        writes.write_object(key, {"generation": generation}, exists=True)
                        continue
                    values = {
                        "data": data,
                        "deleted": False,
                        "generation": generation,
                        "updated_at": now(),
                    }
                    typed = person_type(data)
                    if typed is not None:  # (naming none, it keeps the type stored, as a task)
                        values["person_type"] = typed
                    writes.write_object(key, values, exists=row is not None)
                    writes.set_links(key, references(data))
                    applier.changed(writes, key, "upsert", None, None, None, generation)
            writes.flush()
            applier.end_sync(writes, tenant_id, generation, None, types=list(lists))
        return next(s for s in self.syncs() if s.generation == generation)

    def _writes_of(
        self, tenant_id: str, object_types: list[str]
    ) -> dict[tuple[str, str], tuple[Any, ...]]:
        """The last write of each stored object of a tenant's types (see ``_written``)."""
        o = t.objects
        query = sa.select(
            o.c.object_type, o.c.object_id, o.c.deleted, o.c.sequence, o.c.updated_at
        ).where(o.c.tenant_id == tenant_id, o.c.object_type.in_(object_types))
        with reading(self.engine) as connection, connection.begin():
            rows = connection.execute(query)
            return {(row.object_type, row.object_id): _written(row) for row in rows}

    def _categories_listed(
        self, client: KimonoClient, tenant_id: str
    ) -> dict[str, dict[str, Any]] | None:
        """The tenant's grading categories as the Grades API lists them, when the mirror
        holds any of its (tasks of that topic come); else None. No sync is known to send
        them, so a mirror without any is not one that lost them; a listing the
        credentials may not read (403, 404) leaves them uncompared, as before."""
        o = t.objects
        with reading(self.engine) as connection:
            held = connection.scalar(
                sa.select(o.c.object_id)
                .where(o.c.tenant_id == tenant_id, o.c.object_type == _CATEGORIES)
                .limit(1)
            )
        if held is None:
            return None
        try:
            return _listed(client.grades.categories.list(page_size=2000))
        except (PermissionDeniedError, NotFoundError) as exc:
            log.warning("verify left the grading categories uncompared: %s", exc)
            return None

    def verify(self, client: KimonoClient, *, tenant_id: str) -> VerifyReport:
        """Compare a tenant's live objects with a fresh REST snapshot; report every difference."""
        tenant_id = canonical_id(tenant_id)  # as tasks name it
        _check_tenant(client, tenant_id)
        lists = _rest_lists(client)
        categories = self._categories_listed(client, tenant_id)
        if categories is not None:
            lists[_CATEGORIES] = categories
        report = VerifyReport(tenant_id)
        for object_type, items in lists.items():
            mine = {
                stored.object_id: stored.data
                for stored in self.objects(object_type, tenant_id=tenant_id)
            }
            report.compared[object_type] = len(set(mine) | set(items))
            for object_id in sorted(set(items) - set(mine)):
                report.differences.append(Difference(object_type, object_id, "missing"))
            for object_id in sorted(set(mine) - set(items)):
                report.differences.append(Difference(object_type, object_id, "extra"))
            for object_id in sorted(set(mine) & set(items)):
                theirs, ours = items[object_id], mine[object_id] or {}
                fields = tuple(
                    sorted(
                        key
                        for key in set(theirs) | set(ours)
                        if (key in theirs) != (key in ours) or not same_json(theirs[key], ours[key])
                    )
                )
                if fields:
                    report.differences.append(
                        Difference(object_type, object_id, "different", fields)
                    )
        o = t.objects
        others = (
            sa.select(o.c.object_type, sa.func.count())
            .where(
                o.c.tenant_id == tenant_id,
                o.c.deleted == sa.false(),
                o.c.object_type.not_in(list(lists)),
            )
            .group_by(o.c.object_type)
            .order_by(o.c.object_type)
        )
        with reading(self.engine) as connection:
            report.uncompared = {row[0]: row[1] for row in connection.execute(others)}
        return report


class _RunLoop:
    """The bookkeeping of a run: its counts, waits and acks (the loop itself is
    ``_async/mirror_run.py``); ``runtime`` says when it was asked to stop."""

    def __init__(
        self,
        runtime: Runtime | AsyncRuntime,
        ack_every: int,
        ack_interval: float,
        poll_interval: float,
        max_poll_interval: float,
        inbox_retention: float | None,
        on_commit: OnCommit | None = None,
    ) -> None:
        if ack_every < 1 or ack_interval <= 0:
            raise ValueError("ack_every must be at least 1 and ack_interval positive")
        if inbox_retention is not None and inbox_retention <= 0:
            raise ValueError("inbox_retention must be positive (or None: keep every record)")
        for name, value in {
            "ack_interval": ack_interval,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
            "inbox_retention": 1.0 if inbox_retention is None else inbox_retention,
        }.items():
            validate_positive(value, name)
        self.runtime = runtime
        #: What applies the run's chunks (the mirror's, or a copy with the run's tenant).
        self.applier: Applier | None = None
        self.ack_every = ack_every
        self.ack_interval = ack_interval
        self.on_commit = on_commit
        self.inbox_retention = inbox_retention
        self.prune_interval = (
            0.0 if inbox_retention is None else inbox_prune_interval(inbox_retention)
        )
        self.pruned_at: float | None = None
        self.stats = MirrorStats()
        self.unackable = UnackableSeen()
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.delay = poll_interval
        self.wait = poll_interval

    def running(self, max_tasks: int | None) -> bool:
        if self.runtime.stopped:
            return False
        if max_tasks is not None and self.stats.received >= max_tasks:
            self.stats.stopped_by = "max_tasks"
            return False
        return True

    def prune_due(self) -> bool:
        """Whether to prune the task records now: at the start, then every interval."""
        if self.inbox_retention is None:
            return False
        return self.pruned_at is None or time.monotonic() - self.pruned_at >= self.prune_interval

    def pruned(self, removed: int) -> None:
        self.pruned_at = time.monotonic()
        self.stats.inbox_pruned += removed

    def db_outage(self, exc: sa.exc.DBAPIError) -> float:
        """How long to wait after the database failed a chunk (raised again unless the
        failure is the database's, not the statement's)."""
        if not is_transient_db_error(exc):
            raise exc
        self.stats.db_errors += 1
        return self._backoff("applying a chunk failed in the database", first_line(exc))

    def outage(self, what: str, exc: KimonoError, retry: RetryPolicy) -> float:
        """How long to wait after a failed request (raised again unless transient): the
        backoff, or longer if the answer asked for it (``Retry-After``, cut to ``retry``'s
        ``max_retry_after``)."""
        if not is_transient(exc):
            raise exc
        self.stats.outages += 1
        return self._backoff(f"{what} failed", str(exc), requested_wait(exc, retry))

    def _backoff(self, what: str, why: str, asked: float | None = None) -> float:
        """Log a failure and the wait before trying again; the wait (jittered, doubling
        up to ``max_poll_interval`` until something succeeds; ``asked`` at least)."""
        ceiling = self.wait
        self.wait = min(ceiling * 2, self.max_poll_interval)
        wait = random.uniform(ceiling / 2, ceiling)
        if asked is not None and asked > wait:
            wait = asked
        log.warning("%s (%s); trying again in %.1f s", what, why, wait)
        return wait

    def idle(self) -> float:
        """How long to wait after an empty batch."""
        delay = self.delay
        self.delay = min(delay * 2, self.max_poll_interval)
        return random.uniform(delay / 2, delay)

    def take(self, batch: Sequence[TaskView], max_tasks: int | None) -> list[TaskView]:
        """The tasks of a batch to apply (those with an id, up to ``max_tasks``)."""
        self.wait = self.poll_interval
        stats = self.stats
        tasks = [task for task in batch if task.id is not None]
        # an item without an id is delivered again and again: counted and logged once
        self.unackable.batch()
        new = sum(1 for task in batch if task.id is None and self.unackable.first(task.raw))
        if new:
            stats.unackable += new
            log.error(
                "the batch holds %d task(s) without an id: they cannot be acknowledged, "
                "and Kimono withholds the tenant's later tasks until they are removed",
                new,
            )
        if tasks:
            self.delay = self.poll_interval
            stats.batches += 1
            if max_tasks is not None:
                tasks = tasks[: max_tasks - stats.received]
            stats.received += len(tasks)
        return tasks

    def committed(self, result: ChunkResult) -> list[dict[str, Any]]:
        """Count a committed chunk; the acks to send for it."""
        stats = self.stats
        stats.commits += 1
        stats.held_sweeps.extend(result.held_sweeps)
        for outcome in result.outcomes:
            stats.count(outcome)
        if self.on_commit is not None:
            self.on_commit(result.outcomes)
        self.wait = self.poll_interval
        return [outcome.ack() for outcome in result.outcomes]

    def acknowledged(self, result: AckResult) -> None:
        self.stats.acknowledged += len(result.acknowledged)
        self.stats.ack_failures.update(result.failed)

    def finish(self) -> MirrorStats:
        reason = self.runtime.stop_reason
        if reason == "interrupted" or not self.stats.stopped_by:
            self.stats.stopped_by = reason or "stop()"
        return self.stats


#: The object types the REST lists give, which a snapshot stores and verify compares.
_COLLECTIONS = ("orgs", "terms", "courses", "sections", "persons")
#: The grading categories' type, which verify compares when the mirror holds some.
_CATEGORIES = "grading_categories"


def _last_cursor(connection: sa.Connection) -> int:
    """The greatest cursor the change feed holds or, all pruned, ever gave (0: none).

    The feed never gives a cursor twice (SQLite's ``sqlite_sequence``, PostgreSQL's
    sequence), so a feed emptied by ``prune`` goes on from where it was, and so does this.
    On PostgreSQL a sequence also counts a cursor taken by a transaction rolled back:
    there is no change at it, and none will be.
    """
    cursor = connection.scalar(sa.select(sa.func.max(t.changes.c.cursor)))
    if cursor is not None:
        return int(cursor)
    if connection.dialect.name == "postgresql":
        try:
            with connection.begin_nested():  # a role that may read the tables, not the sequence
                name = connection.exec_driver_sql(
                    "SELECT pg_get_serial_sequence('mirror_changes', 'cursor')"
                ).scalar()
                if name is None:
                    return 0
                row = connection.exec_driver_sql(
                    f"SELECT last_value, is_called FROM {name}"
                ).first()
        except sa.exc.ProgrammingError:  # (insufficient privilege: 0, as before)
            return 0
        return int(row[0]) if row is not None and row[1] else 0
    given = connection.exec_driver_sql(
        "SELECT seq FROM sqlite_sequence WHERE name = 'mirror_changes'"
    ).scalar()
    return int(given or 0)


def _whole(text: str | None, column: sa.Column[Any]) -> bool:
    """Whether ``text``, read from ``column``, is as it was written: not empty, shorter
    than the column (not cut to fit it), with no U+FFFD (what a store could not hold)."""
    if not text:
        return False
    length = getattr(column.type, "length", None)
    return (length is None or len(text) < length) and "\ufffd" not in text


def same_json(a: Any, b: Any) -> bool:
    """Whether two JSON values are the same: ``true`` is not ``1`` (Python's ``==`` says it
    is), while numbers compare by value (PostgreSQL's JSONB writes ``9.0`` as ``9``)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return False
    return bool(a == b)


def _check_tenant(client: KimonoClient, tenant_id: str) -> None:
    """Refuse ``tenant_id`` if the client's credentials act as another tenant (``GET
    /tenant``): its lists would be stored, and swept, as that tenant's roster. Credentials
    the service ties to no one tenant (404, 403) are taken as they are."""
    try:
        current = client.tenants.current().id
    except (NotFoundError, PermissionDeniedError):
        return
    if current and canonical_id(str(current)) != tenant_id:
        raise ValueError(
            f"tenant {tenant_id} is not the one these credentials act as ({current}): "
            "its roster would be stored as another tenant's; use that tenant's credentials"
        )


def _written(row: Any) -> tuple[Any, ...]:
    """What changes in a stored object whenever something writes it (its data, or that
    it is deleted): a snapshot's generation stamp alone leaves it as it is."""
    return (row.deleted, row.sequence, row.updated_at)


def _rest_lists(client: KimonoClient) -> dict[str, dict[str, dict[str, Any]]]:
    """Every object of the synced collections, by type and id, as the REST lists give them."""
    rostering = client.rostering
    pagers: dict[str, Any] = {
        name: getattr(rostering, name).list(page_size=2000) for name in _COLLECTIONS
    }
    return {object_type: _listed(pager) for object_type, pager in pagers.items()}


def _listed(pager: Any) -> dict[str, dict[str, Any]]:
    """A list's objects by id, as the REST list gives them (those without an id left out)."""
    items: dict[str, dict[str, Any]] = {}
    for item in pager.as_dicts():
        object_id = _object_id(item)
        if object_id is not None:
            items[object_id] = item
    return items


def _object_id(item: Mapping[str, Any]) -> str | None:
    from .._references import ref_id

    return ref_id(item)


def retention_period(seconds: float | None) -> datetime.timedelta | None:
    """A retention in seconds as a period; None for None or one past any date."""
    if seconds is None:
        return None
    try:
        return datetime.timedelta(seconds=seconds)
    except OverflowError:
        return None


def inbox_prune_interval(retention: float) -> float:
    """How often a long run prunes task records kept ``retention`` seconds."""
    return min(INBOX_PRUNE_INTERVAL, retention / 2)


def prune(
    engine: sa.Engine,
    *,
    inbox_older_than: datetime.timedelta | None = None,
    changes_through: int | None = None,
    stopping: Callable[[], bool] | None = None,
) -> dict[str, int]:
    """:meth:`Mirror.prune` on a mirror's engine (a fleet worker prunes the inbox so;
    ``stopping()`` true ends the task records' prune between two transactions).

    Task records go oldest first, ``PRUNE_BATCH`` to a transaction, through the index on
    their time, and without the database-wide lock: no writer waits for them. The change
    feed's rows go under that lock (exclusive), since a reader's cursor must never move
    past a change still being written.
    """
    removed = {"inbox": 0, "changes": 0}
    cutoff: datetime.datetime | None = None
    if inbox_older_than is not None:
        try:
            cutoff = now() - inbox_older_than
        except OverflowError:  # older than the calendar: no record is
            cutoff = None
    if cutoff is not None:
        oldest = (
            sa.select(t.inbox.c.task_id)
            .where(t.inbox.c.recorded_at < cutoff)
            .order_by(t.inbox.c.recorded_at)
            .limit(PRUNE_BATCH)
        )
        while stopping is None or not stopping():
            with engine.begin() as connection:
                count = connection.execute(
                    sa.delete(t.inbox).where(t.inbox.c.task_id.in_(oldest.scalar_subquery()))
                ).rowcount
            removed["inbox"] += count
            if count < PRUNE_BATCH:
                break
    if changes_through is not None:
        with engine.begin() as connection:
            lock(connection)
            removed["changes"] = connection.execute(
                sa.delete(t.changes).where(t.changes.c.cursor <= changes_through)
            ).rowcount
    return removed


def _must_exist(url: str) -> bool:
    """NoMirror if ``url`` names a SQLite file that is not there, is no database, holds
    no mirror or one at another revision: read without changing it (the mirror's engine
    would create the file, or put it in WAL mode). False: not a SQLite file, unchecked."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return False
    database = parsed.database
    if sa.util.asbool(parsed.query.get("uri", False)) and database.startswith("file:"):
        # A SQLite URI: SQLite reads it (escapes, host, parameters) as the engine will,
        # made read-only.
        if "?" in database or "#" in database:  # escaped in the URL: SQLite would read
            # them as the start of its parameters or fragment, and drop mode=ro
            raise NoMirror(f"cannot read {shown(database)} without changing it: give its path")
        if (
            parsed.query.get("mode", "ro") not in ("ro", "rw", "rwc")
            or "vfs" in parsed.query
            or database.startswith("file::memory:")
        ):
            # not the file read here (mode=memory: an empty database; a VFS of its own):
            # the engine's own check finds what it opens
            return False
        params = {k: v for k, v in parsed.query.items() if k not in ("uri", "mode")}
        target = f"{database}?{urlencode({**params, 'mode': 'ro'}, doseq=True)}"
        where, a_file = database, False  # (whether a file is there, its URI does not say)
    else:
        path = Path(database)
        if path.is_dir():
            raise NoMirror(f"no mirror at {shown(path)}: it is a directory, not a file")
        if not path.is_file():
            raise NoMirror(f"no mirror at {shown(path)}: the file does not exist")
        target, where, a_file = f"{path.resolve().as_uri()}?mode=ro", str(path), True
    try:
        with contextlib.closing(sqlite3.connect(target, uri=True)) as file:
            found = file.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (MIRROR.version_table,),
            ).fetchone()
            rows = file.execute(f"SELECT version_num FROM {MIRROR.version_table}") if found else []
            revision = next((row[0] for row in rows), None)
            tables = file.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                (MIRROR.first_table,),
            ).fetchone()
    except sqlite3.OperationalError as exc:
        if not a_file or "unable to open" not in str(exc):
            raise NoMirror(f"no mirror in {shown(where)}: {exc}") from exc
        # (a file there, which SQLite cannot open: not a mirror missing)
        raise PermissionError(
            f"cannot read {shown(where)}: {exc}; check that this user may read the file and "
            "its directory (a mirror in WAL mode also needs its -shm file, or a directory "
            "it may write to, even to be read)"
        ) from exc
    except sqlite3.Error as exc:
        raise NoMirror(f"no mirror in {shown(where)}: {exc}") from exc
    if revision is None and tables:
        raise not_recorded(MIRROR, shown(where))
    _must_be(revision, where)
    return True


def _must_be_current(engine: sa.Engine, url: str) -> None:
    """NoMirror unless the database holds a mirror at the newest schema."""
    with reading(engine) as connection:
        revision = MIRROR.current(connection)
        if revision is None and sa.inspect(connection).has_table(MIRROR.first_table):
            raise not_recorded(MIRROR, shown(url))
    _must_be(revision, shown(url))


def _must_be(revision: str | None, where: str) -> None:
    if revision is None:
        raise NoMirror(f"no mirror in {shown(where)}: it has no {MIRROR.version_table} table")
    must_know(revision, MIRROR, shown(where))
    if revision != head():
        raise NoMirror(
            f"the mirror in {shown(where)} is at schema revision {revision}, this version uses "
            f"{head()}: open it once to upgrade it (Mirror.open, or `mirror run`)"
        )


def _parked_raw(raw: Any) -> Any:
    """A parked task as received: one the store could not hold as JSON is kept as its
    JSON text (see ``Applier._park``)."""
    if isinstance(raw, str):
        with contextlib.suppress(ValueError):
            return json_loads(raw)
    return raw


def _records(
    kind: type[_Record], rows: Iterable[sa.Row[Any]], **convert: Callable[[Any], Any]
) -> list[_Record]:
    """Rows as ``kind`` dataclasses: each field from the column of its name, through
    ``convert[field]`` where one is given (a SQLite integer to a bool, say)."""
    names = [f.name for f in dataclasses.fields(kind)]  # type: ignore[arg-type]
    records = []
    for row in rows:
        values = row._mapping
        fields = {name: values[name] for name in names}
        for name, converter in convert.items():
            fields[name] = converter(fields[name])
        records.append(kind(**fields))
    return records


def _stored(row: sa.Row[Any]) -> StoredObject:
    return _records(StoredObject, [row], deleted=bool)[0]
