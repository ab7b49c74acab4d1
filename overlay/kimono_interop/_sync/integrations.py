# Written by scripts/unasync.py from kimono_interop/_async/integrations.py: edit that file,
# then run `make generate`.
"""Integrations: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Integrations(Resource):
    """Integrations."""
