"""Memory: gzip bombs, endless pages and huge tokens against bounded clients; a bounded sandbox.

Three parts, one row. Servers written for the purpose (``scripts/reliability/hostile.py``)
answer a small gzip body that inflates far past any limit, or a list page that never
ends; each call runs in a fresh process (``python -c``) that reads its own peak RSS
(``VmHWM`` in ``/proc/self/status``) before and after, with ``max_response_size`` of
1 MiB and with the default (64 MiB). A token endpoint answers a token past 64 KiB,
plainly and as a gzip bomb. Then the sandbox gets more requests than its request log
keeps and issues more tokens than it holds, over raw HTTP (the standard library's
client, so nothing is logged): both must stay at their limits, and it must go on
serving.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from kimono_interop import KimonoClient, ResponseTooLargeError
from kimono_interop._constants import DEFAULT_MAX_RESPONSE_SIZE, MAX_TOKEN_RESPONSE_SIZE
from scripts.reliability.checks import outcome_of
from scripts.reliability.hostile import EndlessPage, FixedAnswer, gzip_bomb
from scripts.reliability.paths import TASKS_PATH, TOKEN_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Run, SandboxServer

MIB = 1 << 20
SMALL_LIMIT = MIB
#: What a call may add to the peak RSS beyond the answer it may keep (max_response_size):
#: the decoded chunk in hand, the interpreter's own noise.
SLACK_MIB = 32

MEMORY_CHILD = r"""
import json, sys, time
def status():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmHWM", "VmRSS")}
from kimono_interop import BearerToken, KimonoClient
url, warm_url, call, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
options = {"max_response_size": limit} if limit else {}
PERSON = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"
def do(kimono):
    if call == "get":
        return kimono.rostering.persons.get(PERSON)
    return list(kimono.rostering.persons.list())
with KimonoClient(base_url=warm_url, auth=BearerToken("t"), max_retries=0, **options) as warm:
    try:  # the same call against a small answer: the imports and pools of a first call
        do(warm)
    except Exception:
        pass
with KimonoClient(base_url=url, auth=BearerToken("t"), max_retries=0, **options) as kimono:
    before = status()
    started = time.perf_counter()
    try:
        do(kimono)
        outcome, seen_limit, message = "no error", None, ""
    except Exception as exc:
        outcome, seen_limit, message = type(exc).__name__, getattr(exc, "limit", None), str(exc)
    seconds = time.perf_counter() - started
    after = status()
    limit = kimono.max_response_size
print(json.dumps({"before": before, "after": after, "outcome": outcome, "limit": seen_limit,
                  "client_limit": limit, "message": message[:300], "seconds": seconds}))
"""


def memory(run: Run) -> Result:
    """Hostile answers in fresh processes, huge tokens, and the sandbox's bounded state."""
    s = run.sizes
    bomb = gzip_bomb(s.bomb_bytes)
    result = Result(
        "memory",
        "Memory: gzip bombs, endless pages, huge tokens, the sandbox's state",
        injected=(
            f"servers written for the purpose: a {len(bomb) / MIB:.1f} MiB gzip body "
            f"inflating to {s.bomb_bytes / MIB:,.0f} MiB, a chunked list page that never "
            f"ends (stopped by the server at {s.bomb_bytes / MIB:,.0f} MiB), a token "
            "endpoint answering a 200 kB token, and a 10 MiB one gzipped; the sandbox "
            "flooded with requests and token requests over raw HTTP"
        ),
        amount=(
            "4 calls, each in a fresh process (gzip bomb, endless page; max_response_size "
            "1 MiB and the default 64 MiB); 2 token answers; the sandbox: "
            + _flood_amount(s.state_limit)
        ),
        checked=(
            "ResponseTooLargeError naming the limit; the process's peak RSS (VmHWM) grows by "
            f"at most max_response_size + {SLACK_MIB} MiB; the endless page's server sees "
            "the client hang up long before its end; a token answer past 64 KiB refused "
            "(ResponseTooLargeError, 65,536) after 1 request; the sandbox's `state.log` and "
            "`state.tokens` at their limits, the newest token served, the oldest evicted"
        ),
    )
    summaries = [_answers(run, result, bomb), _tokens(run, result), _sandbox_state(run, result)]
    result.summary = "; ".join(summaries)
    return result


def _flood_amount(limit: int | None) -> str:
    log_limit, token_limit = _limits(limit)
    return (
        f"{_flood_sizes(log_limit, token_limit)[0]:,} token requests and "
        f"{_flood_sizes(log_limit, token_limit)[1]:,} API requests (limits {log_limit:,} "
        f"and {token_limit:,}{'' if limit is None else ', shrunk for the test size'})"
    )


def _limits(limit: int | None) -> tuple[int, int]:
    from kimono_interop.sandbox import state as module

    return (module.LOG_LIMIT, module.TOKEN_LIMIT) if limit is None else (limit, limit)


def _flood_sizes(log_limit: int, token_limit: int) -> tuple[int, int]:
    """Token requests (1.2 x the token limit) and API requests (to 1.5 x the log limit)."""
    tokens = token_limit * 6 // 5
    return tokens, max(log_limit * 3 // 2 - tokens, log_limit // 10)


# -- hostile answers, each in a fresh process ------------------------------------------------
def _answers(run: Run, result: Result, bomb: bytes) -> str:
    s = run.sizes
    small_page = json.dumps({"data": [], "paging": {"next": None}}).encode()
    lines = []
    worst = 0.0
    with (
        FixedAnswer(bomb, headers=(("Content-Encoding", "gzip"),)) as bombing,
        EndlessPage(s.bomb_bytes) as endless,
        FixedAnswer(small_page) as warm,
    ):
        for limit in (SMALL_LIMIT, 0):
            for name, server, call in (
                ("gzip bomb", bombing, "get"),
                ("endless page", endless, "list"),
            ):
                sent_before = len(endless.sent)
                child = subprocess.run(
                    [sys.executable, "-c", MEMORY_CHILD, server.url, warm.url, call, str(limit)],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                )
                run.watch.scan_text("subprocess output", child.stdout + child.stderr)
                last = child.stdout.strip().splitlines()[-1] if child.stdout.strip() else "{}"
                seen: dict[str, Any] = json.loads(last) if last.startswith("{") else {}
                client_limit = int(seen.get("client_limit") or 0)
                label = f"{name}, max_response_size {client_limit / MIB:g} MiB"
                result.equal(f"{label}: process exit code", child.returncode, 0)
                if child.returncode:
                    result.note(f"{label}: {child.stderr[-500:]}")
                    continue
                want_limit = limit or DEFAULT_MAX_RESPONSE_SIZE
                result.equal(f"{label}: the client's limit", client_limit, want_limit)
                result.equal(f"{label}: outcome", seen["outcome"], ResponseTooLargeError.__name__)
                result.equal(f"{label}: the limit in the error", seen["limit"], want_limit)
                growth = seen["after"]["VmHWM"] - seen["before"]["VmHWM"]
                bound = want_limit / MIB + SLACK_MIB
                worst = max(worst, growth - want_limit / MIB)
                result.true(
                    f"{label}: peak RSS grows by at most {bound:g} MiB",
                    growth <= bound,
                    f"+{growth:.1f} MiB",
                )
                extra = ""
                if server is endless:
                    sent = endless.sent[sent_before:]
                    hung_up = endless.hung_up[sent_before:]
                    result.true(
                        f"{label}: the server saw the client hang up before its end",
                        hung_up == [True] and sent[0] < s.bomb_bytes,
                        f"sent {sent}, hung up {hung_up}",
                    )
                    extra = f", the server sent {sent[0] / MIB:.1f} MiB before the client hung up"
                result.data.setdefault("answers", []).append(seen["outcome"])
                lines.append(
                    f"{label}: {seen['outcome']} after {seen['seconds']:.2f} s, peak RSS "
                    f"{seen['before']['VmHWM']:.0f} -> {seen['after']['VmHWM']:.0f} MiB "
                    f"(+{growth:.1f}, bound {bound:g}){extra}"
                )
        result.equal("gzip bomb requests (1 per call)", len(bombing.requests), 2)
    result.note(
        f"hostile answers (the gzip bomb: {len(bomb):,} bytes on the wire, "
        f"{s.bomb_bytes / MIB:,.0f} MiB inflated): " + "; ".join(lines)
    )
    return f"bombs and endless pages refused, peak RSS at most {worst:+.0f} MiB past the limit"


# -- huge token answers -----------------------------------------------------------------------
def _tokens(run: Run, result: Result) -> str:
    plain = json.dumps(
        {"access_token": "a" * 200_000, "token_type": "bearer", "expires_in": 3600}
    ).encode()
    inflated = json.dumps(
        {"access_token": "a" * (10 * MIB), "token_type": "bearer", "expires_in": 3600}
    ).encode()
    bombed = gzip.compress(inflated, compresslevel=9)
    lines = []
    for name, body, headers in (
        ("a 200 kB token", plain, ()),
        (
            f"a 10 MiB token in {len(bombed):,} gzipped bytes",
            bombed,
            (("Content-Encoding", "gzip"),),
        ),
    ):
        with FixedAnswer(body, headers=headers) as server:
            with KimonoClient(CLIENT_ID, run.client_secret, base_url=server.url) as kimono:
                outcome = outcome_of(run, kimono.tenants.current)
            requests = list(server.requests)
        result.true(
            f"token ({name}): ResponseTooLargeError",
            isinstance(outcome, ResponseTooLargeError),
            f"{type(outcome).__name__}: {outcome}",
        )
        limit = getattr(outcome, "limit", None)
        result.equal(f"token ({name}): the limit", limit, MAX_TOKEN_RESPONSE_SIZE)
        result.equal(
            f"token ({name}): requests (the token request only)", requests, [("POST", TOKEN_PATH)]
        )
        lines.append(
            f"{name}: {type(outcome).__name__} (limit {limit:,}) after {len(requests)} request"
        )
    result.note("token answers: " + "; ".join(lines))
    return "tokens past 64 KiB refused"


# -- the sandbox's own state --------------------------------------------------------------------
@contextlib.contextmanager
def sandbox_limits(limit: int | None) -> Iterator[tuple[int, int]]:
    """The sandbox's LOG_LIMIT and TOKEN_LIMIT set to ``limit`` (None: as they are)."""
    from kimono_interop.sandbox import state as module

    saved = module.LOG_LIMIT, module.TOKEN_LIMIT
    if limit is not None:
        module.LOG_LIMIT = module.TOKEN_LIMIT = limit
    try:
        yield module.LOG_LIMIT, module.TOKEN_LIMIT
    finally:
        module.LOG_LIMIT, module.TOKEN_LIMIT = saved


def _sandbox_state(run: Run, result: Result) -> str:
    s = run.sizes
    form = urlencode(
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": run.client_secret,
        }
    )
    form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
    answers: Counter[int] = Counter()
    # Not run.server: its tokens would all become needles of the secret watch, and these
    # never reach the SDK.
    with sandbox_limits(s.state_limit) as (log_limit, token_limit):
        token_requests, api_requests = _flood_sizes(log_limit, token_limit)
        with SandboxServer(run.config(students=20, seed=44)) as server:
            state = server.state
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            started = time.perf_counter()
            first = last = ""
            for _ in range(token_requests):
                conn.request("POST", TOKEN_PATH, body=form, headers=form_headers)
                answer = conn.getresponse()
                body = answer.read()
                answers[answer.status] += 1
                if answer.status == 200:
                    last = json.loads(body)["access_token"]
                    first = first or last
            for _ in range(api_requests):
                conn.request("GET", TASKS_PATH, headers={"Authorization": f"Bearer {last}"})
                answer = conn.getresponse()
                answer.read()
                answers[answer.status] += 1
            flood_seconds = time.perf_counter() - started
            log_size, log_max, latest = len(state.log), state.log.maxlen, state.log[-1]
            tokens_held = len(state.tokens)
            checks = {}
            for name, token in (("oldest", first), ("newest", last)):
                conn.request("GET", TASKS_PATH, headers={"Authorization": f"Bearer {token}"})
                answer = conn.getresponse()
                answer.read()
                checks[name] = answer.status
            conn.close()
    total = token_requests + api_requests
    result.equal("sandbox: answers to the flood", dict(answers), {200: total})
    result.equal("sandbox: state.log's maxlen", log_max, log_limit)
    result.equal("sandbox: requests in state.log", log_size, min(total, log_limit))
    result.equal("sandbox: the latest entry of state.log", latest, ("GET", TASKS_PATH, 200))
    result.equal("sandbox: tokens held", tokens_held, min(token_requests, token_limit))
    result.equal(
        "sandbox: the oldest token (evicted) and the newest (served)",
        checks,
        {"oldest": 401, "newest": 200},
    )
    result.note(
        f"sandbox state: {token_requests:,} token requests and {api_requests:,} API requests "
        f"({total:,} in all, {fmt_counter(answers)}) in {flood_seconds:.1f} s; state.log holds "
        f"{log_size:,} (limit {log_limit:,}), state.tokens {tokens_held:,} (limit "
        f"{token_limit:,}); the oldest token answered {checks['oldest']}, the newest "
        f"{checks['newest']}"
        + ("" if s.state_limit is None else " (limits shrunk for the test size)")
    )
    result.data.update(log=(log_size, log_limit), tokens=(tokens_held, token_limit))
    return f"sandbox log {log_size:,}/{log_limit:,}, tokens {tokens_held:,}/{token_limit:,}"
