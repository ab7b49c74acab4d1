"""PostgreSQL's writer locks: one per tenant, so tenants' writers run side by side."""

from __future__ import annotations

import datetime
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout  # not the builtin on 3.10
from pathlib import Path
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from kimono_interop._task_view import TaskView
from kimono_interop.mirror import Mirror, Result
from kimono_interop.mirror._apply import Applier
from kimono_interop.mirror._store import tenant_key
from tests.support.postgres import database as postgres_database

from .builders import TENANT, data_task, new_id, person

TENANT_A = "0a0a0a0a-0000-4000-8000-00000000000a"
TENANT_B = "0b0b0b0b-0000-4000-8000-00000000000b"


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    with postgres_database(postgres_server) as url:
        with Mirror.open(url):  # the schema
            pass
        yield url


class Gate:
    """A fence that holds the apply transactions of one tenant until it is opened."""

    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.entered = threading.Event()
        self.open = threading.Event()

    def __call__(self, _connection: sa.Connection, tasks: Sequence[TaskView]) -> None:
        if any(task.tenant_id == self.tenant for task in tasks) and not self.open.is_set():
            self.entered.set()
            assert self.open.wait(30), "the gate was never opened"


class Gated(NamedTuple):
    """An engine on a mirror database, a gate on tenant A, and an applier behind it."""

    engine: sa.Engine
    gate: Gate
    applier: Applier


@pytest.fixture
def gated(pg_url: str) -> Iterator[Gated]:
    engine = sa.create_engine(pg_url)
    gate = Gate(TENANT_A)
    try:
        yield Gated(engine, gate, _applier(engine, gate))
    finally:
        gate.open.set()  # a writer still held must not outlive the test
        engine.dispose()


def _applier(engine: sa.Engine, gate: Gate) -> Applier:
    return Applier(
        engine,
        sweep_threshold=0.1,
        max_attempts=5,
        on_change=None,
        on_other=None,
        default_tenant="",
        fence=gate,
    )


def _apply(applier: Applier, tenant: str) -> list[str]:
    task = TaskView.from_raw(data_task("ADD", "persons", person(new_id()), 1, tenant=tenant))
    return [outcome.result for outcome in applier.apply([task]).outcomes]


def test_two_tenants_apply_side_by_side_one_tenant_in_turn(gated: Gated) -> None:
    _, gate, applier = gated
    with ThreadPoolExecutor(2) as pool:
        first: Future[list[str]] = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        # Tenant A's transaction holds its lock: tenant B's commits meanwhile.
        assert _apply(applier, TENANT_B) == [Result.APPLIED]
        assert not first.done()
        # A second writer of tenant A waits for the first (past the gate: it is
        # the lock that holds it).
        second: Future[list[str]] = pool.submit(_apply, applier, TENANT_A)
        with pytest.raises(FutureTimeout):
            second.result(timeout=1.0)
        gate.open.set()
        assert first.result(timeout=30) == [Result.APPLIED]
        assert second.result(timeout=30) == [Result.APPLIED]


def test_the_change_feed_is_read_once_no_writer_is_in_flight(gated: Gated) -> None:
    """A reader of the feed waits for write transactions in flight: a cursor it has read
    past is never committed after it read."""
    engine, gate, applier = gated
    with Mirror(engine) as mirror, ThreadPoolExecutor(2) as pool:
        writer = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        reader = pool.submit(mirror.changes)
        with pytest.raises(FutureTimeout):
            reader.result(timeout=1.0)
        gate.open.set()
        assert writer.result(timeout=30) == [Result.APPLIED]
        assert [change.tenant_id for change in reader.result(timeout=30)] == [TENANT_A]


def test_a_reader_of_the_feed_does_not_hold_back_other_tenants_writers(
    gated: Gated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a reader waits for a writer in flight, other tenants' writers go on: it does
    not queue for the lock ahead of them (PostgreSQL would make every new writer wait
    behind it) until its patience runs out."""
    from kimono_interop.mirror import _store

    monkeypatch.setattr(_store, "FEED_LOCK_PATIENCE", 60.0)
    engine, gate, applier = gated
    with Mirror(engine) as mirror, ThreadPoolExecutor(2) as pool:
        writer = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        reader = pool.submit(mirror.changes)
        with pytest.raises(FutureTimeout):
            reader.result(timeout=0.5)
        # the reader is waiting: tenant B's writer commits all the same
        other = threading.Thread(target=_apply, args=(applier, TENANT_B), daemon=True)
        other.start()
        other.join(timeout=10)
        assert not other.is_alive(), "tenant B's writer waited behind the feed's reader"
        assert not reader.done()
        gate.open.set()
        assert writer.result(timeout=30) == [Result.APPLIED]
        feed = reader.result(timeout=30)
        assert [change.tenant_id for change in feed] == [TENANT_B, TENANT_A]


def _wait_for_a_queued_lock(engine: sa.Engine, timeout: float = 30) -> None:
    """Until a session waits for an advisory lock (PostgreSQL's lock table says so)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while not connection.scalar(
            sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        ):
            assert time.monotonic() < deadline, "no session ever queued for the lock"
            time.sleep(0.01)
            connection.rollback()


def test_a_reader_of_the_feed_out_of_patience_waits_in_line(
    gated: Gated, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writers that never pause do not starve the reader: past its patience it queues."""
    from kimono_interop.mirror import _store

    monkeypatch.setattr(_store, "FEED_LOCK_PATIENCE", 0.2)
    engine, gate, applier = gated
    with Mirror(engine) as mirror, ThreadPoolExecutor(2) as pool:
        writer = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        reader = pool.submit(mirror.changes)
        _wait_for_a_queued_lock(engine)  # past its patience, the reader queued
        other = threading.Thread(target=_apply, args=(applier, TENANT_B), daemon=True)
        other.start()
        other.join(timeout=1.0)
        assert other.is_alive(), "tenant B's writer went ahead of the queued reader"
        gate.open.set()
        assert writer.result(timeout=30) == [Result.APPLIED]
        assert [change.tenant_id for change in reader.result(timeout=30)] == [TENANT_A]
        other.join(timeout=30)
        assert not other.is_alive()


def test_tenant_keys_are_stable_32_bit_integers() -> None:
    assert tenant_key(TENANT_A) == tenant_key(TENANT_A)
    assert tenant_key(TENANT_A) != tenant_key(TENANT_B)
    for tenant in (TENANT_A, TENANT_B, "", "x" * 64):
        assert -(2**31) <= tenant_key(tenant) < 2**31


def test_what_spans_tenants_waits_for_every_writer(gated: Gated) -> None:
    """Pruning the change feed takes the database-wide lock exclusive: it waits for a
    tenant's writer. Pruning task records does not: it goes on while the writer waits."""
    engine, gate, applier = gated
    with Mirror(engine) as mirror, ThreadPoolExecutor(2) as pool:
        writer = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        records = mirror.prune(inbox_older_than=datetime.timedelta(0))
        assert records == {"inbox": 0, "changes": 0}
        pruning = pool.submit(mirror.prune, changes_through=10**9)
        with pytest.raises(FutureTimeout):
            pruning.result(timeout=1.0)
        gate.open.set()
        assert writer.result(timeout=30) == [Result.APPLIED]
        assert pruning.result(timeout=30) == {"inbox": 0, "changes": 1}


def test_opening_a_mirror_at_the_newest_schema_does_not_wait_for_writers(
    pg_url: str, gated: Gated
) -> None:
    """Every worker opens the mirror when it starts: at the newest revision that is a
    read, not the database-wide lock that would wait for (and stop) every writer."""
    _, gate, applier = gated
    with ThreadPoolExecutor(2) as pool:
        writing: Future[list[str]] = pool.submit(_apply, applier, TENANT_A)
        assert gate.entered.wait(30)
        opening: Future[None] = pool.submit(lambda: Mirror.open(pg_url).close())
        try:
            assert opening.result(timeout=10) is None
        finally:
            gate.open.set()
        assert writing.result(timeout=30) == [Result.APPLIED]


def test_readers_of_a_sqlite_mirror_never_wait_for_its_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's writers take the write lock when they begin; reads (and opening a mirror
    at the newest schema) read a snapshot meanwhile, as they would without the mirror."""
    from kimono_interop.mirror import _store

    monkeypatch.setattr(_store, "SQLITE_BUSY_TIMEOUT", 1.0)  # a wait fails fast
    path = tmp_path / "m.db"
    pid = new_id()
    with Mirror.open(path) as mirror:
        mirror.apply([data_task("ADD", "persons", person(pid), 1)])
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM mirror_objects")  # not committed: readers see the object
        with Mirror.open(path) as mirror:
            assert mirror.get(TENANT, "persons", pid) is not None
            assert [o.object_id for o in mirror.objects("persons")] == [pid]
            assert mirror.status()["parked"] == 0
            assert len(mirror.changes()) == 1
            assert mirror.parked() == [] and mirror.syncs() == []
            with pytest.raises(sa.exc.OperationalError, match="locked"):  # a writer waits
                mirror.apply([data_task("ADD", "persons", person(new_id()), 2)])
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def _hold_sqlite_write_lock(path: Path) -> sqlite3.Connection:
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")
    return writer


def test_a_sqlite_writer_waits_for_the_write_lock_beyond_one_step(tmp_path: Path) -> None:
    """The wait for another writer goes in steps (so that signals are taken between
    them), but a lock freed after several steps is still taken, and the connection's busy
    timeout is back at 30 s afterwards."""
    path = tmp_path / "m.db"
    with Mirror.open(path) as mirror:
        writer = _hold_sqlite_write_lock(path)
        release = threading.Timer(0.6, lambda: writer.execute("ROLLBACK"))  # six steps
        release.start()
        try:
            started = time.monotonic()
            outcomes = mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
            assert [o.result for o in outcomes] == [Result.APPLIED]
            assert time.monotonic() - started >= 0.5  # it did wait for the lock
        finally:
            release.join()
            writer.close()
        with mirror.engine.connect() as connection:
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
            assert timeout == 30_000


def test_a_wait_for_sqlite_s_write_lock_ends_when_given_up(tmp_path: Path) -> None:
    """``lock_wait_given_up`` (a run sets it to "interrupted") ends the wait at its next
    step with the error a lock not granted raises, instead of after 30 s."""
    from kimono_interop.mirror._store import lock_wait_given_up

    path = tmp_path / "m.db"
    with Mirror.open(path) as mirror:
        writer = _hold_sqlite_write_lock(path)
        give_up = threading.Event()
        threading.Timer(0.3, give_up.set).start()
        token = lock_wait_given_up.set(give_up.is_set)
        try:
            started = time.monotonic()
            with pytest.raises(sa.exc.OperationalError, match="locked"):
                mirror.apply([data_task("ADD", "persons", person(new_id()), 1)])
            assert give_up.is_set()
            assert writer.in_transaction  # it ended while the lock was still held
            assert time.monotonic() - started < 20
        finally:
            lock_wait_given_up.reset(token)
            writer.execute("ROLLBACK")
            writer.close()
        assert mirror.status()["tasks_recorded"] == 0


def test_a_stop_ends_the_prune_s_wait_for_sqlite_s_write_lock(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A run prunes its task records first, and waits for the write lock to do it: a stop
    ends that wait at its next step (the prune is logged as failed, and waits a turn), and
    the run takes no batch, where it used to wait out SQLite's 30 s first."""
    from kimono_interop import KimonoClient
    from kimono_interop.sandbox import Sandbox

    path = tmp_path / "m.db"
    with (
        Sandbox(students=5, ack_timeout=300) as sandbox,
        KimonoClient(**sandbox.credentials) as kimono,
        Mirror.open(path) as mirror,
    ):
        writer = _hold_sqlite_write_lock(path)
        pruning = threading.Event()
        prune = mirror._prune_inbox

        def noted_prune(retention: float | None) -> int:
            pruning.set()
            return prune(retention)

        mirror._prune_inbox = noted_prune  # type: ignore[method-assign]
        runs: list[object] = []
        thread = threading.Thread(target=lambda: runs.append(mirror.run(kimono)), daemon=True)
        try:
            thread.start()
            assert pruning.wait(10)
            time.sleep(0.3)  # in the wait for the lock now
            mirror.stop()
            thread.join(10)
            assert not thread.is_alive(), "the stop did not end the prune's wait"
            assert writer.in_transaction  # ended while the lock was still held
        finally:
            writer.execute("ROLLBACK")
            writer.close()
            thread.join(40)
        (stats,) = runs
        assert stats.received == 0 and stats.inbox_pruned == 0  # type: ignore[attr-defined]
        assert "pruning the mirror's task records failed" in caplog.text
        assert sandbox.state.queue.acks == []
