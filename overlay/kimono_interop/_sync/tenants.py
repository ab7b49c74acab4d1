# Written by scripts/unasync.py from kimono_interop/_async/tenants.py: edit that file,
# then run `make generate`.
"""The tenant list's hand-written behaviour: account and Integration filters given as lists.

``GET /tenants`` is the vendor's view: a :class:`TenantInfo` for each Integration
tenant you are licensed and authorized to serve, with the credentials (``auth``)
to act as it; pass one to ``client.for_tenant(info)`` to get a client that does.
Credentials in a TenantInfo are secret; never log them.
"""

from __future__ import annotations

from kimono_interop_api.models import TenantInfo

from .._operations import OPERATIONS
from .._pagination import SyncPager
from .._types import NOT_GIVEN, AccountIds, Headers, IntegrationNames, Query, Timeout
from .._validation import account_ids, integration_names
from ._resource import Resource


class TenantsBehaviour(Resource):
    """Listing tenants, filtered."""

    def list(
        self,
        *,
        accounts: AccountIds = None,
        integrations: IntegrationNames = None,
        page_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[TenantInfo]:
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
            OPERATIONS["listInteropTenants"],
            TenantInfo.from_dict,
            params={
                "accounts": account_ids(accounts),
                "integrations": integration_names(integrations),
            },
            page_size=page_size,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
