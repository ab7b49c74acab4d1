# Written by scripts/unasync.py from tests/client/_async/test_pagination.py: edit that file,
# then run `make generate`.
"""The pager yields every item exactly once, in order, and never leaves the origin."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from kimono_interop._exceptions import ResponseValidationError, UnsafeRedirectError
from kimono_interop._pagination import SyncPager

BASE = "https://api.us2.kimonocloud.com/v2/interop/data"
ORIGIN = httpx.URL("https://api.us2.kimonocloud.com")
PATH = "/rostering/persons"


def pager(
    handler: Callable[[httpx.Request], httpx.Response],
    params: Mapping[str, Any] | None = None,
    seen: list[httpx.Request] | None = None,
    parse_item: Callable[[Any], Any] = lambda raw: raw,
) -> SyncPager[Any]:
    """A pager of ``GET PATH`` over ``handler``, recording each request into ``seen``."""

    def recording(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    client = httpx.Client(base_url=BASE, transport=httpx.MockTransport(recording))

    def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
        return client.get(target, params=query)

    return SyncPager(
        fetch=fetch, path=PATH, params=params or {}, parse_item=parse_item, origin=ORIGIN
    )


def collect(items: SyncPager[Any]) -> list[Any]:
    """Every item of the walk."""
    return [item for item in items]


def linked_pages(total: int, size: int) -> Callable[[httpx.Request], httpx.Response]:
    """``total`` items in pages of ``size``, each page linking to the next."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        start = page * size
        data = [{"n": n} for n in range(start, min(start + size, total))]
        more = start + size < total
        nxt = f"{BASE}{PATH}?page={page + 1}&page_size={size}" if more else None
        return httpx.Response(200, json={"data": data, "paging": {"next": nxt}})

    return handler


def endless(data: list[Any]) -> Callable[[httpx.Request], httpx.Response]:
    """Every page answers ``data`` on page 0 and nothing after, with a fresh next link each."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        nxt = f"{BASE}{PATH}?page={page + 1}"
        return httpx.Response(
            200, json={"data": data if page == 0 else [], "paging": {"next": nxt}}
        )

    return handler


@pytest.mark.parametrize(("total", "size", "requests"), [(0, 10, 1), (1, 10, 1), (25, 10, 3)])
def test_follows_next_until_null(total: int, size: int, requests: int) -> None:
    """0, 1 and many pages: every item once, in order, one request per page."""
    seen: list[httpx.Request] = []
    items = collect(pager(linked_pages(total, size), {"page_size": size}, seen))
    assert [item["n"] for item in items] == list(range(total))
    assert len(seen) == requests


def test_no_paging_member_stops_on_short_page() -> None:
    """Without `paging`, the pager asks for page+1 itself and stops on a short page."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        data = [{"n": n} for n in range(page * 2, min(page * 2 + 2, 5))]
        return httpx.Response(200, json={"data": data})

    items = collect(pager(handler, {"page": 0, "page_size": 2}, seen))
    assert [i["n"] for i in items] == [0, 1, 2, 3, 4]
    assert [r.url.params["page"] for r in seen] == ["0", "1", "2"]


def test_filters_persist_when_next_link_drops_them() -> None:
    """page_size and filters given by the caller are on every request."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if "page=1" in str(request.url):
            return httpx.Response(200, json={"data": [{"n": 1}], "paging": {"next": None}})
        nxt = f"{BASE}{PATH}?page=1"
        return httpx.Response(200, json={"data": [{"n": 0}], "paging": {"next": nxt}})

    collect(pager(handler, {"page_size": 1, "tenant_id": "t"}, seen))
    assert [dict(r.url.params) for r in seen] == [
        {"page_size": "1", "tenant_id": "t"},
        {"page": "1", "page_size": "1", "tenant_id": "t"},
    ]


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/v2/interop/data/rostering/persons?page=1",
        "http://api.us2.kimonocloud.com/v2/interop/data/rostering/persons?page=1",
        "https://api.us2.kimonocloud.com:8443/v2/interop/data/rostering/persons?page=1",
    ],
)
def test_cross_origin_next_is_refused(next_url: str) -> None:
    """Another host, scheme or port: UnsafeRedirectError after the page's items, and no
    request goes there."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"n": 0}], "paging": {"next": next_url}})

    got: list[Any] = []
    with pytest.raises(UnsafeRedirectError, match="another origin"):
        for item in pager(handler, {}, seen):
            got.append(item)
    assert got == [{"n": 0}]
    assert len(seen) == 1


def test_next_link_loop_is_detected() -> None:
    """A `next` that points back at the same page stops with an error, not forever."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"n": 0}], "paging": {"next": str(request.url)}})

    with pytest.raises(ResponseValidationError, match="already fetched"):
        collect(pager(handler, {}))


@pytest.mark.parametrize(
    "content", [b"<html>oops</html>", b'{"data": {"n": 1}}', b'{"paging": {}}', b'{"data": [1']
)
def test_malformed_pages_raise_a_clear_error(content: bytes) -> None:
    """A page that is not JSON or has no data array raises ResponseValidationError."""
    with pytest.raises(ResponseValidationError):
        collect(pager(lambda request: httpx.Response(200, content=content)))


def test_pages_give_page_level_control() -> None:
    """pages() yields Page objects with their number and next link; iteration is lazy."""
    seen: list[httpx.Request] = []
    paged = pager(linked_pages(5, 2), {"page_size": 2}, seen)
    assert seen == []
    pages = [page for page in paged.pages()]
    assert [(p.number, len(p.items), p.has_next_page()) for p in pages] == [
        (0, 2, True),
        (1, 2, True),
        (2, 1, False),
    ]


def test_a_page_gives_the_request_id_of_its_response() -> None:
    """``page.request_id`` is the service's id of the request that page answered."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"data": [{"n": 0}], "paging": {"next": None}}
        return httpx.Response(200, json=body, headers={"x-request-id": "req-page-0"})

    pages = [page for page in pager(handler).pages()]
    assert [page.request_id for page in pages] == ["req-page-0"]


def test_no_paging_without_page_size_uses_the_first_page_length() -> None:
    """Without `paging` and without page_size, a page shorter than the first one is the last."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        data = [{"n": n} for n in range(page * 3, min(page * 3 + 3, 7))]
        return httpx.Response(200, json={"data": data})

    assert [i["n"] for i in collect(pager(handler, {}, seen))] == list(range(7))
    assert len(seen) == 3


def test_no_paging_and_the_same_page_forever_stops_with_an_error() -> None:
    """A service that ignores `page` and repeats one full page does not loop forever."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"n": 0}, {"n": 1}]})

    got: list[int] = []
    with pytest.raises(ResponseValidationError, match="same page twice"):
        for item in pager(handler, {"page_size": 2}, seen):
            got.append(item["n"])
    assert got == [0, 1]  # the repeated page is not yielded again
    assert len(seen) == 2


def test_the_cyclic_gc_is_paused_only_while_a_page_is_built() -> None:
    """Parsing pauses the GC for speed and always restores it, also when an item is bad."""
    states: list[bool] = []

    def parse(raw: Any) -> Any:
        states.append(gc.isenabled())
        if raw.get("bad"):
            raise ValueError("bad item")
        return raw

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"n": 0}, {"bad": True}], "paging": {}})

    walk = pager(handler, parse_item=parse)
    assert gc.isenabled()
    with pytest.raises(ResponseValidationError, match="page 0 item 1: ValueError: bad item"):
        collect(walk)
    assert states == [False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        with pytest.raises(ResponseValidationError):
            collect(walk)
        assert not gc.isenabled()  # a caller's choice to keep it off is kept
    finally:
        gc.enable()


def test_absurdly_deep_json_is_a_validation_error_not_a_recursion_error() -> None:
    """A page nested 100,000 deep raises ResponseValidationError, not RecursionError."""
    deep = b'{"data": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(ResponseValidationError, match="not valid JSON"):
        collect(pager(lambda request: httpx.Response(200, content=deep)))


def test_an_empty_page_ends_the_walk_even_with_a_fresh_next_link() -> None:
    """A service answering empty pages with ever-new links is not followed forever."""
    seen: list[httpx.Request] = []
    assert collect(pager(endless([{"n": 0}]), seen=seen)) == [{"n": 0}]
    assert len(seen) == 2


def test_a_walk_whose_pages_hold_nothing_readable_stops_after_ten() -> None:
    """Pages full of items that cannot be read are not walked forever either."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        nxt = f"{BASE}{PATH}?page={page + 1}"
        return httpx.Response(200, json={"data": [None], "paging": {"next": nxt}})

    skipping = pager(handler, seen=seen).as_dicts().on_invalid(lambda item: None)
    with pytest.raises(ResponseValidationError, match="10 pages in a row held no item"):
        collect(skipping)
    assert len(seen) == 10
