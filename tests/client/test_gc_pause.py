"""The garbage collector is paused from the decoding of a page to its last model, and its
state is always put back: after an error, when pauses nest, when threads parse at once."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest

from kimono_interop import KimonoClient, TaskView, _json, _parsing
from kimono_interop._exceptions import ResponseValidationError
from kimono_interop._pagination import SyncPager, read_items
from kimono_interop._parsing import gc_paused
from tests.support.fake_queue import FakeQueue, make_task, queue_client

BASE = "https://api.us2.kimonocloud.com/v2/interop/data"
ORIGIN = httpx.URL("https://api.us2.kimonocloud.com")


@pytest.fixture(autouse=True)
def _collector_on() -> Iterator[None]:
    """Each test starts with the collector on, and leaves it on whatever happens."""
    gc.enable()
    yield
    gc.enable()


def pager(body: bytes, parse_item: Callable[[Any], Any] = lambda raw: raw) -> SyncPager[Any]:
    """A pager whose one page answers ``body``."""
    client = httpx.Client(
        base_url=BASE, transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    )

    def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        return client.get(target, params=query)

    return SyncPager(
        fetch=fetch, path="/rostering/persons", params={}, parse_item=parse_item, origin=ORIGIN
    )


def recording_loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record, for each body the SDK decodes, whether the collector was on meanwhile."""
    states: list[bool] = []
    loads = _json.loads

    def spy(data: bytes | str) -> Any:
        states.append(gc.isenabled())
        return loads(data)

    monkeypatch.setattr(_json, "loads", spy)
    return states


def test_a_page_is_decoded_and_built_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The JSON decoding of a page runs paused too, not only the models; on again after."""
    decoding = recording_loads(monkeypatch)
    building: list[bool] = []

    def parse(raw: Any) -> Any:
        building.append(gc.isenabled())
        return raw

    assert list(pager(b'{"data": [{"n": 1}, {"n": 2}], "paging": {}}', parse)) == [
        {"n": 1},
        {"n": 2},
    ]
    assert (decoding, building) == ([False], [False, False])
    assert gc.isenabled()


def test_a_batch_of_tasks_is_decoded_and_viewed_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """GET /tasks: decoded paused (receive and next_batch), the collector on again after."""
    decoding = recording_loads(monkeypatch)
    queue = FakeQueue([make_task(n) for n in range(3)])
    with queue_client(KimonoClient, queue) as kimono:
        assert len(kimono.tasks.receive()) == 3
        assert len(kimono.tasks.next_batch()) == 3
    assert decoding[-2:] == [False, False]
    assert gc.isenabled()


@pytest.mark.parametrize("enabled", [True, False], ids=["on", "off"])
@pytest.mark.parametrize(
    "body", [b'{"data": [1', b"\xff", b'{"nodata": []}'], ids=["truncated", "not UTF-8", "no data"]
)
def test_a_page_that_cannot_be_read_leaves_the_collector_as_it_was(
    body: bytes, enabled: bool
) -> None:
    """On after an error if it was on; off if the caller had turned it off."""
    if not enabled:
        gc.disable()
    with pytest.raises(ResponseValidationError):
        list(pager(body))
    assert gc.isenabled() is enabled


def test_an_exception_out_of_a_model_leaves_the_collector_on() -> None:
    """Even what the pager does not catch (a KeyboardInterrupt while a model is built)."""

    def parse(raw: Any) -> Any:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(pager(b'{"data": [{"n": 1}]}', parse))
    assert gc.isenabled()


def test_nested_pauses_are_one_pause() -> None:
    """The inner block's end does not turn the collector on while the outer one runs."""
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_two_threads_parsing_at_once_leave_the_collector_on() -> None:
    """Thread A is mid-page while B parses a whole page: B's end does not turn the collector
    on under A (nor does either leave it off); after both, it is on."""
    inside, release = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def slow(raw: Any) -> Any:
        inside.set()
        assert release.wait(10)
        return raw

    thread = threading.Thread(target=read_items, args=([{"n": 1}], slow, 0))
    thread.start()
    try:
        assert inside.wait(10)
        items, _ = read_items([{"n": 2}], lambda raw: raw, 0)  # B: a whole page, meanwhile
        seen["after B"] = gc.isenabled()
    finally:
        release.set()
        thread.join(10)
    assert (items, seen["after B"], gc.isenabled()) == ([{"n": 2}], False, True)


def test_the_first_thread_to_finish_does_not_turn_the_collector_on_under_another() -> None:
    """A starts a page, B starts one, A ends first: B's page goes on paused to its end."""
    a_inside, a_may_end = threading.Event(), threading.Event()

    def a_parse(raw: Any) -> Any:
        a_inside.set()
        assert a_may_end.wait(10)
        return raw

    a = threading.Thread(target=read_items, args=([{"n": 1}], a_parse, 0))
    a.start()
    assert a_inside.wait(10)
    states: list[bool] = []

    def b_parse(raw: Any) -> Any:
        a_may_end.set()
        a.join(10)  # A has left its pause; B is still inside its own
        states.append(gc.isenabled())
        return raw

    try:
        read_items([{"n": 2}], b_parse, 0)
    finally:
        a_may_end.set()
        a.join(10)
    assert (states, gc.isenabled()) == ([False], True)


def test_many_threads_parsing_pages_at_once_leave_the_collector_on() -> None:
    """Eight threads, each walking pages of task views, in every interleaving they fall into."""
    raw = [make_task(n) for n in range(50)]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(50):
                with gc_paused():
                    [TaskView.from_raw(item) for item in raw]
                read_items(raw, lambda item: item, 0)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (errors, gc.isenabled()) == ([], True)


def test_a_fork_in_the_middle_of_a_pause_leaves_the_child_collecting() -> None:
    """The thread inside the pause is not in a forked child: the child turns it back on."""
    pause = _parsing._GCPause()
    pause.enter()
    assert not gc.isenabled()
    pause._after_fork()  # what the child runs right after the fork
    assert (gc.isenabled(), pause.depth) == (True, 0)
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
