# Written by scripts/unasync.py from tests/tasks/_async/test_consumer_acks.py: edit that file,
# then run `make generate`.
"""The consumer's acknowledgements and outages: nothing lost, nothing handled twice.

Both consumers, written once for the async one: failing and lost acks, a queue or an
ack endpoint that is down for a while, refused credentials, and ``ack_many``'s way
with unknown ids.
"""

from __future__ import annotations

import httpx
import pytest

from kimono_interop import AckError, KimonoClient, PermissionDeniedError, RetryPolicy
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_id_of, task_ids

BASE = "https://api.us2.kimonocloud.com"


def test_a_503_on_the_bulk_ack_is_retried_and_nothing_is_lost_or_handled_twice() -> None:
    """Two 503s on the acks are retried by the sender; every task is handled and acked once."""
    tasks = [make_task(n) for n in range(120)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 2
    runs: list[str] = []
    with queue_client(KimonoClient, queue, retries=3) as kimono:
        kimono.tasks.run(lambda t: runs.append(t.id), stop_when_empty=True)
    assert runs == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)


def test_acks_failing_for_a_while_are_sent_before_any_more_work_is_pulled() -> None:
    """An outage of the ack endpoint is waited out: the handled tasks keep their acks.

    Nothing more is asked for meanwhile, and no task is handled twice.
    """
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 40
    runs: list[str] = []
    with queue_client(KimonoClient, queue, retries=1) as kimono:
        stats = kimono.tasks.run(
            lambda t: runs.append(t.id),
            stop_when_empty=True,
            poll_interval=0.001,
            max_poll_interval=0.002,
        )
    assert runs == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    first_get = queue.requests.index(("GET", "/v2/interop/data/tasks"))
    second_get = queue.requests.index(("GET", "/v2/interop/data/tasks"), first_get + 1)
    expected = [("PUT", "/v2/interop/data/tasks/ack")] * 41
    assert expected == queue.requests[first_get + 1 : second_get]
    assert stats.outages == 20  # 40 failed answers, two per try (one retry each)


def test_a_terminal_ack_failure_stops_the_consumer_and_a_new_run_picks_up() -> None:
    """A 403 on the acks is not waited out: AckError names the tasks; run() works again."""
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks, queue.fail_status = 1, 403
    runs: list[str] = []
    with queue_client(KimonoClient, queue, retries=1) as kimono:
        consumer = kimono.tasks.consumer(lambda t: runs.append(t.id), stop_when_empty=True)
        with pytest.raises(AckError) as info:
            consumer.run()
        assert info.value.task_ids == task_ids(tasks[:100])
        assert (len(runs), queue.acks) == (100, [])
        stats = consumer.run()  # the queue delivers the unacknowledged batch again
    assert runs == task_ids(tasks)  # the first 100 were remembered: acked, not handled twice
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.duplicates, stats.stopped_by) == (100, "empty")


def test_an_outage_of_the_queue_of_any_length_is_waited_out() -> None:
    """503s on GET /tasks (past the sender's retries) are logged and waited out, not fatal."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.fail_gets = 30
    with queue_client(KimonoClient, queue, retries=0) as kimono:
        stats = kimono.tasks.run(
            lambda t: None, stop_when_empty=True, poll_interval=0.001, max_poll_interval=0.002
        )
    assert (stats.outages, stats.handled, len(queue.acks)) == (30, 3, 3)


def test_refused_credentials_end_the_run() -> None:
    """A terminal failure (403) is not waited out."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(403, json={"code": "forbidden", "message": "no license"})

    transport = httpx.MockTransport(handler)
    with KimonoClient("c", "s", base_url=BASE, transport=transport) as kimono:
        with pytest.raises(PermissionDeniedError):
            kimono.tasks.run(lambda t: None, poll_interval=0.001)


@pytest.mark.parametrize("lost", ["dropped", "gateway 504"])
def test_an_ack_applied_whose_answer_was_lost_counts_as_acknowledged(lost: str) -> None:
    """The service applied the bulk ack but the answer never came; the retry finds the tasks gone.

    That 404 is how a done ack looks: every task is counted acknowledged (and as a lost
    answer), nothing is reported refused, and no single acks are sent.
    """
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    lose = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = serve(request)
        if request.url.path.endswith("/tasks/ack") and lose and lose.pop():
            if lost == "dropped":
                raise httpx.ReadError("connection lost after the server acted", request=request)
            return httpx.Response(504, text="gateway timeout")
        return answer

    retry = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)
    transport = httpx.MockTransport(handler)
    with KimonoClient("c", "s", base_url=BASE, transport=transport, retry=retry) as kimono:
        stats = kimono.tasks.run(lambda task: None, stop_when_empty=True)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (5, 5, {})
    puts = [path for method, path in queue.requests if method == "PUT"]
    assert puts == ["/v2/interop/data/tasks/ack"] * 2  # the lost one and its retry; no singles


def test_bulk_ack_404_falls_back_to_single_acks_and_reports_refused_ids() -> None:
    """A bulk ack refused for an unknown id is sent again one by one: the known tasks are
    acknowledged, the stranger is reported refused."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    stranger = "99999999-9999-4999-8999-999999999999"
    with queue_client(KimonoClient, queue) as kimono:
        result = kimono.tasks.ack_many(
            [{"task_id": task_id_of(t), "status": "success"} for t in tasks[:2]]
            + [{"task_id": stranger, "status": "success"}]
        )
    assert result.acknowledged == task_ids(tasks[:2])
    assert list(result.failed) == [stranger]
    assert result.requests == 4


def test_a_404_without_a_lost_answer_is_still_a_refusal() -> None:
    """Unknown ids on a first answered attempt are refused, one by one, as before."""
    queue = FakeQueue([make_task(0)])
    with queue_client(KimonoClient, queue) as kimono:
        result = kimono.tasks.ack_many(
            [{"task_id": "00000000-0000-4000-8000-0000000000aa", "status": "success"}]
        )
    assert (result.acknowledged, result.lost_answers) == ([], [])
    assert list(result.failed) == ["00000000-0000-4000-8000-0000000000aa"]
