# Written by scripts/unasync.py from kimono_interop/_async/clouds.py: edit that file,
# then run `make generate`.
"""Clouds: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Clouds(Resource):
    """Clouds."""
