"""The task queue and admin queue resources: requests sent, results parsed, bad input refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable

import httpx
import pytest

from kimono_interop import (
    AsyncKimonoClient,
    KimonoClient,
    NotFoundError,
    RetryPolicy,
    TaskAckStatus,
)
from tests.support.specs import load_spec

BASE = "https://api.us2.kimonocloud.com"
TASK_1 = "11111111-1111-4111-8111-111111111111"
TASK_2 = "22222222-2222-4222-8222-222222222222"
TENANT = "33333333-3333-4333-8333-333333333333"


def _tasks_example() -> dict[str, object]:
    return load_spec("interop-data")["components"]["examples"]["TasksBatch"]["value"]


def _task_id(raw: dict) -> str:
    """The id to acknowledge: at the top in 3.x, inside the event member in 1.x and 2.x."""
    if "id" in raw:
        return str(raw["id"])
    event = next(value for key, value in raw.items() if key != "schema")
    return str(event["id"])


Handler = Callable[[httpx.Request], httpx.Response]


def _recorder(answer: Handler) -> tuple[list[httpx.Request], Handler]:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        sent.append(request)
        return answer(request)

    return sent, handler


def _client(handler: Handler) -> KimonoClient:
    return KimonoClient(
        "c",
        "s",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def test_next_batch_asks_for_page_zero_with_filters_and_parses_every_schema() -> None:
    body = _tasks_example()
    sent, handler = _recorder(lambda request: httpx.Response(200, json=body))
    with _client(handler) as kimono:
        batch = kimono.tasks.next_batch(tenant_id=TENANT, schema="3.0", driver="d1", page_size=50)
    assert [_task_id(t.to_dict()) for t in batch] == [_task_id(raw) for raw in body["data"]]
    assert [t.schema for t in batch] == [raw["schema"] for raw in body["data"]]
    (request,) = sent
    assert request.method == "GET"
    assert request.url.path == "/v2/interop/data/tasks"
    assert dict(request.url.params) == {
        "tenant_id": TENANT,
        "schema": "3.0",
        "driver": "d1",
        "page": "0",
        "page_size": "50",
    }


def test_ack_sends_status_and_message() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(200))
    with _client(handler) as kimono:
        kimono.tasks.ack(TASK_1)
        kimono.tasks.ack(TASK_2, "error", message="row 7: unknown school")
    assert [(r.method, r.url.path) for r in sent] == [
        ("PUT", f"/v2/interop/data/tasks/{TASK_1}/ack"),
        ("PUT", f"/v2/interop/data/tasks/{TASK_2}/ack"),
    ]
    assert json.loads(sent[0].content) == {"task_id": TASK_1, "status": "success"}
    assert json.loads(sent[1].content) == {
        "task_id": TASK_2,
        "status": "error",
        "message": "row 7: unknown school",
    }


def test_ack_many_is_one_request() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(200))
    with _client(handler) as kimono:
        kimono.tasks.ack_many(
            [
                {"task_id": TASK_1, "status": "success"},
                {"task_id": TASK_2, "status": "retry", "message": "target busy"},
            ]
        )
    (request,) = sent
    assert (request.method, request.url.path) == ("PUT", "/v2/interop/data/tasks/ack")
    assert json.loads(request.content) == [
        {"task_id": TASK_1, "status": "success"},
        {"task_id": TASK_2, "status": "retry", "message": "target busy"},
    ]


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
def test_bad_input_fails_before_any_request(
    call: Callable[[KimonoClient], object], match: str
) -> None:
    sent, handler = _recorder(lambda request: httpx.Response(200))
    with _client(handler) as kimono, pytest.raises((ValueError, TypeError), match=match):
        call(kimono)
    assert sent == []


def test_admin_queue_list_get_delete_and_acks() -> None:
    body = _tasks_example()
    first = body["data"][0]  # type: ignore[index]

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v2/interop/data/tasks/admin" and request.method == "GET":
            page = int(request.url.params.get("page", "0"))
            nxt = f"{BASE}{path}?page=1&page_size=2000&driver=d" if page == 0 else None
            return httpx.Response(200, json={"data": body["data"], "paging": {"next": nxt}})
        if path == f"/v2/interop/data/tasks/admin/{TASK_1}" and request.method == "GET":
            return httpx.Response(200, json={"data": first})
        if request.method in ("DELETE",) and path.endswith(TASK_2):
            return httpx.Response(404, json={"code": "not_found", "message": "no task"})
        if request.method in ("DELETE", "PUT"):
            return httpx.Response(204 if request.method == "DELETE" else 200)
        return httpx.Response(500)

    sent, handler = _recorder(answer)
    with _client(handler) as kimono:
        tasks = list(kimono.admin_tasks.list(driver="d", page_size=2000))
        assert len(tasks) == 2 * len(body["data"])  # type: ignore[arg-type]
        one = kimono.admin_tasks.get(TASK_1)
        assert _task_id(one.to_dict()) == _task_id(first)
        kimono.admin_tasks.delete(TASK_1)
        with pytest.raises(NotFoundError):
            kimono.admin_tasks.delete(TASK_2)
        kimono.admin_tasks.ack(TASK_1, TaskAckStatus.RETRY, message="later")
        kimono.admin_tasks.ack_many([{"task_id": TASK_1, "status": "success"}])
    assert [(r.method, r.url.path, dict(r.url.params)) for r in sent] == [
        ("GET", "/v2/interop/data/tasks/admin", {"driver": "d", "page": "0", "page_size": "2000"}),
        ("GET", "/v2/interop/data/tasks/admin", {"driver": "d", "page": "1", "page_size": "2000"}),
        ("GET", f"/v2/interop/data/tasks/admin/{TASK_1}", {}),
        ("DELETE", f"/v2/interop/data/tasks/admin/{TASK_1}", {}),
        ("DELETE", f"/v2/interop/data/tasks/admin/{TASK_2}", {}),
        ("PUT", f"/v2/interop/data/tasks/admin/{TASK_1}/ack", {}),
        ("PUT", "/v2/interop/data/tasks/admin/ack", {}),
    ]
    assert json.loads(sent[5].content) == {"task_id": TASK_1, "status": "retry", "message": "later"}


def test_async_tasks() -> None:
    body = _tasks_example()
    sent, handler = _recorder(
        lambda request: (
            httpx.Response(200, json=body) if request.method == "GET" else httpx.Response(200)
        )
    )

    async def main() -> int:
        async with AsyncKimonoClient(
            "c", "s", base_url=BASE, transport=httpx.MockTransport(handler)
        ) as kimono:
            batch = await kimono.tasks.next_batch()
            await kimono.tasks.ack_many([{"task_id": TASK_1, "status": "success"}])
            return len(batch)

    assert asyncio.run(main()) == len(body["data"])  # type: ignore[arg-type]
    assert [r.method for r in sent] == ["GET", "PUT"]
