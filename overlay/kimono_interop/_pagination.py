"""Iterators that walk every page of a Kimono list, one page in memory at a time.

Kimono pages carry ``paging.next``, the absolute URL of the next page, or ``null``
on the last one. The pager follows that link, but only to the origin the client
was configured with: a link to another scheme, host or port would send the
caller's credentials elsewhere, so it raises :class:`UnsafeRedirectError`
instead. When a response has no ``paging`` member at all, the pager asks for the
next page number itself and stops on a short or empty page. Query parameters the
caller gave (filters, ``page_size``) are kept on every page even when a ``next``
link omits them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from ._exceptions import ResponseValidationError, UnsafeRedirectError

T = TypeVar("T")

#: Sends one GET: (path or absolute URL, query parameters or None) -> successful response.
Fetch = Callable[[str, "Mapping[str, Any] | None"], httpx.Response]


@dataclass
class Page(Generic[T]):
    """One page of a list: its items, the link to the next page, and the raw response."""

    items: list[T]
    next_url: str | None
    number: int
    response: httpx.Response = field(repr=False)

    def has_next_page(self) -> bool:
        """Whether the service announced another page."""
        return self.next_url is not None


def same_origin(url: httpx.URL, origin: httpx.URL) -> bool:
    """Whether ``url`` has the scheme, host and port of ``origin``."""
    return (url.scheme, url.host, url.port) == (origin.scheme, origin.host, origin.port)


class SyncPager(Generic[T]):
    """Iterate over every item of every page; ``pages()`` gives page-level control.

    The pager is lazy: nothing is sent until iteration starts, and each iteration
    starts again from the first page.
    """

    def __init__(
        self,
        *,
        fetch: Fetch,
        path: str,
        params: Mapping[str, Any],
        parse_item: Callable[[Any], T],
        origin: httpx.URL,
    ) -> None:
        self._fetch = fetch
        self._path = path
        self._params = {k: v for k, v in params.items() if v is not None}
        self._parse_item = parse_item
        self._origin = origin

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def as_dicts(self) -> SyncPager[dict[str, Any]]:
        """The same list as plain dicts, skipping model parsing (fastest for bulk exports)."""
        return SyncPager(
            fetch=self._fetch,
            path=self._path,
            params=self._params,
            parse_item=_as_dict,
            origin=self._origin,
        )

    def pages(self) -> Iterator[Page[T]]:
        """Yield each page in order until the last one."""
        number = int(self._params.get("page", 0))
        page_size = self._params.get("page_size")
        target: str = self._path
        query: Mapping[str, Any] | None = self._params
        seen: set[str] = set()
        while True:
            response = self._fetch(target, query)
            items, paging, next_url = self._parse(response)
            yield Page(items=items, next_url=next_url, number=number, response=response)
            number += 1
            if next_url is not None:
                target = self._checked_next(next_url, response, seen)
                query = None
                continue
            if paging is not None:
                return  # the service said this was the last page
            if not items or (isinstance(page_size, int) and len(items) < page_size):
                return
            target, query = self._path, {**self._params, "page": number}

    def _parse(self, response: httpx.Response) -> tuple[list[T], Any, str | None]:
        try:
            body = json.loads(response.content)
        except ValueError:
            raise ResponseValidationError(
                "The list response is not valid JSON", response=response
            ) from None
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise ResponseValidationError(
                "The list response has no `data` array", response=response
            )
        paging = body.get("paging")
        next_url = paging.get("next") if isinstance(paging, dict) else None
        if next_url is not None and not isinstance(next_url, str):
            raise ResponseValidationError("`paging.next` is not a string", response=response)
        items: list[T] = []
        for index, raw in enumerate(data):
            try:
                items.append(self._parse_item(raw))
            except (KeyError, ValueError, TypeError, AttributeError) as exc:
                raise ResponseValidationError(
                    f"Item {index} of the page does not match the contract "
                    f"({type(exc).__name__}: {exc})",
                    response=response,
                ) from exc
        return items, paging, next_url or None

    def _checked_next(self, next_url: str, response: httpx.Response, seen: set[str]) -> str:
        url = response.request.url.join(next_url)
        if not same_origin(url, self._origin):
            raise UnsafeRedirectError(str(url), _origin_text(self._origin))
        # Keep the caller's filters and page_size if the link dropped them.
        missing = [(k, v) for k, v in self._params.items() if k != "page" and k not in url.params]
        if missing:
            url = url.copy_merge_params(dict(missing))
        text = str(url)
        if text in seen or url == response.request.url:
            raise ResponseValidationError(
                "`paging.next` points at a page already fetched; stopping to avoid a loop",
                response=response,
            )
        seen.add(text)
        return text


def _as_dict(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TypeError(f"expected an object, got {type(raw).__name__}")
    return raw


def _origin_text(origin: httpx.URL) -> str:
    port = f":{origin.port}" if origin.port else ""
    return f"{origin.scheme}://{origin.host}{port}"
