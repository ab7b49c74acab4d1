"""The auth classes where one flow differs from the other, and what needs no flow at all.

Single flight across threads and across event loops, a flow driven by hand, streamed
bodies; argument checks and reprs. What both flows do alike is tested once, in
``_async/test_auth.py`` (and its sync twin).
"""

from __future__ import annotations

import asyncio
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from kimono_interop._auth import BasicAuth, BearerToken, OAuth2ClientCredentials
from kimono_interop._exceptions import ConfigurationError
from tests.support.auth import CLIENT_ID, DATA_BASE, SECRET, TOKEN_URL, FakeService, make_auth

ORG = "2a4a2e06-7755-43bb-9766-4f398079ef8c"


def client_for(service: FakeService, auth: httpx.Auth) -> httpx.Client:
    """A sync HTTP client that authenticates with ``auth`` against ``service``."""
    return httpx.Client(
        base_url=DATA_BASE, auth=auth, transport=httpx.MockTransport(service.handler)
    )


# --- what only one flow has ----------------------------------------------------------------


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


@pytest.mark.parametrize("flows", ["sync", "async"])
def test_a_token_asked_for_before_invalidate_is_used_but_not_kept(flows: str) -> None:
    """invalidate() while a token request is out: that token serves the request that asked
    for it, and the next request asks again. The fetch used to store it, undoing the
    invalidation (a token the caller had just declared revoked, used for its lifetime)."""
    auth = make_auth()
    request = httpx.Request("GET", f"{DATA_BASE}/people")
    token = httpx.Response(200, json={"access_token": "tok-1"})
    if flows == "sync":
        flow = auth.sync_auth_flow(request)
        assert str(next(flow).url) == TOKEN_URL
        auth.invalidate()  # while the token request is out
        sent = flow.send(token)
    else:

        async def main() -> httpx.Request:
            flow = auth.async_auth_flow(request)
            assert str((await flow.__anext__()).url) == TOKEN_URL
            auth.invalidate()
            sent = await flow.asend(token)
            await flow.aclose()
            return sent

        sent = asyncio.run(main())
    assert sent.headers["Authorization"] == "Bearer tok-1"
    assert auth._cached() is None
    follow = auth.sync_auth_flow(httpx.Request("GET", f"{DATA_BASE}/tenants"))
    assert str(next(follow).url) == TOKEN_URL


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


# --- no flow: arguments and reprs -----------------------------------------------------


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


@pytest.mark.parametrize("token", ["jwt.s3cr3t\n", "Bearer jwt.s3cr3t", "jwt.s3cr3t\u00e9"])
def test_a_bearer_token_that_cannot_be_a_header_is_refused_without_echo(token: str) -> None:
    """A token read from a file with its newline, or pasted with its "Bearer " prefix, is
    refused when the auth is made, with what to do; the message does not show the token."""
    with pytest.raises(ConfigurationError, match="no 'Bearer ' prefix") as caught:
        BearerToken(token)
    assert "s3cr3t" not in "".join(traceback.format_exception(caught.value))


def test_client_repr_hides_credentials_in_the_base_url() -> None:
    """A base URL with user:password (or an api key in its query) shows neither in repr."""
    from kimono_interop import KimonoClient

    with KimonoClient(
        auth=BasicAuth("user", SECRET), base_url="https://user:s3cr3t-pw@api.example.test"
    ) as kimono:
        text = repr(kimono)
    assert "s3cr3t" not in text
    assert "https://api.example.test" in text


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(401, json={"error": "invalid_client", "echo": f"client_secret={SECRET}"}),
        httpx.Response(200, json={"access_token": f"{SECRET} with a space", "expires_in": 60}),
        httpx.Response(200, text=f"<html>client_secret={SECRET}</html>"),
    ],
    ids=["refused, the form echoed", "a token no header can carry", "not JSON"],
)
def test_a_refused_token_answer_is_in_no_local_of_the_traceback(answer: httpx.Response) -> None:
    """A traceback printed with its locals (rich's ``show_locals``, ``traceback``'s
    ``capture_locals``) shows no frame holding the token answer: it held the decoded
    body, which may echo the form sent (the secret) or hold the token."""
    service_calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        service_calls.append(str(request.url))
        return answer

    with (
        httpx.Client(
            base_url=DATA_BASE, auth=make_auth(), transport=httpx.MockTransport(handler)
        ) as client,
        pytest.raises(Exception) as caught,
    ):
        client.get("/persons")
    shown = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    assert service_calls == [TOKEN_URL] and "_accept" in shown
    assert SECRET not in shown


def test_a_call_waits_for_another_thread_s_token_request_no_longer_than_its_deadline() -> None:
    """Threads share one token request; the others wait for it. That wait held a call
    past its own deadline (a health check's 0.5 s waited out another call's slow token
    exchange, 3 s here); it is bounded by what is left of the deadline, as in the async
    client (where its cancel scope bounds it)."""
    from kimono_interop import APITimeoutError, KimonoClient

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth/token"):
            time.sleep(3)  # a slow token service
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        return httpx.Response(200, json={"data": {"$sys": {"id": ORG}}})

    with KimonoClient(
        CLIENT_ID, SECRET, transport=httpx.MockTransport(handler), max_retries=0
    ) as kimono:
        first = threading.Thread(target=lambda: kimono.rostering.orgs.get(ORG))
        first.start()
        time.sleep(0.3)  # the first call is in its token request
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            kimono.with_options(deadline=0.5).rostering.orgs.get(ORG)
        waited = time.monotonic() - started
        first.join()
    assert waited < 2.0, waited  # the token request took 3 s
