"""AsyncKimonoClient end to end on a mock transport, and what both clients share."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from kimono_interop import (
    AsyncKimonoClient,
    ConfigurationError,
    KimonoClient,
    NotFoundError,
    RetryPolicy,
)

BASE = "https://api.us2.kimonocloud.com"
ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
SECRET = "s3cr3t-CLIENT-value"


class Service:
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.token_requests = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path
        if path == "/oauth/token":
            self.token_requests += 1
            await asyncio.sleep(0.01)
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        assert request.headers["authorization"] == "Bearer tok-1"
        if path == "/v2/interop/data/rostering/students":
            page = int(request.url.params.get("page", "0"))
            nxt = f"{BASE}{path}?page={page + 1}&page_size=1" if page < 2 else None
            person = {"$sys": {"id": ORG_ID}, "name": {"last": f"L{page}"}}
            return httpx.Response(200, json={"data": [person], "paging": {"next": nxt}})
        if path == f"/v2/interop/data/rostering/orgs/{ORG_ID}":
            return httpx.Response(200, json={"data": {"$sys": {"id": ORG_ID}, "name": "District"}})
        if path == "/v2/interop/tenant":
            return httpx.Response(200, json={"data": {"id": ORG_ID, "name": "Tenant"}})
        return httpx.Response(404, json={"code": "not_found", "message": "No such object"})


def _client(service: Service) -> AsyncKimonoClient:
    return AsyncKimonoClient(
        "client-1",
        SECRET,
        base_url=BASE,
        transport=httpx.MockTransport(service.handle),
        retry=RetryPolicy(max_retries=0),
    )


def test_async_client_walks_pages_gets_objects_and_shares_one_token() -> None:
    service = Service()

    async def main() -> tuple[list[str], str, str]:
        async with _client(service) as kimono:
            names = [p.name.last async for p in kimono.rostering.students.list(page_size=1)]
            org = await kimono.rostering.orgs.get(ORG_ID)
            tenant = await kimono.tenants.current()
            return names, str(org.name), str(tenant.name)

    names, org_name, tenant_name = asyncio.run(main())
    assert names == ["L0", "L1", "L2"]
    assert (org_name, tenant_name) == ("District", "Tenant")
    assert service.token_requests == 1
    token_form = dict(pair.split("=") for pair in service.requests[0].content.decode().split("&"))
    assert token_form["grant_type"] == "client_credentials"
    assert token_form["client_id"] == "client-1"


def test_twenty_concurrent_calls_fetch_one_token() -> None:
    service = Service()

    async def main() -> None:
        async with _client(service) as kimono:
            await asyncio.gather(*(kimono.rostering.orgs.get(ORG_ID) for _ in range(20)))

    asyncio.run(main())
    assert service.token_requests == 1
    assert len(service.requests) == 21


def test_async_errors_and_validation() -> None:
    service = Service()

    async def main() -> None:
        async with _client(service) as kimono:
            with pytest.raises(NotFoundError) as info:
                await kimono.rostering.persons.get("0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b")
            assert info.value.status_code == 404
            assert info.value.error_message == "No such object"
            with pytest.raises(ValueError, match="person_id"):
                await kimono.rostering.persons.get("not-a-uuid")

    asyncio.run(main())
    assert [r.url.path for r in service.requests].count("/oauth/token") == 1


def test_per_call_timeout_reaches_the_request() -> None:
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        return httpx.Response(200, json={"data": {"$sys": {"id": ORG_ID}}})

    with KimonoClient("a", "b", base_url=BASE, transport=httpx.MockTransport(handler)) as kimono:
        kimono.rostering.orgs.get(ORG_ID, timeout=3.0)
        kimono.rostering.orgs.get(ORG_ID)
    # The token request (first) inherits the timeout of the call that needed it.
    assert [timeout["read"] for timeout in seen] == [3.0, 3.0, 35.0]


class CountingTransport(httpx.AsyncBaseTransport):
    def __init__(self, service: Service) -> None:
        self.inner = httpx.MockTransport(service.handle)
        self.closed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        self.closed += 1


def test_one_pool_for_both_apis_closed_once_and_not_by_tenant_clients() -> None:
    service = Service()
    transport = CountingTransport(service)
    tenant = {
        "id": ORG_ID,
        "auth": {"type": "oauth2", "client_id": "tenant-1", "client_secret": "tenant-secret"},
    }

    async def main() -> None:
        parent = AsyncKimonoClient("a", SECRET, base_url=BASE, transport=transport)
        child = parent.for_tenant(tenant)
        assert child.base_url == parent.base_url
        await child.aclose()
        assert transport.closed == 0
        await parent.tenants.current()
        await parent.aclose()
        assert transport.closed == 1

    asyncio.run(main())


def test_bad_configuration_is_reported_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("KIMONO_CLIENT_ID", "KIMONO_CLIENT_SECRET", "KIMONO_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="KIMONO_CLIENT_ID"):
        AsyncKimonoClient.from_env()
    with pytest.raises(ConfigurationError, match="base_url"):
        AsyncKimonoClient("a", "b", base_url="api.us2.kimonocloud.com")
    monkeypatch.setenv("KIMONO_CLIENT_ID", "id-from-env")
    monkeypatch.setenv("KIMONO_CLIENT_SECRET", SECRET)
    monkeypatch.setenv("KIMONO_BASE_URL", "http://127.0.0.1:9")
    client = AsyncKimonoClient.from_env()
    assert str(client.base_url) == "http://127.0.0.1:9"
    assert SECRET not in repr(client)
    asyncio.run(client.aclose())


def test_low_level_generated_clients_share_auth_and_pool() -> None:
    """The generated functions, called on client.data_api, are authenticated the same way."""
    from kimono_interop_data_api.api.rostering import find_org

    service = Service()

    async def main() -> str:
        async with _client(service) as kimono:
            response = await find_org.asyncio_detailed(ORG_ID, client=kimono.data_api)  # type: ignore[arg-type]
            return json.loads(response.content)["data"]["name"]

    assert asyncio.run(main()) == "District"
    assert service.token_requests == 1


@pytest.mark.parametrize(
    ("tenant", "match"),
    [
        ({"id": ORG_ID}, f"Tenant {ORG_ID} has no auth"),
        ({"id": ORG_ID, "auth": None}, "not an object"),
        ({"auth": {"type": "oauth2", "client_id": "", "client_secret": "x"}}, r"\(no id\)"),
        ({"id": ORG_ID, "auth": {"type": "saml", "client_id": "a", "client_secret": "b"}}, "saml"),
    ],
)
def test_for_tenant_without_usable_credentials(tenant: dict[str, object], match: str) -> None:
    with (
        KimonoClient("a", "b", base_url=BASE) as kimono,
        pytest.raises(ConfigurationError, match=match),
    ):
        kimono.for_tenant(tenant)
