"""Tenants, the current tenant's state and application, and clients that act as a tenant."""

from __future__ import annotations

import asyncio
import base64
import copy
import json
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from kimono_interop import (
    AsyncKimonoClient,
    ConfigurationError,
    ConflictError,
    KimonoClient,
    NotFoundError,
    RetryPolicy,
)
from kimono_interop_api.models import (
    AuthKind,
    TenantApplication,
    TenantApplicationAuthState,
    TenantApplicationUpdate,
    TenantInfo,
    TenantState,
)
from tests.support.specs import load_spec

BASE = "https://api.us2.kimonocloud.com"
TENANT_ID = "9d1e5a6b-4b7f-4ea0-9c2d-5e6f708192a3"
ACCOUNT_1 = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
ACCOUNT_2 = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
EXAMPLE_ID = "123e4567-e89b-12d3-a456-426614174000"

Handler = Callable[[httpx.Request], httpx.Response]


def _example(name: str) -> Any:
    """A copy of one of the spec's `components/examples` values."""
    return copy.deepcopy(load_spec("interop")["components"]["examples"][name]["value"])


def _operation_example(path: str, method: str, status: str = "200") -> Any:
    """A copy of the example written inline in one operation of the spec."""
    operation = load_spec("interop")["paths"][path][method]
    if status == "request":
        media = operation["requestBody"]["content"]["application/json"]
    else:
        media = operation["responses"][status]["content"]["application/json"]
    return copy.deepcopy(media["examples"]["reference"]["value"])


def _recorder(answer: Handler) -> tuple[list[httpx.Request], Handler]:
    """A handler that issues tokens, records every API request and answers with ``answer``."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        assert request.headers["authorization"] == "Bearer tok-1"
        request.read()
        sent.append(request)
        return answer(request)

    return sent, handler


def _client(handler: Handler) -> KimonoClient:
    return KimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def _async_client(handler: Handler) -> AsyncKimonoClient:
    return AsyncKimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def _query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def _tenant_pages(request: httpx.Request) -> httpx.Response:
    """Two pages of TenantInfos; the `next` link of page 0 drops the caller's filters."""
    assert (request.method, request.url.path) == ("GET", "/v2/interop/tenants")
    body = _example("TenantInfosPage")
    if request.url.params.get("page", "0") == "0":
        body["data"][0]["name"] = "Springfield"
        body["paging"] = {"next": f"{BASE}/v2/interop/tenants?page=1"}
    else:
        body["data"][0].update(id=TENANT_ID, name="Shelbyville")
        body["paging"] = {"next": None}
    return httpx.Response(200, json=body)


def _tenant_single(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=_example("TenantInfoSingle"))


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "code": "not_found", "message": "No such"})


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request expected, got {request.method} {request.url}")


# Tenants


def test_list_joins_filters_and_keeps_them_on_every_page() -> None:
    sent, handler = _recorder(_tenant_pages)
    with _client(handler) as kimono:
        tenants = list(
            kimono.tenants.list(
                accounts=[ACCOUNT_1, uuid.UUID(ACCOUNT_2)],
                integrations=("gradebook", "roster-sync"),
                page_size=1,
            )
        )
    filters = {"accounts": f"{ACCOUNT_1},{ACCOUNT_2}", "integrations": "gradebook,roster-sync"}
    assert [_query(r) for r in sent] == [
        {**filters, "page": "0", "page_size": "1"},
        {**filters, "page": "1", "page_size": "1"},
    ]
    assert all(isinstance(t, TenantInfo) for t in tenants)
    assert [t.name for t in tenants] == ["Springfield", "Shelbyville"]
    assert tenants[1].id == uuid.UUID(TENANT_ID)
    assert tenants[0].actor_id == uuid.UUID(EXAMPLE_ID)
    assert tenants[0].account is None
    assert tenants[0].auth.type_ == AuthKind.OAUTH2
    assert (tenants[0].auth.client_id, tenants[0].auth.client_secret) == ("text", "password")
    assert tenants[0].lti_developer_id == "text"


def test_list_accepts_pre_joined_strings_and_normalises_them() -> None:
    sent, handler = _recorder(_tenant_pages)
    with _client(handler) as kimono:
        list(
            kimono.tenants.list(
                accounts=f"{ACCOUNT_1.upper()}, {ACCOUNT_2}", integrations="gradebook, roster"
            )
        )
    assert _query(sent[0]) == {
        "accounts": f"{ACCOUNT_1},{ACCOUNT_2}",
        "integrations": "gradebook,roster",
        "page": "0",
    }


def test_list_without_filters_async() -> None:
    sent, handler = _recorder(_tenant_pages)

    async def main() -> list[str]:
        async with _async_client(handler) as kimono:
            return [t.name async for t in kimono.tenants.list()]

    assert asyncio.run(main()) == ["Springfield", "Shelbyville"]
    assert [_query(r) for r in sent] == [{"page": "0"}, {"page": "1"}]


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
def test_list_refuses_bad_filters_before_any_request(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono, pytest.raises(error, match=message):
        kimono.tenants.list(**kwargs)
    assert sent == []


def test_get() -> None:
    sent, handler = _recorder(_tenant_single)
    with _client(handler) as kimono:
        tenant = kimono.tenants.get(EXAMPLE_ID)
    assert [(r.method, r.url.path) for r in sent] == [("GET", f"/v2/interop/tenants/{EXAMPLE_ID}")]
    assert isinstance(tenant, TenantInfo)
    assert tenant.id == uuid.UUID(EXAMPLE_ID)
    assert tenant.app_auth.client_id == "text"
    assert tenant.auth.updated_at.year == 2025


def test_get_async() -> None:
    sent, handler = _recorder(_tenant_single)

    async def main() -> TenantInfo:
        async with _async_client(handler) as kimono:
            return await kimono.tenants.get(uuid.UUID(EXAMPLE_ID))

    assert asyncio.run(main()).name == "text"
    assert sent[0].url.path == f"/v2/interop/tenants/{EXAMPLE_ID}"


def test_get_404_raises_not_found() -> None:
    sent, handler = _recorder(_not_found)
    with _client(handler) as kimono, pytest.raises(NotFoundError) as caught:
        kimono.tenants.get(TENANT_ID)
    assert caught.value.status_code == 404
    assert len(sent) == 1


def test_get_malformed_id_sends_nothing() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="tenant_id"):
            kimono.tenants.get("tenant-1")
        with pytest.raises(TypeError, match="tenant_id"):
            kimono.tenants.get(7)
    assert sent == []


def test_current() -> None:
    sent, handler = _recorder(_tenant_single)
    with _client(handler) as kimono:
        tenant = kimono.tenants.current()
    assert [(r.method, r.url.path, _query(r)) for r in sent] == [("GET", "/v2/interop/tenant", {})]
    assert tenant.id == uuid.UUID(EXAMPLE_ID)
    assert tenant.auth.type_ == AuthKind.OAUTH2


# Tenant state and application


def test_tenant_state_get() -> None:
    example = _operation_example("/tenant/state", "get")
    example["data"]["setup_mode_enabled"] = False
    sent, handler = _recorder(lambda request: httpx.Response(200, json=example))
    with _client(handler) as kimono:
        state = kimono.tenant_state.get()
    assert [(r.method, r.url.path) for r in sent] == [("GET", "/v2/interop/tenant/state")]
    assert isinstance(state, TenantState)
    assert state.rollover_mode_enabled is True
    assert state.synchronization_suspended is True
    assert state.setup_mode_enabled is False
    assert state.mass_change_pending is True


def test_tenant_state_get_async() -> None:
    example = _operation_example("/tenant/state", "get")
    sent, handler = _recorder(lambda request: httpx.Response(200, json=example))

    async def main() -> TenantState:
        async with _async_client(handler) as kimono:
            return await kimono.tenant_state.get()

    assert asyncio.run(main()).mass_change_pending is True
    assert sent[0].url.path == "/v2/interop/tenant/state"


def test_tenant_application_get() -> None:
    example = _operation_example("/tenant/application", "get")
    example["data"]["auth_state_pending"] = "updating"
    sent, handler = _recorder(lambda request: httpx.Response(200, json=example))
    with _client(handler) as kimono:
        application = kimono.tenant_application.get()
    assert [(r.method, r.url.path) for r in sent] == [("GET", "/v2/interop/tenant/application")]
    assert isinstance(application, TenantApplication)
    assert application.tenant_id == uuid.UUID(EXAMPLE_ID)
    assert application.deliver_tasks is True
    assert application.auth_state == TenantApplicationAuthState.UNSPECIFIED
    assert application.auth_state_pending == TenantApplicationAuthState.UPDATING
    assert application.options.additional_properties == {"ANY_ADDITIONAL_PROPERTY": "text"}
    assert application.auth_session_id_pending == uuid.UUID(EXAMPLE_ID)


def test_tenant_application_update_from_a_dict() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    body = _operation_example("/tenant/application", "patch", "request")
    with _client(handler) as kimono:
        assert kimono.tenant_application.update(body) is None
    assert [(r.method, r.url.path) for r in sent] == [("PATCH", "/v2/interop/tenant/application")]
    assert json.loads(sent[0].content) == {
        "auth_message": "text",
        "auth_props_pending": {"ANY_ADDITIONAL_PROPERTY": "text"},
        "auth_state_pending": "unspecified",
    }


def test_tenant_application_update_async_from_a_model() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    update = TenantApplicationUpdate(
        auth_message="Connected", auth_state_pending=TenantApplicationAuthState.CONFIRMED
    )

    async def main() -> None:
        async with _async_client(handler) as kimono:
            await kimono.tenant_application.update(update)

    asyncio.run(main())
    assert sent[0].method == "PATCH"
    assert json.loads(sent[0].content) == {
        "auth_message": "Connected",
        "auth_state_pending": "confirmed",
    }


def test_tenant_application_update_409_raises_conflict() -> None:
    def conflict(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            409, json={"status": 409, "code": "conflict", "message": "auth state is not updating"}
        )

    sent, handler = _recorder(conflict)
    with _client(handler) as kimono, pytest.raises(ConflictError) as caught:
        kimono.tenant_application.update({"auth_state_pending": "error"})
    assert caught.value.status_code == 409
    assert len(sent) == 1


def test_tenant_application_update_refuses_invalid_bodies() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="update is not a valid TenantApplicationUpdate"):
            kimono.tenant_application.update({"auth_props_pending": 5})
        with pytest.raises(TypeError, match="update must be a TenantApplicationUpdate"):
            kimono.tenant_application.update("confirmed")  # type: ignore[arg-type]
    assert sent == []


# Acting as a tenant


def _tenant_with_auth(kind: str | None, client_id: str, secret: str) -> dict[str, Any]:
    tenant = _example("TenantInfoSingle")["data"]
    tenant["auth"] = {"client_id": client_id, "client_secret": secret}
    if kind is not None:
        tenant["auth"]["type"] = kind
    return tenant


def _multi_tenant_service(tokens: list[dict[str, str]], sent: list[httpx.Request]) -> Handler:
    """Issues a token per client id ("tok-<client id>") and answers GET /tenant."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            form = dict(parse_qsl(request.read().decode()))
            tokens.append(form)
            return httpx.Response(
                200, json={"access_token": f"tok-{form['client_id']}", "expires_in": 3600}
            )
        sent.append(request)
        return _tenant_single(request)

    return handler


def test_for_tenant_uses_the_tenants_credentials() -> None:
    tokens: list[dict[str, str]] = []
    sent: list[httpx.Request] = []
    with _client(_multi_tenant_service(tokens, sent)) as vendor:
        vendor.tenants.current()
        with vendor.for_tenant(_tenant_with_auth("oauth2", "tenant-7", "t3nant-S3CRET")) as child:
            child.tenants.current()
            child.tenant_state  # noqa: B018 -- the child has every resource
        vendor.tenants.current()  # the shared connection pool is still open
        oauth = vendor.for_tenant(TenantInfo.from_dict(_tenant_with_auth(None, "t-8", "s-8")))
        oauth.tenants.current()
        oauth.close()
        basic = vendor.for_tenant(_tenant_with_auth("basic", "vendor-user", "b4sic-pass"))
        basic.tenants.current()
        basic.close()
    assert tokens == [
        {"grant_type": "client_credentials", "client_id": "client-1",
         "client_secret": "s3cr3t-CLIENT-value"},
        {"grant_type": "client_credentials", "client_id": "tenant-7",
         "client_secret": "t3nant-S3CRET"},
        {"grant_type": "client_credentials", "client_id": "t-8", "client_secret": "s-8"},
    ]  # fmt: skip
    basic_header = "Basic " + base64.b64encode(b"vendor-user:b4sic-pass").decode()
    assert [r.headers["authorization"] for r in sent] == [
        "Bearer tok-client-1",
        "Bearer tok-tenant-7",
        "Bearer tok-client-1",
        "Bearer tok-t-8",
        basic_header,
    ]
    assert {r.url.path for r in sent} == {"/v2/interop/tenant"}


def test_for_tenant_async() -> None:
    tokens: list[dict[str, str]] = []
    sent: list[httpx.Request] = []

    async def main() -> TenantInfo:
        tenant = _tenant_with_auth("oauth2", "a-1", "a-secret")
        async with (
            _async_client(_multi_tenant_service(tokens, sent)) as vendor,
            vendor.for_tenant(tenant) as child,
        ):
            return await child.tenants.current()

    assert asyncio.run(main()).id == uuid.UUID(EXAMPLE_ID)
    assert [form["client_id"] for form in tokens] == ["a-1"]
    assert [r.headers["authorization"] for r in sent] == ["Bearer tok-a-1"]


@pytest.mark.parametrize(
    "auth",
    [None, {"type": "oauth2"}, {"type": "oauth2", "client_id": "only-id"}],
    ids=["no-auth", "no-credentials", "no-secret"],
)
def test_for_tenant_without_credentials_raises(auth: dict[str, str] | None) -> None:
    tenant = _example("TenantInfoSingle")["data"]
    del tenant["auth"]
    if auth is not None:
        tenant["auth"] = auth
    sent, handler = _recorder(_never)
    with _client(handler) as vendor, pytest.raises(ConfigurationError, match=EXAMPLE_ID):
        vendor.for_tenant(tenant)
    assert sent == []


def test_for_tenant_with_an_unknown_auth_type_raises() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as vendor, pytest.raises(ConfigurationError, match="'lti'"):
        vendor.for_tenant(_tenant_with_auth("lti", "x", "y"))
    assert sent == []
