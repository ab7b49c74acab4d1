"""client.ingestions: the loads into the tenant's repository (/ingestions, read-only)."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from typing import Any

import httpx
import pytest

from kimono_interop import (
    NotFoundError,
    ResponseValidationError,
)
from kimono_interop_api.models import Ingestion, IngestionState, IngestionType, MassChangeDetail
from tests.support.mock_service import (
    ORIGIN,
    Server,
    async_client,
    check,
    example,
    sync_client,
)

API = ORIGIN + "/v2/interop"
INGESTION_ID = "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a090"
WHEN = datetime.datetime(2025, 11, 16, 12, 17, 4, 959000, tzinfo=datetime.timezone.utc)


def assert_reference_ingestion(ingestion: Ingestion) -> None:
    """The ingestion of the vendor's IngestionSingle example, parsed."""
    assert isinstance(ingestion, Ingestion)
    assert ingestion.type_ == IngestionType.UNSPECIFIED
    assert ingestion.state == IngestionState.UNSPECIFIED
    assert ingestion.started_at == WHEN
    assert ingestion.external_import_ids == ["text"]
    assert ingestion.has_pending_task is True
    assert isinstance(ingestion.mass_change_details, list)
    [detail] = ingestion.mass_change_details
    assert isinstance(detail, MassChangeDetail)
    assert (
        detail.object_type,
        detail.object_subtype,
        detail.object_count,
        detail.adds,
        detail.updates,
        detail.deletes,
    ) == (1, 1, 1, 1, 1, 1)
    assert ingestion.metadata is not None
    assert ingestion.metadata.scheduled is None


def test_list_walks_two_pages() -> None:
    first = example("IngestionsPage")
    first["data"][0]["id"] = INGESTION_ID
    first["paging"] = {"next": f"{API}/ingestions?page=1&page_size=1"}
    second = example("IngestionsPage")
    second["data"][0].update(type="bulk_load", state="success", started_at=None)
    second["paging"] = {"next": None}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)
    with sync_client(server) as client:
        ingestions = list(client.ingestions.list(page_size=1))

    assert len(ingestions) == 2
    assert_reference_ingestion(ingestions[0])
    assert ingestions[0].id == uuid.UUID(INGESTION_ID)
    assert (ingestions[1].type_, ingestions[1].state, ingestions[1].started_at) == (
        IngestionType.BULK_LOAD,
        IngestionState.SUCCESS,
        None,
    )
    check(server.requests[0], "GET", "/ingestions", {"page": "0", "page_size": "1"})
    check(server.requests[1], "GET", "/ingestions", {"page": "1", "page_size": "1"})
    assert len(server.requests) == 2


def test_list_async_keeps_page_size_when_next_link_drops_it() -> None:
    first = example("IngestionsPage")
    first["paging"] = {"next": f"{API}/ingestions?page=1"}
    second: dict[str, Any] = {"data": [], "paging": {"next": None}}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)

    async def main() -> list[Ingestion]:
        async with async_client(server) as client:
            return [ingestion async for ingestion in client.ingestions.list(page_size=50)]

    ingestions = asyncio.run(main())
    assert len(ingestions) == 1
    assert_reference_ingestion(ingestions[0])
    check(server.requests[0], "GET", "/ingestions", {"page": "0", "page_size": "50"})
    check(server.requests[1], "GET", "/ingestions", {"page": "1", "page_size": "50"})


def test_list_rejects_a_bad_page_size_before_sending() -> None:
    server = Server(body=example("IngestionsPage"))
    with sync_client(server) as client, pytest.raises(ValueError, match="page_size"):
        client.ingestions.list(page_size=0)
    assert server.calls == []


def test_count() -> None:
    server = Server(content=b"42")
    with sync_client(server) as client:
        assert client.ingestions.count() == 42
    check(server.only, "GET", "/ingestions/count", {})


def test_count_async() -> None:
    server = Server(body=0)

    async def main() -> int:
        async with async_client(server) as client:
            return await client.ingestions.count()

    assert asyncio.run(main()) == 0
    check(server.only, "GET", "/ingestions/count", {})


@pytest.mark.parametrize("content", [b'"42"', b"42.0", b"false", b"[42]", b"null", b""])
def test_count_that_is_not_an_integer_raises(content: bytes) -> None:
    server = Server(content=content)
    with sync_client(server) as client, pytest.raises(ResponseValidationError):
        client.ingestions.count()
    check(server.only, "GET", "/ingestions/count", {})


def test_get() -> None:
    body = example("IngestionSingle")
    body["data"]["id"] = INGESTION_ID
    server = Server(body=body)
    with sync_client(server) as client:
        ingestion = client.ingestions.get(INGESTION_ID.upper())
    check(server.only, "GET", f"/ingestions/{INGESTION_ID}", {})
    assert_reference_ingestion(ingestion)
    assert ingestion.id == uuid.UUID(INGESTION_ID)


def test_get_async() -> None:
    server = Server(body=example("IngestionSingle"))

    async def main() -> Ingestion:
        async with async_client(server) as client:
            return await client.ingestions.get(uuid.UUID(INGESTION_ID))

    assert_reference_ingestion(asyncio.run(main()))
    check(server.only, "GET", f"/ingestions/{INGESTION_ID}", {})


def test_get_keeps_an_unknown_state() -> None:
    body = example("IngestionSingle")
    body["data"]["state"] = "paused"
    server = Server(body=body)
    with sync_client(server) as client:
        ingestion = client.ingestions.get(INGESTION_ID)
    assert isinstance(ingestion.state, IngestionState)
    assert ingestion.state.value == "paused"
    assert not ingestion.state.is_known


def test_get_404_raises_not_found() -> None:
    server = Server(404, {"message": "Ingestion not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError) as caught:
        client.ingestions.get(INGESTION_ID)
    assert caught.value.status_code == 404
    check(server.only, "GET", f"/ingestions/{INGESTION_ID}", {})


def test_get_with_a_body_off_contract_raises() -> None:
    server = Server(body=example("IngestionsPage"))  # a page where one object was expected
    with sync_client(server) as client, pytest.raises(ResponseValidationError):
        client.ingestions.get(INGESTION_ID)


@pytest.mark.parametrize("bad", ["", "count", "3f2c1b0a", f"{INGESTION_ID}/../x"])
def test_malformed_id_raises_before_any_request(bad: str) -> None:
    server = Server(body=example("IngestionSingle"))
    with sync_client(server) as client, pytest.raises(ValueError, match="ingestion_id"):
        client.ingestions.get(bad)
    assert server.calls == []


def test_malformed_id_raises_in_the_async_client_too() -> None:
    server = Server(body=example("IngestionSingle"))

    async def main() -> None:
        async with async_client(server) as client:
            await client.ingestions.get("latest")

    with pytest.raises(ValueError, match="ingestion_id"):
        asyncio.run(main())
    assert server.calls == []
