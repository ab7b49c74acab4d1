"""What only the async consumer does: plain handlers in its worker thread, and being
cancelled (a cancel scope, a task group) while acks are failing.

The behaviour both consumers share is tested once, in ``_async/`` (and its sync twin).
"""

from __future__ import annotations

import threading

import anyio
import pytest

from kimono_interop import AsyncKimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_ids

pytestmark = pytest.mark.anyio


async def test_a_plain_handler_that_raises_leaves_its_thread_free_for_the_next_task() -> None:
    """A plain handler runs in the consumer's daemon thread; one that raised left the
    thread marked busy, so each failing task started one more thread, for good."""

    def handle(task: TaskView) -> None:
        raise ValueError("a bug in the handler")

    def workers() -> int:
        return sum(1 for t in threading.enumerate() if t.name == "kimono-handler")

    before = workers()
    queue = FakeQueue([make_task(n) for n in range(60)])
    async with queue_client(AsyncKimonoClient, queue) as kimono:
        stats = await kimono.tasks.run(handle, stop_when_empty=True)
    assert stats.failed == 60
    assert workers() - before <= 1


async def test_a_consumer_cancelled_while_its_acks_fail_ends() -> None:
    """Cancelled while the ack endpoint is down: its acks are tried, and the consumer
    ends with the cancellation, where it used to retry them for ever in its shield."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 10_000
    handled: list[str] = []
    async with queue_client(AsyncKimonoClient, queue, retries=0) as kimono:
        with anyio.fail_after(10):  # the test's own limit: the bug hangs
            with anyio.move_on_after(0.3) as scope:

                async def handle(task: TaskView) -> None:
                    handled.append(task.id)
                    await anyio.sleep(0.2)

                await kimono.tasks.run(handle, poll_interval=0.001, max_poll_interval=0.002)
        assert scope.cancel_called
    assert handled == task_ids(tasks[:2])  # cancelled during the second task
    assert queue.acks == []  # the service still holds them: it delivers them again
