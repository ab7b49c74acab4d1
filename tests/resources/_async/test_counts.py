"""The count endpoints (ingestions, rollovers, schedules): a bare JSON integer, nothing else."""

from __future__ import annotations

import pytest

from kimono_interop import AsyncKimonoClient, ResponseValidationError
from tests.support.mock_service import MockService

pytestmark = pytest.mark.anyio

#: The resource of each count endpoint, and its path below /v2/interop.
COUNTS = {
    "ingestions": "/ingestions/count",
    "rollovers": "/tenant/rollovers/count",
    "schedules": "/tenant/schedules/count",
}


@pytest.mark.parametrize("resource", list(COUNTS))
@pytest.mark.parametrize("count", [0, 3, 42])
async def test_count_returns_the_integer(resource: str, count: int) -> None:
    """GET .../count without parameters; the integer answered is returned as an int."""
    service = MockService(content=str(count).encode())
    async with service.client(AsyncKimonoClient) as client:
        assert count == await getattr(client, resource).count()
    service.check("GET", COUNTS[resource], {})


@pytest.mark.parametrize("resource", list(COUNTS))
@pytest.mark.parametrize(
    "content",
    [b'"42"', b"42.0", b"4.2", b"false", b"true", b"[42]", b'{"count": 42}', b"null", b"", b"42x"],
)
async def test_count_that_is_not_an_integer_raises(resource: str, content: bytes) -> None:
    """A string, float, bool, array, object, null, empty or broken answer is refused.

    It raises ResponseValidationError, after the one request.
    """
    service = MockService(content=content)
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(ResponseValidationError):
            await getattr(client, resource).count()
    service.check("GET", COUNTS[resource], {})
