# Written by scripts/unasync.py from kimono_interop/_async/actors.py: edit that file,
# then run `make generate`.
"""Actors: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Actors(Resource):
    """Actors."""
