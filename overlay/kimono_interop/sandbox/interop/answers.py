"""How an Interop route answers: one object, a page of objects, no content, a 400 or a 409.

Objects are always sent in their public form (:func:`.store.public`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..._constants import MAX_PAGE_SIZE
from ..api import ApiError, paged
from .store import public


def bad(message: str) -> ApiError:
    """A 400 saying what is wrong with the request."""
    return ApiError(400, "bad_request", message)


def conflict(message: str) -> ApiError:
    """A 409: the request is well-formed but the objects' state forbids it."""
    return ApiError(409, "conflict", message)


def one(obj: dict[str, Any]) -> JSONResponse:
    """One object, enveloped in ``data``, as the API sends it."""
    return JSONResponse({"data": public(obj)})


def no_content() -> Response:
    """The 204 of an update or delete."""
    return Response(status_code=204)


def page(request: Request, items: Iterable[dict[str, Any]]) -> Response:
    """``paged()`` over public objects; without ``page_size`` a page holds the maximum (2000)."""
    if "page_size" not in request.query_params:
        query = request.url.include_query_params(page_size=MAX_PAGE_SIZE).query
        request = Request({**request.scope, "query_string": query.encode()}, request.receive)
    return paged(request, [public(item) for item in items])
