"""The consumer against a real server over loopback: 10,000 tasks, each handled and acked once."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

from kimono_interop import AsyncKimonoClient, KimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, task_id_of
from tests.support.fixtures import Serve

TOTAL = 10_000


def test_sync_consumer_drains_ten_thousand_tasks_over_http(serve: Serve) -> None:
    tasks = [make_task(n, schema=("1.0", "2.0", "3.0")[n % 3]) for n in range(TOTAL)]
    queue = FakeQueue(tasks)
    for task in tasks[::997]:
        queue.redeliver[task_id_of(task)] = 1  # some arrive twice
    handled: Counter[str] = Counter()
    order: list[int] = []

    def handler(task: TaskView) -> None:
        handled[task.id or ""] += 1
        order.append(task.sequence or 0)

    with KimonoClient("c", "s", base_url=serve(queue.asgi_app())) as kimono:
        started = time.perf_counter()
        stats = kimono.tasks.run(handler, stop_when_empty=True)
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


def test_async_consumer_drains_over_http(serve: Serve) -> None:
    tasks = [make_task(n) for n in range(1_000)]
    queue = FakeQueue(tasks)
    seen: list[str] = []

    async def handler(task: TaskView) -> None:
        seen.append(task.id or "")

    async def main(origin: str) -> None:
        async with AsyncKimonoClient("c", "s", base_url=origin) as kimono:
            await kimono.tasks.run(handler, stop_when_empty=True)

    asyncio.run(main(serve(queue.asgi_app())))
    assert seen == [task_id_of(t) for t in tasks]
    assert [a["task_id"] for a in queue.acks] == seen
    assert len(queue.requests) == 2 * 10 + 1
