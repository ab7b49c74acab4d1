"""Silent loss and corruption: answers crossed after a fork, acks lost or skewed, poison items.

Four parts, one row. A client used before ``os.fork()`` serves parent and child at
once, each checking that every answer is the person it asked for (a fresh process,
``python -c``, forks; the child reports through a pipe and its exit code). Handlers
return every status the consumer takes (and some it must refuse): the sandbox's
record of acks says what each became. Acks whose answers are lost after the sandbox
applied them (the connection dropped, or a gateway's 504) are retried, answered 404,
and must count as acknowledged without a storm of single acks. Batches carrying
``null``, a number, a string and an object without id among good tasks: every good
task handled and acknowledged once, each poison item counted once, and a queue of
nothing else waited on, not spun on.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from kimono_interop import AsyncKimonoClient, KimonoClient, TaskResult, TaskStatus, TaskView
from scripts.reliability.checks import fast_retries, person_ids, push_tasks
from scripts.reliability.faults import GATEWAY_AFTER, LOST, Rule, always, cycle, rewrite
from scripts.reliability.paths import TASK_BATCH, TASKS_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Run
from scripts.service import path_of, pattern_of

FORK_THREADS = 4

FORK_CHILD = r"""
import json, logging, os, sys, threading
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="%(process)d %(name)s %(levelname)s %(message)s")
from kimono_interop import KimonoClient

url, client_id, secret, ids_path, fetches, threads = sys.argv[1:7]
fetches, threads = int(fetches), int(threads)
ids = json.load(open(ids_path))

def fetch(kimono, share):
    # `fetches` reads of the persons in `share`, over `threads` threads of one client.
    asked = [share[n % len(share)] for n in range(fetches)]
    lock = threading.Lock()
    seen = {"fetched": 0, "mismatches": 0, "errors": 0, "examples": []}
    def work(part):
        for person in part:
            try:
                got = str(kimono.rostering.persons.get(person).sys.id)
            except Exception as exc:
                with lock:
                    seen["errors"] += 1
                    seen["examples"].append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            with lock:
                seen["fetched"] += 1
                if got != person:
                    seen["mismatches"] += 1
                    seen["examples"].append(f"asked {person}, got {got}")
    workers = [threading.Thread(target=work, args=(asked[n::threads],)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    seen["examples"] = seen["examples"][:3]
    return seen

with KimonoClient(client_id, secret, base_url=url) as kimono:
    warm = str(kimono.rostering.persons.get(ids[0]).sys.id) == ids[0]  # a pooled connection
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the odd persons; reports through the pipe and its exit code
        os.close(read)
        try:
            seen = fetch(kimono, ids[1::2])
        except BaseException as exc:
            seen = {"crashed": f"{type(exc).__name__}: {exc}"}
        os.write(write, json.dumps(seen).encode())
        os.close(write)
        clean = seen.get("mismatches") == 0 and seen.get("errors") == 0
        os._exit(0 if clean else 1)
    os.close(write)
    parent = fetch(kimono, ids[0::2])  # the even persons, while the child runs
    with os.fdopen(read, "rb") as pipe:
        child = json.loads(pipe.read() or b'{"crashed": "no report"}')
    _, status = os.waitpid(pid, 0)
print(json.dumps({"warm": warm, "parent": parent, "child": child,
                  "child_exit": os.waitstatus_to_exitcode(status)}))
"""


def silent_loss(run: Run) -> Result:
    """The four parts, each adding its checks and figures to one result."""
    s = run.sizes
    result = Result(
        "loss",
        "Silent loss and corruption",
        injected=(
            "`os.fork()` of a process whose client has a pooled connection, then parent and "
            f"child ({FORK_THREADS} threads each) reading different persons at once over that "
            'client; handlers returning `"retry"`, `"error"`, TaskStatus members, '
            "`TaskResult`s and values the consumer must refuse; ack answers lost after the "
            "sandbox applied them (the connection dropped, or a gateway's 504 page), so the "
            'retry is answered 404; batches with `null`, `42`, `"poison"` and an object '
            "without id among good tasks, and then nothing else (a stalled queue)"
        ),
        amount=(
            f"{s.fork_fetches:,} reads per process; {s.loss_tasks:,} tasks for return "
            f"values, {s.loss_tasks:,} for lost acks (sync and async), {s.loss_tasks:,} "
            f"among poison items; the stalled queue followed for {s.stall_seconds:g} s"
        ),
        checked=(
            "0 answers for another person in parent or child (child exit code 0); the "
            "sandbox's ack records = what each return value means (a refused value acked "
            "`error` with the TypeError, never `success`); with lost answers: acked = "
            "handled, each once, `lost_ack_answers` = all, `ack_failures` empty, 0 single "
            "acks; poison: every good task handled and acked once, each poison item counted "
            "once (`unackable`, `on_unackable`), the run ends `stalled`, and a follower "
            "polls a stalled queue no faster than its poll interval"
        ),
    )
    summaries = [
        _fork(run, result),
        _return_values(run, result),
        _lost_acks(run, result, use_async=False),
        _lost_acks(run, result, use_async=True),
        _poison(run, result),
    ]
    result.summary = "; ".join(summaries)
    return result


# -- fork ------------------------------------------------------------------------------------
def _fork(run: Run, result: Result) -> str:
    s = run.sizes
    config = run.config(students=500, seed=31)
    with run.server(config) as server, tempfile.TemporaryDirectory() as tmp:
        ids = person_ids(server.state)
        ids_path = Path(tmp) / "ids.json"
        ids_path.write_text(json.dumps(ids))
        mark = server.faults.mark()
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                FORK_CHILD,
                server.url,
                CLIENT_ID,
                run.client_secret,
                str(ids_path),
                str(s.fork_fetches),
                str(FORK_THREADS),
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        run.watch.scan_text("subprocess output", child.stdout + child.stderr)
        exchanges = server.faults.since(mark)
    last = child.stdout.strip().splitlines()[-1] if child.stdout.strip() else "{}"
    outcome: dict[str, Any] = json.loads(last) if last.startswith("{") else {}
    parent, forked = outcome.get("parent", {}), outcome.get("child", {})
    result.equal("fork: process exit code", child.returncode, 0)
    result.true("fork: the parent's client answered before the fork", outcome.get("warm") is True)
    result.equal("fork: child exit code (0: every answer its own)", outcome.get("child_exit"), 0)
    for who, seen in (("parent", parent), ("child", forked)):
        result.equal(f"fork: {who}: answers for another person", seen.get("mismatches"), 0)
        result.equal(f"fork: {who}: errors", seen.get("errors"), 0)
        result.equal(f"fork: {who}: persons read", seen.get("fetched"), s.fork_fetches)
        if seen.get("examples") or seen.get("crashed"):
            result.note(f"fork: {who}: {seen.get('crashed') or seen.get('examples')}")
    reads = [e for e in exchanges if e.method == "GET" and e.path != TASKS_PATH]
    tokens = len(exchanges) - len(reads)
    result.equal("fork: reads the sandbox answered", len(reads), 2 * s.fork_fetches + 1)
    before = {e.peer for e in reads[:1]}
    after = {e.peer for e in reads[1:]}
    result.note(
        f"fork: parent and child each read {s.fork_fetches:,} persons with "
        f"{FORK_THREADS} threads over one client made before the fork: "
        f"{parent.get('mismatches')} + {forked.get('mismatches')} answers for another "
        f"person, child exit code {outcome.get('child_exit')}; the sandbox saw "
        f"{len(reads):,} reads on {len(after)} connections after the fork "
        f"({len(before & after)} of them the connection opened before it) and "
        f"{tokens} token request(s)"
    )
    result.data.update(
        fork_reads=(parent.get("fetched"), forked.get("fetched")),
        fork_mismatches=(parent.get("mismatches"), forked.get("mismatches")),
    )
    return (
        f"fork: {parent.get('mismatches')} + {forked.get('mismatches')} crossed answers in "
        f"{2 * s.fork_fetches:,} reads"
    )


# -- handler return values -------------------------------------------------------------------
#: What the handler returns for the n-th task (n modulo the length), and the ack records
#: the sandbox must hold for it: (status, message, or the start of it for a refused value).
#: A retry is answered ``None`` when the task comes back.
RETURNS: list[tuple[str, Any, list[tuple[str, str | None]]]] = [
    ("None", None, [("success", None)]),
    ('"retry"', "retry", [("retry", None), ("success", None)]),
    ('"RETRY"', "RETRY", [("retry", None), ("success", None)]),
    ("TaskStatus.RETRY", TaskStatus.RETRY, [("retry", None), ("success", None)]),
    ('"error"', "error", [("error", None)]),
    ("TaskStatus.ERROR", TaskStatus.ERROR, [("error", None)]),
    ('"reauthenticate"', "reauthenticate", [("reauthenticate", None)]),
    (
        'TaskResult(ERROR, "row 7 is bad")',
        TaskResult(TaskStatus.ERROR, "row 7 is bad"),
        [("error", "row 7 is bad")],
    ),
    (
        'TaskResult("retry", "not yet")',
        TaskResult("retry", "not yet"),
        [("retry", "not yet"), ("success", None)],
    ),
    ('TaskResult(app_id="app-9")', TaskResult(app_id="app-9"), [("success", None)]),
    ('"done"', "done", [("error", "TypeError: the handler returned 'done'")]),
    ("42", 42, [("error", "TypeError: the handler returned 42")]),
    ("True", True, [("error", "TypeError: the handler returned True")]),
    (
        'TaskResult("finished")',
        TaskResult("finished"),
        [("error", "TypeError: TaskResult.status must be one of")],
    ),
]


def _ack_fits(got: tuple[str, str | None], expected: tuple[str, str | None]) -> bool:
    """The same status, and the same message (a refused value's: the start of it)."""
    (status, message), (want_status, want_message) = got, expected
    if status != want_status:
        return False
    if want_message is not None and want_message.startswith("TypeError"):
        return message is not None and message.startswith(want_message)
    return message == want_message


def _return_values(run: Run, result: Result) -> str:
    s = run.sizes
    config = run.config(students=100, seed=32, ack_timeout=30.0)
    with run.server(config) as server:
        state = server.state
        ids = push_tasks(state, server.tenant_id, s.loss_tasks)
        plan = {task_id: RETURNS[n % len(RETURNS)] for n, task_id in enumerate(ids)}
        calls: Counter[str] = Counter()

        def handle(task: TaskView) -> Any:
            task_id = task.id or ""
            calls[task_id] += 1
            _, value, _ = plan[task_id]
            return value if calls[task_id] == 1 else None

        with KimonoClient(**server.credentials) as kimono:
            stats = kimono.tasks.run(
                handle, stop_when_empty=True, handle_signals=False, poll_interval=0.05
            )
        records: dict[str, list[tuple[str, str | None]]] = {}
        for ack in state.queue.acks:
            records.setdefault(ack.task_id, []).append((ack.status, ack.message))
        wrong: dict[str, Any] = {}
        for task_id, (label, _, expected) in plan.items():
            got = records.get(task_id, [])
            if len(got) != len(expected) or not all(map(_ack_fits, got, expected)):
                wrong.setdefault(label, got)
        pending = state.queue.pending()
    retried = sum(1 for _, _, expected in plan.values() if expected[0][0] == "retry")
    result.equal("return values: acks that do not match the value returned", wrong, {})
    result.equal("return values: handler calls", sum(calls.values()), s.loss_tasks + retried)
    result.equal("return values: stats.handled", stats.handled, s.loss_tasks + retried)
    result.equal("return values: stats.retried", stats.retried, retried)
    result.equal("return values: tasks left in the queue", pending, 0)
    refused = sum(1 for label, _, exp in RETURNS if (exp[0][1] or "").startswith("TypeError"))
    result.note(
        f"return values: {s.loss_tasks:,} tasks, {len(RETURNS)} kinds of return value "
        f"({', '.join(label for label, _, _ in RETURNS)}): every ack record as the value "
        f"means, {retried} retried then acked success, {refused} kinds refused (acked error "
        "with the TypeError)"
    )
    result.data.update(return_values_wrong=len(wrong), retried=stats.retried)
    return f"return values: {len(RETURNS)} kinds, {len(wrong)} acked wrongly"


# -- acks whose answers were lost --------------------------------------------------------
def _lost_acks(run: Run, result: Result, *, use_async: bool) -> str:
    s = run.sizes
    label = "async" if use_async else "sync"
    count = s.loss_tasks
    batches = math.ceil(count / TASK_BATCH)
    bulk = path_of("acknowledgeTasks")
    config = run.config(students=100, seed=33 if use_async else 34, ack_timeout=30.0)
    with run.server(config) as server:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, count)
        handled: list[str] = []
        # Each batch's first ack is applied and its answer lost (a dropped connection, or
        # a gateway's 504 page); its retry then meets a sandbox that no longer knows the
        # tasks and answers 404.
        faults.set_rules(Rule("PUT", re.escape(bulk), cycle(LOST, None, GATEWAY_AFTER, None)))
        mark = faults.mark()
        options: dict[str, Any] = {
            "stop_when_empty": True,
            "handle_signals": False,
            "poll_interval": 0.05,
        }
        if use_async:

            async def drain() -> Any:
                async with AsyncKimonoClient(**server.credentials, retry=fast_retries()) as kimono:
                    return await kimono.tasks.run(
                        lambda task: handled.append(task.id or ""), **options
                    )

            stats = asyncio.run(drain())
        else:
            with KimonoClient(**server.credentials, retry=fast_retries()) as kimono:
                stats = kimono.tasks.run(lambda task: handled.append(task.id or ""), **options)
        faults.set_rules()
        exchanges = faults.since(mark)
        acks = Counter(a.task_id for a in state.queue.acks)
        pending = state.queue.pending()
    puts = [e for e in exchanges if e.method == "PUT"]
    singles = [e for e in puts if re.fullmatch(pattern_of("acknowledgeTask"), e.path)]
    bulks = [e for e in puts if e.path == bulk]
    injected = Counter(e.fault.split(" (")[0] for e in bulks if e.fault)
    answers = Counter(e.status for e in bulks)
    what = f"lost acks ({label})"
    result.equal(f"{what}: tasks handled, in order", handled, ids)
    result.equal(
        f"{what}: tasks acked other than exactly once", {t for t in ids if acks[t] != 1}, set()
    )
    result.equal(f"{what}: stats.acknowledged", stats.acknowledged, count)
    result.equal(f"{what}: stats.lost_ack_answers", stats.lost_ack_answers, count)
    result.equal(f"{what}: stats.ack_failures", stats.ack_failures, {})
    result.equal(f"{what}: single-ack requests", len(singles), 0)
    result.equal(f"{what}: bulk ack requests (2 per batch)", len(bulks), 2 * batches)
    result.equal(f"{what}: 404 answers to a retried ack", answers[404], batches)
    result.equal(f"{what}: tasks left in the queue", pending, 0)
    result.note(
        f"{what}: {count:,} tasks in {batches} batches; every batch's first ack applied and "
        f"its answer lost ({fmt_counter(injected)}); answers to the {len(bulks)} bulk acks: "
        f"{fmt_counter(answers)}; stats: acknowledged {stats.acknowledged:,}, "
        f"lost_ack_answers {stats.lost_ack_answers:,}, ack_failures "
        f"{len(stats.ack_failures)}; {len(singles)} single acks"
    )
    result.data[f"lost_ack_answers_{label}"] = stats.lost_ack_answers
    result.data[f"single_acks_{label}"] = len(singles)
    return f"lost acks ({label}): {stats.lost_ack_answers:,}/{count:,} confirmed, 0 single acks"


# -- poison items ------------------------------------------------------------------------------
#: What a batch may carry that no ack can name.
POISON: list[Any] = [None, 42, "poison", {"type": "data_event", "action": "ADD"}]


def _poisoned(body: dict[str, Any]) -> dict[str, Any]:
    """The batch with the poison items spread among its tasks (or alone, when it is empty)."""
    data = list(body.get("data") or [])
    half = len(data) // 2
    body["data"] = [POISON[0], *data[:1], POISON[1], *data[1:half], POISON[2], *data[half:]]
    body["data"].append(POISON[3])
    return body


def _poison(run: Run, result: Result) -> str:
    s = run.sizes
    count = s.loss_tasks
    config = run.config(students=100, seed=35, ack_timeout=30.0)
    with run.server(config) as server:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, count)
        faults.set_rules(Rule("GET", re.escape(TASKS_PATH), always(rewrite(_poisoned))))
        handled: list[str] = []
        hooked: list[Any] = []
        mark = faults.mark()
        with KimonoClient(**server.credentials) as kimono:
            stats = kimono.tasks.run(
                lambda task: handled.append(task.id or ""),
                stop_when_empty=True,
                handle_signals=False,
                poll_interval=0.05,
                on_unackable=lambda task: hooked.append(task.raw),
            )
            gets = sum(1 for e in faults.since(mark) if e.method == "GET")
            # A follower of the stalled queue, stopped after a while: it must wait, not spin.
            poll = 0.1
            follower = kimono.tasks.consumer(
                lambda task: handled.append(task.id or ""),
                handle_signals=False,
                poll_interval=poll,
                max_poll_interval=4 * poll,
            )
            timer = threading.Timer(s.stall_seconds, follower.stop)
            mark = faults.mark()
            timer.start()
            followed = follower.run()
            timer.cancel()
            follow_gets = sum(1 for e in faults.since(mark) if e.method == "GET")
        faults.set_rules()
        acks = Counter(a.task_id for a in state.queue.acks)
        statuses = Counter(a.status for a in state.queue.acks)
        pending = state.queue.pending()
    batches = math.ceil(count / TASK_BATCH)
    # Every wait of the follower lasts at least poll / 2: more requests than this is spinning.
    most = math.ceil(s.stall_seconds / (poll / 2)) + 1
    result.equal("poison: good tasks handled, in order, once", handled, ids)
    result.equal(
        "poison: good tasks acked other than once", {t for t in ids if acks[t] != 1}, set()
    )
    result.equal("poison: ack statuses", dict(statuses), {"success": count})
    result.equal("poison: stats.unackable (each item counted once)", stats.unackable, len(POISON))
    result.equal("poison: items passed to on_unackable", hooked, POISON)
    result.equal("poison: stats.unackable_tasks", [t.raw for t in stats.unackable_tasks], POISON)
    result.true("poison: stats.queue_stalled", stats.queue_stalled)
    result.equal("poison: stopped_by with stop_when_empty", stats.stopped_by, "stalled")
    result.equal("poison: GET /tasks (the batches, then one stalled)", gets, batches + 1)
    result.equal("poison: tasks left in the queue", pending, 0)
    result.equal("poison: the follower's stopped_by", followed.stopped_by, "stop()")
    result.equal("poison: the follower handled", followed.handled, 0)
    result.equal("poison: the follower's stats.unackable", followed.unackable, len(POISON))
    result.true(
        f"poison: the follower polled at most {most} times in {s.stall_seconds:g} s",
        2 <= follow_gets <= most,
        f"{follow_gets} requests",
    )
    result.note(
        f"poison: {count:,} good tasks in {batches} batches, each batch with `null`, `42`, "
        '`"poison"` and an object without id: all handled and acked once, '
        f"stats.unackable = {stats.unackable} (delivered {gets} times each), "
        f"stopped_by {stats.stopped_by!r} after {gets} GET /tasks; a follower of the stalled "
        f"queue (poll_interval {poll:g} s, max {4 * poll:g} s) made {follow_gets} requests in "
        f"{s.stall_seconds:g} s (at most {most} without spinning)"
    )
    result.data.update(unackable=stats.unackable, poison_handled=len(handled))
    return f"poison: {len(handled):,}/{count:,} good tasks once, {stats.unackable} unackable"
