"""``tasks``: draining the queue, the summary, and the exit code when a task cannot be acked."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from click.testing import Result

from kimono_interop.cli import EXIT_ERROR
from kimono_interop.sandbox import Sandbox
from tests.support.cli import flags, run
from tests.support.fake_queue import FakeQueue, make_task, task_id_of

ACK_TIMEOUT = 0.5

#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 30, "ack_timeout": ACK_TIMEOUT}


# -- tasks ----------------------------------------------------------------------------------------
def test_tasks_max_tasks_then_the_rest(sandbox: Sandbox) -> None:
    """--max-tasks stops early; the unacknowledged rest comes back after the ack timeout."""
    queue = sandbox.state.queue
    expected = queue.pending()
    extra = sandbox.config.grades_queries + sandbox.config.authenticate_requests
    assert expected == 2 + sum(len(c) for c in sandbox.state.sync_collections().values()) + extra
    acks_before = len(queue.acks)

    first = run(*flags(sandbox), "tasks", "--max-tasks", "10", "--print")
    assert first.exit_code == 0, first.output
    printed = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(printed) == 10
    assert printed[0]["action"] == "SYNC_START"
    acks = queue.acks[acks_before:]
    assert [a.task_id for a in acks] == [t["id"] for t in printed]
    assert "max_tasks" in first.stderr  # the summary goes to stderr with --print

    # The rest of the first batch was handed out and not acknowledged: the queue
    # withholds it until the ack timeout passes, then delivers it again.
    time.sleep(ACK_TIMEOUT + 0.2)
    rest = run(*flags(sandbox), "tasks")
    assert rest.exit_code == 0, rest.output
    acks = queue.acks[acks_before:]
    assert len(acks) == len({a.task_id for a in acks}) == expected
    assert {a.status for a in acks} == {"success"}
    assert queue.pending() == 0
    assert f"{expected - 10:,}" in rest.stdout and "sync SYNC_END" in rest.stdout

    empty = run(*flags(sandbox), "tasks")
    assert empty.exit_code == 0 and "empty" in empty.stdout


def _tasks_against(serve: Callable[[Any], str], queue: FakeQueue, *args: str) -> Result:
    origin = serve(queue.asgi_app())
    return run("--base-url", origin, "--client-id", "c", "--client-secret", "s", *args)


def _summary_rows(stdout: str) -> dict[str, str]:
    cells = [line.split("│")[1:3] for line in stdout.splitlines() if line.count("│") == 3]
    return {label.strip(): count.strip() for label, count in cells}


def test_tasks_counts_acks_whose_answer_was_lost_as_acknowledged(
    serve: Callable[[Any], str],
) -> None:
    """An ack the service applied but whose answer was lost (504, then 404 on the retry)
    is acknowledged: the summary says so and the command exits 0."""
    queue = FakeQueue([make_task(n) for n in range(3)])
    queue.lose_acks = 1
    result = _tasks_against(serve, queue, "tasks")
    assert result.exit_code == 0, result.output
    assert len(queue.acks) == 3 and queue.pending == []
    rows = _summary_rows(result.stdout)
    assert (rows["acknowledged"], rows["answer lost"], rows["ack refused"]) == ("3", "3", "0")


def test_tasks_with_an_unackable_item_exits_1_saying_the_queue_is_stalled(
    serve: Callable[[Any], str],
) -> None:
    """A task with no id can never be acknowledged and holds back its tenant's queue: the
    others are acknowledged, the run stops instead of spinning on the item that keeps
    coming back (counted once), and the command exits 1 saying what to do."""
    good = [make_task(n) for n in range(2)]
    queue = FakeQueue([{"schema": "3.0", "type": "data_event", "action": "ADD"}, *good])
    result = _tasks_against(serve, queue, "tasks")
    assert result.exit_code == EXIT_ERROR, result.output
    assert {a["task_id"] for a in queue.acks} == {task_id_of(t) for t in good}
    rows = _summary_rows(result.stdout)
    assert (rows["unackable"], rows["stopped by"], rows["acknowledged"]) == ("1", "stalled", "2")
    assert "1 task(s) had no id and cannot be acknowledged" in result.stderr
    assert "admin" in result.stderr
