# Written by scripts/unasync.py from kimono_interop/_async/tenants.py: edit that file,
# then run `make generate`.
"""Tenants: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Tenants(Resource):
    """Tenants."""
