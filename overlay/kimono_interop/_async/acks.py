"""Sending acknowledgements, for both queues: one bulk request, one per task if it is refused.

The bulk endpoints answer 404 when some ids are unknown and then acknowledge none,
so on a 404 each task is acknowledged alone to learn which ids the service refuses.
One refused alone (404, or another 4xx) is noted and the others go on; a transient
failure (no answer, 429, 5xx) ends that pass, and the acks not sent yet are named
(``AckResult.unsent``), so that only they are sent again: the ones already applied
would otherwise come back 404, refused.
"""

from __future__ import annotations

import logging
from typing import Any

from .._exceptions import (
    APIStatusError,
    KimonoError,
    NotFoundError,
    UnauthorizedError,
    is_transient,
)
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
    partial: bool = False,
) -> AckResult:
    """Acknowledge ``acks`` through ``bulk``; after a 404, each alone through ``single``.

    ``partial``: a transient failure part-way through the acks sent alone returns the
    result so far, with the rest in ``unsent`` (its error in ``unsent_error``); else it
    is raised, as a failure of the bulk request is.

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
        for index, (task_id, ack) in enumerate(zip(ids, acks, strict=True)):
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
            except KimonoError as single_exc:
                if not is_transient(single_exc):
                    if isinstance(single_exc, APIStatusError) and not isinstance(
                        single_exc, UnauthorizedError
                    ):  # this ack refused (400, 409, 422...): the others go on
                        result.failed[task_id] = (
                            single_exc.error_message or f"HTTP {single_exc.status_code}"
                        )
                        continue
                    raise  # the credentials: no ack can go
                if not partial:
                    raise
                result.unsent = ids[index:]
                result.unsent_error = single_exc
                return result
            else:
                result.acknowledged.append(task_id)
        return result
    return AckResult(acknowledged=ids, requests=1)
