"""Rollovers: the tenant's school-year rollovers (Interop API, ``/tenant/rollovers``).

The tenant is the one the caller's credentials identify. A rollover (type
``new_year``) moves the tenant into rollover mode between its ``start_date`` and
``end_date``. Rollovers may not overlap: creating or changing one that overlaps
another (or that someone changed at the same time) raises ConflictError, and so
does deleting the active rollover.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kimono_interop_api.api.rollovers import (
    count_rollovers,
    create_rollover,
    delete_rollover,
    find_rollover,
    list_rollovers,
    update_rollover,
)
from kimono_interop_api.models import Rollover, RolloverRequest, RolloverResponse

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from .._validation import validate_id
from ._resource import AsyncResource, coerce


def _rollover(body: Any) -> Rollover:
    return RolloverResponse.from_dict(body).data


class AsyncRollovers(AsyncResource):
    """The tenant's rollovers."""

    def list(
        self,
        *,
        sort: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPager[Rollover]:
        """Every rollover of the tenant.

        Args:
            sort: Field to sort by; prefix it with ``-`` for descending order,
                e.g. ``"-name"``.
        """
        return self._list(
            self._interop,
            list_rollovers,
            Rollover.from_dict,
            page_size=page_size,
            timeout=timeout,
            sort=sort,
        )

    async def create(
        self, request: RolloverRequest | Mapping[str, Any], *, timeout: Timeout = NOT_GIVEN
    ) -> Rollover:
        """Create a rollover; returns it as stored.

        ConflictError if it overlaps another rollover, or on a concurrent change.
        """
        body = coerce(RolloverRequest, request, "request")
        return await self._request(
            self._interop, create_rollover, _rollover, timeout=timeout, body=body
        )

    async def count(self, *, timeout: Timeout = NOT_GIVEN) -> int:
        """How many rollovers the tenant has."""
        return await self._count(self._interop, count_rollovers, timeout=timeout)

    async def get(self, rollover_id: object, *, timeout: Timeout = NOT_GIVEN) -> Rollover:
        """One rollover by id."""
        rollover = validate_id(rollover_id, "rollover_id")
        return await self._request(
            self._interop, find_rollover, _rollover, rollover, timeout=timeout
        )

    async def update(
        self,
        rollover_id: object,
        request: RolloverRequest | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> Rollover:
        """Replace a rollover with ``request``; returns it as stored.

        NotFoundError if there is no rollover with this id; ConflictError if the
        new dates overlap another rollover, or on a concurrent change.
        """
        rollover = validate_id(rollover_id, "rollover_id")
        body = coerce(RolloverRequest, request, "request")
        return await self._request(
            self._interop, update_rollover, _rollover, rollover, timeout=timeout, body=body
        )

    async def delete(self, rollover_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete a rollover; ConflictError if it is the active one (it cannot be deleted)."""
        rollover = validate_id(rollover_id, "rollover_id")
        await self._no_content(self._interop, delete_rollover, rollover, timeout=timeout)
