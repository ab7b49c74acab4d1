"""Checks on the caller's arguments that run before any request is sent.

A malformed id or an impossible page size is the caller's mistake; catching it
here gives a ValueError that names the parameter, instead of a 400 (or worse, a
request to the wrong path) from the service.
"""

from __future__ import annotations

import uuid

MAX_PAGE_SIZE = 2000


def validate_id(value: object, name: str = "id") -> str:
    """``value`` as a canonical UUID string; ValueError naming ``name`` if it is not one."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a UUID string or uuid.UUID, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty; pass the object's $sys.id")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(
            f"{name} must be a UUID such as '2a4a2e06-7755-43bb-9766-4f398079ef8c', got {value!r}"
        ) from None


def validate_task_id(value: object, name: str = "task_id") -> str:
    """A task id as sent back to the service: a non-blank string (or a UUID).

    Task ids are UUIDs in every published source, but a task is acknowledged with
    whatever id the service gave it: refusing an id of another form would leave the
    task unacknowledged, and the tenant's queue stalled behind it.
    """
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty; pass the task's id")
    return value


def validate_page_size(value: object, *, maximum: int = MAX_PAGE_SIZE) -> int:
    """``value`` if it is an int in 1..maximum; ValueError naming ``page_size`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"page_size must be an int, not {type(value).__name__}")
    if not 1 <= value <= maximum:
        raise ValueError(f"page_size must be between 1 and {maximum}, got {value}")
    return value


def validate_page(value: object) -> int:
    """``value`` if it is a non-negative int (pages are numbered from zero)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"page must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"page must be 0 or more (pages are numbered from zero), got {value}")
    return value
