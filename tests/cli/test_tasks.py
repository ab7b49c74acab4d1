"""``tasks``: peeking (the default) acknowledges nothing; ``--ack success`` drains the queue,
asking first off this machine; what is withheld until the ack timeout is said, not hidden."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from click.testing import Result

import kimono_interop.cli.tasks as tasks_command
from kimono_interop.cli import EXIT_CONFIG, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE
from kimono_interop.cli.common import Settings, is_loopback, is_loopback_url
from kimono_interop.sandbox import Sandbox
from tests.support.cli import cli_process, flags, run, wait_for
from tests.support.fake_queue import BATCH, FakeQueue, make_task, task_id_of

#: The ack timeout of the sandboxes here: never reached by the clock unless a test moves it.
ACK_TIMEOUT = 60.0


class Clock:
    """The sandbox queue's clock, moved by hand: the ack timeout passes when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def pass_ack_timeout(self) -> None:
        self.now += ACK_TIMEOUT + 1


@pytest.fixture
def fresh() -> Iterator[tuple[Sandbox, Clock]]:
    """A sandbox of one's own (its queue untouched) whose queue runs on a hand-moved clock."""
    with Sandbox(students=5, ack_timeout=ACK_TIMEOUT) as sandbox:
        clock = Clock()
        sandbox.state.queue.clock = clock
        yield sandbox, clock


def _tasks_against(serve: Callable[[Any], str], queue: FakeQueue, *args: str, **kw: Any) -> Result:
    origin = serve(queue.asgi_app())
    return run("--base-url", origin, "--client-id", "c", "--client-secret", "s", *args, **kw)


def _summary_rows(stdout: str) -> dict[str, str]:
    cells = [line.split("│")[1:3] for line in stdout.splitlines() if line.count("│") == 3]
    return {label.strip(): count.strip() for label, count in cells}


def _one_line(text: str) -> str:
    """``text`` with rich's line breaks undone, to look for a phrase that may wrap."""
    return " ".join(text.split())


# -- peeking --------------------------------------------------------------------------------------
def test_bare_tasks_peeks_at_one_batch_and_acknowledges_nothing(
    fresh: tuple[Sandbox, Clock],
) -> None:
    """Bare ``tasks`` reads one batch and acknowledges none of it, saying that the batch is
    withheld until the ack timeout; the next run finds the queue empty and says the tasks
    are withheld, not gone; after the ack timeout the same tasks come back."""
    sandbox, clock = fresh
    queue = sandbox.state.queue
    pending = queue.pending()
    peek = run(*flags(sandbox), "tasks")
    assert peek.exit_code == 0, peek.output
    assert queue.acks == [] and queue.pending() == pending
    rows = _summary_rows(peek.stdout)
    assert (rows["received"], rows["acknowledged"]) == (f"{min(pending, BATCH):,}", "0")
    note = _one_line(peek.stderr)
    assert "acknowledged none" in note
    assert "withheld" in note and "ack timeout" in note and "delivered again" in note
    assert "--ack success" in note  # how to acknowledge instead

    again = run(*flags(sandbox), "tasks")
    assert again.exit_code == 0, again.output
    note = _one_line(again.stderr)
    assert "empty" in note and "withheld" in note and "not gone" in note

    clock.pass_ack_timeout()
    first = run(*flags(sandbox), "tasks", "--peek", "--max-tasks", "3", "--print")
    assert first.exit_code == 0, first.output
    printed = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(printed) == 3 and printed[0]["action"] == "SYNC_START"
    assert queue.acks == [] and queue.pending() == pending
    assert "acknowledged none" in _one_line(first.stderr)


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["--follow"], "--ack success"),
        (["--peek", "--ack", "success"], "--peek"),
        (["--ack", "done"], "success"),
    ],
)
def test_tasks_usage_errors(fresh: tuple[Sandbox, Clock], args: list[str], hint: str) -> None:
    """Following without --ack, --peek with --ack, or an unknown ack status: exit 2, and
    nothing was read or acknowledged."""
    sandbox, _ = fresh
    requests = len(sandbox.state.log)
    result = run(*flags(sandbox), "tasks", *args)
    assert result.exit_code == EXIT_USAGE, result.output
    assert hint in result.stderr
    assert len(sandbox.state.log) == requests


# -- acknowledging --------------------------------------------------------------------------------
def test_ack_success_max_tasks_leaves_nothing_withheld(
    fresh: tuple[Sandbox, Clock],
) -> None:
    """--ack success --max-tasks stops early, having asked the service for no more than
    it handles: nothing of the tenant is withheld, and the next run drains the rest at
    once, without waiting for the ack timeout."""
    sandbox, _ = fresh
    queue = sandbox.state.queue
    expected = queue.pending()
    extra = sandbox.config.grades_queries + sandbox.config.authenticate_requests
    assert expected == 2 + sum(len(c) for c in sandbox.state.sync_collections().values()) + extra

    first = run(*flags(sandbox), "tasks", "--ack", "success", "--max-tasks", "10", "--print")
    assert first.exit_code == 0, first.output
    printed = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(printed) == 10 and printed[0]["action"] == "SYNC_START"
    assert [a.task_id for a in queue.acks] == [t["id"] for t in printed]
    note = _one_line(first.stderr)  # the summary and the notes go to stderr with --print
    assert "max_tasks" in note and "withheld" not in note

    rest = run(*flags(sandbox), "tasks", "--ack", "success")
    assert rest.exit_code == 0, rest.output
    assert len(queue.acks) == len({a.task_id for a in queue.acks}) == expected
    assert {a.status for a in queue.acks} == {"success"}
    assert queue.pending() == 0
    rows = _summary_rows(rest.stdout)
    assert rows["acknowledged"] == f"{expected - 10:,}" and "sync SYNC_END" in rows
    assert rows["stopped by"] == "empty"


def test_ack_off_this_machine_without_a_terminal_needs_yes() -> None:
    """--ack against a host that is not loopback, with no terminal to confirm on, is
    refused (exit 2) before any request, naming --yes."""
    result = run(
        *("--base-url", "https://kimono.example.test", "--client-id", "a", "--client-secret", "b"),
        *("tasks", "--ack", "success"),
    )
    assert result.exit_code == EXIT_USAGE, result.output
    message = _one_line(result.stderr)
    assert "kimono.example.test" in message and "--yes" in message


def test_yes_without_ack_is_refused_rather_than_read_as_a_drain() -> None:
    """`tasks --yes` was a peek that said nothing of the --yes: one batch withheld until
    its ack timeout, by someone who meant to drain the queue."""
    result = run(
        *("--base-url", "https://kimono.example.test", "--client-id", "a", "--client-secret", "b"),
        *("tasks", "--yes"),
    )
    assert result.exit_code == EXIT_USAGE, result.output
    message = _one_line(result.stderr)
    assert "--yes" in message and "--ack success" in message


@pytest.mark.parametrize(
    ("interactive", "args", "answer", "acked"),
    [
        (False, [], None, False),
        (False, ["--yes"], None, True),
        (True, [], "n\n", False),
        (True, [], "y\n", True),
        (True, ["-y"], None, True),
    ],
)
def test_ack_off_this_machine_asks_first(
    serve: Callable[[Any], str],
    monkeypatch: pytest.MonkeyPatch,
    interactive: bool,
    args: list[str],
    answer: str | None,
    acked: bool,
) -> None:
    """Off loopback, --ack asks on a terminal (or takes --yes/-y); refused or declined, it
    exits 2 having sent no request at all."""
    monkeypatch.setattr(tasks_command, "is_loopback_url", lambda url: False)
    monkeypatch.setattr(tasks_command, "interactive", lambda: interactive)
    queue = FakeQueue([make_task(n) for n in range(3)])
    result = _tasks_against(serve, queue, "tasks", "--ack", "success", *args, input=answer)
    if acked:
        assert result.exit_code == 0, result.output
        assert [a["task_id"] for a in queue.acks] == [task_id_of(make_task(n)) for n in range(3)]
    else:
        assert result.exit_code == EXIT_USAGE, result.output
        assert queue.requests == [] and queue.acks == []
        assert "Nothing was acknowledged" in _one_line(result.stderr)
    if answer is not None:
        assert "127.0.0.1" in result.stderr and "[y/N]" in result.stderr  # the prompt


def test_a_peek_prints_no_more_than_max_tasks_when_the_service_hands_out_more(
    serve: Callable[[Any], str],
) -> None:
    """The service sizes its batches (the spec: Kimono decides): asked for 2, it hands
    out 5. A peek with --max-tasks 2 printed and counted 5; it prints 2, and says that
    3 more were handed out (withheld too)."""
    queue = FakeQueue([make_task(n) for n in range(5)])
    handle = queue.handle
    queue.handle = lambda method, path, body, page_size=None: handle(method, path, body)  # type: ignore[method-assign]
    result = _tasks_against(serve, queue, "tasks", "--max-tasks", "2", "--print")
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    assert [task["id"] for task in printed] == [task_id_of(make_task(n)) for n in range(2)]
    note = _one_line(result.stderr)
    assert "handed out 5 task(s), 3 more than --max-tasks 2" in note and queue.acks == []


def test_loopback_hosts_and_urls() -> None:
    """127.0.0.0/8, ::1 and localhost are loopback; wildcards, LAN addresses and other
    names are not, nor is a URL without a host."""
    assert all(map(is_loopback, ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "LocalHost")))
    assert not any(map(is_loopback, ("0.0.0.0", "::", "10.0.0.1", "example.test", "")))
    assert all(
        map(is_loopback_url, ("http://127.0.0.1:8080", "http://localhost", "http://[::1]:80/x"))
    )
    assert not any(
        map(is_loopback_url, ("https://api.us2.kimonocloud.com", "http://0.0.0.0:80", "nothing"))
    )


# -- what the summary says ---------------------------------------------------------------------
def test_tasks_counts_acks_whose_answer_was_lost_as_acknowledged(
    serve: Callable[[Any], str],
) -> None:
    """An ack the service applied but whose answer was lost (504, then 404 on the retry)
    is acknowledged: the summary says so and the command exits 0."""
    queue = FakeQueue([make_task(n) for n in range(3)])
    queue.lose_acks = 1
    result = _tasks_against(serve, queue, "tasks", "--ack", "success")
    assert result.exit_code == 0, result.output
    assert len(queue.acks) == 3 and queue.pending == []
    rows = _summary_rows(result.stdout)
    assert (rows["acknowledged"], rows["answer lost"], rows["ack refused"]) == ("3", "3", "0")


def test_a_terminal_error_after_work_was_done_still_says_what_was_done(
    serve: Callable[[Any], str],
) -> None:
    """The first batch is handled and acknowledged, then the service refuses the
    credentials (403): the command exits 3 with the error, and first says how many tasks
    were handled and acknowledged (it said nothing of them)."""
    queue = FakeQueue([make_task(n) for n in range(150)])
    handle = queue.handle

    def revoked(method: str, path: str, body: Any, page_size: int | None = None) -> Any:
        if method == "GET" and queue.acks:
            return 403, {"code": "forbidden", "message": "credentials revoked"}
        return handle(method, path, body, page_size)

    queue.handle = revoked  # type: ignore[method-assign]
    result = _tasks_against(serve, queue, "tasks", "--ack", "success")
    assert result.exit_code == EXIT_CONFIG, result.output  # the credentials
    assert len(queue.acks) == 100
    rows = _summary_rows(result.stderr)
    assert (rows["handled"], rows["acknowledged"], rows["stopped by"]) == ("100", "100", "error")
    assert "credentials revoked" in result.stderr


def test_tasks_with_an_unackable_item_exits_1_saying_the_queue_is_stalled(
    serve: Callable[[Any], str],
) -> None:
    """A task with no id can never be acknowledged and holds back its tenant's queue: the
    others are acknowledged, the run stops instead of spinning on the item that keeps
    coming back (counted once), and the command exits 1 saying what to do."""
    good = [make_task(n) for n in range(2)]
    queue = FakeQueue([{"schema": "3.0", "type": "data_event", "action": "ADD"}, *good])
    result = _tasks_against(serve, queue, "tasks", "--ack", "success")
    assert result.exit_code == EXIT_ERROR, result.output
    assert {a["task_id"] for a in queue.acks} == {task_id_of(t) for t in good}
    rows = _summary_rows(result.stdout)
    assert (rows["unackable"], rows["stopped by"], rows["acknowledged"]) == ("1", "stalled", "2")
    assert "1 task(s) had no id and cannot be acknowledged" in result.stderr
    assert "admin" in result.stderr


def test_a_peek_that_meets_an_unackable_item_exits_1(serve: Callable[[Any], str]) -> None:
    """A peek acknowledges nothing, and still says (exit 1) when the batch holds a task
    with no id, since that task stalls its tenant's queue."""
    queue = FakeQueue([{"schema": "3.0", "type": "data_event", "action": "ADD"}, make_task(1)])
    result = _tasks_against(serve, queue, "tasks")
    assert result.exit_code == EXIT_ERROR, result.output
    assert queue.acks == []
    assert _summary_rows(result.stdout)["unackable"] == "1"
    assert "1 task(s) had no id" in result.stderr


# -- Ctrl-C ---------------------------------------------------------------------------------------
def test_ctrl_c_during_tasks_acks_what_was_handled_and_exits_130() -> None:
    """SIGINT while --ack success --follow runs (a real process): it stops after the task in
    hand, every task it handled is acknowledged, it prints the summary and says what is
    withheld, and exits 130."""
    with Sandbox(students=30, latency=0.05, ack_timeout=ACK_TIMEOUT) as sandbox:
        queue = sandbox.state.queue
        proc = cli_process("tasks", "--ack", "success", "--follow", *flags(sandbox))
        try:
            wait_for(lambda: len(queue.acks) > 0, proc, "the first acks")
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=30)
        finally:
            proc.kill()
        acks = len(queue.acks)
    assert proc.returncode == EXIT_INTERRUPTED, stdout + stderr
    rows = _summary_rows(stdout)
    assert rows["stopped by"] == "SIGINT" and rows["acknowledged"] == f"{acks:,}"
    assert "Aborted" not in stderr


def test_ctrl_c_anywhere_else_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C in any command (here while the client is made) exits 130 with one line,
    not click's "Aborted!" and exit 1."""

    def interrupted(self: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Settings, "client", interrupted)
    result = run("--client-id", "a", "--client-secret", "b", "tenants")
    assert result.exit_code == EXIT_INTERRUPTED, result.output
    assert "Interrupted" in result.stderr and "Aborted" not in result.output


def test_a_reader_that_goes_away_leaves_the_exit_code_as_it_was(
    fresh: tuple[Sandbox, Clock],
) -> None:
    """`tasks --ack success | head -0`: the summary cannot be written, yet every task was
    handled and acknowledged: exit 0, with a note on stderr (it exited 1 with no word)."""
    from tests.support.cli import cli_process

    sandbox, _ = fresh
    proc = cli_process(*flags(sandbox), "tasks", "--ack", "success")
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, stderr
    assert "stdout was closed" in stderr
    assert sandbox.state.queue.pending() == 0  # every task acknowledged


def test_a_reader_of_both_streams_that_goes_away_leaves_the_exit_code_too(
    fresh: tuple[Sandbox, Clock],
) -> None:
    """`tasks --ack success 2>&1 | head -0`: the note cannot be written either; the exit
    code is still 0 (the second broken pipe exited 1)."""
    import os
    import subprocess
    import sys

    from tests.support.cli import CLEAN_ENV

    sandbox, _ = fresh
    env = {**os.environ, **{k: v for k, v in CLEAN_ENV.items() if v is not None}}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kimono_interop.cli", *flags(sandbox), "tasks", "--ack", "success"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0
    assert sandbox.state.queue.pending() == 0


def test_a_reader_that_goes_away_leaves_the_unseen_task_where_it_was(
    fresh: tuple[Sandbox, Clock],
) -> None:
    """`tasks --ack success --print | head -0`: the task that could not be printed is left
    unacknowledged, so that it keeps its place in the queue; acked `retry`, it went to the
    back, after the sync's end (a driver sweeping at SYNC_END would delete it)."""
    sandbox, clock = fresh
    queue, tenants = sandbox.state.queue, list(sandbox.state.tenants)
    first = queue.next_batch(tenants, limit=1)[0]["id"]
    clock.pass_ack_timeout()  # (handed out by this look: free again)
    proc = cli_process(*flags(sandbox), "tasks", "--ack", "success", "--print")
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first task is printed
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, stderr
    assert [a.status for a in queue.acks] == []
    clock.pass_ack_timeout()
    assert queue.next_batch(tenants, limit=1)[0]["id"] == first


def test_a_reader_that_stops_early_is_told_what_was_acknowledged_unread() -> None:
    """`tasks --ack success --print | head -n 1`: the lines already in the pipe were
    acknowledged, though the reader dropped them; nothing can tell which it read, so the
    command says so, and how to acknowledge a set number (--max-tasks)."""
    import array
    import fcntl
    import termios

    def waiting(fd: int) -> int:  # bytes written into the pipe and not read yet
        found = array.array("i", [0])
        fcntl.ioctl(fd, termios.FIONREAD, found)
        return found[0]

    with Sandbox(students=200) as sandbox:
        proc = cli_process(*flags(sandbox), "tasks", "--ack", "success", "--print")
        assert proc.stdout is not None and proc.stderr is not None
        # Gone with lines in the pipe (printed, never read): as head, once it has its own.
        wait_for(lambda: waiting(proc.stdout.fileno()) > 8192, proc, "lines in the pipe")
        proc.stdout.close()
        stderr = proc.stderr.read()
        assert proc.wait(timeout=60) == 0, stderr
        acked = len(sandbox.state.queue.acks)
    note = _one_line(stderr)
    assert acked > 1 and f"the {acked:,} task(s) acknowledged may include lines" in note
    assert "--max-tasks N" in note
