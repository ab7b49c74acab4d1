"""What the Interop API resource tests share: a recording mock service and client builders."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx

from kimono_interop import AsyncKimonoClient, KimonoClient, RetryPolicy
from tests.support.specs import load_spec

ORIGIN = "https://api.us2.kimonocloud.com"
EMPTY = object()


def example(name: str) -> Any:
    """A documented example of spec/interop.yaml (a copy: safe to change)."""
    return copy.deepcopy(load_spec("interop")["components"]["examples"][name]["value"])


class Server:
    """A MockTransport handler: answers the token request, records and answers the rest."""

    def __init__(
        self,
        status: int = 200,
        body: Any = EMPTY,
        *,
        route: Callable[[httpx.Request], httpx.Response] | None = None,
        content: bytes | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.route = route
        self.content = content
        self.calls: list[httpx.Request] = []
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        self.requests.append(request)
        if self.route is not None:
            return self.route(request)
        if self.content is not None:
            headers = {"Content-Type": "application/json"}
            return httpx.Response(self.status, content=self.content, headers=headers)
        if self.body is EMPTY:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)

    @property
    def only(self) -> httpx.Request:
        assert len(self.requests) == 1, [str(r.url) for r in self.requests]
        return self.requests[0]


def sync_client(server: Server) -> KimonoClient:
    return KimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=ORIGIN,
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(max_retries=0),
    )


def async_client(server: Server) -> AsyncKimonoClient:
    return AsyncKimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=ORIGIN,
        transport=httpx.MockTransport(server),
        retry=RetryPolicy(max_retries=0),
    )


def sent_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


def check(request: httpx.Request, method: str, path: str, query: dict[str, str]) -> None:
    assert request.method == method
    assert request.url.path == "/v2/interop" + path
    assert dict(request.url.params) == query
    assert request.headers["Authorization"] == "Bearer tok-1"
