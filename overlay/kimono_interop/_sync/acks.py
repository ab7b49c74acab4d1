# Written by scripts/unasync.py from kimono_interop/_async/acks.py: edit that file,
# then run `make generate`.
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
from collections.abc import Collection
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
from ._resource import Body, Resource

log = logging.getLogger("kimono_interop")


def send_ack(
    resource: Resource,
    single: Operation,
    task_id: str,
    ack: Body,
    timeout: Timeout,
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    maybe_applied: bool = False,
    lost: list[str] | None = None,
) -> None:
    """Acknowledge one task through ``single``, answering what the call answers (on a raw
    resource, its response). A 404 after an attempt whose answer was lost is how a done
    ack looks from here (a retry found the task gone): done, its id added to ``lost``;
    ``maybe_applied``: an earlier call's failed request may have applied it (its 404
    means done too). Any other 404 is raised, as is every 404 on a raw resource."""
    try:
        return resource._none(
            single,
            path={"id": task_id},
            body=ack,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_query=extra_query,
        )
    except NotFoundError as exc:
        if resource._raw or not (exc.after_unanswered_attempt or maybe_applied):
            raise
        log.info("the ack of task %s was applied by an attempt whose answer was lost", task_id)
        if lost is not None:
            lost.append(task_id)
        return None


def send_acks(
    resource: Resource,
    bulk: Operation,
    single: Operation,
    acks: list[dict[str, Any]],
    timeout: Timeout,
    *,
    extra_headers: Headers | None = None,
    extra_query: Query | None = None,
    partial: bool = False,
    maybe_applied: Collection[str] = (),
) -> AckResult:
    """Acknowledge ``acks`` through ``bulk``; after a 404, each alone through ``single``.

    ``partial``: a transient failure part-way through the acks sent alone returns the
    result so far, with the rest in ``unsent`` (its error in ``unsent_error``); else it
    is raised, as a failure of the bulk request is.

    Each ack is the JSON object the endpoints take (``TaskAck.to_dict()``, or
    ``Outcome.as_json()``), with its ``task_id``.

    A 404 that follows an attempt whose answer was lost means the service applied
    that attempt and has forgotten the tasks since: those acks succeeded, and are
    counted so (``AckResult.lost_answers`` names them). ``maybe_applied`` names the
    ids whose acks an earlier call may have applied that way (see
    :class:`~kimono_interop._task_view.AcksToSend`): their 404, each sent alone (a
    bulk 404 says only that some id is unknown), means the same.
    """
    ids = [str(ack["task_id"]) for ack in acks]
    extras = {"extra_headers": extra_headers, "extra_query": extra_query}
    try:
        resource._none(bulk, body=acks, timeout=timeout, **extras)
    except NotFoundError as exc:
        if exc.after_unanswered_attempt:
            log.info("%d acks applied by an attempt whose answer was lost", len(ids))
            return AckResult(acknowledged=ids, lost_answers=list(ids), requests=1)
        result = AckResult(requests=1)
        for index, (task_id, ack) in enumerate(zip(ids, acks, strict=True)):
            result.requests += 1
            try:
                earlier = task_id in maybe_applied
                send_ack(
                    resource,
                    single,
                    task_id,
                    ack,
                    timeout,
                    maybe_applied=earlier,
                    lost=result.lost_answers,
                    **extras,
                )
            except NotFoundError as single_exc:
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
