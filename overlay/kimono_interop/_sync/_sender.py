# Written by scripts/unasync.py from kimono_interop/_async/_sender.py: edit that file,
# then run `make generate`.
"""The send loop every call of the SDK goes through: retries, timeouts and error mapping.

Requests are built by the resources from the operation table (``_operations.py``,
generated from the contract), so paths come from the spec; the sender sends them through
one httpx client, retries what is safe to retry (see :mod:`kimono_interop._retry`),
turns transport failures and error statuses into the SDK's exceptions, and logs
each exchange on the ``kimono_interop`` logger with secrets redacted.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from .. import _settings as settings
from .._constants import DEFAULT_MAX_RESPONSE_SIZE, RETRY_EXTENSION
from .._exceptions import (
    GATEWAY_STATUSES,
    NOT_SENT_ERRORS,
    APIConnectionError,
    APIStatusError,
    ClientClosedError,
    ResponseTooLargeError,
    error_from_response,
    failed_request,
    transport_error,
)
from .._logging import log_response, log_retry
from .._retry import RetryPolicy
from .._transports import Deadline, decoded_chunks
from .._types import NOT_GIVEN, NotGiven, Sleep, Timeout

#: The auth of a request whose caller gave its Authorization header: sends it as it is.
AS_GIVEN = httpx.Auth()


def _reached(exc: httpx.HTTPError, request: httpx.Request) -> bool:
    """Whether the attempt that failed with ``exc`` may have reached the service: an error
    of ``request`` itself (not of the token request the auth flow sent for it) once sent."""
    if isinstance(exc, NOT_SENT_ERRORS):
        return False
    # (the exchange's own deadline names no request: taken for request's, maybe sent)
    return failed_request(exc, request) is request


class Sender:
    """Sends requests through one httpx client with the SDK's retry and error rules."""

    def __init__(
        self,
        http: httpx.Client,
        retry: RetryPolicy,
        *,
        deadline: float | None = None,
        deadline_given: bool = True,
        max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.http = http
        self.retry = retry
        #: Seconds one exchange may take in all (connect, send, answer); None for no limit.
        self.deadline = deadline
        #: Whether ``deadline`` was given (kept whatever a call's timeout), or follows the
        #: client's timeout (a call with its own timeout gets that one's default).
        self.deadline_given = deadline_given
        #: Most bytes an answer may have once decoded; a larger one is not read.
        self.max_response_size = max_response_size
        self._sleep = sleep

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> httpx.Response:
        """Send one request, retrying as the policy allows; return a 2xx response or raise.

        An ``Authorization`` in ``headers`` is sent instead of what the client's auth sets.
        """
        if self.http.is_closed:
            raise ClientClosedError()
        method = method.upper()
        if not isinstance(timeout, NotGiven):
            timeout = settings.timeout(timeout)
        request = self.http.build_request(
            method,
            url,
            params=params,
            json=json,
            content=content,
            headers=headers,
            timeout=self.http.timeout if isinstance(timeout, NotGiven) else timeout,
        )
        # The default deadline follows the timeout: this call's, when it has its own (a
        # deadline the client was given stays).
        deadline = (
            self.deadline
            if isinstance(timeout, NotGiven) or self.deadline_given
            else settings.default_deadline(timeout)
        )
        request.extensions[RETRY_EXTENSION] = self.retry  # for the token flow's retries
        given = "Authorization" in httpx.Headers(headers)
        auth = AS_GIVEN if given else httpx.USE_CLIENT_DEFAULT
        attempt = 0
        # Whether an earlier attempt may have reached the service without its answer
        # reaching us: then "not found" may only mean that attempt already did the work.
        unanswered = False
        while True:
            started = time.perf_counter()
            unchained: APIConnectionError | None = None
            try:
                with Deadline(deadline) as bound:
                    response = self.http.send(request, stream=True, auth=auth)
                    self._read(response, bound)
            except httpx.HTTPError as exc:
                if self.retry.should_retry_error(method, exc, attempt):
                    unanswered = unanswered or _reached(exc, request)
                    self._wait(attempt, None, request, type(exc).__name__)
                    attempt += 1
                    continue
                lost = transport_error(exc, request)
                lost.may_have_reached = unanswered or _reached(exc, request)
                # h11's refusal of a header quotes its value, which may be a credential, and
                # a token request's error holds that request, whose body holds the client
                # secret: raised out of this block, neither chained nor as its context, so
                # that no traceback or attribute shows them
                quiet = isinstance(exc, httpx.LocalProtocolError)
                if not quiet and failed_request(exc, request) is request:
                    raise lost from exc
                unchained = lost
            except APIStatusError as exc:  # from the token flow (TokenServiceError...)
                exc.after_unanswered_attempt = exc.after_unanswered_attempt or unanswered
                raise
            if unchained is not None:
                raise unchained
            log_response(response, time.perf_counter() - started, attempt)
            if response.is_success:
                return response
            if self.retry.should_retry_response(method, response, attempt):
                unanswered = unanswered or response.status_code in GATEWAY_STATUSES
                response.close()
                self._wait(attempt, response, request, str(response.status_code))
                attempt += 1
                continue
            error = error_from_response(response)
            error.after_unanswered_attempt = unanswered
            raise error

    def _read(self, response: httpx.Response, deadline: Deadline) -> None:
        """Read the body in chunks: at most ``max_response_size`` bytes, within the deadline."""
        limit = self.max_response_size
        try:
            declared = int(response.headers.get("content-length", "0"))
        except ValueError:
            declared = 0
        chunks: list[bytes] = []
        size = 0
        try:
            if declared > limit:
                raise ResponseTooLargeError(response, limit)
            # Decoded, gzip a step at a time: a gzip bomb counts in full, and never takes
            # more memory than the limit and one step.
            for chunk in decoded_chunks(response):
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLargeError(response, limit)
                deadline.check()
                chunks.append(chunk)
        finally:
            response.close()
        # What httpx's own read() stores; the body is then there for .content and .json().
        response._content = b"".join(chunks)
        # httpx's response and its stream refer to each other, a cycle that only the cyclic
        # collector frees; the SDK pauses that collector while it reads pages
        # (_parsing.gc_paused), so each page's body would wait for a full collection (RSS
        # grew by ~80 MB over 1M persons). The body is read: a plain stream over it breaks
        # the cycle, and the response goes when its last reference does.
        response.stream = httpx.ByteStream(response._content)

    def _wait(
        self, attempt: int, response: httpx.Response | None, request: httpx.Request, why: str
    ) -> None:
        delay = self.retry.delay(attempt, response)
        log_retry(request, why, delay, attempt, self.retry.max_retries)
        self._sleep(delay)
