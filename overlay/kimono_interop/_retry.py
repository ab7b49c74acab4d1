"""Retry decisions for the SDK's HTTP client: whether to retry, and how long to wait first.

This module is the pure decision logic behind the client's retries, modelled on
openai-python: a :class:`RetryPolicy` says whether a failed attempt (an HTTP
response or an ``httpx`` transport error) may be retried, given the request method
and how many retries have been made already, and how many seconds to wait before
the next one, honouring the server's ``Retry-After`` (or ``retry-after-ms``)
header up to a cap and otherwise backing off exponentially with full jitter. It
performs no I/O and never sleeps; the client calls it from its send loop and does
the waiting itself, which keeps every rule here testable without a clock or a
network.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["IDEMPOTENT_METHODS", "RetryPolicy", "parse_retry_after"]

IDEMPOTENT_METHODS: frozenset[str] = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
"""Methods that may be repeated safely after the request has reached the server.

Any other method (POST, PATCH, ...) is retried only when the request certainly
never left the client, since repeating it could apply its effect twice.
"""

# A request that failed with one of these never reached the server, so it is safe
# to repeat whatever its method.
_NEVER_SENT_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)

# Transport errors that the same request would raise again: retrying cannot help.
_DETERMINISTIC_ERRORS: tuple[type[httpx.HTTPError], ...] = (
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)

# Stricter than float(): that would also take "nan", "inf", "1e3", "1_0", "+3" and
# "-3", none of which a server means as a delay.
_DECIMAL_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def parse_retry_after(headers: httpx.Headers, *, now: datetime) -> float | None:
    """Return how many seconds the server asked the client to wait, or None.

    Reads ``retry-after-ms`` (milliseconds) first, because it is the more precise
    of the two, then ``Retry-After``: either delta-seconds (``"3"``; a fraction
    such as ``"1.5"`` is accepted too) or an HTTP-date per RFC 9110, measured from
    ``now``. A date (or ``now``) without a time zone is taken to be UTC, as every
    HTTP-date is. The result is always finite and ``>= 0``: a missing, malformed,
    negative or non-finite value, or a date already in the past, gives None, so
    that the caller falls back to its own backoff. No upper cap is applied here;
    that is the policy's job (see :attr:`RetryPolicy.max_retry_after`).
    """
    millis = _parse_decimal(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000.0

    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _parse_decimal(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value.strip())
    # ValueError on Python >= 3.10 for most junk; TypeError/IndexError/OverflowError
    # still escape from some malformed inputs, and a bad header must not crash a retry.
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    seconds = (_as_utc(when) - _as_utc(now)).total_seconds()
    # A past date is treated like a missing header rather than "retry now": with a
    # client clock running ahead every date looks past, and 0 would drop the backoff.
    if seconds < 0 or not math.isfinite(seconds):
        return None
    return seconds


def requested_wait(error: BaseException, policy: RetryPolicy) -> float | None:
    """The wait a 429 or 503 answer behind ``error`` asked for (``Retry-After``, see
    :func:`parse_retry_after`), cut to the policy's ``max_retry_after``; None if it asked
    for none. For loops that wait out an outage after the client's own retries."""
    response = getattr(error, "response", None)
    if not isinstance(response, httpx.Response) or response.status_code not in (429, 503):
        return None
    asked = parse_retry_after(response.headers, now=datetime.now(timezone.utc))
    return None if asked is None else min(asked, policy.max_retry_after)


def _parse_decimal(value: str | None) -> float | None:
    """Parse a non-negative decimal number of units, or return None."""
    if value is None:
        return None
    text = value.strip()
    if not _DECIMAL_SECONDS.fullmatch(text):
        return None
    number = float(text)
    # Hundreds of digits overflow to inf; that is junk, not "wait forever".
    return number if math.isfinite(number) else None


def _as_utc(moment: datetime) -> datetime:
    """Make ``moment`` time-zone aware, reading a naive one as UTC."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _check_attempt(attempt: int) -> None:
    """Reject a negative attempt number, which can only be a caller's bug."""
    if attempt < 0:
        raise ValueError(f"attempt must be >= 0, got {attempt!r}")


def _is_number(value: object) -> bool:
    """True for an int or float that is not a bool."""
    # bool is an int subclass; True as a delay or count is almost surely a mistake.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a failed request, and how long to wait before doing so.

    ``attempt`` in every method is the 0-based number of the retry being
    considered, i.e. how many retries have already been made: the first failure
    is attempt 0, and no retry is allowed once ``attempt >= max_retries``.

    Fields:

    * ``max_retries`` -- retries after the first try; 0 disables retrying.
    * ``initial_delay`` -- backoff ceiling, in seconds, before the first retry;
      it doubles with every further retry.
    * ``max_delay`` -- the most the backoff ceiling grows to, in seconds.
    * ``max_retry_after`` -- the longest server-requested ``Retry-After`` that
      is honoured; longer requests are cut to this.
    * ``retry_statuses`` -- response status codes worth retrying.

    An invalid value raises ValueError naming the field.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    retry_statuses: frozenset[int] = frozenset({429, 502, 503, 504})

    def __post_init__(self) -> None:
        """Validate the fields, raising ValueError that names the offending one."""
        if not (isinstance(self.max_retries, int) and not isinstance(self.max_retries, bool)):
            raise ValueError(f"max_retries must be an int, got {self.max_retries!r}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries!r}")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if not (_is_number(value) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
        if self.max_delay < self.initial_delay:
            raise ValueError(
                f"max_delay must be >= initial_delay ({self.initial_delay!r}), "
                f"got {self.max_delay!r}"
            )
        # A plain set would make the frozen dataclass unhashable, and a list would
        # make membership tests silently slower; insist on the declared type.
        if not isinstance(self.retry_statuses, frozenset):
            raise ValueError(
                f"retry_statuses must be a frozenset, got {type(self.retry_statuses).__name__}"
            )
        for status in self.retry_statuses:
            if not (isinstance(status, int) and not isinstance(status, bool)) or not (
                100 <= status <= 599
            ):
                raise ValueError(f"retry_statuses must hold HTTP status codes, got {status!r}")

    def should_retry_response(self, method: str, response: httpx.Response, attempt: int) -> bool:
        """Return True if ``response`` to a ``method`` request should be retried.

        Only idempotent methods (:data:`IDEMPOTENT_METHODS`) are retried on a
        response: a POST or PATCH that got one has reached the server and may
        have taken effect. For those, a server's ``x-should-retry: true`` or
        ``false`` decides; without it (or with another value) the status must be
        in ``retry_statuses``. Never past ``max_retries``.
        """
        _check_attempt(attempt)
        if attempt >= self.max_retries or method.upper() not in IDEMPOTENT_METHODS:
            return False
        # The server knows better than a fixed status list whether a repeat can
        # succeed, e.g. a 503 for maintenance that will last hours.
        hint = response.headers.get("x-should-retry", "").strip().lower()
        if hint == "true":
            return True
        if hint == "false":
            return False
        return response.status_code in self.retry_statuses

    def should_retry_error(self, method: str, error: httpx.HTTPError, attempt: int) -> bool:
        """Return True if a ``method`` request that raised ``error`` should be retried.

        Idempotent methods are retried on any transport error (timeouts,
        connect, read and write errors, remote protocol errors, proxy errors),
        except those the same request would certainly raise again
        (``UnsupportedProtocol``, ``LocalProtocolError``). Other methods are
        retried only when the request never reached the server:
        ``ConnectError``, ``ConnectTimeout`` and ``PoolTimeout``. Errors that are
        not transport errors (``HTTPStatusError``, ``TooManyRedirects``,
        ``DecodingError``, ...) are never retried. Never past ``max_retries``.
        """
        _check_attempt(attempt)
        if attempt >= self.max_retries:
            return False
        if isinstance(error, _NEVER_SENT_ERRORS):
            return True
        if method.upper() not in IDEMPOTENT_METHODS:
            return False
        # TimeoutException is itself a TransportError; both are named to match the
        # documented contract rather than rely on httpx's hierarchy.
        if isinstance(error, _DETERMINISTIC_ERRORS):
            return False
        return isinstance(error, (httpx.TimeoutException, httpx.TransportError))

    def delay(
        self,
        attempt: int,
        response: httpx.Response | None = None,
        *,
        now: datetime | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Return the seconds to wait before retry number ``attempt`` (0-based).

        If ``response`` carries a usable ``retry-after-ms`` or ``Retry-After``
        (see :func:`parse_retry_after`; an HTTP-date is measured from ``now``,
        by default the current UTC time), that is returned, cut to
        ``max_retry_after``. Otherwise, including when the header is malformed,
        negative or a past date, the result is exponential backoff with full
        jitter: ``rand() * min(max_delay, initial_delay * 2**attempt)``.
        ``rand`` must return a number in ``[0, 1]``.
        """
        _check_attempt(attempt)
        if response is not None:
            when = now if now is not None else datetime.now(timezone.utc)
            retry_after = parse_retry_after(response.headers, now=when)
            if retry_after is not None:
                return min(retry_after, self.max_retry_after)
        try:
            ceiling = min(self.max_delay, math.ldexp(self.initial_delay, attempt))
        # 2**attempt beyond float range: the ceiling was capped long before.
        except OverflowError:
            ceiling = self.max_delay
        # Full jitter (rather than openai's 0.75-1.0 band) spreads clients that
        # failed together across the whole window, so they do not retry in step.
        return rand() * ceiling
