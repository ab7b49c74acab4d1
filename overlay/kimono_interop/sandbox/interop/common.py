"""What every Interop route shares: reading ids, flags and bodies, the tenant a request acts
for, and the handlers that are the same for each of a tenant's collections (list, count,
find, delete).
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..api import ApiError, Handler, json_body, not_found, principal, sandbox_state
from ..state import Principal, SandboxState
from .answers import bad, no_content, one, page
from .store import account_id, col, of_tenant


def uuid_or_none(value: object) -> str | None:
    """``value`` as a canonical UUID string, or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def path_id(request: Request, kind: str) -> str:
    """The ``{id}`` of the path as a canonical UUID; a malformed one is simply not found."""
    value = request.path_params["id"]
    found = uuid_or_none(value)
    if found is None:
        raise not_found(kind, value)
    return found


def find(collection: dict[str, dict[str, Any]], object_id: str, kind: str) -> dict[str, Any]:
    """The object ``object_id`` of ``collection``; else a 404 naming ``kind``."""
    found = collection.get(object_id)
    if found is None:
        raise not_found(kind, object_id)
    return found


def bool_param(request: Request, name: str, default: bool | None) -> bool | None:
    """The query parameter ``name`` as true or false (``default`` if absent); else 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise bad(f"{name} must be true or false, got {raw!r}")


async def object_body(request: Request, what: str) -> dict[str, Any]:
    """The body, which must be a JSON object (``what`` names the schema in the 400)."""
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad(f"The body must be a JSON object ({what})")
    return body


def acting_tenant(state: SandboxState, who: Principal) -> dict[str, Any]:
    """The tenant a ``/tenant/...`` request acts for: the caller's, or (vendor) the first."""
    if who.tenant_id is not None:
        return state.tenants[who.tenant_id]
    if not state.tenants:
        raise ApiError(404, "not_found", "The sandbox has no tenant")
    return next(iter(state.tenants.values()))


def account_owner(state: SandboxState, who: Principal) -> dict[str, str]:
    """The ``account_id`` of an object the caller creates for its account (none if unknown)."""
    account = account_id(acting_tenant(state, who)) if state.tenants else None
    return {"account_id": account} if account else {}


def for_tenant(request: Request) -> tuple[SandboxState, dict[str, Any]]:
    """The state, and the tenant an authenticated ``/tenant/...`` request acts for."""
    who = principal(request)
    state = sandbox_state(request)
    return state, acting_tenant(state, who)


def tenant_object(
    request: Request, collection: str, kind: str
) -> tuple[SandboxState, dict[str, Any], dict[str, Any]]:
    """The state, the acting tenant, and its object of ``collection`` the path's ``{id}`` names.

    Another tenant's object is not found, as if it did not exist.
    """
    state, tenant = for_tenant(request)
    object_id = path_id(request, kind)
    return state, tenant, find(of_tenant(state, collection, tenant), object_id, kind)


def tenant_list(collection: str) -> Handler:
    """``GET``: the acting tenant's objects of ``collection``, paged."""

    async def endpoint(request: Request) -> Response:
        state, tenant = for_tenant(request)
        return page(request, of_tenant(state, collection, tenant).values())

    return endpoint


def tenant_count(collection: str) -> Handler:
    """``GET .../count``: how many objects of ``collection`` the acting tenant has."""

    async def endpoint(request: Request) -> Response:
        state, tenant = for_tenant(request)
        return JSONResponse(len(of_tenant(state, collection, tenant)))

    return endpoint


def tenant_find(collection: str, kind: str) -> Handler:
    """``GET .../{id}``: one of the acting tenant's objects of ``collection``."""

    async def endpoint(request: Request) -> Response:
        return one(tenant_object(request, collection, kind)[2])

    return endpoint


def tenant_delete(collection: str, kind: str) -> Handler:
    """``DELETE .../{id}``: one of the acting tenant's objects of ``collection``."""

    async def endpoint(request: Request) -> Response:
        state, _, found = tenant_object(request, collection, kind)
        with state.lock:
            col(state, collection).pop(found["id"], None)
        return no_content()

    return endpoint
