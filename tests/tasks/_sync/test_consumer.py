# Written by scripts/unasync.py from tests/tasks/_async/test_consumer.py: edit that file,
# then run `make generate`.
"""The task consumer: every task handled once, in order, acknowledged only after it was handled.

Both consumers, written once for the async one. Acknowledgements and outages are in
``test_consumer_acks.py``; what only the sync consumer does (a SIGTERM in the middle of
a batch, a thread left running past its time limit) in ``tests/tasks/test_consumer.py``.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import httpx
import pytest

from kimono_interop import (
    KimonoClient,
    ReauthenticateTask,
    RetryTask,
    TaskKind,
    TaskResult,
    TaskStatus,
    TaskView,
)
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_id_of, task_ids

BASE = "https://api.us2.kimonocloud.com"


def test_drains_every_task_once_in_order_with_one_ack_request_per_batch() -> None:
    """250 tasks: each handled once, in order, acked as success in one bulk PUT per batch;
    the run ends when the queue answers empty."""
    tasks = [make_task(n) for n in range(250)]
    queue = FakeQueue(tasks)
    seen: list[str] = []
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda task: seen.append(task.id), stop_when_empty=True)
    assert seen == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
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
    """None is success; an exception is an error with its text; RetryTask, ReauthenticateTask
    and a returned status are acked as they say, with their messages."""
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

    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(handler, stop_when_empty=True)
    assert [(a["status"], a.get("message")) for a in queue.acks] == [
        ("success", None),
        ("error", "ValueError: row 7: unknown school"),
        ("retry", "target system busy"),
        ("reauthenticate", "refresh token revoked"),
        ("error", None),
    ]
    assert (stats.succeeded, stats.failed, stats.retried) == (1, 3, 1)


def test_a_handler_bug_logs_its_traceback_redacted_and_an_intended_retry_does_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected exception is logged at WARNING with its traceback (the frame of the
    handler is in it), a secret in its text masked; RetryTask is the handler's answer and
    logs no traceback."""
    tasks = [make_task(n) for n in range(2)]
    queue = FakeQueue(tasks)

    def lookup_school(n: int) -> None:
        raise KeyError(f"no school for n={n} with Authorization: Bearer tok-SECRET-42")

    def handler(task: TaskView) -> None:
        n = task.data["n"] if task.data else -1
        if n == 0:
            lookup_school(n)
        raise RetryTask("target system busy")

    caplog.set_level("WARNING", logger="kimono_interop")
    with queue_client(KimonoClient, queue) as kimono:
        kimono.tasks.run(handler, stop_when_empty=True)
    failed = [r for r in caplog.records if "failed" in r.getMessage()]
    assert [r.levelname for r in failed] == ["WARNING", "WARNING"]
    bug, retry = failed
    assert bug.exc_text is not None and "in lookup_school" in bug.exc_text
    assert "KeyError" in bug.exc_text and "tok-SECRET-42" not in bug.exc_text
    assert "tok-SECRET-42" not in caplog.text
    assert retry.exc_info is None and retry.exc_text is None


@pytest.mark.parametrize(
    ("on_exception", "status"), [(None, "error"), ("error", "error"), ("retry", "retry")]
)
def test_on_exception_decides_how_an_unexpected_exception_is_acked(
    on_exception: Any, status: str
) -> None:
    """``on_exception`` ("error" by default, or "retry") sets the ack of a handler's
    unexpected exception; RetryTask and ReauthenticateTask keep theirs whatever it is."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)

    def handler(task: TaskView) -> None:
        n = task.data["n"] if task.data else -1
        if n == 0:
            raise ConnectionError("the target system is down")
        if n == 1:
            raise ReauthenticateTask("token revoked")

    options: dict[str, Any] = {} if on_exception is None else {"on_exception": on_exception}
    with queue_client(KimonoClient, queue) as kimono:
        kimono.tasks.run(handler, stop_when_empty=True, **options)
    assert [(a["status"], a.get("message")) for a in queue.acks] == [
        (status, "ConnectionError: the target system is down"),
        ("reauthenticate", "token revoked"),
        ("success", None),
    ]


def test_an_unknown_on_exception_is_refused() -> None:
    with queue_client(KimonoClient, FakeQueue([])) as kimono:
        with pytest.raises(ValueError, match="on_exception must be 'error' or 'retry'"):
            kimono.tasks.consumer(lambda task: None, on_exception="success")  # type: ignore[arg-type]


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
    with queue_client(KimonoClient, queue) as kimono:
        kimono.tasks.run(lambda task: returned, max_tasks=1)
    (ack,) = queue.acks
    assert ack["status"] == status
    if message is None:
        assert "message" not in ack
    else:
        assert ack["message"].startswith(message)
    if isinstance(returned, TaskResult) and returned.app_id:
        assert (ack["$sys"], ack["app_id"]) == ({"app_id": "lms-42"}, "lms-42")


def test_a_redelivered_task_is_acked_again_without_running_the_handler() -> None:
    """A task delivered again after its ack is acked again, not handled again."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    queue.redeliver[task_id_of(tasks[1])] = 2  # delivered three times in all
    runs: list[str] = []
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: runs.append(t.id), stop_when_empty=True)
    assert runs == task_ids(tasks)
    assert [a["task_id"] for a in queue.acks].count(task_id_of(tasks[1])) == 3
    assert stats.duplicates == 2


def test_a_task_acked_retry_runs_again_when_it_comes_back() -> None:
    """A task the handler asked to retry is handled again when the queue brings it back."""
    tasks = [make_task(0)]
    queue = FakeQueue(tasks)
    queue.redeliver[task_id_of(tasks[0])] = 1
    attempts: list[int] = []

    def handler(task: TaskView) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RetryTask("later")

    with queue_client(KimonoClient, queue) as kimono:
        kimono.tasks.run(handler, stop_when_empty=True)
    assert len(attempts) == 2
    assert [a["status"] for a in queue.acks] == ["retry", "success"]


def test_max_tasks_and_stop_leave_the_rest_unacknowledged() -> None:
    """max_tasks=12 handles and acks 12 tasks; stop() from the handler ends the run after
    the task in hand; the rest stay in the queue, unacknowledged."""
    tasks = [make_task(n) for n in range(30)]
    queue = FakeQueue(tasks)
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, max_tasks=12)
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks[:12])
    assert stats.stopped_by == "max_tasks"
    # no more asked for than it handles: a task handed out and not acknowledged would
    # hold the tenant's later ones until the service's ack timeout
    assert queue.page_sizes == [12]

    queue = FakeQueue(tasks)
    with queue_client(KimonoClient, queue) as kimono:
        consumer = kimono.tasks.consumer(
            lambda t: consumer.stop() if t.data and t.data["n"] == 4 else None
        )
        stats = consumer.run()
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks[:5])
    assert stats.stopped_by == "stop()"


@pytest.mark.parametrize("caller", ["thread", "signal handler"])
def test_stop_from_off_the_consumers_loop_ends_its_wait_at_once(caller: str) -> None:
    """stop() from another thread, or from a signal handler of the application (which
    runs while the loop waits on its selector), ends the wait between polls at once
    instead of when the wait runs out."""
    with queue_client(KimonoClient, FakeQueue([])) as kimono:
        consumer = kimono.tasks.consumer(
            lambda t: None, poll_interval=30, max_poll_interval=30, handle_signals=False
        )
        if caller == "thread":
            timer = threading.Timer(0.3, consumer.stop)
        else:
            previous = signal.signal(signal.SIGUSR1, lambda *_: consumer.stop())
            main = threading.main_thread().ident
            assert main is not None
            timer = threading.Timer(0.3, signal.pthread_kill, (main, signal.SIGUSR1))
        started = time.monotonic()
        timer.start()
        try:
            stats = consumer.run()  # a broken stop: 15-30 s, and the check below fails
        finally:
            timer.cancel()
            if caller != "thread":
                signal.signal(signal.SIGUSR1, previous)
    assert stats.stopped_by == "stop()"
    assert time.monotonic() - started < 5  # not the 15-30 s wait


def test_unknown_kinds_and_actions_reach_the_handler_intact() -> None:
    """Task kinds and actions this version does not know reach the handler as UNKNOWN, with
    their raw payload, and are acknowledged."""
    odd = {
        "schema": "2.5",
        "hologram_event": {"id": "0b0c5e4a-3f5c-4a0e-9c43-6f1f3b0d2a10", "action": "BEAM"},
    }
    flat = {"schema": "3.1", "type": "quantum_event", "id": "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"}
    queue = FakeQueue([odd, flat])
    got: list[TaskView] = []
    with queue_client(KimonoClient, queue) as kimono:
        kimono.tasks.run(got.append, stop_when_empty=True)
    assert [t.kind for t in got] == [TaskKind.UNKNOWN, TaskKind.UNKNOWN]
    assert [t.event_type for t in got] == ["hologram_event", "quantum_event"]
    assert got[0].action == "BEAM" and got[0].action is not None and not got[0].action.is_known
    assert [t.raw for t in got] == [odd, flat]
    assert len(queue.acks) == 2


def test_a_task_whose_id_is_not_a_uuid_is_handled_and_acknowledged_with_that_id() -> None:
    """Task ids are UUIDs in every source, but an id of another form is still acknowledged.

    Refusing it would leave the task unacknowledged, and the managed queue would then
    withhold every later task of the tenant.
    """
    good = [make_task(n) for n in range(4)]
    odd = {**make_task(9), "id": "task-3"}
    queue = FakeQueue([good[0], good[1], odd, good[2], good[3]])
    handled: list[str] = []
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: handled.append(t.id or ""), stop_when_empty=True)
    expected = [*task_ids(good[:2]), "task-3", *task_ids(good[2:])]
    assert handled == expected
    assert [a["task_id"] for a in queue.acks] == expected
    assert (stats.unackable, stats.acknowledged) == (0, 5)


def test_a_task_id_is_acknowledged_exactly_as_the_service_spelled_it() -> None:
    """A UUID in another spelling (upper case, braces, no hyphens) is acknowledged as
    sent, not in the canonical form: a service that matches ids as text would refuse the
    rewritten one, and withhold every later task of the tenant behind it."""
    spellings = [
        "306926D0-1089-4F26-8D38-00000000000A",
        "{306926d0-1089-4f26-8d38-00000000000b}",
        "306926d010894f268d3800000000000c",
    ]
    tasks = [{**make_task(n), "id": spelling} for n, spelling in enumerate(spellings)]
    queue = FakeQueue(tasks)
    handled: list[str | None] = []
    with queue_client(KimonoClient, queue) as kimono:
        # (max_tasks: refused acks would have the queue hand the batch out for ever)
        stats = kimono.tasks.run(lambda t: handled.append(t.id), stop_when_empty=True, max_tasks=3)
    assert handled == spellings
    assert [a["task_id"] for a in queue.acks] == spellings
    assert (stats.unackable, stats.acknowledged) == (0, 3)
    assert queue.pending == []


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
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(
            lambda t: None, stop_when_empty=True, on_unackable=lambda t: hooked.append(t.raw)
        )
    assert [a["task_id"] for a in queue.acks] == task_ids(good)
    assert stats.stopped_by == "stalled"  # the next batch held only the unackable ones
    assert (stats.handled, stats.unackable, stats.queue_stalled) == (3, 2, True)
    assert [t.raw for t in stats.unackable_tasks] == [None, no_id] == hooked
    stalls = [r for r in caplog.records if "queue is stalled" in r.getMessage()]
    assert [r.levelname for r in stalls] == ["ERROR", "ERROR"]
    assert "members: authenticate, schema" in stalls[1].getMessage()


def test_max_tasks_never_asks_for_more_than_it_will_handle() -> None:
    """No more is asked for than max_tasks leaves, even behind items without an id: a
    short batch of only those is asked for once more (someone may have removed them),
    then the queue is stalled behind them. Asking past them for a whole batch, or for
    their places on top, would hand out tasks the run never acknowledges."""
    good = [make_task(n) for n in range(3)]
    queue = FakeQueue(good)
    queue.pending = [good[0], None, good[1], good[2]]  # type: ignore[list-item]
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, max_tasks=3, stop_when_empty=True)
    assert queue.page_sizes == [3, 1, 1]
    assert [a["task_id"] for a in queue.acks] == task_ids(good[:2])
    assert (stats.stopped_by, stats.handled, stats.left_unacknowledged) == ("stalled", 2, 0)

    queue = FakeQueue(good)
    queue.pending = [None, *good]  # type: ignore[list-item]
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, max_tasks=1, stop_when_empty=True)
    assert queue.page_sizes == [1, 1]
    assert (stats.handled, stats.unackable, stats.left_unacknowledged) == (0, 1, 0)

    # held back behind the item, which is removed before the run asks again
    queue = FakeQueue(good, withhold=True)
    queue.pending.insert(0, None)  # type: ignore[arg-type]
    serve = queue.mock_handler()

    def removing(request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and len(queue.page_sizes) == 1:
            queue.pending.remove(None)  # type: ignore[arg-type]
            queue._handed = []
        return serve(request)

    with KimonoClient("c", "s", base_url=BASE, transport=httpx.MockTransport(removing)) as kimono:
        stats = kimono.tasks.run(lambda t: None, max_tasks=1, stop_when_empty=True)
    assert queue.page_sizes == [1, 1]
    assert (stats.handled, stats.stopped_by) == (1, "max_tasks")
    assert [a["task_id"] for a in queue.acks] == task_ids(good[:1])
    assert queue._handed == []  # nothing handed out and left unacknowledged


def test_max_tasks_reports_an_item_without_an_id_the_service_holds_the_queue_behind() -> None:
    """As the service does: nothing more is handed out while an item handed out has no
    ack, and one without an id never gets one. The short batch's item is reported, and
    the run ends stalled, not empty."""
    seen: list[Any] = []
    queue = FakeQueue([make_task(n) for n in range(3)], withhold=True)
    queue.pending.insert(0, None)  # type: ignore[arg-type]
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(
            lambda t: None, max_tasks=1, stop_when_empty=True, on_unackable=seen.append
        )
    assert queue.page_sizes == [1, 1]
    assert (stats.stopped_by, stats.handled, stats.unackable, len(seen)) == ("stalled", 0, 1, 1)


def test_an_empty_answer_behind_an_unackable_item_is_a_stalled_queue() -> None:
    """The tasks around an item without an id are handled; then the service holds the
    tenant's queue back behind the item: the run ends stalled, not empty."""
    good = [make_task(n) for n in range(2)]
    queue = FakeQueue(good, withhold=True)
    queue.pending.insert(1, None)  # type: ignore[arg-type]
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, stop_when_empty=True)
    assert queue.page_sizes == [None, None]
    assert (stats.stopped_by, stats.handled, stats.unackable) == ("stalled", 2, 1)


def test_left_unacknowledged_counts_what_a_flush_did_not_send() -> None:
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    with queue_client(KimonoClient, queue) as kimono:

        def handler(task: TaskView) -> None:
            if task.data and task.data["n"] == 1:
                consumer.flush()  # as run_tenants does on a second signal
                consumer.stop()

        consumer = kimono.tasks.consumer(handler)
        stats = consumer.run()
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks[:2])
    assert stats.left_unacknowledged == 1
    consumer.flush()  # after the batch: its acks are not sent again
    assert len(queue.acks) == 2 and not stats.ack_failures


def test_a_handler_past_its_time_limit_is_acked_retry_and_the_run_goes_on() -> None:
    """task_timeout=0.2 s: the task whose handler sleeps 5 s is acked retry (saying so) well
    before those 5 s; every other task is handled and acked success."""
    tasks = [make_task(n) for n in range(150)]
    queue = FakeQueue(tasks)
    seen: list[str] = []

    def handler(task: TaskView) -> None:
        if task.data and task.data["n"] == 3:
            time.sleep(5)
        seen.append(task.id or "")

    started = time.monotonic()
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(handler, stop_when_empty=True, task_timeout=0.2)
    assert time.monotonic() - started < 3
    assert seen == [t for t in task_ids(tasks) if t != task_id_of(tasks[3])]
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    expected = [("success", None)] * 3 + [("retry", "the handler took longer than 0.2 s")]
    assert expected == [(a["status"], a.get("message")) for a in queue.acks[:4]]
    assert {a["status"] for a in queue.acks[4:]} == {"success"}
    assert stats.handled == 150


def test_empty_queue_is_polled_with_growing_jittered_delays() -> None:
    """An empty queue is asked again after delays that double up to max_poll_interval, each
    drawn between half its cap and the cap."""
    queue = FakeQueue([])
    with queue_client(KimonoClient, queue) as kimono:
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
    """A zero poll interval or max_tasks, a negative timeout or memory, or a handler that is
    not callable is refused when the consumer is made."""
    with queue_client(KimonoClient, FakeQueue([])) as kimono:
        for bad in ({"poll_interval": 0}, {"max_tasks": 0}, {"task_timeout": -1}, {"remember": -1}):
            with pytest.raises(ValueError):
                kimono.tasks.consumer(lambda t: None, **bad)
        with pytest.raises(TypeError):
            kimono.tasks.consumer("not callable")  # type: ignore[arg-type]


def test_one_consumer_per_tenant_and_a_failing_tenant_does_not_stop_the_others() -> None:
    """run_tenants runs a consumer per tenant with the tenant's credentials; a tenant whose
    credentials are refused gets its exception as its result, and the others drain."""
    good, bad = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    queues = {good: FakeQueue([make_task(n, tenant=good) for n in range(5)])}
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
    transport = httpx.MockTransport(handler)
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport) as kimono:
        results = kimono.tasks.run_tenants(
            lambda tenant, task: seen.append((str(tenant.id), task.id or "")), stop_when_empty=True
        )
    assert results[good].handled == 5  # type: ignore[union-attr]
    assert isinstance(results[bad], Exception)
    assert len(queues[good].acks) == 5
    assert {tenant for tenant, _ in seen} == {good}


def _tenants_service(
    tenants: list[dict[str, Any]], queues: dict[str, FakeQueue], *, failing_lists: int = 0
) -> tuple[httpx.MockTransport, dict[str, int]]:
    """A service listing ``tenants`` (the first ``failing_lists`` listings answered 503;
    past 10 listings, 403, which ends a run that lists for ever), each tenant's queue
    found by the token its client_id gets."""
    calls = {"lists": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/interop/tenants":
            calls["lists"] += 1
            if calls["lists"] <= failing_lists:
                return httpx.Response(503, json={"status": 503, "message": "busy"})
            if calls["lists"] > 10:
                return httpx.Response(403, json={"status": 403, "message": "listed for ever"})
            return httpx.Response(200, json={"data": tenants, "paging": {"next": None}})
        if request.url.path == "/oauth/token":
            client_id = dict(p.split("=") for p in request.content.decode().split("&"))["client_id"]
            return httpx.Response(200, json={"access_token": client_id, "expires_in": 3600})
        token = request.headers["authorization"].split()[1]
        return queues[token].mock_handler()(request)

    return httpx.MockTransport(handler), calls


def _tenant(id_: str | None, client_id: str) -> dict[str, Any]:
    auth = {"type": "oauth2", "client_id": client_id, "client_secret": "s"}
    return {"auth": auth} if id_ is None else {"id": id_, "auth": auth}


def test_run_tenants_consumes_each_listed_tenant_once_whatever_its_id() -> None:
    """A tenant listed twice is consumed once, and each tenant listed without an id has a
    result of its own ("(no id #n)"): they shared one key, and every consumer but the last
    was never stopped (a stop() left them polling after the run)."""
    good = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queues = {c: FakeQueue([make_task(n) for n in range(3)]) for c in ("g", "n1", "n2")}
    tenants = [_tenant(good, "g"), _tenant(good, "g"), _tenant(None, "n1"), _tenant(None, "n2")]
    transport, _ = _tenants_service(tenants, queues)
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport) as kimono:
        results = kimono.tasks.run_tenants(lambda tenant, task: None, stop_when_empty=True)
    assert sorted(results) == ["(no id #3)", "(no id #4)", good]
    assert all(r.handled == 3 for r in results.values())  # type: ignore[union-attr]
    assert {c: len(q.acks) for c, q in queues.items()} == {"g": 3, "n1": 3, "n2": 3}


def test_run_tenants_waits_out_an_outage_of_the_tenant_listing() -> None:
    """503s of GET /tenants are waited out as the consumers wait out theirs: they ended
    the whole run at the listing's first failure past the client's retries."""
    good = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queues = {"g": FakeQueue([make_task(n) for n in range(3)])}
    transport, calls = _tenants_service([_tenant(good, "g")], queues, failing_lists=3)
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport, max_retries=0) as kimono:
        results = kimono.tasks.run_tenants(
            lambda tenant, task: None, stop_when_empty=True, poll_interval=0.01
        )
    assert calls["lists"] == 4 and results[good].handled == 3  # type: ignore[union-attr]


def test_run_tenants_serves_the_tenants_it_can_read_and_leaves_out_the_others() -> None:
    """A tenant of the listing that cannot be read is left out (logged), the others
    served: an answer that does not fit is transient, so waiting out the listing's
    InvalidItemsError re-listed for ever and served nobody."""
    good = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queues = {"g": FakeQueue([make_task(n) for n in range(3)])}
    tenants: list[Any] = [None, _tenant(good, "g")]
    transport, calls = _tenants_service(tenants, queues)
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport) as kimono:
        results = kimono.tasks.run_tenants(
            lambda tenant, task: None, stop_when_empty=True, poll_interval=0.01
        )
    assert list(results) == [good] and calls["lists"] == 1


def test_a_tenants_consumer_stopped_while_listing_says_so() -> None:
    """A stop while the listing's outage is waited out ends the run with no tenant
    consumed, and ``stopped_by`` tells it from an account with no tenants (both returned
    an empty dict, and nothing said which); a run that ends of itself has none."""
    good = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queues = {"g": FakeQueue([make_task(n) for n in range(3)])}
    transport, calls = _tenants_service([_tenant(good, "g")], queues, failing_lists=1)
    listing = transport.handler

    def stopping(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/interop/tenants" and calls["lists"] == 0:
            consumer.stop()  # while the first listing fails (its wait then ends at once)
        return listing(request)  # type: ignore[no-any-return]

    transport.handler = stopping
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport, max_retries=0) as kimono:
        consumer = kimono.tasks.tenants_consumer(
            lambda tenant, task: None, stop_when_empty=True, poll_interval=30
        )
        assert consumer.run() == {}
        assert (consumer.stopped_by, calls["lists"]) == ("stop()", 1)
        results = consumer.run()  # the next run lists afresh and ends of itself
    assert results[good].handled == 3 and consumer.stopped_by == ""  # type: ignore[union-attr]


def test_a_tenants_consumer_remembers_finished_tasks_from_one_run_to_the_next() -> None:
    """A task delivered again in the next run of a tenants consumer is acked with its
    outcome, not handled again, as one consumer run again does: each run forgot them."""
    good = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    tasks = [make_task(n) for n in range(3)]
    queues = {"g": FakeQueue(tasks)}
    transport, _ = _tenants_service([_tenant(good, "g")], queues)
    handled: list[str] = []
    with KimonoClient("vendor", "v", base_url=BASE, transport=transport) as kimono:
        consumer = kimono.tasks.tenants_consumer(
            lambda tenant, task: handled.append(task.id or ""), stop_when_empty=True
        )
        for _ in range(2):
            consumer.run()
            queues["g"].pending = list(tasks)  # delivered again
    assert sorted(handled) == sorted(task_ids(tasks))
    assert len(queues["g"].acks) == 6


def test_items_without_an_id_alike_are_each_counted_once() -> None:
    """Two items alike (two nulls) in one batch are two items, each counted once however
    often the batch comes back (they used to count as one)."""
    good = make_task(0)
    queue = FakeQueue([good])
    queue.pending = [None, None, good]  # type: ignore[list-item]
    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(lambda t: None, stop_when_empty=True, poll_interval=0.001)
    assert (stats.unackable, stats.handled, stats.stopped_by) == (2, 1, "stalled")
