"""The task consumer: every task handled once, in order, acknowledged only after it was handled."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import Any

import httpx
import pytest

from kimono_interop import (
    AckError,
    AsyncKimonoClient,
    KimonoClient,
    PermissionDeniedError,
    ReauthenticateTask,
    RetryPolicy,
    RetryTask,
    TaskKind,
    TaskResult,
    TaskStatus,
    TaskView,
)
from tests.support.fake_queue import FakeQueue, make_task, task_id_of

BASE = "https://api.us2.kimonocloud.com"


def _client(queue: FakeQueue, retries: int = 2) -> KimonoClient:
    return KimonoClient(
        "c",
        "s",
        base_url=BASE,
        transport=httpx.MockTransport(queue.mock_handler()),
        retry=RetryPolicy(max_retries=retries, initial_delay=0.001, max_delay=0.001),
    )


def _ids(tasks: list[dict[str, Any]]) -> list[str]:
    return [task_id_of(t) for t in tasks]


def test_drains_every_task_once_in_order_with_one_ack_request_per_batch() -> None:
    tasks = [make_task(n) for n in range(250)]
    queue = FakeQueue(tasks)
    seen: list[str] = []
    with _client(queue) as kimono:
        stats = kimono.tasks.run(lambda task: seen.append(task.id), stop_when_empty=True)
    assert seen == _ids(tasks)
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)
    assert {a["status"] for a in queue.acks} == {"success"}
    # 3 batches: GET + bulk PUT each, then one GET that finds the queue empty.
    assert queue.requests == [
        ("GET", "/v2/interop/data/tasks"),
        ("PUT", "/v2/interop/data/tasks/ack"),
    ] * 3 + [("GET", "/v2/interop/data/tasks")]
    assert (stats.handled, stats.acknowledged, stats.batches, stats.stopped_by) == (
        250,
        250,
        3,
        "empty",
    )


def test_handler_outcomes_become_acks_with_messages() -> None:
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)

    def handler(task: TaskView) -> Any:
        n = task.data["n"] if task.data else -1
        if n == 1:
            raise ValueError("row 7: unknown school")
        if n == 2:
            raise RetryTask("target system busy")
        if n == 3:
            raise ReauthenticateTask("refresh token revoked")
        if n == 4:
            return TaskStatus.ERROR
        return None

    with _client(queue) as kimono:
        stats = kimono.tasks.run(handler, stop_when_empty=True)
    assert [(a["status"], a.get("message")) for a in queue.acks] == [
        ("success", None),
        ("error", "ValueError: row 7: unknown school"),
        ("retry", "target system busy"),
        ("reauthenticate", "refresh token revoked"),
        ("error", None),
    ]
    assert (stats.succeeded, stats.failed, stats.retried) == (1, 3, 1)


def test_a_redelivered_task_is_acked_again_without_running_the_handler() -> None:
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.redeliver[task_id_of(tasks[1])] = 2  # delivered three times in all
    runs: list[str] = []
    with _client(queue) as kimono:
        stats = kimono.tasks.run(lambda t: runs.append(t.id), stop_when_empty=True)
    assert runs == _ids(tasks)
    assert [a["task_id"] for a in queue.acks].count(task_id_of(tasks[1])) == 3
    assert stats.duplicates == 2


def test_a_task_acked_retry_runs_again_when_it_comes_back() -> None:
    tasks = [make_task(0)]
    queue = FakeQueue(tasks)
    queue.redeliver[task_id_of(tasks[0])] = 1
    attempts: list[int] = []

    def handler(task: TaskView) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RetryTask("later")

    with _client(queue) as kimono:
        kimono.tasks.run(handler, stop_when_empty=True)
    assert len(attempts) == 2
    assert [a["status"] for a in queue.acks] == ["retry", "success"]


def test_a_503_on_the_bulk_ack_is_retried_and_nothing_is_lost_or_handled_twice() -> None:
    tasks = [make_task(n) for n in range(120)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 2
    runs: list[str] = []
    with _client(queue, retries=3) as kimono:
        kimono.tasks.run(lambda t: runs.append(t.id), stop_when_empty=True)
    assert runs == _ids(tasks)
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)


def test_acks_failing_for_a_while_are_sent_before_any_more_work_is_pulled() -> None:
    """An outage of the ack endpoint is waited out: the handled tasks keep their acks.

    Nothing more is asked for meanwhile, and no task is handled twice.
    """
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 40
    runs: list[str] = []
    with _client(queue, retries=1) as kimono:
        stats = kimono.tasks.run(
            lambda t: runs.append(t.id),
            stop_when_empty=True,
            poll_interval=0.001,
            max_poll_interval=0.002,
        )
    assert runs == _ids(tasks)
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)
    first_get = queue.requests.index(("GET", "/v2/interop/data/tasks"))
    second_get = queue.requests.index(("GET", "/v2/interop/data/tasks"), first_get + 1)
    assert (
        queue.requests[first_get + 1 : second_get] == [("PUT", "/v2/interop/data/tasks/ack")] * 41
    )
    assert stats.outages == 20  # 40 failed answers, two per try (one retry each)


def test_a_terminal_ack_failure_stops_the_consumer_and_a_new_run_picks_up() -> None:
    """A 403 on the acks is not waited out: AckError names the tasks; run() works again."""
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    queue.fail_acks, queue.fail_status = 1, 403
    runs: list[str] = []
    with _client(queue, retries=1) as kimono:
        consumer = kimono.tasks.consumer(lambda t: runs.append(t.id), stop_when_empty=True)
        with pytest.raises(AckError) as info:
            consumer.run()
        assert info.value.task_ids == _ids(tasks[:100])
        assert (len(runs), queue.acks) == (100, [])
        stats = consumer.run()  # the queue delivers the unacknowledged batch again
    assert runs == _ids(tasks)  # the first 100 were remembered: acked, not handled twice
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)
    assert (stats.duplicates, stats.stopped_by) == (100, "empty")


def test_an_outage_of_the_queue_of_any_length_is_waited_out() -> None:
    """503s on GET /tasks (past the sender's retries) are logged and waited out, not fatal."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.fail_gets = 30
    with _client(queue, retries=0) as kimono:
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

    with (
        KimonoClient("c", "s", base_url=BASE, transport=httpx.MockTransport(handler)) as kimono,
        pytest.raises(PermissionDeniedError),
    ):
        kimono.tasks.run(lambda t: None, poll_interval=0.001)


def test_max_tasks_and_stop_leave_the_rest_unacknowledged() -> None:
    tasks = [make_task(n) for n in range(30)]
    queue = FakeQueue(tasks)
    with _client(queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, max_tasks=12)
    assert [a["task_id"] for a in queue.acks] == _ids(tasks[:12])
    assert stats.stopped_by == "max_tasks"

    queue = FakeQueue(tasks)
    with _client(queue) as kimono:
        consumer = kimono.tasks.consumer(
            lambda t: consumer.stop() if t.data and t.data["n"] == 4 else None
        )
        stats = consumer.run()
    assert [a["task_id"] for a in queue.acks] == _ids(tasks[:5])
    assert stats.stopped_by == "stop()"


def test_sigterm_mid_batch_finishes_the_task_in_hand_and_acks_only_handled_tasks() -> None:
    tasks = [make_task(n) for n in range(50)]
    queue = FakeQueue(tasks)
    handled: list[str] = []

    def handler(task: TaskView) -> None:
        if len(handled) == 7:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)  # the signal arrives while this task is in hand
        handled.append(task.id or "")

    previous = signal.getsignal(signal.SIGTERM)
    with _client(queue) as kimono:
        stats = kimono.tasks.run(handler)
    assert signal.getsignal(signal.SIGTERM) == previous  # handlers restored
    assert handled == _ids(tasks[:8])
    assert [a["task_id"] for a in queue.acks] == handled
    assert stats.stopped_by == "SIGTERM"
    assert _ids(queue.pending) == _ids(tasks[8:])  # delivered again to the next consumer


def test_unknown_kinds_and_actions_reach_the_handler_intact() -> None:
    odd = {
        "schema": "2.5",
        "hologram_event": {"id": "0b0c5e4a-3f5c-4a0e-9c43-6f1f3b0d2a10", "action": "BEAM"},
    }
    flat = {"schema": "3.1", "type": "quantum_event", "id": "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"}
    queue = FakeQueue([odd, flat])
    got: list[TaskView] = []
    with _client(queue) as kimono:
        kimono.tasks.run(got.append, stop_when_empty=True)
    assert [t.kind for t in got] == [TaskKind.UNKNOWN, TaskKind.UNKNOWN]
    assert [t.event_type for t in got] == ["hologram_event", "quantum_event"]
    assert got[0].action == "BEAM" and got[0].action is not None and not got[0].action.is_known
    assert [t.raw for t in got] == [odd, flat]
    assert len(queue.acks) == 2


@pytest.mark.parametrize("schema", ["1.0", "2.0", "3.0"])
def test_task_view_reads_every_schema_the_same_way(schema: str) -> None:
    view = TaskView.from_raw(make_task(5, schema=schema))
    assert view.kind is TaskKind.DATA
    assert view.id == task_id_of(make_task(5))
    assert (view.action, view.object_type, view.sequence, view.data) == (
        "ADD",
        "persons",
        5,
        {"n": 5},
    )
    assert view.schema == schema
    assert view.model().schema == schema


def test_bulk_ack_404_falls_back_to_single_acks_and_reports_refused_ids() -> None:
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    stranger = "99999999-9999-4999-8999-999999999999"
    with _client(queue) as kimono:
        result = kimono.tasks.ack_many(
            [{"task_id": task_id_of(t), "status": "success"} for t in tasks[:2]]
            + [{"task_id": stranger, "status": "success"}]
        )
    assert result.acknowledged == _ids(tasks[:2])
    assert list(result.failed) == [stranger]
    assert result.requests == 4


def test_empty_queue_is_polled_with_growing_jittered_delays() -> None:
    queue = FakeQueue([])
    with _client(queue) as kimono:
        consumer = kimono.tasks.consumer(lambda t: None, poll_interval=1, max_poll_interval=4)
        delays: list[float] = []

        def fake_sleep(seconds: float) -> None:
            delays.append(seconds)
            if len(delays) == 5:
                consumer.stop()

        consumer._runtime.sleep = fake_sleep  # type: ignore[method-assign]
        consumer.run()
    caps = [1, 2, 4, 4, 4]
    assert all(cap / 2 <= d <= cap for d, cap in zip(delays, caps, strict=True))


def test_options_are_checked() -> None:
    with _client(FakeQueue([])) as kimono:
        for bad in ({"poll_interval": 0}, {"max_tasks": 0}, {"task_timeout": -1}, {"remember": -1}):
            with pytest.raises(ValueError):
                kimono.tasks.consumer(lambda t: None, **bad)
        with pytest.raises(TypeError):
            kimono.tasks.consumer("not callable")  # type: ignore[arg-type]


def test_sync_task_timeout_acks_retry() -> None:
    queue = FakeQueue([make_task(0), make_task(1)])

    def handler(task: TaskView) -> None:
        if task.data and task.data["n"] == 0:
            time.sleep(5)

    with _client(queue) as kimono:
        started = time.monotonic()
        kimono.tasks.run(handler, stop_when_empty=True, task_timeout=0.2)
    assert time.monotonic() - started < 3
    assert [(a["status"], a.get("message")) for a in queue.acks] == [
        ("retry", "the handler took longer than 0.2 s"),
        ("success", None),
    ]


def test_async_consumer_with_async_handler_and_timeout() -> None:
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    seen: list[str] = []

    async def handler(task: TaskView) -> None:
        if task.data and task.data["n"] == 3:
            await asyncio.sleep(5)
        seen.append(task.id or "")

    async def main() -> Any:
        async with AsyncKimonoClient(
            "c", "s", base_url=BASE, transport=httpx.MockTransport(queue.mock_handler())
        ) as kimono:
            return await kimono.tasks.run(handler, stop_when_empty=True, task_timeout=0.2)

    stats = asyncio.run(main())
    assert seen == [t for t in _ids(tasks) if t != task_id_of(tasks[3])]
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)
    assert queue.acks[3]["status"] == "retry"
    assert stats.handled == 150


def test_one_consumer_per_tenant_and_a_failing_tenant_does_not_stop_the_others() -> None:
    good, bad = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    queues = {
        good: FakeQueue([make_task(n, tenant=good) for n in range(5)]),
    }
    tenants = [
        {"id": good, "auth": {"type": "oauth2", "client_id": "good", "client_secret": "g"}},
        {"id": bad, "auth": {"type": "oauth2", "client_id": "bad", "client_secret": "b"}},
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/interop/tenants":
            return httpx.Response(200, json={"data": tenants, "paging": {"next": None}})
        if request.url.path == "/oauth/token":
            client_id = dict(p.split("=") for p in request.content.decode().split("&"))["client_id"]
            if client_id == "bad":
                return httpx.Response(401, json={"error": "invalid_client"})
            return httpx.Response(200, json={"access_token": client_id, "expires_in": 3600})
        queue = queues[request.url.params["tenant_id"]] if request.method == "GET" else queues[good]
        return queue.mock_handler()(request)

    seen: list[tuple[str, str]] = []
    with KimonoClient(
        "vendor", "v", base_url=BASE, transport=httpx.MockTransport(handler)
    ) as kimono:
        results = kimono.tasks.run_tenants(
            lambda tenant, task: seen.append((str(tenant.id), task.id or "")), stop_when_empty=True
        )
    assert results[good].handled == 5  # type: ignore[union-attr]
    assert isinstance(results[bad], Exception)
    assert len(queues[good].acks) == 5
    assert {tenant for tenant, _ in seen} == {good}


def test_a_task_whose_id_is_not_a_uuid_is_handled_and_acknowledged_with_that_id() -> None:
    """Task ids are UUIDs in every source, but an id of another form is still acknowledged.

    Refusing it would leave the task unacknowledged, and the managed queue would then
    withhold every later task of the tenant.
    """
    good = [make_task(n) for n in range(4)]
    odd = {**make_task(9), "id": "task-3"}
    queue = FakeQueue([good[0], good[1], odd, good[2], good[3]])
    handled: list[str] = []
    with _client(queue) as kimono:
        stats = kimono.tasks.run(lambda t: handled.append(t.id or ""), stop_when_empty=True)
    expected = [*_ids(good[:2]), "task-3", *_ids(good[2:])]
    assert handled == expected
    assert [a["task_id"] for a in queue.acks] == expected
    assert (stats.unackable, stats.acknowledged) == (0, 5)


def test_items_without_an_id_are_reported_and_the_rest_of_the_batch_is_handled(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A null item and a task with no id cannot be acknowledged: counted, logged, hooked.

    The good tasks around them are handled and acknowledged; the log and the stats
    say that the tenant's queue is stalled behind the unackable ones.
    """
    good = [make_task(n) for n in range(3)]
    queue = FakeQueue(good)
    no_id = {"schema": "2.0", "authenticate": {"tenant_id": "t"}}
    queue.pending = [good[0], None, good[1], no_id, good[2]]  # type: ignore[list-item]
    hooked: list[Any] = []
    with _client(queue) as kimono:
        stats = kimono.tasks.run(
            lambda t: None, max_tasks=3, on_unackable=lambda t: hooked.append(t.raw)
        )
    assert [a["task_id"] for a in queue.acks] == _ids(good)
    assert (stats.handled, stats.unackable, stats.queue_stalled) == (3, 2, True)
    assert [t.raw for t in stats.unackable_tasks] == [None, no_id] == hooked
    stalls = [r for r in caplog.records if "queue is stalled" in r.getMessage()]
    assert [r.levelname for r in stalls] == ["ERROR", "ERROR"]
    assert "members: authenticate, schema" in stalls[1].getMessage()


@pytest.mark.parametrize(
    ("returned", "status", "message"),
    [
        (None, "success", None),
        ("retry", "retry", None),
        ("ERROR", "error", None),
        (TaskStatus.REAUTHENTICATE, "reauthenticate", None),
        (TaskResult("retry", message="target busy"), "retry", "target busy"),
        (TaskResult(app_id="lms-42"), "success", None),
        (42, "error", "TypeError: the handler returned 42; return None (success), a status"),
        ("done", "error", "TypeError: the handler returned 'done'"),
        (True, "error", "TypeError: the handler returned True"),
    ],
)
def test_a_handler_return_value_is_acked_as_it_says_and_never_turned_into_success(
    returned: Any, status: str, message: str | None
) -> None:
    """Status strings mean their status; an unknown return value is a failure, not a success."""
    queue = FakeQueue([make_task(0)])
    with _client(queue) as kimono:
        kimono.tasks.run(lambda task: returned, max_tasks=1)
    (ack,) = queue.acks
    assert ack["status"] == status
    if message is None:
        assert "message" not in ack
    else:
        assert ack["message"].startswith(message)
    if isinstance(returned, TaskResult) and returned.app_id:
        assert ack["$sys"] == {"app_id": "lms-42"}


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

    with KimonoClient(
        "c",
        "s",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001),
    ) as kimono:
        stats = kimono.tasks.run(lambda task: None, stop_when_empty=True)
    assert [a["task_id"] for a in queue.acks] == _ids(tasks)
    assert (stats.acknowledged, stats.lost_ack_answers, stats.ack_failures) == (5, 5, {})
    puts = [path for method, path in queue.requests if method == "PUT"]
    assert puts == ["/v2/interop/data/tasks/ack"] * 2  # the lost one and its retry; no singles


def test_a_404_without_a_lost_answer_is_still_a_refusal() -> None:
    """Unknown ids on a first answered attempt are refused, one by one, as before."""
    queue = FakeQueue([make_task(0)])
    with _client(queue) as kimono:
        result = kimono.tasks.ack_many(
            [{"task_id": "00000000-0000-4000-8000-0000000000aa", "status": "success"}]
        )
    assert (result.acknowledged, result.lost_answers) == ([], [])
    assert list(result.failed) == ["00000000-0000-4000-8000-0000000000aa"]
