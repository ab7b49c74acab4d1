"""Tenants: the Integration tenants you serve, and the tenant you are (Interop API).

``GET /tenants`` is the vendor's view: a :class:`TenantInfo` for each Integration
tenant you are licensed and authorized to serve, with the credentials (``auth``)
to act as it; pass one to ``client.for_tenant(info)`` to get a client that does.
``GET /tenant`` is the tenant's own view: the TenantInfo of whoever the caller's
credentials identify. Credentials in a TenantInfo are secret; never log them.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable

from kimono_interop_api.api.tenants import (
    find_current_tenant,
    find_interop_tenant,
    list_interop_tenants,
)
from kimono_interop_api.models import TenantInfo, TenantInfoResponse

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from .._validation import validate_id
from ._resource import AsyncResource


class AsyncTenants(AsyncResource):
    """Integration tenants (Interop API, ``/tenants`` and ``/tenant``)."""

    def list(
        self,
        *,
        accounts: str | Iterable[str | uuid.UUID] | None = None,
        integrations: str | Iterable[str] | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPager[TenantInfo]:
        """Every Integration tenant you are licensed and authorized to serve.

        A vendor-level call (some environments authenticate it with HTTP Basic).

        Args:
            accounts: Only tenants of these accounts: account ids (UUIDs), as an
                iterable or one comma-separated string; each is checked before
                any request is sent.
            integrations: Only tenants of these Integrations, given by Integration
                name, as an iterable or one comma-separated string. Without it, the
                tenants of every Integration your account owns.
        """
        return self._list(
            self._interop,
            list_interop_tenants,
            TenantInfo.from_dict,
            page_size=page_size,
            timeout=timeout,
            accounts=_account_ids(accounts),
            integrations=_integration_names(integrations),
        )

    async def get(self, tenant_id: object, *, timeout: Timeout = NOT_GIVEN) -> TenantInfo:
        """One of your Integration tenants by id; NotFoundError if there is none."""
        tenant = validate_id(tenant_id, "tenant_id")
        return await self._request(
            self._interop,
            find_interop_tenant,
            lambda body: TenantInfoResponse.from_dict(body).data,
            tenant,
            timeout=timeout,
        )

    async def current(self, *, timeout: Timeout = NOT_GIVEN) -> TenantInfo:
        """The TenantInfo of the tenant identified by this client's credentials."""
        return await self._request(
            self._interop,
            find_current_tenant,
            lambda body: TenantInfoResponse.from_dict(body).data,
            timeout=timeout,
        )


def _split(value: str, name: str) -> builtins.list[str]:
    """The members of a comma-separated string, stripped; none may be empty."""
    parts = [part.strip() for part in value.split(",")]
    if not all(parts):
        raise ValueError(f"{name} must be comma-separated values, none empty; got {value!r}")
    return parts


def _account_ids(value: str | Iterable[object] | None) -> str | None:
    """Account ids as the service reads them: UUIDs joined with commas."""
    if value is None:
        return None
    if isinstance(value, str):
        ids = [validate_id(part, "accounts") for part in _split(value, "accounts")]
    elif isinstance(value, Iterable):
        ids = [validate_id(item, f"accounts[{index}]") for index, item in enumerate(value)]
    else:
        raise TypeError(f"accounts must be a str or an iterable of str, not {type(value).__name__}")
    if not ids:
        raise ValueError(
            "accounts must not be empty; pass None to list the tenants of every account"
        )
    return ",".join(ids)


def _integration_names(value: str | Iterable[str] | None) -> str | None:
    """Integration names as the service reads them: joined with commas."""
    if value is None:
        return None
    if isinstance(value, str):
        return ",".join(_split(value, "integrations"))
    if not isinstance(value, Iterable):
        raise TypeError(
            f"integrations must be a str or an iterable of str, not {type(value).__name__}"
        )
    names: builtins.list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise TypeError(f"integrations[{index}] must be a str, not {type(item).__name__}")
        if not item.strip() or "," in item:
            raise ValueError(
                f"integrations[{index}] must be an Integration name, not empty and without "
                f"a comma; got {item!r}"
            )
        names.append(item.strip())
    if not names:
        raise ValueError(
            "integrations must not be empty; pass None to list the tenants of every Integration"
        )
    return ",".join(names)
