"""client.schedules: the tenant's ingestion schedules (/tenant/schedules)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest

from kimono_interop import (
    AsyncKimonoClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
)
from kimono_interop_api.models import (
    Schedule,
    ScheduleCreate,
    ScheduleRunRequest,
    ScheduleType,
    ScheduleUpdate,
)
from tests.support.mock_service import API, MockService, check, example, paged, sent_json

pytestmark = pytest.mark.anyio

SCHEDULE_ID = "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b"
WHEN = datetime.datetime(2025, 11, 16, 12, 17, 4, 959000, tzinfo=datetime.timezone.utc)


def assert_reference_schedule(schedule: Schedule) -> None:
    """The schedule of the vendor's ScheduleSingle example, parsed."""
    assert isinstance(schedule, Schedule)
    assert schedule.type_ == ScheduleType.UNSPECIFIED
    assert schedule.last_executed_at == WHEN
    assert schedule.enabled is True
    assert schedule.hour == 1
    assert schedule.days == "text"
    assert schedule.metadata is None


async def test_list_schedules_walks_two_pages() -> None:
    """GET /tenant/schedules page by page; the second page's values are parsed as sent."""
    first = example("SchedulesPage")
    first["paging"] = {"next": f"{API}/tenant/schedules?page=1&page_size=1"}
    second = example("SchedulesPage")
    second["data"][0].update(type="collection", hour=22, enabled=False)
    second["paging"] = {"next": None}
    service = MockService(paged(first, second))
    async with service.client(AsyncKimonoClient) as client:
        schedules = [schedule async for schedule in client.schedules.list(page_size=1)]

    assert_reference_schedule(schedules[0])
    assert (schedules[1].type_, schedules[1].hour, schedules[1].enabled) == (
        ScheduleType.COLLECTION,
        22,
        False,
    )
    check(service.requests[0], "GET", "/tenant/schedules", {"page": "0", "page_size": "1"})
    check(service.requests[1], "GET", "/tenant/schedules", {"page": "1", "page_size": "1"})
    assert len(service.requests) == 2


async def test_list_schedules_without_a_page_size() -> None:
    """Without a page size only the page is sent; the example's schedule parses."""
    page = example("SchedulesPage")
    page["paging"] = {"next": None}
    service = MockService(body=page)
    async with service.client(AsyncKimonoClient) as client:
        schedules = [schedule async for schedule in client.schedules.list()]
    check(service.only, "GET", "/tenant/schedules", {"page": "0"})
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
    check(service.only, "POST", "/tenant/schedules", {})
    assert sent_json(service.only) == sent
    assert_reference_schedule(created)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({}, ValueError, "schedule is not a valid ScheduleCreate"),
        ({"hour": 24}, ValueError, "schedule.hour must be between 0 and 23"),
        ({"hour": -1}, ValueError, "schedule.hour must be between 0 and 23"),
        (ScheduleCreate(hour=99), ValueError, "schedule.hour must be between 0 and 23"),
        ({"hour": "1"}, TypeError, "schedule.hour must be an int"),
        ({"hour": True}, TypeError, "schedule.hour must be an int"),
        (1, TypeError, "schedule must be a ScheduleCreate or a dict"),
    ],
)
async def test_create_schedule_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    """A missing or out-of-range hour, an hour not an int, or a body of another type: unsent."""
    service = MockService(body=example("ScheduleSingle"))
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(error, match=words):
            await client.schedules.create(bad)
    assert service.calls == []


async def test_get_schedule() -> None:
    """GET /tenant/schedules/{id} (from a UUID); the example's schedule parses."""
    service = MockService(body=example("ScheduleSingle"))
    async with service.client(AsyncKimonoClient) as client:
        schedule = await client.schedules.get(uuid.UUID(SCHEDULE_ID))
    check(service.only, "GET", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert_reference_schedule(schedule)


@pytest.mark.parametrize("update", [{"enabled": False}, ScheduleUpdate(enabled=False)])
async def test_update_schedule_patches_enabled(update: Any) -> None:
    """PATCH /tenant/schedules/{id} with a dict or a ScheduleUpdate; the 204 gives None."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        assert await client.schedules.update(SCHEDULE_ID, update) is None
    check(service.only, "PATCH", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert sent_json(service.only) == {"enabled": False}


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({}, ValueError, "update is not a valid ScheduleUpdate"),
        ({"enabled": "false"}, TypeError, "update.enabled must be a bool"),
        (False, TypeError, "update must be a ScheduleUpdate or a dict"),
    ],
)
async def test_update_schedule_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    """An empty update, an enabled that is not a bool, or a body of another type: unsent."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(error, match=words):
            await client.schedules.update(SCHEDULE_ID, bad)
    assert service.calls == []


async def test_delete_schedule() -> None:
    """DELETE /tenant/schedules/{id}; the 204 gives None."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        assert await client.schedules.delete(SCHEDULE_ID) is None
    check(service.only, "DELETE", f"/tenant/schedules/{SCHEDULE_ID}", {})


async def test_run_schedule_without_a_body() -> None:
    """The body of runSchedule is optional: none is sent when none is given."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        assert await client.schedules.run(SCHEDULE_ID) is None
    check(service.only, "POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert service.only.content == b""


@pytest.mark.parametrize("request_body", [{}, ScheduleRunRequest()])
async def test_run_schedule_with_the_empty_object(request_body: Any) -> None:
    """An empty dict or ScheduleRunRequest is sent as the empty JSON object."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        await client.schedules.run(SCHEDULE_ID, request_body)
    check(service.only, "POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert sent_json(service.only) == {}


async def test_run_schedule_rejects_a_bad_body_before_sending() -> None:
    """A run request that is not a dict or a model is refused before any request."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(TypeError, match="request must be"):
            await client.schedules.run(SCHEDULE_ID, "now")  # type: ignore[arg-type]
    assert service.calls == []


@pytest.mark.parametrize(
    ("call", "path", "status", "error"),
    [
        (lambda c: c.schedules.create({"hour": 3}), "", 409, ConflictError),
        (lambda c: c.schedules.get(SCHEDULE_ID), f"/{SCHEDULE_ID}", 404, NotFoundError),
        (
            lambda c: c.schedules.update(SCHEDULE_ID, {"enabled": True}),
            f"/{SCHEDULE_ID}",
            404,
            NotFoundError,
        ),
        (lambda c: c.schedules.delete(SCHEDULE_ID), f"/{SCHEDULE_ID}", 404, NotFoundError),
        (lambda c: c.schedules.run(SCHEDULE_ID), f"/{SCHEDULE_ID}/run", 400, BadRequestError),
        (lambda c: c.schedules.run(SCHEDULE_ID), f"/{SCHEDULE_ID}/run", 404, NotFoundError),
        (lambda c: c.schedules.run(SCHEDULE_ID), f"/{SCHEDULE_ID}/run", 409, ConflictError),
    ],
    ids=["create-409", "get-404", "update-404", "delete-404", "run-400", "run-404", "run-409"],
)
async def test_schedule_errors(call: Any, path: str, status: int, error: type[Exception]) -> None:
    """Each documented error status of a schedule call is its own exception, with the status."""
    service = MockService(status=status, body={"message": "An ingestion is pending"})
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(error) as caught:
            await call(client)
    assert caught.value.status_code == status  # type: ignore[attr-defined]
    assert service.only.url.path == f"/v2/interop/tenant/schedules{path}"


@pytest.mark.parametrize(
    "call",
    [
        lambda c, bad: c.schedules.get(bad),
        lambda c, bad: c.schedules.update(bad, {"enabled": True}),
        lambda c, bad: c.schedules.delete(bad),
        lambda c, bad: c.schedules.run(bad),
    ],
    ids=["get", "update", "delete", "run"],
)
@pytest.mark.parametrize("bad", ["", "count", "12345", f"{SCHEDULE_ID}/run"])
async def test_malformed_id_raises_before_any_request(call: Any, bad: str) -> None:
    """A schedule id that is not a UUID (or smuggles a path) raises ValueError, unsent."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as client:
        with pytest.raises(ValueError, match="schedule_id"):
            await call(client, bad)
    assert service.calls == []
