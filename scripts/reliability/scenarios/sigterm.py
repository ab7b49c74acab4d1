"""Scenarios 5 and 6: SIGTERM to a consumer process in the middle of a batch (sync and async).

One scenario run with either consumer (two rows of the report). A child process
drains tasks and writes each id once handled; it is sent SIGTERM mid-batch and must
exit 0 at once, having acknowledged exactly what it handled. The rest of its batch is
withheld, then delivered again after ``ack_timeout`` to the next consumer, which
handles exactly the remaining tasks.
"""

from __future__ import annotations

import itertools
import signal
import tempfile
import threading
from pathlib import Path

from kimono_interop import KimonoClient
from scripts.reliability.checks import push_tasks, stop_when_drained
from scripts.reliability.paths import TASK_BATCH, TASKS_PATH
from scripts.reliability.processes import ConsumerProcess
from scripts.reliability.results import Result
from scripts.reliability.servers import Run

CONSUMER = r"""
import asyncio, logging, sys, time
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="%(name)s %(levelname)s %(message)s")
from kimono_interop import AsyncKimonoClient, KimonoClient
mode, out_path, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
out = open(out_path, "a", buffering=1)

def done(task):
    out.write(task.id + "\n")
    out.flush()
    print("handled", task.id, flush=True)

if mode == "sync":
    def handle(task):
        time.sleep(delay)
        done(task)

    with KimonoClient.from_env() as kimono:
        stats = kimono.tasks.run(handle, poll_interval=0.2, max_poll_interval=0.5)
else:
    async def handle(task):
        await asyncio.sleep(delay)
        done(task)

    async def main():
        async with AsyncKimonoClient.from_env() as kimono:
            return await kimono.tasks.run(handle, poll_interval=0.2, max_poll_interval=0.5)

    stats = asyncio.run(main())
print(f"stopped by={stats.stopped_by} handled={stats.handled} "
      f"acknowledged={stats.acknowledged}", flush=True)
"""


def sigterm(run: Run, *, use_async: bool = False) -> Result:
    s = run.sizes
    label = "async" if use_async else "sync"
    signal_after = 2 * TASK_BATCH + 20
    result = Result(
        f"sigterm-{label}",
        f"SIGTERM to a consumer process ({label})",
        injected=(
            f"SIGTERM to a `python -c` process running `{'await ' if use_async else ''}"
            f"kimono.tasks.run(handle)` ({s.sigterm_delay * 1000:g} ms per task, each id "
            "written to a file once "
            f"handled), after {signal_after} tasks: in the middle of its third batch"
        ),
        amount=f"{s.sigterm_tasks:,} tasks; sandbox `ack_timeout={s.sigterm_ack_timeout:g}` s",
        checked=(
            "exit code 0 within 5 s; the ids the sandbox recorded as acked = the ids the "
            "process wrote as handled; the rest of the interrupted batch is withheld, then "
            "delivered again after ack_timeout; a second consumer handles exactly the "
            "remaining tasks (none twice, none lost)"
        ),
    )
    config = run.config(students=200, seed=14, ack_timeout=s.sigterm_ack_timeout)
    with run.server(config) as server, tempfile.TemporaryDirectory() as tmp:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, s.sigterm_tasks)
        out_path = Path(tmp) / "handled.txt"
        mark = faults.mark()
        reached = threading.Event()
        handled_lines = itertools.count(1)

        def on_line(line: str) -> None:
            if line.startswith("handled") and next(handled_lines) >= signal_after:
                reached.set()

        child = ConsumerProcess(
            run, server, CONSUMER, label, str(out_path), str(s.sigterm_delay), on_line=on_line
        )
        got_there = reached.wait(timeout=60)
        result.true(f"the consumer handled {signal_after} tasks", got_there)
        code, exit_seconds = child.end_with(signal.SIGTERM)
        result.equal("exit code", code, 0)
        if s.timed:
            result.true("exited within 5 s of SIGTERM", exit_seconds <= 5, f"{exit_seconds:.2f} s")
        final = child.last_line
        result.true("stopped by SIGTERM", final.startswith("stopped by=SIGTERM"), final)
        first_run = faults.since(mark)
        handled_1 = out_path.read_text().split() if out_path.exists() else []
        acked_1 = [a.task_id for a in state.queue.acks]
        result.equal(
            "acked by the first process = handled by it", sorted(acked_1), sorted(handled_1)
        )
        result.equal("handled twice by the first process", len(handled_1) - len(set(handled_1)), 0)
        result.true(
            "SIGTERM landed mid-batch",
            len(handled_1) % TASK_BATCH != 0,
            f"{len(handled_1)} handled",
        )
        batches = [e for e in first_run if e.task_ids]
        interrupted = list(batches[-1].task_ids) if batches else []
        unhandled = [t for t in interrupted if t not in set(handled_1)]
        result.true("the interrupted batch had unhandled tasks", bool(unhandled))

        # The next consumer, in this process.
        mark = faults.mark()
        handled_2: list[str] = []
        with KimonoClient(**server.credentials) as kimono:
            consumer = kimono.tasks.consumer(
                lambda task: handled_2.append(task.id or ""),
                poll_interval=0.05,
                max_poll_interval=0.2,
                handle_signals=False,
            )
            watcher = stop_when_drained(
                state, consumer, lambda: len(handled_2) >= len(ids) - len(handled_1), s.deadline
            )
            stats = consumer.run()
            watcher.join()
        second_run = faults.since(mark)
        result.equal("handled by both processes", len(set(handled_1) & set(handled_2)), 0)
        result.equal("handled by neither", len(set(ids) - set(handled_1) - set(handled_2)), 0)
        result.equal(
            "handled twice by the second consumer", len(handled_2) - len(set(handled_2)), 0
        )
        result.equal(
            "the second consumer starts with the rest of the interrupted batch",
            handled_2[: len(unhandled)],
            unhandled,
        )
        gets = [e for e in second_run if e.method == "GET" and e.path == TASKS_PATH]
        withheld = sum(1 for e in itertools.takewhile(lambda e: not e.task_ids, gets))
        redelivery = next((e for e in gets if e.task_ids), None)
        delay = redelivery.started - batches[-1].started if redelivery and batches else 0.0
        result.true("the rest was withheld at first (empty batches)", withheld >= 1)
        result.true(
            "delivered again only after ack_timeout",
            delay >= s.sigterm_ack_timeout - 0.01,
            f"{delay:.2f} s",
        )
        result.equal("tasks left in the queue", state.queue.pending(), 0)
        result.data.update(exit_seconds=exit_seconds, first=len(handled_1), second=len(handled_2))
        result.note(
            f"SIGTERM after {signal_after} handled; exit code {code} after {exit_seconds:.2f} s; "
            f"the process handled and acked {len(handled_1)} tasks ({final})"
        )
        result.note(
            f"the interrupted batch: {len(interrupted)} tasks, {len(unhandled)} unhandled; "
            f"the next consumer got {withheld} empty batches, then the rest "
            f"{delay:.2f} s after the batch was first handed out; it handled "
            f"{len(handled_2)} tasks ({stats.handled} in its stats)"
        )
    result.summary = (
        f"exit 0 in {exit_seconds:.2f} s; acked = handled ({len(handled_1)}); "
        f"{len(unhandled)} redelivered after {delay:.1f} s; "
        f"{len(handled_1)} + {len(handled_2)} = {len(ids)} tasks, none twice"
    )
    return result
