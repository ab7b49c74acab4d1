"""Scenarios 3 and 4: draining many tasks under faults, with the sync and the async consumer.

One scenario run with either consumer (two rows of the report). Faults hit ``GET
/tasks`` and the ack endpoints only: error statuses, an HTML page, 429s, dropped
connections and answers lost after the server acted; the sandbox redelivers lost
batches after ``ack_timeout`` and delivers some acknowledged tasks again. Every task
must be handled exactly once (retried ones twice) in queue order and acknowledged.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any

from kimono_interop import AsyncKimonoClient, KimonoClient, KimonoError, RetryTask, TaskView
from scripts.reliability.checks import (
    fast_retries,
    fault_counts,
    push_tasks,
    run_until,
    stop_when_drained,
)
from scripts.reliability.faults import DROP, LOST, Rule, at_rates, scheduled, status_fault
from scripts.reliability.paths import ACK_PATHS, TASKS_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import Run


def task_drain(run: Run, *, use_async: bool = False) -> Result:
    s = run.sizes
    count = s.async_tasks if use_async else s.tasks
    label = "async" if use_async else "sync"
    result = Result(
        f"drain-{label}",
        f"Task draining under faults ({label} consumer)",
        injected=(
            "on `GET /tasks` and on the ack endpoints (`PUT /tasks/ack`, `PUT /tasks/{id}/ack`): "
            f"503/504 JSON, 502 HTML page, 429 `Retry-After: {s.retry_after:g}`, connections "
            "dropped before "
            "the server acts, answers lost after it acted (batch handed out, ack recorded); "
            f"`ack_timeout={s.ack_timeout:g}` s redelivers lost batches; `duplicate_rate=0.05` "
            "delivers acknowledged tasks again; handlers raise on some tasks"
        ),
        amount=(
            f"{count:,} tasks; per request: 4% 503/504, 2% 502 HTML, 2% 429, 3% dropped, "
            "3% lost (and each kind forced once in the first requests); handler: error on 1 "
            "in 37, retry once on 1 in 101"
        ),
        checked=(
            "each task handled exactly once (retried ones exactly twice) in queue order and "
            "acknowledged; failures acked `error` with `ValueError: <message>`; retries acked "
            "`retry` then `success`; queue empty; no AckError"
        ),
    )
    seed = 23 if use_async else 13  # different draws for the two consumers
    config = run.config(students=200, seed=seed, ack_timeout=s.ack_timeout, duplicate_rate=0.05)
    choices = (
        (0.02, status_fault(503)),
        (0.02, status_fault(504)),
        (0.02, status_fault(502, html="Bad Gateway")),
        (0.02, status_fault(429, retry_after=s.retry_after)),
        (0.03, DROP),
        (0.03, LOST),
    )
    kinds = [fault for _, fault in choices]
    with run.server(config) as server:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, count)
        index = {task_id: n for n, task_id in enumerate(ids)}
        errors = {task_id for n, task_id in enumerate(ids) if n % 37 == 5}
        retries = {task_id for n, task_id in enumerate(ids) if n % 101 == 7} - errors
        handled: Counter[str] = Counter()
        order: list[str] = []

        def handle(task: TaskView) -> None:
            task_id = task.id or ""
            handled[task_id] += 1
            order.append(task_id)
            if task_id in errors:
                raise ValueError(f"cannot store task {index[task_id]}")
            if task_id in retries and handled[task_id] == 1:
                raise RetryTask(f"not ready {index[task_id]}")

        def done() -> bool:
            return len(handled) == count

        # Each kind once early on (so every run sees each), then at the rates above.
        faults.set_rules(
            Rule("GET", TASKS_PATH, scheduled(dict(enumerate(kinds, 1)), at_rates(seed, *choices))),
            Rule(
                "PUT", ACK_PATHS, scheduled(dict(enumerate(kinds[::-1])), at_rates(-seed, *choices))
            ),
        )
        mark = faults.mark()
        options: dict[str, Any] = {
            "poll_interval": 0.05,
            "max_poll_interval": 0.25,
            "handle_signals": False,
        }
        failure: BaseException | None = None
        started = time.perf_counter()
        if use_async:

            async def drain() -> Any:
                async with AsyncKimonoClient(**server.credentials, retry=fast_retries()) as kimono:
                    consumer = kimono.tasks.consumer(handle, **options)
                    return await run_until(
                        consumer, lambda: state.queue.pending() == 0 and done(), s.deadline
                    )

            try:
                stats = asyncio.run(drain())
            except KimonoError as exc:
                failure, stats = exc, None
        else:
            with KimonoClient(**server.credentials, retry=fast_retries()) as kimono:
                consumer = kimono.tasks.consumer(handle, **options)
                watcher = stop_when_drained(state, consumer, done, s.deadline)
                try:
                    stats = consumer.run()
                except KimonoError as exc:
                    failure, stats = exc, None
                watcher.join()
        elapsed = time.perf_counter() - started
        faults.set_rules()
        if failure is not None:
            run.watch.scan_exception(failure)
        result.equal("the consumer ended without an error", repr(failure), "None")
        exchanges = faults.since(mark)

        # Handling: once each (retried tasks twice), in queue order.
        expected_counts = {t: (2 if t in retries else 1) for t in ids}
        result.equal("tasks handled (distinct)", len(handled), count)
        wrong = {t: n for t, n in handled.items() if n != expected_counts.get(t)}
        result.equal("tasks handled a wrong number of times", wrong, {})
        first_seen = list(dict.fromkeys(order))
        result.true("tasks handled first in queue order", first_seen == ids)

        # Acknowledgements, as the sandbox recorded them.
        acks: dict[str, list[tuple[str, str | None]]] = {}
        for ack in state.queue.acks:
            acks.setdefault(ack.task_id, []).append((ack.status, ack.message))
        result.equal("tasks never acknowledged", len(set(ids) - set(acks)), 0)
        bad_acks = {}
        for task_id, seen in acks.items():
            n = index[task_id]
            if task_id in errors:
                good = set(seen) == {("error", f"ValueError: cannot store task {n}")}
            elif task_id in retries:
                statuses_seen = [status for status, _ in seen]
                retried = statuses_seen.count("retry")
                good = (
                    retried >= 1
                    and statuses_seen == ["retry"] * retried + ["success"] * (len(seen) - retried)
                    and seen[0] == ("retry", f"not ready {n}")
                    and len(seen) > retried
                )
            else:
                good = set(seen) == {("success", None)}
            if not good:
                bad_acks[task_id] = seen
        result.equal("acknowledgements with a wrong status or message", bad_acks, {})
        result.equal("tasks left in the queue", state.queue.pending(), 0)

        # The faults really happened.
        injected = fault_counts(exchanges)
        for fault in kinds:
            times = sum(n for name, n in injected.items() if name.startswith(fault.name))
            result.true(f"fault '{fault.name}' injected", times >= 1, fmt_counter(injected))
        lost_batches = [e for e in exchanges if e.fault.startswith(LOST.name) and e.method == "GET"]
        lost_batches = [e for e in lost_batches if e.task_ids]
        result.true("batches were lost after the sandbox handed them out", bool(lost_batches))
        redelivery_delays = []
        for lost in lost_batches:
            again = next(
                (
                    e
                    for e in exchanges
                    if e.start_seq > lost.end_seq
                    and e.status == 200
                    and set(lost.task_ids) <= set(e.task_ids)
                ),
                None,
            )
            if again is None:
                result.failures.append(f"lost batch {lost.start_seq} was never delivered again")
                continue
            redelivery_delays.append(again.started - lost.started)
        early = [d for d in redelivery_delays if d < s.ack_timeout - 0.01]
        result.equal("lost batches delivered again before ack_timeout", early, [])
        duplicates = stats.duplicates if stats is not None else 0
        result.true("duplicate deliveries happened", duplicates >= 1, f"{duplicates}")
        if stats is not None:
            result.equal("stats.handled", stats.handled, count + len(retries))
            result.equal("stats.failed", stats.failed, len(errors))
            result.equal("stats.retried", stats.retried, len(retries))
        ack_records = len(state.queue.acks)
        result.data.update(handled=len(handled), tasks=count, acks=ack_records)
        gets = sum(1 for e in exchanges if e.method == "GET" and e.path == TASKS_PATH)
        puts = sum(1 for e in exchanges if e.method == "PUT")
        result.note(
            f"{count:,} tasks in {elapsed:.1f} s: {len(handled):,} handled "
            f"({len(errors)} acked error, {len(retries)} acked retry then success), "
            f"{ack_records:,} ack records for {len(acks):,} tasks"
        )
        result.note(f"{gets:,} GET /tasks and {puts:,} PUT acks; injected: {fmt_counter(injected)}")
        result.note(
            f"{len(lost_batches)} batches lost and delivered again "
            f"{min(redelivery_delays, default=0):.2f}-{max(redelivery_delays, default=0):.2f} s "
            "later (ack_timeout); "
            f"{duplicates} duplicate deliveries acknowledged without handling again; "
            f"{stats.lost_ack_answers if stats else 0} acks confirmed by a 404 after an "
            "attempt whose answer was lost (the server had recorded them), "
            f"{len(stats.ack_failures) if stats else 0} refused"
        )
    result.summary = (
        f"{result.data['handled']:,}/{count:,} tasks handled once and acked, "
        f"{len(errors)} errors with their message, queue empty"
    )
    return result
