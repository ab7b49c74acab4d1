"""The auth classes: token caching, refresh, 401 retry, single flight, errors and redaction.

Everything runs against ``httpx.MockTransport``: a fake token endpoint and a fake API that
count what they receive. Expiry is driven by a fake clock; nothing waits for real time
except the simulated latency that makes concurrent callers overlap.
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from kimono_interop._auth import BasicAuth, BearerToken, OAuth2ClientCredentials
from kimono_interop._exceptions import AuthenticationError, ConfigurationError, TokenServiceError
from kimono_interop._retry import RetryPolicy

CLIENT_ID = "client-abc"
SECRET = "s3cr3t-CLIENT-value"
TOKEN_URL = "https://auth.example.test/oauth/token"
DATA_BASE = "https://api.example.test/v2/interop/data"
INTEROP_BASE = "https://api.example.test/v2/interop"


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class FakeService:
    """Token endpoint plus API. Tokens are ``tok-1``, ``tok-2``, ...; the API accepts only
    tokens listed in ``accepted`` (all issued ones by default) and answers 401 otherwise."""

    def __init__(self, *, expires_in: Any = 3600, token_latency: float = 0.0) -> None:
        self.expires_in = expires_in
        self.token_latency = token_latency
        self.token_requests: list[httpx.Request] = []
        # (path, token, body) as received: the flow resends the same Request object with a
        # new header, so keeping the objects would show only their last state.
        self.api_calls: list[tuple[str, str, bytes]] = []
        self.issued: list[str] = []
        self.accepted: set[str] | None = None  # None: every issued token is accepted
        self._lock = threading.Lock()

    def _issue(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.token_requests.append(request)
            token = f"tok-{len(self.token_requests)}"
            self.issued.append(token)
        body: dict[str, Any] = {"access_token": token, "token_type": "Bearer"}
        if self.expires_in is not None:
            body["expires_in"] = self.expires_in
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ")
        with self._lock:
            self.api_calls.append((request.url.path, token, request.content))
        accepted = set(self.issued) if self.accepted is None else self.accepted
        if not header.startswith("Bearer ") or token not in accepted:
            return httpx.Response(401, json={"code": "unauthorized", "message": "bad token"})
        return httpx.Response(200, json={"ok": True, "path": request.url.path})

    def handler(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            if self.token_latency:
                time.sleep(self.token_latency)
            return self._issue(request)
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            if self.token_latency:
                await asyncio.sleep(self.token_latency)
            return self._issue(request)
        return self._api(request)

    def used_tokens(self) -> list[str]:
        return [token for _, token, _ in self.api_calls]


#: Retries of a busy token endpoint without waiting (the tests count requests, not seconds).
FAST_RETRY = RetryPolicy(max_retries=2, initial_delay=0.0001, max_delay=0.0001)


def make_auth(clock: FakeClock | None = None, **kwargs: Any) -> OAuth2ClientCredentials:
    kwargs.setdefault("retry", FAST_RETRY)
    return OAuth2ClientCredentials(
        CLIENT_ID, SECRET, TOKEN_URL, clock=clock or FakeClock(), **kwargs
    )


def client_for(service: FakeService, auth: httpx.Auth, base_url: str = DATA_BASE) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, auth=auth, transport=httpx.MockTransport(service.handler)
    )


def token_service(respond: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A transport whose token endpoint answers with ``respond`` and whose API says 200."""

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return respond(request)
        return httpx.Response(200, json={})

    return httpx.MockTransport(handler)


# --- caching -----------------------------------------------------------------------------


def test_token_is_fetched_once_and_reused() -> None:
    """Many API requests on one client cost one token request, and all carry that token."""
    service = FakeService()
    with client_for(service, make_auth()) as client:
        for _ in range(5):
            assert client.get("/people").status_code == 200
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
            assert data.get("/people").status_code == 200
            assert api.get("/tenants").status_code == 200
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


def test_api_responses_stay_streamable() -> None:
    """The auth reads only the token response; a streamed API response is not buffered."""

    class Chunks(httpx.SyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            yield b"part-1,"
            yield b"part-2"

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        return httpx.Response(200, stream=Chunks())

    auth = make_auth()
    with httpx.Client(base_url=DATA_BASE, auth=auth, transport=httpx.MockTransport(handler)) as c:
        with c.stream("GET", "/export") as response:
            assert not response.is_stream_consumed
            assert b"".join(response.iter_bytes()) == b"part-1,part-2"
        assert response.history[0].request.url == TOKEN_URL


# --- expiry ------------------------------------------------------------------------------


def test_token_is_refreshed_before_it_expires() -> None:
    """With expires_in=600 and the default 60 s margin, the token is reused until 540 s have
    passed, then exactly one new token is fetched."""
    clock = FakeClock()
    service = FakeService(expires_in=600)
    with client_for(service, make_auth(clock)) as client:
        client.get("/people")
        clock.advance(539.9)
        client.get("/people")
        assert len(service.token_requests) == 1
        clock.advance(0.1)
        client.get("/people")
        client.get("/people")
    assert len(service.token_requests) == 2
    assert service.used_tokens() == ["tok-1", "tok-1", "tok-2", "tok-2"]


def test_short_lived_token_uses_half_its_lifetime_as_margin() -> None:
    """expires_in=30 is shorter than twice the 60 s margin: refresh after 15 s, not at once."""
    clock = FakeClock()
    service = FakeService(expires_in=30)
    with client_for(service, make_auth(clock)) as client:
        client.get("/people")
        clock.advance(14.9)
        client.get("/people")
        clock.advance(0.1)
        client.get("/people")
    assert service.used_tokens() == ["tok-1", "tok-1", "tok-2"]


@pytest.mark.parametrize("expires_in", [None, "soon", True, -5])
def test_missing_or_unusable_expires_in_means_one_hour(expires_in: Any) -> None:
    """No (or a nonsensical) expires_in is taken as 3600 s: refresh at 3540 s."""
    clock = FakeClock()
    service = FakeService(expires_in=expires_in)
    with client_for(service, make_auth(clock)) as client:
        client.get("/people")
        clock.advance(3539)
        client.get("/people")
        clock.advance(1)
        client.get("/people")
    assert service.used_tokens() == ["tok-1", "tok-1", "tok-2"]


def test_expires_in_as_a_numeric_string_is_honoured() -> None:
    """Some servers send expires_in as a string; "120" means 120 s (margin 60)."""
    clock = FakeClock()
    service = FakeService(expires_in="120")
    with client_for(service, make_auth(clock)) as client:
        client.get("/people")
        clock.advance(60)
        client.get("/people")
    assert service.used_tokens() == ["tok-1", "tok-2"]


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
    """If the new token is refused too, that 401 is returned as is: no third try, no loop."""
    service = FakeService()
    service.accepted = set()
    with client_for(service, make_auth()) as client:
        response = client.get("/people")
    assert response.status_code == 401
    assert len(service.token_requests) == 2
    assert len(service.api_calls) == 2


def test_401_is_returned_for_a_body_that_cannot_be_replayed() -> None:
    """A streamed upload cannot be sent twice: the 401 is returned, and the refused token is
    dropped so the next request gets a new one."""
    service = FakeService()
    service.accepted = {"tok-2"}

    class ConsumingTransport(httpx.BaseTransport):
        """Reads the body by iterating it, as a network transport does (MockTransport would
        buffer it into a replayable stream first)."""

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            body = b"".join(request.stream)  # type: ignore[arg-type]
            copy = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            return service.handler(copy)

    def upload() -> Iterator[bytes]:
        yield b"chunk"

    with httpx.Client(
        base_url=DATA_BASE, auth=make_auth(), transport=ConsumingTransport()
    ) as client:
        assert client.post("/files", content=upload()).status_code == 401
        assert len(service.token_requests) == 1
        assert client.get("/people").status_code == 200
    assert service.used_tokens() == ["tok-1", "tok-2"]


def test_401_keeps_a_token_that_another_flow_already_refreshed() -> None:
    """A 401 for an old token must not throw away the newer token another caller stored in
    the meantime: the retry uses that one and fetches nothing."""
    auth = make_auth()
    flow = auth.sync_auth_flow(httpx.Request("GET", f"{DATA_BASE}/people"))
    assert str(next(flow).url) == TOKEN_URL
    sent = flow.send(httpx.Response(200, json={"access_token": "tok-1"}))
    assert sent.headers["Authorization"] == "Bearer tok-1"

    # While that request is out, another caller drops tok-1 and gets tok-2.
    auth.invalidate()
    other_flow = auth.sync_auth_flow(httpx.Request("GET", f"{DATA_BASE}/tenants"))
    assert str(next(other_flow).url) == TOKEN_URL
    other_sent = other_flow.send(httpx.Response(200, json={"access_token": "tok-2"}))
    assert other_sent.headers["Authorization"] == "Bearer tok-2"
    with pytest.raises(StopIteration):
        other_flow.send(httpx.Response(200))

    # Now the first request's 401 arrives: it is resent with tok-2, no token request.
    retry = flow.send(httpx.Response(401))
    assert retry.url.path == "/v2/interop/data/people"
    assert retry.headers["Authorization"] == "Bearer tok-2"
    with pytest.raises(StopIteration):
        flow.send(httpx.Response(200))


def test_async_401_refreshes_once_and_a_second_401_is_returned() -> None:
    """The async flow behaves like the sync one on 401: one refresh, one resend, then give up."""
    service = FakeService()

    async def main() -> tuple[int, int]:
        transport = httpx.MockTransport(service.async_handler)
        async with httpx.AsyncClient(
            base_url=DATA_BASE, auth=make_auth(), transport=transport
        ) as c:
            service.accepted = {"tok-2"}
            first = await c.get("/people")
            service.accepted = set()
            second = await c.get("/people")
        return first.status_code, second.status_code

    assert asyncio.run(main()) == (200, 401)
    assert service.used_tokens() == ["tok-1", "tok-2", "tok-2", "tok-3"]


# --- single flight -----------------------------------------------------------------------


def test_concurrent_async_requests_cause_one_token_request() -> None:
    """20 tasks start at once while the token endpoint is slow: one token request, and every
    API request carries that token."""
    service = FakeService(token_latency=0.01)
    auth = make_auth()

    async def main() -> list[int]:
        transport = httpx.MockTransport(service.async_handler)
        async with httpx.AsyncClient(base_url=DATA_BASE, auth=auth, transport=transport) as c:
            responses = await asyncio.gather(*(c.get(f"/people/{i}") for i in range(20)))
        return [r.status_code for r in responses]

    assert asyncio.run(main()) == [200] * 20
    assert len(service.token_requests) == 1
    assert service.used_tokens() == ["tok-1"] * 20


def test_async_single_flight_works_again_in_a_new_event_loop() -> None:
    """The instance outlives an event loop: a second asyncio.run, with the token dropped,
    again makes one token request for many concurrent callers."""
    service = FakeService(token_latency=0.01)
    auth = make_auth()

    async def burst() -> None:
        transport = httpx.MockTransport(service.async_handler)
        async with httpx.AsyncClient(base_url=DATA_BASE, auth=auth, transport=transport) as c:
            await asyncio.gather(*(c.get("/people") for _ in range(10)))

    asyncio.run(burst())
    auth.invalidate()
    asyncio.run(burst())
    assert len(service.token_requests) == 2
    assert service.used_tokens() == ["tok-1"] * 10 + ["tok-2"] * 10


def test_concurrent_threads_cause_one_token_request() -> None:
    """10 threads start together on one sync client while the token endpoint is slow: one
    token request, and every thread's request carries that token."""
    service = FakeService(token_latency=0.05)
    start = threading.Barrier(10)
    statuses: list[int] = []
    errors: list[BaseException] = []

    with client_for(service, make_auth()) as client:

        def call() -> None:
            try:
                start.wait()
                statuses.append(client.get("/people").status_code)
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=call) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)

    assert not errors
    assert statuses == [200] * 10
    assert len(service.token_requests) == 1
    assert service.used_tokens() == ["tok-1"] * 10


# --- token endpoint failures ---------------------------------------------------------------

CREDENTIALS = "check KIMONO_CLIENT_ID / KIMONO_CLIENT_SECRET and token_url"
RETRY_LATER = "token service is busy or failing; try again later"
WRONG_ENDPOINT = "check that token_url is the OAuth2 token endpoint"

# name -> (what the token endpoint answers, the hint the message must give)
FAILURES = {
    "400 invalid_client": (
        httpx.Response(
            400,
            json={"error": "invalid_client", "error_description": f"bad secret {SECRET}"},
        ),
        CREDENTIALS,
    ),
    "401 echoing the secret": (
        httpx.Response(401, text=f"client_secret={SECRET} refused"),
        CREDENTIALS,
    ),
    "200 HTML login page": (
        httpx.Response(200, html=f"<html><form>{SECRET}</form></html>"),
        WRONG_ENDPOINT,
    ),
    "200 not JSON": (
        httpx.Response(200, text="access_token=tok-leak&expires_in=3600"),
        WRONG_ENDPOINT,
    ),
    "200 truncated JSON": (
        httpx.Response(200, text='{"access_token": "tok-leak", "exp'),
        WRONG_ENDPOINT,
    ),
    "200 JSON list": (httpx.Response(200, json=["tok-leak"]), WRONG_ENDPOINT),
    "200 JSON without access_token": (httpx.Response(200, json={"token": "tok-leak"}), CREDENTIALS),
    "200 empty access_token": (httpx.Response(200, json={"access_token": ""}), CREDENTIALS),
}


@pytest.mark.parametrize("case", list(FAILURES))
def test_token_endpoint_failure_raises_authentication_error_without_secrets(case: str) -> None:
    """Any unusable token response raises AuthenticationError with the status and a hint
    that fits the failure; neither the message nor the formatted traceback shows the secret
    or token text."""
    answer, hint = FAILURES[case]
    transport = token_service(lambda request: answer)
    client = httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport)
    with client, pytest.raises(AuthenticationError) as caught:
        client.get("/people")
    error = caught.value
    assert error.status_code == answer.status_code
    text = str(error)
    assert f"{TOKEN_URL} answered HTTP {answer.status_code}" in text
    assert hint in text
    full = "".join(traceback.format_exception(error)) + repr(error)
    assert "s3cr3t" not in full
    assert "tok-leak" not in full


@pytest.mark.parametrize(
    ("answer", "requests"),
    [
        (httpx.Response(500, text=f"upstream exploded {SECRET}"), 1),
        (httpx.Response(502, html="<html><title>Bad gateway</title></html>"), 3),
        (httpx.Response(429, text="slow down"), 3),
    ],
)
def test_a_failing_token_endpoint_is_retried_then_reported_as_such(
    answer: httpx.Response, requests: int
) -> None:
    """What the policy retries (429, 502-504) is retried (2 retries), then TokenServiceError
    names the status and says to try later; the credentials are not blamed, no secret shows."""
    calls: list[int] = []

    def answer_token(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return answer

    transport = token_service(answer_token)
    client = httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport)
    with client, pytest.raises(TokenServiceError) as caught:
        client.get("/people")
    assert (len(calls), caught.value.status_code) == (requests, answer.status_code)
    text = "".join(traceback.format_exception(caught.value)) + repr(caught.value)
    assert RETRY_LATER in text and "s3cr3t" not in text
    assert not isinstance(caught.value, AuthenticationError)


def test_oauth_error_code_is_shown() -> None:
    """The OAuth2 ``error`` code (not its free-text description) is part of the message."""
    transport = token_service(lambda r: httpx.Response(401, json={"error": "invalid_client"}))
    client = httpx.Client(base_url=DATA_BASE, auth=make_auth(), transport=transport)
    with client, pytest.raises(AuthenticationError, match=r"HTTP 401 \(invalid_client\)"):
        client.get("/people")


def test_async_token_endpoint_failure_raises_authentication_error() -> None:
    """The async flow retries a failing endpoint the same way and raises the same error, and a
    later call tries again (failures are not cached)."""
    calls: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            calls.append(1)
            return httpx.Response(503, text="down")
        return httpx.Response(200)

    async def main() -> None:
        transport = httpx.MockTransport(handler)
        async with httpx.AsyncClient(
            base_url=DATA_BASE, auth=make_auth(), transport=transport
        ) as c:
            for _ in range(2):
                with pytest.raises(TokenServiceError) as caught:
                    await c.get("/people")
                assert caught.value.status_code == 503
                assert "s3cr3t" not in str(caught.value)

    asyncio.run(main())
    assert len(calls) == 6  # two calls, each with its two retries


def test_secret_in_the_token_url_is_redacted_from_errors() -> None:
    """Even a secret that someone put in the token URL does not reach the message."""
    url = f"https://auth.example.test/oauth/token?client_secret={SECRET}"
    auth = OAuth2ClientCredentials(CLIENT_ID, SECRET, url, clock=FakeClock())
    transport = httpx.MockTransport(lambda request: httpx.Response(400))
    client = httpx.Client(base_url=DATA_BASE, auth=auth, transport=transport)
    with client, pytest.raises(AuthenticationError) as caught:
        client.get("/people")
    assert "s3cr3t" not in str(caught.value)
    assert "s3cr3t" not in repr(auth)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"client_id": ""}, "client_id"),
        ({"client_secret": ""}, "client_secret"),
        ({"token_url": "/oauth/token"}, "token_url"),
        ({"token_url": "ftp://auth.example.test/token"}, "token_url"),
        ({"refresh_margin": -1.0}, "refresh_margin"),
        ({"refresh_margin": float("nan")}, "refresh_margin"),
    ],
)
def test_invalid_arguments_raise_configuration_error(kwargs: dict[str, Any], message: str) -> None:
    """Empty credentials, a relative or non-HTTP token URL, or a bad margin fail at once."""
    arguments: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "token_url": TOKEN_URL,
        **kwargs,
    }
    with pytest.raises(ConfigurationError, match=message) as caught:
        OAuth2ClientCredentials(**arguments)
    assert "s3cr3t" not in str(caught.value)


# --- static tokens -----------------------------------------------------------------------


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


# --- redaction ---------------------------------------------------------------------------


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
    assert repr(auth) == expected
    assert str(auth) == expected
    dump = repr(vars(auth))
    for text in (repr(auth), str(auth), dump):
        assert "s3cr3t" not in text
        assert "tok-1" not in text


def test_bearer_and_basic_reprs_redact_their_secrets() -> None:
    """BearerToken hides the token and BasicAuth the password, in repr and str."""
    bearer = BearerToken("eyJ.s3cr3t-jwt.sig")
    basic = BasicAuth("user", SECRET)
    assert repr(bearer) == "BearerToken(token='***')"
    assert repr(basic) == "BasicAuth(username='user', password='***')"
    for text in (repr(bearer), str(bearer), repr(vars(bearer)), repr(basic), str(basic)):
        assert "s3cr3t" not in text


def test_empty_bearer_token_is_refused() -> None:
    """An empty bearer token is a configuration mistake, reported before any request."""
    with pytest.raises(ConfigurationError):
        BearerToken("")


def test_a_busy_token_endpoint_is_retried_and_never_blamed_on_the_credentials() -> None:
    """503 and 429 from /oauth/token are retried like any idempotent call; after the last
    try the error says the token service failed (TokenServiceError), not the credentials."""
    from kimono_interop import KimonoClient

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
    with KimonoClient("c", "s", base_url=base, transport=transport, retry=policy) as kimono:
        assert str(kimono.rostering.persons.get(person).sys.id) == person
    assert seen == [503, 429, 200]
    seen.clear()
    with (
        KimonoClient("c", "s", base_url=base, transport=transport, retry=policy) as kimono,
        pytest.raises(TokenServiceError) as caught,
    ):
        kimono.rostering.persons.get(person)
    assert seen == [503, 503, 503]
    assert not isinstance(caught.value, AuthenticationError)
    assert caught.value.status_code == 503
    assert "token service is busy or failing" in str(caught.value)
