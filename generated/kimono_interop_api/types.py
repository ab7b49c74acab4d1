"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, TypeVar
from uuid import UUID, SafeUUID

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


# uuid.UUID.__init__ sets exactly these slots; so does CPython 3.14's UUID._from_int().
_UUID_FAST = UUID.__slots__ == ("int", "is_safe", "__weakref__")
_new_object = object.__new__
_set_slot = object.__setattr__
_SAFE_UNKNOWN = SafeUUID.unknown


def parse_uuid(value: str) -> UUID:
    """``UUID(value)``, about twice as fast for the usual hex forms; the same UUID and errors.

    When the string without hyphens is 32 characters that ``int(_, 16)`` accepts, it has
    no braces or ``urn:uuid:`` prefix for ``UUID()`` to strip, so ``UUID()`` would compute
    this very integer. Everything else goes to ``UUID()`` itself.
    """
    if _UUID_FAST and type(value) is str:
        digits = value.replace("-", "")
        if len(digits) == 32:
            try:
                number = int(digits, 16)
            except ValueError:
                pass
            else:
                uuid = _new_object(UUID)
                _set_slot(uuid, "int", number)
                _set_slot(uuid, "is_safe", _SAFE_UNKNOWN)
                return uuid
    return UUID(value)


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
