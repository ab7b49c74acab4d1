"""One worker in this process against a sandbox: it drains every tenant into the mirror,
follows the tenant list, and backs off together on 429."""

from __future__ import annotations

import copy
import logging
import math
import time
from collections.abc import Callable
from typing import cast

import anyio
import pytest
import sqlalchemy as sa

from kimono_interop import AuthenticationError
from kimono_interop.fleet import FleetStats, Worker, create_engine, fleet_status
from kimono_interop.fleet._leases import Lease
from kimono_interop.fleet._worker import Pool, TenantRun
from kimono_interop.mirror._apply import Applier
from kimono_interop.sandbox import Sandbox


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT tenant_id, count(*) FROM mirror_objects "
                    "WHERE deleted = false GROUP BY tenant_id"
                )
            ).all()
    finally:
        engine.dispose()
    return {row[0]: int(row[1]) for row in rows}


def _worker(url: str, sandbox: Sandbox, **options: object) -> Worker:
    settings: dict[str, object] = {
        "lease_ttl": 2.0,
        "discover_interval": 0.5,
        "poll_interval": 0.05,
        "max_poll_interval": 0.3,
        "concurrency": 4,
        **sandbox.credentials,
    }
    settings.update(options)
    return Worker(url, **settings)  # type: ignore[arg-type]


def _run(worker: Worker, until: Callable[[], bool], timeout: float = 60) -> FleetStats:
    async def main() -> FleetStats:
        with anyio.fail_after(timeout):
            return await worker.run(until=until)

    return anyio.run(main)


def test_one_worker_drains_every_tenant_and_releases_them(fleet_url: str) -> None:
    """Every tenant's initial sync lands in the mirror; on the way out the leases are
    released and the status shows each tenant's progress."""
    with Sandbox(students=10, tenants=6, ack_timeout=3) as sandbox:
        objects = sum(len(c) for c in sandbox.state.sync_collections().values())
        worker = _worker(fleet_url, sandbox)

        def drained() -> bool:
            return worker.discovered and sandbox.state.queue.pending() == 0

        stats = _run(worker, drained)
    assert stats.claimed == 6 and stats.writes_refused == 0 and stats.acks_refused == 0
    assert stats.released == 6  # those released on the way out count too
    assert stats.acked >= stats.applied > 0
    assert _counts(fleet_url) == {tenant: objects for tenant in sandbox.state.tenants}
    engine = create_engine(fleet_url)
    try:
        status = fleet_status(engine)
    finally:
        engine.dispose()
    assert len(status) == 6
    assert all(not row.held and row.owner is None and row.epoch == 1 for row in status)
    assert all(row.last_sequence is not None and not row.sync_in_progress for row in status)


def test_a_tenant_no_longer_listed_is_released(
    fleet_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A tenant that GET /tenants no longer lists (uninstalled) is stopped and released,
    and marked gone in the lease table."""
    caplog.set_level(logging.INFO, "kimono_interop.fleet")
    with Sandbox(students=5, tenants=3, ack_timeout=3) as sandbox:
        worker = _worker(fleet_url, sandbox)
        gone = sorted(sandbox.state.tenants)[0]
        removed = False

        def step() -> bool:
            nonlocal removed
            if not removed and sandbox.state.queue.pending() == 0 and worker.discovered:
                del sandbox.state.tenants[gone]  # uninstalled: GET /tenants no longer lists it
                removed = True
                return False
            return removed and gone not in worker.runs and worker.stats.released >= 1

        stats = _run(worker, step)
    assert stats.tenants_removed == 1 and stats.released >= 1
    assert any("no longer listed" in record.getMessage() for record in caplog.records)
    engine = create_engine(fleet_url)
    try:
        states = {row.tenant_id: row.state for row in fleet_status(engine)}
    finally:
        engine.dispose()
    assert states.pop(gone) == "gone" and set(states.values()) == {"active"}


def test_429_answers_make_every_tenant_wait(fleet_url: str) -> None:
    """429 answers are counted (and wait out) while the worker still drains every tenant."""
    with Sandbox(
        students=5, tenants=4, ack_timeout=3, rate_limit_rate=0.3, retry_after=0.2, seed=3
    ) as sandbox:
        worker = _worker(fleet_url, sandbox)

        def drained() -> bool:
            return worker.discovered and sandbox.state.queue.pending() == 0

        stats = _run(worker, drained)
    assert stats.rate_limited > 0
    assert worker.telemetry.counters.total("kimono.fleet.http.rate_limited") == stats.rate_limited
    assert stats.writes_refused == 0


def test_a_lease_is_counted_lost_once_however_the_worker_learns_it() -> None:
    """A renewal, a refused write and a refused ack all stop the tenant and count it in
    ``stats.lost``, once: a tenant taken over while the worker was frozen is often
    first found lost by its next write."""
    worker = Worker("postgresql://fleet@127.0.0.1:1/none", client_id="id", client_secret="secret")
    run = TenantRun(Lease("t-1", worker.worker_id, 3), cast(Applier, None))
    worker._lose(run)
    worker._lose(run)  # a refused ack after the refused write
    assert worker.stats.lost == 1
    assert run.lost and run.stopping and not run.release


def test_an_uninstall_whose_transaction_failed_is_applied_when_it_comes_back(
    fleet_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transaction applying TENANT_UNINSTALLED fails once (the database drops the
    connection): rolled back, the task comes back, and the tenant is served until it is
    applied. The worker used to take the tenant for uninstalled as the task went by, so
    it released it, never claimed it again, and nobody drained the task."""
    from kimono_interop.fleet import _leases

    marked = _leases.Leases.mark_uninstalled
    failures = [sa.exc.OperationalError("UPDATE fleet_leases", {}, Exception("closed"))]

    def flaky(connection: sa.Connection, lease: _leases.Lease) -> None:
        if failures:
            raise failures.pop()
        marked(connection, lease)

    monkeypatch.setattr(_leases.Leases, "mark_uninstalled", staticmethod(flaky))
    with Sandbox(students=3, tenants=1, ack_timeout=2) as sandbox:
        worker = _worker(fleet_url, sandbox)
        (target,) = sandbox.state.tenants
        pushed = False

        def step() -> bool:
            nonlocal pushed
            if not pushed and worker.discovered and sandbox.state.queue.pending() == 0:
                sandbox.state.queue.push(target, "lifecycle_event", "TENANT_UNINSTALLED")
                pushed = True
                return False
            return pushed and sandbox.state.queue.pending() == 0 and target not in worker.runs

        stats = _run(worker, step, timeout=30)
    assert not failures and stats.db_errors >= 1
    engine = create_engine(fleet_url)
    try:
        assert [row.state for row in fleet_status(engine)] == ["uninstalled"]
    finally:
        engine.dispose()


def test_a_lease_check_the_database_fails_is_tried_again_not_taken_for_lost(
    fleet_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check before the acks meets a database error: it is tried again and the acks
    go out. It used to count as a lost lease: the acks withheld, and the tenant left
    idle for a TTL until the worker claimed it back."""
    from kimono_interop.fleet import _leases

    check = _leases.Leases.check
    failures = [sa.exc.OperationalError("SELECT", {}, Exception("closed"))]

    def flaky(self: _leases.Leases, lease: _leases.Lease, **options: float) -> bool:
        if failures:
            raise failures.pop()
        return check(self, lease, **options)

    monkeypatch.setattr(_leases.Leases, "check", flaky)
    with Sandbox(students=5, tenants=1, ack_timeout=3) as sandbox:
        worker = _worker(fleet_url, sandbox)
        stats = _run(worker, lambda: worker.discovered and sandbox.state.queue.pending() == 0)
    assert not failures
    assert (stats.lost, stats.acks_refused, stats.claimed) == (0, 0, 1)
    assert stats.acked >= stats.applied > 0


def test_the_write_log_and_progress_count_the_tasks_each_transaction_took(
    fleet_url: str,
) -> None:
    """A deadline that leaves most of a chunk for the next transaction: each one logs
    the tasks it took, and moves the progress to its own last sequence. The whole
    chunk was logged by each (3,916 logged for 88 applied), and the progress claimed
    sequences no transaction had committed yet."""
    with Sandbox(students=5, tenants=1, ack_timeout=3) as sandbox:
        worker = _worker(fleet_url, sandbox, ack_interval=0.0005)
        stats = _run(worker, lambda: worker.discovered and sandbox.state.queue.pending() == 0)
    handled = stats.applied + stats.duplicates + stats.failed + stats.parked
    engine = create_engine(fleet_url)
    try:
        with engine.connect() as connection:
            logged = connection.execute(
                sa.text("SELECT count(*), sum(tasks), max(tasks) FROM fleet_writes")
            ).one()
            progress = connection.execute(
                sa.text(
                    "SELECT last_sequence, (SELECT max(sequence) FROM mirror_inbox) "
                    "FROM fleet_progress"
                )
            ).one()
    finally:
        engine.dispose()
    assert stats.commits > 1 and logged[0] == stats.commits
    assert (logged[1], logged[2] < handled) == (handled, True)
    assert progress[0] == progress[1] is not None


def test_a_tenant_listed_in_a_shape_it_cannot_read_leaves_the_others_served(
    fleet_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """GET /tenants lists one tenant whose id is no UUID: the others are claimed and
    drained, and it is named in a WARNING. The listing used to fail whole, again and
    again, so no tenant was ever served."""
    with Sandbox(students=3, tenants=2, ack_timeout=3) as sandbox:
        bad = copy.deepcopy(next(iter(sandbox.state.tenants.values())))
        bad["id"] = "tenant-42"
        sandbox.state.tenants["tenant-42"] = bad
        worker = _worker(fleet_url, sandbox)
        stats = _run(
            worker,
            lambda: worker.stats.claimed >= 2 and sandbox.state.queue.pending() == 0,
            timeout=30,
        )
    assert stats.claimed == 2 and stats.tenants_removed == 0
    assert any("could not be read" in r.getMessage() for r in caplog.records)


def test_refused_credentials_end_the_run_with_the_error(fleet_url: str) -> None:
    """A wrong vendor secret: GET /tenants is refused, and the run ends raising that
    error (fleet run prints it and exits), where it was retried every few seconds for
    ever, claiming nothing."""
    with Sandbox(students=3, tenants=1, ack_timeout=3) as sandbox:
        credentials = {**sandbox.credentials, "client_secret": "wrong-secret"}
        worker = Worker(fleet_url, lease_ttl=2.0, discover_interval=0.5, **credentials)
        with pytest.raises(AuthenticationError) as raised:
            _run(worker, lambda: False, timeout=30)
    assert "wrong-secret" not in str(raised.value)
    assert worker.stats.claimed == 0


def test_leases_stay_renewed_while_the_batches_in_hand_end(fleet_url: str) -> None:
    """Stopped while polling, under a 1.5 s lease, with a service 0.5 s slow: the batch
    in hand is applied and acknowledged in three chunks, its lease renewed meanwhile.
    The worker renewed nothing once stopped: the lease ran out before the last acks,
    which the fence refused, and their tasks came back to be applied again."""
    with Sandbox(students=3, tenants=1, ack_timeout=30, latency=0.5) as sandbox:
        # (88 tasks in one batch, acknowledged 30 at a time: some 1.5 s of acks)
        worker = _worker(fleet_url, sandbox, lease_ttl=1.5, poll_interval=0.01, ack_every=30)
        stats = _run(worker, lambda: worker.stats.polls >= 1, timeout=30)
    assert (stats.lost, stats.acks_refused, stats.writes_refused) == (0, 0, 0)
    assert stats.acked == stats.applied > 0


def test_an_uninstalled_tenant_stays_released_after_a_restart(fleet_url: str) -> None:
    """TENANT_UNINSTALLED stops the tenant and marks it in the lease table, in the
    transaction that applies it: a worker started afterwards never claims it, although
    GET /tenants still lists it."""
    with Sandbox(students=5, tenants=3, ack_timeout=3) as sandbox:
        worker = _worker(fleet_url, sandbox)
        target = sorted(sandbox.state.tenants)[0]
        pushed = False

        def step() -> bool:
            nonlocal pushed
            if not pushed and worker.discovered and sandbox.state.queue.pending() == 0:
                sandbox.state.queue.push(target, "lifecycle_event", "TENANT_UNINSTALLED")
                pushed = True
                return False
            return (
                pushed
                and sandbox.state.queue.pending() == 0
                and target not in worker.runs
                and worker.stats.released >= 1
            )

        _run(worker, step)
        engine = create_engine(fleet_url)
        try:
            states = {row.tenant_id: row.state for row in fleet_status(engine)}
        finally:
            engine.dispose()
        assert states.pop(target) == "uninstalled"
        assert set(states.values()) == {"active"}

        restarted = _worker(fleet_url, sandbox)
        rounds = 0

        def settled() -> bool:
            nonlocal rounds
            rounds += 1  # the lease loop asks once per round
            return restarted.stats.claimed >= 2 and rounds > 4

        stats = _run(restarted, settled)
    assert stats.claimed == 2 and target in sandbox.state.tenants


@pytest.fixture
def fresh_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's monotonic clock as on a host booted a second ago: it counts from the
    boot, and a worker took a time of 0.0 for "never"."""
    import types

    from kimono_interop.fleet import _worker

    boot = time.monotonic() - 1.0
    clock = types.SimpleNamespace(monotonic=lambda: time.monotonic() - boot)
    monkeypatch.setattr(_worker, "time", clock)


def test_a_worker_prunes_the_mirrors_task_records_past_their_retention(
    fleet_url: str, fresh_host: None
) -> None:
    """The mirror's inbox would grow by a row a task for as long as the fleet runs: a
    worker deletes the records older than ``inbox_retention`` and keeps the rest, from
    its start (on a host up less than the prune interval, an hour here, it waited for
    the host's first hour to pass)."""
    with Sandbox(students=5, tenants=2, ack_timeout=3) as sandbox:
        worker = _worker(fleet_url, sandbox)
        _run(worker, lambda: worker.discovered and sandbox.state.queue.pending() == 0)
        engine = create_engine(fleet_url)
        try:
            with engine.begin() as connection:
                recorded = connection.scalar(sa.text("SELECT count(*) FROM mirror_inbox"))
                aged = connection.execute(
                    sa.text(
                        "UPDATE mirror_inbox SET recorded_at = recorded_at - interval '2 days' "
                        "WHERE task_id IN (SELECT task_id FROM mirror_inbox "
                        "ORDER BY task_id LIMIT 7)"
                    )
                ).rowcount
            assert recorded > aged == 7

            again = _worker(fleet_url, sandbox, inbox_retention=86400.0)
            stats = _run(again, lambda: again.stats.inbox_pruned > 0)
            with engine.connect() as connection:
                left = connection.scalar(sa.text("SELECT count(*) FROM mirror_inbox"))
        finally:
            engine.dispose()
    assert stats.inbox_pruned == 7
    assert left == recorded - 7


def test_the_pool_lets_a_just_claimed_tenant_go_first() -> None:
    """Waiters take free slots in order, except urgent ones (a tenant just claimed),
    which go first; a waiter cancelled leaves no slot taken."""

    async def main() -> tuple[list[str], int]:
        pool = Pool(1)
        order: list[str] = []

        async def take(name: str, urgent: bool) -> None:
            async with pool.slot(urgent=urgent):
                order.append(name)
                await anyio.sleep(0.01)

        async with anyio.create_task_group() as group, pool.slot():
            group.start_soon(take, "a", False)
            group.start_soon(take, "b", False)
            await anyio.sleep(0.02)
            with anyio.move_on_after(0.01):
                await take("cancelled", False)
            group.start_soon(take, "claimed", True)
            await anyio.sleep(0.02)
        return order, pool.used

    order, used = anyio.run(main)
    assert order == ["claimed", "a", "b"] and used == 0


def test_a_worker_cut_off_from_its_database_stops_polling_its_tenants(fleet_url: str) -> None:
    """Once no lease round has gone through for a TTL (less the ack margin), the worker's
    leases may be another's: it polls none of its tenants (a batch it took would wait for
    the real owner until the service's redelivery) until a round goes through again,
    and is not ready; it used to go on polling the tenants it no longer held."""
    with Sandbox(students=5, tenants=2, ack_timeout=30) as sandbox:
        worker = _worker(fleet_url, sandbox)
        tick = worker.leases.tick
        phase = {"at": 0.0, "n": 0, "polls": 0}
        ready: list[bool] = []
        person = dict(next(iter(sandbox.state.roster.persons.values())))

        def down(*args: object, **kwargs: object) -> object:
            raise sa.exc.OperationalError("lease round", {}, Exception("database down"))

        def step() -> bool:
            now = time.monotonic()
            if phase["n"] == 0 and worker.discovered and sandbox.state.queue.pending() == 0:
                if len(worker.runs) == 2:
                    worker.leases.tick = down  # type: ignore[method-assign]
                    phase.update(n=1, at=now)
            elif phase["n"] == 1 and now - phase["at"] > 2.5:
                ready.append(worker.readiness()[0])
                phase["polls"] = worker.stats.polls
                sandbox.state.inject("UPDATE", "persons", {**person, "email": "late@x.edu"})
                phase.update(n=2, at=now)
            elif phase["n"] == 2 and now - phase["at"] > 1.5:
                return True
            return False

        stats = _run(worker, step)
        worker.leases.tick = tick  # type: ignore[method-assign]
        outstanding = sum(len(t) for t in sandbox.state.queue._outstanding.values())
    assert outstanding == 0 and sandbox.state.queue.pending() >= 1  # not taken
    assert ready == [False] and stats.polls == phase["polls"]  # none since


def test_a_tenant_whose_wait_for_a_slot_outlasted_the_leases_does_not_poll(
    fleet_url: str,
) -> None:
    """The leases are checked again once a slot is free: a tenant that waited for one
    while no lease round went through for a TTL polled all the same (checked only before
    the wait), on a lease another worker may hold by now."""
    import contextlib
    from collections.abc import AsyncIterator

    with Sandbox(students=5, tenants=1, ack_timeout=30) as sandbox:
        worker = _worker(fleet_url, sandbox)
        slot = worker._pool.slot
        state: dict[str, float | None] = {"armed": None, "polls": None}

        def down(*args: object, **kwargs: object) -> object:
            raise sa.exc.OperationalError("lease round", {}, Exception("database down"))

        @contextlib.asynccontextmanager
        async def late_slot(*, urgent: bool = False) -> AsyncIterator[None]:
            async with slot(urgent=urgent):
                if state["armed"] is not None and state["polls"] is None:
                    # the wait for this slot outlasted the leases: no round for a TTL
                    worker.leases.tick = down  # type: ignore[method-assign]
                    worker.renewed_at = time.monotonic() - 10 * worker.lease_ttl
                    state["polls"] = worker.stats.polls
                    state["armed"] = time.monotonic()
                yield

        worker._pool.slot = late_slot  # type: ignore[method-assign]

        def step() -> bool:
            if state["armed"] is None:
                if worker.discovered and sandbox.state.queue.pending() == 0 and worker.runs:
                    state["armed"] = time.monotonic()
                return False
            return state["polls"] is not None and time.monotonic() - state["armed"] > 1.5

        stats = _run(worker, step)
    assert state["polls"] is not None and stats.polls == state["polls"]


def test_a_tenant_uninstalled_and_unlisted_while_no_worker_ran_is_served_once_listed_again(
    fleet_url: str,
) -> None:
    """Uninstalled, then no longer listed while the fleet was down: no running worker saw
    it go, so its row stayed ``uninstalled`` and, installed anew, nobody served it. A
    worker's whole listing marks it ``gone``, and once listed again it is claimed."""
    with Sandbox(students=3, tenants=2, ack_timeout=3) as sandbox:
        first = _worker(fleet_url, sandbox)
        _run(first, lambda: first.discovered and sandbox.state.queue.pending() == 0)
        tenant = sorted(sandbox.state.tenants)[0]
        engine = create_engine(fleet_url)
        try:
            with engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE fleet_leases SET state = 'uninstalled' WHERE tenant_id = :t"),
                    {"t": tenant},
                )
            info = sandbox.state.tenants.pop(tenant)  # no longer listed, the fleet down

            def state() -> str:
                return {row.tenant_id: row.state for row in fleet_status(engine)}[tenant]

            worker = _worker(fleet_url, sandbox, discover_interval=0.3)
            phase = {"n": 0}

            def step() -> bool:
                if phase["n"] == 0 and worker.discovered and state() == "gone":
                    sandbox.state.tenants[tenant] = info  # installed anew
                    phase["n"] = 1
                return phase["n"] == 1 and tenant in worker.runs

            stats = _run(worker, step, timeout=30)
        finally:
            engine.dispose()
    assert stats.claimed == 2


def test_a_tenant_s_lag_gauge_counts_from_its_claim_and_goes_with_it(fleet_url: str) -> None:
    """``tenant.lag`` while a tenant works through its initial sync (never seen caught up):
    the time since its claim (there was no series at all, exactly while it lagged); once
    the worker no longer serves it, no series (a 0 stayed for ever)."""
    import threading

    # each answer 20 ms late: the initial sync (a dozen batches) spans several rounds
    with Sandbox(students=40, tenants=1, ack_timeout=30, latency=0.02) as sandbox:
        worker = _worker(fleet_url, sandbox)
        tenant = next(iter(sandbox.state.tenants))
        key = ("kimono.fleet.tenant.lag", (("tenant", tenant),))
        seen: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.01):
                value = worker.telemetry.counters.gauges.get(key)
                if value is not None and sandbox.state.queue.pending() > 0:
                    seen.append(value)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            _run(worker, lambda: worker.discovered and sandbox.state.queue.pending() == 0)
        finally:
            done.set()
            sampler.join()
        assert key not in worker.telemetry.counters.gauges
    assert seen and max(seen) > 0


class _Undefined(Exception):
    sqlstate = "42P01"


def _refusing(rounds: float) -> Callable[..., object]:
    """A lease round that the store refuses (a table missing) ``rounds`` times, then
    goes through."""
    real: list[Callable[..., object]] = []
    calls = {"n": 0}

    def tick(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] <= rounds:
            raise sa.exc.ProgrammingError(
                "SELECT", {}, _Undefined('relation "fleet_leases" does not exist')
            )
        return real[0](*args, **kwargs)

    tick.real = real  # type: ignore[attr-defined]
    return tick


def test_a_store_without_the_fleet_s_tables_ends_the_run_with_its_error(fleet_url: str) -> None:
    """A lease round refused for good (a table dropped, a privilege revoked) ends the run
    with the database's error once it has lasted a TTL and three rounds, as refused
    credentials do: every round was logged and tried again for ever, the worker serving
    nothing. One that passes before (a migration's moment) ends nothing."""
    with Sandbox(students=1) as sandbox:
        worker = _worker(fleet_url, sandbox)
        worker.leases.tick = _refusing(math.inf)  # type: ignore[method-assign]
        started = time.monotonic()
        with pytest.raises(sa.exc.ProgrammingError, match="fleet_leases"):
            _run(worker, lambda: False, timeout=20)
        assert time.monotonic() - started >= worker.lease_ttl
        assert worker.stats.db_errors >= 3

        again = _worker(fleet_url, sandbox)
        passing = _refusing(2)
        passing.real.append(again.leases.tick)  # type: ignore[attr-defined]
        again.leases.tick = passing  # type: ignore[method-assign]
        stats = _run(again, lambda: again.stats.claimed >= 1, timeout=20)
    assert stats.db_errors == 2


def test_store_errors_between_other_failures_are_not_in_a_row(fleet_url: str) -> None:
    """Only store errors in a row end the run: rounds failing by turns on a store error
    and a lost connection are an outage, waited out (the count went on across them)."""
    turns = {"n": 0}

    def flapping(*args: object, **kwargs: object) -> object:
        turns["n"] += 1
        if turns["n"] % 2:
            raise sa.exc.ProgrammingError("SELECT", {}, _Undefined("relation does not exist"))
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    with Sandbox(students=1) as sandbox:
        worker = _worker(fleet_url, sandbox)
        worker.leases.tick = flapping  # type: ignore[method-assign]
        started = time.monotonic()
        stats = _run(worker, lambda: time.monotonic() - started > 2.5 * worker.lease_ttl)
    assert stats.db_errors >= 6


def test_a_tenant_listed_again_with_new_credentials_is_served_with_them(fleet_url: str) -> None:
    """A tenant uninstalled and installed again with a new secret: the worker serves it
    on a client made from the new listing (it used to keep the first client, whose token
    requests then failed for good, while it kept the lease)."""
    with Sandbox(students=3, tenants=2, ack_timeout=3, token_lifetime=1) as sandbox:
        worker = _worker(fleet_url, sandbox, discover_interval=0.3)
        tenant = sorted(sandbox.state.tenants)[0]
        info = copy.deepcopy(sandbox.state.tenants[tenant])
        person = dict(next(iter(sandbox.state.roster.persons.values())))
        phase = {"n": 0}

        def step() -> bool:
            n = phase["n"]
            if n == 0 and worker.discovered and sandbox.state.queue.pending() == 0:
                del sandbox.state.tenants[tenant]  # uninstalled
                phase["n"] = 1
            elif n == 1 and tenant not in worker.tenants and tenant not in worker.runs:
                info["auth"]["client_secret"] = "rotated-on-reinstall"
                sandbox.state.tenants[tenant] = info  # installed anew, a new secret
                phase["n"] = 2
            elif n == 2 and tenant in worker.runs:
                sandbox.state.inject("UPDATE", "persons", {**person, "email": "after@x.edu"})
                phase["n"] = 3
            elif n == 3:
                return sandbox.state.queue.pending() == 0
            return False

        stats = _run(worker, step, timeout=30)
    assert stats.writes_refused == 0 and sandbox.state.queue.pending() == 0


@pytest.mark.parametrize("failing", [[422], [503, 503, 503]])
def test_a_worker_s_acks_count_what_the_service_refused_and_resend_only_the_rest(
    failing: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    """After a bulk 404 (an id the service does not know), each ack goes alone: one the
    service refuses (422) is counted and logged, where it passed unseen; an outage
    part-way (503 beyond the retries) sends again only what is left, where every ack went
    again and those applied came back refused."""
    from kimono_interop import AsyncKimonoClient
    from kimono_interop.fleet._worker import TenantLog
    from kimono_interop.mirror import TaskOutcome
    from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_id_of

    tasks = [make_task(n) for n in range(3)]
    ids = [task_id_of(t) for t in tasks]
    queue = FakeQueue(tasks)
    queue.fail_single = {ids[1]: list(failing)}
    worker = Worker(
        "postgresql://fleet@127.0.0.1:1/none",
        client_id="id",
        client_secret="secret",
        poll_interval=0.001,
    )
    worker.leases.check = lambda *args, **kwargs: True  # type: ignore[method-assign]
    tenant = "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"
    stranger = "00000000-0000-4000-8000-0000000000ff"
    run = TenantRun(Lease(tenant, worker.worker_id, 1), cast(Applier, None))
    outcomes = [TaskOutcome(i, "applied", "success") for i in [*ids, stranger]]
    tlog = TenantLog(logging.getLogger("kimono_interop.fleet"), {"tenant_id": tenant})

    async def main() -> bool:
        async with queue_client(AsyncKimonoClient, queue) as client:
            worker._clients[tenant] = client
            return await worker._ack(run, outcomes, tlog)

    assert anyio.run(main)
    refused = {stranger} | ({ids[1]} if failing == [422] else set())
    acked = [i for i in ids if i not in refused]
    assert [a["task_id"] for a in queue.acks] == acked
    assert (worker.stats.acked, worker.stats.ack_failures) == (len(acked), len(refused))
    logged = [r.getMessage() for r in caplog.records if "was refused" in r.getMessage()]
    assert len(logged) == len(refused)


def test_a_worker_holds_no_lease_surely_before_its_first_round(
    fleet_url: str, fresh_host: None
) -> None:
    """Before any lease round went through, no lease is surely held: on a host up less
    than a TTL, a time of 0.0 for "never" made it look renewed a moment ago."""
    with Sandbox(students=1) as sandbox:
        worker = _worker(fleet_url, sandbox)
        try:
            assert not worker.leases_valid()
        finally:
            worker.engine.dispose()


def test_a_worker_claims_its_tenants_as_soon_as_they_are_first_listed(fleet_url: str) -> None:
    """The lease loop began before the first listing came, found nothing to claim, and
    slept a third of the TTL: a worker started with the default TTL served no tenant for
    its first 10 s (here, with a TTL of 300 s, 100 s)."""
    with Sandbox(students=3, tenants=2) as sandbox:
        worker = _worker(fleet_url, sandbox, lease_ttl=300.0)

        async def main() -> None:
            with anyio.fail_after(30):
                async with anyio.create_task_group() as group:

                    async def stop_once_claimed() -> None:
                        while worker.stats.claimed < 2:
                            await anyio.sleep(0.02)
                        worker.stop()

                    group.start_soon(stop_once_claimed)
                    await worker.run()

        anyio.run(main)
    assert worker.stats.claimed == 2
