# Written by scripts/unasync.py from tests/client/_async/test_auth.py: edit that file,
# then run `make generate`.
"""OAuth2 auth in both flows: token caching, refresh, 401 retry, endpoint errors, redaction.

Everything runs against ``httpx.MockTransport``: a fake token endpoint and a fake API that
count what they receive (tests.support.auth). Expiry is driven by a fake clock. The
tests of one flow only (threads, event loops, a flow driven by hand) are in
``tests/client/test_auth.py``.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from kimono_interop import KimonoClient, __version__
from kimono_interop._auth import BasicAuth, BearerToken, OAuth2ClientCredentials
from kimono_interop._exceptions import AuthenticationError, TokenServiceError
from kimono_interop._retry import RetryPolicy
from tests.support.auth import (
    CLIENT_ID,
    DATA_BASE,
    INTEROP_BASE,
    SECRET,
    TOKEN_URL,
    FakeClock,
    FakeService,
    make_auth,
    token_service,
)
from tests.support.mock_service import MockService

ORG = "2a4a2e06-7755-43bb-9766-4f398079ef8c"


def client_for(service: FakeService, auth: httpx.Auth, base_url: str = DATA_BASE) -> httpx.Client:
    """An HTTP client at ``base_url`` that authenticates with ``auth`` against ``service``."""
    return httpx.Client(
        base_url=base_url, auth=auth, transport=httpx.MockTransport(service.handler)
    )


def get_people(client: httpx.Client, times: int = 1) -> list[int]:
    """The statuses of ``times`` GET /people."""
    statuses = []
    for _ in range(times):
        response = client.get("/people")
        statuses.append(response.status_code)
    return statuses


# --- caching -----------------------------------------------------------------------------


def test_token_is_fetched_once_and_reused() -> None:
    """Many API requests on one client cost one token request, and all carry that token."""
    service = FakeService()
    with client_for(service, make_auth()) as client:
        assert get_people(client, 5) == [200] * 5
    assert len(service.token_requests) == 1
    assert service.used_tokens() == ["tok-1"] * 5


def test_two_clients_sharing_the_instance_share_the_token() -> None:
    """The cache lives on the auth instance: two clients at different base paths fetch once."""
    service = FakeService()
    auth = make_auth()
    with (
        client_for(service, auth, DATA_BASE) as data,
        client_for(service, auth, INTEROP_BASE) as api,
    ):
        for _ in range(3):
            assert (data.get("/people")).status_code == 200
            assert (api.get("/tenants")).status_code == 200
    assert len(service.token_requests) == 1
    paths = {path for path, _, _ in service.api_calls}
    assert paths == {"/v2/interop/data/people", "/v2/interop/tenants"}
    assert set(service.used_tokens()) == {"tok-1"}


def test_invalidate_drops_the_cached_token() -> None:
    """After invalidate(), the next request gets a new token."""
    service = FakeService()
    auth = make_auth()
    with client_for(service, auth) as client:
        client.get("/people")
        auth.invalidate()
        client.get("/people")
    assert service.used_tokens() == ["tok-1", "tok-2"]


# --- the token request ---------------------------------------------------------------------


def test_token_request_is_a_form_with_credentials_in_the_body() -> None:
    """POST to token_url with a urlencoded form of exactly the three fields, and no Basic auth."""
    service = FakeService()
    with client_for(service, make_auth()) as client:
        client.get("/people")
    (token_request,) = service.token_requests
    assert token_request.method == "POST"
    assert str(token_request.url) == TOKEN_URL
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_request.headers
    form = parse_qs(token_request.content.decode(), strict_parsing=True)
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [SECRET],
    }


def test_the_token_request_carries_the_user_agent_of_the_request_that_needed_it() -> None:
    """The token request goes out with the User-Agent of the API request it serves: the
    SDK's through the client, an application's own through its own httpx client."""
    service = MockService(body={"data": {"$sys": {"id": ORG}}})
    with service.client(KimonoClient) as kimono:
        kimono.rostering.orgs.get(ORG)
    token_request, api_request = service.calls
    assert token_request.url.path == "/oauth/token"
    assert token_request.headers["User-Agent"] == f"kimono-interop-python/{__version__}"
    assert api_request.headers["User-Agent"] == token_request.headers["User-Agent"]
    fake = FakeService()
    transport = httpx.MockTransport(fake.handler)
    headers = {"User-Agent": "district-sync/3.1"}
    with httpx.Client(
        base_url=DATA_BASE, auth=make_auth(), transport=transport, headers=headers
    ) as client:
        client.get("/people")
    assert fake.token_requests[0].headers["User-Agent"] == "district-sync/3.1"


def test_the_token_request_is_logged_in_one_line_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each token exchange is one DEBUG line on the SDK's logger, as an API exchange is:
    method, token URL, status and time (and the retry it was); neither the form (the
    client secret) nor the answer (the token) shows."""
    answers = iter([503, 200])

    def answer_token(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        body = {"access_token": "tok-SECRET-41f", "expires_in": 60} if status == 200 else {}
        return httpx.Response(status, json=body, headers={"Retry-After": "0"})

    caplog.set_level(logging.DEBUG, logger="kimono_interop")
    transport = token_service(answer_token)
    with httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport) as c:
        c.get("/people")
    lines = [r.getMessage() for r in caplog.records if "/oauth/token" in r.getMessage()]
    assert len(lines) == 2, lines
    exchange = rf"POST {re.escape(TOKEN_URL)} -> {{}} in \d+\.\d\d\ds"
    assert re.fullmatch(exchange.format(503), lines[0])
    assert re.fullmatch(exchange.format(200) + r" \(retry 1\)", lines[1])
    assert all(r.levelno == logging.DEBUG for r in caplog.records if "/oauth/" in r.getMessage())
    assert SECRET not in caplog.text and "tok-SECRET" not in caplog.text


# --- expiry ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires_in", "steps", "expected"),
    [
        # 600 s with the default 60 s margin: reused until 540 s have passed, then renewed.
        (600, [0, 539.9, 0.1, 0], ["tok-1", "tok-1", "tok-2", "tok-2"]),
        # 30 s is shorter than twice the margin: refresh after 15 s (half), not at once.
        (30, [0, 14.9, 0.1], ["tok-1", "tok-1", "tok-2"]),
        # No (or a nonsensical) expires_in is taken as 3600 s: refresh at 3540 s.
        (None, [0, 3539, 1], ["tok-1", "tok-1", "tok-2"]),
        ("soon", [0, 3539, 1], ["tok-1", "tok-1", "tok-2"]),
        (True, [0, 3539, 1], ["tok-1", "tok-1", "tok-2"]),
        (-5, [0, 3539, 1], ["tok-1", "tok-1", "tok-2"]),
        # Some servers send expires_in as a string: "120" means 120 s (margin 60).
        ("120", [0, 60], ["tok-1", "tok-2"]),
    ],
    ids=["600", "30-half", "none", "soon", "true", "negative", "numeric-string"],
)
def test_the_token_is_refreshed_when_its_margin_is_reached(
    expires_in: Any, steps: list[float], expected: list[str]
) -> None:
    """One request after each advance of the clock: the tokens they carry show exactly when
    a new one was fetched (never early, never late)."""
    clock = FakeClock()
    service = FakeService(expires_in=expires_in)
    with client_for(service, make_auth(clock)) as client:
        for seconds in steps:
            clock.advance(seconds)
            client.get("/people")
    assert expected == service.used_tokens()


# --- 401 ---------------------------------------------------------------------------------


def test_401_refreshes_the_token_once_and_resends_the_request() -> None:
    """The API refuses tok-1: one new token is fetched and the same request (body included)
    is sent again with it; the caller sees the 200."""
    service = FakeService()
    service.accepted = {"tok-2"}
    with client_for(service, make_auth()) as client:
        response = client.post("/tasks", json={"action": "MERGE"})
    assert response.status_code == 200
    assert len(service.token_requests) == 2
    assert service.used_tokens() == ["tok-1", "tok-2"]
    assert [body for _, _, body in service.api_calls] == [b'{"action":"MERGE"}'] * 2


def test_second_401_is_returned_to_the_caller() -> None:
    """If the new token is refused too, that 401 is returned as is: no third try, no loop;
    the next call starts again with a new token."""
    service = FakeService()
    with client_for(service, make_auth()) as client:
        service.accepted = {"tok-2"}
        first = client.get("/people")
        service.accepted = set()
        second = client.get("/people")
    assert (first.status_code, second.status_code) == (200, 401)
    assert service.used_tokens() == ["tok-1", "tok-2", "tok-2", "tok-3"]


# --- token endpoint failures ---------------------------------------------------------------

CREDENTIALS = "check KIMONO_CLIENT_ID / KIMONO_CLIENT_SECRET and token_url"
RETRY_LATER = "token service is busy or failing; try again later"
WRONG_ENDPOINT = "check that token_url is the OAuth2 token endpoint"

# name -> (what the token endpoint answers, made afresh for each test; the hint to give)
FAILURES: dict[str, tuple[Callable[[], httpx.Response], str]] = {
    "400 invalid_client": (
        lambda: httpx.Response(
            400, json={"error": "invalid_client", "error_description": f"bad secret {SECRET}"}
        ),
        CREDENTIALS,
    ),
    "401 echoing the secret": (
        lambda: httpx.Response(401, text=f"client_secret={SECRET} refused"),
        CREDENTIALS,
    ),
    "200 HTML login page": (
        lambda: httpx.Response(200, html=f"<html><form>{SECRET}</form></html>"),
        WRONG_ENDPOINT,
    ),
    "200 not JSON": (
        lambda: httpx.Response(200, text="access_token=tok-leak&expires_in=3600"),
        WRONG_ENDPOINT,
    ),
    "200 truncated JSON": (
        lambda: httpx.Response(200, text='{"access_token": "tok-leak", "exp'),
        WRONG_ENDPOINT,
    ),
    "200 JSON list": (lambda: httpx.Response(200, json=["tok-leak"]), WRONG_ENDPOINT),
    "200 JSON without access_token": (
        lambda: httpx.Response(200, json={"token": "tok-leak"}),
        CREDENTIALS,
    ),
    "200 empty access_token": (lambda: httpx.Response(200, json={"access_token": ""}), CREDENTIALS),
    # Sent as they are, these would fail inside httpx/h11 with the token in the message.
    "200 access_token with CR LF": (
        lambda: httpx.Response(200, json={"access_token": "tok-leak\r\nX-Injected: 1"}),
        WRONG_ENDPOINT,
    ),
    "200 non-ASCII access_token": (
        lambda: httpx.Response(200, json={"access_token": "tok-leak-\u00e9"}),
        WRONG_ENDPOINT,
    ),
    "200 access_token with a space": (
        lambda: httpx.Response(200, json={"access_token": "Bearer tok-leak"}),
        WRONG_ENDPOINT,
    ),
}


def full_text(error: BaseException) -> str:
    """Everything an error can show: its formatted traceback and its repr."""
    return "".join(traceback.format_exception(error)) + repr(error)


@pytest.mark.parametrize("case", list(FAILURES))
def test_token_endpoint_failure_raises_authentication_error_without_secrets(
    case: str,
) -> None:
    """Any unusable token response raises AuthenticationError with the status and a hint
    that fits the failure; neither the message nor the formatted traceback shows the secret
    or token text."""
    answer, hint = FAILURES[case]
    status = answer().status_code
    transport = token_service(lambda request: answer())
    with httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport) as c:
        with pytest.raises(AuthenticationError) as caught:
            c.get("/people")
    error = caught.value
    assert error.status_code == status
    assert f"{TOKEN_URL} answered HTTP {status}" in str(error)
    assert hint in str(error)
    assert ("s3cr3t" in full_text(error), "tok-leak" in full_text(error)) == (False, False)


@pytest.mark.parametrize(
    ("status", "answer", "requests"),
    [
        (500, {"text": f"upstream exploded {SECRET}"}, 1),
        (502, {"html": "<html><title>Bad gateway</title></html>"}, 3),
        (503, {"text": "down"}, 3),
        (429, {"text": "slow down"}, 3),
    ],
)
def test_a_failing_token_endpoint_is_retried_then_reported_as_such(
    status: int, answer: dict[str, str], requests: int
) -> None:
    """What the policy retries (429, 502-504) is retried (2 retries), then TokenServiceError
    names the status and says to try later; the credentials are not blamed, no secret shows.
    The failure is not cached: the next call tries again, as many times."""
    calls: list[int] = []

    def answer_token(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(status, **answer)  # type: ignore[arg-type]

    transport = token_service(answer_token)
    with httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport) as c:
        for attempt in (1, 2):
            with pytest.raises(TokenServiceError) as caught:
                c.get("/people")
            assert (len(calls), caught.value.status_code) == (requests * attempt, status)
            assert RETRY_LATER in full_text(caught.value)
            assert "s3cr3t" not in full_text(caught.value)
            assert not isinstance(caught.value, AuthenticationError)


def test_oauth_error_code_is_shown() -> None:
    """The OAuth2 ``error`` code (not its free-text description) is part of the message."""
    transport = token_service(lambda r: httpx.Response(401, json={"error": "invalid_client"}))
    with httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport) as c:
        with pytest.raises(AuthenticationError, match=r"HTTP 401 \(invalid_client\)"):
            c.get("/people")


def test_secret_in_the_token_url_is_redacted_from_errors() -> None:
    """Even a secret that someone put in the token URL does not reach the message."""
    url = f"https://auth.example.test/oauth/token?client_secret={SECRET}"
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, url, clock=FakeClock())
    transport = httpx.MockTransport(lambda request: httpx.Response(400))
    with httpx.Client(base_url=DATA_BASE, auth=auth, transport=transport) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.get("/people")
    assert "s3cr3t" not in str(caught.value)
    assert "s3cr3t" not in repr(auth)


def test_a_busy_token_endpoint_is_retried_and_never_blamed_on_the_credentials() -> None:
    """503 and 429 from /oauth/token are retried like any idempotent call; after the last
    try the error says the token service failed (TokenServiceError), not the credentials."""
    base = "https://api.example.test"
    person = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"
    answers = [503, 429, 200]
    seen: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            status = answers.pop(0) if answers else 503
            seen.append(status)
            if status == 200:
                return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
            return httpx.Response(status, headers={"Retry-After": "0"}, text="busy")
        return httpx.Response(200, json={"data": {"$sys": {"id": person}}})

    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)
    transport = httpx.MockTransport(handler)
    options: dict[str, Any] = {"base_url": base, "transport": transport, "retry": policy}
    with KimonoClient("c", "s", **options) as kimono:
        found = kimono.rostering.persons.get(person)
    assert str(found.sys.id) == person
    assert seen == [503, 429, 200]
    seen.clear()
    with KimonoClient("c", "s", **options) as kimono:
        with pytest.raises(TokenServiceError) as caught:
            kimono.rostering.persons.get(person)
    assert seen == [503, 503, 503]
    assert not isinstance(caught.value, AuthenticationError)
    assert caught.value.status_code == 503
    assert "token service is busy or failing" in str(caught.value)


def test_a_token_endpoint_echoing_the_form_leaves_no_secret_in_the_error() -> None:
    """A token endpoint answering 503 with the form it got quoted back, URL-encoded and as
    it was, in its message and ext_message: TokenServiceError's message, fields and
    response hold neither spelling of the secret (nor does its request's body)."""
    secret = "p@ss w0rd!Zq9"
    encoded = "p%40ss+w0rd%21Zq9"

    def handler(request: httpx.Request) -> httpx.Response:
        body = {
            "error": {
                "code": "upstream",
                "message": f"upstream refused {request.content.decode()}",
                "ext_message": f"client id secret {secret}",
                "details": f"form: {encoded}",
            }
        }
        return httpx.Response(503, json=body)

    policy = RetryPolicy(max_retries=0)
    transport = httpx.MockTransport(handler)
    options: dict[str, Any] = {
        "base_url": "https://api.example.test",
        "transport": transport,
        "retry": policy,
    }
    with KimonoClient("c", secret, **options) as kimono:
        with pytest.raises(TokenServiceError) as caught:
            kimono.tenants.current()
    error = caught.value
    shown = [
        str(error),
        repr(error),
        "".join(traceback.format_exception(error)),
        repr(error.args),
        repr([error.error_message, error.ext_message, error.details, error.code, error.body]),
        error.response.text,
        error.response.request.content.decode(),
        repr(error.response.request.url),
    ]
    for text in shown:
        assert secret not in text and encoded not in text
    assert error.status_code == 503
    assert "token service is busy or failing" in str(error)


@pytest.mark.parametrize("expires_in", [10**400, "1e400", 10**12])
def test_an_absurd_expires_in_is_taken_as_a_year(expires_in: Any) -> None:
    """An ``expires_in`` of 400 digits raised OverflowError from the token flow; any value
    past a year is taken as a year."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            body = '{"access_token": "t", "expires_in": %s}' % (
                json.dumps(expires_in) if isinstance(expires_in, str) else expires_in
            )
            return httpx.Response(200, content=body.encode())
        return httpx.Response(200, json={"data": {"id": ORG, "name": "Tenant"}})

    transport = httpx.MockTransport(handler)
    with KimonoClient("c", "s", base_url="https://api.example.test", transport=transport) as kimono:
        assert (kimono.tenants.current()).name == "Tenant"


def test_a_busy_token_endpoint_whose_wait_would_pass_the_deadline_is_said_at_once() -> None:
    """503 with Retry-After: 3 from /oauth/token under a 1.5 s deadline: TokenServiceError
    at once, where the flow slept past the deadline (10 s) and then blamed the call's
    timeout."""
    asked: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(1)
        return httpx.Response(503, headers={"Retry-After": "3"}, text="busy")

    transport = httpx.MockTransport(handler)
    options: dict[str, Any] = {"base_url": "https://api.example.test", "transport": transport}
    with KimonoClient("c", "s", timeout=0.5, max_retries=2, **options) as kimono:
        started = time.monotonic()
        with pytest.raises(TokenServiceError):
            kimono.tenants.current()
    assert time.monotonic() - started < 1.0
    assert len(asked) == 1


def test_a_copy_without_retries_asks_the_busy_token_endpoint_once() -> None:
    """``with_options(max_retries=0)`` shares its parent's auth: the token request was
    retried by the parent's policy all the same. It now follows the calling client's."""
    asked: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(1)
        return httpx.Response(503, headers={"Retry-After": "0"}, text="busy")

    transport = httpx.MockTransport(handler)
    policy = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)
    options: dict[str, Any] = {"base_url": "https://api.example.test", "transport": transport}
    with KimonoClient("c", "s", retry=policy, **options) as kimono:
        with pytest.raises(TokenServiceError):
            kimono.with_options(max_retries=0).tenants.current()
        assert len(asked) == 1
        with pytest.raises(TokenServiceError):
            kimono.tenants.current()
        assert len(asked) == 1 + 3


# --- static tokens and redaction -------------------------------------------------------------


def test_bearer_token_sets_the_header() -> None:
    """BearerToken sends ``Authorization: Bearer <token>`` and nothing else."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    auth = BearerToken("lti.jwt.s3cr3t")
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as client:
        client.get("https://api.example.test/v2/interop/tenants")
    assert [r.headers["Authorization"] for r in seen] == ["Bearer lti.jwt.s3cr3t"]


def test_basic_auth_still_sets_the_basic_header() -> None:
    """The redacting BasicAuth builds the same header as httpx.BasicAuth."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200)

    auth = BasicAuth("user", SECRET)
    with httpx.Client(auth=auth, transport=httpx.MockTransport(handler)) as client:
        client.get("https://api.example.test/")
    request = httpx.Request("GET", "https://api.example.test/")
    next(httpx.BasicAuth("user", SECRET).auth_flow(request))
    assert seen == [request.headers["Authorization"]]


def test_oauth2_repr_and_attributes_show_no_secret_or_token() -> None:
    """repr/str show client_id and token_url with the secret as '***'; even after a token is
    cached, neither they nor the instance's attribute dump contain the secret or token."""
    service = FakeService()
    auth = make_auth()
    with client_for(service, auth) as client:
        client.get("/people")
    expected = (
        f"OAuth2ClientCredentials(client_id={CLIENT_ID!r}, client_secret='***', "
        f"token_url={TOKEN_URL!r})"
    )
    assert (repr(auth), str(auth)) == (expected, expected)
    for text in (repr(auth), str(auth), repr(vars(auth))):
        assert "s3cr3t" not in text
        assert "tok-1" not in text
