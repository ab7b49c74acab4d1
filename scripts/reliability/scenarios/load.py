"""Scenario 11: load, 8 async workers on one client for a while, in a fresh process.

The client runs in a child process (``scripts/reliability/load_client.py``) so that
its memory and sockets are its own; the sandbox stays in this one, producing tasks
for every tenant and answering the child's control requests. Every walk must be
exact, every task handled once and acknowledged, every answer 2xx, and the child's
sockets and RSS bounded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from kimono_interop.sandbox import SandboxState
from scripts.reliability import ROOT
from scripts.reliability.checks import person_ids, statuses
from scripts.reliability.middleware import CLIENT_GONE, Control
from scripts.reliability.paths import CONTROL, TOKEN_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Run

#: Idle keep-alive connections a pool may keep: httpx's default (max_keepalive_connections),
#: which the SDK's transports use.
IDLE_KEPT = 20
#: The bound on the client's RSS growth after warm-up (checked in the full run only).
RSS_GROWTH_MB = 5.0


def load(run: Run) -> Result:
    s = run.sizes
    tenants = 4
    result = Result(
        "load",
        "Load: 8 async workers for a while",
        injected=(
            f"in a fresh client process, on one event loop: 4 iterators walking "
            f"{s.load_persons:,} persons (`list_persons(page_size=100).prefetch(2)`, typed) "
            "again and again on one `AsyncKimonoClient`, and 4 consumers (`for_tenant`, one "
            f"per tenant, sharing its pool) draining tasks produced at {s.load_rate:g}/s per "
            f"tenant; tokens living {s.load_token_lifetime:g} s; no faults"
        ),
        amount=f"{s.load_seconds:g} s",
        checked=(
            "no error anywhere (client or server: every answer 2xx); every walk exact; every "
            "produced task handled exactly once and acked; the client's sockets back to the "
            "count before once it is closed, and never above what its 8 workers can hold "
            f"(21 requests in flight) plus the {IDLE_KEPT} idle connections a pool keeps; "
            f"RSS (start, after warm-up, end; the full run: growth < {RSS_GROWTH_MB:g} MB "
            "after warm-up)"
        ),
    )
    config = run.config(
        students=s.load_persons - s.load_persons // 21,
        tenants=tenants,
        seed=20,
        token_lifetime=s.load_token_lifetime,
        ack_timeout=30.0,
    )
    with run.server(config) as server, tempfile.TemporaryDirectory() as tmp:
        state = server.state
        result.equal("persons in the sandbox", len(state.roster.persons), s.load_persons)
        pushed: list[tuple[int, str]] = []
        producing = threading.Event()
        server.faults.control = _load_control(state, pushed, producing)
        log_path = Path(tmp) / "client.log"
        settings = {
            "url": server.url,
            "client_id": CLIENT_ID,
            "client_secret": run.client_secret,
            "seconds": s.load_seconds,
            "rate": s.load_rate,
            "log": str(log_path),
        }
        child = subprocess.run(
            [sys.executable, "-m", "scripts.reliability.load_client", json.dumps(settings)],
            capture_output=True,
            text=True,
            timeout=s.load_seconds + 180,
            cwd=ROOT,
        )
        run.watch.scan_text("subprocess output", child.stdout + child.stderr)
        if log_path.exists():
            with log_path.open(encoding="utf-8", errors="replace") as logs:
                for n, chunk in enumerate(iter(lambda: logs.read(1 << 20), "")):
                    run.watch.scan_text("load client log", chunk, pieces=int(n == 0))
        result.equal("client process exit code", child.returncode, 0)
        last = child.stdout.strip().splitlines()[-1] if child.stdout.strip() else "{}"
        outcome = json.loads(last) if last.startswith("{") else {}
        exchanges = list(server.faults.exchanges)
        acks = Counter(a.task_id for a in state.queue.acks)
        pending = state.queue.pending()
    errors = outcome.get("errors", ["the client process gave no result"])
    walks = outcome.get("walks", {})
    handled = {int(k): v for k, v in outcome.get("handled", {}).items()}
    result.equal("errors", errors, [])
    result.equal("walks with a wrong result", outcome.get("bad_walks"), [])
    result.true(
        "every iterator walked at least twice",
        len(walks) == 4 and min(walks.values()) >= 2,
        f"{walks}",
    )
    wrong = [seq for seq, _ in pushed if handled.get(seq) != 1]
    result.equal("produced tasks not handled exactly once", len(wrong), 0)
    result.equal("produced tasks never acknowledged", sum(1 for _, t in pushed if not acks[t]), 0)
    result.equal("tasks left in the queue", pending, 0)
    api = [e for e in exchanges if not e.path.startswith(CONTROL)]
    gone = sum(1 for e in api if e.fault == CLIENT_GONE)  # cancelled look-ahead, say
    answered = [e for e in api if e.fault != CLIENT_GONE]
    answers = statuses(answered)
    result.equal("answers other than 2xx", {k: v for k, v in answers.items() if k // 100 != 2}, {})
    for e in answered:
        if e.status // 100 != 2:
            result.failures.append(
                f"{e.method} {e.path}?{e.query} answered {e.status} ({e.fault or 'no fault'}): "
                f"{e.error}"
            )
    before, peak_early, peak_late, after = outcome.get("sockets", (0, 0, 0, -1))
    result.equal("sockets open after closing the client (vs before it)", after, before)
    # At most 16 requests in flight (4 walks x 3 pages, 4 consumers) and a token request
    # per auth object (5); and the idle keep-alive connections httpx's pool may keep
    # (max_keepalive_connections, 20), some of them closed by the server and not yet
    # noticed. More sockets than that can only be leaked ones (a leak of one per walk
    # would pass it within seconds: the iterators walk hundreds of times).
    bound = before + 16 + 5 + IDLE_KEPT
    result.true(
        f"sockets during the run <= {bound} (before + requests that can be in flight + "
        "idle keep-alive connections)",
        max(peak_early, peak_late) <= bound,
        f"{peak_early} then {peak_late}",
    )
    start, warm, end = outcome.get("rss", (0.0, 0.0, 0.0))
    if s.timed:
        result.true(
            f"RSS grows less than {RSS_GROWTH_MB:g} MB after warm-up",
            end - warm < RSS_GROWTH_MB,
            f"{end - warm:+.1f} MB",
        )
    tokens = sum(1 for e in api if e.path == TOKEN_PATH)
    total_walks = sum(walks.values())
    result.data.update(rss_start=start, rss_warm=warm, rss_end=end, tasks=len(pushed))
    result.note(
        f"{total_walks:,} walks of {s.load_persons:,} persons "
        f"({total_walks * s.load_persons:,} persons; per iterator {walks}); "
        f"{len(pushed):,} tasks produced, handled once and acked; {len(api):,} requests, "
        f"{fmt_counter(answers)}, {tokens} of them token requests"
        + (f"; {gone} abandoned by the client before their body arrived" if gone else "")
    )
    result.note(
        f"RSS of the client process: {start:.1f} MB at start, {warm:.1f} MB after warm-up, "
        f"{end:.1f} MB at the end ({end - warm:+.1f} MB after warm-up); sockets: "
        f"{before} before, peak {peak_early} in the first half and {peak_late} in the "
        f"second, {after} after closing"
    )
    result.summary = (
        f"0 errors; {len(pushed):,} tasks once each; RSS {start:.0f} -> {warm:.0f} -> "
        f"{end:.0f} MB; sockets {before} -> peak {max(peak_early, peak_late)} -> {after}"
    )
    return result


def _load_control(
    state: SandboxState, pushed: list[tuple[int, str]], producing: threading.Event
) -> Control:
    """``/_reliability/*`` for the load client: the persons, a task producer, the queue."""
    persons = list(state.roster.persons.values())

    def produce(seconds: float, rate: float) -> None:
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < seconds:
            for tenant in state.tenants:
                body = state.queue.push(
                    tenant,
                    "data_event",
                    "UPDATE",
                    object_type="persons",
                    obj=persons[n % len(persons)],
                )
                pushed.append((int(body["sequence"]), str(body["id"])))
            n += 1
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
        producing.clear()

    async def control(method: str, path: str, body: bytes) -> tuple[int, Any]:
        if path == f"{CONTROL}/persons":
            return 200, person_ids(state)
        if path == f"{CONTROL}/produce":
            settings = json.loads(body)
            producing.set()
            threading.Thread(
                target=produce, args=(settings["seconds"], settings["rate"]), daemon=True
            ).start()
            return 200, {"ok": True}
        if path == f"{CONTROL}/queue":
            return 200, {"pending": state.queue.pending(), "producing": producing.is_set()}
        return 404, {"error": "unknown control path"}

    return control
