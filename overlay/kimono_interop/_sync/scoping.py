# Written by scripts/unasync.py from kimono_interop/_async/scoping.py: edit that file,
# then run `make generate`.
"""Scoping: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Scoping(Resource):
    """Scoping."""
