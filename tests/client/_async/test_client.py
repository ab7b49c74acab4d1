"""Both clients end to end on a mock transport: token, paging, typed objects, retries, errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, ConfigurationError, NotFoundError, RetryPolicy
from tests.support.mock_service import ORIGIN, MockService

pytestmark = pytest.mark.anyio

ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
STUDENTS = "/v2/interop/data/rostering/students"
RETRY = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)


def roster(fail_first: int = 0) -> Callable[[httpx.Request], httpx.Response]:
    """Three pages of one student each, an org, the current tenant; 404 for anything else.

    The first ``fail_first`` API requests are answered 503 with ``Retry-After: 0``.
    """
    failures = {"left": fail_first}

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if failures["left"]:
            failures["left"] -= 1
            return httpx.Response(503, headers={"Retry-After": "0"})
        if path == STUDENTS:
            page = int(request.url.params.get("page", "0"))
            nxt = f"{ORIGIN}{path}?page={page + 1}&page_size=1" if page < 2 else None
            person = {
                "$sys": {"id": ORG_ID, "person_type": "student"},
                "name": {"last": f"L{page}"},
            }
            return httpx.Response(200, json={"data": [person], "paging": {"next": nxt}})
        if path == f"/v2/interop/data/rostering/orgs/{ORG_ID}":
            return httpx.Response(200, json={"data": {"$sys": {"id": ORG_ID}, "name": "District"}})
        if path == "/v2/interop/tenant":
            return httpx.Response(200, json={"data": {"id": ORG_ID, "name": "Tenant"}})
        return httpx.Response(404, json={"code": "not_found", "message": "No such object"})

    return answer


async def test_walks_every_page_and_gets_objects_of_both_apis_with_one_token() -> None:
    """Three pages of students, an org and the tenant: one token request, made with a form of
    the client credentials, serves every call of both APIs."""
    service = MockService(roster())
    async with service.client(AsyncKimonoClient) as kimono:
        names = [p.name.last async for p in kimono.rostering.students.list(page_size=1)]
        org = await kimono.rostering.orgs.get(ORG_ID)
        tenant = await kimono.tenants.current()
    assert names == ["L0", "L1", "L2"]
    assert (org.name, tenant.name) == ("District", "Tenant")
    assert service.token_forms == [
        {
            "grant_type": "client_credentials",
            "client_id": "client-1",
            "client_secret": "s3cr3t-CLIENT-value",
        }
    ]


async def test_retries_503_then_succeeds() -> None:
    """A 503 with Retry-After is retried transparently on a GET."""
    service = MockService(roster(fail_first=2))
    async with service.client(AsyncKimonoClient, retry=RETRY) as kimono:
        org = await kimono.rostering.orgs.get(ORG_ID)
    assert org.name == "District"
    assert len([r for r in service.requests if r.url.path.endswith(ORG_ID)]) == 3


async def test_not_found_raises_typed_error() -> None:
    """A 404 becomes NotFoundError carrying the service's status, code and message."""
    service = MockService(roster())
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(NotFoundError) as caught:
            await kimono.rostering.persons.get("4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d")
    error = caught.value
    assert (error.status_code, error.code, error.error_message) == (
        404,
        "not_found",
        "No such object",
    )


async def test_bad_id_fails_before_any_request() -> None:
    """A malformed id raises ValueError naming the parameter, and nothing is sent."""
    service = MockService(roster())
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(ValueError, match="org_id"):
            await kimono.rostering.orgs.get("not-a-uuid")
        with pytest.raises(ValueError, match="person_id"):
            await kimono.rostering.persons.get("not-a-uuid")
    assert service.calls == []


async def test_a_list_resumed_at_a_checkpoint_goes_on_with_the_next_page() -> None:
    """A walk of students stopped after its first page, and a new list call resumed at that
    page's checkpoint (with the call's extras): the students of the other pages, each once."""
    service = MockService(roster())
    async with service.client(AsyncKimonoClient) as kimono:
        async for page in kimono.rostering.students.list(page_size=1).pages():
            first, checkpoint = page.items, page.checkpoint
            break
        rest = kimono.rostering.students.list(page_size=1, extra_headers={"X-Run": "2"})
        names = [p.name.last async for p in rest.resume(checkpoint)]
    assert [p.name.last for p in first] + names == ["L0", "L1", "L2"]
    assert checkpoint == f"{ORIGIN}{STUDENTS}?page=1&page_size=1"
    assert [r.url.params["page"] for r in service.requests] == ["0", "1", "2"]
    assert [r.headers.get("X-Run") for r in service.requests] == [None, "2", "2"]


async def test_dicts_mode_skips_models() -> None:
    """as_dicts() yields the raw JSON objects."""
    service = MockService(roster())
    async with service.client(AsyncKimonoClient) as kimono:
        rows = [row async for row in kimono.rostering.students.list().as_dicts()]
    assert [r["name"]["last"] for r in rows] == ["L0", "L1", "L2"]
    assert json.dumps(rows)


async def test_per_call_timeout_reaches_the_request() -> None:
    """A call's timeout= is the timeout of its request, and of the token request it needed;
    the next call has the client's default again."""
    seen: list[dict[str, float | None]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"data": {"$sys": {"id": ORG_ID}}})

    service = MockService(answer)
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.rostering.orgs.get(ORG_ID, timeout=3.0)
        await kimono.rostering.orgs.get(ORG_ID)
    # The token request (the first call) inherits the timeout of the call that needed it.
    token_timeout = service.calls[0].extensions["timeout"]["read"]
    assert [token_timeout, *(timeout["read"] for timeout in seen)] == [3.0, 3.0, 35.0]


async def test_bad_configuration_is_reported_before_any_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """from_env() without credentials names the variables to set; a base_url without a
    scheme is refused; with the variables set, from_env() builds a client whose repr hides
    the secret."""
    for name in ("KIMONO_CLIENT_ID", "KIMONO_CLIENT_SECRET", "KIMONO_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="KIMONO_CLIENT_ID"):
        AsyncKimonoClient.from_env()
    with pytest.raises(ConfigurationError, match="base_url"):
        AsyncKimonoClient("a", "b", base_url="api.us2.kimonocloud.com")
    monkeypatch.setenv("KIMONO_CLIENT_ID", "id-from-env")
    monkeypatch.setenv("KIMONO_CLIENT_SECRET", "s3cr3t-CLIENT-value")
    monkeypatch.setenv("KIMONO_BASE_URL", "http://127.0.0.1:9")
    async with AsyncKimonoClient.from_env() as client:
        assert str(client.base_url) == "http://127.0.0.1:9"
        assert "s3cr3t" not in repr(client)


async def test_a_header_value_with_a_line_break_is_refused_without_showing_it() -> None:
    """A key read from a file keeps its newline: the client, with_options and a call's
    extra_headers refuse it before sending, naming the header, never its value (h11's own
    error quoted the value in the exception's message)."""
    secret = "k-SECRET-987"
    service = MockService(roster())
    with pytest.raises(ConfigurationError, match="X-Api-Key") as caught:
        AsyncKimonoClient("a", "b", headers={"X-Api-Key": f"{secret}\n"})
    assert secret not in str(caught.value)
    with pytest.raises(ConfigurationError, match="not an HTTP token"):
        AsyncKimonoClient("a", "b", headers={"X-Api Key": "v"})
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(ConfigurationError, match="X-Api-Key") as caught:
            kimono.with_options(headers={"X-Api-Key": f"{secret}\r\nX-Other: 1"})
        assert secret not in str(caught.value)
        with pytest.raises(ConfigurationError, match="Authorization") as caught:
            await kimono.rostering.orgs.get(
                ORG_ID, extra_headers={"Authorization": f"Bearer {secret}\n"}
            )
        assert secret not in str(caught.value)
        await kimono.rostering.orgs.get(ORG_ID, extra_headers={"X-Api-Key": f"{secret}\tok"})
    assert service.calls[-1].headers["X-Api-Key"] == f"{secret}\tok"


@pytest.mark.parametrize(
    ("tenant", "match"),
    [
        ({"id": ORG_ID}, f"Tenant {ORG_ID} has no auth"),
        ({"id": ORG_ID, "auth": None}, "not an object"),
        ({"auth": {"type": "oauth2", "client_id": "", "client_secret": "x"}}, r"\(no id\)"),
        ({"id": ORG_ID, "auth": {"type": "saml", "client_id": "a", "client_secret": "b"}}, "saml"),
    ],
)
async def test_for_tenant_without_usable_credentials(tenant: dict[str, object], match: str) -> None:
    """A tenant without auth, with auth that is not an object, without a client id, or with an
    auth type the SDK cannot use is a ConfigurationError saying which."""
    async with AsyncKimonoClient("a", "b", base_url=ORIGIN) as kimono:
        with pytest.raises(ConfigurationError, match=match):
            kimono.for_tenant(tenant)
