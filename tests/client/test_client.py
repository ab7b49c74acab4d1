"""What only the async client has: concurrent calls on one loop, the shared pool, the raw API.

The behaviour both clients share is tested once, in ``_async/test_client.py`` (and its
sync twin); these tests have no sync counterpart.
"""

from __future__ import annotations

import asyncio
import json

import httpx

from kimono_interop import AsyncKimonoClient
from tests.support.mock_service import ORIGIN, MockService

ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
ORG = {"data": {"$sys": {"id": ORG_ID}, "name": "District"}}


def slow_token(service: MockService) -> httpx.MockTransport:
    """``service`` behind a token endpoint that takes 10 ms, so that concurrent calls overlap."""

    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            await asyncio.sleep(0.01)
        return service(request)

    return httpx.MockTransport(handle)


def test_twenty_concurrent_calls_fetch_one_token() -> None:
    """20 calls gathered on one client while the token is on its way: one token request."""
    service = MockService(body=ORG)

    async def main() -> None:
        transport = slow_token(service)
        async with AsyncKimonoClient(
            "client-1", "s", base_url=ORIGIN, transport=transport
        ) as kimono:
            await asyncio.gather(*(kimono.rostering.orgs.get(ORG_ID) for _ in range(20)))

    asyncio.run(main())
    assert (len(service.token_forms), len(service.calls)) == (1, 21)


class CountingTransport(httpx.AsyncBaseTransport):
    """A transport that counts how often it is closed."""

    def __init__(self, service: MockService) -> None:
        self.inner = httpx.MockTransport(service)
        self.closed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        self.closed += 1


def test_one_pool_for_both_apis_closed_once_and_not_by_tenant_clients() -> None:
    """A tenant client shares its parent's pool: closing it leaves the pool open; closing the
    parent closes it, once."""
    transport = CountingTransport(MockService(body={"data": {"id": ORG_ID, "name": "Tenant"}}))
    tenant = {
        "id": ORG_ID,
        "auth": {"type": "oauth2", "client_id": "tenant-1", "client_secret": "tenant-secret"},
    }

    async def main() -> None:
        parent = AsyncKimonoClient("a", "s3cr3t", base_url=ORIGIN, transport=transport)
        child = parent.for_tenant(tenant)
        assert child.base_url == parent.base_url
        await child.aclose()
        assert transport.closed == 0
        await parent.tenants.current()
        await parent.aclose()
        assert transport.closed == 1

    asyncio.run(main())


def test_low_level_generated_clients_share_auth_and_pool() -> None:
    """The generated functions, called on client.data_api, are authenticated the same way."""
    from kimono_interop_data_api.api.rostering import find_org

    service = MockService(body=ORG)

    async def main() -> str:
        async with service.client(AsyncKimonoClient) as kimono:
            response = await find_org.asyncio_detailed(ORG_ID, client=kimono.data_api)  # type: ignore[arg-type]
            return str(json.loads(response.content)["data"]["name"])

    assert asyncio.run(main()) == "District"
    assert len(service.token_forms) == 1
