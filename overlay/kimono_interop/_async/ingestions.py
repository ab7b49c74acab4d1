"""Ingestions: collections, bulk loads and other loads into the tenant's repository.

Interop API, ``/ingestions``; read-only. An ingestion records one load (its
``type``, ``state``, when it started, and for a mass change how many objects of
each type it adds, updates and deletes). Its ``session_token`` is a secret:
do not log it.
"""

from __future__ import annotations

from kimono_interop_api.api.ingestions import count_ingestions, find_ingestion, list_ingestions
from kimono_interop_api.models import Ingestion, IngestionResponse

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from .._validation import validate_id
from ._resource import AsyncResource


class AsyncIngestions(AsyncResource):
    """The tenant's ingestions."""

    def list(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> AsyncPager[Ingestion]:
        """Every ingestion."""
        return self._list(
            self._interop,
            list_ingestions,
            Ingestion.from_dict,
            page_size=page_size,
            timeout=timeout,
        )

    async def count(self, *, timeout: Timeout = NOT_GIVEN) -> int:
        """How many ingestions :meth:`list` would yield."""
        return await self._count(self._interop, count_ingestions, timeout=timeout)

    async def get(self, ingestion_id: object, *, timeout: Timeout = NOT_GIVEN) -> Ingestion:
        """One ingestion by id."""
        ingestion = validate_id(ingestion_id, "ingestion_id")
        return await self._request(
            self._interop,
            find_ingestion,
            lambda body: IngestionResponse.from_dict(body).data,
            ingestion,
            timeout=timeout,
        )
