"""The send loop every call of the SDK goes through: retries, timeouts and error mapping.

Requests are built by the generated operation modules (their ``_get_kwargs``), so
paths and parameter names come from the contract; this module sends them through
one ``httpx.Client``, retries what is safe to retry (see :mod:`._retry`), turns
transport failures and error statuses into the SDK's exceptions, and parses
successful bodies into the generated models.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ResponseValidationError,
    error_from_response,
    redact_url,
)
from ._retry import RetryPolicy

log = logging.getLogger("kimono_interop")

T = TypeVar("T")

#: Read timeout a little above the service's own 30 s, so its 504 reaches us first.
DEFAULT_TIMEOUT = httpx.Timeout(35.0, connect=10.0)


class NotGiven:
    """Sentinel for "argument not given", which differs from ``None`` ("no timeout")."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()
Timeout = float | httpx.Timeout | None | NotGiven


class Sender:
    """Sends requests through one httpx client with the SDK's retry and error rules."""

    def __init__(
        self,
        http: httpx.Client,
        retry: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.http = http
        self.retry = retry
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
        """Send one request, retrying as the policy allows; return a 2xx response or raise."""
        method = method.upper()
        request = self.http.build_request(
            method,
            url,
            params=params,
            json=json,
            content=content,
            headers=headers,
            timeout=self.http.timeout if isinstance(timeout, NotGiven) else timeout,
        )
        attempt = 0
        while True:
            try:
                response = self.http.send(request)
            except httpx.HTTPError as exc:
                if self.retry.should_retry_error(method, exc, attempt):
                    self._wait(attempt, None, request, type(exc).__name__)
                    attempt += 1
                    continue
                if isinstance(exc, httpx.TimeoutException):
                    raise APITimeoutError(request) from exc
                if isinstance(exc, httpx.TransportError):
                    raise APIConnectionError(request) from exc
                raise
            if response.is_success:
                return response
            if self.retry.should_retry_response(method, response, attempt):
                response.close()
                self._wait(attempt, response, request, str(response.status_code))
                attempt += 1
                continue
            raise error_from_response(response)

    def _wait(
        self, attempt: int, response: httpx.Response | None, request: httpx.Request, why: str
    ) -> None:
        delay = self.retry.delay(attempt, response)
        log.info(
            "retrying %s %s after %s in %.2fs (retry %d of %d)",
            request.method,
            redact_url(str(request.url)),
            why,
            delay,
            attempt + 1,
            self.retry.max_retries,
        )
        self._sleep(delay)


def parse_model(response: httpx.Response, parse: Callable[[Any], T]) -> T:
    """Parse a successful JSON body with a generated model's ``from_dict`` (or any callable)."""
    try:
        body = response.json()
    except ValueError:
        raise ResponseValidationError("The response is not valid JSON", response=response) from None
    try:
        return parse(body)
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ResponseValidationError(
            f"The response does not match the contract ({type(exc).__name__}: {exc})",
            response=response,
        ) from exc
