"""What only the sync consumer does: stopping on SIGTERM in the middle of a batch, and
being stopped from another thread while it waits on a stalled queue.

The behaviour both consumers share is tested once, in ``_async/test_consumer.py`` and
``_async/test_consumer_acks.py`` (and their sync twins).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import AckError, KimonoClient, TaskView
from tests.support.fake_queue import FakeQueue, make_task, queue_client, task_ids


def _client(
    transport: Callable[[httpx.Request], httpx.Response] | httpx.MockTransport, client_id: str = "c"
) -> KimonoClient:
    """A client whose requests ``transport`` answers (a function, or a MockTransport)."""
    if not isinstance(transport, httpx.MockTransport):
        transport = httpx.MockTransport(transport)
    return KimonoClient(
        client_id, "s", base_url="https://api.us2.kimonocloud.com", transport=transport
    )


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


def test_a_queue_stalled_behind_an_unackable_item_is_waited_on_not_spun_on() -> None:
    """A batch holding only what cannot be acknowledged comes back on every poll. The
    consumer counts and hooks it once, backs off as on an empty queue (a few polls, not
    thousands), and with stop_when_empty ends with stopped_by "stalled"."""
    queue = FakeQueue([])
    queue.pending = [{"schema": "3.0", "type": "data_event"}]
    hooked: list[Any] = []
    with queue_client(KimonoClient, queue) as kimono:
        consumer = kimono.tasks.consumer(
            lambda t: None,
            on_unackable=hooked.append,
            poll_interval=0.01,
            max_poll_interval=0.05,
            handle_signals=False,
        )
        timer = threading.Timer(0.5, consumer.stop)
        timer.start()
        try:
            stats = consumer.run()
        finally:
            timer.cancel()
        assert (stats.unackable, len(hooked), stats.stopped_by) == (1, 1, "stop()")
        assert 3 <= stats.requests <= 60  # backed off to 0.05 s: about 12 polls in 0.5 s
        again = kimono.tasks.run(lambda t: None, stop_when_empty=True)
    assert (again.unackable, again.stopped_by, again.requests) == (1, "stalled", 1)


def test_the_typed_consumer_options_are_the_consumer_s_own() -> None:
    """ConsumerOptions (what tasks.run/consumer/run_tenants type-check their options
    against) names exactly the keyword arguments of TaskConsumer, with the same types."""
    import inspect

    from kimono_interop import TaskConsumer
    from kimono_interop._types import ConsumerOptions

    parameters = inspect.signature(TaskConsumer.__init__).parameters
    keywords = {n for n, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(ConsumerOptions.__annotations__) == keywords

    def text(annotation: object) -> str:  # postponed annotations: compare their text
        return str(getattr(annotation, "__forward_arg__", annotation))

    declared = {k: text(v) for k, v in ConsumerOptions.__annotations__.items()}
    assert declared == {k: text(parameters[k].annotation) for k in keywords}


def test_a_second_signal_while_the_acks_are_in_flight_lets_them_go_out() -> None:
    """SIGINT during the fourth task, then SIGINT again while the batch's ack request is
    on its way: the request is not cut short, the run returns "interrupted" with the
    handled tasks acknowledged (it used to raise out of run() with none sent)."""
    tasks = [make_task(n) for n in range(10)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    handled: list[str] = []

    def handler(task: TaskView) -> None:
        handled.append(task.id or "")
        if len(handled) == 4:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)

    def transport(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            os.kill(os.getpid(), signal.SIGINT)  # the second: the ack is in flight
            time.sleep(0.05)
        return serve(request)

    with _client(transport) as kimono:
        try:
            stats = kimono.tasks.run(handler)
        except KeyboardInterrupt:  # what a second signal raised from the ack request
            pytest.fail("the second signal cut the acks short and raised out of run()")
    assert stats.stopped_by == "interrupted"
    assert handled == task_ids(tasks[:4])
    assert [a["task_id"] for a in queue.acks] == handled
    assert stats.acknowledged == 4


def test_a_flush_while_the_consumer_sends_its_acks_sends_nothing_twice() -> None:
    """flush() (as run_tenants calls it on a second signal) from another thread while the
    consumer's own ack request is in flight: the acks go out once, and none is reported
    refused (the flush used to send them again, and a 404 then made them "refused")."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()
    in_flight, flushed = threading.Event(), threading.Event()
    puts: list[int] = []

    def transport(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            puts.append(
                len(json.loads(request.content)) if request.url.path.endswith("/tasks/ack") else 1
            )
            if len(puts) == 1:
                in_flight.set()
                flushed.wait(5)
        return serve(request)

    with _client(transport) as kimono:
        consumer = kimono.tasks.consumer(lambda t: None, stop_when_empty=True)
        runs: list[Any] = []
        worker = threading.Thread(target=lambda: runs.append(consumer.run()))
        worker.start()
        assert in_flight.wait(5)
        consumer.flush()
        flushed.set()
        worker.join(10)
    (stats,) = runs
    assert puts == [3]
    assert [a["task_id"] for a in queue.acks] == task_ids(tasks)
    assert (stats.acknowledged, stats.ack_failures) == (3, {})


def test_a_third_signal_ends_a_run_whose_acks_hang() -> None:
    """The acks go out after a second signal, but one that hangs (a 35 s read timeout,
    retries) must not make the process deaf: a third signal ends the run at once."""
    tasks = [make_task(n) for n in range(3)]
    queue = FakeQueue(tasks)
    serve = queue.mock_handler()

    def handler(task: TaskView) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the first: stop after this task
        time.sleep(0.01)

    def transport(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            os.kill(os.getpid(), signal.SIGINT)  # the second: the acks still go
            time.sleep(0.01)
            os.kill(os.getpid(), signal.SIGTERM)  # the third: now
            for _ in range(500):  # an answer 5 s away
                time.sleep(0.01)
        return serve(request)

    started = time.monotonic()
    with _client(transport) as kimono:
        try:
            stats = kimono.tasks.run(handler)
        except KeyboardInterrupt:
            pytest.fail("the third signal raised out of run()")
    assert time.monotonic() - started < 3
    assert stats.stopped_by == "interrupted" and queue.acks == []


def test_a_second_signal_out_of_a_handler_does_not_drop_the_acks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A second signal while the batch's acks are being put together (out of any
    handler): they still go out; it used to raise there, and none was sent."""
    from kimono_interop._task_view import Outcome

    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    as_json = Outcome.as_json
    signalled: list[bool] = []

    def signalling_as_json(self: Outcome) -> dict[str, Any]:
        if not signalled:
            signalled.append(True)
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.01)
        return as_json(self)

    monkeypatch.setattr(Outcome, "as_json", signalling_as_json)
    handled: list[str] = []

    def handler(task: TaskView) -> None:
        handled.append(task.id or "")
        if len(handled) == 3:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.01)

    with queue_client(KimonoClient, queue) as kimono:
        stats = kimono.tasks.run(handler)
    assert signalled and stats.stopped_by == "interrupted"
    assert [a["task_id"] for a in queue.acks] == handled == task_ids(tasks[:3])
    assert stats.left_unacknowledged == 2


def test_a_second_signal_leaves_the_tenants_that_had_ended_as_they_ended() -> None:
    """run_tenants, told twice to stop while one tenant's handler is stuck: that tenant
    ends "interrupted", and one that had drained keeps "empty" (it was overwritten)."""
    done, stuck = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    queues = {t: FakeQueue([make_task(n, tenant=t) for n in range(3)]) for t in (done, stuck)}

    release = threading.Event()
    results: dict[str, Any] = {}

    def handler(tenant: Any, task: TaskView) -> None:
        if str(tenant.id) == stuck:
            release.wait(5)  # stuck until the test is done

    def signals() -> None:
        deadline = time.monotonic() + 5
        while len(queues[done].acks) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the drained tenant's consumer has returned "empty"
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGINT)

    sender = threading.Thread(target=signals, daemon=True)
    with _client(_tenants_transport([done, stuck], queues), "vendor") as kimono:
        sender.start()
        try:
            results = kimono.tasks.run_tenants(handler, stop_when_empty=True)
        finally:
            release.set()
            sender.join(5)
    assert results[done].stopped_by == "empty"  # type: ignore[union-attr]
    assert results[stuck].stopped_by == "interrupted"  # type: ignore[union-attr]


def _tenants_transport(tenants: list[str], queues: dict[str, FakeQueue]) -> httpx.MockTransport:
    """GET /tenants lists ``tenants``; each acts on its own queue (its token is its id)."""
    listed = [
        {"id": t, "auth": {"type": "oauth2", "client_id": t, "client_secret": "s"}} for t in tenants
    ]

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/interop/tenants":
            return httpx.Response(200, json={"data": listed, "paging": {"next": None}})
        if request.url.path == "/oauth/token":
            client_id = dict(p.split("=") for p in request.content.decode().split("&"))["client_id"]
            return httpx.Response(200, json={"access_token": client_id, "expires_in": 3600})
        token = request.headers["authorization"].removeprefix("Bearer ")
        return queues[token].mock_handler()(request)

    return httpx.MockTransport(transport)


def test_run_tenants_told_twice_to_stop_waits_for_the_acks_on_their_way() -> None:
    """The second signal lands while a tenant's thread sends its acks: run_tenants
    returns once they are through (they were taken from what its flush sends, and the
    thread, a daemon, died with the process)."""
    tenant = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queue = FakeQueue([make_task(n, tenant=tenant) for n in range(3)])
    serve = queue.mock_handler()

    def slow_acks(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            os.kill(os.getpid(), signal.SIGINT)  # the second, during the acks
            time.sleep(0.5)
        return serve(request)

    queues = {tenant: FakeQueue([])}
    queues[tenant].mock_handler = lambda: slow_acks  # type: ignore[method-assign]
    handled: list[str] = []

    def handler(tenant_info: Any, task: TaskView) -> None:
        handled.append(task.id or "")
        os.kill(os.getpid(), signal.SIGINT)  # the first: stop after this task
        time.sleep(0.01)

    with _client(_tenants_transport([tenant], queues), "vendor") as kimono:
        results = kimono.tasks.run_tenants(handler, stop_when_empty=True)
        acked = [a["task_id"] for a in queue.acks]  # at once, as the process would exit
    assert acked == handled and len(handled) == 1
    assert results[tenant].stopped_by == "interrupted"  # type: ignore[union-attr]


@pytest.mark.parametrize("third", [signal.SIGINT, signal.SIGTERM])
def test_a_third_signal_ends_run_tenants_waiting_for_acks_that_hang(third: int) -> None:
    """Told twice to stop, run_tenants waits for the acks on their way; when they hang,
    a third signal ends the wait and run_tenants returns its results (the wait ran
    after the run's signal handlers were put back: the third signal raised out of it,
    or killed the process)."""
    tenant = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queue = FakeQueue([make_task(n, tenant=tenant) for n in range(3)])
    serve = queue.mock_handler()
    answered = threading.Event()

    def hanging_acks(request: httpx.Request) -> httpx.Response:
        if request.method == "PUT":
            os.kill(os.getpid(), signal.SIGINT)  # the second, during the acks
            threading.Timer(0.3, os.kill, (os.getpid(), third)).start()
            for _ in range(1000):  # an answer 10 s away
                time.sleep(0.01)
            answered.set()
        return serve(request)

    queues = {tenant: FakeQueue([])}
    queues[tenant].mock_handler = lambda: hanging_acks  # type: ignore[method-assign]

    def handler(tenant_info: Any, task: TaskView) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # the first: stop after this task
        time.sleep(0.01)

    with _client(_tenants_transport([tenant], queues), "vendor") as kimono:
        try:
            results = kimono.tasks.run_tenants(handler, stop_when_empty=True)
        except KeyboardInterrupt:
            pytest.fail("the third signal raised out of run_tenants()")
    assert not answered.is_set()  # it returned while the acks still hung
    assert results[tenant].stopped_by == "interrupted"  # type: ignore[union-attr]


def test_run_tenants_told_twice_to_stop_while_starting_its_threads_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both signals land while the tenants' threads are being started (slow here, as with
    many tenants): the run ends at once, where it waited for the stuck handler, and the
    tenant whose thread never started has a result too."""
    one, two = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb"
    queues = {t: FakeQueue([make_task(n, tenant=t) for n in range(2)]) for t in (one, two)}
    start = threading.Thread.start

    def slow_start(self: threading.Thread) -> None:
        if self.name == "kimono-1":
            time.sleep(0.6)  # the signals land here: tenant two never starts
        start(self)

    monkeypatch.setattr(threading.Thread, "start", slow_start)
    release, unstuck = threading.Event(), threading.Event()

    def handler(tenant_info: Any, task: TaskView) -> None:
        if str(tenant_info.id) == one:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGINT)
            release.wait(4)  # stuck
            unstuck.set()

    with _client(_tenants_transport([one, two], queues), "vendor") as kimono:
        try:
            results = kimono.tasks.run_tenants(handler, stop_when_empty=True)
            ended_while_stuck = not unstuck.is_set()
        finally:
            release.set()
    assert ended_while_stuck
    assert results[one].stopped_by == "interrupted"  # type: ignore[union-attr]
    # every tenant listed has a result, the one that never started too
    assert results[two].stopped_by == "interrupted"  # type: ignore[union-attr]


def test_run_tenants_told_twice_to_stop_while_listing_ends_and_says_so() -> None:
    """Both signals land while GET /tenants hangs: the second ends the listing (it waited
    for the answer, deaf to signals), no queue is consumed, and the handle's
    ``stopped_by`` says the run was interrupted, not that the account has no tenants."""
    tenant = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    queues = {tenant: FakeQueue([make_task(n, tenant=tenant) for n in range(2)])}
    listing = _tenants_transport([tenant], queues).handler
    answered = threading.Event()

    def hanging_listing(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v2/interop/tenants":
            os.kill(os.getpid(), signal.SIGINT)
            threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM)).start()
            for _ in range(1000):  # an answer 10 s away
                time.sleep(0.01)
            answered.set()
        return listing(request)  # type: ignore[no-any-return]

    with _client(httpx.MockTransport(hanging_listing), "vendor") as kimono:
        consumer = kimono.tasks.tenants_consumer(lambda t, task: None, stop_when_empty=True)
        results = consumer.run()
    assert not answered.is_set()  # it returned while the listing still hung
    assert results == {} and consumer.stopped_by == "interrupted"
    assert queues[tenant].acks == [] and len(queues[tenant].pending) == 2


def test_interrupt_from_another_thread_ends_the_acks_retried_after_a_stop() -> None:
    """The sync twin of the async test: after a stop the acks are retried through an
    outage, and interrupt() from another thread ends that wait (looked at every tenth of
    a second), the acks unsent."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 10_000
    with queue_client(KimonoClient, queue, retries=0) as kimono:
        consumer = kimono.tasks.consumer(
            lambda task: consumer.stop("SIGTERM"),
            poll_interval=0.05,
            max_poll_interval=0.05,
            handle_signals=False,
        )

        def interrupt() -> None:
            deadline = time.monotonic() + 10
            while sum(1 for m, _ in queue.requests if m == "PUT") < 3:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            consumer.interrupt()

        helper = threading.Thread(target=interrupt, daemon=True)
        helper.start()
        with pytest.raises(AckError) as raised:
            consumer.run()
        helper.join(10)
    assert raised.value.task_ids == task_ids(tasks[:1])
    assert (consumer.stats.handled, consumer.stats.acknowledged, queue.acks) == (1, 0, [])


def test_a_keyboard_interrupt_out_of_a_handler_ends_the_run_as_itself() -> None:
    """A handler raises KeyboardInterrupt (Ctrl-C, handle_signals=False) while the ack
    endpoint is down: the acks of the tasks handled are tried once, and the run ends
    with the KeyboardInterrupt. It retried them for ever, or ended with the AckError
    in its place."""
    tasks = [make_task(n) for n in range(5)]
    queue = FakeQueue(tasks)
    queue.fail_acks = 10_000
    handled: list[str] = []

    def handle(task: TaskView) -> None:
        if len(handled) == 2:
            raise KeyboardInterrupt
        handled.append(str(task.id))

    with queue_client(KimonoClient, queue, retries=0) as kimono:
        consumer = kimono.tasks.consumer(
            handle, poll_interval=0.001, max_poll_interval=0.002, handle_signals=False
        )
        with pytest.raises(KeyboardInterrupt):
            consumer.run()
    assert handled == task_ids(tasks[:2]) and queue.acks == []
    assert sum(1 for method, _ in queue.requests if method == "PUT") == 1
