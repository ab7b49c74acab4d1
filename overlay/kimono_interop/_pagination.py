"""Iterators that walk every page of a Kimono list, one page in memory at a time.

Kimono pages carry ``paging.next``, the absolute URL of the next page, or ``null``
on the last one. The pagers follow that link, but only to the origin the client
was configured with: a link to another scheme, host or port would send the
caller's credentials elsewhere, so it raises :class:`UnsafeRedirectError`
instead. When a response has no ``paging`` member at all, the pager asks for the
next page number itself and stops on a short or empty page. Query parameters the
caller gave (filters, ``page_size``) are kept on every page even when a ``next``
link omits them.

A walk can be resumed where an earlier one stopped (after a crash, in another
process): each page carries a ``checkpoint`` (the next page's link, with the caller's
filters, or, when the service does not link pages, the next page's number; ``None``
after the last page), and ``pager.resume(checkpoint)`` starts there. A link given to
``resume`` is held to the same origin rule as ``paging.next``.

An empty page ends the walk even when it links to another (a service that keeps
answering empty pages with fresh links would be followed forever), and a walk whose
pages hold nothing readable stops after :data:`MAX_PAGES_WITHOUT_ITEMS` of them.

One bad item never fails the good ones around it. An item that cannot be read as
its model (a required field missing, a malformed id, ``null``) is not yielded;
every other item of every page is, and after the last page the walk raises
:class:`InvalidItemsError` listing the bad ones with their raw JSON. A handler
given to :meth:`SyncPager.on_invalid` receives each bad item instead, and nothing
is raised. ``as_dicts()`` checks nothing but that an item is a JSON object.

:class:`AsyncPager` can also look ahead (:meth:`AsyncPager.prefetch`): up to *n*
requests are in flight, each for the next page number not yet asked for, started as
soon as another ends; while the caller works through page *k*, nothing past page
*k+n* is asked for, so at most *n+1* pages are held. The pager predicts the pages'
requests from the walk's own: its first request when that names its ``page`` (the
SDK's lists do, so the first *n* pages go out at once), then the service's ``next``
link (which numbers pages with ``page``). Each prediction is checked against the
request the walk actually makes (a page asked for by number before its link came:
against the URL the answer came from), and the pager falls back to plain
link-following when they disagree, so the items, and their order, are exactly those
of the sequential walk.

About 600 lines: the walk (``_Walk``), its checks and checkpoints, and the
two pagers that drive it are one piece; apart, each would import the others' privates.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import (
    MAX_INVALID_KEPT,
    ConfigurationError,
    InvalidItem,
    InvalidItemsError,
    KimonoError,
    ResponseValidationError,
    UnsafeRedirectError,
    _request_id,
)
from ._parsing import gc_paused, read_json, withheld

log = logging.getLogger("kimono_interop")

T = TypeVar("T")
F = TypeVar("F")  #: how a pager fetches a page: Fetch or AsyncFetch

#: Sends one GET: (path or absolute URL, query parameters or None) -> successful response.
Fetch = Callable[[str, "Mapping[str, Any] | None"], httpx.Response]
AsyncFetch = Callable[[str, "Mapping[str, Any] | None"], Awaitable[httpx.Response]]
#: The next request of a walk: (path or absolute URL, query parameters or None).
Request = tuple[str, "Mapping[str, Any] | None"]
#: What follows a page: the next request, the error to raise instead, or None after the last.
Step = Request | KimonoError | None
#: A walk stops with an error after this many pages in a row yielded no item.
MAX_PAGES_WITHOUT_ITEMS = 10
#: Receives each item of a list that could not be read (see :meth:`SyncPager.on_invalid`).
OnInvalid = Callable[[InvalidItem], Any]


#: Where a walk can be resumed: the next page's link, or its number (see Page.checkpoint).
Checkpoint = str | int


@dataclass
class Page(Generic[T]):
    """One page of a list: its items, the link to the next page, and the raw response.

    ``number`` counts the pages of the walk from its first request's ``page`` (0); a walk
    resumed at a link counts from that link's ``page``.

    ``checkpoint`` is what to store to resume the walk right after this page
    (``pager.resume(checkpoint)``): the next page's link with the caller's filters, or,
    when the service does not link pages, the next page's number; ``None`` after the
    last page.
    """

    items: list[T]
    next_url: str | None
    number: int
    response: httpx.Response = field(repr=False)
    checkpoint: Checkpoint | None = None

    def has_next_page(self) -> bool:
        """Whether the service announced another page."""
        return self.next_url is not None

    @property
    def request_id(self) -> str | None:
        """The service's id of the request of this page (``x-request-id`` or a sibling)."""
        return _request_id(self.response.headers)


def same_origin(url: httpx.URL, origin: httpx.URL) -> bool:
    """Whether ``url`` has the scheme, host and port of ``origin``."""
    return (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port)


@dataclass(frozen=True)
class _Listing(Generic[T]):
    """What a pager walks: the first request, how to read an item, where links may lead."""

    path: str
    params: Mapping[str, Any]
    parse_item: Callable[[Any], T]
    origin: httpx.URL
    on_invalid: OnInvalid | None = None
    #: The link a resumed walk starts at (checked), instead of ``path`` and ``params``.
    start: str | None = None

    @property
    def what(self) -> str:
        """The item's model name, for messages (``dict`` for ``as_dicts()``)."""
        model = getattr(self.parse_item, "__self__", None)
        return getattr(model, "__name__", "object") if model is not None else "dict"


class _Walk(Generic[T]):
    """The state of one walk over the pages: what to ask for next, given the last answer."""

    def __init__(self, listing: _Listing[T]) -> None:
        self.listing = listing
        self.number = int(listing.params.get("page", 0))
        self._page_size = listing.params.get("page_size")
        self._seen: set[str] = set()
        if listing.start is not None:
            self._seen.add(listing.start)
            page = httpx.URL(listing.start).params.get("page", "")
            if page.isdigit():
                self.number = int(page)
        self._last_digest: int | None = None
        self._invalid: list[InvalidItem] = []
        self._invalid_count = 0
        self._last_response: httpx.Response | None = None
        self._pages_without_items = 0
        #: (length, first item, last item) of the last page, and how many pages in a row
        #: repeated it: a service whose links go on while its items do not would be
        #: followed for ever (each link a new URL), writing the same items again
        self._last_items: tuple[int, Any, Any] | None = None
        self._repeats = 0

    def first(self) -> Request:
        if self.listing.start is not None:
            return self.listing.start, None
        return self.listing.path, self.listing.params

    def advance(self, response: httpx.Response) -> tuple[Page[T], Step]:
        """Parse ``response`` into a page; return it with the next request, or None at the end.

        A bad ``next`` link comes back as the error to raise instead of the next
        request, so the caller still gets the items of the page that carried it.
        """
        page, step = self._advance(response)
        if isinstance(step, tuple):
            target, query = step
            page.checkpoint = target if query is None else int(query["page"])
        elif step is not None and page.next_url is not None:
            # A bad link: the walk raises after this page. Its checkpoint is that link, made
            # absolute, so that a resumed walk does not pass for a finished one: resuming at
            # a link on another origin raises the same UnsafeRedirectError (one that is no
            # URL at all is kept as it came).
            try:
                page.checkpoint = str(response.request.url.join(page.next_url))
            except (httpx.InvalidURL, ValueError):
                page.checkpoint = page.next_url
        return page, step

    def _advance(self, response: httpx.Response) -> tuple[Page[T], Step]:
        listing = self.listing
        if self._last_digest is not None and hash(response.content) == self._last_digest:
            # We asked for the next page number ourselves and got the previous page again.
            raise ResponseValidationError(
                "The service sent the same page twice without `paging`; stopping to avoid a "
                "loop (check that the endpoint supports `page`)",
                response=response,
            )
        with gc_paused():  # from the bytes to the last model (see _parsing)
            data, paging, next_url = _read_page(response)
            items, invalid = read_items(data, listing.parse_item, self.number)
        if invalid:  # (for InvalidItemsError; a walk keeps no other page's answer)
            self._last_response = response
        for item in invalid:
            self._invalid_count += 1
            log.warning("Skipped an item of %s that could not be read: %s", listing.what, item)
            if listing.on_invalid is not None:
                listing.on_invalid(item)
            elif len(self._invalid) < MAX_INVALID_KEPT:
                self._invalid.append(item)
        page = Page(items=items, next_url=next_url, number=self.number, response=response)
        self.number += 1
        if not data:
            # An empty page ends the walk, whatever its link says: a service that keeps
            # answering empty pages with fresh links would otherwise be followed forever.
            if next_url is not None:
                log.info("Stopped at an empty page of %s that links to another", listing.what)
            return page, None
        if items:  # (pages of nothing readable end by the rule below)
            self._repeated(data, response)
        self._pages_without_items = 0 if items else self._pages_without_items + 1
        if self._pages_without_items >= MAX_PAGES_WITHOUT_ITEMS:
            raise ResponseValidationError(
                f"{MAX_PAGES_WITHOUT_ITEMS} pages in a row held no item that could be read; "
                "stopping (the answers do not fit the contract: see InvalidItemsError)",
                response=response,
            )
        if next_url is not None:
            try:
                return page, (self._checked_next(next_url, response), None)
            except KimonoError as exc:
                return page, exc
        if paging is not None:
            return page, None  # the service said this was the last page
        # No `paging` member: count pages ourselves, and stop on a short page (the empty
        # one ended above). Without a page_size from the caller, the first page's length
        # is the page size. Lengths are what the service sent: an item that could not be
        # read does not make a page short (pages of nothing readable end by the rule above).
        if self._page_size is None:
            self._page_size = len(data)
        if isinstance(self._page_size, int) and len(data) < self._page_size:
            return page, None
        self._last_digest = hash(response.content)
        return page, (listing.path, {**listing.params, "page": self.number})

    def _repeated(self, data: list[Any], response: httpx.Response) -> None:
        """ResponseValidationError once pages repeat the same items: one page twice in a
        row (three times for pages of one item, where an item moved along by a change in
        the list may come twice)."""
        last = (len(data), data[0], data[-1])
        self._repeats = self._repeats + 1 if last == self._last_items else 0
        self._last_items = last
        if self._repeats >= (1 if len(data) > 1 else 3):
            raise ResponseValidationError(
                f"Page {self.number - 1} of {self.listing.what} holds the same items as the "
                "page before it; stopping to avoid a loop (its link leads on, its items do "
                "not)",
                response=response,
            )

    def finish(self) -> None:
        """After the last page: raise for the items that could not be read, if nobody took them."""
        if self._invalid:
            raise InvalidItemsError(
                self._invalid, self._invalid_count, self.listing.what, self._last_response
            )

    def _checked_next(self, next_url: str, response: httpx.Response) -> str:
        try:
            joined = response.request.url.join(next_url)
        except (httpx.InvalidURL, ValueError) as exc:
            raise ResponseValidationError(
                f"`paging.next` is not a URL ({exc}); stopping after this page",
                response=response,
            ) from exc
        url = _checked_link(joined, self.listing)
        text = str(url)
        if text in self._seen or url == response.request.url:
            raise ResponseValidationError(
                "`paging.next` points at a page already fetched; stopping to avoid a loop",
                response=response,
            )
        self._seen.add(text)
        return text


def _checked_link(url: httpx.URL, listing: _Listing[Any]) -> httpx.URL:
    """``url`` if it is on the listing's origin, with the caller's filters and page_size
    added where the link dropped them; UnsafeRedirectError if it is not."""
    if not same_origin(url, listing.origin):
        raise UnsafeRedirectError(str(url), _origin_text(listing.origin))
    params = listing.params
    missing = [(k, v) for k, v in params.items() if k != "page" and k not in url.params]
    return url.copy_merge_params(dict(missing)) if missing else url


def _resumed(listing: _Listing[Any], checkpoint: Checkpoint) -> dict[str, Any]:
    """What changes in a listing whose walk starts at ``checkpoint`` (see Page.checkpoint)."""
    what = "pass a page's checkpoint as it was given: a link (str) or a page number (int)"
    if checkpoint is None:
        raise TypeError(f"checkpoint is None, the last page's: nothing is left to walk ({what})")
    if isinstance(checkpoint, bool) or not isinstance(checkpoint, (str, int)):
        raise TypeError(f"checkpoint is a {type(checkpoint).__name__}: {what}")
    if isinstance(checkpoint, int):
        if checkpoint < 0:
            raise ValueError(f"checkpoint must be a page number >= 0, got {checkpoint}")
        return {"params": {**listing.params, "page": checkpoint}, "start": None}
    text = checkpoint.strip()
    if text.isdigit():
        # Written to a file or an environment variable, a page number comes back as text.
        raise ValueError(f"checkpoint {checkpoint!r} is a page number as text: pass int({text})")
    try:
        url: httpx.URL | None = httpx.URL(text)
    except httpx.InvalidURL:
        url = None
    if url is None or not url.is_absolute_url:
        raise ValueError(f"checkpoint {checkpoint!r} is not an absolute link: {what}")
    return {"start": str(_checked_link(url, listing))}


def _read_page(response: httpx.Response) -> tuple[list[Any], Any, str | None]:
    """A list page's ``data`` array, its ``paging`` member and its next link."""
    body = read_json(response, "The list response")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise ResponseValidationError("The list response has no `data` array", response=response)
    paging = body.get("paging")
    next_url = paging.get("next") if isinstance(paging, dict) else None
    if next_url is not None and not isinstance(next_url, str):
        raise ResponseValidationError("`paging.next` is not a string", response=response)
    return data, paging, next_url or None


def read_items(
    data: list[Any], parse: Callable[[Any], T], page: int
) -> tuple[list[T], list[InvalidItem]]:
    """Each item of ``data`` read with ``parse``; those it cannot read come back apart."""
    if parse is _as_dict:
        objects: list[Any] = [raw for raw in data if type(raw) is dict]
        if len(objects) == len(data):
            return objects, []
        return objects, [
            InvalidItem(page, index, raw, f"not a JSON object: {_json_type(raw)}")
            for index, raw in enumerate(data)
            if type(raw) is not dict
        ]
    items: list[T] = []
    invalid: list[InvalidItem] = []
    append = items.append
    with gc_paused():  # see _parsing; the walk's pause, when it has one, goes on
        for index, raw in enumerate(data):
            try:
                append(parse(raw))
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                error = withheld(exc, raw)  # (the item's values: personal data, maybe)
                reason = (
                    f"not a JSON object: {_json_type(raw)}"
                    if not isinstance(raw, dict)
                    else f"{type(error).__name__}: {error}"
                )
                invalid.append(InvalidItem(page, index, raw, reason))
    return items, invalid


class _BasePager(Generic[T, F]):
    """What both pagers hold: the listing they walk (immutable; copies replace parts of
    it) and how to fetch a page (a function, or a coroutine function)."""

    def __init__(
        self,
        *,
        fetch: F,
        path: str,
        params: Mapping[str, Any],
        parse_item: Callable[[Any], T],
        origin: httpx.URL,
        on_invalid: OnInvalid | None = None,
    ) -> None:
        self._listing: _Listing[T] = _Listing(
            path=path,
            params={k: v for k, v in params.items() if v is not None},
            parse_item=parse_item,
            origin=origin,
            on_invalid=on_invalid,
        )
        self._fetch = fetch


def _checked_handler(handler: OnInvalid) -> OnInvalid:
    if not callable(handler):
        raise TypeError(f"on_invalid needs a callable, not {type(handler).__name__}")
    return handler


class SyncPager(_BasePager[T, Fetch]):
    """Iterate over every item of every page; ``pages()`` gives page-level control.

    The pager is lazy: nothing is sent until iteration starts, and each iteration
    starts again from the first page.
    """

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            items = page.items
            del page  # hold one page, not two, while the next one is fetched
            yield from items
            del items

    def as_dicts(self) -> SyncPager[dict[str, Any]]:
        """The same list as plain dicts, skipping model parsing (fastest for bulk exports)."""
        return self._copy(parse_item=_as_dict)

    def on_invalid(self, handler: OnInvalid) -> SyncPager[T]:
        """The same list; each item that cannot be read goes to ``handler`` and the walk goes on.

        ``handler`` gets an :class:`InvalidItem` (page, index, raw JSON, reason) as the
        page holding it is read; without a handler, the walk raises
        :class:`InvalidItemsError` after its last item instead.
        """
        return self._copy(on_invalid=_checked_handler(handler))

    def resume(self, checkpoint: Checkpoint) -> SyncPager[T]:
        """The same list, starting right after the page whose ``checkpoint`` this is.

        Store ``page.checkpoint`` once a page is done; after a crash, resume the walk
        from it: ``kimono.rostering.persons.list(page_size=500).resume(checkpoint)``.
        The walk goes on with the next page, with the filters and ``page_size`` of the
        checkpoint's link (a page number: of this pager). Raised at once, before any
        request: :class:`UnsafeRedirectError` for a link on another origin than the
        client's; ``TypeError`` for ``None`` (the last page's checkpoint: nothing is
        left) or anything but a str or an int; ``ValueError`` for a negative number,
        a number as text or a link that is not absolute. Nothing is sent until
        iteration starts.
        """
        return self._copy(**_resumed(self._listing, checkpoint))

    def _copy(self, **changes: Any) -> SyncPager[Any]:
        copy: SyncPager[Any] = SyncPager.__new__(SyncPager)
        copy._listing = replace(self._listing, **changes)
        copy._fetch = self._fetch
        return copy

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in order until the last one."""
        walk = _Walk(self._listing)
        request: Step = walk.first()
        while request is not None:
            if isinstance(request, KimonoError):
                raise request
            page, request = walk.advance(self._fetch(*request))
            yield page
            del page
        walk.finish()


class AsyncPager(_BasePager[T, AsyncFetch]):
    """``async for`` over every item of every page; ``pages()`` gives page-level control.

    Lazy like :class:`SyncPager`. :meth:`prefetch` returns a pager that fetches
    pages ahead of the caller.
    """

    def __init__(self, *, prefetch: int = 0, **listing: Any) -> None:
        super().__init__(**listing)
        self._prefetch = prefetch

    async def __aiter__(self) -> AsyncIterator[T]:
        # aclosing: a caller leaving the items early closes the page walk at once, which
        # cancels (and waits for) the fetches ahead, rather than when the loop's
        # async-generator hook gets to it.
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                items = page.items
                del page  # hold one page, not two, while the next one is fetched
                for item in items:
                    yield item
                del items

    def as_dicts(self) -> AsyncPager[dict[str, Any]]:
        """The same list as plain dicts, skipping model parsing (fastest for bulk exports)."""
        return self._copy(self._prefetch, parse_item=_as_dict)

    def on_invalid(self, handler: OnInvalid) -> AsyncPager[T]:
        """The same list; each item that cannot be read goes to ``handler`` (see SyncPager)."""
        return self._copy(self._prefetch, on_invalid=_checked_handler(handler))

    def prefetch(self, pages: int) -> AsyncPager[T]:
        """The same list, fetching up to ``pages`` pages ahead of the caller, in order.

        Up to ``pages`` requests are in flight, each started as soon as another ends;
        nothing past the page in hand plus ``pages`` is asked for, so the walk holds up
        to ``pages + 1`` pages in memory. The items, their order, the checkpoints and
        the errors (raised at the page they belong to, after the items before it) are
        those of the plain walk; leaving the walk early cancels every fetch ahead and
        waits for them to end. ``prefetch(0)`` is the plain walk.
        The pages ahead are fetched by asyncio tasks: look-ahead needs asyncio (an
        async generator cannot hold an anyio task group open across its ``yield``).
        """
        if isinstance(pages, bool) or not isinstance(pages, int) or not 0 <= pages <= 64:
            raise ValueError(f"prefetch pages must be an int between 0 and 64, got {pages!r}")
        return self._copy(pages)

    def resume(self, checkpoint: Checkpoint) -> AsyncPager[T]:
        """The same list, starting right after the page whose ``checkpoint`` this is
        (see :meth:`SyncPager.resume`)."""
        return self._copy(self._prefetch, **_resumed(self._listing, checkpoint))

    def _copy(self, prefetch: int, **changes: Any) -> AsyncPager[Any]:
        copy: AsyncPager[Any] = AsyncPager.__new__(AsyncPager)
        copy._listing = replace(self._listing, **changes)
        copy._fetch = self._fetch
        copy._prefetch = prefetch
        return copy

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield each page in order until the last one."""
        walk = _Walk(self._listing)
        request: Step = walk.first()
        if not self._prefetch:
            while request is not None:
                if isinstance(request, KimonoError):
                    raise request
                page, request = walk.advance(await self._fetch(*request))
                yield page
                del page
            walk.finish()
            return
        _require_asyncio()
        ahead = _LookAhead(self._fetch, self._prefetch)
        await ahead.predict_from(walk.number, request)
        try:
            while request is not None:
                if isinstance(request, KimonoError):
                    raise request
                response = await ahead.take(walk.number, request)
                page, request = walk.advance(response)
                await ahead.predict_from(walk.number, request)
                yield page
                del page, response  # not held while the next page is awaited
            walk.finish()
        finally:
            await ahead.close()


def _require_asyncio() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise ConfigurationError(
            "prefetch() needs asyncio (no asyncio loop is running); iterate without prefetch"
        ) from None


class _LookAhead:
    """The pages of a walk fetched ahead: up to ``workers`` requests in flight, each for
    the next page number not yet asked for, as soon as another ends.

    The consumer takes pages in order (:meth:`take`); while it waits for, or holds, page
    *c*, no page after *c + workers* is asked for, so a walk holds at most ``workers + 1``
    pages. Requests are predictions (:meth:`predict_from`): page *m* is the request of the
    page the walk asks for next with ``page=m``. A prediction is used only when it is
    the request the walk makes; otherwise every fetch ahead is cancelled and the walk
    fetches its own request.
    """

    def __init__(self, fetch: AsyncFetch, workers: int) -> None:
        self._fetch = fetch
        self._workers = workers
        #: Fetches under way or done, not yet taken: page number -> (request, fetch).
        self._slots: dict[int, tuple[Request, asyncio.Task[httpx.Response]]] = {}
        self._dropped: list[asyncio.Task[httpx.Response]] = []
        self._in_flight = 0
        self._next = 0  # the next page number to ask for
        self._limit = -1  # no page after this one is asked for
        self._failed_at: int | None = None  # a fetch ahead failed: nothing after it is asked
        self._base: tuple[int, Request] | None = None  # what predictions derive from
        self._closed = False

    def predict_from(self, number: int, step: Step) -> Awaitable[None]:
        """The walk's next page is ``number``, asked for with ``step``: predict the pages
        after it from that request, when it numbers pages with ``page``."""
        base: tuple[int, Request] | None = None
        if isinstance(step, tuple):
            target, query = step
            page = httpx.URL(target).params.get("page") if query is None else query.get("page")
            if page is not None and str(page) == str(number):
                base = (number, step)
        self._base = base
        if base is None or self._next < number:
            # No prediction (the walk ends, or its links do not number pages: they are
            # followed one by one), or a fresh one: what is ahead is of no use.
            self._cancel()
            self._next = number
        self._start()
        return self._settle()

    async def take(self, number: int, request: Request) -> httpx.Response:
        """The response to ``request``, the walk's page ``number``: fetched ahead if it was
        predicted right, else fetched now (after every fetch ahead is cancelled)."""
        self._limit = number + self._workers
        self._start()
        slot = self._slots.pop(number, None)
        if slot is not None:
            predicted, task = slot
            self._dropped.append(task)  # until it is awaited: close() waits for it
            if predicted == request or (
                predicted[1] is None and request[1] is None and _same_url(predicted[0], request[0])
            ):
                response = await task
                self._dropped.remove(task)
                return response
            if predicted[1] is not None and request[1] is None:
                # Asked for by number before the link to it came: the same page if the
                # request went to the link's URL (an error, then, is not the link's).
                await asyncio.wait((task,))
                if not task.cancelled() and task.exception() is None:
                    response = task.result()
                    if _same_url(response.request.url, request[0]):
                        self._dropped.remove(task)
                        return response
        self._cancel()
        self._base = None
        self._next = number + 1
        await self._settle()
        return await self._fetch(*request)

    async def close(self) -> None:
        """Cancel every fetch ahead and wait until they have ended (connections closed)."""
        self._closed = True
        self._cancel()
        await self._settle()

    def _start(self) -> None:
        """Ask for the next pages while fewer than ``workers`` requests are in flight."""
        if self._base is None or self._closed:
            return
        last = self._limit if self._failed_at is None else min(self._limit, self._failed_at)
        while self._in_flight < self._workers and self._next <= last:
            number = self._next
            request = self._predicted(number)
            task = asyncio.ensure_future(self._fetch(*request))
            self._in_flight += 1
            task.add_done_callback(partial(self._ended, number))
            self._slots[number] = (request, task)
            self._next += 1

    def _predicted(self, number: int) -> Request:
        assert self._base is not None
        base, (target, query) = self._base
        if number == base:
            return target, query
        if query is None:
            return str(httpx.URL(target).copy_set_param("page", str(number))), None
        return target, {**query, "page": number}

    def _ended(self, number: int, task: asyncio.Task[httpx.Response]) -> None:
        self._in_flight -= 1
        # task.exception() marks the error as seen: a page past the last one may fail,
        # and then nobody awaits it. The walk raises it if it needs the page, and needs
        # none after it: nothing past it is asked for.
        if (
            not task.cancelled()
            and task.exception() is not None
            and (self._failed_at is None or number < self._failed_at)
        ):
            self._failed_at = number
        self._start()

    def _cancel(self) -> None:
        """Cancel every fetch ahead; they stay in ``_dropped`` until they have ended."""
        self._dropped.extend(task for _, task in self._slots.values())
        self._slots.clear()
        for task in self._dropped:
            task.cancel()
        self._failed_at = None

    async def _settle(self) -> None:
        """Wait until the cancelled fetches have ended (and closed their connections)."""
        while self._dropped:
            dropped, self._dropped = self._dropped, []
            await asyncio.gather(*dropped, return_exceptions=True)


def _same_url(a: str | httpx.URL, b: str | httpx.URL) -> bool:
    """Whether two URLs name the same resource, their query parameters in any order."""
    if str(a) == str(b):
        return True
    x, y = httpx.URL(a), httpx.URL(b)
    return (x.scheme, x.host, x.port, x.path) == (y.scheme, y.host, y.port, y.path) and sorted(
        x.params.multi_items()
    ) == sorted(y.params.multi_items())


def _as_dict(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TypeError(f"expected an object, got {type(raw).__name__}")
    return raw


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "array"}.get(
        type(value), type(value).__name__
    )


def _origin_text(origin: httpx.URL) -> str:
    port = f":{origin.port}" if origin.port else ""
    return f"{origin.scheme}://{origin.host}{port}"
