"""The retry policy: which failures are retried, and how long the client waits first."""

from __future__ import annotations

import math
import random
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest

from kimono_interop._retry import IDEMPOTENT_METHODS, RetryPolicy, parse_retry_after

POLICY = RetryPolicy()
NOW = datetime(2026, 5, 9, 12, 0, 0, tzinfo=timezone.utc)
RETRIED_STATUSES = [429, 502, 503, 504]
NOT_RETRIED_STATUSES = [200, 400, 401, 404, 409, 500, 520]


def response(status: int = 503, **headers: str) -> httpx.Response:
    """A response with ``status`` and ``headers`` (underscores in names become dashes)."""
    return httpx.Response(status, headers={k.replace("_", "-"): v for k, v in headers.items()})


def never_called() -> float:
    """A ``rand`` that fails the test if the policy asks it for jitter."""
    raise AssertionError("rand() must not be called when Retry-After is honoured")


# -- defaults -------------------------------------------------------------------------


def test_defaults() -> None:
    """The default policy is 2 retries, 0.5s doubling to 8s, a 60s Retry-After cap."""
    expected = (2, 0.5, 8.0, 60.0, frozenset({429, 502, 503, 504}))
    actual = (
        POLICY.max_retries,
        POLICY.initial_delay,
        POLICY.max_delay,
        POLICY.max_retry_after,
        POLICY.retry_statuses,
    )
    assert expected == actual


def test_idempotent_methods() -> None:
    """Exactly GET, PUT, DELETE, HEAD and OPTIONS count as safe to repeat."""
    expected = frozenset({"GET", "PUT", "DELETE", "HEAD", "OPTIONS"})
    assert expected == IDEMPOTENT_METHODS


def test_policy_is_frozen_and_hashable() -> None:
    """A policy cannot be changed after creation and can be shared or used as a key."""
    with pytest.raises(AttributeError):
        POLICY.max_retries = 5  # type: ignore[misc]
    expected = hash(RetryPolicy())
    assert expected == hash(POLICY)


# -- responses --------------------------------------------------------------------------


@pytest.mark.parametrize("status", RETRIED_STATUSES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "HEAD", "OPTIONS"])
def test_idempotent_methods_retried_on_retry_statuses(method: str, status: int) -> None:
    """An idempotent request is retried on 429, 502, 503 and 504."""
    expected = True
    actual = POLICY.should_retry_response(method, response(status), 0)
    assert expected == actual


@pytest.mark.parametrize("status", NOT_RETRIED_STATUSES)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotent_methods_not_retried_on_other_statuses(method: str, status: int) -> None:
    """Success, client errors, 500 (not in the default set) and 520 are not retried."""
    expected = False
    actual = POLICY.should_retry_response(method, response(status), 0)
    assert expected == actual


@pytest.mark.parametrize("status", RETRIED_STATUSES + NOT_RETRIED_STATUSES)
@pytest.mark.parametrize("method", ["POST", "PATCH", "post", "PURGE"])
def test_non_idempotent_methods_never_retried_on_a_status(method: str, status: int) -> None:
    """POST, PATCH and unknown methods reached the server, so no status makes them retry."""
    expected = False
    actual = POLICY.should_retry_response(method, response(status), 0)
    assert expected == actual


def test_method_case_is_ignored() -> None:
    """A lower-case method name is treated like its upper-case form."""
    expected = True
    actual = POLICY.should_retry_response("get", response(503), 0)
    assert expected == actual


def test_custom_retry_statuses() -> None:
    """``retry_statuses`` replaces the default set rather than adding to it."""
    policy = RetryPolicy(retry_statuses=frozenset({500}))
    expected = (True, False)
    actual = (
        policy.should_retry_response("GET", response(500), 0),
        policy.should_retry_response("GET", response(503), 0),
    )
    assert expected == actual


def test_response_retries_stop_at_max_retries() -> None:
    """With max_retries=2, attempts 0 and 1 may retry and attempt 2 onwards may not."""
    expected = [True, True, False, False]
    actual = [POLICY.should_retry_response("GET", response(503), n) for n in range(4)]
    assert expected == actual


def test_max_retries_zero_disables_retries() -> None:
    """max_retries=0 never retries, on a response or an error."""
    policy = RetryPolicy(max_retries=0)
    expected = (False, False)
    actual = (
        policy.should_retry_response("GET", response(503), 0),
        policy.should_retry_error("GET", httpx.ConnectError("refused"), 0),
    )
    assert expected == actual


# -- x-should-retry -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "header", "expected"),
    [
        (500, "true", True),
        (200, "true", True),
        (409, " TRUE ", True),
        (503, "false", False),
        (429, "False", False),
        (503, "maybe", True),
        (500, "maybe", False),
        (503, "", True),
    ],
)
def test_x_should_retry_overrides_the_status(status: int, header: str, expected: bool) -> None:
    """``x-should-retry: true/false`` (any case) decides; any other value leaves the status."""
    actual = POLICY.should_retry_response("GET", response(status, x_should_retry=header), 0)
    assert expected == actual


def test_x_should_retry_does_not_exceed_max_retries() -> None:
    """``x-should-retry: true`` does not buy a retry beyond max_retries."""
    actual = POLICY.should_retry_response("GET", response(503, x_should_retry="true"), 2)
    expected = False
    assert expected == actual


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_x_should_retry_does_not_make_post_idempotent(method: str) -> None:
    """The header overrides only the status rule: POST and PATCH still are not retried."""
    actual = POLICY.should_retry_response(method, response(503, x_should_retry="true"), 0)
    expected = False
    assert expected == actual


# -- transport errors ------------------------------------------------------------------

NEVER_SENT = [
    httpx.ConnectError("refused"),
    httpx.ConnectTimeout("connect timed out"),
    httpx.PoolTimeout("no free connection"),
]
MAYBE_SENT = [
    httpx.ReadTimeout("read timed out"),
    httpx.ReadError("connection reset"),
    httpx.RemoteProtocolError("server hung up"),
    httpx.WriteTimeout("write timed out"),
    httpx.WriteError("broken pipe"),
]


PROXY = httpx.ProxyError("proxy down")


def error_id(error: object) -> str:
    """Name a parametrized error case by its class."""
    return type(error).__name__


#: (method, transport error, retried?): idempotent methods on any transport error; POST and
#: PATCH only when the request certainly never reached the server.
TRANSPORT_ERRORS = [
    *[(m, e, True) for m in ("GET", "PUT", "DELETE") for e in [*NEVER_SENT, *MAYBE_SENT, PROXY]],
    *[(m, e, True) for m in ("POST", "PATCH") for e in NEVER_SENT],
    *[(m, e, False) for m in ("POST", "PATCH") for e in MAYBE_SENT],
]


@pytest.mark.parametrize(
    ("method", "error", "expected"),
    [pytest.param(*case, id=f"{case[0]}-{error_id(case[1])}") for case in TRANSPORT_ERRORS],
)
def test_transport_errors_are_retried_only_when_a_resend_is_safe(
    method: str, error: httpx.HTTPError, expected: bool
) -> None:
    """An idempotent request is retried on timeouts, connect, read, protocol and proxy errors;
    POST and PATCH only when the request certainly never reached the server."""
    actual = POLICY.should_retry_error(method, error, 0)
    assert expected == actual


@pytest.mark.parametrize(
    "error",
    [
        httpx.UnsupportedProtocol("ftp:// is not supported"),
        httpx.LocalProtocolError("illegal header"),
        httpx.TooManyRedirects("redirect loop"),
        httpx.DecodingError("bad gzip"),
        httpx.HTTPStatusError(
            "503",
            request=httpx.Request("GET", "https://example.test/"),
            response=response(503),
        ),
    ],
    ids=error_id,
)
def test_errors_that_would_recur_are_not_retried(error: httpx.HTTPError) -> None:
    """Errors the same request would raise again, and non-transport errors, are final."""
    expected = False
    actual = POLICY.should_retry_error("GET", error, 0)
    assert expected == actual


def test_error_retries_stop_at_max_retries() -> None:
    """With max_retries=2, a connect error is retried at attempts 0 and 1 only."""
    error = httpx.ConnectError("refused")
    expected = [True, True, False]
    actual = [POLICY.should_retry_error("POST", error, n) for n in range(3)]
    assert expected == actual


# -- Retry-After ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": " 3 "}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "Sat, 09 May 2026 12:00:30 GMT"}, 30.0),
        ({"retry-after": "Saturday, 09-May-26 12:00:30 GMT"}, 30.0),
        ({"retry-after": "Sat May  9 12:00:30 2026"}, 30.0),
        ({"retry-after": "Sat, 09 May 2026 12:00:00 GMT"}, 0.0),
        ({"retry-after": "Sat, 09 May 2026 11:59:59 GMT"}, None),
        ({"retry-after": "120"}, 120.0),
        ({"retry-after": "-3"}, None),
        ({"retry-after": "soon"}, None),
        ({"retry-after": ""}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "1e3"}, None),
        ({"retry-after": "1_0"}, None),
        ({"retry-after": "1" * 400}, None),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250.5"}, 0.2505),
        ({"retry-after-ms": "250", "retry-after": "7"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "7"}, 7.0),
        ({"retry-after-ms": "-5"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    """Seconds, fractions, all three HTTP-date forms and milliseconds parse; junk is None.

    A date in the past gives None (not 0): a client clock running ahead would
    otherwise turn every Retry-After date into an immediate retry with no backoff.
    """
    assert expected == parse_retry_after(httpx.Headers(headers), now=NOW)


def test_parse_retry_after_naive_now_is_utc() -> None:
    """A ``now`` without a time zone is read as UTC rather than raising."""
    headers = httpx.Headers({"retry-after": "Sat, 09 May 2026 12:00:30 GMT"})
    expected = 30.0
    assert expected == parse_retry_after(headers, now=NOW.replace(tzinfo=None))


def test_parse_retry_after_respects_date_offsets() -> None:
    """An HTTP-date with a numeric offset is converted before subtracting ``now``."""
    headers = httpx.Headers({"retry-after": "Sat, 09 May 2026 14:00:30 +0200"})
    expected = 30.0
    assert expected == parse_retry_after(headers, now=NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("60", 60.0),
        ("Sat, 09 May 2026 12:00:30 GMT", 30.0),
        ("61", 60.0),
        ("3600", 60.0),
        ("Sun, 10 May 2026 12:00:00 GMT", 60.0),
    ],
)
def test_delay_honours_retry_after_up_to_the_cap(value: str, expected: float) -> None:
    """A valid Retry-After is returned as is, unjittered, and cut to max_retry_after."""
    actual = POLICY.delay(0, response(429, retry_after=value), now=NOW, rand=never_called)
    assert expected == actual


def test_delay_honours_retry_after_ms() -> None:
    """``retry-after-ms`` is honoured in seconds, and capped like Retry-After."""
    expected = (1.5, 60.0)
    actual = (
        POLICY.delay(0, response(429, retry_after_ms="1500"), now=NOW, rand=never_called),
        POLICY.delay(0, response(429, retry_after_ms="90000"), now=NOW, rand=never_called),
    )
    assert expected == actual


def test_delay_uses_a_custom_cap() -> None:
    """``max_retry_after`` sets the cap on an honoured Retry-After."""
    policy = RetryPolicy(max_retry_after=5.0)
    expected = 5.0
    actual = policy.delay(0, response(429, retry_after="30"), now=NOW, rand=never_called)
    assert expected == actual


@pytest.mark.parametrize(
    "value",
    ["soon", "-3", "-0.5", "nan", "inf", "", "Sat, 09 May 2026 11:00:00 GMT"],
)
def test_delay_falls_back_to_backoff_on_unusable_retry_after(value: str) -> None:
    """Garbage, negative, non-finite and past-date Retry-After values give the backoff."""
    actual = POLICY.delay(2, response(503, retry_after=value), now=NOW, rand=lambda: 0.25)
    expected = 0.25 * 2.0  # rand() * min(8, 0.5 * 2**2)
    assert expected == actual


def test_delay_without_retry_after_is_backoff() -> None:
    """No response, or a response without the header, gives the backoff."""
    expected = (1.0, 1.0)
    actual = (
        POLICY.delay(1, rand=lambda: 1.0),
        POLICY.delay(1, response(503), now=NOW, rand=lambda: 1.0),
    )
    assert expected == actual


def test_delay_defaults_now_to_the_current_utc_time() -> None:
    """Without ``now``, dates are measured from the real clock (far future caps, past backs off)."""
    expected = (60.0, 0.5)
    actual = (
        POLICY.delay(0, response(429, retry_after="Fri, 31 Dec 2999 23:59:59 GMT")),
        POLICY.delay(
            0, response(429, retry_after="Sun, 06 Nov 1994 08:49:37 GMT"), rand=lambda: 1.0
        ),
    )
    assert expected == actual


# -- backoff ----------------------------------------------------------------------------


def test_backoff_doubles_up_to_max_delay() -> None:
    """With rand() = 1.0 the delays are 0.5, 1, 2, 4, 8, then stay at 8."""
    expected = [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    actual = [POLICY.delay(n, rand=lambda: 1.0) for n in range(6)]
    assert expected == actual


def test_backoff_with_zero_jitter_is_zero() -> None:
    """With rand() = 0.0 every delay is 0: the jitter spans the whole window."""
    expected = [0.0] * 8
    actual = [POLICY.delay(n, rand=lambda: 0.0) for n in range(8)]
    assert expected == actual


def test_backoff_survives_huge_attempt_numbers() -> None:
    """An attempt far past float range still gives max_delay rather than OverflowError."""
    expected = [8.0, 8.0, 8.0]
    actual = [POLICY.delay(n, rand=lambda: 1.0) for n in (1023, 1024, 10**20)]
    assert expected == actual


def test_custom_backoff_settings() -> None:
    """``initial_delay`` and ``max_delay`` set the first ceiling and its cap."""
    policy = RetryPolicy(initial_delay=1.0, max_delay=3.0)
    expected = [1.0, 2.0, 3.0, 3.0]
    actual = [policy.delay(n, rand=lambda: 1.0) for n in range(4)]
    assert expected == actual


def test_full_jitter_stays_within_and_spans_the_window() -> None:
    """Random delays lie in [0, ceiling] and use the whole range, not a narrow band."""
    rng = random.Random(20260509)
    for attempt in range(10):
        ceiling = min(8.0, 0.5 * 2**attempt)
        delays = [POLICY.delay(attempt, rand=rng.random) for _ in range(2000)]
        expected: tuple[list[float], bool, bool] = ([], True, True)
        actual = (
            [d for d in delays if not 0.0 <= d <= ceiling],
            min(delays) < 0.05 * ceiling,
            max(delays) > 0.95 * ceiling,
        )
        assert expected == actual


def test_default_rand_is_used_and_bounded() -> None:
    """Without ``rand`` the module's random source is used and stays within the cap."""
    expected: list[float] = []
    actual = [d for d in (POLICY.delay(9) for _ in range(500)) if not 0.0 <= d <= 8.0]
    assert expected == actual


# -- attempt and field validation -------------------------------------------------------


def test_negative_attempt_is_rejected() -> None:
    """Every decision rejects a negative attempt number, a bug in the caller."""
    calls = [
        lambda: POLICY.should_retry_response("GET", response(503), -1),
        lambda: POLICY.should_retry_error("GET", httpx.ConnectError("refused"), -1),
        lambda: POLICY.delay(-1),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"^attempt must be >= 0"):
            call()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"initial_delay": 0}, "initial_delay"),
        ({"initial_delay": -0.5}, "initial_delay"),
        ({"initial_delay": math.nan}, "initial_delay"),
        ({"initial_delay": "0.5"}, "initial_delay"),
        ({"max_delay": 0.0}, "max_delay"),
        ({"max_delay": math.inf}, "max_delay"),
        ({"initial_delay": 2.0, "max_delay": 1.0}, "max_delay"),
        ({"max_retry_after": 0}, "max_retry_after"),
        ({"max_retry_after": -1.0}, "max_retry_after"),
        ({"max_retry_after": math.inf}, "max_retry_after"),
        ({"retry_statuses": {429}}, "retry_statuses"),
        ({"retry_statuses": frozenset({99})}, "retry_statuses"),
        ({"retry_statuses": frozenset({600})}, "retry_statuses"),
        ({"retry_statuses": frozenset({"429"})}, "retry_statuses"),
    ],
)
def test_invalid_fields_are_rejected_by_name(kwargs: dict[str, Any], field: str) -> None:
    """Each invalid setting raises ValueError whose message starts with the field's name."""
    with pytest.raises(ValueError) as raised:
        RetryPolicy(**kwargs)
    expected = field
    actual = str(raised.value).split()[0]
    assert expected == actual


def test_boundary_values_are_accepted() -> None:
    """max_retries=0, equal delays and an empty status set are valid settings."""
    policy = RetryPolicy(max_retries=0, initial_delay=1, max_delay=1, retry_statuses=frozenset())
    expected: tuple[int, float, float, frozenset[int]] = (0, 1, 1, frozenset())
    actual = (policy.max_retries, policy.initial_delay, policy.max_delay, policy.retry_statuses)
    assert expected == actual
