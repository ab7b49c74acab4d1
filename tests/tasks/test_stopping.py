"""Stopping a consumer with real signals, in a real process, against a real sandbox.

The first SIGINT/SIGTERM stops after the task in hand and sends the acks of what was
handled; a second one interrupts a stuck handler, always (sync or async, plain or
async handler, one tenant or all of them), and the interrupted task stays
unacknowledged. Each child process writes the ids it handled to a file; the
sandbox records the acks it got.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kimono_interop import AsyncKimonoClient, ConfigurationError
from kimono_interop.sandbox import Sandbox, SandboxConfig
from tests.support import ROOT

CHILD = """
import asyncio, os, signal, sys, time
from kimono_interop import AsyncKimonoClient, KimonoClient

if os.environ.get("IGNORE_SIGINT"):  # as a `cmd &` job of a shell script starts
    signal.signal(signal.SIGINT, signal.SIG_IGN)

url, out, mode, stuck = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "stuck"
credentials = dict(client_id="sandbox-client", client_secret="sandbox-secret", base_url=url)
handled = open(out, "a", buffering=1)

def note(task_id):
    handled.write(task_id + "\\n")

def plain(task):           # with "stuck", the 6th task never ends; else each takes 50 ms
    if stuck and task.sequence == 6:
        time.sleep(600)
    time.sleep(0 if stuck else 0.05)
    note(task.id)

async def awaiting(task):
    if stuck and task.sequence == 6:
        await asyncio.sleep(600)
    await asyncio.sleep(0 if stuck else 0.05)
    note(task.id)

def per_tenant(tenant, task):
    plain(task)

print("ready", flush=True)
if mode == "async-plain":
    async def main():
        async with AsyncKimonoClient(**credentials) as kimono:
            return await kimono.tasks.run(plain)
    stats = asyncio.run(main())
elif mode == "async-await":
    async def main():
        async with AsyncKimonoClient(**credentials) as kimono:
            return await kimono.tasks.run(awaiting)
    stats = asyncio.run(main())
elif mode == "sync":
    with KimonoClient(**credentials) as kimono:
        stats = kimono.tasks.run(plain)
elif mode == "sync-tenants":
    with KimonoClient(**credentials) as kimono:
        results = kimono.tasks.run_tenants(per_tenant)
    stats = next(iter(results.values()))
print("stopped_by", getattr(stats, "stopped_by", type(stats).__name__), flush=True)
"""


def _start(
    sandbox: Sandbox, tmp_path: Path, mode: str, *, stuck: bool, **env_extra: str
) -> tuple[subprocess.Popen[str], Path]:
    out = tmp_path / "handled.txt"
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'overlay'}{os.pathsep}{ROOT / 'generated'}",
        **env_extra,
    }
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, sandbox.url, str(out), mode, "stuck" if stuck else "-"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    return child, out


def _wait_for(out: Path, lines: int, child: subprocess.Popen[str]) -> list[str]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        handled = out.read_text().split() if out.exists() else []
        if len(handled) >= lines:
            return handled
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        time.sleep(0.05)
    raise AssertionError(f"the child handled fewer than {lines} tasks in 20 s")


@dataclass
class Stopped:
    """How a signalled child consumer ended: its exit, its output, and the acks sent."""

    returncode: int
    stdout: str
    stderr: str
    handled: list[str]  #: the ids the child wrote as handled
    acked: list[str]  #: the ids the sandbox recorded as acknowledged


def _signal_child(
    tmp_path: Path, mode: str, *, stuck: bool, after: int, signals: list[signal.Signals]
) -> Stopped:
    """Start a consumer child, wait until it handled ``after`` tasks, send ``signals``
    0.3 s apart (the child must survive all but the last), and wait for it to end."""
    config = SandboxConfig(students=5, schools=1, ack_timeout=300, grades_queries=0)
    with Sandbox(config) as sandbox:
        child, out = _start(sandbox, tmp_path, mode, stuck=stuck)
        try:
            _wait_for(out, after, child)
            for number, sent in enumerate(signals):
                if number:
                    time.sleep(0.3)
                    assert child.poll() is None  # the earlier signal waits for the task in hand
                elif stuck:
                    time.sleep(0.3)  # the handler of the next task is now stuck
                child.send_signal(sent)
            stdout, stderr = child.communicate(timeout=15)
        finally:
            if child.poll() is None:
                child.kill()
        acked = [a.task_id for a in sandbox.state.queue.acks]
    return Stopped(child.returncode, stdout, stderr, out.read_text().split(), acked)


@pytest.mark.parametrize("mode", ["async-plain", "async-await", "sync", "sync-tenants"])
def test_a_second_signal_interrupts_a_stuck_handler_and_the_handled_tasks_are_acked(
    tmp_path: Path, mode: str
) -> None:
    """SIGINT, then SIGTERM: the run returns ("interrupted") within seconds; the five
    handled tasks are acked, the stuck sixth is not (it will be delivered again)."""
    run = _signal_child(
        tmp_path, mode, stuck=True, after=5, signals=[signal.SIGINT, signal.SIGTERM]
    )
    assert run.returncode == 0, run.stderr
    assert "stopped_by interrupted" in run.stdout
    assert run.acked == run.handled[:5] == run.handled


@pytest.mark.parametrize("mode", ["sync", "sync-tenants", "async-plain", "async-await"])
def test_one_sigterm_stops_after_the_task_in_hand_with_every_handled_task_acked(
    tmp_path: Path, mode: str
) -> None:
    """A consumer following the queue (no stop_when_empty) ends on SIGTERM, acks sent."""
    run = _signal_child(tmp_path, mode, stuck=False, after=3, signals=[signal.SIGTERM])
    assert run.returncode == 0, run.stderr
    assert "stopped_by SIGTERM" in run.stdout
    assert run.acked == run.handled and len(run.handled) >= 3


def test_task_timeout_with_a_plain_handler_is_refused_on_the_async_client() -> None:
    """A worker thread cannot be stopped at the time limit: the combination is refused."""
    import asyncio

    async def main() -> None:
        async with AsyncKimonoClient("c", "s", base_url="http://127.0.0.1:9") as kimono:
            with pytest.raises(ConfigurationError, match="needs an `async def` handler"):
                await kimono.tasks.run(lambda task: None, task_timeout=1.0)

    asyncio.run(main())


@pytest.mark.parametrize("mode", ["sync", "async-plain"])
def test_a_second_signal_ends_the_client_s_own_retry_wait_of_a_poll(
    tmp_path: Path, mode: str
) -> None:
    """GET /tasks answered 429 with Retry-After 30: the client waits inside the poll. A
    stop waits for it (the poll in flight, retries included); a second signal ends it at
    once, with the sync client and the async one (no number of signals did)."""
    config = SandboxConfig(
        students=5,
        schools=1,
        ack_timeout=300,
        grades_queries=0,
        rate_limit_rate=1.0,
        retry_after=30,
    )
    with Sandbox(config) as sandbox:
        child, _ = _start(sandbox, tmp_path, mode, stuck=False)
        try:
            deadline = time.monotonic() + 20
            while not any(e[1].endswith("/tasks") and e[2] == 429 for e in list(sandbox.state.log)):
                assert time.monotonic() < deadline and child.poll() is None
                time.sleep(0.02)
            time.sleep(0.3)  # in the client's Retry-After wait
            child.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert child.poll() is None  # the stop waits for the poll in flight
            child.send_signal(signal.SIGINT)
            stdout, stderr = child.communicate(timeout=10)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == 0, stderr
    assert "stopped_by interrupted" in stdout


@pytest.mark.parametrize("mode", ["sync", "async-plain"])
def test_a_signal_the_process_ignores_stays_ignored(tmp_path: Path, mode: str) -> None:
    """Started with SIGINT ignored (a `cmd &` job of a shell script), the consumer does
    not stop on it (it did: its own handler replaced SIG_IGN); SIGTERM still stops it."""
    config = SandboxConfig(students=5, schools=1, ack_timeout=300, grades_queries=0)
    with Sandbox(config) as sandbox:
        child, out = _start(sandbox, tmp_path, mode, stuck=False, IGNORE_SIGINT="1")
        try:
            _wait_for(out, 3, child)
            child.send_signal(signal.SIGINT)
            time.sleep(1.0)
            assert child.poll() is None
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=15)
        finally:
            if child.poll() is None:
                child.kill()
    assert child.returncode == 0, stderr
    assert "stopped_by SIGTERM" in stdout


def test_a_signal_while_the_handlers_are_put_back_leaves_none_of_ours() -> None:
    """A third signal pending when the run puts the handlers back: signal.signal() runs
    it first, and it raised there, leaving the run's handlers installed for good (SIGINT
    and SIGTERM no longer stopped the process). It is counted, and the handlers go."""
    import _signal  # (signal.signal wraps it: the C call runs pending handlers)

    from kimono_interop._runtime import Runtime

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    runtime = Runtime()
    armed = {"on": False, "sent": False}

    def at_restore(frame: object, event: str, arg: object) -> None:
        if armed["on"] and not armed["sent"] and event == "c_call" and arg is _signal.signal:
            armed["sent"] = True
            os.kill(os.getpid(), signal.SIGTERM)  # pending as signal.signal() begins

    try:
        with runtime.signals(True):
            runtime.request_stop("SIGINT")
            runtime.interrupt()  # a first and a second signal already met
            armed["on"] = True
            sys.setprofile(at_restore)
        sys.setprofile(None)
        after = {sig: signal.getsignal(sig) for sig in before}
    finally:
        sys.setprofile(None)
        for sig, handler in before.items():
            signal.signal(sig, handler)
    assert armed["sent"] and after == before
