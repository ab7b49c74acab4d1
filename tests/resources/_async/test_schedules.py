"""client.schedules: the tenant's ingestion schedules (/tenant/schedules)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from kimono_interop import AsyncKimonoClient
from kimono_interop_api.models import (
    Schedule,
    ScheduleCreate,
    ScheduleRunRequest,
    ScheduleType,
    ScheduleUpdate,
)
from tests.support.mock_service import EXAMPLE_TIME, MockService, example, sent_json

pytestmark = pytest.mark.anyio

SCHEDULE_ID = "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b"


def assert_reference_schedule(schedule: Schedule) -> None:
    """The schedule of the vendor's ScheduleSingle example, parsed."""
    assert isinstance(schedule, Schedule)
    assert schedule.type_ == ScheduleType.UNSPECIFIED
    assert schedule.last_executed_at == EXAMPLE_TIME
    assert schedule.enabled is True
    assert schedule.hour == 1
    assert schedule.days == "text"
    assert schedule.metadata is None


async def test_list_schedules_walks_two_pages() -> None:
    """GET /tenant/schedules page by page; the second page's values are parsed as sent."""
    second = {"type": "collection", "hour": 22, "enabled": False}
    service = MockService.two_pages("SchedulesPage", "/tenant/schedules", {}, second)
    async with service.client(AsyncKimonoClient) as client:
        schedules = [schedule async for schedule in client.schedules.list(page_size=1)]

    assert_reference_schedule(schedules[0])
    assert (schedules[1].type_, schedules[1].hour, schedules[1].enabled) == (
        ScheduleType.COLLECTION,
        22,
        False,
    )
    service.check_pages("/tenant/schedules", {"page_size": "1"})


async def test_list_schedules_without_a_page_size() -> None:
    """Without a page size only the page is sent; the example's schedule parses."""
    service = MockService.one_page("SchedulesPage")
    async with service.client(AsyncKimonoClient) as client:
        schedules = [schedule async for schedule in client.schedules.list()]
    service.check("GET", "/tenant/schedules", {"page": "0"})
    assert len(schedules) == 1
    assert_reference_schedule(schedules[0])


@pytest.mark.parametrize(
    ("schedule", "sent"),
    [({"hour": 1}, {"hour": 1}), (ScheduleCreate(hour=0), {"hour": 0})],
    ids=["dict", "model"],
)
async def test_create_schedule(schedule: Any, sent: dict[str, Any]) -> None:
    """POST /tenant/schedules with a dict or a ScheduleCreate; the answer parses."""
    service = MockService(body=example("ScheduleSingle"))
    async with service.client(AsyncKimonoClient) as client:
        created = await client.schedules.create(schedule)
    service.check("POST", "/tenant/schedules", {})
    assert sent_json(service.only) == sent
    assert_reference_schedule(created)


async def test_get_schedule() -> None:
    """GET /tenant/schedules/{id} (from a UUID); the example's schedule parses."""
    service = MockService(body=example("ScheduleSingle"))
    async with service.client(AsyncKimonoClient) as client:
        schedule = await client.schedules.get(uuid.UUID(SCHEDULE_ID))
    service.check("GET", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert_reference_schedule(schedule)


@pytest.mark.parametrize("update", [{"enabled": False}, ScheduleUpdate(enabled=False)])
async def test_update_schedule_patches_enabled(update: Any) -> None:
    """PATCH /tenant/schedules/{id} with a dict or a ScheduleUpdate; the 204 gives None."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        assert await client.schedules.update(SCHEDULE_ID, update) is None
    service.check("PATCH", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert sent_json(service.only) == {"enabled": False}


async def test_run_schedule_without_a_body() -> None:
    """The body of runSchedule is optional: none is sent when none is given."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        assert await client.schedules.run(SCHEDULE_ID) is None
    service.check("POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert service.only.content == b""


@pytest.mark.parametrize("request_body", [{}, ScheduleRunRequest()])
async def test_run_schedule_with_the_empty_object(request_body: Any) -> None:
    """An empty dict or ScheduleRunRequest is sent as the empty JSON object."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        await client.schedules.run(SCHEDULE_ID, request_body)
    service.check("POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert sent_json(service.only) == {}
