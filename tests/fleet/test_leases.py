"""Leases on PostgreSQL: fair shares, renewal, takeover, and fencing of writes and acks."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from kimono_interop.fleet import (
    Lease,
    LeaseLost,
    Leases,
    create_engine,
    fleet_status,
    head,
    migrate,
    migration_sql,
)
from kimono_interop.mirror._migrations import FLEET

TENANTS = [f"t{i:02d}" for i in range(10)]


def test_the_fleet_keeps_its_own_version_table(fleet_engine: sa.Engine) -> None:
    """The fleet's tables come with their own Alembic version table, next to the mirror's."""
    migrate(fleet_engine)  # again: nothing to do
    with fleet_engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
        assert {"fleet_leases", "fleet_workers", "fleet_writes", "fleet_progress"} <= names
        assert {FLEET.version_table, "mirror_alembic_version", "mirror_objects"} <= names
        assert (
            connection.scalar(sa.text(f"SELECT version_num FROM {FLEET.version_table}")) == head()
        )
    assert "CREATE TABLE fleet_leases" in migration_sql()


def test_a_fleet_needs_postgresql(tmp_path: object) -> None:
    """SQLite has no SKIP LOCKED and no session timeouts: a fleet refuses it."""
    with pytest.raises(ValueError, match="PostgreSQL"):
        create_engine("sqlite:///x.db")


def test_workers_share_the_tenants_fairly_and_rebalance(fleet_engine: sa.Engine) -> None:
    """Shares are ceil(tenants / live workers); a newcomer gets what others give back."""
    a = Leases(fleet_engine, "a", ttl=30)
    b = Leases(fleet_engine, "b", ttl=30)
    first = a.tick(TENANTS, {})
    assert len(first.claimed) == 10 and set(first.claimed.values()) == {1}
    held_a = dict(first.claimed)
    second = b.tick(TENANTS, {})
    assert second.live_workers == 2 and second.share == 5 and not second.claimed
    third = a.tick(TENANTS, held_a)
    assert third.renewed == held_a and third.surplus == 5
    give_back = dict(sorted(held_a.items())[5:])
    for tenant in give_back:
        del held_a[tenant]
    a.tick(TENANTS, held_a, release=give_back)
    fourth = b.tick(TENANTS, {})
    assert set(fourth.claimed) == set(give_back)
    assert set(fourth.claimed.values()) == {2}  # a new owner: a new epoch
    # A third worker: shares of ceil(10 / 3) = 4; nothing is free until someone gives back.
    c = Leases(fleet_engine, "c", ttl=30)
    assert c.tick(TENANTS, {}).share == 4
    assert a.tick(TENANTS, held_a).surplus == 1
    # Leaving releases everything and the heartbeat: shares of 5 for the two left. Its
    # count is of leases still its own: one already taken over is not released again.
    assert a.leave({**held_a, next(iter(give_back)): 1}) == len(held_a) == 5
    after = c.tick(TENANTS, {})
    assert after.live_workers == 2 and len(after.claimed) == 5


def test_a_lost_lease_refuses_writes_and_acks(fleet_engine: sa.Engine) -> None:
    """After a takeover the old owner's write is rolled back, its ack check fails, and its
    renewal reports the lease lost; only its earlier write is in the log."""
    a = Leases(fleet_engine, "a", ttl=0.5)
    b = Leases(fleet_engine, "b", ttl=30)
    epoch = a.tick(["t1"], {}).claimed["t1"]
    lease = Lease("t1", "a", epoch)
    with fleet_engine.begin() as connection:
        Leases.fence(connection, lease, 3, 17)
    assert a.check(lease)
    assert not a.check(lease, margin=5)  # less than 5 s left
    time.sleep(0.7)  # a freezes past its TTL; b takes over
    assert not a.check(lease)
    assert b.tick(["t1"], {}).claimed == {"t1": epoch + 1}
    with pytest.raises(LeaseLost), fleet_engine.begin() as connection:
        Leases.fence(connection, lease, 1, 18)
    renewed = a.tick(["t1"], {"t1": epoch})
    assert renewed.lost == {"t1"} and not renewed.renewed
    with fleet_engine.connect() as connection:
        writes = connection.execute(sa.text("SELECT owner, epoch FROM fleet_writes")).all()
        sequence = connection.scalar(sa.text("SELECT last_sequence FROM fleet_progress"))
        log = connection.execute(
            sa.text("SELECT owner, epoch, previous_owner FROM fleet_lease_log ORDER BY id")
        ).all()
    assert [tuple(row) for row in writes] == [("a", epoch)]  # the refused write left nothing
    assert sequence == 17
    assert [tuple(row) for row in log] == [("a", 1, None), ("b", 2, "a")]


def test_a_write_in_progress_holds_off_the_takeover(fleet_engine: sa.Engine) -> None:
    """The fence keeps the lease row locked until the write commits: the row is skipped
    by a claim meanwhile, even once expired, so the old owner's commit comes first."""
    a = Leases(fleet_engine, "a", ttl=0.3)
    b = Leases(fleet_engine, "b", ttl=30)
    epoch = a.tick(["t1"], {}).claimed["t1"]
    with fleet_engine.begin() as connection:
        Leases.fence(connection, Lease("t1", "a", epoch), 1, None)
        time.sleep(0.5)  # expired now, but the transaction still holds the row
        assert b.tick(["t1"], {}).claimed == {}
    assert b.tick(["t1"], {}).claimed == {"t1": epoch + 1}


def test_the_owner_renews_its_leases_while_one_of_its_writes_is_in_flight(
    fleet_engine: sa.Engine,
) -> None:
    """A write of tenant t1 holds its lease row until it commits: the owner's renewal of
    all its leases (t1 among them) goes on meanwhile, where it used to wait for the
    write, holding back its heartbeat while its other lease ran out for a taker."""
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(["t1", "t2"], {}).claimed
    renewed: list[dict[str, int]] = []
    with fleet_engine.begin() as connection:
        Leases.fence(connection, Lease("t1", "a", held["t1"]), 1, None)
        renewal = threading.Thread(
            target=lambda: renewed.append(a.tick(["t1", "t2"], held).renewed), daemon=True
        )
        renewal.start()
        renewal.join(10)
        assert renewed == [held]  # done while the write's transaction is still open
    # and the fence still keeps a claim off the row while the write is in flight
    b = Leases(fleet_engine, "b", ttl=30)
    short = Leases(fleet_engine, "a", ttl=0.3)
    epoch = short.tick(["t3"], {}).claimed["t3"]
    with fleet_engine.begin() as connection:
        Leases.fence(connection, Lease("t3", "a", epoch), 1, None)
        time.sleep(0.5)
        assert b.tick(["t3"], {}).claimed == {}


def test_concurrent_claims_never_take_the_same_tenant(fleet_engine: sa.Engine) -> None:
    """Three workers claiming at the same instant get disjoint, equal shares."""
    tenants = [f"t{i:03d}" for i in range(60)]
    Leases(fleet_engine, "seed", ttl=30).leave({})
    workers = [Leases(fleet_engine, f"w{i}", ttl=30) for i in range(3)]
    for worker in workers:  # every heartbeat first: shares of 20
        worker.tick(tenants, {}, claim=False)
    claimed: dict[str, dict[str, int]] = {}
    barrier = threading.Barrier(3)

    def claim(worker: Leases) -> None:
        barrier.wait()
        claimed[worker.worker_id] = worker.tick(tenants, {}).claimed

    threads = [threading.Thread(target=claim, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    everyone = [tenant for got in claimed.values() for tenant in got]
    assert len(everyone) == len(set(everyone)) == 60
    assert sorted(len(got) for got in claimed.values()) == [20, 20, 20]


def test_a_dead_owners_expiry_is_reported_so_the_claim_comes_right_then(
    fleet_engine: sa.Engine,
) -> None:
    """A round reports when the first lease another worker holds expires; claiming at
    that moment takes it, with no round to wait for."""
    a = Leases(fleet_engine, "a", ttl=1.0)
    b = Leases(fleet_engine, "b", ttl=1.0)
    epoch = a.tick(["t1", "t2"], {}).claimed["t1"]
    first = b.tick(["t1", "t2"], {})
    assert not first.claimed and first.next_expiry is not None
    assert 0 < first.next_expiry <= 1.0
    time.sleep(first.next_expiry + 0.05)
    second = b.tick(["t1", "t2"], {})
    assert second.live_workers == 1  # a's heartbeat expired with its leases
    assert second.claimed == {"t1": epoch + 1, "t2": epoch + 1}
    assert second.next_expiry is None  # nobody else holds anything now


def _log_rows(engine: sa.Engine, table: str) -> list[tuple[str, int]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT tenant_id, epoch FROM {table} ORDER BY id"))
        return [(row[0], int(row[1])) for row in rows]


def test_old_write_and_claim_records_are_pruned_but_each_tenants_newest(
    fleet_engine: sa.Engine,
) -> None:
    """Rows of fleet_writes and fleet_lease_log past the retention go, except the newest
    of each tenant: the tables stay bounded, and each tenant keeps its last epoch."""
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(["t1", "t2"], {}).claimed
    for epoch in (1, 2, 3):
        with fleet_engine.begin() as connection:
            connection.execute(sa.text("UPDATE fleet_leases SET epoch = :e"), {"e": epoch})
            for tenant in ("t1", "t2") if epoch == 1 else ("t1",):
                Leases.fence(connection, Lease(tenant, "a", epoch), 1, None)
    with fleet_engine.begin() as connection:  # all of them an hour old but t1's newest
        connection.execute(
            sa.text("UPDATE fleet_writes SET at = at - interval '1 hour' WHERE epoch < 3")
        )
        connection.execute(sa.text("UPDATE fleet_lease_log SET at = at - interval '1 hour'"))
        connection.execute(
            sa.text(
                "INSERT INTO fleet_lease_log (tenant_id, owner, epoch, at) VALUES "
                "('t1', 'a', 3, clock_timestamp())"
            )
        )
    assert a.prune(7200) == 0  # nothing is older than two hours
    # t1's writes of epochs 1 and 2, and t1's first claim, one a transaction: a call goes
    # on while a transaction found its limit (it stopped at one, and fell behind for good)
    assert a.prune(60, limit=1, stopping=lambda: True) == 0  # a stop ends it first
    assert a.prune(60, limit=1) == 3
    assert _log_rows(fleet_engine, "fleet_writes") == [("t2", 1), ("t1", 3)]
    assert _log_rows(fleet_engine, "fleet_lease_log") == [("t2", 1), ("t1", 3)]
    assert a.prune(60) == 0
    assert set(held) == {"t1", "t2"}


def test_an_uninstalled_tenant_is_never_claimed_again(fleet_engine: sa.Engine) -> None:
    """The transaction that applies TENANT_UNINSTALLED marks the tenant: released, it is
    claimed by nobody, a restarted worker included, while GET /tenants still lists it;
    once no longer listed and listed again (installed anew), it is claimed again."""
    tenants = ["t1", "t2"]
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(tenants, {}).claimed
    with fleet_engine.begin() as connection:
        lease = Lease("t1", "a", held["t1"])
        Leases.fence(connection, lease, 1, None)
        Leases.mark_uninstalled(connection, lease)
    a.leave(held)
    restarted = Leases(fleet_engine, "a2", ttl=30)
    assert set(restarted.tick(tenants, {}).claimed) == {"t2"}
    states = {row.tenant_id: row.state for row in fleet_status(fleet_engine)}
    assert states == {"t1": "uninstalled", "t2": "active"}
    # No longer listed: gone (so is t2 when its listing stops too).
    restarted.tick(["t2"], {"t2": 1}, gone=["t1"])
    assert {row.tenant_id: row.state for row in fleet_status(fleet_engine)}["t1"] == "gone"
    # Listed again: active, and claimed.
    again = Leases(fleet_engine, "b", ttl=30)
    assert set(again.tick(tenants, {}).claimed) == {"t1"}
    assert {row.state for row in fleet_status(fleet_engine)} == {"active"}


def _uninstall(engine: sa.Engine, leases: Leases, tenant: str, epoch: int) -> None:
    with engine.begin() as connection:
        lease = Lease(tenant, leases.worker_id, epoch)
        Leases.fence(connection, lease, 1, None)
        Leases.mark_uninstalled(connection, lease)
    leases.leave({tenant: epoch})


def test_a_tenant_unlisted_while_no_worker_saw_it_go_is_gone_and_claimed_when_listed_again(
    fleet_engine: sa.Engine,
) -> None:
    """An uninstalled tenant that stopped being listed while no worker ran (or between
    two listings) was never seen to go by any worker's memory: it stayed ``uninstalled``,
    and listed again (installed anew) nobody claimed it, for ever. A whole listing now
    marks every tenant it leaves out ``gone``."""
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(["t1", "t2"], {}).claimed
    _uninstall(fleet_engine, a, "t1", held["t1"])
    a.leave(held)
    restarted = Leases(fleet_engine, "b", ttl=30)
    before = restarted.tick(["t2"], {}, claim=False).began  # then it lists: no t1
    # with no round before it to say what it speaks for, a listing marks nothing
    restarted.tick(["t2"], {}, listed=["t2"], claim=False)
    assert {row.tenant_id: row.state for row in fleet_status(fleet_engine)}["t1"] == "uninstalled"
    restarted.tick(["t2"], {}, listed=["t2"], listed_before=before)
    states = {row.tenant_id: row.state for row in fleet_status(fleet_engine)}
    assert states == {"t1": "gone", "t2": "active"}
    assert "t1" in restarted.tick(["t1", "t2"], {"t2": 2}).claimed


def test_a_listing_marks_gone_no_tenant_it_cannot_speak_for(fleet_engine: sa.Engine) -> None:
    """A listing read a while ago, by a worker that missed a newer install or uninstall,
    leaves alone: a tenant another worker holds under a live lease (its owner's listing
    has it), one registered since, and one uninstalled since (gone, and then listed by
    anyone, it was claimed again while the service still listed it uninstalled)."""
    a = Leases(fleet_engine, "a", ttl=30)
    b = Leases(fleet_engine, "b", ttl=30)
    a.tick(["t1", "t4"], {}, claim=False)
    before = a.tick(["t1", "t4"], {}, claim=False).began  # then a lists: t1 alone
    b.tick(["t1", "t2", "t3", "t4"], {}, claim=False)  # t2 and t3 installed since
    with fleet_engine.begin() as connection:  # b holds t2, and t4 (registered long ago)
        connection.execute(
            sa.text(
                "UPDATE fleet_leases SET owner = 'b', lease_until = clock_timestamp() "
                "+ interval '30 seconds' WHERE tenant_id IN ('t2', 't4')"
            )
        )
        connection.execute(
            sa.text(
                "UPDATE fleet_leases SET state = 'uninstalled', "
                "state_at = clock_timestamp() WHERE tenant_id = 't3'"
            )
        )
    a.tick(["t1"], {}, listed=["t1"], listed_before=before, claim=False)
    states = {row.tenant_id: (row.state, row.owner) for row in fleet_status(fleet_engine)}
    assert states["t2"] == ("active", "b") and states["t3"] == ("uninstalled", None)
    assert states["t4"] == ("active", "b")  # held: its owner's listing speaks for it
    # listed after all that, and still without them: gone (the leases expired)
    with fleet_engine.begin() as connection:
        connection.execute(sa.text("UPDATE fleet_leases SET lease_until = clock_timestamp()"))
    before = a.tick(["t1"], {}, claim=False).began
    a.tick(["t1"], {}, listed=["t1"], listed_before=before, claim=False)
    states = {row.tenant_id: row.state for row in fleet_status(fleet_engine)}
    assert states == {"t1": "active", "t2": "gone", "t3": "gone", "t4": "gone"}


def test_uninstalled_tenants_count_in_no_worker_s_share(fleet_engine: sa.Engine) -> None:
    """Shares are of the active tenants: with 2 of 4 listed tenants uninstalled, each of
    2 workers gets 1 (the first took both active ones, its share counted 4 tenants)."""
    tenants = ["t1", "t2", "t3", "t4"]
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(tenants, {}).claimed
    for tenant in ("t1", "t2"):
        _uninstall(fleet_engine, a, tenant, held.pop(tenant))
    a.leave(held)
    b = Leases(fleet_engine, "b", ttl=30)
    b.tick(tenants, {}, claim=False)  # live: two workers
    first = a.tick(tenants, {})
    assert first.share == 1 and len(first.claimed) == 1
    second = b.tick(tenants, {})
    assert second.share == 1 and len(second.claimed) == 1
    assert set(first.claimed) | set(second.claimed) == {"t3", "t4"}


def test_an_uninstall_marks_the_tenant_only_in_the_transaction_that_handles_it(
    fleet_engine: sa.Engine,
) -> None:
    """A chunk cut short by its deadline leaves the uninstall for the next one: the tenant
    must stay claimable until then, or its remaining tasks would never be applied."""
    from kimono_interop._task_view import TaskView
    from kimono_interop.fleet._worker import fenced_applier
    from tests.mirror.builders import data_task, new_id, person, task_id

    leases = Leases(fleet_engine, "a", ttl=30)
    tenant = TENANTS[0]
    lease = Lease(tenant, "a", leases.tick([tenant], {}).claimed[tenant])
    applier = fenced_applier(
        fleet_engine, lease, on_other=None, on_change=None, sweep_threshold=0.5, max_attempts=5
    )
    uninstall = TaskView.from_raw(
        {
            "schema": "3.0",
            "type": "lifecycle_event",
            "id": task_id(),
            "tenant_id": tenant,
            "action": "TENANT_UNINSTALLED",
        }
    )
    adds = [
        TaskView.from_raw(data_task("ADD", "persons", person(new_id()), n, tenant=tenant))
        for n in (1, 2)
    ]

    def state() -> str:
        return {row.tenant_id: row.state for row in fleet_status(fleet_engine)}[tenant]

    cut = applier.apply([*adds, uninstall], deadline=time.monotonic() - 1)
    assert cut.consumed == 1 and state() == "active"
    rest = applier.apply([*adds[cut.consumed :], uninstall])
    assert [o.status for o in rest.outcomes] == ["success", "success"]
    assert state() == "uninstalled"


def test_a_tenant_one_worker_saw_gone_is_active_once_another_lists_it(
    fleet_engine: sa.Engine,
) -> None:
    """Worker a's listing missed t1 for a moment; worker b listed it all along, so t1 is
    never new to b: b's next round still makes it active (and claimable) again."""
    a = Leases(fleet_engine, "a", ttl=30)
    b = Leases(fleet_engine, "b", ttl=30)
    b.tick(["t1", "t2"], {}, claim=False)
    a.tick(["t2"], {}, gone=["t1"], claim=False)
    assert {row.tenant_id: row.state for row in fleet_status(fleet_engine)}["t1"] == "gone"
    a.leave({})
    assert "t1" in b.tick(["t1", "t2"], {}).claimed
    assert {row.state for row in fleet_status(fleet_engine)} == {"active"}


def test_progress_is_stamped_on_the_database_s_clock(fleet_engine: sa.Engine) -> None:
    """A worker reports how long ago it polled and last caught up, measured on its own
    monotonic clock; the database stamps both on its own clock, so the lag the status
    shows holds whatever the worker's wall clock says (it used to compare the worker's
    times with the database's: 10 minutes off, a lag of 602 s, or of -598 s)."""
    a = Leases(fleet_engine, "a", ttl=30)
    held = a.tick(["t1"], {}).claimed
    a.tick(["t1"], held, polled=[{"tenant": "t1", "polled_age": 0.0, "caught_up_age": 2.0}])
    (row,) = fleet_status(fleet_engine)
    assert row.lag is not None and 2.0 <= row.lag < 5.0
    a.tick(["t1"], held, polled=[{"tenant": "t1", "polled_age": 0.0, "caught_up_age": None}])
    (row,) = fleet_status(fleet_engine)  # caught up as before: the lag grows
    assert row.lag is not None and 2.0 <= row.lag < 5.0
    a.tick(["t1"], held, polled=[{"tenant": "t1", "polled_age": 0.5, "caught_up_age": 0.0}])
    (row,) = fleet_status(fleet_engine)
    assert row.lag == 0


def test_a_new_owner_s_lag_counts_from_its_claim_not_from_the_last_owner_s_polls(
    fleet_engine: sa.Engine,
) -> None:
    """The last owner caught the queue up, then died; the new owner never polls (stuck).
    Its lag is the time since its claim: the last owner's caught-up poll made it 0, and
    a probe with --max-lag passed."""
    a = Leases(fleet_engine, "a", ttl=0.5)
    held = a.tick(["t1"], {}).claimed
    a.tick(["t1"], held, polled=[{"tenant": "t1", "polled_age": 0.0, "caught_up_age": 0.0}])
    (row,) = fleet_status(fleet_engine)
    assert row.lag == 0
    time.sleep(0.6)  # a's lease runs out
    b = Leases(fleet_engine, "b", ttl=30)
    assert "t1" in b.tick(["t1"], {}).claimed
    # a, paused past its TTL, reports its last caught-up poll late: its lease is lost,
    # and the report is not written over the new owner's progress
    late = a.tick(["t1"], held, polled=[{"tenant": "t1", "polled_age": 0.0, "caught_up_age": 0.0}])
    assert late.lost == {"t1"}
    time.sleep(0.2)
    (row,) = fleet_status(fleet_engine)
    assert row.owner == "b" and row.lag is not None and row.lag >= 0.2
