"""What the sync and async clients share: defaults, the "not given" sentinel, parsing helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

import httpx

from ._exceptions import APIConnectionError, APITimeoutError, ResponseValidationError

T = TypeVar("T")
M = TypeVar("M", covariant=True)


class _Model(Protocol[M]):
    def from_dict(self, src_dict: Mapping[str, Any], /) -> M: ...


#: Read timeout a little above 30 s: the vendor's own clients read for 30 s, and its example
#: code says the service gives up then (no reference states it), so a 504 would reach us first.
DEFAULT_TIMEOUT = httpx.Timeout(35.0, connect=10.0)

#: How the sync sender waits between retries (``time.sleep``), and the async one (``anyio.sleep``).
Sleep = Callable[[float], None]
AsyncSleep = Callable[[float], Awaitable[None]]


class NotGiven:
    """Sentinel for "argument not given", which differs from ``None`` ("no timeout")."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven()
Timeout = float | httpx.Timeout | None | NotGiven


class SharedTransport(httpx.BaseTransport):
    """A transport several httpx clients share; closing a client leaves it open.

    The Kimono client closes the real transport itself, once, and only if it owns it.
    """

    def __init__(self, transport: httpx.BaseTransport) -> None:
        self.transport = transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.transport.handle_request(request)

    def close(self) -> None:
        pass


class AsyncSharedTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`SharedTransport`."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self.transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        pass


def transport_error(exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
    """The SDK exception for a request that got no response."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request)
    return APIConnectionError(request)


def parse_model(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Parse a successful JSON body with a generated model's ``from_dict`` (or any callable)."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # RecursionError: JSON nested absurdly deep
        raise ResponseValidationError("The response is not valid JSON", response=response) from None
    try:
        return parse(body)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ResponseValidationError(
            f"The response does not match the contract ({type(exc).__name__}: {exc})",
            response=response,
        ) from exc


def bare_or_enveloped(model: _Model[M]) -> Callable[[Any], M]:
    """A parser for a single-object read that answers ``{"data": {...}}`` or the bare object.

    The vendor's artifacts disagree on which reads are enveloped (spec/: OrgRead and
    its siblings), so both are read: a body is an envelope when its ``data`` member is
    an object and it has no ``$sys`` of its own.
    """

    def parse(body: Any) -> M:
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and "$sys" not in body:
            body = body["data"]
        if not isinstance(body, dict):
            raise TypeError(f"expected a JSON object, got {type(body).__name__}")
        return model.from_dict(body)

    return parse


def parse_count(response: httpx.Response) -> int:
    """A ``/count`` body: a bare JSON integer."""
    count = parse_model(response, lambda body: body)
    if isinstance(count, bool) or not isinstance(count, int):
        raise ResponseValidationError(
            f"A count must be a JSON integer, got {type(count).__name__}", response=response
        )
    return count


def without_none(params: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments the caller gave (``None`` means "leave it to the service")."""
    return {key: value for key, value in params.items() if value is not None}
