"""Checks on the caller's arguments that run before any request is sent.

A malformed id or an impossible page size is the caller's mistake; catching it
here gives a ValueError that names the parameter, instead of a 400 (or worse, a
request to the wrong path) from the service.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from kimono_interop_data_api.types import parse_id

from ._constants import MAX_PAGE_SIZE
from ._parsing import parse_nested

T = TypeVar("T")


def validate_id(value: object, name: str = "id") -> str:
    """``value`` as a canonical UUID string; ValueError naming ``name`` if it is not one."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a UUID string or uuid.UUID, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty; pass the object's $sys.id")
    try:
        return parse_id(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a UUID such as '2a4a2e06-7755-43bb-9766-4f398079ef8c', got {value!r}"
        ) from None


def validate_task_id(value: object, name: str = "task_id") -> str:
    """A task id as sent back to the service: a non-blank string, as it is (or a UUID).

    Task ids are UUIDs in every published source, but a task is acknowledged with
    whatever id the service gave it, spelled as the service spelled it: refusing an id
    of another form, or rewriting one (an upper-case UUID made lower case), would leave
    the task unacknowledged, and the tenant's queue stalled behind it.
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


def validate_int(value: object, name: str) -> int:
    """``value`` if it is an int (not a bool); TypeError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def validate_bool(value: object, name: str) -> bool:
    """``value`` if it is a bool; TypeError naming ``name`` otherwise."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


def validate_str(value: object, name: str) -> str:
    """``value`` if it is a str; TypeError naming ``name`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def validate_path_value(value: object, name: str) -> str:
    """A path segment that is not an id (a version string): a non-blank str."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str such as '1.0', not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{name} must not be empty")
    return value


def validate_blueprint(value: object) -> bytes:
    """An Integration Blueprint as bytes (a str is encoded as UTF-8); it must not be empty."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError(f"blueprint must be bytes or str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError("blueprint must not be empty; pass the Integration Blueprint XML")
    return value


def _split(value: str, name: str) -> list[str]:
    """The members of a comma-separated string, stripped; none may be empty."""
    parts = [part.strip() for part in value.split(",")]
    if not all(parts):
        raise ValueError(f"{name} must be comma-separated values, none empty; got {value!r}")
    return parts


def account_ids(value: str | Iterable[object] | None) -> str | None:
    """Account ids as the service reads them: UUIDs joined with commas."""
    if value is None:
        return None
    if isinstance(value, str):
        ids = [validate_id(part, "accounts") for part in _split(value, "accounts")]
    elif isinstance(value, Iterable):
        ids = [validate_id(item, f"accounts[{index}]") for index, item in enumerate(value)]
    else:
        raise TypeError(f"accounts must be a str or an iterable of str, not {type(value).__name__}")
    if not ids:
        raise ValueError(
            "accounts must not be empty; pass None to list the tenants of every account"
        )
    return ",".join(ids)


def integration_names(value: str | Iterable[str] | None) -> str | None:
    """Integration names as the service reads them: joined with commas."""
    if value is None:
        return None
    if isinstance(value, str):
        return ",".join(_split(value, "integrations"))
    if not isinstance(value, Iterable):
        raise TypeError(
            f"integrations must be a str or an iterable of str, not {type(value).__name__}"
        )
    names: list[str] = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise TypeError(f"integrations[{index}] must be a str, not {type(item).__name__}")
        if not item.strip() or "," in item:
            raise ValueError(
                f"integrations[{index}] must be an Integration name, not empty and without "
                f"a comma; got {item!r}"
            )
        names.append(item.strip())
    if not names:
        raise ValueError(
            "integrations must not be empty; pass None to list the tenants of every Integration"
        )
    return ",".join(names)


def coerce(model: type[T], value: T | Mapping[str, Any], name: str) -> T:
    """A request body as the generated model: the model itself, or a dict parsed into one."""
    if isinstance(value, model):
        return value
    if isinstance(value, Mapping):
        try:
            return parse_nested(model.from_dict(dict(value)))  # type: ignore[attr-defined,no-any-return]
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"{name} is not a valid {model.__name__} object: {type(exc).__name__}: {exc}"
            ) from exc
    raise TypeError(f"{name} must be a {model.__name__} or a dict, not {type(value).__name__}")


#: A check of one field of a request body: (name, "int" | "bool" | "", minimum, maximum, required).
FieldCheck = tuple[str, str, Any, Any, bool]


def check_fields(body: T, name: str, checks: tuple[FieldCheck, ...]) -> T:
    """``body`` if its fields meet what the spec says of them; errors name ``name.field``.

    The generated models do not check types or ranges when they parse a dict, so a
    request body's constraints are checked here, before anything is sent.
    """
    for field_name, kind, minimum, maximum, required in checks:
        value = getattr(body, field_name, None)
        missing = value is None or type(value).__name__ == "Unset"
        where = f"{name}.{field_name}"
        if missing:
            if required:
                raise ValueError(f"{where} is required")
            continue
        if kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise TypeError(f"{where} must be an int, not {type(value).__name__}")
        if kind == "bool" and not isinstance(value, bool):
            raise TypeError(f"{where} must be a bool, not {type(value).__name__}")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            bounds = (
                f"between {minimum} and {maximum}"
                if minimum is not None and maximum is not None
                else (f"at least {minimum}" if minimum is not None else f"at most {maximum}")
            )
            raise ValueError(f"{where} must be {bounds}, got {value!r}")
    return body


def validate_positive(value: object, name: str) -> float:
    """``value`` if it is a finite number > 0 (not a bool); ValueError naming ``name``
    otherwise (NaN and infinity included: a wait of either never ends as meant)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not (value > 0 and math.isfinite(value))
    ):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return value
