"""What only the async consumer does: plain handlers in its worker thread, and being
cancelled (a cancel scope, a task group) while acks are failing.

The behaviour both consumers share is tested once, in ``_async/`` (and its sync twin).
"""

from __future__ import annotations

import threading

import anyio
import httpx
import pytest

from kimono_interop import AckError, AsyncKimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_ids

pytestmark = pytest.mark.anyio

BASE = "https://api.us2.kimonocloud.com"


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


async def test_each_run_s_handler_thread_ends_with_the_run() -> None:
    """A plain handler runs in a thread of the run's; the run ending ends it. Each run
    (and each tenant of run_tenants, each time) left one waiting for jobs for good."""
    import time

    def workers() -> int:
        return sum(1 for t in threading.enumerate() if t.name == "kimono-handler")

    before = workers()
    for _ in range(5):
        queue = FakeQueue([make_task(n) for n in range(3)])
        async with queue_client(AsyncKimonoClient, queue) as kimono:
            stats = await kimono.tasks.run(lambda task: None, stop_when_empty=True)
        assert stats.handled == 3
    deadline = time.monotonic() + 5
    while workers() > before and time.monotonic() < deadline:
        await anyio.sleep(0.02)
    assert workers() == before


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


def test_a_consumer_cancelled_by_asyncio_while_its_acks_are_out_still_counts_them() -> None:
    """asyncio's own task.cancel() (wait_for, a TaskGroup, asyncio.run's clean-up) while
    the bulk ack is in flight: the request runs to its end and is counted, then the run
    ends with the cancellation. A shielded cancel scope does not hold that cancellation
    back: the request was cut short, and 100 handled tasks lost their acks."""
    import asyncio

    tasks = [make_task(n) for n in range(100)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()

    async def main() -> tuple[int, int]:
        acking = asyncio.Event()

        async def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/tasks/ack"):
                acking.set()
                await asyncio.sleep(0.2)
            return serve(request)

        transport = httpx.MockTransport(handler)
        async with AsyncKimonoClient("c", "s", base_url=BASE, transport=transport) as kimono:
            consumer = kimono.tasks.consumer(lambda task: None, handle_signals=False)
            run = asyncio.ensure_future(consumer.run())
            await asyncio.wait_for(acking.wait(), 10)
            run.cancel()
            with pytest.raises(asyncio.CancelledError):
                await run
            return consumer.stats.handled, consumer.stats.acknowledged

    assert asyncio.run(main()) == (100, 100)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)


async def test_a_second_signal_ends_the_acks_retried_after_a_stop() -> None:
    """After a stop the acks are retried through an outage; interrupt() (a second signal)
    during a wait ends that with the AckError of the acks left, as one during a request
    does (the run returned as if nothing were left)."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 10_000
    async with queue_client(AsyncKimonoClient, queue, retries=0) as kimono:
        consumer = kimono.tasks.consumer(
            lambda task: consumer.stop("SIGTERM"),
            poll_interval=0.001,
            max_poll_interval=0.002,
            handle_signals=False,
        )
        with anyio.fail_after(10):  # the test's own limit: retried for ever, it would hang
            async with anyio.create_task_group() as group:

                async def run() -> None:
                    with pytest.raises(AckError) as raised:
                        await consumer.run()
                    assert raised.value.task_ids == task_ids(tasks[:1])

                group.start_soon(run)
                while sum(1 for m, _ in queue.requests if m == "PUT") < 5:
                    await anyio.sleep(0.01)
                consumer.interrupt()
    assert (consumer.stats.handled, consumer.stats.acknowledged, queue.acks) == (1, 0, [])


def test_a_consumer_cancelled_after_a_stop_gives_up_its_acks() -> None:
    """Stopped, then cancelled (wait_for) while its acks meet an outage: the cancellation
    ends the run. The stop's reason hid the cancellation, and the acks were retried for
    ever: wait_for never returned."""
    import asyncio

    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 10_000

    async def main() -> None:
        async with queue_client(AsyncKimonoClient, queue, retries=0) as kimono:

            async def handle(task: TaskView) -> None:
                if task.id != task_ids(tasks)[0]:  # the first is handled: its ack is due
                    consumer.stop()
                    await asyncio.sleep(30)  # cancelled here, by wait_for

            consumer = kimono.tasks.consumer(
                handle, poll_interval=0.001, max_poll_interval=0.002, handle_signals=False
            )
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(consumer.run(), 0.5)

    asyncio.run(asyncio.wait_for(main(), 10))  # the test's own limit
    assert queue.acks == []
