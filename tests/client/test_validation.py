"""Bad arguments fail before any request, with an error that names the parameter."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, ConfigurationError, KimonoClient
from kimono_interop._validation import validate_id, validate_page, validate_page_size


def test_valid_ids_are_canonicalised() -> None:
    """UUID objects and strings in any case come back as the canonical lower-case form."""
    value = uuid.UUID("2a4a2e06-7755-43bb-9766-4f398079ef8c")
    assert validate_id(value) == str(value)
    assert validate_id(str(value).upper()) == str(value)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ("", ValueError, "org_id must not be empty"),
        ("   ", ValueError, "org_id must not be empty"),
        ("not-a-uuid", ValueError, "org_id must be a UUID"),
        ("../tasks/ack", ValueError, "org_id must be a UUID"),
        (42, TypeError, "org_id must be a UUID string"),
        (None, TypeError, "org_id must be a UUID string"),
    ],
)
def test_bad_ids(value: object, error: type[Exception], message: str) -> None:
    """Empty, malformed and wrongly typed ids are refused with the parameter's name."""
    with pytest.raises(error, match=message):
        validate_id(value, "org_id")


@pytest.mark.parametrize("value", [0, -1, 2001, 10**6])
def test_page_size_out_of_range(value: int) -> None:
    """page_size must be within 1..2000."""
    with pytest.raises(ValueError, match="page_size must be between 1 and 2000"):
        validate_page_size(value)


@pytest.mark.parametrize("value", ["100", 1.5, True, None])
def test_page_size_wrong_type(value: object) -> None:
    """page_size must be an int (a bool is not)."""
    with pytest.raises(TypeError, match="page_size must be an int"):
        validate_page_size(value)


def test_page_bounds() -> None:
    """Pages start at zero; a negative page is refused."""
    assert (validate_page(0), validate_page_size(2000), validate_page_size(1)) == (0, 2000, 1)
    with pytest.raises(ValueError, match="page must be 0 or more"):
        validate_page(-1)


@pytest.mark.parametrize(
    ("client", "transport", "expected"),
    [
        (KimonoClient, httpx.AsyncHTTPTransport, "httpx.BaseTransport"),
        (AsyncKimonoClient, httpx.HTTPTransport, "httpx.AsyncBaseTransport"),
    ],
)
def test_a_transport_of_the_other_kind_is_refused(
    client: type[KimonoClient | AsyncKimonoClient], transport: type[Any], expected: str
) -> None:
    """A sync transport given to the async client (or the other way round) is refused when
    the client is made, not with an AttributeError inside httpx on the first request."""
    with pytest.raises(ConfigurationError, match=f"transport must be an {expected}"):
        client("a", "b", base_url="http://127.0.0.1:9", transport=transport())
