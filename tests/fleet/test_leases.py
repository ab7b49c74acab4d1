"""Leases on PostgreSQL: fair shares, renewal, takeover, and fencing of writes and acks."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from kimono_interop.fleet import Lease, LeaseLost, Leases, create_engine, migrate, migration_sql
from kimono_interop.fleet._store import VERSION_TABLE

TENANTS = [f"t{i:02d}" for i in range(10)]


def test_the_fleet_keeps_its_own_version_table(fleet_engine: sa.Engine) -> None:
    """The fleet's tables come with their own Alembic version table, next to the mirror's."""
    migrate(fleet_engine)  # again: nothing to do
    with fleet_engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
        assert {"fleet_leases", "fleet_workers", "fleet_writes", "fleet_progress"} <= names
        assert {VERSION_TABLE, "mirror_alembic_version", "mirror_objects"} <= names
        assert connection.scalar(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")) == "f0001"
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
    # Leaving releases everything and the heartbeat: shares of 5 for the two left.
    a.leave(held_a)
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
