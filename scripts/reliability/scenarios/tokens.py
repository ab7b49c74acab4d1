"""Scenario 2: short-lived and revoked tokens during a long pull, concurrent callers and a drain.

Tokens live a few seconds and every other token is revoked on its n-th use; the
caller must never see a 401, and each token request must be needed: the previous
token was half-way through its life, or was refused with a 401, and no two token
requests were in flight at once (:func:`audit_tokens`).

How much happens in a given time depends on the machine, so no phase is bounded by
time alone: the concurrent callers keep calling past ``token_seconds`` until their
phase holds what :func:`check_tokens` asks of it (:class:`CallerPhase`). A revocation
takes the token that triggered it and the older ones, never a newer token the client
may already hold (:func:`revoke_up_to`).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kimono_interop import AsyncKimonoClient, KimonoClient, KimonoError, TaskView
from kimono_interop.sandbox import SandboxState
from scripts.reliability.checks import (
    check_pull,
    person_ids,
    push_tasks,
    stop_when_drained,
    student_ids,
)
from scripts.reliability.faults import Exchange, Rule, revoke_every
from scripts.reliability.middleware import FaultMiddleware
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

    Each token request after the first must be needed: an API request carrying the
    previous token had been answered 401 before the new request arrived, or the previous
    token had lived ``refresh_after`` seconds (the SDK refreshes at half a short token's
    lifetime). The 401 is looked at first: the SDK drops a refused token at once, so the
    request after it answers the 401 even when that token was also near its half-life
    (on a slow machine, the revoked request can end after it). No two token requests
    may be in flight at once.
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
        if was_refused:
            audit.after_401 += 1
        elif aged:
            audit.proactive += 1
        else:
            audit.unjustified.append(
                f"token request {current.start_seq} came "
                f"{current.started - previous.sent:.3f} s after the previous token, "
                "which had not been refused"
            )
    return audit


def revocations(exchanges: Sequence[Exchange]) -> int:
    """How many of ``exchanges`` revoked tokens (see :func:`revoke_up_to`)."""
    return sum(1 for e in exchanges if e.fault == "tokens revoked")


def shows_each_refresh(exchanges: Sequence[Exchange], refresh_after: float) -> bool:
    """Whether ``exchanges`` hold a revocation, a refresh after a 401 and one at half-life.

    That is what :func:`check_tokens` asks of a phase beyond correctness. Only finished
    exchanges count, so that the answer cannot change as the others finish.
    """
    done = [e for e in exchanges if e.end_seq]
    audit = audit_tokens(done, CLIENT_ID, refresh_after)
    return revocations(done) >= 1 and audit.after_401 >= 1 and audit.proactive >= 1


class CallerPhase:
    """How long the concurrent callers call: what the phase must show, not the machine's speed.

    The callers call for ``seconds`` at least; then until the exchanges since ``mark``
    show a revocation, a refresh after its 401 and a refresh at half-life
    (:func:`shows_each_refresh`), or ``deadline`` seconds passed (then the checks say
    what is missing). A fixed time alone made the checks depend on how many calls a
    busy machine fits in it: a token revoked late in its first half-life is refreshed
    past it, and a phase of 1.2 s with 1 s tokens had no room for another revocation.
    Safe from threads and tasks alike: they only read, and ``over`` only turns true.
    """

    #: Seconds between two looks at the exchanges once ``seconds`` have passed.
    LOOK_EVERY = 0.05

    def __init__(
        self,
        faults: FaultMiddleware,
        mark: int,
        *,
        seconds: float,
        deadline: float,
        refresh_after: float,
    ) -> None:
        self.faults = faults
        self.mark = mark
        self.refresh_after = refresh_after
        self.started = time.monotonic()
        self.stop_at = self.started + seconds
        self.give_up_at = self.started + max(seconds, deadline)
        self.next_look = self.stop_at
        self.over = False

    def running(self) -> bool:
        """Whether the callers should make another call."""
        if self.over:
            return False
        now = time.monotonic()
        if now < self.next_look:
            return True
        self.next_look = now + self.LOOK_EVERY
        shown = shows_each_refresh(self.faults.since(self.mark), self.refresh_after)
        self.over = shown or now >= self.give_up_at
        return not self.over

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


def revoke_up_to(state: SandboxState) -> Callable[[str], None]:
    """Revoke a token and every token issued before it, as the service revokes one token.

    A token issued after it stays valid: with 8 callers, a request carrying the old
    token can arrive once the client has fetched a newer one, and revoking that one
    too (``state.expire_tokens()``) would refuse the resend of a request that had
    done nothing wrong: two 401s in a row, which the SDK rightly passes on.
    """

    def revoke(token: str) -> None:
        with state.lock:
            issued = list(state.tokens)  # in the order they were issued
            if token in issued:
                for value in issued[: issued.index(token) + 1]:
                    del state.tokens[value]

    return revoke


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
            f"tokens living {lifetime:g} s (`token_lifetime`); every other token revoked, "
            "with the tokens issued before it, on the n-th request carrying it (n = 5 "
            "for the pull, 20 with 8 concurrent callers, 3 for the drain): that request "
            "is answered 401; 20 ms latency"
        ),
        amount=(
            f"a pull of {s.token_pull:,} persons; 8 async tasks and 8 threads on one client "
            f"for {s.token_seconds:g} s each (longer until each has seen a revocation, a "
            f"refresh after its 401 and one at half-life); a drain of {s.token_tasks:,} tasks"
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
            faults.set_rules(Rule(None, api, revoke_every(uses, revoke_up_to(state))))

        def phase(mark: int) -> CallerPhase:
            return CallerPhase(
                faults,
                mark,
                seconds=s.token_seconds,
                deadline=s.deadline,
                refresh_after=refresh_after,
            )

        def audit(label: str, mark: int) -> None:
            exchanges = faults.since(mark)
            revoked = revocations(exchanges)
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
        async def hammer_async(calling: CallerPhase) -> tuple[int, list[BaseException]]:
            calls, errors = 0, []
            async with AsyncKimonoClient(**server.credentials) as kimono:

                async def worker(n: int) -> None:
                    nonlocal calls
                    while calling.running():
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
        calling = phase(mark)
        calls, errors = asyncio.run(hammer_async(calling))
        for exc in errors:
            run.watch.scan_exception(exc)
        result.equal("8 async tasks: errors reaching the caller", [repr(e) for e in errors], [])
        audit(f"8 async tasks, {calls:,} calls in {calling.seconds:.1f} s", mark)

        # c. 8 threads sharing one client
        mark = faults.mark()
        revoking(20)
        thread_calls = Counter[int]()
        thread_errors: list[BaseException] = []
        calling = phase(mark)
        with KimonoClient(**server.credentials) as kimono:

            def work(n: int) -> None:
                while calling.running():
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
        audit(f"8 threads, {sum(thread_calls.values()):,} calls in {calling.seconds:.1f} s", mark)

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
