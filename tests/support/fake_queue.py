"""An in-memory task queue with the service's rules, for consumer tests.

* ``GET /tasks`` answers the first (at most 100) tasks not yet acknowledged, in order;
  while any of them is outstanding, the same batch comes back (the service withholds
  further tasks until the batch is acknowledged).
* ``PUT /tasks/ack`` and ``PUT /tasks/{id}/ack`` record acks; the bulk form answers
  404 when some ids are unknown (and acks nothing), like the service.
* Knobs: answer 503 to the next N ack requests; apply the next N ack requests but answer
  504 (the answer is lost on the way back); deliver given tasks again after they were
  acknowledged (duplicates); answer given statuses to the acks of one task sent alone.

``mock_handler`` adapts it to ``httpx.MockTransport``; ``asgi_app`` to a Starlette app.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from kimono_interop import AsyncKimonoClient, KimonoClient, RetryPolicy

BATCH = 100
Client = TypeVar("Client", KimonoClient, AsyncKimonoClient)


def make_task(n: int, *, schema: str = "3.0", tenant: str | None = None) -> dict[str, Any]:
    task_id = str(uuid.UUID(int=n + 1, version=4))
    tenant_id = tenant or "1c9e6f6a-2b7d-4c1e-8f3a-5d4c3b2a1f0e"
    event = {
        "id": task_id,
        "tenant_id": tenant_id,
        "sequence": n,
        "action": "ADD",
        "object_type": "persons",
        "object_id": str(uuid.UUID(int=10_000_000 + n, version=4)),
        "data": {"n": n},
    }
    if schema.startswith("1"):
        return {"schema": schema, "dataEvent": event}
    if schema.startswith("2"):
        return {"schema": schema, "data_event": event}
    return {"schema": schema, "type": "data_event", **event}


def task_id_of(task: Any) -> str:
    """The id of a task of any schema version ("" for an item that has none)."""
    if not isinstance(task, dict):
        return ""
    if "id" in task:
        return str(task["id"])
    event = next((v for k, v in task.items() if k != "schema" and isinstance(v, dict)), {})
    return str(event.get("id", ""))


def task_ids(tasks: list[Any]) -> list[str]:
    """The ids of ``tasks`` (of any schema version), in order."""
    return [task_id_of(t) for t in tasks]


class FakeQueue:
    def __init__(self, tasks: list[dict[str, Any]], *, withhold: bool = False) -> None:
        self.pending: list[dict[str, Any]] = list(tasks)
        #: As the service: hand out nothing while an item handed out is not acknowledged
        #: (an item without an id never is). Off: every GET answers the queue's head.
        self.withhold = withhold
        self._handed: list[Any] = []
        self.known = {task_id_of(t): t for t in tasks}
        self.acks: list[dict[str, Any]] = []
        self.requests: list[tuple[str, str]] = []
        #: The page_size of each GET /tasks (None: not given).
        self.page_sizes: list[int | None] = []
        self.fail_acks = 0
        self.fail_status = 503  # the status of the failed ack answers
        self.fail_gets = 0  # answer 503 to the next N GET /tasks
        self.lose_acks = 0  # apply the next N ack requests, then answer 504
        self.redeliver: dict[str, int] = {}  # task id -> times to deliver again after its ack
        #: task id -> the statuses to answer its next acks sent alone, one each, in order
        self.fail_single: dict[str, list[int]] = {}

    # -- the service's behaviour -------------------------------------------------------
    def handle(
        self, method: str, path: str, body: Any, page_size: int | None = None
    ) -> tuple[int, Any]:
        self.requests.append((method, path))
        path = path.removeprefix("/v2/interop/data")
        if method == "GET" and path == "/tasks":
            self.page_sizes.append(page_size)
            if self.fail_gets:
                self.fail_gets -= 1
                return 503, {"code": "unavailable", "message": "try again"}
            size = BATCH if page_size is None else max(1, min(page_size, BATCH))
            if self.withhold and self._handed:
                return 200, {"data": [], "paging": {"next": None}}
            batch = self.pending[:size]
            self._handed = list(batch)
            return 200, {"data": batch, "paging": {"next": None}}
        if method == "PUT" and (path == "/tasks/ack" or path.endswith("/ack")):
            if self.fail_acks:
                self.fail_acks -= 1
                return self.fail_status, {"code": "failed", "message": "ack not taken"}
            acks = body if path == "/tasks/ack" else [{**body, "task_id": path.split("/")[2]}]
            failing = self.fail_single.get(acks[0]["task_id"]) if path != "/tasks/ack" else None
            if failing:
                return failing.pop(0), {"code": "failed", "message": "this ack not taken"}
            # Like the service, a task it no longer holds (never queued, or already
            # acknowledged and not delivered again) is unknown.
            holding = {task_id_of(t) for t in self.pending}
            unknown = [a["task_id"] for a in acks if a["task_id"] not in holding]
            if unknown:
                return 404, {"code": "not_found", "message": f"unknown task {unknown[0]}"}
            self.acks.extend(acks)
            self._remove({a["task_id"] for a in acks})
            if self.lose_acks:
                self.lose_acks -= 1
                return 504, {"code": "gateway_timeout", "message": "no answer upstream"}
            return 200, None
        return 404, {"code": "not_found", "message": path}

    def _remove(self, task_ids: set[str]) -> None:
        self.pending = [t for t in self.pending if task_id_of(t) not in task_ids]
        self._handed = [t for t in self._handed if t is None or task_id_of(t) not in task_ids]
        again = [self.known[i] for i in task_ids if self.redeliver.get(i)]
        for task in again:
            self.redeliver[task_id_of(task)] -= 1
        self.pending[:0] = sorted(again, key=lambda t: self._order(t))

    def _order(self, task: dict[str, Any]) -> int:
        return list(self.known).index(task_id_of(task))

    # -- adapters ----------------------------------------------------------------------
    def mock_handler(self) -> Callable[[httpx.Request], httpx.Response]:
        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path == "/oauth/token":
                return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
            body = json.loads(request.content) if request.content else None
            size = request.url.params.get("page_size")
            status, answer = self.handle(
                request.method, request.url.path, body, None if size is None else int(size)
            )
            return (
                httpx.Response(status, json=answer)
                if answer is not None
                else httpx.Response(status)
            )

        return handler

    def asgi_app(self) -> Any:
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route

        async def token(request: Request) -> Response:
            return JSONResponse({"access_token": "tok", "expires_in": 3600})

        async def api(request: Request) -> Response:
            raw = await request.body()
            size = request.query_params.get("page_size")
            status, answer = self.handle(
                request.method,
                request.url.path,
                json.loads(raw) if raw else None,
                None if size is None else int(size),
            )
            return (
                JSONResponse(answer, status) if answer is not None else Response(status_code=status)
            )

        return Starlette(
            routes=[
                Route("/oauth/token", token, methods=["POST"]),
                Route("/v2/interop/data/{rest:path}", api, methods=["GET", "PUT"]),
            ]
        )


def queue_client(cls: type[Client], queue: FakeQueue, retries: int = 2) -> Client:
    """A ``cls`` (KimonoClient or AsyncKimonoClient) on ``queue``, retrying without waiting."""
    return cls(
        "c",
        "s",
        base_url="https://api.us2.kimonocloud.com",
        transport=httpx.MockTransport(queue.mock_handler()),
        retry=RetryPolicy(max_retries=retries, initial_delay=0.001, max_delay=0.001),
    )
