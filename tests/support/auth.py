"""A fake token endpoint and API for the auth tests, and a clock that moves when told.

:class:`FakeService` issues ``tok-1``, ``tok-2``, ... and records what it receives;
:func:`make_auth` builds the OAuth2 auth under test on a :class:`FakeClock`, so that
expiry is driven by the test, never by real time.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from kimono_interop._auth import OAuth2ClientCredentials
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
    """The auth under test, on ``clock`` (a fresh FakeClock), retrying without waiting."""
    kwargs.setdefault("retry", FAST_RETRY)
    return OAuth2ClientCredentials(
        CLIENT_ID, SECRET, TOKEN_URL, clock=clock or FakeClock(), **kwargs
    )


def token_service(respond: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    """A transport whose token endpoint answers with ``respond`` and whose API says 200."""

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == TOKEN_URL:
            return respond(request)
        return httpx.Response(200, json={})

    return httpx.MockTransport(handler)
