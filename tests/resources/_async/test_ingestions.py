"""client.ingestions: the loads into the tenant's repository (/ingestions, read-only)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kimono_interop import AsyncKimonoClient, ResponseValidationError
from kimono_interop_api.models import Ingestion, IngestionState, IngestionType, MassChangeDetail
from tests.support.mock_service import API, EXAMPLE_TIME, MockService, example, paged

pytestmark = pytest.mark.anyio

INGESTION_ID = "3f2c1b0a-9e8d-4c7b-a6f5-e4d3c2b1a090"


def assert_reference_ingestion(ingestion: Ingestion) -> None:
    """The ingestion of the vendor's IngestionSingle example, parsed."""
    assert isinstance(ingestion, Ingestion)
    assert ingestion.type_ == IngestionType.UNSPECIFIED
    assert ingestion.state == IngestionState.UNSPECIFIED
    assert ingestion.started_at == EXAMPLE_TIME
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


async def test_list_walks_two_pages() -> None:
    """Both pages are asked for with the page size; each Ingestion parses, nulls included."""
    second = {"type": "bulk_load", "state": "success", "started_at": None}
    service = MockService.two_pages("IngestionsPage", "/ingestions", {"id": INGESTION_ID}, second)
    async with service.client(AsyncKimonoClient) as client:
        ingestions = [ingestion async for ingestion in client.ingestions.list(page_size=1)]

    assert len(ingestions) == 2
    assert_reference_ingestion(ingestions[0])
    assert ingestions[0].id == INGESTION_ID
    assert (ingestions[1].type_, ingestions[1].state, ingestions[1].started_at) == (
        IngestionType.BULK_LOAD,
        IngestionState.SUCCESS,
        None,
    )
    service.check_pages("/ingestions", {"page_size": "1"})


async def test_list_keeps_page_size_when_next_link_drops_it() -> None:
    """The caller's page size is on page 1 although the service's next link left it out."""
    first = example("IngestionsPage")
    first["paging"] = {"next": f"{API}/ingestions?page=1"}
    second: dict[str, Any] = {"data": [], "paging": {"next": None}}
    service = MockService(paged(first, second))
    async with service.client(AsyncKimonoClient) as client:
        ingestions = [ingestion async for ingestion in client.ingestions.list(page_size=50)]
    assert len(ingestions) == 1
    assert_reference_ingestion(ingestions[0])
    service.check_pages("/ingestions", {"page_size": "50"})


async def test_list_rejects_a_bad_page_size_before_sending() -> None:
    """A page size of 0 raises ValueError at once, before any request."""
    service = MockService(body=example("IngestionsPage"))
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(ValueError, match="page_size"):
            client.ingestions.list(page_size=0)
    assert service.calls == []


@pytest.mark.parametrize(
    "ingestion_id", [INGESTION_ID.upper(), uuid.UUID(INGESTION_ID)], ids=["str", "UUID"]
)
async def test_get(ingestion_id: str | uuid.UUID) -> None:
    """GET /ingestions/{id} with the id normalised; the example's ingestion parses."""
    body = example("IngestionSingle")
    body["data"]["id"] = INGESTION_ID
    service = MockService(body=body)
    async with service.client(AsyncKimonoClient) as client:
        ingestion = await client.ingestions.get(ingestion_id)
    service.check("GET", f"/ingestions/{INGESTION_ID}", {})
    assert_reference_ingestion(ingestion)
    assert ingestion.id == INGESTION_ID


async def test_get_keeps_an_unknown_state() -> None:
    """A state this version does not know is kept as an unknown IngestionState."""
    body = example("IngestionSingle")
    body["data"]["state"] = "paused"
    service = MockService(body=body)
    async with service.client(AsyncKimonoClient) as client:
        ingestion = await client.ingestions.get(INGESTION_ID)
    assert isinstance(ingestion.state, IngestionState)
    assert ingestion.state.value == "paused"
    assert not ingestion.state.is_known


async def test_get_with_a_body_off_contract_raises() -> None:
    """A page where one ingestion was expected is a ResponseValidationError."""
    service = MockService(body=example("IngestionsPage"))
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(ResponseValidationError):
            await client.ingestions.get(INGESTION_ID)
