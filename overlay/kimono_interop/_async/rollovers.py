"""Rollovers: (being written)."""

from __future__ import annotations

from ._resource import AsyncResource


class AsyncRollovers(AsyncResource):
    """Rollovers."""
