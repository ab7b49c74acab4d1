"""What only the sync consumer does: stopping on SIGTERM in the middle of a batch.

The behaviour both consumers share is tested once, in ``_async/test_consumer.py`` and
``_async/test_consumer_acks.py`` (and their sync twins).
"""

from __future__ import annotations

import os
import signal
import time

from kimono_interop import KimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_ids


def test_sigterm_mid_batch_finishes_the_task_in_hand_and_acks_only_handled_tasks() -> None:
    """SIGTERM while a task is in hand: that task is finished and acked with the ones before
    it, the run stops, the signal handlers are restored, the rest stay queued."""
    tasks = [make_task(n) for n in range(50)]
    queue = FakeQueue(tasks)
    handled: list[str] = []

    def handler(task: TaskView) -> None:
        if len(handled) == 7:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the signal arrives while this task is in hand
        handled.append(task.id or "")

    previous = signal.getsignal(signal.SIGTERM)
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(handler)
    assert signal.getsignal(signal.SIGTERM) == previous  # handlers restored
    assert handled == task_ids(tasks[:8])
    assert [a["task_id"] for a in queue.acks] == handled
    assert stats.stopped_by == "SIGTERM"
    assert task_ids(queue.pending) == task_ids(tasks[8:])  # delivered again to the next consumer
