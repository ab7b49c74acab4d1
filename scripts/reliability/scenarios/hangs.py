"""Hangs: servers that drip, pages that never end, a stuck handler, an outage that lasts.

Four parts, one row. Servers written for the purpose (``scripts/reliability/hostile.py``)
drip their headers or their body one byte at a time, each byte well within the read
timeout: the call must end within its deadline (3 read timeouts by default) with
APITimeoutError, sync and async, and with retries within one deadline per attempt.
The sandbox, its list answers rewritten, hands out empty pages (or pages of nothing
readable) whose ``next`` link is always fresh: the walk must stop after 1 request (10
for unreadable pages). A consumer process whose handler is stuck gets SIGINT, then a
second SIGINT, and must exit at once with what it handled acknowledged; and consumers
must wait out seconds of 503s on ``GET /tasks`` and the token endpoint, then drain
every task once (``scripts/reliability/scenarios/hang_consumers.py``).
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import math
import re
import time
from collections.abc import Callable
from typing import Any

from kimono_interop import (
    APITimeoutError,
    AsyncKimonoClient,
    BearerToken,
    KimonoClient,
    ResponseValidationError,
)
from kimono_interop._pagination import MAX_PAGES_WITHOUT_ITEMS
from scripts.reliability.checks import outcome_of
from scripts.reliability.faults import Rule, always, rewrite
from scripts.reliability.hostile import DripServer
from scripts.reliability.results import Result
from scripts.reliability.scenarios.hang_consumers import outage, stuck_handler
from scripts.reliability.servers import Run
from scripts.service import path_of

PERSON = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"
#: The default RetryPolicy's longest backoff before retries 1 and 2 (full jitter: at most).
BACKOFF_TWO_RETRIES = 0.5 + 1.0
#: The margin a cut-off call may take past its deadline(s), checked in the full run.
MARGIN = 1.0


def hangs(run: Run) -> Result:
    """Dripping servers, endless pages, a stuck handler and an outage, in one row."""
    s = run.sizes
    deadline = 3 * s.drip_timeout
    result = Result(
        "hangs",
        "Hangs: dripping servers, endless pages, stuck handlers, outages",
        injected=(
            f"servers written for the purpose dripping one byte every {s.drip_every:g} s "
            "(its status line and headers, or its body after whole headers), never letting "
            f"the read timeout ({s.drip_timeout:g} s) pass; list answers rewritten to empty "
            "pages, or pages of `[null]`, whose `paging.next` is always a new link; a "
            "consumer process whose handler never returns, sent SIGINT and then SIGINT "
            f"again; 503 on `GET /tasks` and the token endpoint for {s.outage_seconds:g} s "
            "while consumers drain (their clients retry twice within 0.15 s: the outage "
            "outlasts that)"
        ),
        amount=(
            "5 dripping calls (sync and async, headers and body, one with 2 retries); "
            "5 endless walks; 3 stuck consumers (sync; async with an async and a plain "
            f"handler); 2 outages of {s.outage_seconds:g} s over {s.outage_tasks:,} tasks "
            "each (sync `stop_when_empty`, async following the queue)"
        ),
        checked=(
            f"APITimeoutError within the deadline (3 x read timeout = {deadline:g} s) per "
            f"attempt + {MARGIN:g} s (+ backoff with retries), and the server sees the "
            "client hang up; an empty page ends the walk after 1 request, pages of nothing "
            f"readable after {MAX_PAGES_WITHOUT_ITEMS} with ResponseValidationError; the "
            "stuck consumer outlives the first SIGINT, exits 0 within 5 s of the second "
            "(`stopped_by` interrupted), its handled tasks acked and the stuck one not; "
            "after the outage every task handled and acked exactly once, `stats.outages` > "
            "0, 503s seen on both endpoints"
        ),
    )
    summaries = [
        _drips(run, result),
        _endless_pages(run, result),
        stuck_handler(run, result),
        outage(run, result),
    ]
    result.summary = "; ".join(summaries)
    return result


# -- dripping servers ------------------------------------------------------------------------
def _drips(run: Run, result: Result) -> str:
    s = run.sizes
    deadline = 3 * s.drip_timeout
    # The server would drip for ten deadlines if nobody stopped it.
    total = math.ceil(10 * deadline / s.drip_every)
    cases = [
        ("sync, headers", "headers", False, 0),
        ("sync, body", "body", False, 0),
        ("async, headers", "headers", True, 0),
        ("async, body", "body", True, 0),
        ("sync, headers, 2 retries", "headers", False, 2),
    ]
    lines = []
    worst = 0.0
    for name, part, use_async, retries in cases:
        with DripServer(part, s.drip_every, total) as drip:
            options: dict[str, Any] = {
                "base_url": drip.url,
                "auth": BearerToken("t"),
                "timeout": s.drip_timeout,
                "max_retries": retries,
            }
            started = time.monotonic()
            if use_async:

                async def call(options: dict[str, Any] = options) -> Any:
                    async with AsyncKimonoClient(**options) as kimono:
                        return await kimono.rostering.persons.get(PERSON)

                outcome = outcome_of(run, functools.partial(asyncio.run, call()))
            else:
                with KimonoClient(**options) as kimono:
                    outcome = outcome_of(
                        run, functools.partial(kimono.rostering.persons.get, PERSON)
                    )
            elapsed = time.monotonic() - started
            limit_wait = time.monotonic() + 2 * s.drip_every + 1
            while any(c.closed == 0 for c in drip.connections) and time.monotonic() < limit_wait:
                time.sleep(0.05)
            connections = list(drip.connections)
            longest = drip.longest_drip
        bound = (retries + 1) * deadline + (BACKOFF_TWO_RETRIES if retries else 0) + MARGIN
        if not retries:
            worst = max(worst, elapsed - deadline)
        result.true(
            f"drip ({name}): APITimeoutError",
            isinstance(outcome, APITimeoutError),
            f"{type(outcome).__name__}: {outcome}",
        )
        result.equal(f"drip ({name}): connections (1 per attempt)", len(connections), retries + 1)
        result.true(
            f"drip ({name}): the server saw the client hang up on every attempt",
            all(c.hung_up for c in connections),
            f"{[(c.sent, c.hung_up) for c in connections]}",
        )
        result.true(
            f"drip ({name}): each attempt cut off long before its drip would end ({longest:.0f} s)",
            all(c.seconds < longest / 2 for c in connections),
            f"{[round(c.seconds, 2) for c in connections]} s",
        )
        if s.timed:
            result.true(
                f"drip ({name}): ended within {bound:g} s",
                elapsed <= bound,
                f"{elapsed:.2f} s",
            )
            slowest = max((c.seconds for c in connections), default=0.0)
            result.true(
                f"drip ({name}): each connection closed within the deadline + {MARGIN:g} s",
                slowest <= deadline + MARGIN,
                f"{slowest:.2f} s",
            )
        result.data.setdefault("drips", []).append(type(outcome).__name__)
        sent = "+".join(str(c.sent) for c in connections)
        lines.append(
            f"{name}: {type(outcome).__name__} after {elapsed:.2f} s (bound {bound:g} s), "
            f"{sent} bytes dripped"
        )
    result.note(
        f"dripping servers (a byte every {s.drip_every:g} s, read timeout "
        f"{s.drip_timeout:g} s, deadline {deadline:g} s; undisturbed, a drip would last "
        f"{total * s.drip_every:.0f} s): " + "; ".join(lines)
    )
    return f"drips cut off at most {worst:.2f} s past the deadline"


# -- endless pages -------------------------------------------------------------------------------
def _endless_pages(run: Run, result: Result) -> str:
    list_path = path_of("listPersons")
    config = run.config(students=20, seed=41)
    lines = []
    with run.server(config) as server:
        origin = server.url

        def endless(items: list[Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
            pages = itertools.count(1)

            def page(body: dict[str, Any]) -> dict[str, Any]:
                n = next(pages)
                link = f"{origin}{list_path}?page={n}&page_size=5&fresh={n}"
                return {"data": list(items), "paging": {"next": link}}

            return page

        def sync_walk(kimono: KimonoClient) -> Any:
            return list(kimono.rostering.persons.list(page_size=5))

        async def async_walk(prefetch: int) -> Any:
            async with AsyncKimonoClient(**server.credentials) as kimono:
                pager = kimono.rostering.persons.list(page_size=5)
                if prefetch:
                    pager = pager.prefetch(prefetch)
                return [p async for p in pager]

        cases: list[tuple[str, list[Any], Callable[[], Any], int, type[BaseException] | None]] = []
        with KimonoClient(**server.credentials) as kimono:
            cases = [
                ("empty pages, sync", [], lambda: sync_walk(kimono), 1, None),
                ("empty pages, async", [], lambda: asyncio.run(async_walk(0)), 1, None),
                (
                    "empty pages, async with prefetch(4)",
                    [],
                    lambda: asyncio.run(async_walk(4)),
                    1 + 4,
                    None,
                ),
                (
                    "pages of [null], sync",
                    [None],
                    lambda: sync_walk(kimono),
                    MAX_PAGES_WITHOUT_ITEMS,
                    ResponseValidationError,
                ),
                (
                    "pages of [null], async",
                    [None],
                    lambda: asyncio.run(async_walk(0)),
                    MAX_PAGES_WITHOUT_ITEMS,
                    ResponseValidationError,
                ),
            ]
            for name, items, walk, most, error in cases:
                server.faults.set_rules(
                    Rule("GET", re.escape(list_path), always(rewrite(endless(items))))
                )
                mark = server.faults.mark()
                outcome = outcome_of(run, walk)
                server.faults.set_rules()
                requests = sum(1 for e in server.faults.since(mark) if e.path == list_path)
                if error is None:
                    result.equal(f"endless ({name}): items yielded", outcome, [])
                else:
                    result.true(
                        f"endless ({name}): {error.__name__}",
                        isinstance(outcome, error),
                        f"{type(outcome).__name__}: {outcome}",
                    )
                if "prefetch" in name:
                    result.true(
                        f"endless ({name}): at most {most} requests",
                        1 <= requests <= most,
                        f"{requests}",
                    )
                else:
                    result.equal(f"endless ({name}): requests", requests, most)
                result.data.setdefault("endless_requests", []).append(requests)
                ended = "no items" if error is None else type(outcome).__name__
                lines.append(f"{name}: {requests} request(s), then {ended}")
    result.note("endless pages with a new `next` link each: " + "; ".join(lines))
    return "endless pages stopped after 1 (empty) and 10 (unreadable) requests"
