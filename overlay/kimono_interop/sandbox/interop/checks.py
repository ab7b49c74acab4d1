"""Checking request bodies: each schema's declared fields, what they must be, and how to tell.

An area module declares the fields of its request schemas as ``{name: Check}`` maps;
:func:`fields` keeps the declared fields a body holds, checked and normalized, and
answers 400 for the first one that is wrong. Fields a schema does not declare are
ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import clock
from .answers import bad
from .common import uuid_or_none


def _is_int(value: object) -> bool:
    # JSON Schema's integer: any number with a zero fractional part, so 1.0 is one too.
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _same(value: Any) -> Any:
    return value


class Check:
    """One declared field: what it must be, how to tell, and how it is stored."""

    def __init__(
        self,
        description: str,
        accepts: Callable[[Any], bool],
        stored: Callable[[Any], Any] = _same,
    ) -> None:
        self.description, self.accepts, self.stored = description, accepts, stored


def one_of(values: Sequence[str]) -> Check:
    """A field that holds one of ``values`` (an enum of the contract)."""
    return Check(f"one of {', '.join(values)}", lambda value: value in values)


STR = Check("a string", lambda value: isinstance(value, str))
# Integers are stored and answered as 1, not the 1.0 a client may send.
INT = Check("an integer", _is_int, int)
BOOL = Check("true or false", lambda value: isinstance(value, bool))
UUID = Check("a UUID", lambda value: uuid_or_none(value) is not None, uuid_or_none)
DATETIME = Check("an RFC 3339 date-time", lambda value: clock.parse_datetime(value) is not None)
STRING_MAP = Check(
    "an object of strings",
    lambda value: isinstance(value, dict) and all(isinstance(v, str) for v in value.values()),
)
OBJECT_OR_NULL = Check("an object or null", lambda value: value is None or isinstance(value, dict))
HOUR = Check(
    "an integer from 0 to 23 (UTC)", lambda value: _is_int(value) and 0 <= value <= 23, int
)


def fields(
    body: dict[str, Any], checks: dict[str, Check], what: str, required: Sequence[str] = ()
) -> dict[str, Any]:
    """The declared fields present in ``body``, checked (UUIDs made canonical); else 400."""
    for name in required:
        if body.get(name) is None:
            raise bad(f"{what}.{name} is required")
    found: dict[str, Any] = {}
    for name, check in checks.items():
        if name not in body:
            continue
        value = body[name]
        if not check.accepts(value):
            raise bad(f"{what}.{name} must be {check.description}, got {value!r}")
        found[name] = check.stored(value)
    return found
