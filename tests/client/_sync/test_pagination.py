# Written by scripts/unasync.py from tests/client/_async/test_pagination.py: edit that file,
# then run `make generate`.
"""The pager yields every item exactly once, in order, and never leaves the origin."""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest

from kimono_interop._exceptions import InvalidItem, ResponseValidationError, UnsafeRedirectError
from kimono_interop._pagination import Page, SyncPager

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


@pytest.mark.parametrize("params", [{"page_size": 3}, {}])
def test_no_paging_an_unreadable_item_does_not_make_a_page_short(
    params: dict[str, Any],
) -> None:
    """Without `paging`, a page is short by what the service sent, not by what could be
    read: a full page with an unreadable item (or nothing readable) goes on to the next
    page, where the walk used to end without a word about the pages after it."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        data: list[Any] = [{"n": n} for n in range(page * 3, min(page * 3 + 3, 10))]
        if page == 0:
            data[1] = "unreadable"  # the first page, which sets the size when none is given
        if page == 1:
            data = ["unreadable"] * 3
        return httpx.Response(200, json={"data": data})

    skipped: list[InvalidItem] = []
    walk = pager(handler, params, seen).as_dicts().on_invalid(skipped.append)
    assert [i["n"] for i in collect(walk)] == [0, 2, 6, 7, 8, 9]
    assert [(item.page, item.index) for item in skipped] == [(0, 1), (1, 0), (1, 1), (1, 2)]
    assert [r.url.params.get("page", "0") for r in seen] == ["0", "1", "2", "3"]


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
        unreadable = f"not an object ({page})"  # each page its own
        return httpx.Response(200, json={"data": [unreadable], "paging": {"next": nxt}})

    skipping = pager(handler, seen=seen).as_dicts().on_invalid(lambda item: None)
    with pytest.raises(ResponseValidationError, match="10 pages in a row held no item"):
        collect(skipping)
    assert len(seen) == 10


def test_a_next_link_that_is_no_url_ends_the_walk_with_a_message() -> None:
    """``paging.next`` that httpx cannot read as a URL: the page's items are yielded,
    then ResponseValidationError, where httpx.InvalidURL came out as a traceback."""

    def handler(request: httpx.Request) -> httpx.Response:
        data = [{"$sys": {"id": "a"}}]
        return httpx.Response(200, json={"data": data, "paging": {"next": "http://[::1"}})

    got: list[Any] = []
    with pytest.raises(ResponseValidationError, match=r"`paging\.next` is not a URL"):
        for item in pager(handler).as_dicts():
            got.append(item)
    assert got == [{"$sys": {"id": "a"}}]


def test_a_walk_whose_links_go_on_while_its_items_repeat_stops() -> None:
    """Each link is a new URL, but every page holds the same items: the walk stops at
    the first repeat, where it followed the links for ever (an export growing without
    end). Pages of one item may repeat it twice (an item moved along by a change)."""
    seen: list[httpx.Request] = []
    items = [{"$sys": {"id": "a"}}, {"$sys": {"id": "b"}}]

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        nxt = f"{BASE}{PATH}?page={page + 1}"
        return httpx.Response(200, json={"data": items, "paging": {"next": nxt}})

    got: list[Any] = []
    with pytest.raises(ResponseValidationError, match="holds the same items as the page"):
        for item in pager(handler, seen=seen).as_dicts():
            got.append(item)
    assert len(seen) == 2 and got == items

    singles = [["x"], ["x"], ["x"], ["y"], None]  # pages of one item, then the end

    def one_each(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        data = [{"$sys": {"id": i}} for i in singles[page] or []]
        nxt = f"{BASE}{PATH}?page={page + 1}" if singles[page] else None
        return httpx.Response(200, json={"data": data, "paging": {"next": nxt}})

    walked = [item for item in pager(one_each).as_dicts()]
    assert [item["$sys"]["id"] for item in walked] == ["x", "x", "x", "y"]


# --- resuming a walk -------------------------------------------------------------------------


def numbered_pages(total: int, size: int) -> Callable[[httpx.Request], httpx.Response]:
    """``total`` items in pages of ``size`` asked for by number, without a ``paging`` member."""

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "0"))
        data = [{"n": n} for n in range(page * size, min(page * size + size, total))]
        return httpx.Response(200, json={"data": data})

    return handler


def crash_after(walk: SyncPager[Any], pages: int) -> tuple[list[Any], Any]:
    """The items of the first ``pages`` pages, and the checkpoint stored after the last one."""
    items: list[Any] = []
    checkpoint = None
    for page in walk.pages():
        items += page.items
        checkpoint = page.checkpoint
        if page.number + 1 == pages:
            break
    return items, checkpoint


@pytest.mark.parametrize("done", [1, 2, 4])
@pytest.mark.parametrize(
    ("handler", "kind"),
    [(linked_pages(14, 3), str), (numbered_pages(14, 3), int)],
    ids=["linked", "numbered"],
)
def test_a_walk_resumed_at_a_checkpoint_goes_on_right_after_it(
    handler: Callable[[httpx.Request], httpx.Response], kind: type, done: int
) -> None:
    """Five pages, a walk stopped after ``done`` of them, then resumed from the checkpoint
    of its last page by a new pager: every item once, in order, none skipped or repeated;
    the resumed walk asks for the pages after it and no other, numbers them on, and keeps
    the caller's filters and page_size."""
    params = {"page_size": 3, "tenant_id": "t"}
    before, checkpoint = crash_after(pager(handler, params), done)
    assert isinstance(checkpoint, kind)
    seen: list[httpx.Request] = []
    resumed = pager(handler, params, seen).resume(checkpoint)
    pages = [page for page in resumed.pages()]
    after = [item for page in pages for item in page.items]
    assert [item["n"] for item in before] == list(range(3 * done))
    assert [item["n"] for item in after] == list(range(3 * done, 14))
    assert [page.number for page in pages] == list(range(done, 5))
    assert [r.url.params["page"] for r in seen] == [str(n) for n in range(done, 5)]
    assert all(r.url.params["tenant_id"] == "t" for r in seen)
    assert all(r.url.params["page_size"] == "3" for r in seen)
    assert pages[-1].checkpoint is None  # after the last page there is nothing to resume


def test_each_page_checkpoint_resumes_at_the_page_after_it() -> None:
    """Every page's checkpoint but the last names the next page; the last one's is None,
    also when an empty page ends the walk."""
    pages = [page for page in pager(linked_pages(6, 2), {"page_size": 2}).pages()]
    links = [f"{BASE}{PATH}?page={n}&page_size=2" for n in (1, 2)]
    assert [page.checkpoint for page in pages] == [*links, None]
    numbered = [page for page in pager(numbered_pages(4, 2), {"page_size": 2}).pages()]
    assert [page.checkpoint for page in numbered] == [1, 2, None]  # page 2 is empty


def test_a_checkpoint_link_holds_the_callers_filters() -> None:
    """The service's link may drop the caller's filters; the checkpoint has them, so a
    walk resumed from it alone (without them on the pager) keeps them."""
    _, checkpoint = crash_after(pager(linked_pages(4, 2), {"tenant_id": "t"}), 1)
    assert httpx.URL(checkpoint).params["tenant_id"] == "t"
    seen: list[httpx.Request] = []
    rest = collect(pager(linked_pages(4, 2), seen=seen).resume(checkpoint))
    assert [item["n"] for item in rest] == [2, 3]
    assert seen[0].url.params["tenant_id"] == "t"


def test_a_resumed_walk_knows_its_first_page_as_fetched() -> None:
    """A link back to the page a walk was resumed at is a loop, as on a walk from the first
    page: ResponseValidationError after the items of the page that carried it."""

    def back_to_page_1(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        nxt = f"{BASE}{PATH}?page={page + 1 if page < 3 else 1}"
        return httpx.Response(200, json={"data": [{"n": page}], "paging": {"next": nxt}})

    got: list[int] = []
    with pytest.raises(ResponseValidationError, match="already fetched"):
        for item in pager(back_to_page_1).resume(f"{BASE}{PATH}?page=1"):
            got.append(item["n"])
    assert got == [1, 2, 3]


@pytest.mark.parametrize(
    "checkpoint",
    [
        "https://evil.example/v2/interop/data/rostering/persons?page=1",
        "http://api.us2.kimonocloud.com/v2/interop/data/rostering/persons?page=1",
        "https://api.us2.kimonocloud.com:8443/v2/interop/data/rostering/persons?page=1",
    ],
)
def test_a_checkpoint_on_another_origin_is_refused_before_any_request(
    checkpoint: str,
) -> None:
    """The same rule as for ``paging.next``: another host, scheme or port raises
    UnsafeRedirectError at once, and nothing is sent anywhere."""
    seen: list[httpx.Request] = []
    with pytest.raises(UnsafeRedirectError, match="another origin"):
        pager(linked_pages(4, 2), seen=seen).resume(checkpoint)
    assert seen == []


def test_a_page_whose_next_link_is_refused_has_a_checkpoint_that_is_refused_too() -> None:
    """The walk raises UnsafeRedirectError after a page that links off the origin; that
    page's checkpoint is not None (the list is not done), and resuming there raises the
    same error before any request."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = {"data": [{"n": 0}], "paging": {"next": f"https://evil.example{PATH}?page=1"}}
        return httpx.Response(200, json=body)

    pages: list[Page[Any]] = []
    with pytest.raises(UnsafeRedirectError):
        for page in pager(handler).pages():
            pages.append(page)
    assert [page.checkpoint for page in pages] == [f"https://evil.example{PATH}?page=1"]
    seen: list[httpx.Request] = []
    with pytest.raises(UnsafeRedirectError):
        pager(handler, seen=seen).resume(pages[0].checkpoint or "")
    assert seen == []


WHAT_TO_PASS = r"a link \(str\) or a page number \(int\)"


@pytest.mark.parametrize(
    ("checkpoint", "error", "message"),
    [
        (None, TypeError, "None, the last page's: nothing is left to walk.*" + WHAT_TO_PASS),
        (True, TypeError, "checkpoint is a bool: .*" + WHAT_TO_PASS),
        (1.0, TypeError, "checkpoint is a float: .*" + WHAT_TO_PASS),
        (b"https://x", TypeError, "checkpoint is a bytes: .*" + WHAT_TO_PASS),
        (-1, ValueError, "page number >= 0, got -1"),
        ("3", ValueError, r"page number as text: pass int\(3\)"),
        ("", ValueError, "not an absolute link: .*" + WHAT_TO_PASS),
        ("rostering/persons?page=1", ValueError, "not an absolute link"),
        ("//evil.example/persons?page=1", ValueError, "not an absolute link"),
    ],
    ids=["none", "bool", "float", "bytes", "negative", "digits", "empty", "relative", "no-scheme"],
)
def test_a_checkpoint_that_is_not_a_link_or_a_page_number_is_refused(
    checkpoint: Any, error: type[Exception], message: str
) -> None:
    """None, a bool, a float, bytes, a negative number, a number as text or a link that is
    not absolute is a mistake, said at once with what to pass, before any request."""
    seen: list[httpx.Request] = []
    with pytest.raises(error, match=message):
        pager(linked_pages(4, 2), seen=seen).resume(checkpoint)
    assert seen == []


def test_a_resumed_pager_is_a_pager_like_any_other() -> None:
    """resume() composes with as_dicts() and on_invalid() either way round, the last
    resume() counts, and the pager it came from still walks from the first page."""
    walk = pager(linked_pages(6, 2), {"page_size": 2})
    resumed = walk.resume(2).as_dicts()
    assert [item["n"] for item in collect(resumed)] == [4, 5]
    link = f"{BASE}{PATH}?page=1&page_size=2"
    assert [item["n"] for item in collect(walk.as_dicts().resume(link))] == [2, 3, 4, 5]
    assert [item["n"] for item in collect(walk.resume(link).resume(2))] == [4, 5]
    assert [item["n"] for item in collect(walk.resume(2).resume(link))] == [2, 3, 4, 5]

    def one_bad_item_on_page_3(request: httpx.Request) -> httpx.Response:
        page = request.url.params["page"]
        return httpx.Response(200, json={"data": [{"n": 9}, None] if page == "3" else []})

    bad: list[InvalidItem] = []
    invalid = pager(one_bad_item_on_page_3, parse_item=lambda raw: {"n": raw["n"]})
    assert collect(invalid.resume(3).on_invalid(bad.append)) == [{"n": 9}]
    assert [(item.page, item.index) for item in bad] == [(3, 1)]
    assert [item["n"] for item in collect(walk)] == list(range(6))
