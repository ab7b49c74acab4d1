"""The consumer parts of the hangs row: a stuck handler stopped by signals, and an outage.

:func:`stuck_handler` starts a consumer process (``python -c``, like the SIGTERM rows)
whose handler never returns on its sixth task, sends SIGINT (the consumer must wait
for the task in hand: still running half a second later), then SIGINT again: the
process must exit 0 within seconds, ``stopped_by == "interrupted"``, with the five
handled tasks acknowledged and the stuck one not. Sync client; async client with an
``async def`` handler and with a plain one (run in a worker thread).

:func:`outage` answers 503 on ``GET /tasks`` and on the token endpoint for seconds,
from the first batch's acks on, while tokens live 1 s (so the consumer must
renew its token during the outage), then lets everything through. The clients retry
twice within 0.15 s, so the outage outlasts their retries: the consumers
(sync with ``stop_when_empty``, async following the queue) must wait it out and
drain every task exactly once.
"""

from __future__ import annotations

import asyncio
import re
import signal
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from kimono_interop import AsyncKimonoClient, KimonoClient, KimonoError, TaskView
from scripts.reliability.checks import fast_retries, push_tasks, run_until
from scripts.reliability.faults import Exchange, Fault, Rule, status_fault
from scripts.reliability.paths import TASKS_PATH, TOKEN_PATH
from scripts.reliability.processes import ConsumerProcess
from scripts.reliability.results import Result
from scripts.reliability.servers import Run

STUCK_TASKS = 20
#: The n-th task (1-based) is the one whose handler never returns.
STUCK_AT = 6

STUCK_CONSUMER = r"""
import asyncio, logging, sys, time
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="%(name)s %(levelname)s %(message)s")
from kimono_interop import AsyncKimonoClient, KimonoClient
mode, out_path, stuck_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = open(out_path, "a", buffering=1)
calls = [0]

def stuck(task):
    calls[0] += 1
    if calls[0] == stuck_at:
        print("stuck", task.id, flush=True)
        return True
    return False

def plain(task):
    if stuck(task):
        time.sleep(600)  # never returns before the process is interrupted
    out.write(task.id + "\n")

async def awaiting(task):
    if stuck(task):
        await asyncio.sleep(600)
    out.write(task.id + "\n")

options = dict(poll_interval=0.2, max_poll_interval=0.5)
if mode == "sync":
    with KimonoClient.from_env() as kimono:
        stats = kimono.tasks.run(plain, **options)
else:
    async def main():
        async with AsyncKimonoClient.from_env() as kimono:
            return await kimono.tasks.run(awaiting if mode == "async" else plain, **options)
    stats = asyncio.run(main())
print(f"stopped by={stats.stopped_by} handled={stats.handled} "
      f"acknowledged={stats.acknowledged}", flush=True)
"""


def stuck_handler(run: Run, result: Result) -> str:
    """Three consumer processes with a stuck handler, each sent SIGINT twice."""
    exits = []
    for mode in ("sync", "async", "async-plain"):
        exits.append(_stuck(run, result, mode))
    return "stuck handlers: exit 0 " + "/".join(f"{e:.2f}" for e in exits) + " s after 2nd SIGINT"


def _stuck(run: Run, result: Result, mode: str) -> float:
    s = run.sizes
    what = f"stuck handler ({mode})"
    config = run.config(students=50, seed=42, ack_timeout=300.0)
    with run.server(config) as server, tempfile.TemporaryDirectory() as tmp:
        state = server.state
        ids = push_tasks(state, server.tenant_id, STUCK_TASKS)
        out_path = Path(tmp) / "handled.txt"
        is_stuck = threading.Event()

        def on_line(line: str) -> None:
            if line.startswith("stuck"):
                is_stuck.set()

        child = ConsumerProcess(
            run, server, STUCK_CONSUMER, mode, str(out_path), str(STUCK_AT), on_line=on_line
        )
        result.true(f"{what}: the handler got stuck", is_stuck.wait(timeout=60))
        time.sleep(0.3)
        child.process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        survived_first = child.process.poll() is None
        code, exit_seconds = child.end_with(signal.SIGINT)
        handled = out_path.read_text().split() if out_path.exists() else []
        acked = [a.task_id for a in state.queue.acks]
        pending = state.queue.pending()
    final = child.last_line
    stuck_id = ids[STUCK_AT - 1]
    done = STUCK_AT - 1
    result.true(f"{what}: still running after the first SIGINT", survived_first)
    result.equal(f"{what}: exit code", code, 0)
    if s.timed:
        result.true(
            f"{what}: exited within 5 s of the second SIGINT",
            exit_seconds <= 5,
            f"{exit_seconds:.2f} s",
        )
    result.equal(
        f"{what}: the run's last words",
        final,
        f"stopped by=interrupted handled={done} acknowledged={done}",
    )
    result.equal(f"{what}: tasks handled (written)", handled, ids[:done])
    result.equal(f"{what}: tasks acked (the sandbox's record)", acked, ids[:done])
    result.true(f"{what}: the stuck task unacknowledged", stuck_id not in acked)
    result.equal(f"{what}: tasks still queued", pending, STUCK_TASKS - done)
    result.data.setdefault("stuck_acked", []).append(len(acked))
    result.note(
        f"{what}: task {STUCK_AT} of {STUCK_TASKS} never returns; SIGINT: still running "
        f"0.5 s later ({survived_first}); second SIGINT: exit code {code} after "
        f"{exit_seconds:.2f} s ({final}); acked {len(acked)} = handled {len(handled)}, the "
        f"stuck one not; {pending} tasks left for the next consumer"
    )
    return exit_seconds


class Outage:
    """A window of time in which the matching requests are answered ``fault``."""

    def __init__(self, fault: Fault) -> None:
        self.fault = fault
        self.began = 0.0
        self.until = 0.0

    def begin(self, seconds: float) -> None:
        if not self.began:
            self.began = time.monotonic()
            self.until = self.began + seconds

    def pick(self, exchange: Exchange) -> Fault | None:
        return self.fault if self.began <= exchange.started < self.until else None


def outage(run: Run, result: Result) -> str:
    """503s on ``GET /tasks`` and the token endpoint for a while, sync and async."""
    summaries = [_outage(run, result, use_async=False), _outage(run, result, use_async=True)]
    return "outages: " + ", ".join(summaries)


def _outage(run: Run, result: Result, *, use_async: bool) -> str:
    s = run.sizes
    mode = "async, following" if use_async else "sync, stop_when_empty"
    what = f"outage ({mode})"
    count = s.outage_tasks
    config = run.config(students=100, seed=43, token_lifetime=1.0, ack_timeout=300.0)
    with run.server(config) as server:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, count)
        window = Outage(status_fault(503))

        def first_ack(exchange: Exchange) -> None:
            # The outage begins with the first batch's acks (which it leaves alone): the
            # next GET /tasks meets it, and the token runs out within it. Begun within a
            # batch, it could end while the acks waited for a token, and GET /tasks never
            # met it.
            window.begin(s.outage_seconds)

        faults.set_rules(
            Rule("GET", re.escape(TASKS_PATH), window.pick),
            Rule("POST", re.escape(TOKEN_PATH), window.pick),
            Rule("PUT", re.escape(f"{TASKS_PATH}/ack"), first_ack),
        )
        handled: Counter[str] = Counter()
        order: list[str] = []

        def handle(task: TaskView) -> None:
            handled[task.id or ""] += 1
            order.append(task.id or "")

        def drained() -> bool:
            return len(handled) == count and state.queue.pending() == 0

        options: dict[str, Any] = {
            "handle_signals": False,
            "poll_interval": 0.05,
            "max_poll_interval": 0.5,
        }
        # Two quick retries (at most 0.15 s): the outage outlasts them, so the consumer
        # itself must wait it out.
        retry = fast_retries(2)
        mark = faults.mark()
        failure: BaseException | None = None
        stats: Any = None
        started = time.monotonic()
        try:
            if use_async:

                async def follow() -> Any:
                    async with AsyncKimonoClient(**server.credentials, retry=retry) as kimono:
                        consumer = kimono.tasks.consumer(handle, **options)
                        return await run_until(consumer, drained, s.deadline)

                stats = asyncio.run(follow())
            else:
                with KimonoClient(**server.credentials, retry=retry) as kimono:
                    stats = kimono.tasks.run(handle, stop_when_empty=True, **options)
        except KimonoError as exc:
            failure = exc
            run.watch.scan_exception(exc)
        elapsed = time.monotonic() - started
        faults.set_rules()
        exchanges = faults.since(mark)
        acks = Counter(a.task_id for a in state.queue.acks)
        statuses = Counter(a.status for a in state.queue.acks)
        pending = state.queue.pending()
    refused = [e for e in exchanges if e.status == 503]
    on_tasks = sum(1 for e in refused if e.path == TASKS_PATH)
    on_token = sum(1 for e in refused if e.path == TOKEN_PATH)
    span = (refused[-1].started - refused[0].started) if refused else 0.0
    resumed = next(
        (
            e
            for e in exchanges
            if e.path == TASKS_PATH and e.status == 200 and e.started >= window.until
        ),
        None,
    )
    back_after = resumed.started - window.until if resumed is not None and window.until else -1.0
    result.equal(f"{what}: the consumer ended without an error", repr(failure), "None")
    result.true(f"{what}: the outage happened", window.began > 0)
    result.equal(
        f"{what}: tasks handled other than exactly once", {t for t in ids if handled[t] != 1}, set()
    )
    result.equal(f"{what}: tasks handled, in order", order, ids)
    result.equal(
        f"{what}: tasks acked other than exactly once", {t for t in ids if acks[t] != 1}, set()
    )
    result.equal(f"{what}: ack statuses", dict(statuses), {"success": count})
    result.equal(f"{what}: tasks left in the queue", pending, 0)
    result.true(f"{what}: 503s on GET /tasks", on_tasks >= 1, f"{on_tasks}")
    result.true(f"{what}: 503s on the token endpoint", on_token >= 1, f"{on_token}")
    outages = stats.outages if stats is not None else 0
    result.true(f"{what}: stats.outages > 0", outages > 0, f"{outages}")
    if stats is not None:
        want = "stop()" if use_async else "empty"
        result.equal(f"{what}: stopped_by", stats.stopped_by, want)
    result.note(
        f"{what}: {count:,} tasks in {elapsed:.1f} s; 503 for {s.outage_seconds:g} s from "
        f"the first acks on: {on_tasks} x GET /tasks and {on_token} x token endpoint refused over "
        f"{span:.1f} s, stats.outages = {outages}; GET /tasks answered again "
        f"{back_after:.2f} s after the outage ended; every task handled and acked once"
    )
    result.data.setdefault("outage_handled", []).append(len(handled))
    return f"{mode} {count:,}/{count:,} once ({outages} waits)"
