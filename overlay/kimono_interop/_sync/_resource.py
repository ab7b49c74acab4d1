# Written by scripts/unasync.py from kimono_interop/_async/_resource.py: edit that file,
# then run `make generate`.
"""What every resource shares: turning an operation of the contract into a request.

A resource method (generated in ``resources.py``, or hand-written in a behaviour
class) names its operation from :data:`~kimono_interop._operations.OPERATIONS`
(which API, which HTTP method, which path template), checks the caller's
arguments, and hands the rest to one of four helpers, one per shape of answer:
:meth:`Resource._list` (a lazy pager), :meth:`Resource._one` (one
object), :meth:`Resource._count` and :meth:`Resource._none`.

Every call also takes ``extra_headers`` (added to the client's headers, replacing those
of the same name, the SDK's own included; an ``Authorization`` among them is sent
instead of the client's auth) and ``extra_query`` (added to the call's query
parameters; on a list, on every page).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast
from urllib.parse import quote

import httpx

from .. import _json
from .. import _settings as settings
from .._constants import MAX_PAGE_SIZE
from .._exceptions import ConfigurationError
from .._operations import Operation
from .._pagination import SyncPager
from .._parsing import parse_count, parse_model
from .._response import APIResponse
from .._types import NOT_GIVEN, Headers, Query, Timeout
from .._validation import validate_page_size
from ._sender import Sender

if TYPE_CHECKING:
    from ._client import KimonoClient

T = TypeVar("T")


class _Model(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


#: A request body: a generated model, or a list of them (the bulk acks); or the JSON object
#: of one, or a list of those (the acks a consumer builds from its outcomes).
Body = _Model | dict[str, Any] | Sequence[_Model] | Sequence[dict[str, Any]]
#: The query parameters a pager sets itself, which a list's ``extra_query`` may not.
PAGING = frozenset({"page", "page_size"})


def _query(params: Mapping[str, Any] | None, extra: Query | None) -> dict[str, Any]:
    """The call's query parameters with the caller's extras over them, without the Nones."""
    merged = {**(params or {}), **(extra or {})}
    return {key: value for key, value in merged.items() if value is not None}


def _headers(headers: Headers | None, extra: Headers | None) -> httpx.Headers | None:
    """The call's own headers with the caller's extras over them (names in any case)."""
    if not headers and not extra:
        return None
    merged = httpx.Headers(headers)
    merged.update(settings.headers(extra) if extra else {})
    return merged


def _json_value(item: _Model | dict[str, Any]) -> dict[str, Any]:
    return item if isinstance(item, dict) else item.to_dict()


def _encoded(body: Body) -> bytes:
    """The body as JSON, written by the SDK's one JSON writer (see ``_json``)."""
    if isinstance(body, Sequence):
        if type(body) is list and all(type(item) is dict for item in body):
            return _json.dumps(body)  # acks as the consumer makes them: nothing to convert
        return _json.dumps([_json_value(item) for item in body])
    return _json.dumps(_json_value(body))


class Resource:
    """Base of the resource objects: one per area of the APIs.

    A resource made with ``raw=True`` (by ``client.with_raw_response``) answers each call
    of one object, count or nothing with an :class:`APIResponse` instead of the result.
    """

    def __init__(self, client: KimonoClient, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _answer(self, response: httpx.Response, read: Callable[[httpx.Response], T]) -> T:
        """The result ``read`` from ``response``; on a raw resource, the response to read later."""
        if self._raw:
            return cast(T, APIResponse(response, read))
        return read(response)

    def _sender(self, operation: Operation) -> Sender:
        return self._client._senders[operation.api]

    @staticmethod
    def _url(operation: Operation, path: Mapping[str, str] | None) -> str:
        if not path:
            return operation.path
        return operation.path.format(**{k: quote(v, safe="") for k, v in path.items()})

    def _list(
        self,
        operation: Operation,
        parse_item: Callable[[Any], T],
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        page_size: int | None = None,
        max_page_size: int = MAX_PAGE_SIZE,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[T]:
        """A lazy pager over every item of every page of a list operation."""
        reserved = sorted(PAGING.intersection(extra_query or {}))
        if reserved:
            raise ConfigurationError(
                f"extra_query may not hold {' or '.join(reserved)}: the pager numbers the "
                "pages; give page_size=, or start later with the pager's resume()"
            )
        query = _query(params, extra_query)
        # The first page is asked for by number, as the vendor's clients do.
        query["page"] = 0
        if page_size is not None:
            query["page_size"] = validate_page_size(page_size, maximum=max_page_size)
        sender = self._sender(operation)
        headers = _headers(None, extra_headers)

        def fetch(target: str, query: Mapping[str, Any] | None) -> httpx.Response:
            return sender.send("GET", target, params=query, headers=headers, timeout=timeout)

        return SyncPager(
            fetch=fetch,
            path=self._url(operation, path),
            params=query,
            parse_item=parse_item,
            origin=self._client.base_url,
        )

    def _call(
        self,
        operation: Operation,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Body | None = None,
        content: bytes | None = None,
        headers: Headers | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> httpx.Response:
        """Send the operation's request; a 2xx response, or the SDK's error."""
        if body is not None:
            content = _encoded(body)
            headers = {**(headers or {}), "Content-Type": "application/json"}
        return self._sender(operation).send(
            operation.method,
            self._url(operation, path),
            params=_query(params, extra_query) or None,
            content=content,
            headers=_headers(headers, extra_headers),
            timeout=timeout,
        )

    def _one(
        self,
        operation: Operation,
        parse: Callable[[Any], T],
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Body | None = None,
        content: bytes | None = None,
        headers: Headers | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> T:
        """One object: the answer read by ``parse`` (see ``kimono_interop._parsing``)."""
        response = self._call(
            operation,
            path=path,
            params=params,
            body=body,
            content=content,
            headers=headers,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._answer(response, functools.partial(parse_model, parse=parse))

    def _count(
        self,
        operation: Operation,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> int:
        """A bare JSON integer."""
        response = self._call(
            operation,
            path=path,
            params=params,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._answer(response, parse_count)

    def _none(
        self,
        operation: Operation,
        *,
        path: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
        body: Body | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """A call whose answer has no body worth reading (204, or an empty 200)."""
        response = self._call(
            operation,
            path=path,
            params=params,
            body=body,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
        return self._answer(response, _nothing)


def _nothing(response: httpx.Response) -> None:
    return None
