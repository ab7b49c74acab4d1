"""Both clients against a real server over loopback HTTP (uvicorn), not a mock transport.

The server issues OAuth2 tokens from a form body, expires the first token early
(answering 401), fails one request with 503 + Retry-After, and pages persons
with absolute ``paging.next`` links, as the service does.
"""

from __future__ import annotations

import asyncio
import itertools
from urllib.parse import parse_qs

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kimono_interop import AsyncKimonoClient, KimonoClient, NotFoundError, RetryPolicy
from tests.support.fixtures import Serve

CLIENT_ID, CLIENT_SECRET = "live-client", "live-SECRET-9f2"
TOTAL, SIZE = 23, 5


class State:
    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.counter = itertools.count(1)
        self.revoked: set[str] = set()
        self.fail_next = False
        self.served_503 = 0
        self.seen: list[tuple[str, str, str]] = []


def _app(state: State) -> Starlette:
    async def token(request: Request) -> Response:
        form = {k: v[0] for k, v in parse_qs((await request.body()).decode()).items()}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "client_credentials" or "authorization" in request.headers:
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        value = f"tok-{next(state.counter)}"
        state.tokens.append(value)
        return JSONResponse({"access_token": value, "token_type": "bearer", "expires_in": 3600})

    def authorized(request: Request) -> str | None:
        header = request.headers.get("authorization", "")
        value = header.removeprefix("Bearer ")
        return value if value in state.tokens and value not in state.revoked else None

    async def persons(request: Request) -> Response:
        value = authorized(request)
        state.seen.append((request.method, request.url.path, str(value)))
        if value is None:
            return JSONResponse({"code": "unauthorized", "message": "token expired"}, 401)
        if state.fail_next:
            state.fail_next = False
            state.served_503 += 1
            return Response("<html>busy</html>", 503, headers={"Retry-After": "0"})
        page = int(request.query_params.get("page", "0"))
        size = int(request.query_params.get("page_size", str(SIZE)))
        start = page * size
        data = [
            {"$sys": {"id": f"00000000-0000-4000-8000-{n:012d}"}, "name": {"last": f"P{n}"}}
            for n in range(start, min(start + size, TOTAL))
        ]
        more = start + size < TOTAL
        base = str(request.base_url).rstrip("/")
        nxt = f"{base}{request.url.path}?page={page + 1}&page_size={size}" if more else None
        return JSONResponse({"data": data, "paging": {"next": nxt}})

    async def org(request: Request) -> Response:
        if authorized(request) is None:
            return JSONResponse({"code": "unauthorized"}, 401)
        return JSONResponse({"code": "not_found", "message": "No such Org"}, status_code=404)

    return Starlette(
        routes=[
            Route("/oauth/token", token, methods=["POST"]),
            Route("/v2/interop/data/rostering/persons", persons),
            Route("/v2/interop/data/rostering/orgs/{id}", org),
        ]
    )


@pytest.fixture
def live(serve: Serve) -> tuple[str, State]:
    """The live server's origin and state, fresh for each test."""
    state = State()
    return serve(_app(state)), state


def _retry() -> RetryPolicy:
    return RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.01)


def test_sync_client_over_real_http(live: tuple[str, State]) -> None:
    """A walk of 23 persons over HTTP survives its token dying mid-walk (one 401, one new token) and
    a 503 (retried); a 404 is NotFoundError."""
    origin, state = live
    with KimonoClient(CLIENT_ID, CLIENT_SECRET, base_url=origin, retry=_retry()) as kimono:
        pager = kimono.rostering.persons.list(page_size=SIZE)
        names = []
        for index, person in enumerate(pager):
            names.append(person.name.last)
            if index == 7:
                state.revoked.add(state.tokens[-1])  # the token dies mid-walk: 401, refresh
            if index == 12:
                state.fail_next = True  # one 503 with Retry-After: retried
        with pytest.raises(NotFoundError, match="No such Org"):
            kimono.rostering.orgs.get("2a4a2e06-7755-43bb-9766-4f398079ef8c")
    assert names == [f"P{n}" for n in range(TOTAL)]
    assert state.tokens == ["tok-1", "tok-2"]
    statuses = [token for _, _, token in state.seen]
    assert statuses.count("None") == 1  # exactly one request met the revoked token
    assert state.served_503 == 1


def test_async_client_over_real_http_with_look_ahead(live: tuple[str, State]) -> None:
    """The async client walks the same persons over HTTP with and without look-ahead, on one
    token."""
    origin, state = live

    async def main() -> tuple[list[str], list[str]]:
        async with AsyncKimonoClient(
            CLIENT_ID, CLIENT_SECRET, base_url=origin, retry=_retry()
        ) as kimono:
            pager = kimono.rostering.persons.list(page_size=SIZE)
            plain = [p.name.last async for p in pager]
            ahead = [p.name.last async for p in pager.prefetch(3)]
            return plain, ahead

    plain, ahead = asyncio.run(main())
    assert plain == ahead == [f"P{n}" for n in range(TOTAL)]
    assert state.tokens == ["tok-1"]


def test_wrong_secret_is_an_authentication_error(live: tuple[str, State]) -> None:
    """A refused secret is an AuthenticationError with the 401, and the message does not show it."""
    from kimono_interop import AuthenticationError

    origin, _ = live
    with (
        KimonoClient(CLIENT_ID, "wrong-secret", base_url=origin) as kimono,
        pytest.raises(AuthenticationError) as info,
    ):
        list(kimono.rostering.persons.list())
    assert "wrong-secret" not in str(info.value)
    assert info.value.status_code == 401
