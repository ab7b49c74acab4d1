"""`mirror run --follow` in its own process, stopped by SIGTERM as a service manager stops
it: the batch in hand is applied and acknowledged before the exit, so the tenant's queue
holds nothing delivered and unacknowledged (which the service would withhold until its
ack timeout)."""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import anyio
import pytest

from kimono_interop import AsyncKimonoClient, KimonoClient
from kimono_interop.mirror import Mirror
from kimono_interop.sandbox import Sandbox
from tests.support.fleet import sandbox_env
from tests.support.postgres import database as postgres_database


def _outstanding(sandbox: Sandbox) -> int:
    """Tasks the sandbox handed out that are not acknowledged yet."""
    return sum(len(tasks) for tasks in sandbox.state.queue._outstanding.values())


@contextlib.contextmanager
def _child(argv: list[str], sandbox: Sandbox) -> Iterator[subprocess.Popen[str]]:
    """A process run with the sandbox's URL and credentials in its environment."""
    child = subprocess.Popen(
        argv, env=sandbox_env(sandbox), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def _until(condition: Callable[[], bool], child: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, f"not in 60 s: {what}"
        time.sleep(0.01)


def test_sigterm_ends_a_following_run_once_its_batch_is_acknowledged(tmp_path: Path) -> None:
    # 50 ms an answer: the drain takes seconds, and the signal lands mid-drain
    with Sandbox(
        students=400, latency=0.05, ack_timeout=300, grades_queries=0, authenticate_requests=0
    ) as sandbox:
        total = sandbox.state.queue.pending()
        db = tmp_path / "mirror.db"
        command = [sys.executable, "-m", "kimono_interop.cli", "mirror", "run", "--follow"]
        with _child([*command, "--db", str(db)], sandbox) as child:
            _until(lambda: len(sandbox.state.queue.acks) >= 200, child, "200 tasks acked")
            child.send_signal(signal.SIGTERM)
            _, stderr = child.communicate(timeout=30)
        acked = len(sandbox.state.queue.acks)
        left = sandbox.state.queue.pending()
        assert child.returncode == 143, stderr
        assert "mirror run:" in stderr  # the summary, as after a drain
        assert _outstanding(sandbox) == 0  # nothing delivered is left unacknowledged
        assert 200 <= acked < total and left == total - acked  # it stopped mid-drain
    with Mirror.open(db) as mirror:
        assert mirror.status()["tasks_recorded"] == acked


def test_stop_ends_a_run_waiting_on_an_idle_queue_at_once(tmp_path: Path) -> None:
    """``mirror.stop()`` from another thread wakes a run out of its wait between polls
    (here up to 30 s) instead of letting it sleep it out."""
    with (
        Sandbox(students=5, ack_timeout=300) as sandbox,
        KimonoClient(**sandbox.credentials) as kimono,
        Mirror.open(tmp_path / "m.db") as mirror,
    ):
        mirror.run(kimono, stop_when_empty=True)  # drained: the queue is idle now
        done: list[float] = []

        def follow() -> None:
            mirror.run(kimono, poll_interval=30, max_poll_interval=30)
            done.append(time.monotonic())

        thread = threading.Thread(target=follow, daemon=True)
        thread.start()
        time.sleep(0.3)  # in its wait after the empty batch
        stopped_at = time.monotonic()
        mirror.stop()
        thread.join(timeout=10)
        assert not thread.is_alive() and done[0] - stopped_at < 5


@pytest.mark.anyio
async def test_stop_ends_run_async_waiting_on_an_idle_queue_at_once(tmp_path: Path) -> None:
    with Sandbox(students=5, ack_timeout=300) as sandbox:
        async with AsyncKimonoClient(**sandbox.credentials) as kimono:
            with Mirror.open(tmp_path / "m.db") as mirror, anyio.fail_after(10):
                await mirror.run_async(kimono, stop_when_empty=True)
                async with anyio.create_task_group() as group:

                    async def stop_soon() -> None:
                        await anyio.sleep(0.3)  # the run is in its 15-30 s wait by now
                        mirror.stop()

                    group.start_soon(stop_soon)
                    stats = await mirror.run_async(kimono, poll_interval=30, max_poll_interval=30)
                assert stats.stopped_by == "stop()"


def test_stop_from_another_thread_ends_run_async_at_once(tmp_path: Path) -> None:
    """run_async in an event loop of its own thread, stop() from this one: its wait ends,
    and the mirror runs again afterwards."""
    with (
        Sandbox(students=5, ack_timeout=300) as sandbox,
        Mirror.open(tmp_path / "m.db") as mirror,
    ):
        stopped: list[tuple[str, float]] = []

        async def follow() -> None:
            async with AsyncKimonoClient(**sandbox.credentials) as kimono:
                await mirror.run_async(kimono, stop_when_empty=True)
                stats = await mirror.run_async(kimono, poll_interval=30, max_poll_interval=30)
            stopped.append((stats.stopped_by, time.monotonic()))

        thread = threading.Thread(target=anyio.run, args=(follow,), daemon=True)
        thread.start()
        time.sleep(1)  # in its 15-30 s wait after the empty batch
        asked = time.monotonic()
        mirror.stop()
        thread.join(timeout=10)
        assert not thread.is_alive() and stopped[0][0] == "stop()"
        assert stopped[0][1] - asked < 2
        with KimonoClient(**sandbox.credentials) as kimono:
            assert mirror.run(kimono, stop_when_empty=True).stopped_by == "empty"


@pytest.mark.anyio
async def test_stop_from_a_signal_handler_of_the_application_ends_run_async(
    tmp_path: Path,
) -> None:
    """The application handles SIGUSR1 itself (signal.signal) and calls stop() there,
    in the event loop's thread while the loop waits on its selector."""
    with Sandbox(students=5, ack_timeout=300) as sandbox:
        async with AsyncKimonoClient(**sandbox.credentials) as kimono:
            with Mirror.open(tmp_path / "m.db") as mirror, anyio.fail_after(20):
                await mirror.run_async(kimono, stop_when_empty=True)
                previous = signal.signal(signal.SIGUSR1, lambda *_: mirror.stop())
                timer = threading.Timer(0.5, signal.raise_signal, (signal.SIGUSR1,))
                try:
                    timer.start()
                    started = time.monotonic()
                    stats = await mirror.run_async(
                        kimono, poll_interval=30, max_poll_interval=30, handle_signals=False
                    )
                finally:
                    timer.cancel()
                    signal.signal(signal.SIGUSR1, previous)
    assert stats.stopped_by == "stop()"
    assert time.monotonic() - started < 3  # not the 15-30 s wait


@pytest.mark.anyio
async def test_stop_ends_every_run_async_in_progress(tmp_path: Path) -> None:
    """Two runs of one mirror at once (a tenant each, say): stop() ends both, and the
    mirror is none the worse for it."""
    with Sandbox(students=5, ack_timeout=300) as sandbox:
        async with AsyncKimonoClient(**sandbox.credentials) as kimono:
            with Mirror.open(tmp_path / "m.db") as mirror, anyio.fail_after(20):
                await mirror.run_async(kimono, stop_when_empty=True)
                ended: list[str] = []

                async def follow() -> None:
                    stats = await mirror.run_async(kimono, poll_interval=30, max_poll_interval=30)
                    ended.append(stats.stopped_by)

                async with anyio.create_task_group() as group:
                    group.start_soon(follow)
                    group.start_soon(follow)
                    await anyio.sleep(0.5)
                    mirror.stop()
                assert ended == ["stop()", "stop()"]
                stats = await mirror.run_async(kimono, stop_when_empty=True)
                assert stats.stopped_by == "empty"  # the stop ended those runs, not this one
        with KimonoClient(**sandbox.credentials) as sync_kimono:
            assert mirror.run(sync_kimono, stop_when_empty=True).stopped_by == "empty"


@pytest.mark.anyio
async def test_run_async_leaves_the_signal_handlers_as_it_found_them(tmp_path: Path) -> None:
    """Handlers found for SIGINT and SIGTERM are put back after the run, and one the
    application keeps on the event loop is not taken over during it."""
    import asyncio

    loop = asyncio.get_running_loop()
    heard: list[str] = []
    loop.add_signal_handler(signal.SIGTERM, heard.append, "application")

    def sigint(signum: int, frame: object) -> None:
        heard.append("SIGINT")

    found = signal.signal(signal.SIGINT, sigint)
    try:
        with Sandbox(students=5, ack_timeout=300) as sandbox:
            async with AsyncKimonoClient(**sandbox.credentials) as kimono:
                with Mirror.open(tmp_path / "m.db") as mirror, anyio.fail_after(20):

                    def terminate(outcomes: object) -> None:
                        signal.raise_signal(signal.SIGTERM)  # during the run

                    stats = await mirror.run_async(
                        kimono, stop_when_empty=True, on_commit=terminate
                    )
        assert stats.stopped_by == "empty"  # the application's handler heard it, not the run
        assert signal.getsignal(signal.SIGINT) is sigint  # put back
        heard.clear()
        signal.raise_signal(signal.SIGTERM)
        await anyio.sleep(0.1)
        assert heard == ["application"]  # still the application's
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        signal.signal(signal.SIGINT, found)


@pytest.mark.anyio
async def test_a_handler_the_application_installs_during_run_async_stays(tmp_path: Path) -> None:
    import asyncio

    loop = asyncio.get_running_loop()
    heard: list[str] = []

    def install(outcomes: object) -> None:  # during the run, after its own handler
        loop.add_signal_handler(signal.SIGTERM, heard.append, "application")

    # What the run finds, and would wrongly put back: harmless, and telling.
    found = signal.signal(signal.SIGTERM, lambda *_: heard.append("found"))
    try:
        with Sandbox(students=5, ack_timeout=300) as sandbox:
            async with AsyncKimonoClient(**sandbox.credentials) as kimono:
                with Mirror.open(tmp_path / "m.db") as mirror, anyio.fail_after(20):
                    await mirror.run_async(kimono, stop_when_empty=True, on_commit=install)
        signal.raise_signal(signal.SIGTERM)
        await anyio.sleep(0.1)
        assert heard == ["application"]
    finally:
        loop.remove_signal_handler(signal.SIGTERM)
        signal.signal(signal.SIGTERM, found)


#: Two run_async of one mirror at once, following the queue (argv: the db).
TWO_RUNS_CHILD = """
import asyncio, sys
from kimono_interop import AsyncKimonoClient
from kimono_interop.mirror import Mirror

async def main():
    async with AsyncKimonoClient() as kimono:
        with Mirror.open(sys.argv[1]) as mirror:
            await mirror.run_async(kimono, stop_when_empty=True)
            print("following", flush=True)
            runs = [
                mirror.run_async(kimono, poll_interval=30, max_poll_interval=30)
                for _ in range(2)
            ]
            return await asyncio.gather(*runs)

for stats in asyncio.run(main()):
    print("stopped_by", stats.stopped_by, flush=True)
"""


def test_one_sigterm_stops_every_run_async_of_the_process(tmp_path: Path) -> None:
    """asyncio keeps one handler per signal and loop: both runs hear the signal."""
    with Sandbox(students=5, ack_timeout=300) as sandbox:
        argv = [sys.executable, "-c", TWO_RUNS_CHILD, str(tmp_path / "m.db")]
        with _child(argv, sandbox) as child:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "following"
            time.sleep(0.5)  # both in their wait after an empty batch
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=20)
    assert child.returncode == 0, stderr
    assert stdout.split("\n")[:2] == ["stopped_by SIGTERM"] * 2, stdout


#: stop() from a signal handler that lands while the mirror's own bookkeeping holds its
#: lock (as a run starting or ending does): argv is the db.
REENTRANT_STOP_CHILD = """
import signal, sys
from kimono_interop.mirror import Mirror

with Mirror.open(sys.argv[1]) as mirror:
    signal.signal(signal.SIGUSR1, lambda *_: mirror.stop())
    with mirror._runs_lock:
        signal.raise_signal(signal.SIGUSR1)  # the handler runs here, in this thread
    print("stopped", flush=True)
"""


def test_stop_from_a_signal_handler_never_waits_on_the_mirror_itself(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", REENTRANT_STOP_CHILD, str(tmp_path / "m.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and done.stdout == "stopped\n", done.stderr


#: A child that mirrors the sandbox's queue with a slow hook (50 ms a change, so a chunk of
#: 100 takes 5 s) noting each change in a file: argv is the db and the file.
SLOW_CHILD = """
import sys, time
from kimono_interop import KimonoClient
from kimono_interop.mirror import Mirror

db, notes = sys.argv[1:]

def slow(connection, change):
    with open(notes, "a") as out:
        out.write(change.object_id + "\\n")
    time.sleep(0.05)

with KimonoClient() as kimono:  # the KIMONO_* variables
    with Mirror.open(db, on_change=slow) as mirror:
        stats = mirror.run(kimono)
print("stopped_by", stats.stopped_by, "commits", stats.commits, flush=True)
"""

#: The same with ``run_async`` under asyncio (argv: the db, the file, the hook's delay).
ASYNC_CHILD = """
import asyncio, sys, time
from kimono_interop import AsyncKimonoClient
from kimono_interop.mirror import Mirror

db, notes, delay = sys.argv[1:]

def slow(connection, change):
    with open(notes, "a") as out:
        out.write(change.object_id + "\\n")
    time.sleep(float(delay))

async def main():
    async with AsyncKimonoClient() as kimono:  # the KIMONO_* variables
        with Mirror.open(db, on_change=slow) as mirror:
            return await mirror.run_async(kimono)

stats = asyncio.run(main())
print("stopped_by", stats.stopped_by, "commits", stats.commits, flush=True)
"""


def _changes_noted(notes: Path, count: int) -> Callable[[], bool]:
    return lambda: notes.exists() and len(notes.read_text().split()) >= count


def test_sigterm_ends_run_async_once_its_batch_is_acknowledged(tmp_path: Path) -> None:
    """run_async takes the signals as run does: the first one ends the run once the batch
    in hand is applied and acknowledged."""
    db, notes = tmp_path / "mirror.db", tmp_path / "changes.txt"
    with Sandbox(students=400, ack_timeout=300, grades_queries=0) as sandbox:
        total = sandbox.state.queue.pending()
        argv = [sys.executable, "-c", ASYNC_CHILD, str(db), str(notes), "0.005"]  # 0.5 s a chunk
        with _child(argv, sandbox) as child:
            _until(_changes_noted(notes, 150), child, "150 changes applied")
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=60)
        acked = len(sandbox.state.queue.acks)
        assert child.returncode == 0, stderr
        assert "stopped_by SIGTERM" in stdout, stdout
        assert _outstanding(sandbox) == 0  # the batch in hand was finished and acked
        assert 150 <= acked < total  # it stopped mid-drain
    with Mirror.open(db) as mirror:
        assert mirror.status()["tasks_recorded"] == acked


def test_a_second_signal_ends_run_async_once_the_chunk_in_hand_is_done(tmp_path: Path) -> None:
    """SIGTERM twice while run_async's first chunk is applied in its worker thread: the
    chunk runs its course there (committed here), the run returns "interrupted" with no
    ack sent, and the tasks, delivered again, are acknowledged from their records
    without being applied twice."""
    db, notes = tmp_path / "mirror.db", tmp_path / "changes.txt"
    with Sandbox(students=50, ack_timeout=300, grades_queries=0) as sandbox:
        argv = [sys.executable, "-c", ASYNC_CHILD, str(db), str(notes), "0.02"]
        with _child(argv, sandbox) as child:
            _until(_changes_noted(notes, 3), child, "3 changes applied")
            child.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            assert child.poll() is None  # the first signal waits for the batch in hand
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=30)
        assert child.returncode == 0, stderr
        assert "stopped_by interrupted commits 1" in stdout, stdout  # committed, unacked
        assert len(sandbox.state.queue.acks) == 0
        with Mirror.open(db) as mirror:
            recorded = mirror.status()["tasks_recorded"]
            before = mirror.changes(limit=10_000)
            assert recorded > 0 and before  # the chunk in hand committed in its thread
            sandbox.state.queue.ack_timeout = 0  # what the child left out comes back now
            with KimonoClient(**sandbox.credentials) as kimono:
                stats = mirror.run(kimono, stop_when_empty=True, handle_signals=False)
            assert stats.duplicates == recorded  # acked from their records...
            after = mirror.changes(before[-1].cursor, limit=10_000)
            assert after and not {c.task_id for c in after} & {c.task_id for c in before}


def test_a_second_signal_rolls_the_chunk_in_hand_back(tmp_path: Path) -> None:
    """SIGTERM, then SIGTERM again while the first chunk is still being applied: the run
    returns at once, "interrupted", with that chunk rolled back and nothing acknowledged
    (its tasks come back), instead of finishing the batch."""
    db, notes = tmp_path / "mirror.db", tmp_path / "changes.txt"
    with Sandbox(students=50, ack_timeout=300, grades_queries=0) as sandbox:
        with _child([sys.executable, "-c", SLOW_CHILD, str(db), str(notes)], sandbox) as child:
            _until(
                lambda: notes.exists() and len(notes.read_text().split()) >= 3,
                child,
                "3 changes applied",
            )
            child.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            assert child.poll() is None  # the first signal waits for the batch in hand
            interrupted_at = time.monotonic()
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=30)
            took = time.monotonic() - interrupted_at
        acked = len(sandbox.state.queue.acks)
    assert child.returncode == 0, stderr
    assert "stopped_by interrupted commits 0" in stdout, stdout
    assert took < 4  # the 100 changes of the chunk would have taken 5 s
    assert acked == 0
    with Mirror.open(db) as mirror:
        assert mirror.status()["tasks_recorded"] == 0 and mirror.changes() == []


def test_a_second_signal_ends_run_async_retrying_its_acks(tmp_path: Path) -> None:
    """The service fails every request once the first chunk is applied: run_async
    retries that chunk's acks (and would for ever), and a second signal ends it."""
    db, notes = tmp_path / "mirror.db", tmp_path / "changes.txt"
    with Sandbox(students=50, ack_timeout=300, grades_queries=0) as sandbox:
        argv = [sys.executable, "-c", ASYNC_CHILD, str(db), str(notes), "0.001"]
        with _child(argv, sandbox) as child:
            _until(_changes_noted(notes, 3), child, "3 changes applied")
            sandbox.state.config.error_rate = 1.0  # every answer a 5xx from now on
            with Mirror.open(db) as mirror:
                _until(lambda: mirror.status()["tasks_recorded"] > 0, child, "a commit")
            time.sleep(1)  # its acks failing, retried
            child.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            assert child.poll() is None  # the first signal waits for the acks
            interrupted_at = time.monotonic()
            child.send_signal(signal.SIGTERM)
            stdout, stderr = child.communicate(timeout=30)
            took = time.monotonic() - interrupted_at
        assert child.returncode == 0, stderr
        assert "stopped_by interrupted" in stdout, stdout
        assert took < 5
        assert len(sandbox.state.queue.acks) == 0


#: A child whose first change runs a minute-long query on PostgreSQL (argv: the URL and a
#: file it writes when the query starts).
STUCK_QUERY_CHILD = """
import sys
from kimono_interop import KimonoClient
from kimono_interop.mirror import Mirror

url, started = sys.argv[1:]

def stuck(connection, change):
    open(started, "w").close()
    connection.exec_driver_sql("SELECT pg_sleep(60) -- stuck")

with KimonoClient() as kimono:
    with Mirror.open(url, on_change=stuck) as mirror:
        stats = mirror.run(kimono)
print("stopped_by", stats.stopped_by, flush=True)
"""


def test_a_second_signal_cancels_the_query_the_server_is_running(
    tmp_path: Path, postgres_server: str
) -> None:
    """Interrupted inside a PostgreSQL query, the run has the server cancel it: a query
    left running would hold its transaction's locks (the tenant's writer lock among
    them) long after the process is gone."""
    import psycopg

    started = tmp_path / "started"

    def stuck_queries() -> int:
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE state = 'active' AND query LIKE '%%-- stuck'"
            ).fetchone()
        return int(row[0]) if row else 0

    with (
        postgres_database(postgres_server) as url,
        Sandbox(students=5, ack_timeout=300, grades_queries=0) as sandbox,
        _child([sys.executable, "-c", STUCK_QUERY_CHILD, url, str(started)], sandbox) as child,
    ):
        _until(lambda: started.exists() and stuck_queries() == 1, child, "the query running")
        child.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        assert child.poll() is None  # the first signal waits for the batch in hand
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=30)
        assert "stopped_by interrupted" in stdout, stderr
        deadline = time.monotonic() + 10
        while stuck_queries() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert stuck_queries() == 0  # cancelled, not left to run its minute out
        assert len(sandbox.state.queue.acks) == 0


#: The main thread waits and resets as a run does, over and over, while SIGUSR1 comes
#: every millisecond and its handler calls stop() (argv: the db): the handler lands
#: wherever the thread is, the stop's own bookkeeping included.
SIGNAL_STORM_CHILD = """
import signal, sys, time
from kimono_interop.mirror import Mirror

with Mirror.open(sys.argv[1]) as mirror:
    signal.signal(signal.SIGUSR1, lambda *_: mirror.stop())
    print("ready", flush=True)
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        mirror._runtime.sleep(0)
        mirror._runtime.reset()
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # the storm is not over yet
    print("done", flush=True)
"""


def test_stop_from_a_signal_handler_never_deadlocks_the_thread_it_interrupts(
    tmp_path: Path,
) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", SIGNAL_STORM_CHILD, str(tmp_path / "m.db")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        deadline = time.monotonic() + 20
        while child.poll() is None and time.monotonic() < deadline:
            child.send_signal(signal.SIGUSR1)
            time.sleep(0.0002)
        assert child.poll() is not None, "the child hangs: a stop() deadlocked"
        stdout, stderr = child.communicate()
        assert child.returncode == 0 and stdout == "done\n", stderr
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()


def test_a_stop_undone_by_a_reset_does_not_cut_later_waits_short() -> None:
    """A wake-up token that outlived its stop (a reset came between) is dropped, not
    taken as a stop: the wait runs its time, and a real stop still ends it at once."""
    from kimono_interop._runtime import Runtime

    runtime = Runtime()
    runtime._wake.put(None)  # as if a stop's token were left behind by a reset
    started = time.monotonic()
    runtime.sleep(0.3)
    assert time.monotonic() - started >= 0.25
    threading.Timer(0.1, runtime.request_stop).start()
    started = time.monotonic()
    runtime.sleep(30)
    assert time.monotonic() - started < 5
    runtime.sleep(30)  # stopped: no wait
    assert time.monotonic() - started < 5


@contextlib.contextmanager
def _write_lock_held(db: Path) -> Iterator[sqlite3.Connection]:
    """A mirror file whose write lock another process (here: this one) holds."""
    with Mirror.open(db):  # the schema, as the child will find it
        pass
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield writer
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@pytest.mark.parametrize("runner", ["run", "run_async"])
def test_a_second_signal_ends_a_run_waiting_for_sqlite_s_write_lock(
    tmp_path: Path, runner: str
) -> None:
    """Another process holds the SQLite file's write lock while the run has a batch in
    hand: the first SIGTERM waits for the lock (the batch is to be applied whole), the
    second ends the run at once, while the lock is still held, where SQLite's own wait
    (30 s, in C) used to hold the signal back until it ran out."""
    db, notes = tmp_path / "mirror.db", tmp_path / "changes.txt"
    with Sandbox(students=20, ack_timeout=300, grades_queries=0) as sandbox:
        # no prune first (it would wait for the lock before the batch is taken)
        if runner == "run":
            argv = [sys.executable, "-m", "kimono_interop.cli", "mirror", "run", "--follow"]
            argv += ["--db", str(db), "--inbox-retention", "0"]
        else:
            unpruned = "run_async(kimono, inbox_retention=None)"
            child = ASYNC_CHILD.replace("run_async(kimono)", unpruned)
            assert child != ASYNC_CHILD
            argv = [sys.executable, "-c", child, str(db), str(notes), "0"]
        with _write_lock_held(db) as writer, _child(argv, sandbox) as child:
            _until(lambda: _outstanding(sandbox) > 0, child, "a batch delivered")
            time.sleep(0.3)  # waiting for the lock now
            child.send_signal(signal.SIGTERM)
            time.sleep(0.3)
            assert child.poll() is None  # the first signal waits for the batch in hand
            child.send_signal(signal.SIGTERM)
            try:
                stdout, stderr = child.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                pytest.fail("the second signal did not end the wait for the write lock")
            assert writer.in_transaction  # ended while the lock was still held
        assert len(sandbox.state.queue.acks) == 0
    if runner == "run_async":
        assert child.returncode == 0, stderr
        assert "stopped_by interrupted commits 0" in stdout, stdout
    else:
        assert child.returncode == 130, stderr  # interrupted
        assert "interrupted: the chunk in hand was rolled back" in stderr
    assert not notes.exists()
    with Mirror.open(db) as mirror:
        assert mirror.status()["tasks_recorded"] == 0
