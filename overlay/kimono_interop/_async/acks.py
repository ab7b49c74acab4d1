"""Sending acknowledgements, for both queues: one bulk request, one per task if it is refused.

The bulk endpoints answer 404 when some ids are unknown and then acknowledge none,
so on a 404 each task is acknowledged alone to learn which ids the service refuses.
"""

from __future__ import annotations

import logging
from typing import Any

from .._exceptions import NotFoundError
from .._operations import Operation
from .._task_view import AckResult
from .._types import Headers, Query, Timeout
from ._resource import AsyncResource

log = logging.getLogger("kimono_interop")


async def send_acks(
    resource: AsyncResource,
    bulk: Operation,
    single: Operation,
    acks: list[dict[str, Any]],
    timeout: Timeout,
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
) -> AckResult:
    """Acknowledge ``acks`` through ``bulk``; after a 404, each alone through ``single``.

    Each ack is the JSON object the endpoints take (``TaskAck.to_dict()``, or
    ``Outcome.as_json()``), with its ``task_id``.

    A 404 that follows an attempt whose answer was lost means the service applied
    that attempt and has forgotten the tasks since: those acks succeeded, and are
    counted so (``AckResult.lost_answers`` names them).
    """
    ids = [str(ack["task_id"]) for ack in acks]
    extras = {"extra_headers": extra_headers, "extra_query": extra_query}
    try:
        await resource._none(bulk, body=acks, timeout=timeout, **extras)
    except NotFoundError as exc:
        if exc.after_unanswered_attempt:
            log.info("%d acks applied by an attempt whose answer was lost", len(ids))
            return AckResult(acknowledged=ids, lost_answers=list(ids), requests=1)
        result = AckResult(requests=1)
        for task_id, ack in zip(ids, acks, strict=True):
            result.requests += 1
            try:
                await resource._none(
                    single, path={"id": task_id}, body=ack, timeout=timeout, **extras
                )
            except NotFoundError as single_exc:
                if single_exc.after_unanswered_attempt:
                    result.acknowledged.append(task_id)
                    result.lost_answers.append(task_id)
                else:
                    result.failed[task_id] = single_exc.error_message or "unknown task id"
            else:
                result.acknowledged.append(task_id)
        return result
    return AckResult(acknowledged=ids, requests=1)
