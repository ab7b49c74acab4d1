"""The wall clock and the ids of the Interop objects, the one place the routes read them.

Timestamps, new ids and "is this rollover active now" all come from here, so a
recording can make them repeatable by replacing ``now``, ``new_id`` and ``dt`` in
this module alone (``tests/support/cassettes.py``). Callers therefore use them through
the module (``clock.now()``), never by importing the names.
"""

from __future__ import annotations

import datetime as dt
import uuid


def now() -> str:
    """The current UTC time as the API writes it (RFC 3339, milliseconds, ``Z``)."""
    return (
        dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def utc_now() -> dt.datetime:
    """The current UTC time, to compare with parsed date-times."""
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    """A fresh random UUID for an object created through the API."""
    return str(uuid.uuid4())


def parse_datetime(value: object) -> dt.datetime | None:
    """An RFC 3339 date-time with an offset, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def earliest() -> dt.datetime:
    """A UTC date-time before any other, where a sort needs one for a missing date."""
    return dt.datetime.min.replace(tzinfo=dt.timezone.utc)
