"""What several scenarios of the reliability suite share: client settings, tasks, checks.

The retry policy the faulted scenarios use, the sandbox's ids and a way to queue
tasks, the watcher that stops a consumer once its queue is drained, the checks on
where an exception came from, and the check of a whole list pull.
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from kimono_interop import KimonoClient, RetryPolicy
from kimono_interop.sandbox import SandboxState
from scripts.reliability import ROOT
from scripts.reliability.faults import Exchange
from scripts.reliability.results import Result
from scripts.reliability.servers import Run

GENERATED = ROOT / "generated"


def fast_retries(max_retries: int = 10, *, include_500: bool = False) -> RetryPolicy:
    """Many retries with short backoff (Retry-After is still honoured in full)."""
    statuses = {429, 502, 503, 504} | ({500} if include_500 else set())
    return RetryPolicy(
        max_retries=max_retries,
        initial_delay=0.05,
        max_delay=0.5,
        retry_statuses=frozenset(statuses),
    )


def student_ids(state: SandboxState) -> list[str]:
    return [
        p["$sys"]["id"]
        for p in state.roster.persons.values()
        if p["$sys"]["person_type"] == "student"
    ]


def person_ids(state: SandboxState) -> list[str]:
    return list(state.roster.persons)


def push_tasks(state: SandboxState, tenant_id: str, count: int) -> list[str]:
    """Queue ``count`` data tasks (ADD/UPDATE/DELETE of persons); return their ids in order."""
    persons = list(state.roster.persons.values())
    actions = ("ADD", "UPDATE", "DELETE")
    ids = []
    for n in range(count):
        body = state.queue.push(
            tenant_id,
            "data_event",
            actions[n % 3],
            object_type="persons",
            obj=persons[n % len(persons)],
        )
        ids.append(str(body["id"]))
    return ids


def last_frame(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].filename if frames else ""


def in_generated(exc: BaseException) -> bool:
    return Path(last_frame(exc)).resolve().is_relative_to(GENERATED.resolve())


def statuses(exchanges: Sequence[Exchange]) -> Counter[int]:
    return Counter(e.status for e in exchanges)


def fault_counts(exchanges: Sequence[Exchange]) -> Counter[str]:
    return Counter(e.fault for e in exchanges if e.fault)


def stop_when_drained(
    state: SandboxState, consumer: Any, done: Callable[[], bool], deadline: float
) -> threading.Thread:
    """A thread that stops a sync consumer once the queue is empty and ``done()`` holds."""

    def watch() -> None:
        limit = time.monotonic() + deadline
        while time.monotonic() < limit:
            if state.queue.pending() == 0 and done():
                break
            time.sleep(0.02)
        consumer.stop()

    thread = threading.Thread(target=watch, daemon=True, name="drain-watch")
    thread.start()
    return thread


async def run_until(consumer: Any, done: Callable[[], bool], deadline: float) -> Any:
    """Run an async consumer until ``done()`` holds (or ``deadline`` seconds pass): its stats."""

    async def watch() -> None:
        limit = time.monotonic() + deadline
        while time.monotonic() < limit and not done():
            await asyncio.sleep(0.02)
        consumer.stop()

    watcher = asyncio.ensure_future(watch())
    try:
        return await consumer.run()
    finally:
        watcher.cancel()


def check_pull(result: Result, label: str, got: list[str], expected: list[str]) -> None:
    missing = len(set(expected) - set(got))
    duplicated = len(got) - len(set(got))
    result.equal(f"{label}: persons missing", missing, 0)
    result.equal(f"{label}: persons yielded more than once", duplicated, 0)
    result.equal(f"{label}: persons yielded", len(got), len(expected))
    result.true(f"{label}: same persons in the same order", got == expected)


def outcome_of(run: Run, call: Callable[[], Any]) -> Any:
    """What ``call`` returned, or the exception it raised (scanned for secrets)."""
    try:
        value = call()
        if isinstance(value, (KimonoClient,)):
            value.close()
        return value
    except Exception as exc:
        run.watch.scan_exception(exc)
        return exc
