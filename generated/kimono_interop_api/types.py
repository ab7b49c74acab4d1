"""Contains some shared types for properties"""

from collections.abc import Mapping, MutableMapping
from http import HTTPStatus
from typing import IO, BinaryIO, Generic, TypeVar

from attrs import define
from kimono_interop_data_api.types import LAZY as LAZY
from kimono_interop_data_api.types import UNSET as UNSET
from kimono_interop_data_api.types import LazyParseError as LazyParseError
from kimono_interop_data_api.types import Unset as Unset
from kimono_interop_data_api.types import lazy_fields as lazy_fields
from kimono_interop_data_api.types import on_lazy_parse_error as on_lazy_parse_error
from kimono_interop_data_api.types import parse_each as parse_each
from kimono_interop_data_api.types import parse_enum as parse_enum
from kimono_interop_data_api.types import parse_id as parse_id
from kimono_interop_data_api.types import secrets_hidden as secrets_hidden

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
