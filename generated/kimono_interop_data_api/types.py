"""Contains some shared types for properties"""

import re
from collections.abc import Callable, Mapping, MutableMapping
from enum import Enum
from http import HTTPStatus
from typing import IO, Any, BinaryIO, Generic, Literal, NoReturn, TypeVar
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


class LazyParseError(ValueError):
    """A nested object or list of objects that does not fit its model, found at its first read.

    ``from_dict()`` keeps each nested object and list of objects as the JSON it was given,
    and the first read of the attribute parses it (``lazy_fields``). A parse that fails
    raises this, chained to the parser's own ``KeyError``, ``ValueError``, ``TypeError``
    or ``AttributeError``, at that read and at every later one (nothing is stored). The
    SDK raises its ``ResponseValidationError`` subclass instead (``on_lazy_parse_error``).
    """


def _raise_lazy_parse_error(where: str, error: Exception, data: Any) -> NoReturn:
    message = f"{where} does not fit its model ({type(error).__name__}: {error})"
    raise LazyParseError(message) from error


_ON_LAZY_PARSE_ERROR: Callable[[str, Exception, Any], NoReturn] = (
    _raise_lazy_parse_error
)
_PARSE_ERRORS = (KeyError, ValueError, TypeError, AttributeError)


def on_lazy_parse_error(handler: Callable[[str, Exception, Any], NoReturn]) -> None:
    """Have ``handler(where, error, data)`` raise the error of a lazy parse (the SDK calls
    this).

    ``where`` is ``"Model.field"``, ``error`` what the parser raised, ``data`` the JSON it
    could not parse (whose values the SDK keeps out of its message). The handler must
    raise a ``LazyParseError``, from ``error`` (or an exception of its type).
    """
    global _ON_LAZY_PARSE_ERROR
    _ON_LAZY_PARSE_ERROR = handler


class _Lazy:
    def __repr__(self) -> str:
        return "LAZY"


#: A nested field holding ``(LAZY, json)`` parses ``json`` at its first read.
LAZY: Any = _Lazy()


def lazy_fields(model: type, /, **parsers: Callable[[Any], Any]) -> None:
    """Make each named field of ``model`` (an attrs class with slots) parse at its first read.

    ``from_dict()`` passes each nested object or list of objects to the class as
    ``(LAZY, json)``. The field keeps its attrs slot, and its class attribute becomes a
    property over that slot: a read that finds ``(LAZY, json)`` there parses ``json`` with
    the field's parser, stores the result and returns it; any other value (a model given
    to the constructor or assigned) is returned as it is. Threads that read first at once
    may each parse: each gets an equal, complete value, and the last one stored stays.
    """
    for name, parse in parsers.items():
        setattr(model, name, _lazy_property(model, name, parse))


def parse_each(parse: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    """The parser of a list of objects: ``parse`` applied to each item, in order."""

    def parse_list(data: Any) -> list[Any]:
        return [parse(item) for item in data]

    return parse_list


def _lazy_property(model: type, name: str, parse: Callable[[Any], Any]) -> property:
    slot = model.__dict__[name]  # attrs' slot of the field: a member descriptor
    get, put = slot.__get__, slot.__set__
    where = f"{model.__name__}.{name}"

    def read(self: Any) -> Any:
        value = get(self)
        if type(value) is tuple and len(value) == 2 and value[0] is LAZY:
            lazy = value
            try:
                value = parse(lazy[1])
            except _PARSE_ERRORS as error:
                _ON_LAZY_PARSE_ERROR(where, error, lazy[1])
            # Stored only over the JSON it came from: what another thread assigned (or
            # deleted) while this one parsed stays, and is what this read returns.
            try:
                now = get(self)
            except AttributeError:
                return value
            if now is not lazy:
                return read(self)
            put(self, value)  # a complete value: a thread never sees a half-parsed one
        return value

    return property(read, put, slot.__delete__, f"{where}, parsed at its first read.")


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
