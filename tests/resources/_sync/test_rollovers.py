# Written by scripts/unasync.py from tests/resources/_async/test_rollovers.py: edit that file,
# then run `make generate`.
"""client.rollovers: the tenant's rollovers (/tenant/rollovers)."""

from __future__ import annotations

import datetime
import uuid

import pytest

from kimono_interop import KimonoClient
from kimono_interop_api.models import (
    Rollover,
    RolloverFailureReason,
    RolloverRequest,
    RolloverStatus,
    RolloverType,
)
from tests.support.mock_service import EXAMPLE_ID, EXAMPLE_TIME, MockService, example, sent_json

ROLLOVER_ID = "0c7d3f52-6a1e-4b8f-9e2d-5a4c3b2a1f00"


def assert_reference_rollover(rollover: Rollover) -> None:
    """The rollover of the vendor's RolloverSingle example, parsed."""
    assert isinstance(rollover, Rollover)
    assert rollover.name == "text"
    assert rollover.type_ == RolloverType.NEW_YEAR
    assert rollover.status == RolloverStatus.UPCOMING
    assert rollover.start_date == EXAMPLE_TIME
    assert rollover.end_date == EXAMPLE_TIME
    assert rollover.status_change_failure_count == 1
    assert rollover.failure_reason == RolloverFailureReason.ALREADYINROLLOVERMODE


def test_list_rollovers_walks_two_pages_and_keeps_sort() -> None:
    """The sort order is on both pages, although the service's next link drops it."""
    names = {"name": "2025-2026"}, {"name": "2024-2025"}
    service = MockService.two_pages("RolloversPage", "/tenant/rollovers", *names)
    with service.client(KimonoClient) as client:
        rollovers = [r for r in client.rollovers.list(sort="-name", page_size=1)]

    assert [r.name for r in rollovers] == ["2025-2026", "2024-2025"]
    assert rollovers[0].type_ == RolloverType.NEW_YEAR
    assert rollovers[0].start_date == EXAMPLE_TIME
    service.check_pages("/tenant/rollovers", {"sort": "-name", "page_size": "1"})


def test_list_rollovers_without_sort() -> None:
    """Without sort or page size only the page is sent; the example's rollover parses."""
    service = MockService.one_page("RolloversPage")
    with service.client(KimonoClient) as client:
        rollovers = [rollover for rollover in client.rollovers.list()]
    service.check("GET", "/tenant/rollovers", {"page": "0"})
    assert len(rollovers) == 1
    assert_reference_rollover(rollovers[0])


def test_create_rollover_with_model() -> None:
    """POST /tenant/rollovers with the model as the example it came from."""
    service = MockService(body=example("RolloverSingle"))
    request = RolloverRequest.from_dict(example("RolloverBody"))
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.create(request)
    service.check("POST", "/tenant/rollovers", {})
    assert sent_json(service.only) == example("RolloverBody")
    assert_reference_rollover(rollover)


def test_create_rollover_from_dict() -> None:
    """A dict body is validated and sent with its dates as ISO 8601 instants."""
    service = MockService(body=example("RolloverSingle"))
    body = {
        "name": "2025-2026",
        "type": "new_year",
        "start_date": "2025-07-01T00:00:00Z",
        "end_date": "2025-08-15T00:00:00Z",
        "cloud_id": EXAMPLE_ID,
    }
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.create(body)
    service.check("POST", "/tenant/rollovers", {})
    sent = sent_json(service.only)
    assert sent["name"] == "2025-2026"
    assert sent["type"] == "new_year"
    assert sent["cloud_id"] == EXAMPLE_ID
    parse = datetime.datetime.fromisoformat
    assert parse(sent["start_date"]) == datetime.datetime(2025, 7, 1, tzinfo=datetime.timezone.utc)
    assert parse(sent["end_date"]) == datetime.datetime(2025, 8, 15, tzinfo=datetime.timezone.utc)
    assert_reference_rollover(rollover)


@pytest.mark.parametrize(
    "rollover_id", [ROLLOVER_ID.upper(), uuid.UUID(ROLLOVER_ID)], ids=["str", "UUID"]
)
def test_get_rollover(rollover_id: str | uuid.UUID) -> None:
    """GET /tenant/rollovers/{id} with the id normalised; the example's rollover parses."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.get(rollover_id)
    service.check("GET", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert_reference_rollover(rollover)


def test_update_rollover_puts_the_body() -> None:
    """PUT /tenant/rollovers/{id} with the dict; the answer is the updated rollover."""
    answer = example("RolloverSingle")
    answer["data"]["name"] = "Renamed"
    service = MockService(body=answer)
    body = {**example("RolloverBody"), "name": "Renamed"}
    with service.client(KimonoClient) as client:
        rollover = client.rollovers.update(ROLLOVER_ID, body)
    service.check("PUT", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert sent_json(service.only) == body
    assert rollover.name == "Renamed"
    assert rollover.type_ == RolloverType.NEW_YEAR


def test_update_rollover_with_model() -> None:
    """A RolloverRequest model is sent with only the fields it sets."""
    service = MockService(body=example("RolloverSingle"))
    with service.client(KimonoClient) as client:
        client.rollovers.update(ROLLOVER_ID, RolloverRequest(name="2026-2027"))
    assert sent_json(service.only) == {"name": "2026-2027"}
