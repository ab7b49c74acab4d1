"""Raw responses: what ``client.with_raw_response.<resource>.<method>(...)`` answers.

The raw twin of a call sends exactly what the call sends, retries and raises exactly
as it does (an error status is still an exception), and answers an
:class:`APIResponse`: the HTTP response (status, headers, request id), and
:meth:`APIResponse.parse` for what the call itself returns. Nothing is parsed until
``parse()`` is called, so a body that does not fit the contract can still be looked at.

The raw twins are generated (``scripts/generate_resources.py``) for every call that
sends one request and answers one object, a count or nothing: each is the plain
method of a resource made with ``raw=True``, wrapped by :func:`araw_response` (async)
or :func:`raw_response` (sync), which only retype it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, TypeVar

import httpx

from . import _json
from ._exceptions import _request_id
from ._secrets import redact_url

T = TypeVar("T")
P = ParamSpec("P")

_UNPARSED: Any = object()


class APIResponse(Generic[T]):
    """The HTTP answer of one call, and the result the call returns (:meth:`parse`).

    The body has been read in full (within ``max_response_size``), so every member works
    with both clients, without ``await``.
    """

    def __init__(self, http_response: httpx.Response, parse: Callable[[httpx.Response], T]) -> None:
        #: The ``httpx.Response`` itself.
        self.http_response = http_response
        self._parse = parse
        self._parsed: T = _UNPARSED

    @property
    def status_code(self) -> int:
        """The HTTP status (a 2xx: an error status raises, as in the plain call)."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (names in any case)."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The service's id of the request (``x-request-id`` or a sibling), to quote to it."""
        return _request_id(self.http_response.headers)

    @property
    def http_request(self) -> httpx.Request:
        """The request as sent (its last attempt)."""
        return self.http_response.request

    @property
    def method(self) -> str:
        """The request's HTTP method."""
        return self.http_response.request.method

    @property
    def url(self) -> httpx.URL:
        """The request's URL."""
        return self.http_response.request.url

    @property
    def content(self) -> bytes:
        """The body, decoded from any Content-Encoding."""
        return self.http_response.content

    @property
    def text(self) -> str:
        """The body as text."""
        return self.http_response.text

    def json(self) -> Any:
        """The body as JSON (``json.JSONDecodeError`` if it is not)."""
        return _json.loads(self.http_response.content)

    def parse(self) -> T:
        """What the plain call returns (a model, a count or None), read on the first call.

        Raises what the plain call raises for a body that does not fit the contract
        (:class:`ResponseValidationError`).
        """
        if self._parsed is _UNPARSED:
            self._parsed = self._parse(self.http_response)
        return self._parsed

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {redact_url(str(self.url))}>"


def raw_response(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """The call ``method`` of a raw resource, typed as what it answers (sync)."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        return _checked(method(*args, **kwargs))

    return call


def araw_response(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The call ``method`` of a raw resource, typed as what it answers (async)."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        return _checked(await method(*args, **kwargs))

    return call


def _checked(result: Any) -> APIResponse[Any]:
    if not isinstance(result, APIResponse):
        # A hand-written method declared `raw: true` that does not answer through _one,
        # _count or _none: a mistake of the SDK, not of the caller.
        raise TypeError(f"the raw call answered {type(result).__name__}, not an APIResponse")
    return result
