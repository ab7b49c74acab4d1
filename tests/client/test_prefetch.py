"""The async pager's look-ahead (``prefetch``): pages fetched ahead never change the walk.

The walk itself, the same for both pagers, is tested in ``_async/test_pagination.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from kimono_interop._exceptions import NotFoundError, ResponseValidationError, UnsafeRedirectError
from kimono_interop._pagination import AsyncPager

BASE = "https://api.us2.kimonocloud.com/v2/interop/data"
ORIGIN = httpx.URL("https://api.us2.kimonocloud.com")
PATH = "/rostering/persons"


class Service:
    """A paged list over a mock transport that records requests and concurrency."""

    def __init__(
        self,
        total: int,
        size: int,
        *,
        delay: float = 0.0,
        link: Callable[[int, int], str | None] | None = None,
    ) -> None:
        self.total, self.size, self.delay = total, size, delay
        self.link = link or (lambda page, size: f"{BASE}{PATH}?page={page}&page_size={size}")
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        page = int(request.url.params.get("page", "0"))
        start = page * self.size
        if start > self.total:
            return httpx.Response(404, json={"code": "not_found", "message": "past the end"})
        data = [{"n": n} for n in range(start, min(start + self.size, self.total))]
        more = start + self.size < self.total
        nxt = self.link(page + 1, self.size) if more else None
        return httpx.Response(200, json={"data": data, "paging": {"next": nxt}})

    def pager(self, params: Mapping[str, Any] | None = None) -> AsyncPager[Any]:
        client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(self.handle))

        async def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
            response = await client.get(target, params=query)
            if response.status_code == 404:
                raise NotFoundError(response)
            return response

        return AsyncPager(
            fetch=fetch,
            path=PATH,
            params=params if params is not None else {"page_size": self.size},
            parse_item=lambda raw: raw,
            origin=ORIGIN,
        )


async def _collect(pager: AsyncPager[Any]) -> list[int]:
    return [item["n"] async for item in pager]


@pytest.mark.parametrize("prefetch", [0, 1, 4])
@pytest.mark.parametrize(("total", "size"), [(0, 10), (1, 10), (10, 10), (95, 10)])
def test_every_item_once_in_order(prefetch: int, total: int, size: int) -> None:
    """0, 1, exactly-full and many pages: the same items in the same order, with or without
    look-ahead, and no page requested that the walk did not need beyond the look-ahead."""
    service = Service(total, size)
    items = asyncio.run(_collect(service.pager().prefetch(prefetch)))
    assert items == list(range(total))
    pages_needed = max(1, -(-total // size))
    fetched_pages = {int(r.url.params.get("page", "0")) for r in service.requests}
    assert set(range(pages_needed)) <= fetched_pages
    assert len(service.requests) <= pages_needed + prefetch


@pytest.mark.parametrize("order", ["resume-then-prefetch", "prefetch-then-resume"])
def test_a_resumed_walk_looks_ahead_from_where_it_resumes(order: str) -> None:
    """Resumed at page 4's link, with look-ahead either way round: the items from page 4
    on, once, in order, no page before it asked for, and three requests at once."""
    service = Service(95, 10, delay=0.01)
    checkpoint = f"{BASE}{PATH}?page=4&page_size=10"
    pager = service.pager()
    walk = (
        pager.resume(checkpoint).prefetch(3)
        if order == "resume-then-prefetch"
        else pager.prefetch(3).resume(checkpoint)
    )
    assert asyncio.run(_collect(walk)) == list(range(40, 95))
    assert min(int(r.url.params["page"]) for r in service.requests) == 4
    assert service.max_in_flight == 3


def _gap(page: int, size: int) -> str:
    """Page 2 links to page 4: the look-ahead's prediction of page 3 is wrong."""
    return f"{BASE}{PATH}?page={4 if page == 3 else page}&page_size={size}"


async def _pages(pager: AsyncPager[Any]) -> list[tuple[int, list[int], Any]]:
    """Each page's number, items and checkpoint."""
    return [(p.number, [i["n"] for i in p.items], p.checkpoint) async for p in pager.pages()]


@pytest.mark.parametrize("link", [None, _gap], ids=["numbered-links", "wrong-prediction"])
def test_look_ahead_gives_the_checkpoints_of_the_sequential_walk(
    link: Callable[[int, int], str] | None,
) -> None:
    """Page by page, the same numbers, items and checkpoints (with the caller's filter,
    which the service's links drop) with look-ahead as without; and a walk resumed at any
    page's checkpoint, with look-ahead, yields exactly the items of the pages after it."""
    params = {"page_size": 10, "tenant_id": "t"}

    def walk(prefetch: int, checkpoint: Any = None) -> list[tuple[int, list[int], Any]]:
        pager = Service(60, 10, link=link).pager(params)
        if checkpoint is not None:
            pager = pager.resume(checkpoint)
        return asyncio.run(_pages(pager.prefetch(prefetch)))

    sequential = walk(0)
    assert walk(1) == sequential
    assert walk(3) == sequential
    assert all(httpx.URL(cp).params["tenant_id"] == "t" for _, _, cp in sequential[:-1])
    assert sequential[-1][2] is None
    for done, (_, _, checkpoint) in enumerate(sequential[:-1], start=1):
        # Numbers aside: a resumed walk numbers its pages from its link's `page`.
        rest = [(items, cp) for _, items, cp in walk(3, checkpoint)]
        assert rest == [(items, cp) for _, items, cp in sequential[done:]]


def test_look_ahead_fetches_pages_concurrently_and_is_faster() -> None:
    """With 8 pages ahead, up to 8 requests are in flight at once (sequential: 1)."""
    sequential, ahead = Service(400, 10, delay=0.02), Service(400, 10, delay=0.02)
    assert asyncio.run(_collect(sequential.pager())) == list(range(400))
    assert asyncio.run(_collect(ahead.pager().prefetch(8))) == list(range(400))
    assert sequential.max_in_flight == 1
    assert ahead.max_in_flight == 8


def test_look_ahead_falls_back_when_links_do_not_number_pages() -> None:
    """Links that are not `page=N` (e.g. cursors) are followed one by one, still correct."""
    cursors = Service(35, 10, link=lambda page, size: f"{BASE}{PATH}?cursor=c{page}&page={page}x")

    async def handle(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("cursor", "c0")[1:]
        rewritten = request.url.copy_set_param("page", page)
        return await Service.handle(cursors, request.__class__("GET", rewritten))

    client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handle))

    async def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        return await client.get(target, params=query)

    pager: AsyncPager[Any] = AsyncPager(
        fetch=fetch, path=PATH, params={}, parse_item=lambda raw: raw, origin=ORIGIN
    )
    assert asyncio.run(_collect(pager.prefetch(4))) == list(range(35))
    assert cursors.max_in_flight == 1


def test_look_ahead_discards_a_wrong_prediction() -> None:
    """If the service's next link is not the predicted page, the prefetched pages are
    dropped and the real link is followed: items are those of the sequential walk."""

    def link(page: int, size: int) -> str:
        # page 2 links to page 4 (a gap): predictions for page 3 must be thrown away.
        return f"{BASE}{PATH}?page={4 if page == 3 else page}&page_size={size}"

    sequential = Service(60, 10, link=link)
    expected = asyncio.run(_collect(sequential.pager()))
    assert expected == [*range(0, 30), *range(40, 60)]
    ahead = Service(60, 10, link=link)
    assert asyncio.run(_collect(ahead.pager().prefetch(3))) == expected


def test_error_on_a_needed_page_surfaces_and_past_the_end_errors_do_not() -> None:
    """A 404 for a page fetched ahead past the last one is ignored; the walk ends normally."""
    service = Service(25, 10)  # pages 0..2; page 3 is past the end and answers 404
    assert asyncio.run(_collect(service.pager().prefetch(6))) == list(range(25))

    failing = Service(50, 10)
    original = failing.handle

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "2":
            return httpx.Response(404, json={"code": "gone"})
        return await original(request)

    failing.handle = handle  # type: ignore[method-assign]
    seen: list[int] = []

    async def consume() -> None:
        async for item in failing.pager().prefetch(3):
            seen.append(item["n"])

    with pytest.raises(NotFoundError):
        asyncio.run(consume())
    assert seen == list(range(20))


def test_cross_origin_link_is_refused_after_yielding_the_page() -> None:
    """With look-ahead too, a link to another origin ends the walk after the page's items,
    and no request is sent there (nor fetched ahead there)."""
    service = Service(30, 10, link=lambda page, size: f"https://evil.example{PATH}?page={page}")
    seen: list[int] = []

    async def consume() -> None:
        async for item in service.pager().prefetch(2):
            seen.append(item["n"])

    with pytest.raises(UnsafeRedirectError):
        asyncio.run(consume())
    assert seen == list(range(10))
    assert all(r.url.host == "api.us2.kimonocloud.com" for r in service.requests)


def test_breaking_early_cancels_pages_in_flight() -> None:
    """Leaving the loop early leaves no fetch running."""
    service = Service(1000, 10, delay=0.01)

    async def first_fifteen() -> list[int]:
        got: list[int] = []
        pages = service.pager().prefetch(5).pages()
        async for page in pages:
            got.extend(item["n"] for item in page.items)
            if len(got) >= 15:
                break
        await pages.aclose()  # type: ignore[attr-defined]
        return got

    assert asyncio.run(first_fifteen()) == list(range(20))
    assert service.in_flight == 0
    assert len(service.requests) <= 2 + 5


def test_a_walk_that_ends_has_no_fetch_left_running() -> None:
    """The look-ahead guesses pages past the last one; when the walk returns (at the end,
    or after a wrong guess) those guesses have already ended, so a walk never holds more
    than prefetch + 1 requests, even when the next walk starts at once."""

    class SlowPastTheEnd(Service):
        async def handle(self, request: httpx.Request) -> httpx.Response:
            if int(request.url.params.get("page", "0")) >= 10:  # guesses past page 9
                self.delay = 0.5
            return await super().handle(request)

    service = SlowPastTheEnd(95, 10, delay=0.02)
    seen_after: list[int] = []

    async def two_walks() -> None:
        for _ in range(2):
            assert await _collect(service.pager().prefetch(4)) == list(range(95))
            seen_after.append(service.in_flight)  # no asyncio.sleep: nothing may be pending
            service.delay = 0.02

    asyncio.run(two_walks())
    assert seen_after == [0, 0]
    assert service.max_in_flight <= 4 + 1


def test_as_dicts_and_prefetch_validation() -> None:
    """as_dicts() keeps the look-ahead; a prefetch that is not an int from 0 to 64 is refused."""
    service = Service(5, 2)
    assert asyncio.run(_collect(service.pager().as_dicts().prefetch(2))) == list(range(5))
    for bad in (-1, 65, 1.5, True):
        with pytest.raises(ValueError, match="prefetch"):
            service.pager().prefetch(bad)  # type: ignore[arg-type]


def test_malformed_page_raises() -> None:
    """A page that is not JSON raises ResponseValidationError with look-ahead on, too."""

    async def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<html>busy</html>")

    client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handle))

    async def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        return await client.get(target, params=query)

    pager: AsyncPager[Any] = AsyncPager(
        fetch=fetch, path=PATH, params={}, parse_item=lambda raw: raw, origin=ORIGIN
    )
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        asyncio.run(_collect(pager.prefetch(2)))


class Uneven(Service):
    """Pages answer out of order: each page's delay is given by ``delays`` (page -> s)."""

    def __init__(self, total: int, size: int, delays: Callable[[int], float]) -> None:
        super().__init__(total, size)
        self.delays = delays
        self.answered: list[int] = []  # page numbers, in the order their answers came

    async def handle(self, request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        self.delay = self.delays(page)
        response = await super().handle(request)
        self.answered.append(page)
        return response


def test_pages_that_answer_out_of_order_are_yielded_in_order() -> None:
    """Later pages answering first (odd pages fast, even ones slow, and page 0 slowest)
    change nothing: every item once, in order; the answers did come out of order."""
    service = Uneven(200, 10, lambda page: 0.05 if page == 0 else 0.02 * (1 - page % 2))
    pager = service.pager({"page": 0, "page_size": 10})
    assert asyncio.run(_collect(pager.prefetch(4))) == list(range(200))
    assert service.answered != sorted(service.answered)


def test_the_first_pages_are_asked_for_at_once_when_the_walk_numbers_them() -> None:
    """A walk whose first request names its `page` (as every SDK list does) asks for the
    first `prefetch` pages at once, before the first answer; without it (a service whose
    paging is unknown yet) the first page goes alone."""
    numbered = Uneven(95, 10, lambda page: 0.05 if page == 0 else 0.0)
    assert asyncio.run(_collect(numbered.pager({"page": 0, "page_size": 10}).prefetch(4))) == list(
        range(95)
    )
    assert numbered.answered[:3] == [1, 2, 3]  # fetched while page 0 was still on its way
    unnumbered = Uneven(95, 10, lambda page: 0.05 if page == 0 else 0.0)
    assert asyncio.run(_collect(unnumbered.pager().prefetch(4))) == list(range(95))
    assert unnumbered.answered[0] == 0


def test_pages_in_memory_never_exceed_prefetch_plus_one() -> None:
    """However slow the caller and fast the service, no page past the one in hand plus
    `prefetch` is asked for: at most prefetch + 1 pages are held, and at most prefetch
    requests are in flight."""
    service = Uneven(300, 10, lambda page: 0.001 * (page % 3))
    worst: list[int] = []

    async def slow_reader() -> list[int]:
        got: list[int] = []
        async for page in service.pager({"page": 0, "page_size": 10}).prefetch(3).pages():
            await asyncio.sleep(0.01)  # the service has time to answer everything asked
            answered_ahead = {n for n in service.answered if n > page.number}
            worst.append(len(answered_ahead))
            assert max(int(r.url.params["page"]) for r in service.requests) <= page.number + 3
            got.extend(item["n"] for item in page.items)
        return got

    assert asyncio.run(slow_reader()) == list(range(300))
    assert max(worst) == 3  # held: the page in hand and 3 ahead
    assert service.max_in_flight <= 3


def _strict_run(main: Callable[[], Any]) -> list[dict[str, Any]]:
    """Run ``main()`` on a fresh loop; what the loop reported (e.g. "Task was destroyed
    but it is pending", an exception nobody retrieved)."""
    reports: list[dict[str, Any]] = []

    async def wrapped() -> Any:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: reports.append(ctx))
        await main()
        assert asyncio.all_tasks() == {asyncio.current_task()}  # nothing left running

    asyncio.run(wrapped())
    import gc

    gc.collect()
    return reports


@pytest.mark.parametrize("how", ["break", "aclose", "items-aclose", "cancel"])
def test_leaving_early_ends_every_fetch_ahead(how: str) -> None:
    """Breaking out of `async for` (the generator is closed when collected), closing it, or
    cancelling the task that walks: every fetch ahead has ended, no task is left pending,
    and the loop reports nothing."""
    service = Uneven(1000, 10, lambda page: 0.01 + 0.005 * (page % 4))

    async def main() -> None:
        pager = service.pager({"page": 0, "page_size": 10}).prefetch(6)
        if how == "break":
            async for item in pager:
                if item["n"] == 25:
                    break
            await asyncio.sleep(0.05)  # asyncio closes the abandoned generator in a task
        elif how == "items-aclose":
            # closing the item iterator closes the page walk at once: no sleep needed
            items = aiter(pager)
            while (await anext(items))["n"] < 25:
                pass
            await items.aclose()  # type: ignore[attr-defined]
        elif how == "aclose":
            pages = pager.pages()
            async for _ in pages:
                break
            await pages.aclose()  # type: ignore[attr-defined]
        else:
            walking = asyncio.ensure_future(_collect(pager))
            await asyncio.sleep(0.03)
            walking.cancel()
            with pytest.raises(asyncio.CancelledError):
                await walking
        assert service.in_flight == 0

    assert _strict_run(main) == []
    if how != "cancel":  # pages 0-2 taken at most: nothing past page 2 + 6 asked for
        assert len(service.requests) <= 3 + 6


def test_an_error_mid_walk_is_raised_after_the_pages_before_it() -> None:
    """Page 3 fails at once while pages 0-2 are still on their way: the items of pages
    0-2 come first, then the error; nothing after page 3 is asked for once it failed,
    and no fetch is left running."""
    service = Uneven(200, 10, lambda page: 0.0 if page == 3 else 0.03)
    original = service.handle

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page") == "3":
            service.requests.append(request)
            return httpx.Response(404, json={"code": "gone"})
        return await original(request)

    service.handle = handle  # type: ignore[method-assign]
    seen: list[int] = []

    async def main() -> None:
        with pytest.raises(NotFoundError):
            async for item in service.pager({"page": 0, "page_size": 10}).prefetch(5):
                seen.append(item["n"])
        assert service.in_flight == 0

    assert _strict_run(main) == []
    assert seen == list(range(30))
    assert max(int(r.url.params["page"]) for r in service.requests) <= 3 + 5


def test_pages_asked_for_by_number_are_dropped_when_the_links_are_cursors() -> None:
    """The first pages are asked for by number at once; when the first page's link turns
    out to be a cursor, those answers are not used (they went to other URLs): the walk
    follows the links one by one and yields the items of the sequential walk."""
    cursors = Service(35, 10, link=lambda page, size: f"{BASE}{PATH}?cursor=c{page}")

    async def handle(request: httpx.Request) -> httpx.Response:
        page = request.url.params.get("cursor", "c0")[1:]
        rewritten = request.url.copy_set_param("page", page)
        return await Service.handle(cursors, request.__class__("GET", rewritten))

    client = httpx.AsyncClient(base_url=BASE, transport=httpx.MockTransport(handle))

    async def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        return await client.get(target, params=query)

    pager: AsyncPager[Any] = AsyncPager(
        fetch=fetch, path=PATH, params={"page": 0}, parse_item=lambda raw: raw, origin=ORIGIN
    )
    assert asyncio.run(_collect(pager.prefetch(4))) == list(range(35))
    cursor_requests = [r for r in cursors.requests if "cursor" in r.url.params]
    assert [r.url.params["cursor"] for r in cursor_requests] == ["c1", "c2", "c3"]


@pytest.mark.parametrize("prefetch", [0, 1, 3])
def test_answers_alive_never_exceed_prefetch_plus_one(prefetch: int) -> None:
    """A reader that lets each page go once read: when the next answer arrives, the
    answers still alive (those fetched ahead and the new one) are at most prefetch + 1.
    The page just yielded stayed bound in the look-ahead loop, and every walk kept the
    last answer for an error it might never raise: one more."""
    import gc
    import weakref

    service = Uneven(200, 10, lambda page: 0.002 * (page % 3))
    alive: weakref.WeakSet[httpx.Response] = weakref.WeakSet()
    worst = [0]
    pager = service.pager({"page": 0, "page_size": 10})
    fetch = pager._fetch

    async def counting(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        response = await fetch(target, query)
        alive.add(response)
        gc.collect()  # what only cycles keep is not held
        worst[0] = max(worst[0], len(alive))
        return response

    pager._fetch = counting

    async def walk() -> int:
        count = 0
        walked = pager.prefetch(prefetch) if prefetch else pager
        async for page in walked.pages():
            await asyncio.sleep(0.005)
            count += len(page.items)
            del page  # done with it: the walk must not keep it either
        return count

    assert asyncio.run(walk()) == 200
    assert worst[0] <= prefetch + 1
