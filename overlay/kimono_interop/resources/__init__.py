"""Resource objects: one per area of the APIs, one method per operation."""

from .rostering import Rostering

__all__ = ["Rostering"]
