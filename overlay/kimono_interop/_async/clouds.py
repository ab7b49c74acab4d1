"""Clouds: the Interop Clouds of the accounts visible to you (Interop API, ``/clouds``).

An Interop Cloud holds the actors (connectors, Integrations, repositories,
applications) of an account. Clouds can be listed, searched by generation,
userdata or name, looked up, created and deleted; :meth:`AsyncClouds.list_actors`
lists the actors installed in one cloud, with their credentials on request.
``list``-style methods return a lazy pager over every item of every page; ids
are checked before any request is sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kimono_interop_api.api.clouds import (
    create_cloud,
    delete_cloud,
    find_cloud,
    list_actors_by_cloud,
    list_clouds,
    search_clouds,
)
from kimono_interop_api.models import Actor, Cloud, CloudResponse

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import AsyncPager
from .._validation import validate_id
from ._resource import AsyncResource, coerce


class AsyncClouds(AsyncResource):
    """Interop Clouds (Interop API, ``/clouds``)."""

    def list(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> AsyncPager[Cloud]:
        """Every Interop Cloud of the accounts visible to you."""
        return self._list(
            self._interop, list_clouds, Cloud.from_dict, page_size=page_size, timeout=timeout
        )

    def search(
        self,
        *,
        generation: int | None = None,
        userdata: str | None = None,
        name: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPager[Cloud]:
        """The Interop Clouds matching every criterion given.

        Args:
            generation: Only clouds of this generation.
            userdata: Only clouds with this userdata.
            name: Only clouds with this name.
        """
        if generation is not None and (
            isinstance(generation, bool) or not isinstance(generation, int)
        ):
            raise TypeError(f"generation must be an int, not {type(generation).__name__}")
        return self._list(
            self._interop,
            search_clouds,
            Cloud.from_dict,
            page_size=page_size,
            timeout=timeout,
            generation=generation,
            userdata=userdata,
            name=name,
        )

    async def get(self, cloud_id: object, *, timeout: Timeout = NOT_GIVEN) -> Cloud:
        """One Interop Cloud by id; NotFoundError if there is none."""
        cloud = validate_id(cloud_id, "cloud_id")
        return await self._request(
            self._interop,
            find_cloud,
            lambda body: CloudResponse.from_dict(body).data,
            cloud,
            timeout=timeout,
        )

    async def create(
        self, cloud: Cloud | Mapping[str, Any], *, timeout: Timeout = NOT_GIVEN
    ) -> Cloud:
        """Create an Interop Cloud in your account; returns the stored Cloud (with its id).

        ``cloud`` is a :class:`Cloud` or its dict, e.g.
        ``{"name": "Sandbox", "userdata": "...", "generation": 1}``.
        """
        body = coerce(Cloud, cloud, "cloud")
        return await self._request(
            self._interop,
            create_cloud,
            lambda data: CloudResponse.from_dict(data).data,
            body=body,
            timeout=timeout,
        )

    async def delete(self, cloud_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete an Interop Cloud; NotFoundError if there is none."""
        cloud = validate_id(cloud_id, "cloud_id")
        await self._no_content(self._interop, delete_cloud, cloud, timeout=timeout)

    def list_actors(
        self,
        cloud_id: object,
        *,
        credentials: bool | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPager[Actor]:
        """Every actor installed in one Interop Cloud.

        Args:
            cloud_id: The cloud.
            credentials: True to include each actor's credentials (``auth``).
        """
        cloud = validate_id(cloud_id, "cloud_id")
        if credentials is not None and not isinstance(credentials, bool):
            raise TypeError(f"credentials must be a bool, not {type(credentials).__name__}")
        return self._list(
            self._interop,
            list_actors_by_cloud,
            Actor.from_dict,
            cloud,
            page_size=page_size,
            timeout=timeout,
            credentials=credentials,
        )
