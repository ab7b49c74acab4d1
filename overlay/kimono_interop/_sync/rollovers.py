# Written by scripts/unasync.py from kimono_interop/_async/rollovers.py: edit that file,
# then run `make generate`.
"""Rollovers: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Rollovers(Resource):
    """Rollovers."""
