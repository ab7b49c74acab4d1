# Written by scripts/unasync.py from kimono_interop/_async/ingestions.py: edit that file,
# then run `make generate`.
"""Ingestions: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Ingestions(Resource):
    """Ingestions."""
