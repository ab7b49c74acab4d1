"""``with_options``: a copy of a client with some settings changed, on the same pool and auth."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimono_interop import (
    AsyncKimonoClient,
    BearerToken,
    ClientClosedError,
    ConfigurationError,
    InternalServerError,
    ResponseTooLargeError,
    RetryPolicy,
)
from tests.support.fixtures import Serve
from tests.support.mock_service import ORIGIN, MockService, recording_app

pytestmark = pytest.mark.anyio

TENANT_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
TENANT = {"data": {"id": TENANT_ID, "name": "Tenant"}}
RETRY = RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001)


async def test_a_copy_changes_what_it_is_given_and_nothing_else() -> None:
    """The copy has the given timeout, retries, headers (merged over the client's), deadline
    and size limit, the client's auth and origin, and sends with them; the client keeps
    its own settings, and one token serves both."""
    service = MockService(body=TENANT)
    async with AsyncKimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=ORIGIN,
        transport=httpx.MockTransport(service),
        retry=RETRY,
        headers={"X-App": "sync", "X-Shard": "1"},
    ) as kimono:
        quick = kimono.with_options(
            timeout=3.0,
            max_retries=0,
            headers={"X-Shard": "2", "X-Trace": "t-9"},
            deadline=7.0,
            max_response_size=4096,
        )
        await quick.tenants.current()
        await kimono.tenants.current()
        assert (quick.timeout, quick.deadline, quick.max_response_size) == (3.0, 7.0, 4096)
        assert quick.retry == RetryPolicy(max_retries=0, initial_delay=0.001, max_delay=0.001)
        assert (quick.auth, quick.base_url) == (kimono.auth, kimono.base_url)
        assert (kimono.retry, kimono.deadline, kimono.max_response_size) == (
            RETRY,
            105.0,
            64 * 1024 * 1024,
        )
        await quick.aclose()
    first, second = service.requests
    assert (first.headers["X-App"], first.headers["X-Shard"], first.headers["X-Trace"]) == (
        "sync",
        "2",
        "t-9",
    )
    assert (second.headers["X-Shard"], "X-Trace" in second.headers) == ("1", False)
    assert [r.extensions["timeout"]["read"] for r in (first, second)] == [3.0, 35.0]
    assert len(service.token_forms) == 1


async def test_the_default_deadline_follows_a_new_timeout_and_a_chosen_one_stays() -> None:
    """A client on the default deadline (3 read timeouts) gives a copy with a new timeout the
    default for that timeout; a deadline the client was given is kept, None included; a
    retry policy given whole replaces the client's."""
    async with AsyncKimonoClient("a", "b", base_url=ORIGIN) as kimono:
        assert kimono.with_options(timeout=10.0).deadline == 30.0
        assert kimono.with_options(timeout=httpx.Timeout(5.0)).deadline == 15.0
        assert kimono.with_options(max_retries=5).deadline == 105.0
        assert kimono.with_options(timeout=None).deadline is None
        policy = RetryPolicy(max_retries=4, max_delay=1.0)
        assert kimono.with_options(retry=policy).retry is policy
    async with AsyncKimonoClient("a", "b", base_url=ORIGIN, deadline=50.0) as chosen:
        assert chosen.with_options(timeout=10.0).deadline == 50.0
        assert chosen.with_options(deadline=None).deadline is None
        assert chosen.with_options(deadline=None).with_options(timeout=1.0).deadline is None
    # one given equal to the default (3 x 35 s) is given all the same: it stays (it was
    # taken for the default, and followed the timeout)
    async with AsyncKimonoClient("a", "b", base_url=ORIGIN, deadline=105.0) as same:
        assert same.with_options(timeout=10.0).deadline == 105.0
        assert same.with_options(timeout=10.0).with_options(timeout=1.0).deadline == 105.0


async def test_a_copy_sends_with_its_own_retries_and_size_limit() -> None:
    """A copy without retries fails at the first 503 where the client retries through it;
    a copy with a small size limit refuses an answer the client reads."""
    answers = iter([503, 503, 200, 200, 200])

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), headers={"Retry-After": "0"}, json=TENANT)

    service = MockService(answer)
    async with service.client(AsyncKimonoClient, retry=RETRY) as kimono:
        with pytest.raises(InternalServerError):
            await kimono.with_options(max_retries=0).tenants.current()
        assert (await kimono.tenants.current()).name == "Tenant"
        with pytest.raises(ResponseTooLargeError):
            await kimono.with_options(max_response_size=10).tenants.current()
        assert (await kimono.tenants.current()).name == "Tenant"
    assert len(service.requests) == 5


async def test_a_tenant_client_gives_copies_that_act_as_the_tenant() -> None:
    """``for_tenant(...).with_options(...)`` authenticates with the tenant's credentials."""
    service = MockService(body=TENANT, token_per_client=True)
    tenant = {
        "id": TENANT_ID,
        "auth": {"type": "oauth2", "client_id": "tenant-7", "client_secret": "t3nant-S3CRET"},
    }
    async with service.client(AsyncKimonoClient) as vendor:
        async with vendor.for_tenant(tenant) as child:
            async with child.with_options(timeout=2.0) as quick:
                await quick.tenants.current()
            await child.tenants.current()
        await vendor.tenants.current()
    assert [r.headers["authorization"] for r in service.requests] == [
        "Bearer tok-tenant-7",
        "Bearer tok-tenant-7",
        "Bearer tok-client-1",
    ]
    assert [form["client_id"] for form in service.token_forms] == ["tenant-7", "client-1"]


async def test_copies_share_one_connection_and_closing_them_leaves_it_open(serve: Serve) -> None:
    """Over real HTTP: copies made, used and closed (or dropped without closing) all go
    through the client's one kept-alive connection, which stays usable; closing the client
    closes it."""
    ports: list[int] = []
    app = recording_app(TENANT, ports)
    kimono = AsyncKimonoClient(auth=BearerToken("t0k"), base_url=serve(app))
    for n in range(5):
        async with kimono.with_options(timeout=5.0, headers={"X-N": str(n)}) as copy:
            await copy.tenants.current()
    await kimono.with_options(max_retries=0).tenants.current()  # never closed
    await kimono.tenants.current()
    pool = kimono._shared.transport._pool  # type: ignore[attr-defined]
    assert (len(ports), len(set(ports)), len(pool.connections)) == (7, 1, 1)
    await kimono.aclose()
    assert pool.connections == []


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"deadline": 0}, "deadline"),
        ({"max_response_size": "big"}, "max_response_size"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries must be an int"),
        ({"max_retries": 1, "retry": RETRY}, "not both"),
        ({"headers": ["a"]}, "headers must be a mapping"),
        ({"headers": {"X-Shard": 1}}, "headers must map str to str"),
    ],
)
async def test_bad_options_are_refused_as_the_constructor_refuses_them(
    options: dict[str, Any], match: str
) -> None:
    """What the constructor refuses, with_options refuses, before any request, with a
    ConfigurationError as the constructor's (headers=["a"] met a TypeError of the merge,
    max_retries=-1 RetryPolicy's ValueError)."""
    async with AsyncKimonoClient("a", "b", base_url=ORIGIN) as kimono:
        with pytest.raises(ConfigurationError, match=match):
            kimono.with_options(**options)


async def test_a_closed_client_gives_no_copy() -> None:
    """A copy of a closed client (with_options, for_tenant) worked, on connections that
    nothing closed: ClientClosedError, as a call on the client raises."""
    tenant = {"id": TENANT_ID, "auth": {"type": "oauth2", "client_id": "t", "client_secret": "s"}}
    kimono = AsyncKimonoClient("a", "b", base_url=ORIGIN)
    child = kimono.for_tenant(tenant)
    copy = child.with_options(timeout=5)
    await kimono.aclose()
    with pytest.raises(ClientClosedError, match="This client is closed"):
        kimono.with_options(timeout=3)
    with pytest.raises(ClientClosedError):
        kimono.for_tenant(tenant)
    # made before it closed: they share its pool, and send nothing more (they did, on
    # connections nothing closed)
    for made in (child, copy):
        with pytest.raises(ClientClosedError, match=r"made from .* is closed"):
            await made.tenants.current()
        with pytest.raises(ClientClosedError, match="made from"):
            made.with_options(timeout=3)
