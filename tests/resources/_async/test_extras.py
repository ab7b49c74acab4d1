"""``extra_headers=`` and ``extra_query=`` on every call: sent as given, over the client's own.

Generated calls of each shape (a list, one object, a count, nothing) and every
hand-written call that sends requests; tests/resources/test_coverage.py checks that
every method of both clients takes them.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, ConfigurationError, RetryPolicy
from tests.support.calls import asettle
from tests.support.mock_service import (
    CLIENT_ID,
    CLIENT_SECRET,
    ORIGIN,
    TOKEN,
    MockService,
    example,
    never,
    query,
)

pytestmark = pytest.mark.anyio

ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
TASK = "11111111-1111-4111-8111-111111111111"
BLUEPRINT = "<integration/>"
EXTRA_HEADERS = {"X-Trace": "t-1", "X-App": "per-call"}
EXTRA_QUERY = {"debug": "1"}


def client(service: MockService) -> AsyncKimonoClient:
    """A client of ``service`` with headers of its own (``X-App`` and ``X-Keep``)."""
    return AsyncKimonoClient(
        CLIENT_ID,
        CLIENT_SECRET,
        base_url=ORIGIN,
        transport=httpx.MockTransport(service),
        retry=RetryPolicy(max_retries=0),
        headers={"X-App": "sync", "X-Keep": "k"},
    )


def answer(request: httpx.Request) -> httpx.Response:
    """What each kind of call reads: a version, a count, a page, or nothing."""
    path = request.url.path
    if path.endswith(("/versions", "/blueprint")):
        return httpx.Response(200, json=example("IntegrationVersionSingle"))
    if path.endswith("/count"):
        return httpx.Response(200, json=3)
    if request.method == "GET" and path.endswith((ID, "/tenant")):
        return httpx.Response(200, json={"data": {"$sys": {"id": ID}, "id": ID}})
    if request.method == "GET":
        return httpx.Response(200, json={"data": [{"$sys": {"id": ID}}], "paging": {"next": None}})
    return httpx.Response(200)


def carries_the_extras(request: httpx.Request) -> bool:
    """The request has the call's extras, the client's other header and the token."""
    headers = request.headers
    return (
        (headers["X-Trace"], headers["X-App"], headers["X-Keep"]) == ("t-1", "per-call", "k")
        and headers["Authorization"] == f"Bearer {TOKEN}"
        and request.url.params.get("debug") == "1"
    )


EXTRAS: dict[str, Any] = {"extra_headers": EXTRA_HEADERS, "extra_query": EXTRA_QUERY}
ACK = {"task_id": TASK, "status": "success"}
CALLS = [
    # Generated: one of each shape.
    pytest.param(lambda k: k.rostering.orgs.get(ID, **EXTRAS), id="one"),
    pytest.param(lambda k: k.rostering.orgs.list(**EXTRAS), id="list"),
    pytest.param(lambda k: k.rollovers.count(**EXTRAS), id="count"),
    pytest.param(lambda k: k.clouds.delete(ID, **EXTRAS), id="none"),
    # Hand-written.
    pytest.param(lambda k: k.tasks.next_batch(**EXTRAS), id="tasks.next_batch"),
    pytest.param(lambda k: k.tasks.receive(**EXTRAS), id="tasks.receive"),
    pytest.param(lambda k: k.tasks.ack(TASK, **EXTRAS), id="tasks.ack"),
    pytest.param(lambda k: k.tasks.ack_many([ACK], **EXTRAS), id="tasks.ack_many"),
    pytest.param(lambda k: k.admin_tasks.ack(TASK, **EXTRAS), id="admin_tasks.ack"),
    pytest.param(lambda k: k.admin_tasks.ack_many([ACK], **EXTRAS), id="admin.ack_many"),
    pytest.param(lambda k: k.tenants.list(**EXTRAS), id="tenants.list"),
    pytest.param(
        lambda k: k.integrations.versions.create(ID, BLUEPRINT, **EXTRAS), id="versions.create"
    ),
    pytest.param(
        lambda k: k.integrations.versions.update_blueprint(ID, "1.0", BLUEPRINT, **EXTRAS),
        id="versions.update_blueprint",
    ),
]


@pytest.mark.parametrize("call", CALLS)
async def test_every_kind_of_call_sends_its_extras_over_the_clients_headers(call: Any) -> None:
    """The call's headers are added to the client's (replacing one of the same name) and
    its query parameters to the call's own; the token is still sent; the next call
    without extras sends the client's headers alone."""
    service = MockService(answer)
    async with client(service) as kimono:
        await asettle(call(kimono))
        await kimono.tenants.current()
    sent, plain = service.requests
    assert carries_the_extras(sent)
    assert (plain.headers["X-App"], "X-Trace" in plain.headers, query(plain)) == (
        "sync",
        False,
        {},
    )


async def test_the_extras_of_a_list_are_on_every_page() -> None:
    """Page 1, asked for through a next link without them, has the extras as page 0 has."""
    pages = [
        {"data": [{"$sys": {"id": ID}}], "paging": {"next": f"{ORIGIN}/v2/interop/data/"
                                                           "rostering/orgs?page=1"}},
        {"data": [{"$sys": {"id": ID}}], "paging": {"next": None}},
    ]  # fmt: skip

    def two_pages(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[int(request.url.params["page"])])

    service = MockService(two_pages)
    async with client(service) as kimono:
        orgs = [org async for org in kimono.rostering.orgs.list(**EXTRAS)]
    assert len(orgs) == 2
    assert [query(r) for r in service.requests] == [
        {"page": "0", "debug": "1"},
        {"page": "1", "debug": "1"},
    ]
    assert all(carries_the_extras(request) for request in service.requests)


async def test_an_extra_blueprint_content_type_replaces_the_sdks() -> None:
    """The extras come last: even the upload's Content-Type can be given per call."""
    service = MockService(answer)
    async with client(service) as kimono:
        await kimono.integrations.versions.create(
            ID, BLUEPRINT, extra_headers={"Content-Type": "text/xml"}
        )
    assert service.only.headers["Content-Type"] == "text/xml"


@pytest.mark.parametrize("name", ["Authorization", "authorization"])
async def test_an_authorization_given_per_call_is_sent_instead_of_the_clients(name: str) -> None:
    """Authorization is the client's unless the call names one: then that one goes out as
    given, and no token is asked for."""
    service = MockService(answer, token_per_client=True)
    async with client(service) as kimono:
        await kimono.rostering.orgs.get(ID, extra_headers={name: "Bearer other-7"})
        await kimono.rostering.orgs.get(ID, extra_headers={"X-Trace": "t"})
    assert [r.headers["Authorization"] for r in service.requests] == [
        "Bearer other-7",
        f"Bearer tok-{CLIENT_ID}",
    ]
    assert len(service.token_forms) == 1


@pytest.mark.parametrize("name", ["page", "page_size"])
async def test_a_list_refuses_paging_parameters_among_its_extras(name: str) -> None:
    """The pager numbers the pages: ``page`` or ``page_size`` in extra_query is refused
    before anything is sent, naming what to use instead."""
    service = MockService(never)
    async with client(service) as kimono:
        with pytest.raises(ConfigurationError, match=f"{name}.*page_size=.*resume"):
            kimono.rostering.orgs.list(extra_query={name: 3})
        with pytest.raises(ConfigurationError, match=name):
            kimono.tenants.list(extra_query={name: 3})
    assert service.calls == []


async def test_a_bulk_ack_refused_then_sent_one_by_one_carries_the_extras_each_time() -> None:
    """After the bulk endpoint's 404, each single ack has the call's extras too."""

    def refuse_bulk(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tasks/ack"):
            return httpx.Response(404, json={"code": "not_found", "message": "unknown"})
        return httpx.Response(200)

    second = "22222222-2222-4222-8222-222222222222"
    service = MockService(refuse_bulk)
    async with client(service) as kimono:
        result = await kimono.tasks.ack_many(
            [ACK, {"task_id": second, "status": "success"}], **EXTRAS
        )
    assert result.acknowledged == [TASK, second]
    assert len(service.requests) == 3
    assert all(carries_the_extras(request) for request in service.requests)
