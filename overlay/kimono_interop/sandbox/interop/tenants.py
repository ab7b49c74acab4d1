"""Tenants, the acting tenant's state, and its application (how the driver is set up for it).

A tenant is shown with its cloud and Integration references as those objects are
now. The tenant state's ``rollover_mode_enabled`` is also true while one of the
tenant's rollovers is active. A driver may update the tenant application only while
its pending auth state is ``updating``, and may set it only to ``confirmed`` or
``error``.
"""

from __future__ import annotations

import copy
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from kimono_interop_api.models import TenantApplicationAuthState, TenantApplicationAuthType

from ..api import Handler, not_found, principal, sandbox_state
from ..state import SandboxState
from .answers import bad, conflict, no_content, one, page
from .checks import STR, STRING_MAP, fields, one_of
from .common import for_tenant, object_body, path_id, uuid_or_none
from .store import (
    CLOUDS,
    INTEGRATIONS,
    ROLLOVERS,
    TENANT_APPLICATION,
    TENANT_STATE,
    account_id,
    active,
    col,
    of_tenant,
    owned,
)

#: The pending auth states a driver may set: how checking the credentials ended.
AUTH_STATES_SETTABLE = (
    TenantApplicationAuthState.CONFIRMED.value,
    TenantApplicationAuthState.ERROR.value,
)
TENANT_APPLICATION_UPDATE = {
    "auth_message": STR,
    "auth_props_pending": STRING_MAP,
    "auth_state_pending": one_of(AUTH_STATES_SETTABLE),
}


def _view(state: SandboxState, tenant: dict[str, Any]) -> dict[str, Any]:
    """A TenantInfo, its cloud and Integration references as they are now."""
    view = copy.deepcopy(tenant)
    for key, collection, shown in (
        ("integration", INTEGRATIONS, ("id", "name", "version")),
        ("cloud", CLOUDS, ("id", "name", "generation")),
    ):
        ref = view.get(key)
        found = col(state, collection).get(str(ref.get("id"))) if isinstance(ref, dict) else None
        if found is not None:
            view[key] = {name: found[name] for name in shown if name in found}
    return view


async def list_tenants(request: Request) -> Response:
    """``GET /tenants``: the tenants the caller sees, filtered by account and Integration name."""
    who = principal(request)
    state = sandbox_state(request)
    query = request.query_params
    accounts: set[str] | None = None
    if query.get("accounts"):
        accounts = set()
        for part in query["accounts"].split(","):
            account = uuid_or_none(part.strip())
            if account is None:
                raise bad(f"accounts must be comma-separated account ids, got {part!r}")
            accounts.add(account)
    names = (
        {n.strip() for n in query["integrations"].split(",")} if query.get("integrations") else None
    )
    found = []
    for tenant_id in state.tenant_ids_for(who):
        view = _view(state, state.tenants[tenant_id])
        if accounts is not None and account_id(view) not in accounts:
            continue
        integration = view.get("integration")
        name = integration.get("name") if isinstance(integration, dict) else None
        if names is not None and name not in names:
            continue
        found.append(view)
    return page(request, found)


async def find_tenant(request: Request) -> Response:
    """``GET /tenants/{id}``: a tenant the caller sees."""
    who = principal(request)
    state = sandbox_state(request)
    tenant_id = path_id(request, "tenant")
    if tenant_id not in state.tenant_ids_for(who, tenant_id):
        raise not_found("tenant", tenant_id)
    return one(_view(state, state.tenants[tenant_id]))


async def find_current_tenant(request: Request) -> Response:
    """``GET /tenant``: the tenant the request acts for."""
    state, tenant = for_tenant(request)
    return one(_view(state, tenant))


async def find_tenant_state(request: Request) -> Response:
    """``GET /tenant/state``: its flags, in rollover mode while a rollover is active."""
    state, tenant = for_tenant(request)
    flags = dict(col(state, TENANT_STATE).setdefault(tenant["id"], {}))
    in_rollover = any(active(r) for r in of_tenant(state, ROLLOVERS, tenant).values())
    flags["rollover_mode_enabled"] = bool(flags.get("rollover_mode_enabled")) or in_rollover
    return one(flags)


def _application(state: SandboxState, tenant: dict[str, Any]) -> dict[str, Any]:
    unspecified = TenantApplicationAuthType.UNSPECIFIED.value
    return col(state, TENANT_APPLICATION).setdefault(
        tenant["id"],
        owned(tenant, {"deliver_tasks": True, "validate_tasks": True, "auth_type": unspecified}),
    )


async def find_tenant_application(request: Request) -> Response:
    """``GET /tenant/application``."""
    return one(_application(*for_tenant(request)))


async def update_tenant_application(request: Request) -> Response:
    """``PATCH /tenant/application``: what the driver found checking the pending credentials."""
    state, tenant = for_tenant(request)
    application = _application(state, tenant)
    body = await object_body(request, "a TenantApplicationUpdate")
    checked = fields(body, TENANT_APPLICATION_UPDATE, "update")
    updating = TenantApplicationAuthState.UPDATING.value
    with state.lock:
        if application.get("auth_state_pending") != updating:
            pending = application.get(
                "auth_state_pending", TenantApplicationAuthState.UNSPECIFIED.value
            )
            raise conflict(
                "The tenant application can be updated only while its pending auth state "
                f"is '{updating}'; it is {pending!r}"
            )
        application.update(checked)
    return no_content()


HANDLERS: dict[str, Handler] = {
    "listInteropTenants": list_tenants,
    "findInteropTenant": find_tenant,
    "findCurrentTenant": find_current_tenant,
    "findTenantState": find_tenant_state,
    "findTenantApplication": find_tenant_application,
    "updateTenantApplication": update_tenant_application,
}
