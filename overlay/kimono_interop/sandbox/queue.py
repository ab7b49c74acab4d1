"""The sandbox's task queues, with the service's rules.

Per tenant, tasks wait in delivery order. ``GET /tasks`` hands out at most 100;
while any task handed out is unacknowledged, the tenant gets nothing more, until
``ack_timeout`` passes and the unacknowledged tasks are delivered again. An ack
removes its task (``retry`` puts it back at the end of the queue); with
``duplicate_rate`` some acknowledged tasks are delivered once more, as the real
service sometimes does. The admin queue is a plain list that can be paged, read,
deleted from and acknowledged. Every ack is recorded with its status and message.

Tasks take the shape of their ``schema`` as the vendor's own parser reads it
(kimonocloud/client-kit-java tasks/Task.java; spec/ names each source): 1.x puts
the event in a camelCase member (``dataEvent``, ``gradesQuery`` ...) with camelCase
fields, 2.x in a snake_case member (``data_event``, ``grades_query``,
``authenticate`` ...), 3.x flat with ``type``.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

BATCH = 100

#: The 1.x member name of each event kind (the 2.x name camel-cased).
_V1_MEMBERS = {
    "data_event": "dataEvent",
    "sync_event": "syncEvent",
    "lifecycle_event": "lifecycleEvent",
    "grades_query": "gradesQuery",
}
#: Event fields whose 1.x name is camelCase.
_V1_FIELDS = {
    "tenant_id": "tenantId",
    "created_at": "createdAt",
    "object_type": "objectType",
    "object_id": "objectId",
    "group_id": "groupId",
    "app_id": "appId",
}


@dataclass
class Queued:
    id: str
    tenant_id: str
    body: dict[str, Any]
    delivered_at: float | None = None
    deliveries: int = 0


@dataclass
class AckRecord:
    task_id: str
    tenant_id: str
    status: str
    message: str | None
    queue: str  # "tasks" or "admin"


@dataclass
class TaskQueue:
    """All tenants' queues, the admin queue, and the record of acks."""

    schema: str = "3.0"
    ack_timeout: float = 30.0
    duplicate_rate: float = 0.0
    seed: int = 7
    clock: Callable[[], float] = time.monotonic
    acks: list[AckRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Per tenant, the tasks in delivery order (O(1) removal and re-insertion at the front).
        self._queues: dict[str, OrderedDict[str, Queued]] = {}
        self._admin: OrderedDict[str, Queued] = OrderedDict()
        # Per tenant, the tasks handed out and not yet acknowledged.
        self._outstanding: dict[str, dict[str, Queued]] = {}
        self._index: dict[str, Queued] = {}
        self._sequence = 0
        self._rng = random.Random(self.seed)
        self._ids = random.Random(self.seed + 1)
        self._lock = threading.Lock()

    # -- producing ---------------------------------------------------------------------
    def push(
        self,
        tenant_id: str,
        kind: str,
        action: str | None,
        *,
        object_type: str | None = None,
        obj: dict[str, Any] | None = None,
        changes: dict[str, Any] | None = None,
        origin: str | None = None,
        data: dict[str, Any] | None = None,
        admin: bool = False,
    ) -> dict[str, Any]:
        """Queue one event (kind: data_event, sync_event, grades_query, ...); return it.

        ``obj`` is the rostering object of a data event; ``data`` the details of any
        other event (a grades query's query).
        """
        with self._lock:
            self._sequence += 1
            event: dict[str, Any] = {
                "id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
                "tenant_id": tenant_id,
                "sequence": self._sequence,
                "created_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
            }
            if action is not None:
                event["action"] = action
            if obj is not None:
                event["object_type"] = object_type
                event["object_id"] = obj["$sys"]["id"]
                event["label"] = obj["$sys"].get("label")
                event["data"] = obj
            elif data is not None:
                event["data"] = data
            if changes:
                event["changes"] = changes
            if origin:
                event["origin"] = origin
            body = self._shape(kind, event)
            item = Queued(event["id"], tenant_id, body)
            self._index[item.id] = item
            queue = self._admin if admin else self._queues.setdefault(tenant_id, OrderedDict())
            queue[item.id] = item
            return body

    def _shape(self, kind: str, event: dict[str, Any]) -> dict[str, Any]:
        major = self.schema.split(".")[0]
        if major == "1":
            v1 = {_V1_FIELDS.get(key, key): value for key, value in event.items()}
            return {"schema": self.schema, _V1_MEMBERS.get(kind, kind): v1}
        if major == "2":
            return {"schema": self.schema, kind: event}
        return {"schema": self.schema, "type": kind, **event}

    def initial_sync(
        self, tenant_id: str, collections: dict[str, dict[str, dict[str, Any]]]
    ) -> int:
        """SYNC_START, an ADD per object of every collection, SYNC_END; return the count."""
        self.push(tenant_id, "sync_event", "SYNC_START", origin="initial")
        count = 1
        for object_type, objects in collections.items():
            for obj in objects.values():
                self.push(tenant_id, "data_event", "ADD", object_type=object_type, obj=obj)
                count += 1
        self.push(tenant_id, "sync_event", "SYNC_END", origin="initial")
        return count + 1

    def grades_queries(self, tenant_id: str, sections: list[dict[str, Any]], count: int) -> None:
        """Queue ``count`` grades queries, for the scores of one section each."""
        for section in sections[:count]:
            query = {
                "type": "assignment_scores",
                "conditions": [
                    {
                        "scope": "section",
                        "scope_by": "id",
                        "scope_id": {"$sys": {"id": section["$sys"]["id"]}},
                    }
                ],
            }
            self.push(
                tenant_id,
                "grades_query",
                "NOT_APPLICABLE",
                data={
                    "exchange_id": str(uuid.UUID(int=self._ids.getrandbits(128), version=4)),
                    "max_data_content_length": 1_048_576,
                    "query": query,
                },
            )

    def authenticate_requests(self, tenant_id: str, count: int) -> None:
        """Queue ``count`` requests that the Integration authenticate to its target again."""
        for _ in range(count):
            # No public source shows this event's action or data: it carries neither here.
            self.push(tenant_id, "authenticate", None)

    # -- the driver's queue -------------------------------------------------------------
    def next_batch(self, tenant_ids: list[str], limit: int = BATCH) -> list[dict[str, Any]]:
        now = self.clock()
        limit = max(1, min(limit, BATCH))
        out: list[Queued] = []
        with self._lock:
            for tenant_id in tenant_ids:
                queue = self._queues.get(tenant_id)
                if not queue:
                    continue
                outstanding = self._outstanding.setdefault(tenant_id, {})
                if any(now - t.delivered_at < self.ack_timeout for t in outstanding.values()):  # type: ignore[operator]
                    continue  # withheld until the outstanding tasks are acknowledged
                for item in itertools.islice(queue.values(), limit - len(out)):
                    item.delivered_at = now
                    item.deliveries += 1
                    outstanding[item.id] = item
                    out.append(item)
                if len(out) >= limit:
                    break
        return [item.body for item in out]

    def pending(self, tenant_id: str | None = None) -> int:
        with self._lock:
            if tenant_id is not None:
                return len(self._queues.get(tenant_id, []))
            return sum(len(q) for q in self._queues.values())

    def ack(
        self, acks: list[dict[str, Any]], *, tenant_ids: list[str], admin: bool = False
    ) -> list[str]:
        """Record the acks; return the unknown ids (then nothing is recorded). An id a
        request acks twice is unknown the second time: the first ack settles it."""
        with self._lock:
            seen: set[str] = set()
            unknown = []
            for ack in acks:
                task_id = ack["task_id"]
                if task_id in seen or not self._known(task_id, tenant_ids, admin):
                    unknown.append(task_id)
                seen.add(task_id)
            if unknown:
                return unknown
            for ack in acks:
                item = self._index[ack["task_id"]]
                self.acks.append(
                    AckRecord(
                        item.id,
                        item.tenant_id,
                        ack["status"],
                        ack.get("message"),
                        "admin" if admin else "tasks",
                    )
                )
                self._settle(item, ack["status"], admin)
            return []

    def _known(self, task_id: str, tenant_ids: list[str], admin: bool) -> bool:
        item = self._index.get(str(task_id))
        if item is None:
            return False
        if admin:
            return item.id in self._admin
        return item.tenant_id in tenant_ids and item.id in self._queues.get(item.tenant_id, {})

    def _settle(self, item: Queued, status: str, admin: bool) -> None:
        queue = self._admin if admin else self._queues[item.tenant_id]
        del queue[item.id]
        item.delivered_at = None
        if admin:
            return
        self._outstanding.get(item.tenant_id, {}).pop(item.id, None)
        if status == "retry":
            queue[item.id] = item
        elif self.duplicate_rate and self._rng.random() < self.duplicate_rate:
            queue[item.id] = item
            queue.move_to_end(item.id, last=False)  # delivered once more (at least once)

    # -- the admin queue ----------------------------------------------------------------
    def admin_tasks(self) -> list[dict[str, Any]]:
        with self._lock:
            return [item.body for item in self._admin.values()]

    def admin_find(self, task_id: str) -> dict[str, Any] | None:
        item = self._index.get(task_id)
        return item.body if item is not None and item.id in self._admin else None

    def admin_delete(self, task_id: str) -> bool:
        with self._lock:
            item = self._index.get(task_id)
            if item is None or item.id not in self._admin:
                return False
            del self._admin[item.id]
            return True
