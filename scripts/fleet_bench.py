"""The fleet at scale on one machine: many tenants, three worker processes, loopback.

``python -m scripts.fleet_bench`` starts a throwaway PostgreSQL cluster (as the tests do:
initdb and pg_ctl; or ``--db URL``), a sandbox with ``--tenants`` tenants (1,000) in
this process, and three ``kimono-interop fleet run`` processes. It measures:

- the time to drain the initial sync of every tenant (the sandbox queues one per
  tenant: its orgs, terms, courses, sections and persons, then grades queries and an
  authentication request);
- tenants per worker once drained;
- memory per tenant: each worker's RSS once drained, less its RSS when it made its first
  claim (imports done, no tenant served yet), divided by the tenants it holds;
- CPU seconds during the drain, and from the kill to the last takeover write: of each
  worker, of PostgreSQL (the server's processes, when this run started it), of the
  sandbox (this process) and of the rest of the machine (other work);
- takeover: with a change injected for every tenant every 5 s, one worker is killed
  (SIGKILL); the time until each of its tenants is written again by another worker,
  and its parts: when the lease expired, when a survivor claimed it, when the new
  owner first polled it and got a batch (the sandbox's polls are timed, in this
  process), against a control of the survivors' own tenants.

It rewrites ``docs/scaling.md`` with the figures and the reasoning that extrapolates
them (``--no-write``: print only). It is a report: it exits 0 unless it cannot run.

    python -m scripts.fleet_bench                    # 1,000 tenants (a few minutes)
    python -m scripts.fleet_bench --tenants 100 --no-write   # a smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.support.fleet import fleet_run_command, sandbox_env

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "scaling.md"
TICK = os.sysconf("SC_CLK_TCK")
INJECT_EVERY = 5.0  # seconds between two changes for every tenant, during the takeover
POLL_INTERVAL = 0.2
MAX_POLL_INTERVAL = 2.0


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of a process, its children that exited (reaped) and those still running:
    for PostgreSQL's postmaster, every backend's."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = sum(int(v) for v in fields[11:15]) / TICK  # utime, stime, cutime, cstime
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):
            total += cpu_seconds(int(child))
    return total


def machine_cpu_seconds() -> float:
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4))  # not idle, iowait
    return busy / TICK


def cpu_snapshot(
    processes: dict[str, subprocess.Popen[str]], postmaster: int | None
) -> dict[str, float]:
    """CPU seconds so far of each live worker, PostgreSQL (when this run started it),
    this process (the sandbox) and the whole machine; and the monotonic time."""
    out = {name: cpu_seconds(p.pid) for name, p in processes.items() if p.poll() is None}
    out["postgres"] = tree_cpu_seconds(postmaster) if postmaster else math.nan
    out["sandbox"] = cpu_seconds(os.getpid())
    out["machine"] = machine_cpu_seconds()
    out["wall"] = time.monotonic()
    return out


def cpu_spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds between two snapshots: per worker, ``workers`` in all, ``postgres``,
    ``sandbox``, ``other`` (the rest of the machine: the system, other work), ``wall``."""
    out = {k: round(v - before.get(k, 0.0), 2) for k, v in after.items()}
    workers = [k for k in out if k not in ("postgres", "sandbox", "machine", "wall")]
    out["workers"] = round(sum(out[k] for k in workers), 2)
    pg = 0.0 if math.isnan(out["postgres"]) else out["postgres"]
    out["other"] = round(out["machine"] - out["workers"] - pg - out["sandbox"], 2)
    return out


@contextlib.contextmanager
def database(given: str | None) -> Iterator[str]:
    if given:
        yield given
        return
    from tests.support.postgres import database as new_database
    from tests.support.postgres import server

    with server() as url, new_database(url) as db:
        yield db


def wait_for(what: str, predicate: Any, timeout: float) -> float:
    started = time.monotonic()
    while not predicate():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started


class PollLog:
    """Every poll the sandbox answers, timed (wall clock): which tenant, how many tasks."""

    def __init__(self, queue: Any) -> None:
        self.queue = queue
        self.calls: list[tuple[float, tuple[str, ...], int]] = []
        self.inner = queue.next_batch
        queue.next_batch = self.next_batch
        self.offset = time.time() - time.monotonic()  # the queue's clock is monotonic

    def next_batch(self, tenant_ids: list[str], limit: int = 100) -> list[Any]:
        out = self.inner(tenant_ids, limit)
        self.calls.append((time.time(), tuple(tenant_ids), len(out)))
        return list(out)

    def ready_at(
        self, tenants: list[str], redelivery: float, killed: float, injected: list[float]
    ) -> dict[str, float]:
        """When each tenant next has a task to hand out: its batch in flight at the kill
        comes back after the redelivery delay; else a task already queued; else the
        next injection."""
        queue = self.queue
        out = {}
        with queue._lock:
            for tenant in tenants:
                times = [
                    item.delivered_at
                    for item in queue._outstanding.get(tenant, {}).values()
                    if item.delivered_at is not None
                ]
                if times:
                    out[tenant] = max(times) + redelivery + self.offset
                elif queue._queues.get(tenant):
                    out[tenant] = killed
                else:
                    out[tenant] = math.inf
        nxt = min((t for t in injected if t > killed), default=killed + INJECT_EVERY)
        return {k: (nxt if v == math.inf else v) for k, v in out.items()}

    def first(self, tenant: str, after: float, *, delivered: bool) -> float:
        for at, ids, count in self.calls:
            if at >= after and tenant in ids and (count > 0 or not delivered):
                return at
        return math.nan


def takeover_phases(
    killed: float,
    victims: list[str],
    expiry: dict[str, float],
    claimed: dict[str, float],
    ready: dict[str, float],
    polls: PollLog,
    written: dict[str, float],
) -> dict[str, list[float]]:
    """Per victim tenant, seconds: when its lease expired, was claimed, polled by the new
    owner, had a task handed to the new owner, was written (all from the kill); and the
    waits between (claim after expiry, first poll after claim, delivery once both claimed
    and a task is there, write after delivery)."""
    out: dict[str, list[float]] = {
        k: []
        for k in (
            "expired",
            "ready",
            "claimed",
            "polled",
            "delivered",
            "written",
            "claim_after_expiry",
            "poll_after_claim",
            "delivery_after_claim_and_ready",
            "write_after_delivery",
        )
    }
    for tenant in victims:
        claim = claimed.get(tenant, math.nan)
        poll = polls.first(tenant, claim, delivered=False)
        # From the claim: a poll of the dead worker's still in flight at the kill may be
        # answered (with a batch nobody will apply) after it.
        delivery = polls.first(tenant, claim, delivered=True)
        out["expired"].append(expiry[tenant] - killed)
        out["ready"].append(ready[tenant] - killed)
        out["claimed"].append(claim - killed)
        out["polled"].append(poll - killed)
        out["delivered"].append(delivery - killed)
        out["written"].append(written[tenant] - killed)
        out["claim_after_expiry"].append(claim - expiry[tenant])
        out["poll_after_claim"].append(poll - claim)
        out["delivery_after_claim_and_ready"].append(delivery - max(claim, ready[tenant]))
        out["write_after_delivery"].append(written[tenant] - delivery)
    return out


def summary(values: list[float]) -> dict[str, float]:
    known = sorted(v for v in values if not math.isnan(v))
    if not known:
        return {"median": math.nan, "p95": math.nan, "max": math.nan}
    return {
        "median": round(statistics.median(known), 2),
        "p95": round(known[min(len(known) - 1, int(len(known) * 0.95))], 2),
        "max": round(known[-1], 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--students", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--lease-ttl", type=float, default=10.0)
    parser.add_argument("--redelivery", type=float, default=10.0)
    parser.add_argument("--db", default=None, help="an empty PostgreSQL database to use")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    from kimono_interop.fleet import create_engine, migrate
    from kimono_interop.sandbox import Sandbox

    started_all = time.monotonic()
    load = {"start": os.getloadavg()[0]}
    with (
        database(args.db) as url,
        Sandbox(
            tenants=args.tenants, students=args.students, ack_timeout=args.redelivery, seed=1
        ) as sandbox,
    ):
        engine = create_engine(url)
        migrate(engine)

        def query(sql: str, **params: Any) -> list[Any]:
            with engine.connect() as connection:
                return list(connection.execute(sa.text(sql), params).all())

        # A cluster this run started is on this machine: its CPU can be read.
        postmaster = None
        if args.db is None and not os.environ.get("KIMONO_TEST_DATABASE_URL"):
            backend = query("SELECT pg_backend_pid()")[0][0]
            status = Path(f"/proc/{backend}/status").read_text().splitlines()
            postmaster = int(next(line for line in status if line.startswith("PPid:")).split()[1])

        tasks = sandbox.state.queue.pending()
        objects = sum(len(c) for c in sandbox.state.sync_collections().values())
        env = sandbox_env(sandbox)
        names = [f"w{n + 1}" for n in range(args.workers)]
        processes: dict[str, subprocess.Popen[str]] = {}
        logs = Path(os.environ.get("TMPDIR", "/tmp"))
        cpu_start = cpu_snapshot(processes, postmaster)
        t0 = time.monotonic()
        for name in names:
            processes[name] = subprocess.Popen(
                fleet_run_command(
                    url,
                    name,
                    lease_ttl=args.lease_ttl,
                    concurrency=args.concurrency,
                    discover_interval=30.0,
                    poll_interval=POLL_INTERVAL,
                    max_poll_interval=MAX_POLL_INTERVAL,
                ),
                env=env,
                stdout=subprocess.PIPE,
                stderr=(logs / f"kimono-fleet-bench-{name}.log").open("w"),
                text=True,
            )
        baseline: dict[str, float] = {}

        def first_claims() -> bool:
            for name in names:
                if name not in baseline and query(
                    "SELECT 1 FROM fleet_lease_log WHERE owner = :n LIMIT 1", n=name
                ):
                    baseline[name] = rss_mb(processes[name].pid)
            return len(baseline) == len(names)

        wait_for("every worker's first claim", first_claims, 120)
        wait_for("the initial syncs drained", lambda: sandbox.state.queue.pending() == 0, 3600)
        drain = time.monotonic() - t0  # from the workers' start
        held = {
            row[0]: int(row[1])
            for row in query(
                "SELECT owner, count(*) FROM fleet_leases "
                "WHERE lease_until > clock_timestamp() GROUP BY owner"
            )
        }
        rss = {name: rss_mb(processes[name].pid) for name in names}
        cpu_drain = cpu_spent(cpu_start, cpu_snapshot(processes, postmaster))
        stored = query("SELECT count(*) FROM mirror_objects")[0][0]
        durability = query(
            "SELECT current_setting('fsync'), current_setting('synchronous_commit')"
        )[0]

        # Takeover: a change for every tenant every 5 s, so that every tenant has work
        # when its new owner gets to it; kill one worker. (Each change is a transaction
        # of its own: this is more load than it seems, and the control below measures
        # what it costs every tenant, taken over or not.)
        running = threading.Event()
        running.set()
        person = dict(next(iter(sandbox.state.roster.persons.values())))
        injected: list[float] = []  # wall-clock times of the injections

        def inject() -> None:
            count = 0
            while running.is_set():
                count += 1
                injected.append(time.time())
                sandbox.state.inject("UPDATE", "persons", {**person, "email": f"u{count}@x.edu"})
                time.sleep(INJECT_EVERY)

        injector = threading.Thread(target=inject, daemon=True)
        injector.start()
        time.sleep(6.0)
        victim = names[0]
        load["kill"] = os.getloadavg()[0]
        polls = PollLog(sandbox.state.queue)
        killed_at = query("SELECT clock_timestamp()")[0][0]
        processes[victim].kill()
        processes[victim].wait()
        cpu_kill = cpu_snapshot(processes, postmaster)
        # The dead worker renews nothing more: its leases' expiry is fixed from here on.
        expiry = {
            row[0]: row[1].timestamp()
            for row in query(
                "SELECT tenant_id, lease_until FROM fleet_leases WHERE owner = :v "
                "AND lease_until > :t",
                v=victim,
                t=killed_at,
            )
        }
        victims = sorted(expiry)
        ready = polls.ready_at(victims, args.redelivery, killed_at.timestamp(), injected)

        def rewritten() -> dict[str, float]:
            rows = query(
                "SELECT tenant_id, min(at) FROM fleet_writes WHERE tenant_id = ANY(:ids) "
                "AND owner <> :v AND at > :t GROUP BY tenant_id",
                ids=victims,
                v=victim,
                t=killed_at,
            )
            return {row[0]: row[1].timestamp() for row in rows}

        wait_for(
            "the killed worker's tenants written again",
            lambda: len(rewritten()) == len(victims),
            args.lease_ttl + args.redelivery + 600,
        )
        written = rewritten()
        cpu_takeover = cpu_spent(cpu_kill, cpu_snapshot(processes, postmaster))
        claimed = {
            row[0]: row[1].timestamp()
            for row in query(
                "SELECT tenant_id, min(at) FROM fleet_lease_log WHERE tenant_id = ANY(:ids) "
                "AND owner <> :v AND at > :t GROUP BY tenant_id",
                ids=victims,
                v=victim,
                t=killed_at,
            )
        }
        phases = takeover_phases(
            killed_at.timestamp(), victims, expiry, claimed, ready, polls, written
        )
        takeover = sorted(phases["written"])
        # The control: how long the survivors' own tenants take, meanwhile, from the
        # first change injected after the kill to its write (the queueing every tenant
        # sees at this load, takeover or not).
        first_change = min(t for t in injected if t > killed_at.timestamp())
        phases["control_change_to_write"] = [
            float(row[0])
            for row in query(
                "SELECT EXTRACT(EPOCH FROM min(at)) - :c FROM fleet_writes "
                "WHERE NOT (tenant_id = ANY(:ids)) AND at > to_timestamp(:c) GROUP BY tenant_id",
                ids=victims,
                c=first_change,
            )
        ]
        running.clear()
        injector.join()
        wait_for("the queue drained again", lambda: sandbox.state.queue.pending() == 0, 600)
        stats = {}
        for name in names[1:]:
            processes[name].send_signal(signal.SIGTERM)
            out, _ = processes[name].communicate(timeout=120)
            stats[name] = json.loads(out.strip().splitlines()[-1])
        engine.dispose()
    elapsed = time.monotonic() - started_all
    per_tenant = [
        (rss[name] - baseline[name]) * 1024 / held[name] for name in names if held.get(name)
    ]
    figures = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "tenants": args.tenants,
        "tasks": tasks,
        "objects_per_tenant": objects,
        "drain_s": drain,
        "held": held,
        "rss_mb": rss,
        "baseline_mb": baseline,
        "kb_per_tenant": statistics.mean(per_tenant) if per_tenant else 0.0,
        "cpu_drain": cpu_drain,
        "cpu_takeover": cpu_takeover,
        "takeover_max_s": takeover[-1],
        "phases": {k: summary(v) for k, v in phases.items()},
        "takeover_median_s": statistics.median(takeover),
        "victims": len(victims),
        "stored_objects": stored,
        "fsync": durability[0],
        "synchronous_commit": durability[1],
        "elapsed_s": elapsed,
        "load": {k: round(v, 1) for k, v in {**load, "end": os.getloadavg()[0]}.items()},
        "args": vars(args),
        "refused": {n: s["writes_refused"] + s["acks_refused"] for n, s in stats.items()},
    }
    print(json.dumps(figures, indent=2, default=str))
    if not args.no_write:
        DOC.write_text(render(figures))
        print(f"wrote {DOC.relative_to(ROOT)}")


def render(f: dict[str, Any]) -> str:
    a = f["args"]
    rate = f["tasks"] / f["drain_s"]
    held = ", ".join(f"{k}: {v}" for k, v in sorted(f["held"].items()))
    rss = ", ".join(f"{k}: {v:.0f} MB" for k, v in sorted(f["rss_mb"].items()))
    cores = os.cpu_count() or 1

    def cpu_row(c: dict[str, float]) -> str:
        each = ", ".join(
            f"{k} {c[k]:.0f}"
            for k in sorted(c)
            if k not in ("postgres", "sandbox", "machine", "wall", "workers", "other")
        )
        pg = (
            "not measured (not started by this run)"
            if math.isnan(c["postgres"])
            else (f"{c['postgres']:.0f} s")
        )
        return (
            f"workers {c['workers']:.0f} s ({each}); PostgreSQL {pg}; sandbox "
            f"{c['sandbox']:.0f} s; other work on the machine {c['other']:.0f} s; "
            f"of {c['wall'] * cores:.0f} s ({c['wall']:.0f} s x {cores} CPUs)"
        )

    now = f["date"]
    drained = f"{f['drain_s']:.1f} s ({rate:,.0f} tasks/s, {f['stored_objects']:,} objects stored)"
    takeover = (
        f"median {f['takeover_median_s']:.1f} s, max {f['takeover_max_s']:.1f} s "
        f"(TTL {a['lease_ttl']:g} s + redelivery {a['redelivery']:g} s)"
    )
    growth = "; ".join(
        f"{k}: {f['rss_mb'][k] - f['baseline_mb'][k]:+.0f} MB for {f['held'].get(k, 0)} tenants"
        for k in sorted(f["rss_mb"])
    )
    refused = ", ".join(f"{k}: {v}" for k, v in sorted(f["refused"].items()))
    bound = a["lease_ttl"] + a["redelivery"]
    margin = a["lease_ttl"] / 3
    late = f["takeover_max_s"] - bound
    if late <= 0:
        verdict = f"the slowest tenant was written {-late:.1f} s within it"
    elif late <= margin:
        verdict = (
            f"the slowest tenant came {late:.1f} s past it, within the margin of one renew "
            f"interval ({margin:.1f} s)"
        )
    else:
        verdict = (
            f"the slowest tenant came {late:.1f} s past it, beyond the margin of one renew "
            f"interval ({margin:.1f} s)"
        )
    ph = f["phases"]

    def row(label: str, key: str) -> str:
        v = ph[key]
        return f"| {label} | {v['median']:.2f} | {v['p95']:.2f} | {v['max']:.2f} |"

    phases = "\n".join(
        [
            "| per tenant of the killed worker, seconds after the kill | median | p95 | max |",
            "| --- | --- | --- | --- |",
            row("its lease expired (the last renewal + the TTL)", "expired"),
            row(
                "it had a task to hand out (its batch in flight redelivered; else one queued)",
                "ready",
            ),
            row("a survivor claimed it", "claimed"),
            row("the new owner polled it", "polled"),
            row("the new owner got a batch", "delivered"),
            row("the new owner wrote it (the takeover)", "written"),
            row("*wait:* claim after expiry", "claim_after_expiry"),
            row("*wait:* first poll after the claim", "poll_after_claim"),
            row("*wait:* batch once claimed and a task there", "delivery_after_claim_and_ready"),
            row("*wait:* write after the batch (the apply)", "write_after_delivery"),
            row(
                "*control:* the survivors' own tenants, first change after the kill to its write",
                "control_change_to_write",
            ),
        ]
    )
    tasks_10k = f["tasks"] * 10_000 // max(f["tenants"], 1)
    minutes_10k = tasks_10k / rate / 60
    sync = f["synchronous_commit"]
    durable_note = (
        " (the tests' cluster):\n  a commit does not wait for the disk as on a production server"
        if f["fsync"] == "off" or f["synchronous_commit"] == "off"
        else ""
    )
    drain_cpu = f["cpu_drain"]
    takeover_busy = f["cpu_takeover"]["machine"] / max(f["cpu_takeover"]["wall"] * cores, 0.01)
    tk_workers, tk_pg = f["cpu_takeover"]["workers"], f["cpu_takeover"]["postgres"]
    tk_pg = "" if math.isnan(tk_pg) else f" and PostgreSQL {tk_pg:.0f} s"
    busy = drain_cpu["machine"] / max(drain_cpu["wall"] * cores, 0.01)
    pg_ms = drain_cpu["postgres"] * 1000 / f["tasks"]
    worker_ms = drain_cpu["workers"] * 1000 / f["tasks"]
    sandbox_ms = drain_cpu["sandbox"] * 1000 / f["tasks"]
    if math.isnan(pg_ms):
        cpu_split = (
            f"the workers {drain_cpu['workers']:.0f} s ({worker_ms:.2f} ms of CPU a task); "
            "PostgreSQL's CPU was not measured (a server this run did not start)"
        )
        hosts = ""
    else:
        pg_rate = 1000 / pg_ms
        worker_rate = 1000 / worker_ms
        heavier = (
            f"the workers spend {worker_ms / pg_ms:.1f} times PostgreSQL's CPU per task"
            if worker_ms >= pg_ms
            else f"PostgreSQL spends {pg_ms / worker_ms:.1f} times the workers' CPU per task"
        )
        pg_rate, worker_rate = round(pg_rate, -2), round(worker_rate, -2)
        four = min(4 * pg_rate, 4 * worker_rate)
        cpu_split = (
            f"PostgreSQL {drain_cpu['postgres']:.0f} s ({pg_ms:.2f} ms of CPU a task),\n"
            f"the workers {drain_cpu['workers']:.0f} s ({worker_ms:.2f} ms), the sandbox "
            f"{drain_cpu['sandbox']:.0f} s ({sandbox_ms:.2f} ms) and other work "
            f"{drain_cpu['other']:.0f} s:\n{heavier}"
        )
        hosts = f"""
  With the workers and the database on hosts of their own, the rate is the lower of the
  database's and the workers': at the CPU per task above, about {pg_rate:,.0f} tasks/s
  per core of the database host, and {worker_rate:,.0f} tasks/s per worker process (a
  worker is one Python process: its event loop and its apply threads share about one
  core). Four workers and a 4-core database host would apply about {four:,.0f} tasks/s,
  the 10,000 tenants' initial syncs in about {tasks_10k / four / 60:,.0f} minutes. That is
  CPU only: PostgreSQL here does not wait for the disk at commit (above), and what a
  busier server contends on (its WAL, the commits' flushes, the indexes' hot pages) is
  not measured at this rate."""
    return f"""# Scaling the fleet

Written by `python -m scripts.fleet_bench` (the fleet's scale run); rerun it rather than
editing the figures. docs/fleet.md describes the fleet itself.

## The run

- date: {now}; {cores} CPUs; Python {platform.python_version()}, {platform.system()}
- {f["tenants"]:,} tenants of {f["objects_per_tenant"]} roster objects each (a sandbox of
  {a["students"]} students per district), {f["tasks"]:,} tasks queued for their initial syncs
- {a["workers"]} worker processes (`kimono-interop fleet run --concurrency {a["concurrency"]}
  --lease-ttl {a["lease_ttl"]:g} --discover-interval 30 --poll-interval {POLL_INTERVAL:g}
  --max-poll-interval {MAX_POLL_INTERVAL:g}`), the sandbox (redelivery after
  {a["redelivery"]:g} s) and PostgreSQL on the same machine, over loopback
- PostgreSQL with `fsync` {f["fsync"]} and `synchronous_commit` {sync}{durable_note}
- {f["elapsed_s"]:.0f} s in all; load average (1 min) {f["load"]["start"]:g} at the start,
  {f["load"]["kill"]:g} at the kill, {f["load"]["end"]:g} at the end (the run's own
  workers, sandbox and PostgreSQL are part of it; the rest is other work on the machine)

| what | result |
| --- | --- |
| initial syncs of every tenant drained | {drained} |
| tenants per worker, once drained | {held} |
| worker RSS once drained | {rss} |
| memory per tenant held | {f["kb_per_tenant"]:.0f} KiB on average ({growth}) |
| CPU during the drain | {cpu_row(f["cpu_drain"])} |
| CPU from the kill to the last takeover write | {cpu_row(f["cpu_takeover"])} |
| takeover after kill -9 of one worker ({f["victims"]} tenants; below) | {takeover} |
| writes and acks refused by the fence (survivors) | {refused} |

## Takeover after kill -9

{phases}

The bound is the lease TTL plus the service's redelivery delay ({bound:g} s): {verdict}.
How each part comes about:

- **Expiry.** The killed worker renewed its leases (all in one statement) at most a third
  of the TTL before the kill: they expire together, between two thirds of the TTL and
  the TTL after it.
- **Claim.** Each lease round reports when the first lease another worker holds expires.
  A live owner renews every third of the TTL, so its leases keep at least two thirds of
  it: a lease due before the next round is a dead or frozen owner's, and the lease loop
  comes back 50 ms after it expires rather than at its next round. (Workers started
  together run their rounds in step, so a round used to come just before the expiry
  and the claim one renew interval after it.) The dead worker's heartbeat, written with
  its last renewal, has expired by then: the shares count the survivors only, and they
  claim all of its tenants at once.
- **First poll.** A tenant just claimed goes before every other in the worker's pool of
  `--concurrency` slots until it has handled a batch; what is left is the new tenants'
  own turns (a token and a poll each, then the apply and the ack that free the slot),
  on the survivors' share of a busy machine: from the kill to the last takeover write
  its {cores} CPUs were {takeover_busy:.0%} busy, the survivors using {tk_workers:.0f} s{tk_pg}
  of them (above). It used to queue behind a round of every
  tenant the worker already held.
- **Batch.** A tenant whose batch was in flight at the kill gets nothing until the
  redelivery delay has passed since that batch was handed out; its new owner polls it
  meanwhile, backing off up to `--max-poll-interval` ({MAX_POLL_INTERVAL:g} s here).
- **Write.** The apply takes its tenant's lock and the mirror's database-wide lock,
  shared (docs/mirror.md): the tenant's old owner writes no more (its transactions ended
  with its connections) and nothing in the fleet takes the database-wide lock exclusive,
  so the apply waits for no other tenant's writes. This row is the apply's own time:
  PostgreSQL's work for the chunk and the apply thread's turns in a busy worker. (With
  one database-wide lock for every write, applies queued behind every other tenant's:
  0.95 s median and 1.35 s at most in the last run before the change.)
- **Control.** A change for a tenant nobody took over waits for the tenant's next poll
  (an idle tenant backs off up to {MAX_POLL_INTERVAL:g} s), a free slot (the tenants
  just claimed go first) and the apply, at this load: a change for every tenant every
  {INJECT_EVERY:g} s, each its own transaction, while the survivors take over the dead
  worker's tenants.

## Where the time goes, and what 10,000 tenants would take

**The CPU is the limit here, not a lock.** Each apply transaction takes the advisory
lock of its tenant and the database-wide lock shared (docs/mirror.md): the workers'
transactions for different tenants run side by side, and only one tenant's writes run
one at a time. During the drain the machine's {cores} CPUs were {busy:.0%} busy:
{cpu_split}.
The drain rate above ({rate:,.0f} tasks/s) is what this machine's CPUs give PostgreSQL,
the workers and the sandbox together, so it is a floor: more workers on more CPUs raise
it, up to what the database host can apply.

- **10,000 tenants of this size** hold {tasks_10k:,} tasks for their initial syncs:
  about {minutes_10k:,.0f} minutes at this rate, on this machine.{hosts}
  Real districts are larger (thousands of students: hundreds of times more tasks), so
  an initial sync of many districts at once is hours, which more workers and a larger
  database host now shorten; one district's own sync still runs one batch at a time
  (one batch in flight per tenant, its writes one after the other).
- **What stops every writer.** The mirror's `prune(changes_through=)` takes the
  database-wide lock exclusive: it waits for the apply transactions in flight and holds
  new ones back until it is done. A reader of the change feed (`mirror.changes()`)
  waits up to 5 s for a moment with no apply in flight, holding none back, and only
  then queues like `prune` (docs/fleet.md). This run reads no
  feed; a consumer on a busy fleet should read it in batches at an interval rather than
  in a tight loop, or per tenant with its own SQL (docs/mirror.md).
- **Steady state is small.** After the initial syncs, a district sends a few changes an
  hour to a few a minute; 10,000 tenants at one change a minute are about 170 tasks/s,
  each its own transaction, within the rate above (the takeover above ran with
  {f["tenants"] / INJECT_EVERY:,.0f} such transactions a second).
- **Memory**: {f["kb_per_tenant"]:.0f} KiB per tenant held on average, measured as each
  worker's RSS growth from its first claim to the end of the drain, divided by the
  tenants it holds. That growth mixes the per-tenant state (a client with its token, an
  async task, an applier) with what a worker grows by for the work it did (its share of
  the initial syncs, caches, the allocator's high-water mark), so it is an upper bound;
  10,000 tenants on 4 hosts (2,500 each) would need
  about {f["kb_per_tenant"] * 2500 / 1024:.0f} MB above the base per worker.
- **Polling and the service's rate limits.** An idle tenant is polled every half to
  whole `--max-poll-interval` (15 to 30 s by default, drawn at random so that tenants
  do not poll in step): 10,000 idle tenants are about 440 requests/s
  across the fleet, plus one token request per tenant per token lifetime. The service's
  rate limits are per account or per tenant; the fleet answers a 429 by making every
  tenant of the worker wait its `Retry-After` (at most 60 s; a `Retry-After` given as a
  date counts as 1 s), so a limit slows the whole worker rather
  than failing tenants. Raise `--max-poll-interval` to trade latency for fewer requests.
- **PostgreSQL connections**: each worker opens up to `2 x (concurrency + 2)`; 10 workers
  at 32 are about 700: put PgBouncer (transaction mode) in front, or lower concurrency.
  Up to `concurrency` apply transactions of each worker now run in the server at once:
  past the database host's cores they only queue there.
- **The lease table** is one row per tenant, renewed by its owner every third of the TTL:
  10,000 tenants with a 30 s TTL are about 1,000 row updates/s, batched into one
  statement per worker per round: negligible next to the apply transactions.
- **Takeover**: see above. A shorter TTL speeds it up and costs renewals.
- **The network** matters little: a task is a few kB, so {rate:,.0f} tasks/s are a few
  MB/s; the latency of each exchange with the service is what bounds one tenant's rate
  (one batch in flight per tenant), which is why a worker serves many tenants at once.
"""


if __name__ == "__main__":
    main()
