"""What the routes of both APIs share: the sandbox's state, errors, authentication, paging.

The route modules (``routes_data`` and the ``interop`` package) build on these, and
``app`` wraps their handlers so an :class:`ApiError` becomes an ErrorType answer;
this module imports neither, so the app can import the routes without a cycle.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .._constants import MAX_PAGE_SIZE
from .state import Principal, SandboxState

DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE  # the specs: page_size defaults to the maximum

#: What serves one operation: a request in, an answer out (ApiErrors allowed).
Handler = Callable[[Request], Awaitable[Response]]


class ApiError(Exception):
    """Raised by a route: becomes an ErrorType answer with this status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """An ErrorType answer."""
    return JSONResponse(
        {"status": status, "code": code, "message": message}, status, headers=headers
    )


def not_found(kind: str, object_id: str) -> ApiError:
    """The 404 for an id that names no ``kind``."""
    return ApiError(404, "not_found", f"No {kind} with id {object_id}")


def sandbox_state(request: Request) -> SandboxState:
    """The state of the sandbox serving ``request``."""
    state: SandboxState = request.app.state.sandbox
    return state


def principal(request: Request) -> Principal:
    """The authenticated caller (Bearer token, or Basic credentials); else ApiError 401."""
    state = sandbox_state(request)
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        found = state.principal_of_token(value.strip())
        if found is not None:
            return found
        raise ApiError(401, "invalid_token", "The access token is unknown or expired")
    if scheme.lower() == "basic" and value:
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except ValueError:  # not base64 (binascii.Error), not ASCII, not UTF-8
            user, password = "", ""
        found = state.principal_for(user, password)
        if found is not None:
            return found
        raise ApiError(401, "invalid_credentials", "Unknown user name or password")
    raise ApiError(401, "unauthorized", "Authenticate with a Bearer token (POST /oauth/token)")


def page_params(request: Request, maximum: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    """The request's ``page`` and ``page_size``, checked; else ApiError 400."""
    query = request.query_params
    try:
        page = int(query.get("page", "0"))
        size = int(query.get("page_size", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise ApiError(400, "bad_request", "page and page_size must be integers") from None
    if page < 0 or not 1 <= size <= maximum:
        raise ApiError(400, "bad_request", f"page must be >= 0 and page_size 1..{maximum}")
    return page, size


def paged(request: Request, items: Sequence[Any], maximum: int = MAX_PAGE_SIZE) -> Response:
    """One page of ``items`` with ``paging.next`` as an absolute URL (null on the last page).

    The body is what ``JSONResponse`` would render, joined from the JSON text of each
    item that the state's :class:`~.fragments.Fragments` keeps for the roster's objects.
    """
    page, size = page_params(request, maximum)
    start = page * size
    chunk = items[start : start + size]
    nxt = None
    if start + size < len(items):
        nxt = str(request.url.include_query_params(page=page + 1, page_size=size))
    body = sandbox_state(request).fragments.page(chunk, nxt)
    return Response(body, media_type="application/json")


#: The largest request body the sandbox reads (the service's own limit is not published).
MAX_BODY = 16 * 1024 * 1024


async def bounded_body(request: Request) -> bytes:
    """The request's body, whatever its type; ApiError 413 past ``MAX_BODY``.

    Every route that reads a body reads it through here (JSON, or the XML blueprints).
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise ApiError(413, "payload_too_large", f"The body is over {MAX_BODY} bytes")
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise ApiError(413, "payload_too_large", f"The body is over {MAX_BODY} bytes")
    return raw


async def json_body(request: Request) -> Any:
    """The request's body as JSON; ApiError 400 when it is missing, malformed or nested
    past what Python's parser takes, 413 past ``MAX_BODY``."""
    raw = await bounded_body(request)
    if not raw:
        raise ApiError(400, "bad_request", "A JSON body is required")
    try:
        return json.loads(raw)
    except ValueError:
        raise ApiError(400, "bad_request", "The body is not valid JSON") from None
    except RecursionError:
        raise ApiError(400, "bad_request", "The body's JSON is nested too deeply") from None
