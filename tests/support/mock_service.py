"""The recording mock service the resource and client tests run the SDK against.

:class:`MockService` is an ``httpx.MockTransport`` handler: it issues OAuth2 tokens,
records every API request (body read) and answers each with a fixed status and body
or with a route of the test. ``service.client(KimonoClient)`` (or
``AsyncKimonoClient``) is a client wired to it, without retries unless asked.

The answers the tests share are here too: :func:`paged` and :func:`two_pages` for
lists, :func:`never` for calls that must not send; and the spec's examples to
answer with (:func:`example`, :func:`operation_example`).
"""

from __future__ import annotations

import copy
import datetime
import json
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import httpx

from kimono_interop import AsyncKimonoClient, KimonoClient, RetryPolicy
from tests.support.specs import load_spec

ORIGIN = "https://api.us2.kimonocloud.com"
API = ORIGIN + "/v2/interop"
TOKEN = "tok-1"
CLIENT_ID = "client-1"
CLIENT_SECRET = "s3cr3t-CLIENT-value"
TOKEN_PATH = "/oauth/token"
#: The id and the time in every example of the vendor's reference (spec/interop.yaml).
EXAMPLE_ID = "123e4567-e89b-12d3-a456-426614174000"
EXAMPLE_TIME = datetime.datetime(2025, 11, 16, 12, 17, 4, 959000, tzinfo=datetime.timezone.utc)

Handler = Callable[[httpx.Request], httpx.Response]
Client = TypeVar("Client", KimonoClient, AsyncKimonoClient)
_EMPTY = object()


class MockService:
    """A MockTransport handler: answers the token request, records and answers the rest.

    An API request is answered by ``answer`` when given, else with ``status`` and
    ``content`` (raw JSON bytes) or ``body`` (a JSON value; none by default). Every
    API request must carry the issued token; with ``token_per_client`` each client id
    gets its own (``tok-<client id>``) and the tests check the headers themselves.
    """

    def __init__(
        self,
        answer: Handler | None = None,
        *,
        status: int = 200,
        body: Any = _EMPTY,
        content: bytes | None = None,
        token_per_client: bool = False,
    ) -> None:
        self.answer = answer
        self.status = status
        self.body = body
        self.content = content
        self.token_per_client = token_per_client
        #: Every request, token requests included; the API requests alone; the token forms.
        self.calls: list[httpx.Request] = []
        self.requests: list[httpx.Request] = []
        self.token_forms: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request)
        request.read()
        if request.url.path == TOKEN_PATH:
            form = dict(parse_qsl(request.content.decode()))
            self.token_forms.append(form)
            token = f"tok-{form['client_id']}" if self.token_per_client else TOKEN
            return httpx.Response(200, json={"access_token": token, "expires_in": 3600})
        if not self.token_per_client:
            assert request.headers["authorization"] == f"Bearer {TOKEN}"
        self.requests.append(request)
        if self.answer is not None:
            return self.answer(request)
        if self.content is not None:
            headers = {"Content-Type": "application/json"}
            return httpx.Response(self.status, content=self.content, headers=headers)
        if self.body is _EMPTY:
            return httpx.Response(self.status)
        return httpx.Response(self.status, json=self.body)

    @property
    def only(self) -> httpx.Request:
        """The one API request sent (fails when there were more or none)."""
        assert len(self.requests) == 1, [str(r.url) for r in self.requests]
        return self.requests[0]

    @classmethod
    def two_pages(
        cls, name: str, path: str, first: dict[str, Any], second: dict[str, Any]
    ) -> MockService:
        """A service answering ``GET path`` with two pages: see :func:`two_pages`."""
        return cls(two_pages(name, path, first, second))

    @classmethod
    def one_page(cls, name: str) -> MockService:
        """A service answering every request with example page ``name``, without a next link."""
        return cls(body=one_page(name))

    def check(self, method: str, path: str, params: dict[str, str]) -> None:
        """The one API request was ``method`` on ``/v2/interop`` + ``path``, with ``params``."""
        check(self.only, method, path, params)

    def check_pages(self, path: str, params: dict[str, str]) -> None:
        """The API requests were two GETs of ``path``: page 0, then page 1, each with ``params``."""
        assert len(self.requests) == 2, [str(r.url) for r in self.requests]
        for page, request in enumerate(self.requests):
            check(request, "GET", path, {**params, "page": str(page)})

    def client(self, cls: type[Client], *, retry: RetryPolicy | None = None) -> Client:
        """A ``cls`` (KimonoClient or AsyncKimonoClient) that talks to this service."""
        return cls(
            CLIENT_ID,
            CLIENT_SECRET,
            base_url=ORIGIN,
            transport=httpx.MockTransport(self),
            retry=retry or RetryPolicy(max_retries=0),
        )


# -- answers -------------------------------------------------------------------------------------
def example(name: str, spec: str = "interop") -> Any:
    """A copy of one of the spec's ``components/examples`` values (safe to change)."""
    return copy.deepcopy(load_spec(spec)["components"]["examples"][name]["value"])


def operation_example(path: str, method: str, status: str = "200") -> Any:
    """A copy of the example written inline in one operation of spec/interop.yaml.

    ``status`` "request" gives the example of the request body.
    """
    operation = load_spec("interop")["paths"][path][method]
    if status == "request":
        media = operation["requestBody"]["content"]["application/json"]
    else:
        media = operation["responses"][status]["content"]["application/json"]
    return copy.deepcopy(media["examples"]["reference"]["value"])


def one_page(name: str) -> Any:
    """Example page ``name`` as the only page: no next link."""
    page = example(name)
    page["paging"] = {"next": None}
    return page


def paged(*bodies: Any) -> Handler:
    """Answer page N (the ``page`` parameter, 0 when absent) with ``bodies[N]``."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=bodies[int(request.url.params.get("page", "0"))])

    return answer


def two_pages(name: str, path: str, first: dict[str, Any], second: dict[str, Any]) -> Handler:
    """Two pages of ``GET /v2/interop`` + ``path`` from example ``name``, its item updated with
    ``first`` on page 0 and with ``second`` on page 1.

    Page 0 links to page 1 without the caller's filters or page size (the SDK must keep
    them), page 1 has no next link; a request for anything but ``GET path`` fails the test.
    """

    def page(fields: dict[str, Any], next_link: str | None) -> Any:
        body = example(name)
        body["data"] = [{**body["data"][0], **fields}]
        body["paging"] = {"next": next_link}
        return body

    pages = paged(page(first, f"{API}{path}?page=1"), page(second, None))

    def answer(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", "/v2/interop" + path)
        return pages(request)

    return answer


def recording_app(body: Any, ports: list[int]) -> Any:
    """An ASGI app (for the ``serve`` fixture) answering every request with ``body`` as JSON
    and appending the client port of each request to ``ports``: one port, one connection."""
    content = json.dumps(body).encode()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        ports.append(scope["client"][1])
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    return app


def never(request: httpx.Request) -> httpx.Response:
    """For calls that must fail before sending: any request fails the test."""
    raise AssertionError(f"no request expected, got {request.method} {request.url}")


# -- what was sent -------------------------------------------------------------------------------
def sent_json(request: httpx.Request) -> Any:
    """The JSON body of a request."""
    return json.loads(request.content)


def query(request: httpx.Request) -> dict[str, str]:
    """The query parameters of a request."""
    return dict(request.url.params)


def check(request: httpx.Request, method: str, path: str, params: dict[str, str]) -> None:
    """``request`` is ``method`` on ``/v2/interop`` + ``path`` with exactly ``params``."""
    assert (request.method, request.url.path, query(request)) == (
        method,
        "/v2/interop" + path,
        params,
    )
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
