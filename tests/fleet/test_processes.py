"""Three worker processes, 50 tenants, a throwaway PostgreSQL: kill -9 one, freeze another.

The sandbox runs in this process; changes are injected all along, so every tenant
always has work. Worker 1 is killed (SIGKILL); later worker 2 is frozen (SIGSTOP) until
worker 3 has taken its tenants over, then thawed (SIGCONT). Checked afterwards:

- every tenant is drained, and each one's mirror holds the last injected change;
- each task's change is in the mirror's change feed exactly once;
- each of the killed worker's tenants is claimed once, only after its lease expired,
  under the next epoch, and written by the new owner after that claim, within the
  lease TTL plus the sandbox's redelivery delay (a batch handed to the dead worker
  comes back only then), plus one renew interval and one idle poll interval;
- per tenant, every committed write carries an epoch no smaller than the one before
  it, and each epoch belongs to one worker: no two workers ever held it at once;
- the frozen worker, thawed, finds its leases lost, and none of its writes under them
  committed (any it tried was refused).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kimono_interop.fleet import create_engine
from kimono_interop.sandbox import Sandbox
from tests.support.fleet import fleet_run_command, sandbox_env

TENANTS = 50
TTL = 2.0
REDELIVERY = 3.0  # the sandbox's ack_timeout
POLL_INTERVAL = 0.05
MAX_POLL_INTERVAL = 0.25
#: The takeover's bound: the lease expires at most a TTL after the kill, and a batch in
#: flight comes back at most the redelivery delay after it; on top, one renew interval
#: (a third of the TTL: the lease round) and the longest wait between two polls.
TAKEOVER_BOUND = TTL + REDELIVERY + TTL / 3 + MAX_POLL_INTERVAL


def wait_for(what: str, predicate: Callable[[], bool], timeout: float = 30.0) -> float:
    """Poll ``predicate`` until true; returns the seconds it took (AssertionError on timeout)."""
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - started


@contextmanager
def worker(url: str, sandbox: Sandbox, name: str, logs: Path) -> Iterator[subprocess.Popen[str]]:
    command = fleet_run_command(
        url,
        name,
        lease_ttl=TTL,
        concurrency=8,
        discover_interval=1.0,
        poll_interval=POLL_INTERVAL,
        max_poll_interval=MAX_POLL_INTERVAL,
        ack_every=25,
    )
    with (logs / f"{name}.log").open("w") as stderr:
        process = subprocess.Popen(
            command, env=sandbox_env(sandbox), stdout=subprocess.PIPE, stderr=stderr, text=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGCONT)
            process.kill()
        process.wait(timeout=10)


def finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    """SIGTERM, and the counts the worker prints on its way out."""
    process.send_signal(signal.SIGTERM)
    stdout, _ = process.communicate(timeout=20)
    assert process.returncode == 0, stdout
    return dict(json.loads(stdout.strip().splitlines()[-1]))


class Injector(threading.Thread):
    """Updates one person every 0.5 s: every tenant gets a task for each update."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(daemon=True)
        self.sandbox = sandbox
        self.person = dict(next(iter(sandbox.state.roster.persons.values())))
        self.count = 0
        self.running = threading.Event()
        self.running.set()

    def run(self) -> None:
        while self.running.is_set():
            self.count += 1
            self.person = {**self.person, "email": f"update-{self.count}@example.edu"}
            self.sandbox.state.inject("UPDATE", "persons", self.person)
            time.sleep(0.5)

    def stop(self) -> None:
        self.running.clear()
        self.join()


def test_three_workers_one_killed_one_frozen(fleet_url: str, tmp_path: Path) -> None:
    """The scenario of the module's docstring, checked from the database and the sandbox."""
    engine = create_engine(fleet_url)

    def query(sql: str, **params: Any) -> list[Any]:
        with engine.connect() as connection:
            return list(connection.execute(sa.text(sql), params).all())

    def owners() -> dict[str, tuple[str | None, int]]:
        rows = query(
            "SELECT tenant_id, CASE WHEN lease_until > clock_timestamp() THEN owner END, epoch "
            "FROM fleet_leases"
        )
        return {row[0]: (row[1], int(row[2])) for row in rows}

    def held_by(name: str) -> dict[str, int]:
        return {tenant: epoch for tenant, (owner, epoch) in owners().items() if owner == name}

    def db_now() -> datetime:
        return query("SELECT clock_timestamp()")[0][0]  # type: ignore[no-any-return]

    with Sandbox(students=8, tenants=TENANTS, ack_timeout=REDELIVERY, seed=11) as sandbox:
        objects = sum(len(c) for c in sandbox.state.sync_collections().values())
        injector = Injector(sandbox)
        with (
            worker(fleet_url, sandbox, "w1", tmp_path) as w1,
            worker(fleet_url, sandbox, "w2", tmp_path) as w2,
            worker(fleet_url, sandbox, "w3", tmp_path) as w3,
        ):
            wait_for(
                "every tenant held, by three workers",
                lambda: (
                    sum(1 for owner, _ in owners().values() if owner) == TENANTS
                    and len({owner for owner, _ in owners().values()}) == 3
                ),
            )
            initial = wait_for(
                "the initial syncs drained", lambda: sandbox.state.queue.pending() == 0, 60
            )
            injector.start()
            time.sleep(1.0)

            # kill -9 one worker: its tenants are taken over and written again.
            victims = held_by("w1")
            assert victims
            killed_at = db_now()
            w1.kill()
            w1.wait()
            # w1 renews nothing more: when each of its leases expires is fixed from here.
            expiry = dict(
                query(
                    "SELECT tenant_id, lease_until FROM fleet_leases "
                    "WHERE owner = 'w1' AND tenant_id = ANY(:ids)",
                    ids=sorted(victims),
                )
            )
            assert set(expiry) == set(victims)
            wait_for(
                "the killed worker's tenants taken over",
                lambda: all(owners()[t][0] in ("w2", "w3") for t in victims),
                timeout=TTL * 4,
            )

            def takeovers() -> list[Any]:
                """Per tenant of w1: the claim that took it from w1, and the first write
                of the new owner under that claim's epoch."""
                return query(
                    "SELECT c.tenant_id, c.owner, c.epoch, c.at AS claimed_at, "
                    "(SELECT min(w.at) FROM fleet_writes w WHERE w.tenant_id = c.tenant_id "
                    " AND w.epoch = c.epoch AND w.owner = c.owner) AS written_at "
                    "FROM fleet_lease_log c WHERE c.tenant_id = ANY(:ids) "
                    "AND c.previous_owner = 'w1' AND c.at > :t",
                    ids=sorted(victims),
                    t=killed_at,
                )

            wait_for(
                "the killed worker's tenants written again",
                lambda: (
                    all(row.written_at is not None for row in takeovers())
                    and len(takeovers()) == len(victims)
                ),
                timeout=TAKEOVER_BOUND * 4,
            )
            # Each tenant was claimed once, only after w1's lease had expired, under the
            # next epoch, and written by its new owner under that epoch after the claim.
            rows = takeovers()
            assert sorted(row.tenant_id for row in rows) == sorted(victims)
            for row in rows:
                assert row.claimed_at >= expiry[row.tenant_id], row
                assert row.epoch == victims[row.tenant_id] + 1, row
                assert row.claimed_at < row.written_at, row
            takeover = max((row.written_at - killed_at).total_seconds() for row in rows)
            claim_lag = max(
                (row.claimed_at - expiry[row.tenant_id]).total_seconds() for row in rows
            )
            assert takeover <= TAKEOVER_BOUND, (takeover, TAKEOVER_BOUND)

            # SIGSTOP another: worker 3 takes its tenants over; then SIGCONT.
            wait_for("two workers sharing the tenants", lambda: len(held_by("w2")) >= 20)
            frozen = held_by("w2")
            frozen_at = db_now()
            w2.send_signal(signal.SIGSTOP)
            wait_for(
                "the frozen worker's tenants taken over and written",
                lambda: (
                    all(owners()[t][0] == "w3" for t in frozen)
                    and len(
                        query(
                            "SELECT DISTINCT tenant_id FROM fleet_writes "
                            "WHERE owner = 'w3' AND tenant_id = ANY(:ids) AND at > :t",
                            ids=sorted(frozen),
                            t=frozen_at,
                        )
                    )
                    == len(frozen)
                ),
                # Every frozen tenant must also get a new change to write: the injector's
                # round over 50 tenants, slower on a loaded machine, bounds this, not the
                # lease; the takeover's own bound is checked on the killed worker above.
                timeout=60,
            )
            time.sleep(0.5)
            w2.send_signal(signal.SIGCONT)
            wait_for("the thawed worker serving again", lambda: len(held_by("w2")) >= 20)
            time.sleep(1.0)
            injector.stop()
            wait_for("every tenant drained", lambda: sandbox.state.queue.pending() == 0, timeout=30)
            stats2, stats3 = finish(w2), finish(w3)

        # Every tenant drained, each one's mirror current.
        last = injector.person["email"]
        rows = query(
            "SELECT tenant_id, data FROM mirror_objects WHERE object_type = 'persons' "
            "AND object_id = :id",
            id=injector.person["$sys"]["id"],
        )
        assert len(rows) == TENANTS and all(row[1]["email"] == last for row in rows)
        live = query(
            "SELECT tenant_id, count(*) FROM mirror_objects WHERE deleted = false "
            "GROUP BY tenant_id"
        )
        assert sorted(int(row[1]) for row in live) == [objects] * TENANTS

    # Exactly once: each data task's change is in the feed once.
    changes = query(
        "SELECT count(*), count(DISTINCT task_id) FROM mirror_changes WHERE op <> 'sweep'"
    )[0]
    assert changes[0] == changes[1] == TENANTS * (objects + injector.count)

    # No two workers held one epoch at once, and epochs only grow in commit order.
    assert not query(
        "SELECT tenant_id, epoch FROM fleet_writes GROUP BY tenant_id, epoch "
        "HAVING count(DISTINCT owner) > 1"
    )
    assert not query(
        "SELECT 1 FROM (SELECT epoch, lag(epoch) OVER (PARTITION BY tenant_id ORDER BY id) "
        "AS before FROM fleet_writes) w WHERE epoch < before"
    )
    assert not query(
        "SELECT tenant_id, epoch FROM fleet_lease_log GROUP BY tenant_id, epoch HAVING count(*) > 1"
    )
    # The thawed worker learnt it had lost its leases, and none of its writes under an old
    # epoch committed once the new owner had written. Whether it tried one first depends
    # on where SIGSTOP caught it (in a cycle, or between two): its refusals are reported
    # below, not required; the fence's refusal itself is test_leases' to prove.
    assert stats2["lost"] >= 1, stats2
    assert not query(
        "SELECT 1 FROM fleet_writes old JOIN fleet_writes new "
        "ON old.tenant_id = new.tenant_id AND new.epoch > old.epoch AND new.id < old.id"
    )
    assert stats3["writes_refused"] == 0, stats3
    engine.dispose()
    print(
        f"takeover {takeover:.2f} s (bound {TAKEOVER_BOUND:.2f} s), claims at most "
        f"{claim_lag:.2f} s after expiry; thawed worker refused "
        f"{stats2['writes_refused']} write(s), {stats2['acks_refused']} ack(s); "
        f"{injector.count} injected changes; "
        f"initial syncs of {TENANTS} tenants drained in {initial:.1f} s"
    )
