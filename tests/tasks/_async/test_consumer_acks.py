"""The consumer's acknowledgements and outages: nothing lost, nothing handled twice.

Both consumers, written once for the async one: failing and lost acks, a queue or an
ack endpoint that is down for a while, refused credentials, and ``ack_many``'s way
with unknown ids.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Callable

import anyio
import httpx
import pytest

from kimono_interop import (
    AckError,
    AsyncKimonoClient,
    ConsumerStats,
    NotFoundError,
    PermissionDeniedError,
    RetryPolicy,
    TaskResult,
    TaskView,
)
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_id_of, task_ids

pytestmark = pytest.mark.anyio

BASE = "https://api.us2.kimonocloud.com"


async def _drain(
    handler: Callable[[httpx.Request], httpx.Response],
    retry: RetryPolicy,
    deadline: float | None = None,
) -> ConsumerStats:
    """The stats of a run draining the queue ``handler`` serves (a no-op handler, 1 ms
    waits), the client retrying by ``retry``."""
    transport = httpx.MockTransport(handler)
    async with AsyncKimonoClient(
        "c", "s", base_url=BASE, transport=transport, retry=retry, deadline=deadline
    ) as kimono:
        return await kimono.tasks.run(
            lambda task: None, stop_when_empty=True, poll_interval=0.001, max_poll_interval=0.002
        )


async def test_a_503_on_the_bulk_ack_is_retried_and_nothing_is_lost_or_handled_twice() -> None:
    """Two 503s on the acks are retried by the sender; every task is handled and acked once."""
    tasks = [make_task(n) for n in range(120)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 2
    runs: list[str] = []
    async with queue_client(AsyncKimonoClient, queue, retries=3) as kimono:
        await kimono.tasks.run(lambda t: runs.append(t.id), stop_when_empty=True)
    assert runs == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)


async def test_acks_failing_for_a_while_are_sent_before_any_more_work_is_pulled() -> None:
    """An outage of the ack endpoint is waited out: the handled tasks keep their acks.

    Nothing more is asked for meanwhile, and no task is handled twice.
    """
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 40
    runs: list[str] = []
    async with queue_client(AsyncKimonoClient, queue, retries=1) as kimono:
        stats = await kimono.tasks.run(
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


async def test_a_terminal_ack_failure_stops_the_consumer_and_a_new_run_picks_up() -> None:
    """A 403 on the acks is not waited out: AckError names the tasks; run() works again."""
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks, queue.fail_status = 1, 403
    runs: list[str] = []
    async with queue_client(AsyncKimonoClient, queue, retries=1) as kimono:
        consumer = kimono.tasks.consumer(lambda t: runs.append(t.id), stop_when_empty=True)
        with pytest.raises(AckError) as info:
            await consumer.run()
        assert info.value.task_ids == task_ids(tasks[:100])
        assert (len(runs), queue.acks) == (100, [])
        stats = await consumer.run()  # the queue delivers the unacknowledged batch again
    assert runs == task_ids(tasks)  # the first 100 were remembered: acked, not handled twice
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.duplicates, stats.stopped_by) == (100, "empty")


async def test_an_outage_of_the_queue_of_any_length_is_waited_out() -> None:
    """503s on GET /tasks (past the sender's retries) are logged and waited out, not fatal."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.fail_gets = 30
    async with queue_client(AsyncKimonoClient, queue, retries=0) as kimono:
        stats = await kimono.tasks.run(
            lambda t: None, stop_when_empty=True, poll_interval=0.001, max_poll_interval=0.002
        )
    assert (stats.outages, stats.handled, len(queue.acks)) == (30, 3, 3)


async def test_a_drain_that_never_reaches_the_service_ends_with_the_error() -> None:
    """``run(stop_when_empty=True)`` against a base URL where nothing listens: it said
    "trying again" for ever (a cron drain of a mistyped URL never ended); a drain that
    has not reached the service once ends with the error. A connection refused after
    the service answered, or with no stop at an empty queue, is still waited out."""
    from kimono_interop import APIConnectionError
    from tests.support.cli import free_port

    url = f"http://127.0.0.1:{free_port()}"
    async with AsyncKimonoClient("c", "s", base_url=url, max_retries=0) as kimono:
        with pytest.raises(APIConnectionError, match="refused"):
            await kimono.tasks.run(lambda t: None, stop_when_empty=True, poll_interval=0.001)
    queue = FakeQueue([make_task(n) for n in range(3)])
    handler = queue.mock_handler()
    gets = itertools.count()

    def refused_for_a_while(request: httpx.Request) -> httpx.Response:
        # the first batch is answered; the next three polls find nothing listening
        if request.url.path.endswith("/tasks") and 1 <= next(gets) <= 3:
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return handler(request)

    transport = httpx.MockTransport(refused_for_a_while)
    async with AsyncKimonoClient(
        "c", "s", base_url=BASE, transport=transport, max_retries=0
    ) as kimono:
        stats = await kimono.tasks.run(
            lambda t: None, stop_when_empty=True, poll_interval=0.001, max_poll_interval=0.002
        )
    assert (stats.outages, stats.handled, stats.stopped_by) == (3, 3, "empty")


async def test_refused_credentials_end_the_run() -> None:
    """A terminal failure (403) is not waited out."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(403, json={"code": "forbidden", "message": "no license"})

    transport = httpx.MockTransport(handler)
    async with AsyncKimonoClient("c", "s", base_url=BASE, transport=transport) as kimono:
        with pytest.raises(PermissionDeniedError):
            await kimono.tasks.run(lambda t: None, poll_interval=0.001)


@pytest.mark.parametrize("lost", ["dropped", "gateway 504"])
async def test_an_ack_applied_whose_answer_was_lost_counts_as_acknowledged(lost: str) -> None:
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
    async with AsyncKimonoClient(
        "c", "s", base_url=BASE, transport=transport, retry=retry
    ) as kimono:
        stats = await kimono.tasks.run(lambda task: None, stop_when_empty=True)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (5, 5, {})
    puts = [path for method, path in queue.requests if method == "PUT"]
    assert puts == ["/v2/interop/data/tasks/ack"] * 2  # the lost one and its retry; no singles


async def test_an_ack_applied_by_the_last_attempt_of_a_call_is_not_refused_by_the_next() -> None:
    """The bulk ack meets 503, 503, then is applied with its answer lost: the client's
    retries are spent, and the consumer sends it again after its backoff. That call's 404
    is a done ack too; it used to fall back to single acks, all refused (404): 100 tasks
    reported refused, and 100 more requests."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    answers = ["busy", "busy", "lost"]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tasks/ack") and answers:
            if answers.pop(0) == "busy":
                queue.requests.append(("PUT", request.url.path))
                return httpx.Response(503, json={"code": "busy", "message": "busy"})
            serve(request)  # applied...
            raise httpx.ReadError("connection lost after the server acted", request=request)
        return serve(request)

    stats = await _drain(handler, RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001))
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (5, 5, {})
    puts = [path for method, path in queue.requests if method == "PUT"]
    # three attempts, then one more call: its bulk 404 says only that some id is unknown,
    # so each goes alone, and each 404 of those is a done ack
    singles = [f"/v2/interop/data/tasks/{task_id}/ack" for task_id in task_ids(tasks)]
    assert puts == ["/v2/interop/data/tasks/ack"] * 4 + singles


async def test_a_call_whose_first_attempt_may_have_been_applied_is_not_taken_for_unsent() -> None:
    """The bulk ack is applied, its answer lost (a read timeout); the retry's connection
    is refused. The call's error is the refusal's, but its first attempt reached the
    service: the next call's 404s are done acks, where they were reported refused."""
    tasks = [make_task(n) for n in range(2)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    answers = ["applied, lost", "refused"]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tasks/ack") and answers:
            if answers.pop(0) == "refused":
                raise httpx.ConnectError("connection refused", request=request)
            serve(request)
            raise httpx.ReadTimeout("no answer in time", request=request)
        return serve(request)

    stats = await _drain(handler, RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001))
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (2, 2, {})


async def test_an_ack_cut_off_by_the_exchange_deadline_counts_as_maybe_applied() -> None:
    """The bulk ack is applied, but its answer comes after the client's deadline: the
    deadline's own timeout names no request, and was taken for a token request's, so
    the retry's 404s were reported refused."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    slow = [True]

    async def slow_body() -> AsyncIterator[bytes]:  # past the 0.3 s deadline
        yield b" "
        await anyio.sleep(0.6)
        yield b"{}"

    def handler(request: httpx.Request) -> httpx.Response:
        answer = serve(request)
        if request.url.path.endswith("/tasks/ack") and slow and slow.pop():
            return httpx.Response(200, content=slow_body())  # applied, answered too late
        return answer

    stats = await _drain(
        handler, RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001), deadline=0.3
    )
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (3, 3, {})


async def test_a_token_request_that_timed_out_does_not_make_an_unsent_ack_done() -> None:
    """The ack call's token request times out, then the token service is busy: the ack
    was never sent. Meanwhile another party acknowledges one task: its 404 on the next
    call is a refusal. The token request's timeout was taken for the ack's own, so the
    404 counted as a done ack."""
    tasks = [make_task(n) for n in range(2)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    plan: list[str] = []
    armed = [False]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            if plan:
                if plan.pop(0) == "timeout":
                    raise httpx.ReadTimeout("no answer in time", request=request)
                return httpx.Response(503)
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 0})
        if request.method == "GET" and not armed[0]:
            armed[0] = True
            plan.extend(["timeout", "503", "503"])  # the ack call's token requests
            answer = serve(request)
            queue.handle("PUT", f"/tasks/{task_id_of(tasks[1])}/ack", {"status": "success"})
            return answer
        return serve(request)

    stats = await _drain(handler, RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001))
    assert (stats.acknowledged, stats.lost_ack_answers) == (1, 0)
    assert list(stats.ack_failures) == [task_id_of(tasks[1])]


async def test_acks_a_failed_call_never_sent_are_not_taken_for_done() -> None:
    """The bulk ack's connection is refused (nothing sent), and meanwhile another party
    acknowledges one of the tasks: the next call's 404 is that task's, refused, and the
    other is acknowledged alone. Both were counted done, the other never sent."""
    tasks = [make_task(n) for n in range(2)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    refused = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tasks/ack") and refused and refused.pop():
            queue.handle("PUT", f"/tasks/{task_id_of(tasks[1])}/ack", {"status": "success"})
            raise httpx.ConnectError("connection refused", request=request)
        return serve(request)

    stats = await _drain(handler, RetryPolicy(max_retries=0))
    assert [a["task_id"] for a in queue.acks] == [task_id_of(tasks[1]), task_id_of(tasks[0])]
    assert (stats.acknowledged, stats.lost_ack_answers) == (1, 0)
    assert list(stats.ack_failures) == [task_id_of(tasks[1])]


async def test_a_single_ack_applied_whose_answer_was_lost_returns() -> None:
    """tasks.ack() whose request was applied, its answer lost, and found gone on the retry
    (404): done, as the bulk acks take it; it raised NotFoundError."""
    tasks = [make_task(0)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    lose = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = serve(request)
        if request.method == "PUT" and lose and lose.pop():
            raise httpx.ReadError("connection lost after the server acted", request=request)
        return answer

    retry = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)
    transport = httpx.MockTransport(handler)
    async with AsyncKimonoClient(
        "c", "s", base_url=BASE, transport=transport, retry=retry
    ) as kimono:
        assert await kimono.tasks.ack(task_id_of(tasks[0]), "success") is None
        with pytest.raises(NotFoundError):  # a first answer of 404 is still a refusal
            await kimono.tasks.ack(task_id_of(tasks[0]), "success")
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)


async def test_acks_after_a_stop_are_retried_through_an_outage() -> None:
    """Stopped (a SIGTERM, say) with the ack endpoint busy for longer than the client
    retries: the handled tasks' acks go out once it answers. The consumer used to give
    up at once with AckError, and those tasks were handled again by the next process."""
    tasks = [make_task(n) for n in range(30)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 5
    handled: list[str] = []
    async with queue_client(AsyncKimonoClient, queue, retries=1) as kimono:

        def handle(task: TaskView) -> None:
            handled.append(str(task.id))
            if len(handled) == 10:
                consumer.stop("SIGTERM")

        consumer = kimono.tasks.consumer(handle, poll_interval=0.001, max_poll_interval=0.002)
        stats = await consumer.run()
    assert handled == task_ids(tasks[:10])
    assert [a["task_id"] for a in queue.acks] == handled
    assert (stats.stopped_by, stats.acknowledged, stats.outages) == ("SIGTERM", 10, 2)


async def test_an_outage_that_asks_for_a_wait_is_waited_that_long() -> None:
    """GET /tasks answered 429 with `Retry-After: 0.3` past the client's retries: the
    consumer's own backoff (1 ms here) used to ask again at once, against the service's
    word, and the acks' outages did the same."""
    queue = FakeQueue([make_task(0)])
    serve = queue.mock_handler()
    busy = [2, 2]  # GET /tasks, then the acks: answered 429 this many times
    sent: list[tuple[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append((request.method, time.monotonic()))
        which = 0 if request.method == "GET" else 1
        if request.url.path != "/oauth/token" and busy[which]:
            busy[which] -= 1
            return httpx.Response(429, headers={"Retry-After": "0.3"}, json={"message": "slow"})
        return serve(request)

    stats = await _drain(handler, RetryPolicy(max_retries=0))
    assert (stats.outages, stats.acknowledged) == (4, 1)
    for method in ("GET", "PUT"):
        times = [at for m, at in sent if m == method][:3]
        assert all(b - a >= 0.3 for a, b in itertools.pairwise(times)), (method, times)


async def test_bulk_ack_404_falls_back_to_single_acks_and_reports_refused_ids() -> None:
    """A bulk ack refused for an unknown id is sent again one by one: the known tasks are
    acknowledged, the stranger is reported refused."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    stranger = "99999999-9999-4999-8999-999999999999"
    async with queue_client(AsyncKimonoClient, queue) as kimono:
        result = await kimono.tasks.ack_many(
            [{"task_id": task_id_of(t), "status": "success"} for t in tasks[:2]]
            + [{"task_id": stranger, "status": "success"}]
        )
    assert result.acknowledged == task_ids(tasks[:2])
    assert list(result.failed) == [stranger]
    assert result.requests == 4


async def test_a_404_without_a_lost_answer_is_still_a_refusal() -> None:
    """Unknown ids on a first answered attempt are refused, one by one, as before."""
    queue = FakeQueue([make_task(0)])
    async with queue_client(AsyncKimonoClient, queue) as kimono:
        result = await kimono.tasks.ack_many(
            [{"task_id": "00000000-0000-4000-8000-0000000000aa", "status": "success"}]
        )
    assert (result.acknowledged, result.lost_answers) == ([], [])
    assert list(result.failed) == ["00000000-0000-4000-8000-0000000000aa"]


async def test_an_ack_refused_alone_leaves_the_others_going() -> None:
    """After a bulk 404, an ack refused alone for another reason (400) is reported for its
    task, and the acks after it are still sent (they used to be dropped with it)."""
    tasks = [make_task(n) for n in range(4)]
    queue = FakeQueue(tasks)
    queue.fail_single[task_id_of(tasks[1])] = [400]
    stranger = "99999999-9999-4999-8999-999999999999"
    async with queue_client(AsyncKimonoClient, queue) as kimono:
        result = await kimono.tasks.ack_many(
            [{"task_id": stranger, "status": "success"}]
            + [{"task_id": task_id_of(t), "status": "success"} for t in tasks]
        )
    assert sorted(result.failed) == sorted([stranger, task_id_of(tasks[1])])
    assert result.failed[task_id_of(tasks[1])] == "this ack not taken"
    assert result.acknowledged == task_ids([tasks[0], tasks[2], tasks[3]])
    assert [a["task_id"] for a in queue.acks] == result.acknowledged


async def test_an_outage_part_way_through_single_acks_sends_only_the_rest_again() -> None:
    """The handler of the first task acks it itself, so the consumer's bulk ack is refused
    (404) and the acks go one by one; the third one meets an outage. Only the acks not
    applied yet are sent again: the second, applied before the outage, is not reported
    refused (as it was, sent again and found gone)."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    queue.fail_single[task_id_of(tasks[2])] = [503, 503, 503]  # beyond the retries
    async with queue_client(AsyncKimonoClient, queue) as kimono:

        async def handle(task: TaskView) -> None:
            if task.id == task_id_of(tasks[0]):
                await kimono.tasks.ack(task, "success")

        stats = await kimono.tasks.run(
            handle, stop_when_empty=True, poll_interval=0.001, max_poll_interval=0.002
        )
    assert sorted(a["task_id"] for a in queue.acks) == sorted(task_ids(tasks))
    assert len(queue.acks) == len(tasks)  # each once
    assert list(stats.ack_failures) == [task_id_of(tasks[0])]  # acked by the handler
    assert stats.acknowledged == 4 and stats.outages == 1


async def test_a_handler_result_with_an_app_id_that_is_no_string_fails_its_task_alone() -> None:
    """An app id the ack's JSON cannot carry used to fail the encoding of the whole batch's
    acks: none was sent, and every delivery of the batch failed again."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    bad = task_id_of(tasks[2])

    def handle(task: TaskView) -> TaskResult | None:
        return TaskResult(app_id=b"row-2") if task.id == bad else None  # type: ignore[arg-type]

    async with queue_client(AsyncKimonoClient, queue) as kimono:
        stats = await kimono.tasks.run(handle, stop_when_empty=True)
    statuses = {a["task_id"]: a["status"] for a in queue.acks}
    assert statuses == {task_id_of(t): "error" if t is tasks[2] else "success" for t in tasks}
    (message,) = [a["message"] for a in queue.acks if a["task_id"] == bad]
    assert "app_id must be a str" in message
    assert (stats.succeeded, stats.failed) == (4, 1)


async def test_a_handler_s_exception_reaches_the_service_without_its_credentials() -> None:
    """The ack's message (which the vendor dashboard shows) is masked as the log is."""
    queue = FakeQueue([make_task(0)])

    def handle(task: TaskView) -> None:
        raise ConnectionError("postgresql://app:hunter2@db/sis refused; Bearer tok-SECRET-42")

    async with queue_client(AsyncKimonoClient, queue) as kimono:
        await kimono.tasks.run(handle, stop_when_empty=True)
    (ack,) = queue.acks
    assert ack["status"] == "error" and "ConnectionError" in ack["message"]
    assert "hunter2" not in ack["message"] and "tok-SECRET-42" not in ack["message"]


async def test_each_run_counts_its_own_so_max_tasks_applies_to_each() -> None:
    """run() may be called again: with max_tasks, each run handles that many (the second
    used to find the first one's count and handle nothing)."""
    tasks = [make_task(n) for n in range(10)]
    queue = FakeQueue(tasks)
    handled: list[str] = []
    async with queue_client(AsyncKimonoClient, queue) as kimono:
        consumer = kimono.tasks.consumer(lambda t: handled.append(t.id), max_tasks=3)
        first = await consumer.run()
        second = await consumer.run()
    assert (first.handled, second.handled) == (3, 3)
    assert first is not second and second.stopped_by == "max_tasks"
    assert handled == task_ids(tasks[:6])
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks[:6])
