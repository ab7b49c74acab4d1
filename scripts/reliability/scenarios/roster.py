"""Scenario 1: a roster pull of many persons under 5xx answers, dropped connections and 429s.

The sandbox's own knobs fault every API request; the pull runs sync and typed, then
async with look-ahead, with a retry policy that retries 500 too, and once more with
the default policy, which must stop with a documented error after an exact prefix.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Sequence

from kimono_interop import (
    APIConnectionError,
    APIStatusError,
    AsyncKimonoClient,
    InternalServerError,
    KimonoClient,
    KimonoError,
)
from scripts.reliability.checks import check_pull, fast_retries, statuses, student_ids
from scripts.reliability.faults import Exchange
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import Run
from scripts.service import path_of

STUDENTS_PATH = path_of("listStudents")


def roster_pull(run: Run) -> Result:
    s = run.sizes
    result = Result(
        "roster",
        "Roster pull under faults",
        injected=(
            "sandbox knobs on every API request: 500/502/503 answers (`error_rate`), "
            "connections dropped mid-answer (`drop_rate`), 429 with "
            f"`Retry-After: {s.retry_after:g}` (`rate_limit_rate`)"
        ),
        amount="10% 5xx, 5% drops, 5% 429",
        checked=(
            f"`list_students(page_size={s.page_size})` (sync, typed) and the same with "
            "`AsyncKimonoClient` and `.as_dicts().prefetch(4)`: every person yielded once, in the "
            "sandbox's order, nothing missing; every page answered 200 exactly once (sync); "
            "each fault kind injected and retried; 429s waited out; with the default "
            "RetryPolicy, a documented error after an exact prefix"
        ),
    )
    policy = fast_retries(include_500=True)
    config = run.config(
        students=s.persons,
        seed=11,
        error_rate=0.10,
        drop_rate=0.05,
        rate_limit_rate=0.05,
        retry_after=s.retry_after,
    )
    with run.server(config) as server:
        expected = student_ids(server.state)
        result.equal("students in the sandbox", len(expected), s.persons)
        pages = math.ceil(len(expected) / s.page_size)

        # Sync, typed.
        mark = server.faults.mark()
        started = time.perf_counter()
        with KimonoClient(**server.credentials, retry=policy) as kimono:
            got = [str(p.sys.id) for p in kimono.rostering.students.list(page_size=s.page_size)]
        elapsed = time.perf_counter() - started
        walk = [e for e in server.faults.since(mark) if e.path == STUDENTS_PATH]
        check_pull(result, "sync", got, expected)
        ok_pages = Counter(
            int(dict(_query(e.query)).get("page", "0")) for e in walk if e.status == 200
        )
        result.equal("sync: pages answered 200, each exactly once", ok_pages, Counter(range(pages)))
        failed = [e for e in walk if e.status != 200]
        result.equal("sync: requests = pages + failed attempts", len(walk), pages + len(failed))
        counts = statuses(failed)
        for status in (500, 502, 503, 429, 0):
            result.true(
                f"sync: fault {status or 'drop'} injected at least once",
                counts[status] >= 1,
                f"statuses of failed attempts: {dict(counts)}",
            )
        waits = _retry_after_waits(walk)
        short = [w for w in waits if w < s.retry_after - 0.01]
        result.equal("sync: retries after a 429 that came sooner than Retry-After", short, [])
        result.data.update(yielded=len(got), expected=len(expected), requests=len(walk))
        result.note(
            f"sync typed: {len(got):,} of {len(expected):,} persons in {elapsed:.1f} s, "
            f"{len(walk)} requests for {pages} pages: "
            f"{counts[500]} x 500, {counts[502]} x 502, {counts[503]} x 503, "
            f"{counts[429]} x 429 (next try {min(waits, default=0):.2f}-"
            f"{max(waits, default=0):.2f} s later), {counts[0]} dropped"
        )

        # Async with look-ahead.
        async def pull_async() -> list[str]:
            async with AsyncKimonoClient(**server.credentials, retry=policy) as kimono:
                pager = kimono.rostering.students.list(page_size=s.page_size)
                return [p["$sys"]["id"] async for p in pager.as_dicts().prefetch(4)]

        mark = server.faults.mark()
        started = time.perf_counter()
        got_async = asyncio.run(pull_async())
        elapsed = time.perf_counter() - started
        walk = [e for e in server.faults.since(mark) if e.path == STUDENTS_PATH]
        check_pull(result, "async prefetch(4)", got_async, expected)
        counts = statuses([e for e in walk if e.status != 200])
        result.note(
            f"async `.as_dicts().prefetch(4)`: {len(got_async):,} of {len(expected):,} persons in "
            f"{elapsed:.1f} s, {len(walk)} requests: {fmt_counter(counts) or 'no faults'}"
        )

        # The default policy: 500 is not retried, 2 retries only.
        mark = server.faults.mark()
        prefix: list[str] = []
        error: BaseException | None = None
        with KimonoClient(**server.credentials) as kimono:
            try:
                for person in kimono.rostering.students.list(page_size=s.page_size).as_dicts():
                    prefix.append(person["$sys"]["id"])
            except KimonoError as exc:
                error = exc
                run.watch.scan_exception(exc)
        result.equal(
            "default policy: what was yielded is an exact prefix", prefix, expected[: len(prefix)]
        )
        result.true(
            "default policy: stops with a documented error, or completes",
            (error is None and len(prefix) == len(expected))
            or isinstance(error, (InternalServerError, APIConnectionError, APIStatusError)),
            repr(error),
        )
        what = (
            f"{type(error).__name__} ({getattr(error, 'status_code', 'no status')})"
            if error
            else "completed"
        )
        result.note(
            f"default RetryPolicy (429/502/503/504, 2 retries): {what} after "
            f"{len(prefix):,} persons (an exact prefix), {len(server.faults.since(mark))} requests"
        )
    result.summary = (
        f"{result.data['yielded']:,}/{s.persons:,} persons, 0 missing, 0 duplicated, "
        f"order exact, {result.data['requests']} requests (sync)"
    )
    return result


def _query(query: str) -> list[tuple[str, str]]:
    return [tuple(p.split("=", 1)) for p in query.split("&") if "=" in p]  # type: ignore[misc]


def _retry_after_waits(walk: Sequence[Exchange]) -> list[float]:
    """For each 429, how long until the next request for the same page arrived."""
    waits = []
    for n, exchange in enumerate(walk):
        if exchange.status != 429:
            continue
        for later in walk[n + 1 :]:
            if later.query == exchange.query:
                waits.append(later.started - exchange.sent)
                break
    return waits
