"""Every error the SDK raises, and the mapping from an HTTP response to the right one.

All of them derive from :class:`KimonoError`, so ``except KimonoError`` catches
anything the SDK raises on purpose. Errors about a response carry what a person
needs to act on it -- status, method, URL (credentials never appear in it), the
service's ErrorType fields and the request id -- and their message says what to
try next. A body that is HTML, truncated or not JSON at all still yields the
class that matches the status, never a decoding error.

Hierarchy::

    KimonoError
    ├── AuthenticationError            the token endpoint refused the credentials
    ├── ConfigurationError (ValueError) missing or invalid client settings
    ├── ClientClosedError (RuntimeError) a call on a closed client
    ├── UnsafeRedirectError            a paging link points at another origin
    ├── ResponseValidationError        a 2xx body does not match the contract
    │   └── InvalidItemsError          items of a list could not be read (the rest were)
    ├── ResponseTooLargeError          an answer is larger than max_response_size
    ├── AckError                       handled tasks could not be acknowledged
    ├── APIConnectionError             the request did not get an HTTP response
    │   └── APITimeoutError            ... because it timed out
    └── APIStatusError                 the service answered with an error status
        ├── BadRequestError            400
        ├── UnauthorizedError          401
        ├── PermissionDeniedError      403
        ├── NotFoundError              404
        ├── ConflictError              409
        ├── UnprocessableEntityError   422
        ├── RateLimitError             429
        ├── InternalServerError        5xx (and any other status >= 500, e.g. 520)
        └── TokenServiceError          the token endpoint answered 429 or 5xx (busy, not refused)
"""

from __future__ import annotations

import base64
import contextlib
import re
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from . import _json
from ._constants import PROXY_EXTENSION, REQUEST_ID_HEADERS
from ._secrets import MASK, redact_text, redact_url

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AckError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "InvalidItem",
    "InvalidItemsError",
    "KimonoError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "TokenServiceError",
    "UnauthorizedError",
    "UnprocessableEntityError",
    "UnsafeRedirectError",
    "error_from_response",
    "is_transient",
    "transport_error",
]


class KimonoError(Exception):
    """Root of every error the SDK raises on purpose."""


class AuthenticationError(KimonoError):
    """The token endpoint refused the client credentials, or answered something unusable."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ConfigurationError(KimonoError, ValueError):
    """A client setting is missing or invalid (e.g. no client id in the environment)."""


class ClientClosedError(KimonoError, RuntimeError):
    """A call on a client that was closed (its ``with`` block ended, or ``close()`` ran),
    or on one made from a closed client (``for_tenant``, ``with_options``: they share its
    connection pool)."""

    def __init__(self, *, parent: bool = False) -> None:
        if parent:
            told = (
                "The client this one was made from (for_tenant, with_options) is closed, "
                "and with it the connection pool both use. (HINT: keep that client open "
                "while this one is in use.)"
            )
        else:
            told = (
                "This client is closed (its `with` block ended or close() was called), so it "
                "has no connections left. (HINT: make the call inside the `with` block, or "
                "make a new client.)"
            )
        super().__init__(told)


class UnsafeRedirectError(KimonoError):
    """A ``paging.next`` link points at another scheme, host or port; it is not followed."""

    def __init__(self, url: str, expected_origin: str) -> None:
        self.url = redact_url(url)
        self.expected_origin = expected_origin
        super().__init__(
            f"Refusing to follow paging link {self.url!r}: it leaves {expected_origin}, and "
            "following it would send your credentials to another origin. "
            "(HINT: if the service really moved, set base_url to the new origin.)"
        )


class ResponseValidationError(KimonoError):
    """A successful response body does not have the shape the contract promises."""

    def __init__(self, message: str, *, response: httpx.Response | None) -> None:
        self.response = response
        self.status_code = response.status_code if response is not None else None
        self.url = redact_url(str(response.request.url)) if response is not None else None
        where = f" ({response.request.method} {self.url})" if response is not None else ""
        super().__init__(f"{message}{where}")


@dataclass(frozen=True)
class InvalidItem:
    """One item of a list that could not be read as its model, with where it was and why."""

    page: int  #: number of the page it was on (counting from the first page walked)
    index: int  #: position on that page
    raw: Any = field(repr=False)  #: the item as received (may hold personal data: not in repr)
    reason: str  #: why it could not be read

    def __str__(self) -> str:
        return f"page {self.page} item {self.index}: {self.reason}"


class InvalidItemsError(ResponseValidationError):
    """Items of a list could not be read; every other item was yielded before this was raised.

    ``items`` holds the first :data:`MAX_INVALID_KEPT` of them (with the raw JSON),
    ``count`` how many there were in all. ``read``: from a call that returns its items at
    once (``tasks.next_batch()``), the ones it could read, which it did not return.
    """

    def __init__(
        self,
        items: list[InvalidItem],
        count: int,
        what: str,
        response: httpx.Response | None,
        *,
        read: list[Any] | None = None,
    ) -> None:
        self.items = items
        self.count = count
        self.read: list[Any] = [] if read is None else read
        if read is None:
            told = (
                f"{count} item(s) of the {what} list could not be read and were not yielded "
                f"(first: {items[0]}); every other item was. (HINT: a field the contract "
                "requires is missing or malformed; pass a handler to the pager's on_invalid() "
                "to receive such items and go on, and see docs/maintaining.md to report it.)"
            )
        else:
            told = (
                f"{count} item(s) of the {what} list could not be read (first: {items[0]}); "
                f"the {len(read)} others are in this error's `read`. (HINT: pass on_invalid= "
                "to receive such items and have the others returned, and see "
                "docs/maintaining.md to report it.)"
            )
        super().__init__(told, response=response)


#: How many invalid items an :class:`InvalidItemsError` keeps (``count`` goes on).
MAX_INVALID_KEPT = 100


def without_body(response: httpx.Response) -> httpx.Response:
    """A token answer as an error keeps it: its status and headers, and its request's
    method, URL and headers, with neither body (the request's holds the client secret,
    and the answer may echo it)."""
    bodiless = ("content-length", "content-encoding", "content-type")
    sent = response.request
    request = httpx.Request(
        sent.method,
        sent.url,
        headers=[h for h in sent.headers.multi_items() if h[0] not in bodiless],
    )
    headers = [h for h in response.headers.multi_items() if h[0] not in bodiless]
    return httpx.Response(response.status_code, headers=headers, request=request)


class ResponseTooLargeError(KimonoError):
    """An answer is larger than the client's ``max_response_size`` once decoded; it was not read.

    Reading stopped at the limit, so memory stays bounded whatever the server sends
    (an endless chunked body, a small gzip body that inflates to gigabytes).
    """

    def __init__(self, response: httpx.Response, limit: int, *, token: bool = False) -> None:
        self.response = without_body(response) if token else response
        self.status_code = response.status_code
        self.limit = limit
        self.url = redact_url(str(response.request.url))
        if token:  # (no setting raises the token answer's limit, nor would need to)
            told = (
                f"The answer to the token request {response.request.method} {self.url} is "
                f"larger than a token answer ever is ({limit:,} bytes once decoded); it was "
                "not read. (HINT: check token_url: it must name the OAuth2 token endpoint.)"
            )
        else:
            told = (
                f"The answer to {response.request.method} {self.url} is larger than "
                f"max_response_size ({limit:,} bytes once decoded); it was not read. (HINT: "
                "ask for a smaller page_size, or raise max_response_size= on the client.)"
            )
        super().__init__(told)


class AckError(KimonoError):
    """Acknowledgements could not be sent, even after retries; the consumer stopped.

    ``task_ids`` were handled but not acknowledged: the service will deliver them
    again. ``__cause__`` is the error of the last attempt.
    """

    def __init__(self, task_ids: list[str], cause: BaseException) -> None:
        self.task_ids = task_ids
        super().__init__(
            f"Could not acknowledge {len(task_ids)} handled task(s): {cause}. The consumer "
            "stopped rather than pull more work; the service will deliver those tasks again."
        )


class APIConnectionError(KimonoError):
    """The request did not get an HTTP response (DNS, refused or dropped connection, TLS).

    The message says which, from the underlying error (also in ``__cause__``), with a hint
    that fits it; ``cause`` is a short name of what failed (``"dns"``, ``"refused"``,
    ``"tls"``, ``"dropped"``, ``"timeout"`` or ``"other"``).
    """

    #: Whether the request may have reached the service (in this attempt or an earlier
    #: one), so that it may have done its work: False only when no attempt was sent.
    may_have_reached: bool = True

    def __init__(
        self, request: httpx.Request, message: str | None = None, *, cause: str = "other"
    ) -> None:
        self.request = request
        self.method = request.method
        self.url = redact_url(str(request.url))
        self.cause = cause
        super().__init__(
            message or f"Connection error on {self.method} {self.url}. (HINT: check base_url.)"
        )


class APITimeoutError(APIConnectionError):
    """The request timed out (the vendor's own clients give up after 30 s)."""

    def __init__(self, request: httpx.Request, what: str = "timed out") -> None:
        # A smaller page is only a remedy for a call that has pages.
        smaller = ", or use a smaller page_size" if "page_size" in request.url.params else ""
        super().__init__(
            request,
            f"{request.method} {redact_url(str(request.url))} {what}. "
            f"(HINT: raise `timeout=` for this call{smaller}; a `deadline=` given to the "
            "client bounds the whole exchange whatever the timeout.)",
            cause="timeout",
        )


def is_transient(error: BaseException) -> bool:
    """Whether ``error`` may pass on its own: no answer, 429, 5xx, a busy token endpoint,
    or an answer that does not fit (a proxy's page); not refused credentials, 403 or a bad
    request, which waiting cannot fix."""
    return isinstance(
        error,
        (
            APIConnectionError,
            RateLimitError,
            InternalServerError,
            TokenServiceError,
            ResponseValidationError,
        ),
    )


def unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the service was not reached at all: its name not found, the
    connection refused, TLS failed (a base URL mistyped, or nothing listening there)."""
    return isinstance(error, APIConnectionError) and error.cause in ("dns", "refused", "tls")


#: Statuses a gateway answers when the service behind it may have acted without its
#: answer coming back.
GATEWAY_STATUSES = frozenset({502, 504})


#: httpx's errors of a request that was never sent (no connection was made, or it was
#: refused before a byte went): the service cannot have acted on it.
NOT_SENT_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)


def may_have_applied(error: BaseException) -> bool:
    """Whether the request that failed with ``error`` may have reached the service and
    done its work, its answer lost: sent and no answer (or none in time), a gateway's
    502/504, or an error after such an attempt. A 404 to the same request sent again
    then may only mean that it already did. Not a request never sent (no connection),
    nor one whose token request failed (``TokenServiceError``: it was never sent), unless
    an earlier attempt of it was."""
    if isinstance(error, TokenServiceError):  # (the request waited for a token: unsent)
        return error.after_unanswered_attempt
    if isinstance(error, APIConnectionError):
        return error.may_have_reached
    return isinstance(error, APIStatusError) and (
        error.after_unanswered_attempt or error.status_code in GATEWAY_STATUSES
    )


def failed_request(exc: httpx.HTTPError, request: httpx.Request) -> httpx.Request:
    """The request ``exc`` is of: ``request``, or the token request sent for it."""
    try:
        return exc.request
    except RuntimeError:  # (an error raised with no request)
        return request


def transport_error(exc: httpx.HTTPError, request: httpx.Request) -> APIConnectionError:
    """The SDK exception for a request that got no response, saying why in its message;
    ``may_have_reached`` unless ``exc`` is of a request never sent.

    Its message names the request that failed: ``request``'s token request when that one
    did (its host, its proxy), with ``request`` named as what it was for; ``request``,
    ``method`` and ``url`` stay ``request``'s (the token request's body holds the client
    secret: it is not kept on the error).
    """
    failed = failed_request(exc, request)
    error = _transport_error(exc, failed, None if failed is request else request)
    if failed is not request:
        error.request, error.method = request, request.method
        error.url = redact_url(str(request.url))
    error.may_have_reached = not isinstance(exc, NOT_SENT_ERRORS)
    return error


def _transport_error(
    exc: httpx.HTTPError, request: httpx.Request, behalf: httpx.Request | None = None
) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        what = {
            httpx.ConnectTimeout: "timed out connecting",
            httpx.ReadTimeout: "timed out waiting for the answer",
            httpx.WriteTimeout: "timed out sending the request",
            httpx.PoolTimeout: "timed out waiting for a free connection of the pool",
        }.get(type(exc), "timed out")
        if behalf is not None:
            what += f" (getting a token for {behalf.method} {redact_url(str(behalf.url))})"
        return APITimeoutError(request, what)
    host = request.url.host
    port = request.url.port or {"https": 443, "http": 80}.get(request.url.scheme)
    where = f"{request.method} {redact_url(str(request.url))}"
    if behalf is not None:
        where += f" (getting a token for {behalf.method} {redact_url(str(behalf.url))})"
    proxy = request.extensions.get(PROXY_EXTENSION)
    if proxy is not None:
        # Through a proxy the SDK connects to the proxy, never to the service's host.
        with contextlib.suppress(httpx.InvalidURL):
            proxy_url = httpx.URL(proxy)
            host = proxy_url.host
            port = proxy_url.port or {"https": 443, "http": 80}.get(proxy_url.scheme)
        where += (  # (the transport put it there masked)
            f" through the proxy {proxy} (from HTTP_PROXY, HTTPS_PROXY or "
            "ALL_PROXY; NO_PROXY lists the hosts to reach directly)"
        )
    if isinstance(exc, httpx.LocalProtocolError):
        # What h11 says quotes the offending header value, which may be a credential.
        return APIConnectionError(
            request,
            f"{where}: the request is not valid HTTP, so it was not sent (a header name or "
            "value holds a character HTTP does not allow; it is not shown). (HINT: check "
            "the headers you set, and strip line breaks from values read from files.)",
        )
    #: the setting that named the host that failed
    setting = "base_url" if behalf is None else "token_url"
    root = _root_cause(exc)
    detail = _redacted_detail(root if root is not None else exc)
    if isinstance(root, socket.gaierror):
        return APIConnectionError(
            request,
            f"{where}: could not resolve host {host!r} ({detail}). (HINT: check the host name "
            + (
                "in the proxy's URL, and the machine's DNS.)"
                if proxy is not None
                else f"in {setting}, and the machine's DNS or proxy settings.)"
            ),
            cause="dns",
        )
    if isinstance(root, ConnectionRefusedError):
        return APIConnectionError(
            request,
            f"{where}: connection refused by {host}:{port} ({detail}). (HINT: nothing listens "
            + (
                "there: check the proxy's address.)"
                if proxy is not None
                else f"there: check {setting}'s host and port, or start the sandbox.)"
            ),
            cause="refused",
        )
    if isinstance(root, ssl.SSLError):
        hint = (
            "the server's certificate is not trusted here: for a private CA set "
            f"SSL_CERT_FILE, or check the host name in {setting}"
            if isinstance(root, ssl.SSLCertVerificationError)
            else f"check that {setting}'s scheme matches the server (https for TLS, http for "
            "a plain server such as the sandbox)"
        )
        return APIConnectionError(
            request, f"{where}: TLS handshake failed ({detail}). (HINT: {hint}.)", cause="tls"
        )
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)) or (
        isinstance(root, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError))
    ):
        return APIConnectionError(
            request,
            f"{where}: the connection was closed before an answer ({detail}). (HINT: the "
            "service or a proxy dropped it; retried calls that still fail point at a proxy "
            "or a firewall between you and the service.)",
            cause="dropped",
        )
    return APIConnectionError(
        request, f"{where}: connection error ({detail}). (HINT: check {setting}.)"
    )


def _root_cause(exc: BaseException) -> BaseException | None:
    """The first OS or TLS error under ``exc``: through ``__cause__``/``__context__`` and
    into exception groups (anyio reports each failed connection attempt in one)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, (ssl.SSLError, socket.gaierror, ConnectionError)):
            return current
        # An exception group (BaseExceptionGroup from Python 3.11, exceptiongroup's before).
        stack.extend(getattr(current, "exceptions", ()))
        stack.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None


def _redacted_detail(error: BaseException) -> str:
    """The error's text for a message (any URL in it without user and password), or its type."""
    text = " ".join(str(error).split()) or type(error).__name__
    return redact_text(_USERINFO.sub("://", text))


_USERINFO = re.compile(r"://[^/@\s]*@")


class APIStatusError(KimonoError):
    """The service answered with an error status; ``status_code`` says which."""

    hint: str = ""
    #: An earlier attempt of this request got no answer (dropped, timed out, or a gateway's
    #: 502/504), so the service may have acted on it: a 404 may mean it already did.
    after_unanswered_attempt: bool = False

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status_code = response.status_code
        self.method = response.request.method
        self.url = redact_url(str(response.request.url))
        self.request_id = _request_id(response.headers)
        self.body = _json_or_none(response)
        error = _error_object(self.body)
        # What the service says may quote the request's credentials (a proxy echoing
        # headers, a token "revoked"): masked in the message and these fields.
        masked = _masker(response.request)
        self.code: str | None = _str_or_none(error.get("code"))
        self.error_message: str | None = masked(_str_or_none(error.get("message")))
        self.ext_message: str | None = masked(_str_or_none(error.get("ext_message")))
        self.details: str | None = masked(_str_or_none(error.get("details")))
        super().__init__(masked(self._format()))

    def _format(self) -> str:
        parts = []
        if self.request_id:
            parts.append(f"Request {self.request_id}:")
        parts.append(f"{self.method} {self.url} returned {self.status_code}")
        reason = self.error_message or _short_text(self.response)
        if self.code:
            reason = f"[{self.code}] {reason}" if reason else f"[{self.code}]"
        if reason:
            parts[-1] += f": {reason}"
        if self.details:
            parts.append(f"({self.details})")
        if self.hint:
            parts.append(f"(HINT: {self.hint})")
        return " ".join(parts)


def _masker(request: httpx.Request) -> Callable[[str | None], Any]:
    """A function that masks, in a text, what looks like a credential and the
    credentials ``request`` carried (its bearer token; a basic password)."""
    secrets: list[str] = []
    scheme, _, credential = request.headers.get("authorization", "").partition(" ")
    if credential:
        secrets.append(credential)
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError, UnicodeDecodeError):
                password = base64.b64decode(credential).decode().partition(":")[2]
                secrets.append(password)
    secrets = [secret for secret in secrets if len(secret) >= 6]

    def masked(text: str | None) -> Any:
        if text is None:
            return None
        for secret in secrets:
            text = text.replace(secret, MASK)
        return redact_text(text)

    return masked


class BadRequestError(APIStatusError):
    """400: a parameter or the body is invalid."""

    hint = "check the parameters and the body against the API reference."


class UnauthorizedError(APIStatusError):
    """401: no valid credentials (the SDK already refreshed the token once)."""

    hint = "check the client id and secret, and that the tenant is still authorized."


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but may not do this."""

    hint = "the actor these credentials belong to lacks access; check the tenant's license."


class NotFoundError(APIStatusError):
    """404: no object with this id (or, for a bulk acknowledgement, some ids are unknown)."""


class ConflictError(APIStatusError):
    """409: the object is not in a state that allows the change."""


class UnprocessableEntityError(APIStatusError):
    """422: the request is well-formed but cannot be processed."""


class RateLimitError(APIStatusError):
    """429: too many requests; the SDK already waited and retried as configured."""

    hint = "slow down, or raise max_retries so the SDK waits out Retry-After."


class InternalServerError(APIStatusError):
    """5xx: the service failed (any status from 500 up, including non-standard ones like 520)."""


class TokenServiceError(APIStatusError):
    """The token endpoint was busy or failing (429, 5xx) after the retries: try again later.

    Not a question of credentials: an :class:`AuthenticationError` says those were refused.
    """

    hint = "the token service is busy or failing; try again later."


_STATUS_ERRORS: Mapping[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The error for an error response; reads the body if it was not read yet."""
    if not response.is_closed:
        response.read()
    status = response.status_code
    cls = _STATUS_ERRORS.get(status)
    if cls is None:
        cls = InternalServerError if status >= 500 else APIStatusError
    return cls(response)


def _request_id(headers: httpx.Headers) -> str | None:
    for name in REQUEST_ID_HEADERS:
        if name in headers:
            return headers[name]
    return None


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return _json.loads(response.content) if response.content else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _error_object(body: Any) -> dict[str, Any]:
    """The ErrorType fields, whether the body is an ErrorType or wraps one in ``error``."""
    if not isinstance(body, dict):
        return {}
    nested = body.get("error")
    return nested if isinstance(nested, dict) else body


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _short_text(response: httpx.Response) -> str:
    """A short, single-line excerpt of a non-JSON body (e.g. an HTML error page's title)."""
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return ""
    lowered = text.lower()
    start = lowered.find("<title>")
    if start != -1:
        end = lowered.find("</title>", start)
        if end != -1:
            text = text[start + len("<title>") : end]
    text = " ".join(text.split())
    return text[:200] + ("..." if len(text) > 200 else "")
