"""Tenants, the current tenant's state and application, and clients that act as a tenant."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, ConfigurationError
from kimono_interop_api.models import (
    AuthKind,
    TenantApplication,
    TenantApplicationAuthState,
    TenantApplicationUpdate,
    TenantInfo,
    TenantState,
)
from tests.support.mock_service import (
    EXAMPLE_ID,
    MockService,
    example,
    never,
    operation_example,
    query,
    sent_json,
)

pytestmark = pytest.mark.anyio

TENANT_ID = "9d1e5a6b-4b7f-4ea0-9c2d-5e6f708192a3"
ACCOUNT_1 = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
ACCOUNT_2 = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"


def tenant_pages() -> MockService:
    """Two pages of TenantInfos; the `next` link of page 0 drops the caller's filters."""
    second = {"id": TENANT_ID, "name": "Shelbyville"}
    return MockService.two_pages("TenantInfosPage", "/tenants", {"name": "Springfield"}, second)


def tenant_single(request: httpx.Request) -> httpx.Response:
    """The TenantInfoSingle example."""
    return httpx.Response(200, json=example("TenantInfoSingle"))


# Tenants


async def test_list_joins_filters_and_keeps_them_on_every_page() -> None:
    """Lists of accounts and integrations are joined with commas and sent with every page."""
    service = tenant_pages()
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.tenants.list(
            accounts=[ACCOUNT_1, uuid.UUID(ACCOUNT_2)],
            integrations=("gradebook", "roster-sync"),
            page_size=1,
        )
        tenants = [tenant async for tenant in pager]
    filters = {"accounts": f"{ACCOUNT_1},{ACCOUNT_2}", "integrations": "gradebook,roster-sync"}
    service.check_pages("/tenants", {**filters, "page_size": "1"})
    assert all(isinstance(t, TenantInfo) for t in tenants)
    assert [t.name for t in tenants] == ["Springfield", "Shelbyville"]
    assert tenants[1].id == TENANT_ID
    assert tenants[0].actor_id == EXAMPLE_ID
    assert tenants[0].account is None
    assert tenants[0].auth.type_ == AuthKind.OAUTH2
    assert (tenants[0].auth.client_id, tenants[0].auth.client_secret) == ("text", "password")
    assert tenants[0].lti_developer_id == "text"


async def test_list_accepts_pre_joined_strings_and_normalises_them() -> None:
    """Comma-joined strings are accepted; spaces go and UUIDs are lower-cased."""
    service = tenant_pages()
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.tenants.list(
            accounts=f"{ACCOUNT_1.upper()}, {ACCOUNT_2}", integrations="gradebook, roster"
        )
        [tenant async for tenant in pager]
    assert query(service.requests[0]) == {
        "accounts": f"{ACCOUNT_1},{ACCOUNT_2}",
        "integrations": "gradebook,roster",
        "page": "0",
    }


async def test_list_without_filters() -> None:
    """Without filters only the page is sent, on both pages."""
    service = tenant_pages()
    async with service.client(AsyncKimonoClient) as kimono:
        names = [tenant.name async for tenant in kimono.tenants.list()]
    assert names == ["Springfield", "Shelbyville"]
    service.check_pages("/tenants", {})


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"accounts": [ACCOUNT_1, "acme"]}, ValueError, r"accounts\[1\]"),
        ({"accounts": f"{ACCOUNT_1},acme"}, ValueError, "accounts must be a UUID"),
        ({"accounts": f"{ACCOUNT_1},,{ACCOUNT_2}"}, ValueError, "accounts must be comma"),
        ({"accounts": []}, ValueError, "accounts must not be empty"),
        ({"accounts": [42]}, TypeError, r"accounts\[0\]"),
        ({"accounts": 42}, TypeError, "accounts must be a str or an iterable"),
        ({"integrations": ["gradebook", ""]}, ValueError, r"integrations\[1\]"),
        ({"integrations": ["a,b"]}, ValueError, "without a comma"),
        ({"integrations": []}, ValueError, "integrations must not be empty"),
        ({"integrations": [None]}, TypeError, r"integrations\[0\] must be a str"),
    ],
)
async def test_list_refuses_bad_filters_before_any_request(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    """Each kind of bad filter raises its error, naming the item, and nothing is sent."""
    service = MockService(never)
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(error, match=message):
            kimono.tenants.list(**kwargs)
    assert service.calls == []


@pytest.mark.parametrize("tenant_id", [EXAMPLE_ID, uuid.UUID(EXAMPLE_ID)], ids=["str", "UUID"])
async def test_get(tenant_id: str | uuid.UUID) -> None:
    """GET /tenants/{id} (from a str or a UUID), parsed into a TenantInfo."""
    service = MockService(tenant_single)
    async with service.client(AsyncKimonoClient) as kimono:
        tenant = await kimono.tenants.get(tenant_id)
    service.check("GET", f"/tenants/{EXAMPLE_ID}", {})
    assert isinstance(tenant, TenantInfo)
    assert tenant.id == EXAMPLE_ID
    assert tenant.name == "text"
    assert tenant.app_auth.client_id == "text"
    assert tenant.auth.updated_at.year == 2025


async def test_current() -> None:
    """GET /tenant without parameters: the tenant the credentials belong to."""
    service = MockService(tenant_single)
    async with service.client(AsyncKimonoClient) as kimono:
        tenant = await kimono.tenants.current()
    service.check("GET", "/tenant", {})
    assert tenant.id == EXAMPLE_ID
    assert tenant.auth.type_ == AuthKind.OAUTH2


# Tenant state and application


async def test_tenant_state_get() -> None:
    """GET /tenant/state parsed into a TenantState, each flag as sent."""
    body = operation_example("/tenant/state", "get")
    body["data"]["setup_mode_enabled"] = False
    service = MockService(body=body)
    async with service.client(AsyncKimonoClient) as kimono:
        state = await kimono.tenant_state.get()
    service.check("GET", "/tenant/state", {})
    assert isinstance(state, TenantState)
    assert state.rollover_mode_enabled is True
    assert state.synchronization_suspended is True
    assert state.setup_mode_enabled is False
    assert state.mass_change_pending is True


async def test_tenant_application_get() -> None:
    """GET /tenant/application parsed, with its auth states, options and pending session."""
    body = operation_example("/tenant/application", "get")
    body["data"]["auth_state_pending"] = "updating"
    service = MockService(body=body)
    async with service.client(AsyncKimonoClient) as kimono:
        application = await kimono.tenant_application.get()
    service.check("GET", "/tenant/application", {})
    assert isinstance(application, TenantApplication)
    assert application.tenant_id == EXAMPLE_ID
    assert application.deliver_tasks is True
    assert application.auth_state == TenantApplicationAuthState.UNSPECIFIED
    assert application.auth_state_pending == TenantApplicationAuthState.UPDATING
    assert application.options.additional_properties == {"ANY_ADDITIONAL_PROPERTY": "text"}
    assert application.auth_session_id_pending == EXAMPLE_ID


async def test_tenant_application_update_from_a_dict() -> None:
    """PATCH /tenant/application with the dict as JSON; the 204 gives None."""
    service = MockService(status=204)
    body = operation_example("/tenant/application", "patch", "request")
    async with service.client(AsyncKimonoClient) as kimono:
        assert await kimono.tenant_application.update(body) is None
    service.check("PATCH", "/tenant/application", {})
    assert sent_json(service.only) == {
        "auth_message": "text",
        "auth_props_pending": {"ANY_ADDITIONAL_PROPERTY": "text"},
        "auth_state_pending": "unspecified",
    }


async def test_tenant_application_update_from_a_model() -> None:
    """A TenantApplicationUpdate is sent with its fields, the enum as its value."""
    service = MockService(status=204)
    update = TenantApplicationUpdate(
        auth_message="Connected", auth_state_pending=TenantApplicationAuthState.CONFIRMED
    )
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.tenant_application.update(update)
    assert service.only.method == "PATCH"
    assert sent_json(service.only) == {
        "auth_message": "Connected",
        "auth_state_pending": "confirmed",
    }


# Acting as a tenant


def tenant_with_auth(kind: str | None, client_id: str, secret: str) -> dict[str, Any]:
    """The TenantInfoSingle example's tenant with these credentials (and auth type)."""
    tenant: dict[str, Any] = example("TenantInfoSingle")["data"]
    tenant["auth"] = {"client_id": client_id, "client_secret": secret}
    if kind is not None:
        tenant["auth"]["type"] = kind
    return tenant


async def test_for_tenant_uses_the_tenants_credentials() -> None:
    """A child client authenticates with the tenant's credentials: OAuth2 from a dict or a
    TenantInfo (its own token), Basic as such; the vendor client keeps its own and the
    shared connection pool stays open when a child closes."""
    service = MockService(tenant_single, token_per_client=True)
    async with service.client(AsyncKimonoClient) as vendor:
        await vendor.tenants.current()
        async with vendor.for_tenant(
            tenant_with_auth("oauth2", "tenant-7", "t3nant-S3CRET")
        ) as child:
            await child.tenants.current()
            child.tenant_state  # noqa: B018 -- the child has every resource
        await vendor.tenants.current()  # the shared connection pool is still open
        oauth = vendor.for_tenant(TenantInfo.from_dict(tenant_with_auth(None, "t-8", "s-8")))
        await oauth.tenants.current()
        await oauth.aclose()
        basic = vendor.for_tenant(tenant_with_auth("basic", "vendor-user", "b4sic-pass"))
        await basic.tenants.current()
        await basic.aclose()
    assert service.token_forms == [
        {"grant_type": "client_credentials", "client_id": "client-1",
         "client_secret": "s3cr3t-CLIENT-value"},
        {"grant_type": "client_credentials", "client_id": "tenant-7",
         "client_secret": "t3nant-S3CRET"},
        {"grant_type": "client_credentials", "client_id": "t-8", "client_secret": "s-8"},
    ]  # fmt: skip
    basic_header = "Basic " + base64.b64encode(b"vendor-user:b4sic-pass").decode()
    assert [r.headers["authorization"] for r in service.requests] == [
        "Bearer tok-client-1",
        "Bearer tok-tenant-7",
        "Bearer tok-client-1",
        "Bearer tok-t-8",
        basic_header,
    ]
    assert {r.url.path for r in service.requests} == {"/v2/interop/tenant"}


async def test_a_tenant_client_alone_fetches_only_the_tenants_token() -> None:
    """A child used on its own (the vendor client never called) asks for the tenant's token
    only, and its requests carry it."""
    service = MockService(tenant_single, token_per_client=True)
    tenant = tenant_with_auth("oauth2", "a-1", "a-secret")
    async with (
        service.client(AsyncKimonoClient) as vendor,
        vendor.for_tenant(tenant) as child,
    ):
        current = await child.tenants.current()
    assert current.id == EXAMPLE_ID
    assert [form["client_id"] for form in service.token_forms] == ["a-1"]
    assert [r.headers["authorization"] for r in service.requests] == ["Bearer tok-a-1"]


@pytest.mark.parametrize(
    "auth",
    [None, {"type": "oauth2"}, {"type": "oauth2", "client_id": "only-id"}],
    ids=["no-auth", "no-credentials", "no-secret"],
)
async def test_for_tenant_without_credentials_raises(auth: dict[str, str] | None) -> None:
    """A tenant without auth, or without an id or secret, is a ConfigurationError naming it."""
    tenant = example("TenantInfoSingle")["data"]
    del tenant["auth"]
    if auth is not None:
        tenant["auth"] = auth
    service = MockService(never)
    async with service.client(AsyncKimonoClient) as vendor:
        with pytest.raises(ConfigurationError, match=EXAMPLE_ID):
            vendor.for_tenant(tenant)
    assert service.calls == []


async def test_for_tenant_with_an_unknown_auth_type_raises() -> None:
    """An auth type the SDK cannot use ("lti") is a ConfigurationError naming it."""
    service = MockService(never)
    async with service.client(AsyncKimonoClient) as vendor:
        with pytest.raises(ConfigurationError, match="'lti'"):
            vendor.for_tenant(tenant_with_auth("lti", "x", "y"))
    assert service.calls == []
