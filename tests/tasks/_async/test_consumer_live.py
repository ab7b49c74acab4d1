"""The consumer against a real server over loopback: 10,000 tasks, each handled and acked once."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from kimono_interop import AsyncKimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, task_id_of, task_ids
from tests.support.fixtures import Serve

pytestmark = pytest.mark.anyio

TOTAL = 10_000


async def test_consumer_drains_ten_thousand_tasks_over_http(serve: Serve) -> None:
    """10,000 tasks of the three schema versions, some delivered twice, over real HTTP: each
    handled once, in order, and acknowledged; about two requests per batch of 100."""
    tasks = [make_task(n, schema=("1.0", "2.0", "3.0")[n % 3]) for n in range(TOTAL)]
    queue = FakeQueue(tasks)
    for task in tasks[::997]:
        queue.redeliver[task_id_of(task)] = 1  # some arrive twice
    handled: Counter[str] = Counter()
    order: list[int] = []

    def handler(task: TaskView) -> None:
        handled[task.id or ""] += 1
        order.append(task.sequence or 0)

    async with AsyncKimonoClient("c", "s", base_url=serve(queue.asgi_app())) as kimono:
        started = time.perf_counter()
        stats = await kimono.tasks.run(handler, stop_when_empty=True)
        elapsed = time.perf_counter() - started
    assert set(handled) == {task_id_of(t) for t in tasks}
    assert set(handled.values()) == {1}  # redeliveries were acked, not handled again
    assert order == list(range(TOTAL))
    acked = Counter(a["task_id"] for a in queue.acks)
    assert set(acked) == set(handled) and queue.pending == []
    assert stats.duplicates == len(tasks[::997])
    api_requests = len(queue.requests)
    assert api_requests <= 2 * (TOTAL / 100) + 2 * stats.duplicates + 1
    rate = TOTAL / elapsed
    print(f"\n{TOTAL} tasks in {elapsed:.2f}s: {rate:,.0f} tasks/s, {api_requests} requests")


async def test_each_batch_costs_one_get_and_one_bulk_ack_over_http(serve: Serve) -> None:
    """1,000 tasks with no duplicates: handled and acked in order, with exactly one GET and
    one bulk PUT per batch of 100, and the GET that finds the queue empty."""
    tasks = [make_task(n) for n in range(1_000)]
    queue = FakeQueue(tasks)
    seen: list[str] = []

    async def handler(task: TaskView) -> None:
        seen.append(task.id or "")

    async with AsyncKimonoClient("c", "s", base_url=serve(queue.asgi_app())) as kimono:
        await kimono.tasks.run(handler, stop_when_empty=True)
    assert seen == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks] == seen
    assert len(queue.requests) == 2 * 10 + 1
