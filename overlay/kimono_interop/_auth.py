"""httpx authentication for the Kimono Interop APIs: OAuth2 client credentials, bearer, basic.

:class:`OAuth2ClientCredentials` is what most callers want: it gets an access
token from the token endpoint with the client id and secret, caches it on the
instance (so one instance can serve several clients), refreshes it shortly
before it expires, retries once with a new token when the API answers 401, and
lets only one token request be in flight at a time, whether the callers are
threads or asyncio tasks. :class:`BearerToken` sends a fixed token (such as an
LTI JWT) and :class:`BasicAuth` is httpx's basic auth. No class here shows a
secret or a token in its ``repr``, and token endpoint failures surface as
:class:`~kimono_interop._exceptions.AuthenticationError` without either.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from kimono_interop import _json
from kimono_interop._constants import MAX_TOKEN_RESPONSE_SIZE, RETRY_EXTENSION
from kimono_interop._exceptions import (
    AuthenticationError,
    ConfigurationError,
    TokenServiceError,
    without_body,
)
from kimono_interop._fork import reset_after_fork
from kimono_interop._logging import log_response
from kimono_interop._retry import RetryPolicy
from kimono_interop._secrets import redact_url
from kimono_interop._transports import aread_capped, deadline_left, read_capped

__all__ = ["BasicAuth", "BearerToken", "OAuth2ClientCredentials"]

DEFAULT_EXPIRES_IN = 3600.0
"""Seconds a token is assumed to live when the token response has no usable ``expires_in``."""

_CREDENTIALS_HINT = "check KIMONO_CLIENT_ID / KIMONO_CLIENT_SECRET"
# OAuth2 `error` codes are short ASCII words (RFC 6749 5.2); anything else might be free text
# that echoes the request, so it is left out of messages.
_OAUTH_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


class _Secret:
    """A string that shows as ``'***'`` however it is printed, so it cannot leak by accident."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__


@dataclass(frozen=True)
class _Token:
    value: _Secret
    refresh_at: float


def _replayable(request: httpx.Request) -> bool:
    # Bytes, str, JSON, form and empty bodies are held in memory as a ByteStream and can be
    # sent again; iterator and multipart bodies may already have been consumed by the first try.
    return isinstance(request.stream, httpx.ByteStream)


class OAuth2ClientCredentials(httpx.Auth):
    """OAuth2 client-credentials auth for the Kimono APIs, as an ``httpx.Auth``.

    Pass it as ``auth=`` to one or more ``httpx.Client`` / ``httpx.AsyncClient``; the token
    cache lives on this instance, so clients sharing it share the token. The token request
    goes through the same client (and transport) as the API request that needed it, with
    its timeouts and User-Agent, and is logged as an API exchange is (one DEBUG line on the
    ``kimono_interop`` logger: method, token URL, status, time; never the form or the token).

    Args:
        client_id: The OAuth2 client id (``KIMONO_CLIENT_ID``).
        client_secret: The OAuth2 client secret (``KIMONO_CLIENT_SECRET``); sent in the form
            body of the token request, never as HTTP Basic, and never shown.
        token_url: Absolute URL of the token endpoint.
        refresh_margin: Get a new token when fewer than this many seconds of its lifetime are
            left; for tokens that live less than twice as long, half their lifetime is used.
        clock: Monotonic seconds; replaceable in tests.
        retry: How a 429 or 5xx from the token endpoint is retried (the client passes its
            own policy); after the last try it raises :class:`TokenServiceError`.

    Raises:
        ConfigurationError: An argument is empty or invalid.
    """

    # The token response is read inside the flow; asking httpx to read every response would
    # also buffer API responses and defeat `client.stream(...)`.
    requires_response_body = False
    # Only in-memory bodies are resent after a 401 (see `_replayable`); buffering every
    # upload up front just in case is not worth it.
    requires_request_body = False

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not client_id:
            raise ConfigurationError(f"client_id is empty; {_CREDENTIALS_HINT}.")
        if not client_secret:
            raise ConfigurationError(f"client_secret is empty; {_CREDENTIALS_HINT}.")
        _check_token_url(token_url)
        if not (math.isfinite(refresh_margin) and refresh_margin >= 0):
            raise ConfigurationError(
                f"refresh_margin must be a finite number >= 0, got {refresh_margin!r}."
            )
        self.client_id = client_id
        self.token_url = token_url
        self.refresh_margin = float(refresh_margin)
        self._client_secret = _Secret(client_secret)
        self._clock = clock
        #: How a busy or failing token endpoint (429, 5xx) is retried; the client sets its own.
        self.retry = retry or RetryPolicy()
        self._token: _Token | None = None
        #: How many times invalidate() was called: a token asked for before the last call
        #: is used by the request that asked, and not kept.
        self._invalidations = 0
        # Guards reads and compare-and-swaps of `_token`; held briefly, never across a yield.
        self._state_lock = threading.Lock()
        # Single flight for sync flows: held while the token request is out.
        self._sync_fetch_lock = threading.Lock()
        # Single flight for async flows. An async lock belongs to one event loop (and one
        # backend), and a thread runs at most one loop at a time, so there is one per thread,
        # made on first use inside that loop.
        self._async_locks = threading.local()
        reset_after_fork(self)

    def _after_fork(self) -> None:
        # A lock another thread of the parent held at the fork stays held in the child:
        # the child starts with fresh ones (the cached token is still good).
        self._state_lock = threading.Lock()
        self._sync_fetch_lock = threading.Lock()
        self._async_locks = threading.local()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, client_secret='***', "
            f"token_url={redact_url(self.token_url)!r})"
        )

    def invalidate(self) -> None:
        """Drop the cached token; the next request gets a new one. A token being fetched
        at the time is used by the request that fetches it, and not kept."""
        with self._state_lock:
            self._token = None
            self._invalidations += 1

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Authenticate ``request`` for ``httpx.Client`` (called by httpx, not by you)."""
        for attempt in (1, 2):
            token = self._cached()
            if token is None:
                # The wait for another thread's token request is bounded by what is left
                # of this exchange's deadline (as the async flow's is, by its cancel scope).
                left = deadline_left()
                if not self._sync_fetch_lock.acquire(timeout=-1 if left is None else max(left, 0)):
                    raise httpx.ReadTimeout(
                        "the exchange passed its deadline waiting for another call's token request",
                        request=request,
                    )
                try:
                    # Whoever held the lock before us has most likely stored a token already.
                    token = self._cached()
                    policy = self._policy(request)
                    for retry in range(policy.max_retries + 1):
                        if token is not None:
                            break
                        started = time.perf_counter()
                        asked = self._invalidations
                        token_response = yield self._token_request(request)
                        read_capped(token_response, MAX_TOKEN_RESPONSE_SIZE)
                        log_response(token_response, time.perf_counter() - started, retry)
                        delay = self._transient(token_response, retry, policy)
                        if delay is None:
                            token = self._accept(token_response, asked)
                        else:
                            time.sleep(delay)
                    assert token is not None
                finally:
                    self._sync_fetch_lock.release()
            request.headers["Authorization"] = f"Bearer {token.value.reveal()}"
            response = yield request
            if not self._should_retry(response, token, attempt, request):
                return
            # Sent again: the refusal's body is not needed, and httpx would read it whole
            # first, whatever its size (the limits apply to the answers the SDK reads).
            response.close()
            response._content = b""

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Authenticate ``request`` for ``httpx.AsyncClient`` (called by httpx, not by you)."""
        for attempt in (1, 2):
            token = self._cached()
            if token is None:
                async with self._async_fetch_lock():
                    # Whoever held the lock before us has most likely stored a token already.
                    token = self._cached()
                    policy = self._policy(request)
                    for retry in range(policy.max_retries + 1):
                        if token is not None:
                            break
                        started = time.perf_counter()
                        asked = self._invalidations
                        token_response = yield self._token_request(request)
                        await aread_capped(token_response, MAX_TOKEN_RESPONSE_SIZE)
                        log_response(token_response, time.perf_counter() - started, retry)
                        delay = self._transient(token_response, retry, policy)
                        if delay is None:
                            token = self._accept(token_response, asked)
                        else:
                            await anyio.sleep(delay)
                    assert token is not None
            request.headers["Authorization"] = f"Bearer {token.value.reveal()}"
            response = yield request
            if not self._should_retry(response, token, attempt, request):
                return
            await response.aclose()  # (see sync_auth_flow)
            response._content = b""

    def _policy(self, request: httpx.Request) -> RetryPolicy:
        """How the token request is retried: by the policy of the client that sends
        ``request`` (a ``with_options(max_retries=0)`` copy's too), else this auth's own."""
        policy = request.extensions.get(RETRY_EXTENSION)
        return policy if isinstance(policy, RetryPolicy) else self.retry

    def _transient(self, response: httpx.Response, retry: int, policy: RetryPolicy) -> float | None:
        """Seconds to wait before asking again, for a 429/5xx the policy retries; else None.

        The token request changes nothing on the service, so it is retried like any
        idempotent call; the last answer, retried or not, goes to :meth:`_accept`.
        """
        if policy.should_retry_response("GET", response, retry):
            delay = policy.delay(retry, response)
            left = deadline_left()
            # A wait past the exchange's deadline would end in a timeout that blames the
            # call: the busy token service is said at once instead.
            return delay if left is None or delay < left else None
        return None

    def _should_retry(
        self, response: httpx.Response, token: _Token, attempt: int, request: httpx.Request
    ) -> bool:
        """After a 401, forget ``token`` and say whether to send ``request`` once more."""
        if response.status_code != 401:
            return False
        with self._state_lock:
            # Another flow may have replaced the token since this request was sent; that newer
            # one has not been refused and must be kept.
            if self._token is token:
                self._token = None
        return attempt == 1 and _replayable(request)

    def _cached(self) -> _Token | None:
        with self._state_lock:
            token = self._token
        if token is not None and self._clock() < token.refresh_at:
            return token
        return None

    def _async_fetch_lock(self) -> anyio.Lock:
        lock: anyio.Lock | None = getattr(self._async_locks, "lock", None)
        if lock is None:
            lock = anyio.Lock()
            self._async_locks.lock = lock
        return lock

    def _token_request(self, request: httpx.Request) -> httpx.Request:
        """The token request, with the timeouts and User-Agent of the API request that needed it.

        It is built here, not by the httpx client, so nothing of the client's is on it unless
        copied: the User-Agent is (the SDK's, through its clients), other headers are not.
        """
        extensions = (
            {"timeout": request.extensions["timeout"]} if "timeout" in request.extensions else {}
        )
        headers = {"Accept": "application/json"}
        if "User-Agent" in request.headers:
            headers["User-Agent"] = request.headers["User-Agent"]
        return httpx.Request(
            "POST",
            self.token_url,
            headers=headers,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self._client_secret.reveal(),
            },
            extensions=extensions,
        )

    def _accept(self, response: httpx.Response, asked: int) -> _Token:
        """Turn a read token response into a token, or raise AuthenticationError. The token
        is cached unless :meth:`invalidate` was called since it was ``asked`` for."""
        status = response.status_code
        if status == 429 or status >= 500:
            # The token service is busy or failing: not a question of credentials. Its
            # answer may echo the form we sent (the secret, URL-encoded or not), and the
            # request holds that form: the error keeps the status and headers of the
            # answer, and a request without its body.
            raise TokenServiceError(without_body(response))
        # (read apart: no frame that raises holds the answer, which may echo the form we
        # sent, or the token, for a traceback that shows its locals to print)
        access_token, expires_in, problem = _token_answer(response)
        if access_token is None:
            raise self._error(f"answered HTTP {status}{problem}", status)
        # Timed from when the answer arrived: the server started counting a bit earlier,
        # which the margin covers.
        received_at = self._clock()
        lifetime = _expires_in(expires_in)
        margin = min(self.refresh_margin, lifetime / 2)
        token = _Token(access_token, refresh_at=received_at + lifetime - margin)
        with self._state_lock:
            if self._invalidations == asked:
                self._token = token
        return token

    def _error(self, detail: str, status: int) -> AuthenticationError:
        message = f"Could not get a Kimono access token: {redact_url(self.token_url)} {detail}"
        return AuthenticationError(self._scrub(message), status_code=status)

    def _scrub(self, message: str) -> str:
        # Belt and braces: the secret never goes into a message, even via an odd token_url
        # or an answer that echoes it. (A secret of a few letters would mask ordinary words
        # and is no secret anyway.)
        secret = self._client_secret.reveal()
        return message.replace(secret, "***") if len(secret) >= 4 else message


def _token_answer(response: httpx.Response) -> tuple[_Secret | None, Any, str]:
    """A token answer read: ``(access token, expires_in, "")``, or ``(None, None, what is
    wrong)`` (the rest of an error message, after its status)."""
    body = _json_or_none(response)
    if not response.is_success:
        code = _oauth_error_code(body)
        return None, None, f"{f' ({code})' if code else ''}; {_CREDENTIALS_HINT} and token_url."
    if not isinstance(body, dict):
        return (
            None,
            None,
            " with a body that is not a JSON object; check that token_url is the OAuth2 "
            "token endpoint (not a login page or the API).",
        )
    access_token = body.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        return None, None, f" without an access_token; {_CREDENTIALS_HINT} and token_url."
    if not _header_safe(access_token):
        # Sent as it is, it would fail inside httpx with the token in the message.
        return (
            None,
            None,
            " with an access_token that cannot go in an HTTP header (it has a space, a "
            "control or a non-ASCII character); check that token_url is the OAuth2 token "
            "endpoint.",
        )
    return _Secret(access_token), body.get("expires_in"), ""


def _header_safe(token: str) -> bool:
    """Whether ``token`` is visible ASCII only, as a bearer token (RFC 6750) must be."""
    return token.isascii() and token.isprintable() and " " not in token


class BearerToken(httpx.Auth):
    """Sends a fixed bearer token (for example an LTI JWT) as ``Authorization: Bearer ...``.

    Args:
        token: The token; it is never shown by ``repr``.

    Raises:
        ConfigurationError: ``token`` is empty.
    """

    def __init__(self, token: str) -> None:
        if not token:
            raise ConfigurationError("The bearer token is empty.")
        if not _header_safe(token):
            raise ConfigurationError(
                "The bearer token has a space, a control or a non-ASCII character, so it "
                "cannot go in an HTTP header; pass the token alone (no 'Bearer ' prefix, "
                "no trailing newline)."
            )
        self._token = _Secret(token)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(token='***')"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the Authorization header on ``request`` (called by httpx, not by you)."""
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        yield request


class BasicAuth(httpx.BasicAuth):
    """``httpx.BasicAuth`` whose ``repr`` shows the username but not the password."""

    def __init__(self, username: str, password: str) -> None:
        super().__init__(username, password)
        self.username = username

    def __repr__(self) -> str:
        return f"{type(self).__name__}(username={self.username!r}, password='***')"

    @classmethod
    def from_api_key(cls, api_key: str) -> BasicAuth:
        """Account-level HTTP Basic: the API key as both user name and password.

        This is how the vendor's own tools call the account endpoints of the Interop
        API, such as ``GET /tenants`` (kimonocloud/client-kit-java Credentials.forAccount,
        kimonocloud/api-examples Tenants.java); the repr shows neither.
        """
        auth = cls(api_key, api_key)
        auth.username = "***"
        return auth


def _check_token_url(token_url: str) -> None:
    try:
        url = httpx.URL(token_url)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError("token_url must be an absolute http(s) URL.")


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return _json.loads(response.content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        # The body (which may hold a token) stays out of the error and its chain.
        return None


def _oauth_error_code(body: Any) -> str | None:
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, str) and _OAUTH_ERROR_CODE.fullmatch(code):
        return code
    return None


def _expires_in(value: Any) -> float:
    """``expires_in`` in seconds; a missing, non-numeric or negative value means an hour."""
    if isinstance(value, bool):
        return DEFAULT_EXPIRES_IN
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return DEFAULT_EXPIRES_IN
    if isinstance(value, int) and value >= 0:
        return float(min(value, _LONGEST_EXPIRES_IN))  # (an int of 400 digits is no float)
    if isinstance(value, float) and math.isfinite(value) and value >= 0:
        return min(value, _LONGEST_EXPIRES_IN)
    return DEFAULT_EXPIRES_IN


#: The longest lifetime a token is taken to have (a year): past it, refreshing is moot.
_LONGEST_EXPIRES_IN = 365 * 24 * 3600.0
