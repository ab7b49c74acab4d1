"""Mirror.run against the sandbox on both stores: drain, acks after commit, duplicates, faults,
snapshot and verify."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import datetime
import math
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import sqlalchemy as sa

from kimono_interop import AsyncKimonoClient, BearerToken, KimonoClient, RetryPolicy
from kimono_interop.fleet import Worker
from kimono_interop.mirror import Mirror, TaskOutcome
from kimono_interop.sandbox import Sandbox

from .builders import data_task, sync_task

#: For the snapshot and verify tests: a sandbox whose queue is not read.
SANDBOX = {"students": 20, "seed": 11, "initial_sync": False}


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """A sandbox of its own (its queue is drained by the test)."""
    with Sandbox(students=20, seed=5, ack_timeout=1.0) as running:
        yield running


def _tenant(sandbox: Sandbox) -> str:
    return next(iter(sandbox.state.tenants))


def _inject(sandbox: Sandbox) -> None:
    """An update, a delete and an add, as the district makes them after the initial sync."""
    roster = sandbox.state.roster
    persons = list(roster.persons.values())
    changed = {**persons[0], "email": "changed@example.edu"}
    sandbox.state.inject("UPDATE", "persons", changed, {"email": persons[0]["email"]})
    sandbox.state.inject("DELETE", "persons", persons[1])
    added = {
        **persons[2],
        "$sys": {**persons[2]["$sys"], "id": "0d7f9e1e-8a51-4c33-9a4c-6f0e1d2c3b4a"},
    }
    sandbox.state.inject("ADD", "persons", added)


def _changes_per_task(mirror: Mirror) -> collections.Counter[str]:
    with mirror.engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT task_id FROM mirror_changes WHERE task_id IS NOT NULL")
        ).scalars()
        return collections.Counter(rows)


def _data_tasks(sandbox: Sandbox) -> set[str]:
    return {
        ack.task_id
        for ack in sandbox.state.queue.acks
        if sandbox.state.queue._index[ack.task_id].body.get("type") == "data_event"
    }


def test_run_drains_the_queue_into_a_mirror_equal_to_the_rest_snapshot(
    fresh: Sandbox, store_url: str
) -> None:
    _inject(fresh)
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True, ack_every=40)
        assert stats.stopped_by == "empty"
        assert stats.parked == stats.retried == stats.unackable == 0
        assert stats.acknowledged == stats.received == len(fresh.state.queue.acks)
        assert stats.ignored == 3  # two grades queries and an authentication request
        assert stats.commits >= stats.batches
        report = mirror.verify(kimono, tenant_id=_tenant(fresh))
        assert report.ok, report.differences
        assert report.compared["persons"] == len(fresh.state.roster.persons)
        # every data task's effect once, and nothing else
        assert set(_changes_per_task(mirror).values()) == {1}
        assert set(_changes_per_task(mirror)) == _data_tasks(fresh)
        assert mirror.status()["objects"]["persons"]["deleted"] == 1
    assert {ack.status for ack in fresh.state.queue.acks} == {"success"}


def _age_records(mirror: Mirror, count: int, days: int) -> int:
    """Make ``count`` task records ``days`` old; how many records there are."""
    inbox = sa.table("mirror_inbox", sa.column("task_id"), sa.column("recorded_at"))
    with mirror.engine.begin() as connection:
        ids = connection.scalars(
            sa.select(inbox.c.task_id).order_by(inbox.c.task_id).limit(count)
        ).all()
        old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
        connection.execute(sa.update(inbox).where(inbox.c.task_id.in_(ids)).values(recorded_at=old))
        return int(connection.scalar(sa.select(sa.func.count()).select_from(inbox)) or 0)


def test_a_run_prunes_task_records_past_their_retention(fresh: Sandbox, store_url: str) -> None:
    """A mirror run for months would keep a record of every task: a run deletes those
    older than ``inbox_retention`` (a week by default) when it starts, then hourly."""
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        first = mirror.run(kimono, stop_when_empty=True)
        assert first.inbox_pruned == 0 and first.received > 20
        recorded = _age_records(mirror, 7, days=3)
        # records 3 days old are within the default week, and None keeps every record
        assert mirror.run(kimono, stop_when_empty=True).inbox_pruned == 0
        assert mirror.run(kimono, stop_when_empty=True, inbox_retention=None).inbox_pruned == 0
        later = mirror.run(kimono, stop_when_empty=True, inbox_retention=2 * 86400.0)
        assert later.inbox_pruned == 7
        assert mirror.status()["tasks_recorded"] == recorded - 7
        with pytest.raises(ValueError, match="inbox_retention"):
            mirror.run(kimono, stop_when_empty=True, inbox_retention=0)


@pytest.mark.anyio
async def test_run_async_prunes_task_records_too(fresh: Sandbox, store_url: str) -> None:
    async with AsyncKimonoClient(**fresh.credentials) as kimono:
        with Mirror.open(store_url) as mirror:
            await mirror.run_async(kimono, stop_when_empty=True)
            recorded = _age_records(mirror, 5, days=10)
            stats = await mirror.run_async(kimono, stop_when_empty=True)
            assert stats.inbox_pruned == 5
            assert mirror.status()["tasks_recorded"] == recorded - 5


def _logged(caplog: pytest.LogCaptureFixture, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in record.getMessage() for record in caplog.records):
        assert time.monotonic() < deadline, f"never logged: {text}"
        time.sleep(0.01)


def test_a_chunk_the_database_refuses_is_applied_once_it_can_be(
    fresh: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another writer holds the SQLite file past the busy timeout: the chunk fails, the run
    waits and applies it again instead of ending, and every task's effect lands once."""
    from kimono_interop.mirror import _store

    monkeypatch.setattr(_store, "SQLITE_BUSY_TIMEOUT", 0.2)
    path = tmp_path / "mirror.db"
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(path) as mirror:
        blocker = sqlite3.connect(path, isolation_level=None, timeout=0)
        blocker.execute("BEGIN IMMEDIATE")  # the write lock, as another process would hold it
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(
                mirror.run, kimono, stop_when_empty=True, poll_interval=0.05, max_poll_interval=0.2
            )
            try:
                _logged(caplog, "failed in the database")
            finally:
                blocker.execute("ROLLBACK")
                blocker.close()
            stats = running.result(timeout=60)
        assert stats.db_errors >= 1 and stats.stopped_by == "empty"
        assert stats.acknowledged == stats.received > 20
        assert mirror.verify(kimono, tenant_id=_tenant(fresh)).ok
        assert set(_changes_per_task(mirror).values()) == {1}
        assert set(_changes_per_task(mirror)) == _data_tasks(fresh)
    # the prune at the run's start met the lock too: logged, and the run went on
    _logged(caplog, "pruning the mirror's task records failed", timeout=0)


def test_a_chunk_committed_whose_answer_was_lost_is_acked_not_applied_again(
    fresh: Sandbox, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit went through but its answer never came (the connection dropped after
    COMMIT): the run applies the chunk again, finds every task recorded, and acknowledges
    them with their outcomes; no effect is applied twice."""
    from kimono_interop.mirror._apply import Applier

    real = Applier.apply
    calls = []

    def commit_then_fail(self: Applier, *args: Any, **kwargs: Any) -> Any:
        result = real(self, *args, **kwargs)
        calls.append(len(result.outcomes))
        if len(calls) == 1:
            raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return result

    monkeypatch.setattr(Applier, "apply", commit_then_fail)
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True, ack_every=25, poll_interval=0.01)
        assert stats.db_errors == 1 and stats.duplicates == calls[0] == 25
        assert stats.acknowledged == stats.received
        assert mirror.verify(kimono, tenant_id=_tenant(fresh)).ok
        assert set(_changes_per_task(mirror).values()) == {1}
        assert set(_changes_per_task(mirror)) == _data_tasks(fresh)


def test_only_the_databases_own_failures_are_waited_out() -> None:
    """A lost connection, a lock, a full disk: waited out. A missing table or a read-only
    file (SQLite says OperationalError for those too), or a broken constraint: raised."""
    from kimono_interop.mirror._store import is_transient_db_error

    def error(kind: type[sa.exc.DBAPIError], orig: Exception) -> sa.exc.DBAPIError:
        return kind("SELECT 1", {}, orig)

    assert is_transient_db_error(
        error(sa.exc.OperationalError, sqlite3.OperationalError("database is locked"))
    )
    assert is_transient_db_error(
        error(sa.exc.OperationalError, sqlite3.OperationalError("database or disk is full"))
    )
    assert not is_transient_db_error(
        error(sa.exc.OperationalError, sqlite3.OperationalError("no such table: mirror_objects"))
    )
    assert not is_transient_db_error(
        error(
            sa.exc.OperationalError,
            sqlite3.OperationalError("attempt to write a readonly database"),
        )
    )
    assert not is_transient_db_error(
        error(sa.exc.IntegrityError, sqlite3.IntegrityError("UNIQUE constraint failed"))
    )
    assert is_transient_db_error(error(sa.exc.OperationalError, Exception("connection refused")))
    assert not is_transient_db_error(ValueError("not a database error"))


def test_the_store_s_own_errors_are_told_from_a_task_s() -> None:
    """What every task would meet (a table missing, a read-only or corrupt file, a
    privilege refused, a standby) is the store's, raised; a value a store cannot bind or
    hold, or a broken constraint, is a task's. A corrupt SQLite file counted against
    each task in turn, which parked them all."""
    from kimono_interop.mirror._store import is_store_error, is_transient_db_error

    class Pg(Exception):
        def __init__(self, sqlstate: str) -> None:
            super().__init__(sqlstate)
            self.sqlstate = sqlstate

    def error(kind: type[sa.exc.DBAPIError], orig: Exception) -> sa.exc.DBAPIError:
        return kind("SELECT 1", {}, orig)

    for message in (
        "no such table: mirror_changes",
        "table mirror_objects has no column named person_type",
        "attempt to write a readonly database",
        "database disk image is malformed",
        "file is not a database",
    ):
        assert is_store_error(error(sa.exc.OperationalError, sqlite3.DatabaseError(message)))
    for state in ("42P01", "42703", "42501", "42883", "42704", "3F000"):
        assert is_store_error(error(sa.exc.ProgrammingError, Pg(state)))
    # a pooler's refusal (prepared statement exists), a failover's read-only moment: not
    # the store's (the second is the database's once pg_engine has dropped its connection)
    for state in ("42P05", "25006"):
        assert not is_store_error(error(sa.exc.ProgrammingError, Pg(state)))
        assert not is_transient_db_error(error(sa.exc.InternalError, Pg(state)))
    assert not is_store_error(
        error(sa.exc.InterfaceError, sqlite3.InterfaceError("Error binding parameter 7"))
    )
    assert not is_store_error(error(sa.exc.DataError, Pg("22P05")))  # a NUL in text
    assert not is_store_error(error(sa.exc.IntegrityError, Pg("23505")))
    assert not is_store_error(ValueError("not a database error"))


def test_a_long_run_prunes_again_each_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Task records are pruned when a run starts, then each hour (or half the retention,
    if shorter); a huge retention prunes nothing and fails nothing."""
    import types

    from kimono_interop.mirror import _mirror

    clock = [1000.0]
    monkeypatch.setattr(_mirror, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    with Mirror.open(tmp_path / "mirror.db") as mirror:
        loop = _mirror._RunLoop(mirror, 100, 10.0, 1.0, 30.0, 7 * 86400.0)
        assert loop.prune_due()
        loop.pruned(3)
        clock[0] += 3599
        assert not loop.prune_due()
        clock[0] += 1
        assert loop.prune_due() and loop.stats.inbox_pruned == 3
        short = _mirror._RunLoop(mirror, 100, 10.0, 1.0, 30.0, 600.0)
        short.pruned(0)
        clock[0] += 300
        assert short.prune_due()
        assert not _mirror._RunLoop(mirror, 100, 10.0, 1.0, 30.0, None).prune_due()
        assert mirror._prune_inbox(1e300) == 0 and mirror._prune_inbox(1e11) == 0


def test_a_run_waits_out_a_postgresql_server_that_went_away(
    fresh: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The PostgreSQL server stops (as for a restart or a failover) after the first
    commit: the run waits, applies the chunk in hand once the server is back, and every
    task's effect lands once."""
    from tests.support.postgres import Unavailable, controlled_cluster, skip_or_fail
    from tests.support.postgres import database as postgres_database

    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(controlled_cluster())
        except Unavailable as exc:
            skip_or_fail(str(exc))
        url = stack.enter_context(postgres_database(server.url))
        kimono = stack.enter_context(KimonoClient(**fresh.credentials))
        mirror = stack.enter_context(Mirror.open(url))
        stopped = threading.Event()

        def on_commit(outcomes: Sequence[TaskOutcome]) -> None:
            if not stopped.is_set():
                server.stop("fast")
                stopped.set()

        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(
                mirror.run,
                kimono,
                stop_when_empty=True,
                ack_every=10,
                poll_interval=0.05,
                max_poll_interval=0.2,
                on_commit=on_commit,
            )
            try:
                _logged(caplog, "failed in the database")
            finally:
                server.start()
            stats = running.result(timeout=60)
        assert stopped.is_set() and stats.db_errors >= 1 and stats.stopped_by == "empty"
        assert stats.acknowledged == stats.received > 20
        assert mirror.verify(kimono, tenant_id=_tenant(fresh)).ok
        assert set(_changes_per_task(mirror).values()) == {1}
        assert set(_changes_per_task(mirror)) == _data_tasks(fresh)


def test_acks_go_out_after_each_commit_in_chunks(fresh: Sandbox, store_url: str) -> None:
    seen: list[tuple[int, int]] = []

    def on_commit(outcomes: Sequence[TaskOutcome]) -> None:
        # committed, not yet acknowledged
        seen.append((len(outcomes), len(fresh.state.queue.acks)))

    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True, ack_every=25, on_commit=on_commit)
    assert all(size <= 25 for size, _ in seen)
    acked = 0
    for size, before in seen:
        assert before == acked  # the acks of earlier chunks only
        acked += size
    assert stats.commits == len(seen) and acked == stats.received


def test_a_slow_chunk_is_cut_by_ack_interval(fresh: Sandbox, store_url: str) -> None:
    def slow(connection: sa.Connection, change: Any) -> None:
        time.sleep(0.002)

    with (
        KimonoClient(**fresh.credentials) as kimono,
        Mirror.open(store_url, on_change=slow) as mirror,
    ):
        stats = mirror.run(kimono, stop_when_empty=True, max_tasks=100, ack_interval=0.05)
    assert stats.commits > 3  # a batch of 100 in several chunks, each under ~50 ms
    assert stats.acknowledged == 100


def test_max_tasks_asks_for_no_more_than_it_applies(fresh: Sandbox, store_url: str) -> None:
    """A run that may take 15 more tasks asks the service for 15: the service would hold
    the tenant's later tasks until its ack timeout behind any it handed out and got no
    ack for, and the next run would find the queue empty."""
    pending = fresh.state.queue.pending()
    assert pending > 40
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, max_tasks=15)
        assert (stats.stopped_by, stats.received, stats.acknowledged) == ("max_tasks", 15, 15)
        assert stats.batches == 1
        assert fresh.state.queue.pending() == pending - 15
    # nothing was handed out without an ack: the service holds nothing back
    assert len(fresh.state.queue.next_batch([_tenant(fresh)])) == min(100, pending - 15)


def test_max_tasks_never_asks_for_more_than_it_applies(store_url: str) -> None:
    """No more is asked for than max_tasks leaves, even behind an item without an id: a
    short batch of only that is asked for once more, then the queue is stalled behind
    it; tasks handed out past it would never be acknowledged."""
    from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_ids

    good = [make_task(n) for n in range(4)]
    queue = FakeQueue(good)
    queue.pending = [good[0], None, *good[1:]]  # type: ignore[list-item]
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, max_tasks=3, stop_when_empty=True)
    assert (stats.stopped_by, stats.received) == ("stalled", 2)
    assert [a["task_id"] for a in queue.acks] == task_ids(good[:2])
    assert queue.page_sizes == [3, 1, 1]


@pytest.mark.parametrize("withhold", [True, False])
def test_max_tasks_reports_an_item_without_an_id_once(store_url: str, withhold: bool) -> None:
    """The short batch's item without an id is counted once: held back behind it (as the
    service does, or handed out again when asked once more), the run ends stalled, not
    empty, and the item is counted once."""
    from tests.support.fake_queue import FakeQueue, make_task, queue_client

    queue = FakeQueue([make_task(n) for n in range(3)], withhold=withhold)
    queue.pending.insert(0, None)  # type: ignore[arg-type]
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, max_tasks=1, stop_when_empty=True)
    assert queue.page_sizes == [1, 1]  # a whole batch used to hand out tasks never acked
    stopped, received = "stalled", 0
    assert (stats.stopped_by, stats.received, stats.unackable) == (stopped, received, 1)
    assert len(queue.acks) == received


def test_items_without_an_id_alike_are_each_counted_once(store_url: str) -> None:
    """Two nulls in one batch are two items: counted as two, once each, however often the
    batch comes back (they used to count as one)."""
    from tests.support.fake_queue import FakeQueue, make_task, queue_client

    good = make_task(0)
    queue = FakeQueue([good])
    queue.pending = [None, None, good]  # type: ignore[list-item]
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True, poll_interval=0.001)
    assert (stats.unackable, stats.received, stats.stopped_by) == (2, 1, "stalled")


def test_an_empty_answer_behind_an_item_without_an_id_is_a_stalled_queue(
    store_url: str,
) -> None:
    from tests.support.fake_queue import FakeQueue, make_task, queue_client

    queue = FakeQueue([make_task(n) for n in range(2)], withhold=True)
    queue.pending.insert(1, None)  # type: ignore[arg-type]
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True)
    assert (stats.stopped_by, stats.received, stats.acknowledged) == ("stalled", 2, 2)


def test_an_item_without_an_id_delivered_again_is_counted_once(store_url: str) -> None:
    """As the consumer counts it: the service delivers such an item again and again."""
    from tests.support.fake_queue import FakeQueue, make_task, queue_client

    queue = FakeQueue([make_task(0)])
    queue.pending.insert(0, None)  # type: ignore[arg-type]
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, stop_when_empty=True)
    assert (stats.stopped_by, stats.batches, stats.received, stats.unackable) == (
        "stalled",
        1,
        1,
        1,
    )


def test_a_stop_during_the_prune_takes_no_batch(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prune may wait for the database long (SQLite's busy timeout): a stop asked
    meanwhile ends the run before it takes a batch it would then have to acknowledge."""
    from tests.support.fake_queue import FakeQueue, make_task, queue_client

    queue = FakeQueue([make_task(n) for n in range(3)])
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:

        def pruning(retention: float | None) -> int:
            mirror.stop()
            return 0

        monkeypatch.setattr(mirror, "_prune_inbox", pruning)
        stats = mirror.run(kimono)
    assert (stats.stopped_by, stats.received, queue.page_sizes) == ("stop()", 0, [])


def test_redeliveries_and_faults_change_no_row(store_url: str) -> None:
    """Duplicates, 5xx answers and connections dropped mid-answer (a batch whose answer is
    lost is delivered again after the ack timeout; an ack whose answer is lost is sent
    again): every data task changes the mirror once."""
    with (
        Sandbox(
            students=20,
            seed=9,
            ack_timeout=0.5,
            duplicate_rate=0.3,
            error_rate=0.1,
            drop_rate=0.05,
        ) as sandbox,
        KimonoClient(**sandbox.credentials, max_retries=5) as kimono,
    ):
        _inject(sandbox)
        with Mirror.open(store_url) as mirror:
            duplicates = 0
            deadline = time.monotonic() + 30
            while sandbox.state.queue.pending() and time.monotonic() < deadline:
                # a batch withheld after a lost answer looks like an empty queue: go again
                stats = mirror.run(kimono, stop_when_empty=True, ack_every=30, poll_interval=0.05)
                duplicates += stats.duplicates
                time.sleep(0.1)
            assert sandbox.state.queue.pending() == 0
            assert duplicates > 0
            changes = _changes_per_task(mirror)
            assert set(changes.values()) == {1}  # no task changed a row twice
            assert set(changes) == _data_tasks(sandbox)
            # the faults off, for the REST snapshot (a 500 is not retried)
            sandbox.state.config = dataclasses.replace(
                sandbox.state.config, error_rate=0.0, drop_rate=0.0
            )
            assert mirror.verify(kimono, tenant_id=_tenant(sandbox)).ok


def test_a_mass_deletion_from_a_resync_is_held_then_approved(
    fresh: Sandbox, store_url: str
) -> None:
    tenant = _tenant(fresh)
    with KimonoClient(**fresh.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.run(kimono, stop_when_empty=True)
        # A resend sync that holds only the orgs and terms: every course, section and
        # person would go. The district did not delete them: the sweep is held.
        queue = fresh.state.queue
        queue.push(tenant, "sync_event", "SYNC_START", origin="resend")
        persons = list(fresh.state.roster.persons.values())
        for obj in persons[:3]:
            queue.push(tenant, "data_event", "ADD", object_type="persons", obj=obj)
        queue.push(tenant, "sync_event", "SYNC_END", origin="resend")
        stats = mirror.run(kimono, stop_when_empty=True)
        (held,) = mirror.syncs(status="held")
        assert stats.held_sweeps == [held.generation]
        assert held.to_sweep == len(persons) - 3
        assert mirror.verify(kimono, tenant_id=tenant).ok  # nothing went
        assert mirror.approve_sweep(held.generation) == len(persons) - 3
        report = mirror.verify(kimono, tenant_id=tenant)
        assert {d.kind for d in report.differences} == {"missing"}
        assert len(report.differences) == len(persons) - 3


def test_snapshot_seeds_a_mirror_that_verify_finds_equal(sandbox: Sandbox, store_url: str) -> None:
    tenant = _tenant(sandbox)
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        sync = mirror.snapshot(kimono, tenant_id=tenant)
        assert (sync.origin, sync.status) == ("snapshot", "done")
        assert sorted(sync.types) == ["courses", "orgs", "persons", "sections", "terms"]
        report = mirror.verify(kimono, tenant_id=tenant)
        assert report.ok and sum(report.compared.values()) > 50
        # A second snapshot of the same roster writes nothing new.
        before = mirror.status()["last_cursor"]
        mirror.snapshot(kimono, tenant_id=tenant)
        assert mirror.status()["last_cursor"] == before


def test_a_snapshot_leaves_what_tasks_wrote_while_it_read_the_lists(
    sandbox: Sandbox, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run applies an update, a delete and an add after the snapshot has read the REST
    lists and before it writes: the snapshot overwrites none of them with the older
    lists (the update stays, the deletion stays) and sweeps nothing a task just added,
    so the mirror equals the service. It used to bring back the old email for good (the
    task's sequence kept, a redelivery refused as stale) and sweep the added person."""
    from kimono_interop.mirror import _mirror

    tenant = _tenant(sandbox)
    persons = list(sandbox.state.roster.persons)
    read_lists = _mirror._rest_lists
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)

        def lists_then_tasks(client: KimonoClient) -> Any:
            lists = read_lists(client)
            _inject(sandbox)  # the district changes, and a run applies it
            stats = mirror.run(kimono, stop_when_empty=True, handle_signals=False)
            assert stats.applied == 3, stats
            return lists

        monkeypatch.setattr(_mirror, "_rest_lists", lists_then_tasks)
        sync = mirror.snapshot(kimono, tenant_id=tenant)
        monkeypatch.setattr(_mirror, "_rest_lists", read_lists)
        assert (sync.status, sync.swept) == ("done", 0)
        stored = mirror.get(tenant, "persons", persons[0])
        assert stored is not None and stored.data["email"] == "changed@example.edu"
        deleted = mirror.get(tenant, "persons", persons[1])
        assert deleted is not None and deleted.deleted
        added = mirror.get(tenant, "persons", "0d7f9e1e-8a51-4c33-9a4c-6f0e1d2c3b4a")
        assert added is not None and not added.deleted
        assert mirror.verify(kimono, tenant_id=tenant).ok


def test_a_snapshot_refuses_a_tenant_the_credentials_do_not_act_as(
    sandbox: Sandbox, store_url: str
) -> None:
    """The lists would be stored, and swept, as another tenant's roster: refused before
    anything is read or written, and verify likewise."""
    other = "0b0b0b0b-0000-4000-8000-00000000000b"
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        with pytest.raises(ValueError, match="not the one these credentials act as"):
            mirror.snapshot(kimono, tenant_id=other)
        with pytest.raises(ValueError, match="not the one these credentials act as"):
            mirror.verify(kimono, tenant_id=other)
        assert mirror.tenants() == [] and mirror.syncs() == []
        # the tenant's own id, in another spelling, is the same tenant
        assert mirror.snapshot(kimono, tenant_id=_tenant(sandbox).upper()).status == "done"


@pytest.mark.parametrize("status", [403, 404])
def test_credentials_of_no_one_tenant_snapshot_as_they_are(
    sandbox: Sandbox, store_url: str, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where GET /tenant answers that the credentials are no one tenant's, the snapshot
    cannot check the tenant, and goes on."""
    import httpx

    from kimono_interop import NotFoundError, PermissionDeniedError

    error = {403: PermissionDeniedError, 404: NotFoundError}[status]
    request = httpx.Request("GET", "https://kimono.example/tenant")

    def no_tenant(**_: Any) -> Any:
        raise error(httpx.Response(status, request=request))

    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        monkeypatch.setattr(kimono.tenants, "current", no_tenant)
        assert mirror.snapshot(kimono, tenant_id=_tenant(sandbox)).status == "done"


def test_approving_an_old_held_sweep_spares_what_a_later_snapshot_saw(
    sandbox: Sandbox, store_url: str
) -> None:
    """A sweep held at a full sync's end, approved after a later snapshot listed the
    roster again, tombstones nothing that snapshot saw: its objects carry no newer
    sequence, only the later generation."""
    tenant = _tenant(sandbox)
    persons = list(sandbox.state.roster.persons.values())
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)
        # a full sync that sends two persons: the others would go, so the sweep is held
        sent = persons[:2]
        tasks = [sync_task("SYNC_START", 1, tenant=tenant)]
        tasks += [
            data_task("UPDATE", "persons", obj, n, tenant=tenant) for n, obj in enumerate(sent, 2)
        ]
        tasks.append(sync_task("SYNC_END", 10, tenant=tenant))
        mirror.apply(tasks)
        (held,) = mirror.syncs(status="held")
        assert held.to_sweep == len(persons) - 2
        # the roster is listed again, whole, before anyone approves
        later = mirror.snapshot(kimono, tenant_id=tenant)
        assert later.generation > held.generation and later.status == "done"
        assert mirror.approve_sweep(held.generation) == 0
        assert len(list(mirror.objects("persons", tenant_id=tenant))) == len(persons)
        assert mirror.verify(kimono, tenant_id=tenant).ok


def test_verify_tells_json_types_apart_and_names_a_field_only_one_side_has(
    sandbox: Sandbox, store_url: str
) -> None:
    """true against 1, false against 0: equal to Python, so verify said the copies were
    the same. A field null in the mirror and absent from the service: reported
    different with no field named. 9 against 9.0 is the same number (JSONB writes it so)."""
    tenant = _tenant(sandbox)
    first, second, third = list(sandbox.state.roster.persons)[:3]
    roster = sandbox.state.roster.persons
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)
        events = [
            ("t-b", first, {**roster[first], "aup": 1}),
            ("t-n", second, {**roster[second], "middle_name": None}),
            ("t-9", third, {**roster[third], "extra": 9.0}),
        ]
        mirror.apply(
            [
                {
                    "type": "data_event",
                    "id": task,
                    "tenant_id": tenant,
                    "action": "UPDATE",
                    "object_type": "persons",
                    "object_id": object_id,
                    "data": data,
                }
                for task, object_id, data in events
            ]
        )
        originals = {first: roster[first], third: roster[third]}
        roster[first] = {**originals[first], "aup": True}
        roster[third] = {**originals[third], "extra": 9}
        try:
            report = mirror.verify(kimono, tenant_id=tenant)
        finally:  # (the module's sandbox: as it was, for the tests after this one)
            roster.update(originals)
    found = {(d.object_id, d.kind, d.fields) for d in report.differences if d.kind != "missing"}
    assert found == {(first, "different", ("aup",)), (second, "different", ("middle_name",))}


def test_verify_reports_each_difference(sandbox: Sandbox, store_url: str) -> None:
    tenant = _tenant(sandbox)
    persons = list(sandbox.state.roster.persons)
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)
        changed = {**sandbox.state.roster.persons[persons[0]], "email": "other@example.edu"}
        mirror.apply(
            [
                {
                    "type": "data_event",
                    "id": "t-1",
                    "tenant_id": tenant,
                    "action": "UPDATE",
                    "object_type": "persons",
                    "object_id": persons[0],
                    "data": changed,
                },
                {
                    "type": "data_event",
                    "id": "t-2",
                    "tenant_id": tenant,
                    "action": "DELETE",
                    "object_type": "persons",
                    "object_id": persons[1],
                },
                {
                    "type": "data_event",
                    "id": "t-3",
                    "tenant_id": tenant,
                    "action": "ADD",
                    "object_type": "terms",
                    "object_id": "extra-term",
                    "data": {"$sys": {"id": "extra-term"}, "name": "Summer"},
                },
            ]
        )
        report = mirror.verify(kimono, tenant_id=tenant)
    assert not report.ok
    found = {(d.object_type, d.object_id, d.kind, d.fields) for d in report.differences}
    assert found == {
        ("persons", persons[0], "different", ("email",)),
        ("persons", persons[1], "missing", ()),
        ("terms", "extra-term", "extra", ()),
    }


@pytest.mark.anyio
async def test_run_async_drains_the_queue_with_acks_after_each_commit(
    fresh: Sandbox, store_url: str
) -> None:
    _inject(fresh)
    seen: list[tuple[int, int]] = []

    def on_commit(outcomes: Sequence[TaskOutcome]) -> None:
        seen.append((len(outcomes), len(fresh.state.queue.acks)))

    async with AsyncKimonoClient(**fresh.credentials) as kimono:
        with Mirror.open(store_url) as mirror, anyio.fail_after(120):
            stats = await mirror.run_async(
                kimono, stop_when_empty=True, ack_every=40, on_commit=on_commit
            )
            assert stats.stopped_by == "empty"
            assert stats.parked == stats.retried == stats.unackable == 0
            assert stats.acknowledged == stats.received == len(fresh.state.queue.acks)
            assert stats.commits == len(seen) >= stats.batches
            acked = 0
            for size, before in seen:
                assert size <= 40 and before == acked  # committed, then acknowledged
                acked += size
            assert set(_changes_per_task(mirror).values()) == {1}
            assert set(_changes_per_task(mirror)) == _data_tasks(fresh)
    with KimonoClient(**fresh.credentials) as sync_client, Mirror.open(store_url) as mirror:
        assert mirror.verify(sync_client, tenant_id=_tenant(fresh)).ok


@pytest.mark.anyio
async def test_run_async_stops_and_counts_as_run_does(fresh: Sandbox, store_url: str) -> None:
    async with AsyncKimonoClient(**fresh.credentials) as kimono:
        with Mirror.open(store_url) as mirror, anyio.fail_after(120):
            assert fresh.state.queue.pending() > 30  # the second run finds the rest
            stats = await mirror.run_async(kimono, max_tasks=30, ack_every=10)
            assert (stats.stopped_by, stats.received, stats.acknowledged) == ("max_tasks", 30, 30)
            assert stats.commits == 3

            def stop_after_commit(outcomes: Sequence[TaskOutcome]) -> None:
                mirror.stop()

            stats = await mirror.run_async(kimono, on_commit=stop_after_commit, ack_every=10)
            # the rest of the batch in hand is applied and acknowledged, no other asked for
            assert (stats.stopped_by, stats.batches) == ("stop()", 1)
            assert stats.acknowledged == stats.received > 10
            assert stats.commits == -(-stats.received // 10)


@pytest.mark.parametrize(
    "option", ["ack_interval", "poll_interval", "max_poll_interval", "inbox_retention"]
)
@pytest.mark.parametrize("value", [math.nan, math.inf, 0.0, -1.0])
def test_a_run_refuses_durations_that_are_no_finite_positive_number(
    option: str, value: float, tmp_path: Path
) -> None:
    """A NaN poll interval went as far as a wait of "nan s" and a ValueError from the
    sleep, mid-run; a Worker refuses the same values, inbox_retention 0 included."""
    with Mirror.open(tmp_path / "m.db") as mirror, pytest.raises(ValueError, match=option):
        mirror.run(
            KimonoClient(auth=BearerToken("t"), base_url="http://127.0.0.1:9"), **{option: value}
        )
    with pytest.raises(ValueError, match=option):
        Worker("postgresql://nobody@127.0.0.1:1/none", **{option: value})


@pytest.mark.parametrize(
    ("status", "headers", "policy", "at_least", "at_most"),
    [
        (429, {"Retry-After": "7"}, RetryPolicy(), 7.0, 7.0),
        (503, {"Retry-After": "7"}, RetryPolicy(max_retry_after=2), 2.0, 2.0),  # cut
        (503, {}, RetryPolicy(), 0.0005, 0.001),  # none asked: the backoff
        (500, {"Retry-After": "7"}, RetryPolicy(), 0.0005, 0.001),  # only 429 and 503 ask
    ],
)
def test_a_run_waits_out_an_outage_as_long_as_the_answer_asks(
    status: int, headers: dict[str, str], policy: RetryPolicy, at_least: float, at_most: float
) -> None:
    """The run's own backoff after the client's retries (1 ms here) asked again at once
    where a 429 or 503 said when to (Retry-After), as the consumer did."""
    from kimono_interop._exceptions import error_from_response
    from kimono_interop._runtime import Runtime
    from kimono_interop.mirror._mirror import _RunLoop

    loop = _RunLoop(Runtime(), 100, 1.0, 0.001, 0.002, None)
    request = httpx.Request("GET", "https://kimono.example/v2/interop/data/tasks")
    error = error_from_response(httpx.Response(status, headers=headers, request=request))
    assert at_least <= loop.outage("GET /tasks", error, policy) <= at_most


def test_a_snapshot_whose_lists_name_no_person_type_keeps_the_stored_one(
    sandbox: Sandbox, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As a task whose data names no type keeps the type stored (one a ``Student``
    topic gave, say), so does a snapshot: its persons that name none used to be written
    with a NULL type, and left the views of students and teachers."""
    from kimono_interop.mirror import _mirror

    tenant = _tenant(sandbox)
    read_lists = _mirror._rest_lists

    def untyped(client: KimonoClient) -> Any:
        lists = read_lists(client)
        for data in lists["persons"].values():
            data["$sys"].pop("person_type", None)
        return lists

    query = sa.text("SELECT person_type, COUNT(*) FROM mirror_persons GROUP BY person_type")
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)
        with mirror.engine.connect() as connection:
            typed = sorted(map(tuple, connection.execute(query)))
        assert {kind for kind, _ in typed} == {"student", "teacher"}
        monkeypatch.setattr(_mirror, "_rest_lists", untyped)
        sync = mirror.snapshot(kimono, tenant_id=tenant)
        assert (sync.status, sync.swept) == ("done", 0)
        with mirror.engine.connect() as connection:
            assert sorted(map(tuple, connection.execute(query))) == typed
        stored = mirror.get(tenant, "persons", next(iter(sandbox.state.roster.persons)))
        assert stored is not None and "person_type" not in stored.data["$sys"]


def test_verify_compares_grading_categories_once_the_mirror_holds_some(
    sandbox: Sandbox, store_url: str
) -> None:
    """Tasks of the ``GradingCategory`` topic are stored as ``grading_categories``;
    verify left them uncompared, so a category the mirror lacked went unreported. It
    compares them (from the Grades API's list) once the mirror holds any of the tenant's;
    a mirror without any is not one that lost them (no sync is known to send them)."""
    tenant = _tenant(sandbox)
    categories = list(sandbox.state.roster.grading_categories.values())
    assert len(categories) >= 2
    with KimonoClient(**sandbox.credentials) as kimono, Mirror.open(store_url) as mirror:
        mirror.snapshot(kimono, tenant_id=tenant)
        report = mirror.verify(kimono, tenant_id=tenant)
        assert report.ok and "grading_categories" not in report.compared
        first = categories[0]
        task = data_task("ADD", "GradingCategory", first, None, tenant=tenant)
        assert mirror.apply([task])[0].result == "applied"
        report = mirror.verify(kimono, tenant_id=tenant)
        assert report.compared["grading_categories"] == len(categories)
        assert [(d.kind, d.object_id) for d in report.differences] == sorted(
            ("missing", c["$sys"]["id"]) for c in categories[1:]
        )
        assert report.uncompared == {}
        rest = [
            data_task("ADD", "RDM:GradingCategory", c, None, tenant=tenant) for c in categories[1:]
        ]
        mirror.apply(rest)
        assert mirror.verify(kimono, tenant_id=tenant).ok


def test_a_run_for_one_tenant_stores_tasks_that_name_none_as_that_tenant_s(
    store_url: str,
) -> None:
    """The flat task of kimono-api-java names no tenant: a run for one tenant
    (``tenant_id=``) stores its change as that tenant's (it went under the tenant "",
    where that tenant's verify and sweeps never saw it); a run for all tenants, or a
    mirror opened with a ``default_tenant``, as before."""
    from tests.support.fake_queue import FakeQueue, queue_client

    from .builders import new_id, person

    tenant, student = new_id().upper(), new_id()
    flat = {"id": new_id(), "action": "add", "topic": "Student", "data": person(student)}
    queue = FakeQueue([flat])
    with queue_client(KimonoClient, queue) as kimono, Mirror.open(store_url) as mirror:
        stats = mirror.run(kimono, tenant_id=tenant, stop_when_empty=True, handle_signals=False)
        assert stats.applied == 1 and queue.acks[0]["status"] == "success"
        stored = mirror.get(tenant.lower(), "persons", student)
        assert stored is not None and not stored.deleted
        assert mirror.get("", "persons", student) is None
