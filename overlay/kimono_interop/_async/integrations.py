"""Integrations: (being written)."""

from __future__ import annotations

from ._resource import AsyncResource


class AsyncIntegrations(AsyncResource):
    """Integrations."""
