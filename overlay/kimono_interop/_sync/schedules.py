# Written by scripts/unasync.py from kimono_interop/_async/schedules.py: edit that file,
# then run `make generate`.
"""Schedules: (being written)."""

from __future__ import annotations

from ._resource import Resource


class Schedules(Resource):
    """Schedules."""
