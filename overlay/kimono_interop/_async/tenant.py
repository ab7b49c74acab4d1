"""The current tenant's state and application settings (being written)."""

from __future__ import annotations

from ._resource import AsyncResource


class AsyncTenantState(AsyncResource):
    """Tenant state."""


class AsyncTenantApplication(AsyncResource):
    """Tenant application."""
