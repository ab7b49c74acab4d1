"""The sandbox's ASGI app: auth, errors and paging shared by every route, and fault injection.

Both APIs are served under their real prefixes (``/v2/interop/data`` and
``/v2/interop``) next to ``/oauth/token``, so the SDK talks to the sandbox exactly
as to the service, with ``base_url`` set to the sandbox's origin.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable, Sequence
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .state import Principal, SandboxState

DATA = "/v2/interop/data"
INTEROP = "/v2/interop"
MAX_PAGE_SIZE = 2000
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE  # the specs: page_size defaults to the maximum


class ApiError(Exception):
    """Raised by a route: becomes an ErrorType answer with this status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"status": status, "code": code, "message": message}, status, headers=headers
    )


def not_found(kind: str, object_id: str) -> ApiError:
    return ApiError(404, "not_found", f"No {kind} with id {object_id}")


# -- request helpers --------------------------------------------------------------------
def principal(request: Request) -> Principal:
    """The authenticated caller (Bearer token, or Basic credentials); else ApiError 401."""
    state: SandboxState = request.app.state.sandbox
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        found = state.principal_of_token(value.strip())
        if found is not None:
            return found
        raise ApiError(401, "invalid_token", "The access token is unknown or expired")
    if scheme.lower() == "basic" and value:
        import base64
        import binascii

        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, password = "", ""
        found = state.principal_for(user, password)
        if found is not None:
            return found
        raise ApiError(401, "invalid_credentials", "Unknown user name or password")
    raise ApiError(401, "unauthorized", "Authenticate with a Bearer token (POST /oauth/token)")


def page_params(request: Request, maximum: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    query = request.query_params
    try:
        page = int(query.get("page", "0"))
        size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise ApiError(400, "bad_request", "page and page_size must be integers") from None
    if page < 0 or not 1 <= size <= maximum:
        raise ApiError(400, "bad_request", f"page must be >= 0 and page_size 1..{maximum}")
    return page, size


def paged(request: Request, items: Sequence[Any], maximum: int = MAX_PAGE_SIZE) -> JSONResponse:
    """One page of ``items`` with ``paging.next`` as an absolute URL (null on the last page)."""
    page, size = page_params(request, maximum)
    start = page * size
    chunk = list(items[start : start + size])
    nxt = None
    if start + size < len(items):
        nxt = str(request.url.include_query_params(page=page + 1, page_size=size))
    return JSONResponse({"data": chunk, "paging": {"next": nxt}})


async def json_body(request: Request) -> Any:
    raw = await request.body()
    if not raw:
        raise ApiError(400, "bad_request", "A JSON body is required")
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "bad_request", "The body is not valid JSON") from None


Handler = Callable[[Request], Awaitable[Response]]


def route(path: str, endpoint: Handler, methods: list[str]) -> Route:
    """A route whose ApiErrors become ErrorType answers."""

    async def wrapped(request: Request) -> Response:
        try:
            return await endpoint(request)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)

    return Route(path, wrapped, methods=methods, name=endpoint.__name__)


# -- the token endpoint -----------------------------------------------------------------
async def token(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox
    form = {k: v[0] for k, v in parse_qs((await request.body()).decode("latin-1")).items()}
    if form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type"}, 400)
    found = state.principal_for(form.get("client_id", ""), form.get("client_secret", ""))
    if found is None:
        return JSONResponse({"error": "invalid_client"}, 401)
    value, lifetime = state.issue_token(found)
    return JSONResponse(
        {"access_token": value, "token_type": "bearer", "expires_in": int(lifetime)}
    )


# -- faults -----------------------------------------------------------------------------
class Faults:
    """ASGI middleware: latency, 5xx, 429 and dropped connections, as configured."""

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state
        self.rng = random.Random(state.config.seed + 3)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        config = self.state.config
        status_seen: list[int] = []

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
            await send(message)

        try:
            if scope["path"] != "/oauth/token" or config.fault_token:
                if config.latency:
                    await asyncio.sleep(config.latency)
                draw = self.rng.random()
                if draw < config.drop_rate:
                    # Start an answer and break off: the client sees the connection drop.
                    await send({"type": "http.response.start", "status": 200, "headers": []})
                    raise ConnectionAbortedError("sandbox: dropped connection (fault injection)")
                draw -= config.drop_rate
                if draw < config.error_rate:
                    status = self.rng.choice((500, 502, 503))
                    await error_response(status, "sandbox_fault", "Injected failure")(
                        scope, receive, recording_send
                    )
                    return
                draw -= config.error_rate
                if draw < config.rate_limit_rate:
                    headers = {"Retry-After": f"{config.retry_after:g}"}
                    await error_response(429, "rate_limited", "Slow down", headers)(
                        scope, receive, recording_send
                    )
                    return
            await self.app(scope, receive, recording_send)
        finally:
            with self.state.lock:
                self.state.log.append(
                    (scope["method"], scope["path"], status_seen[0] if status_seen else 0)
                )


def create_app(state: SandboxState) -> ASGIApp:
    """The sandbox's ASGI app over ``state``."""
    from .routes_data import routes as data_routes
    from .routes_interop import routes as interop_routes

    routes: list[BaseRoute] = [Route("/oauth/token", token, methods=["POST"])]
    routes += data_routes(DATA)
    routes += interop_routes(INTEROP)

    async def unknown(request: Request) -> Response:
        return error_response(
            404, "not_found", f"No such endpoint: {request.method} {request.url.path}"
        )

    app = Starlette(
        routes=[
            *routes,
            Route("/{path:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ]
    )
    app.state.sandbox = state
    return Faults(app, state)
