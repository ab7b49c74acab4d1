"""The sandbox's ASGI app: every operation's route, the token endpoint, and fault injection.

Both APIs are served under their real base paths (``/v2/interop/data`` and
``/v2/interop``) next to ``/oauth/token``, so the SDK talks to the sandbox exactly
as to the service, with ``base_url`` set to the sandbox's origin. Which method and
path serve an operation is read from the generated operation table
(:data:`kimono_interop._operations.OPERATIONS`), never restated here; the route
modules only say which handler serves which operationId.
"""

from __future__ import annotations

import asyncio
import math
import random
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .._constants import API_PATHS, TOKEN_PATH
from .._operations import OPERATIONS
from . import routes_data
from .api import ApiError, Handler, bounded_body, error_response, sandbox_state
from .interop import actors, ingestions, integrations, rollovers, schedules, scoping, tenants
from .loopback import DroppedConnection
from .state import SandboxState

#: Each route module's handlers by operationId.
HANDLERS: tuple[dict[str, Handler], ...] = (
    routes_data.HANDLERS,
    actors.HANDLERS,
    integrations.HANDLERS,
    tenants.HANDLERS,
    scoping.HANDLERS,
    rollovers.HANDLERS,
    schedules.HANDLERS,
    ingestions.HANDLERS,
)


def route_for(operation_id: str, handler: Handler) -> Route:
    """The route of the operation ``operation_id``, served by ``handler``.

    Its method and path come from OPERATIONS (the API's base path joined to the
    operation's); an ApiError the handler raises becomes an ErrorType answer.
    """
    operation = OPERATIONS[operation_id]

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except ApiError as exc:
            return error_response(exc.status, exc.code, exc.message)

    path = API_PATHS[operation.api] + operation.path
    return Route(path, endpoint, methods=[operation.method], name=operation_id)


def _literal_first(route: Route) -> list[bool]:
    # Starlette takes the first route that matches, and {id} matches any segment: a
    # literal segment must be tried before a parameter in the same place, or
    # /tasks/admin/ack would reach acknowledgeTask and /ingestions/count findIngestion.
    return [segment.startswith("{") for segment in route.path.split("/")]


def operation_routes() -> list[Route]:
    """One route per served operation, literal paths before the templates they fit."""
    found = [
        route_for(operation_id, handler)
        for table in HANDLERS
        for operation_id, handler in table.items()
    ]
    return sorted(found, key=_literal_first)


# -- the token endpoint -----------------------------------------------------------------
async def token(request: Request) -> Response:
    """``POST /oauth/token``: a Bearer token for client credentials (vendor or tenant)."""
    state = sandbox_state(request)
    try:
        raw = await bounded_body(request)
    except ApiError as exc:
        return JSONResponse({"error": "invalid_request", "error_description": exc.message}, 413)
    form = {k: v[0] for k, v in parse_qs(raw.decode("latin-1")).items()}
    if form.get("grant_type") != "client_credentials":
        return JSONResponse({"error": "unsupported_grant_type"}, 400)
    found = state.principal_for(form.get("client_id", ""), form.get("client_secret", ""))
    if found is None:
        return JSONResponse({"error": "invalid_client"}, 401)
    value, lifetime = state.issue_token(found)
    return JSONResponse(
        {"access_token": value, "token_type": "bearer", "expires_in": math.ceil(lifetime)}
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
            if scope["path"] != TOKEN_PATH or config.fault_token:
                if config.latency:
                    await asyncio.sleep(config.latency)
                draw = self.rng.random()
                if draw < config.drop_rate:
                    # Start an answer and break off: the client sees the connection drop.
                    await send({"type": "http.response.start", "status": 200, "headers": []})
                    raise DroppedConnection("dropped connection (fault injection)")
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

    async def unknown(request: Request) -> Response:
        return error_response(
            404, "not_found", f"No such endpoint: {request.method} {request.url.path}"
        )

    routes: list[BaseRoute] = [
        Route(TOKEN_PATH, token, methods=["POST"]),
        *operation_routes(),
        Route("/{path:path}", unknown, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
    app = Starlette(routes=routes)
    app.state.sandbox = state
    return Faults(app, state)
