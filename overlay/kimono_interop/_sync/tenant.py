# Written by scripts/unasync.py from kimono_interop/_async/tenant.py: edit that file,
# then run `make generate`.
"""The current tenant's state and application settings (being written)."""

from __future__ import annotations

from ._resource import Resource


class TenantState(Resource):
    """Tenant state."""


class TenantApplication(Resource):
    """Tenant application."""
