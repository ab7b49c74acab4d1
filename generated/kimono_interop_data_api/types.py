"""Contains some shared types for properties"""

import re
from collections.abc import Mapping, MutableMapping
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from uuid import UUID

from attrs import define


class Unset:
    _instance: "Unset | None" = None

    def __new__(cls) -> "Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __reduce__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Unset = Unset()

_E = TypeVar("_E", bound=Enum)


def parse_enum(enum: type[_E], value: Any) -> _E:
    """``enum(value)``: the member's dict lookup first, the full Enum call for anything else."""
    try:
        return enum._value2member_map_[value]  # type: ignore[return-value]
    except (KeyError, TypeError):
        return enum(value)


#: An id in its canonical form: a UUID in lowercase hex, hyphenated.
_CANONICAL_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def parse_id(value: str) -> str:
    """A UUID field's value as the SDK hands ids out: ``str(UUID(value))``.

    The canonical form (lowercase, hyphenated) is returned as it is, without building a
    UUID; any other spelling ``UUID()`` accepts (upper case, braces, ``urn:uuid:``, no
    hyphens) becomes the canonical form, so ids compare equal whoever wrote them.
    Anything else raises what ``UUID(value)`` raises.
    """
    if type(value) is str and len(value) == 36 and _CANONICAL_ID.fullmatch(value):
        return value
    return str(UUID(value))


def secrets_hidden(members: dict[str, Any]) -> str:
    """The repr of a model's unknown members, each secret-named value shown as ``***``."""
    # What a secret is, is defined once, in the SDK this package ships with.
    from kimono_interop._secrets import redact_mapping  # noqa: PLC0415

    return repr(redact_mapping(members))


# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint"""

    status_code: HTTPStatus
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


__all__ = ["UNSET", "File", "FileTypes", "RequestFiles", "Response", "Unset"]
