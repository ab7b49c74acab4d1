"""Raw tasks and roster objects for the mirror's tests, in the shapes the service sends."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from typing import Any

TENANT = "5b1f3c52-7a0e-4c0d-9a57-1c1d2f3e4a5b"
_ids = itertools.count(1)


def new_id() -> str:
    return str(uuid.uuid4())


def task_id(n: int | None = None) -> str:
    return str(uuid.UUID(int=n if n is not None else next(_ids) + 10_000_000))


def person(
    object_id: str,
    person_type: str = "student",
    *,
    schools: Sequence[str] = (),
    sections: Sequence[str] = (),
    name: str = "Ada",
) -> dict[str, Any]:
    return {
        "$sys": {"id": object_id, "type": "persons", "person_type": person_type},
        "name": {"first": name, "last": "Lovelace"},
        "$schools": [{"$sys": {"id": s, "type": "orgs"}} for s in schools],
        "$sections": [{"id": s, "type": "sections"} for s in sections],  # flat, as the vendor's
    }


def section(
    object_id: str,
    *,
    students: Sequence[str] = (),
    teachers: Sequence[str] = (),
    title: str = "Algebra",
) -> dict[str, Any]:
    return {
        "$sys": {"id": object_id, "type": "sections"},
        "title": title,
        "$students": [{"$sys": {"id": p, "type": "persons"}} for p in students],
        "$teachers": [{"$sys": {"id": p, "type": "persons"}} for p in teachers],
    }


def data_task(
    action: str,
    object_type: str,
    obj: dict[str, Any] | None,
    sequence: int | None,
    *,
    object_id: str | None = None,
    tenant: str = TENANT,
    id: str | None = None,
    changes: dict[str, Any] | None = None,
) -> dict[str, Any]:
    task: dict[str, Any] = {
        "schema": "3.0",
        "type": "data_event",
        "id": id or task_id(),
        "tenant_id": tenant,
        "action": action,
        "object_type": object_type,
        "object_id": object_id or (obj["$sys"]["id"] if obj else None),
    }
    if sequence is not None:
        task["sequence"] = sequence
    if obj is not None:
        task["data"] = obj
    if changes is not None:
        task["changes"] = changes
    return task


def sync_task(
    action: str,
    sequence: int,
    *,
    tenant: str = TENANT,
    origin: str = "resend",
    topic: str | None = None,
) -> dict[str, Any]:
    task = {
        "schema": "3.0",
        "type": "sync_event",
        "id": task_id(),
        "tenant_id": tenant,
        "action": action,
        "origin": origin,
        "sequence": sequence,
    }
    if topic is not None:
        task["object_type"] = topic
    return task
