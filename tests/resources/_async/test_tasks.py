"""The task queue and admin queue resources: requests sent, results parsed, bad input refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, NotFoundError, TaskAckStatus
from tests.support.calls import asettle
from tests.support.mock_service import ORIGIN, MockService, example, query, sent_json

pytestmark = pytest.mark.anyio

TASK_1 = "11111111-1111-4111-8111-111111111111"
TASK_2 = "22222222-2222-4222-8222-222222222222"
TENANT = "33333333-3333-4333-8333-333333333333"
ADMIN = "/v2/interop/data/tasks/admin"


def tasks_example() -> dict[str, Any]:
    """The TasksBatch example of spec/interop-data.yaml: one task of each schema version."""
    batch: dict[str, Any] = example("TasksBatch", spec="interop-data")
    return batch


def task_id(raw: dict[str, Any]) -> str:
    """The id to acknowledge: at the top in 3.x, inside the event member in 1.x and 2.x."""
    if "id" in raw:
        return str(raw["id"])
    event = next(value for key, value in raw.items() if key != "schema")
    return str(event["id"])


async def test_next_batch_asks_for_page_zero_with_filters_and_parses_every_schema() -> None:
    """GET /tasks?page=0 with the filters; every task of the batch, of any schema, is read."""
    body = tasks_example()
    service = MockService(body=body)
    async with service.client(AsyncKimonoClient) as kimono:
        batch = await kimono.tasks.next_batch(
            tenant_id=TENANT, schema="3.0", driver="d1", page_size=50
        )
    assert [task_id(t.to_dict()) for t in batch] == [task_id(raw) for raw in body["data"]]
    assert [t.schema for t in batch] == [raw["schema"] for raw in body["data"]]
    request = service.only
    assert (request.method, request.url.path) == ("GET", "/v2/interop/data/tasks")
    assert query(request) == {
        "tenant_id": TENANT,
        "schema": "3.0",
        "driver": "d1",
        "page": "0",
        "page_size": "50",
    }


async def test_ack_sends_status_and_message() -> None:
    """PUT /tasks/{id}/ack: success by default; a status and message when given."""
    service = MockService()
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.tasks.ack(TASK_1)
        await kimono.tasks.ack(TASK_2, "error", message="row 7: unknown school")
        await kimono.tasks.ack(TASK_1, "SUCCESS")  # any case, as a handler's return value
    assert [(r.method, r.url.path) for r in service.requests] == [
        ("PUT", f"/v2/interop/data/tasks/{TASK_1}/ack"),
        ("PUT", f"/v2/interop/data/tasks/{TASK_2}/ack"),
        ("PUT", f"/v2/interop/data/tasks/{TASK_1}/ack"),
    ]
    assert sent_json(service.requests[2]) == {"task_id": TASK_1, "status": "success"}
    assert sent_json(service.requests[0]) == {"task_id": TASK_1, "status": "success"}
    assert sent_json(service.requests[1]) == {
        "task_id": TASK_2,
        "status": "error",
        "message": "row 7: unknown school",
    }


async def test_ack_many_is_one_request() -> None:
    """Several acks go in one PUT /tasks/ack, in the order given."""
    acks = [
        {"task_id": TASK_1, "status": "success"},
        {"task_id": TASK_2, "status": "retry", "message": "target busy"},
    ]
    service = MockService()
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.tasks.ack_many(acks)
    request = service.only
    assert (request.method, request.url.path) == ("PUT", "/v2/interop/data/tasks/ack")
    assert sent_json(request) == acks


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda k: k.tasks.ack(" "), "task_id"),
        (lambda k: k.tasks.ack(7), "task_id"),
        (lambda k: k.tasks.ack(TASK_1, "done"), "status must be one of"),
        (lambda k: k.tasks.ack_many([]), "must not be empty"),
        (lambda k: k.tasks.ack_many([{"status": "success"}]), r"acks\[0\].task_id"),
        (lambda k: k.tasks.ack_many([{"task_id": TASK_1}]), r"acks\[0\].status"),
        (lambda k: k.tasks.next_batch(tenant_id="t-1"), "tenant_id"),
        (lambda k: k.tasks.next_batch(page_size=0), "page_size"),
        (lambda k: k.admin_tasks.get(""), "task_id"),
    ],
)
async def test_bad_input_fails_before_any_request(call: Callable[[Any], Any], match: str) -> None:
    """A blank or non-str id, an unknown status, an empty or incomplete ack list, a tenant id
    that is not a UUID or a page size of 0 raise ValueError or TypeError, unsent."""
    service = MockService()
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises((ValueError, TypeError), match=match):
            await asettle(call(kimono))
    assert service.requests == []


async def test_admin_queue_list_get_delete_and_acks() -> None:
    """The admin queue: a walk of two pages with the driver filter kept, one task, deletes
    (a 404 is NotFoundError), and single and bulk acks, each to its own path."""
    body = tasks_example()
    first = body["data"][0]

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == ADMIN and request.method == "GET":
            page = int(request.url.params.get("page", "0"))
            nxt = f"{ORIGIN}{path}?page=1&page_size=2000&driver=d" if page == 0 else None
            data = body["data"] if page == 0 else body["data"][::-1]  # a page of its own
            return httpx.Response(200, json={"data": data, "paging": {"next": nxt}})
        if path == f"{ADMIN}/{TASK_1}" and request.method == "GET":
            return httpx.Response(200, json={"data": first})
        if request.method in ("DELETE",) and path.endswith(TASK_2):
            return httpx.Response(404, json={"code": "not_found", "message": "no task"})
        if request.method in ("DELETE", "PUT"):
            return httpx.Response(204 if request.method == "DELETE" else 200)
        return httpx.Response(500)

    service = MockService(answer)
    async with service.client(AsyncKimonoClient) as kimono:
        tasks = [task async for task in kimono.admin_tasks.list(driver="d", page_size=2000)]
        assert len(tasks) == 2 * len(body["data"])
        one = await kimono.admin_tasks.get(TASK_1)
        assert task_id(one.to_dict()) == task_id(first)
        await kimono.admin_tasks.delete(TASK_1)
        with pytest.raises(NotFoundError):
            await kimono.admin_tasks.delete(TASK_2)
        await kimono.admin_tasks.ack(TASK_1, TaskAckStatus.RETRY, message="later")
        await kimono.admin_tasks.ack_many([{"task_id": TASK_1, "status": "success"}])
        # The id an Interactive Sync ADD gave the object, in both places an ack carries
        # it: `$sys.app_id` (the vendor's reference), `app_id` (its driver framework).
        await kimono.admin_tasks.ack(TASK_1, app_id="lms-7")
        await kimono.tasks.ack(TASK_1, app_id="lms-8")
    assert [(r.method, r.url.path, query(r)) for r in service.requests[:7]] == [
        ("GET", ADMIN, {"driver": "d", "page": "0", "page_size": "2000"}),
        ("GET", ADMIN, {"driver": "d", "page": "1", "page_size": "2000"}),
        ("GET", f"{ADMIN}/{TASK_1}", {}),
        ("DELETE", f"{ADMIN}/{TASK_1}", {}),
        ("DELETE", f"{ADMIN}/{TASK_2}", {}),
        ("PUT", f"{ADMIN}/{TASK_1}/ack", {}),
        ("PUT", f"{ADMIN}/ack", {}),
    ]
    expected = {"task_id": TASK_1, "status": "retry", "message": "later"}
    assert expected == sent_json(service.requests[5])
    for request, app_id in zip(service.requests[7:], ("lms-7", "lms-8"), strict=True):
        assert sent_json(request) == {
            "task_id": TASK_1,
            "status": "success",
            "app_id": app_id,
            "$sys": {"app_id": app_id},
        }
