# Written by scripts/unasync.py from kimono_interop/_async/actors.py: edit that file,
# then run `make generate`.
"""Actors: the actors installed in the Interop Clouds of the accounts visible to you (Interop API).

An actor (a connector, an Integration, a repository or an application) carries
``auth``, the credentials to call the Kimono APIs as that actor: this is where a
vendor finds the coordinates it needs to act for its Integrations. The
credentials are secret; never log them. :meth:`Actors.list` walks every
page lazily; ``client.clouds.list_actors(cloud_id)`` lists the actors of one cloud.
"""

from __future__ import annotations

from kimono_interop_api.api.actors import list_actors
from kimono_interop_api.models import Actor

from .._base_client import NOT_GIVEN, Timeout
from .._pagination import SyncPager
from ._resource import Resource


class Actors(Resource):
    """Actors of every Interop Cloud visible to you (Interop API, ``/actors``)."""

    def list(
        self, *, page_size: int | None = None, timeout: Timeout = NOT_GIVEN
    ) -> SyncPager[Actor]:
        """Every actor installed in the Interop Clouds of the accounts visible to you.

        Each :class:`Actor` has its ``type`` (connector, integration, repository,
        application) and, in ``auth``, the credentials to act as it.
        """
        return self._list(
            self._interop, list_actors, Actor.from_dict, page_size=page_size, timeout=timeout
        )
