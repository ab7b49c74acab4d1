"""client.rollovers and client.schedules: /tenant/rollovers and /tenant/schedules."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    ResponseValidationError,
)
from kimono_interop_api.models import (
    Rollover,
    RolloverFailureReason,
    RolloverRequest,
    RolloverStatus,
    RolloverType,
    Schedule,
    ScheduleCreate,
    ScheduleRunRequest,
    ScheduleType,
    ScheduleUpdate,
)
from tests.support.mock_service import (
    ORIGIN,
    Server,
    async_client,
    check,
    example,
    sent_json,
    sync_client,
)

API = ORIGIN + "/v2/interop"
REF_ID = "123e4567-e89b-12d3-a456-426614174000"  # the id in every vendor example
ROLLOVER_ID = "0c7d3f52-6a1e-4b8f-9e2d-5a4c3b2a1f00"
SCHEDULE_ID = "9e8d7c6b-5a49-4838-a726-150f4e3d2c1b"
WHEN = datetime.datetime(2025, 11, 16, 12, 17, 4, 959000, tzinfo=datetime.timezone.utc)


def conflict() -> Server:
    return Server(409, {"message": "Rollover overlaps another rollover"})


# Rollovers


def assert_reference_rollover(rollover: Rollover) -> None:
    """The rollover of the vendor's RolloverSingle example, parsed."""
    assert isinstance(rollover, Rollover)
    assert rollover.name == "text"
    assert rollover.type_ == RolloverType.NEW_YEAR
    assert rollover.status == RolloverStatus.UPCOMING
    assert rollover.start_date == WHEN
    assert rollover.end_date == WHEN
    assert rollover.status_change_failure_count == 1
    assert rollover.failure_reason == RolloverFailureReason.ALREADYINROLLOVERMODE


def test_list_rollovers_walks_two_pages_and_keeps_sort() -> None:
    first = example("RolloversPage")
    first["data"][0]["name"] = "2025-2026"
    # The service's link drops `sort`; the SDK must keep it.
    first["paging"] = {"next": f"{API}/tenant/rollovers?page=1&page_size=1"}
    second = example("RolloversPage")
    second["data"][0]["name"] = "2024-2025"
    second["paging"] = {"next": None}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)
    with sync_client(server) as client:
        rollovers = list(client.rollovers.list(sort="-name", page_size=1))

    assert [r.name for r in rollovers] == ["2025-2026", "2024-2025"]
    assert rollovers[0].type_ == RolloverType.NEW_YEAR
    assert rollovers[0].start_date == WHEN
    page_0 = {"sort": "-name", "page": "0", "page_size": "1"}
    check(server.requests[0], "GET", "/tenant/rollovers", page_0)
    check(server.requests[1], "GET", "/tenant/rollovers", {**page_0, "page": "1"})
    assert len(server.requests) == 2


def test_list_rollovers_async_without_sort() -> None:
    page = example("RolloversPage")
    page["paging"] = {"next": None}
    server = Server(body=page)

    async def main() -> list[Rollover]:
        async with async_client(server) as client:
            return [rollover async for rollover in client.rollovers.list()]

    rollovers = asyncio.run(main())
    check(server.only, "GET", "/tenant/rollovers", {"page": "0"})
    assert len(rollovers) == 1
    assert_reference_rollover(rollovers[0])


def test_create_rollover_with_model() -> None:
    server = Server(body=example("RolloverSingle"))
    request = RolloverRequest.from_dict(example("RolloverBody"))
    with sync_client(server) as client:
        rollover = client.rollovers.create(request)
    check(server.only, "POST", "/tenant/rollovers", {})
    assert sent_json(server.only) == example("RolloverBody")
    assert_reference_rollover(rollover)


def test_create_rollover_async_from_dict() -> None:
    server = Server(body=example("RolloverSingle"))
    body = {
        "name": "2025-2026",
        "type": "new_year",
        "start_date": "2025-07-01T00:00:00Z",
        "end_date": "2025-08-15T00:00:00Z",
        "cloud_id": REF_ID,
    }

    async def main() -> Rollover:
        async with async_client(server) as client:
            return await client.rollovers.create(body)

    rollover = asyncio.run(main())
    check(server.only, "POST", "/tenant/rollovers", {})
    sent = sent_json(server.only)
    assert sent["name"] == "2025-2026"
    assert sent["type"] == "new_year"
    assert sent["cloud_id"] == REF_ID
    parse = datetime.datetime.fromisoformat
    assert parse(sent["start_date"]) == datetime.datetime(2025, 7, 1, tzinfo=datetime.timezone.utc)
    assert parse(sent["end_date"]) == datetime.datetime(2025, 8, 15, tzinfo=datetime.timezone.utc)
    assert_reference_rollover(rollover)


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({"cloud_id": "cloud-1"}, ValueError, "request is not a valid RolloverRequest"),
        ({"start_date": "next monday"}, ValueError, "request is not a valid RolloverRequest"),
        ("new_year", TypeError, "request must be a RolloverRequest or a dict"),
    ],
)
def test_create_rollover_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    server = Server(body=example("RolloverSingle"))
    with sync_client(server) as client, pytest.raises(error, match=words):
        client.rollovers.create(bad)
    assert server.calls == []


def test_create_rollover_409_raises_conflict() -> None:
    server = conflict()
    with sync_client(server) as client, pytest.raises(ConflictError) as caught:
        client.rollovers.create({"type": "new_year"})
    assert caught.value.status_code == 409
    check(server.only, "POST", "/tenant/rollovers", {})


def test_count_rollovers() -> None:
    server = Server(body=42)
    with sync_client(server) as client:
        assert client.rollovers.count() == 42
    check(server.only, "GET", "/tenant/rollovers/count", {})


def test_get_rollover() -> None:
    server = Server(body=example("RolloverSingle"))
    with sync_client(server) as client:
        rollover = client.rollovers.get(ROLLOVER_ID.upper())
    check(server.only, "GET", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert_reference_rollover(rollover)


def test_get_rollover_async() -> None:
    server = Server(body=example("RolloverSingle"))

    async def main() -> Rollover:
        async with async_client(server) as client:
            return await client.rollovers.get(uuid.UUID(ROLLOVER_ID))

    assert_reference_rollover(asyncio.run(main()))
    check(server.only, "GET", f"/tenant/rollovers/{ROLLOVER_ID}", {})


def test_get_rollover_404_raises_not_found() -> None:
    server = Server(404, {"message": "Rollover not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.rollovers.get(ROLLOVER_ID)


def test_update_rollover_puts_the_body() -> None:
    answer = example("RolloverSingle")
    answer["data"]["name"] = "Renamed"
    server = Server(body=answer)
    body = {**example("RolloverBody"), "name": "Renamed"}
    with sync_client(server) as client:
        rollover = client.rollovers.update(ROLLOVER_ID, body)
    check(server.only, "PUT", f"/tenant/rollovers/{ROLLOVER_ID}", {})
    assert sent_json(server.only) == body
    assert rollover.name == "Renamed"
    assert rollover.type_ == RolloverType.NEW_YEAR


def test_update_rollover_with_model() -> None:
    server = Server(body=example("RolloverSingle"))
    with sync_client(server) as client:
        client.rollovers.update(ROLLOVER_ID, RolloverRequest(name="2026-2027"))
    assert sent_json(server.only) == {"name": "2026-2027"}


def test_update_rollover_rejects_a_bad_body_before_sending() -> None:
    server = Server(body=example("RolloverSingle"))
    with sync_client(server) as client, pytest.raises(ValueError, match="RolloverRequest"):
        client.rollovers.update(ROLLOVER_ID, {"actor_id": "me"})
    assert server.calls == []


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (409, ConflictError)])
def test_update_rollover_errors(status: int, error: type[Exception]) -> None:
    server = Server(status, {"message": "no"})
    with sync_client(server) as client, pytest.raises(error):
        client.rollovers.update(ROLLOVER_ID, {"name": "x"})
    check(server.only, "PUT", f"/tenant/rollovers/{ROLLOVER_ID}", {})


def test_delete_rollover() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.rollovers.delete(ROLLOVER_ID) is None
    check(server.only, "DELETE", f"/tenant/rollovers/{ROLLOVER_ID}", {})


@pytest.mark.parametrize(("status", "error"), [(404, NotFoundError), (409, ConflictError)])
def test_delete_rollover_errors(status: int, error: type[Exception]) -> None:
    server = Server(status, {"message": "Cannot delete the active rollover"})
    with sync_client(server) as client, pytest.raises(error):
        client.rollovers.delete(ROLLOVER_ID)


# Schedules


def assert_reference_schedule(schedule: Schedule) -> None:
    """The schedule of the vendor's ScheduleSingle example, parsed."""
    assert isinstance(schedule, Schedule)
    assert schedule.type_ == ScheduleType.UNSPECIFIED
    assert schedule.last_executed_at == WHEN
    assert schedule.enabled is True
    assert schedule.hour == 1
    assert schedule.days == "text"
    assert schedule.metadata is None


def test_list_schedules_walks_two_pages() -> None:
    first = example("SchedulesPage")
    first["paging"] = {"next": f"{API}/tenant/schedules?page=1&page_size=1"}
    second = example("SchedulesPage")
    second["data"][0].update(type="collection", hour=22, enabled=False)
    second["paging"] = {"next": None}

    def route(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params["page"] == "1" else first)

    server = Server(route=route)
    with sync_client(server) as client:
        schedules = list(client.schedules.list(page_size=1))

    assert_reference_schedule(schedules[0])
    assert (schedules[1].type_, schedules[1].hour, schedules[1].enabled) == (
        ScheduleType.COLLECTION,
        22,
        False,
    )
    check(server.requests[0], "GET", "/tenant/schedules", {"page": "0", "page_size": "1"})
    check(server.requests[1], "GET", "/tenant/schedules", {"page": "1", "page_size": "1"})
    assert len(server.requests) == 2


def test_list_schedules_async() -> None:
    page = example("SchedulesPage")
    page["paging"] = {"next": None}
    server = Server(body=page)

    async def main() -> list[Schedule]:
        async with async_client(server) as client:
            return [schedule async for schedule in client.schedules.list()]

    schedules = asyncio.run(main())
    check(server.only, "GET", "/tenant/schedules", {"page": "0"})
    assert len(schedules) == 1
    assert_reference_schedule(schedules[0])


def test_create_schedule_from_dict() -> None:
    server = Server(body=example("ScheduleSingle"))
    with sync_client(server) as client:
        schedule = client.schedules.create({"hour": 1})
    check(server.only, "POST", "/tenant/schedules", {})
    assert sent_json(server.only) == {"hour": 1}
    assert_reference_schedule(schedule)


def test_create_schedule_async_with_model() -> None:
    server = Server(body=example("ScheduleSingle"))

    async def main() -> Schedule:
        async with async_client(server) as client:
            return await client.schedules.create(ScheduleCreate(hour=0))

    assert_reference_schedule(asyncio.run(main()))
    check(server.only, "POST", "/tenant/schedules", {})
    assert sent_json(server.only) == {"hour": 0}


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
def test_create_schedule_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    server = Server(body=example("ScheduleSingle"))
    with sync_client(server) as client, pytest.raises(error, match=words):
        client.schedules.create(bad)
    assert server.calls == []


def test_create_schedule_409_raises_conflict() -> None:
    server = Server(409, {"message": "Schedule overlaps another schedule"})
    with sync_client(server) as client, pytest.raises(ConflictError):
        client.schedules.create({"hour": 3})
    check(server.only, "POST", "/tenant/schedules", {})


def test_count_schedules() -> None:
    server = Server(body=3)
    with sync_client(server) as client:
        assert client.schedules.count() == 3
    check(server.only, "GET", "/tenant/schedules/count", {})


def test_get_schedule() -> None:
    server = Server(body=example("ScheduleSingle"))
    with sync_client(server) as client:
        schedule = client.schedules.get(uuid.UUID(SCHEDULE_ID))
    check(server.only, "GET", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert_reference_schedule(schedule)


def test_get_schedule_404_raises_not_found() -> None:
    server = Server(404, {"message": "Schedule not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.schedules.get(SCHEDULE_ID)


@pytest.mark.parametrize("update", [{"enabled": False}, ScheduleUpdate(enabled=False)])
def test_update_schedule_patches_enabled(update: Any) -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.schedules.update(SCHEDULE_ID, update) is None
    check(server.only, "PATCH", f"/tenant/schedules/{SCHEDULE_ID}", {})
    assert sent_json(server.only) == {"enabled": False}


@pytest.mark.parametrize(
    ("bad", "error", "words"),
    [
        ({}, ValueError, "update is not a valid ScheduleUpdate"),
        ({"enabled": "false"}, TypeError, "update.enabled must be a bool"),
        (False, TypeError, "update must be a ScheduleUpdate or a dict"),
    ],
)
def test_update_schedule_rejects_a_bad_body_before_sending(
    bad: Any, error: type[Exception], words: str
) -> None:
    server = Server(204)
    with sync_client(server) as client, pytest.raises(error, match=words):
        client.schedules.update(SCHEDULE_ID, bad)
    assert server.calls == []


def test_update_schedule_404_raises_not_found() -> None:
    server = Server(404, {"message": "Schedule not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.schedules.update(SCHEDULE_ID, {"enabled": True})


def test_delete_schedule() -> None:
    server = Server(204)
    with sync_client(server) as client:
        assert client.schedules.delete(SCHEDULE_ID) is None
    check(server.only, "DELETE", f"/tenant/schedules/{SCHEDULE_ID}", {})


def test_delete_schedule_404_raises_not_found() -> None:
    server = Server(404, {"message": "Schedule not found"})
    with sync_client(server) as client, pytest.raises(NotFoundError):
        client.schedules.delete(SCHEDULE_ID)


def test_run_schedule_without_a_body() -> None:
    """The body of runSchedule is optional: none is sent when none is given."""
    server = Server(204)
    with sync_client(server) as client:
        assert client.schedules.run(SCHEDULE_ID) is None
    check(server.only, "POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert server.only.content == b""


@pytest.mark.parametrize("request_body", [{}, ScheduleRunRequest()])
def test_run_schedule_with_the_empty_object(request_body: Any) -> None:
    server = Server(204)
    with sync_client(server) as client:
        client.schedules.run(SCHEDULE_ID, request_body)
    check(server.only, "POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})
    assert sent_json(server.only) == {}


def test_run_schedule_async() -> None:
    server = Server(204)

    async def main() -> None:
        async with async_client(server) as client:
            await client.schedules.run(SCHEDULE_ID, {})

    asyncio.run(main())
    check(server.only, "POST", f"/tenant/schedules/{SCHEDULE_ID}/run", {})


def test_run_schedule_rejects_a_bad_body_before_sending() -> None:
    server = Server(204)
    with sync_client(server) as client, pytest.raises(TypeError, match="request must be"):
        client.schedules.run(SCHEDULE_ID, "now")  # type: ignore[arg-type]
    assert server.calls == []


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (404, NotFoundError), (409, ConflictError)]
)
def test_run_schedule_errors(status: int, error: type[Exception]) -> None:
    server = Server(status, {"message": "An ingestion is pending"})
    with sync_client(server) as client, pytest.raises(error) as caught:
        client.schedules.run(SCHEDULE_ID)
    assert caught.value.status_code == status  # type: ignore[attr-defined]


# Shared: ids and counts


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda c, bad: c.rollovers.get(bad), "rollover_id"),
        (lambda c, bad: c.rollovers.update(bad, {"name": "x"}), "rollover_id"),
        (lambda c, bad: c.rollovers.delete(bad), "rollover_id"),
        (lambda c, bad: c.schedules.get(bad), "schedule_id"),
        (lambda c, bad: c.schedules.update(bad, {"enabled": True}), "schedule_id"),
        (lambda c, bad: c.schedules.delete(bad), "schedule_id"),
        (lambda c, bad: c.schedules.run(bad), "schedule_id"),
    ],
)
@pytest.mark.parametrize("bad", ["", "count", "12345", f"{SCHEDULE_ID}/run"])
def test_malformed_id_raises_before_any_request(
    call: Callable[[Any, str], Any], name: str, bad: str
) -> None:
    server = Server(204)
    with sync_client(server) as client, pytest.raises(ValueError, match=name):
        call(client, bad)
    assert server.calls == []


def test_malformed_id_raises_in_the_async_client_too() -> None:
    server = Server(204)

    async def main() -> None:
        async with async_client(server) as client:
            await client.schedules.run("tomorrow")

    with pytest.raises(ValueError, match="schedule_id"):
        asyncio.run(main())
    assert server.calls == []


def test_count_async() -> None:
    server = Server(body=7)

    async def main() -> tuple[int, int]:
        async with async_client(server) as client:
            return await client.rollovers.count(), await client.schedules.count()

    assert asyncio.run(main()) == (7, 7)
    assert [r.url.path for r in server.requests] == [
        "/v2/interop/tenant/rollovers/count",
        "/v2/interop/tenant/schedules/count",
    ]


@pytest.mark.parametrize("area", ["rollovers", "schedules"])
@pytest.mark.parametrize("content", [b'"42"', b"4.2", b"true", b'{"count": 42}', b"null", b"42x"])
def test_count_that_is_not_an_integer_raises(area: str, content: bytes) -> None:
    server = Server(content=content)
    with sync_client(server) as client, pytest.raises(ResponseValidationError):
        getattr(client, area).count()
    assert server.only.url.path == f"/v2/interop/tenant/{area}/count"
