"""Scenario 2: short-lived and revoked tokens during a long pull, concurrent callers and a drain.

Tokens live a few seconds and every other token is revoked on its n-th use; the
caller must never see a 401, and each token request must be needed: the previous
token was half-way through its life, or was refused with a 401, and no two token
requests were in flight at once (:func:`audit_tokens`).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kimono_interop import AsyncKimonoClient, KimonoClient, KimonoError, TaskView
from scripts.reliability.checks import (
    check_pull,
    person_ids,
    push_tasks,
    stop_when_drained,
    student_ids,
)
from scripts.reliability.faults import Exchange, Rule, revoke_every
from scripts.reliability.paths import INTEROP_API_PATH, TOKEN_PATH
from scripts.reliability.results import Result
from scripts.reliability.servers import CLIENT_ID, Run


@dataclass
class TokenAudit:
    """Token requests of one client during a scenario, and whether each was needed."""

    requests: int = 0
    proactive: int = 0  # the previous token had reached its refresh point
    after_401: int = 0  # the previous token had been refused with a 401
    unjustified: list[str] = field(default_factory=list)
    overlapping: int = 0
    answered_401: int = 0


def audit_tokens(
    exchanges: Sequence[Exchange], client_id: str, refresh_after: float, slack: float = 0.01
) -> TokenAudit:
    """Check "one token request per refresh" for ``client_id`` over ``exchanges``.

    Each token request after the first must be needed: the previous token had lived
    ``refresh_after`` seconds (the SDK refreshes at half a short token's lifetime), or
    an API request carrying it had been answered 401 before the new request arrived.
    No two token requests may be in flight at once.
    """
    tokens = [
        e
        for e in exchanges
        if e.path == TOKEN_PATH and e.client_id == client_id and e.status == 200
    ]
    audit = TokenAudit(requests=len(tokens))
    issued = {e.issued for e in tokens}
    refused = [e for e in exchanges if e.status == 401 and e.bearer in issued]
    audit.answered_401 = len(refused)
    for previous, current in itertools.pairwise(tokens):
        if current.start_seq < previous.end_seq:
            audit.overlapping += 1
        aged = current.started - previous.sent >= refresh_after - slack
        was_refused = any(
            e.bearer == previous.issued and e.end_seq < current.start_seq for e in refused
        )
        if aged:
            audit.proactive += 1
        elif was_refused:
            audit.after_401 += 1
        else:
            audit.unjustified.append(
                f"token request {current.start_seq} came "
                f"{current.started - previous.sent:.3f} s after the previous token, "
                "which had not been refused"
            )
    return audit


def check_tokens(result: Result, audit: TokenAudit, *, revoked: int, label: str) -> None:
    result.true(f"{label}: the token was refreshed at half-life", audit.proactive >= 1, f"{audit}")
    result.true(f"{label}: tokens were revoked", revoked >= 1)
    result.true(
        f"{label}: each revocation was answered 401 and a new token fetched",
        audit.answered_401 >= revoked and audit.after_401 >= 1,
        f"{revoked} revocations, {audit.answered_401} answers 401, "
        f"{audit.after_401} refreshes after a 401",
    )
    result.equal(f"{label}: token requests not needed (double fetches)", audit.unjustified, [])
    result.equal(f"{label}: token requests in flight at the same time", audit.overlapping, 0)


def token_refresh(run: Run) -> Result:
    s = run.sizes
    lifetime = s.token_lifetime
    refresh_after = lifetime / 2  # the SDK's margin: min(60 s, half the lifetime)
    result = Result(
        "tokens",
        "Short-lived and revoked tokens",
        injected=(
            f"tokens living {lifetime:g} s (`token_lifetime`); every token revoked "
            "(`state.expire_tokens()`) on the n-th request carrying every other token (n = 5 "
            "for the pull, 20 with 8 concurrent callers, 3 for the drain): that request "
            "is answered 401; 20 ms latency"
        ),
        amount=(
            f"a pull of {s.token_pull:,} persons; 8 async tasks and 8 threads on one client "
            f"for {s.token_seconds:g} s each; a drain of {s.token_tasks:,} tasks"
        ),
        checked=(
            "no 401 (or any error) reaches the caller and every result is exact; each token "
            "request was needed (the previous token was half-way through its life, or was "
            "refused with a 401) and none overlapped another: one request per refresh"
        ),
    )
    config = run.config(students=s.token_pull, token_lifetime=lifetime, latency=0.02, seed=12)
    api = re.escape(INTEROP_API_PATH) + "/.*"
    with run.server(config) as server:
        faults, state = server.faults, server.state
        expected = student_ids(state)
        persons = person_ids(state)
        audits: list[tuple[str, TokenAudit, int]] = []

        def revoking(uses: int) -> None:
            faults.set_rules(Rule(None, api, revoke_every(uses, state.expire_tokens)))

        def audit(label: str, mark: int) -> None:
            exchanges = faults.since(mark)
            revoked = sum(1 for e in exchanges if e.fault == "tokens revoked")
            found = audit_tokens(exchanges, CLIENT_ID, refresh_after)
            check_tokens(result, found, revoked=revoked, label=label)
            audits.append((label, found, revoked))

        # a. a long pull
        mark = faults.mark()
        revoking(5)
        started = time.perf_counter()
        with KimonoClient(**server.credentials) as kimono:
            got = [str(p.sys.id) for p in kimono.rostering.students.list(page_size=50)]
        elapsed = time.perf_counter() - started
        check_pull(result, "long pull", got, expected)
        audit(f"long pull ({elapsed:.1f} s)", mark)

        # b. 8 async tasks sharing one client
        async def hammer_async() -> tuple[int, list[BaseException]]:
            calls, errors = 0, []
            async with AsyncKimonoClient(**server.credentials) as kimono:
                stop_at = time.monotonic() + s.token_seconds

                async def worker(n: int) -> None:
                    nonlocal calls
                    while time.monotonic() < stop_at:
                        try:
                            if n % 2:
                                wanted = persons[(calls * 8 + n) % len(persons)]
                                person = await kimono.rostering.persons.get(wanted)
                                assert str(person.sys.id) == wanted
                            else:
                                page = kimono.rostering.persons.list(page_size=20).pages()
                                async for first_page in page:
                                    assert len(first_page.items) == 20
                                    break
                            calls += 1
                        except Exception as exc:
                            errors.append(exc)

                await asyncio.gather(*(worker(n) for n in range(8)))
            return calls, errors

        mark = faults.mark()
        revoking(20)
        calls, errors = asyncio.run(hammer_async())
        for exc in errors:
            run.watch.scan_exception(exc)
        result.equal("8 async tasks: errors reaching the caller", [repr(e) for e in errors], [])
        audit(f"8 async tasks, {calls:,} calls", mark)

        # c. 8 threads sharing one client
        mark = faults.mark()
        revoking(20)
        thread_calls = Counter[int]()
        thread_errors: list[BaseException] = []
        with KimonoClient(**server.credentials) as kimono:
            stop_at = time.monotonic() + s.token_seconds

            def work(n: int) -> None:
                while time.monotonic() < stop_at:
                    try:
                        person_id = persons[(thread_calls[n] * 8 + n) % len(persons)]
                        assert str(kimono.rostering.persons.get(person_id).sys.id) == person_id
                        thread_calls[n] += 1
                    except Exception as exc:
                        thread_errors.append(exc)

            threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        for exc in thread_errors:
            run.watch.scan_exception(exc)
        result.equal("8 threads: errors reaching the caller", [repr(e) for e in thread_errors], [])
        audit(f"8 threads, {sum(thread_calls.values()):,} calls", mark)

        # d. draining tasks
        ids = push_tasks(state, server.tenant_id, s.token_tasks)
        handled: Counter[str] = Counter()

        def handle(task: TaskView) -> None:
            time.sleep(0.002)
            handled[task.id or ""] += 1

        mark = faults.mark()
        revoking(3)
        failure: BaseException | None = None
        with KimonoClient(**server.credentials) as kimono:
            consumer = kimono.tasks.consumer(
                handle, poll_interval=0.05, max_poll_interval=0.2, handle_signals=False
            )
            watcher = stop_when_drained(
                state, consumer, lambda: len(handled) >= len(ids), s.deadline
            )
            try:
                stats = consumer.run()
            except KimonoError as exc:
                failure, stats = exc, None
                run.watch.scan_exception(exc)
            watcher.join()
        faults.set_rules()
        acked = {a.task_id for a in state.queue.acks}
        result.equal("drain: the consumer ended without an error", repr(failure), "None")
        result.equal("drain: tasks handled exactly once", set(handled.values()), {1})
        result.equal("drain: tasks handled", len(handled), len(ids))
        result.equal("drain: tasks never acknowledged", len(set(ids) - acked), 0)
        result.equal("drain: tasks left in the queue", state.queue.pending(), 0)
        audit(f"drain of {stats.handled if stats else 0:,} tasks", mark)

    total = TokenAudit()
    for label, found, revoked in audits:
        total.requests += found.requests
        total.proactive += found.proactive
        total.after_401 += found.after_401
        total.answered_401 += found.answered_401
        result.note(
            f"{label}: {found.requests} token requests = 1 + {found.proactive} at half-life + "
            f"{found.after_401} after a 401 ({revoked} revocations, {found.answered_401} "
            f"answers 401, all absorbed); {len(found.unjustified)} unneeded, "
            f"{found.overlapping} overlapping"
        )
    result.data.update(token_requests=total.requests)
    result.summary = (
        f"0 errors to the caller; {total.requests} token requests: "
        f"{total.proactive} at half-life, {total.after_401} after a 401, 0 unneeded, "
        f"0 overlapping ({total.answered_401} answers 401 absorbed)"
    )
    return result
