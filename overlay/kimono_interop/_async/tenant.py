"""The current tenant: its state and its application settings (Interop API, ``/tenant/...``).

Both act on the tenant identified by the caller's credentials (use
``client.for_tenant(info)`` to act as one of your tenants).
:class:`AsyncTenantState` reads its modes and flags (rollover mode, setup mode,
suspended synchronization, pending mass change). :class:`AsyncTenantApplication`
reads the application's authentication parameters (defined in the Integration
Blueprint) and options, and, during the authentication setup workflow, updates
the pending authentication attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The sync twins of the classes below are named TenantState and TenantApplication,
# like these models, so the models are used through their module.
from kimono_interop_api import models
from kimono_interop_api.api.tenant_application import (
    find_tenant_application,
    update_tenant_application,
)
from kimono_interop_api.api.tenant_state import find_tenant_state

from .._base_client import NOT_GIVEN, Timeout
from ._resource import AsyncResource, coerce


class AsyncTenantState(AsyncResource):
    """The current tenant's modes and flags (Interop API, ``/tenant/state``)."""

    async def get(self, *, timeout: Timeout = NOT_GIVEN) -> models.TenantState:
        """The tenant's state: rollover mode, setup mode, suspended sync, pending mass change."""
        return await self._request(
            self._interop,
            find_tenant_state,
            lambda body: models.TenantStateResponse.from_dict(body).data,
            timeout=timeout,
        )


class AsyncTenantApplication(AsyncResource):
    """The current tenant's application settings (Interop API, ``/tenant/application``)."""

    async def get(self, *, timeout: Timeout = NOT_GIVEN) -> models.TenantApplication:
        """The application's authentication parameters and configuration options.

        The tenant must be an Integration. The answer changes rarely: a driver
        should keep it in memory rather than ask for every task.
        """
        return await self._request(
            self._interop,
            find_tenant_application,
            lambda body: models.TenantApplicationResponse.from_dict(body).data,
            timeout=timeout,
        )

    async def update(
        self,
        update: models.TenantApplicationUpdate | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Set the pending authentication attributes during the authentication setup workflow.

        Only ``auth_message``, ``auth_props_pending`` and ``auth_state_pending``
        (``confirmed`` or ``error``) may change, and only while the pending auth
        state is ``updating``; otherwise the service answers 409 (ConflictError).
        """
        body = coerce(models.TenantApplicationUpdate, update, "update")
        await self._no_content(self._interop, update_tenant_application, body=body, timeout=timeout)
