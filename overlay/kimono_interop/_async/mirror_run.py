"""The mirror's run loop: poll the queue, apply each batch in chunks, acknowledge each chunk
after its commit, wait out outages, until told to stop (``Mirror.run_async``).

Written once, here, for asyncio; ``Mirror.run`` runs its sync twin. What the two do
differently is the runtime's (``_runtime.py``): how they wait, where a chunk's
transaction runs (a worker thread for ``run_async``, the calling thread for ``run``)
and how a second signal interrupts it. The counts, waits and acks to send are ``_RunLoop``'s
(``mirror/_mirror.py``). Only the mirror imports this module (it needs SQLAlchemy).

A second signal ends the run wherever it is. In ``run_async`` the chunk in hand, whose
transaction runs in a worker thread, is committed or rolled back there first, and the
run ends right after it (a committed chunk's acks are then not sent); in ``run`` the
signal handler raises inside the transaction, which is rolled back.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING

import anyio
import sqlalchemy as sa

from .._exceptions import KimonoError, unreachable
from .._logging import sdk_logger
from .._runtime import AsyncRuntime, HandlerInterrupted
from .._task_view import AcksToSend, BatchAsks, TaskView
from ..mirror._store import lock_wait_given_up

if TYPE_CHECKING:
    from ..mirror._mirror import Mirror, _RunLoop
    from ._client import AsyncKimonoClient

log = sdk_logger("kimono_interop.mirror")


async def drain(
    mirror: Mirror,
    client: AsyncKimonoClient,
    loop: _RunLoop,
    runtime: AsyncRuntime,
    *,
    tenant_id: str | None,
    schema: str | None,
    driver: str | None,
    max_tasks: int | None,
    stop_when_empty: bool,
    handle_signals: bool,
) -> None:
    """Poll, apply each batch, wait when idle, until told to stop (or interrupted)."""
    # an interrupted run waits for SQLite's write lock no longer (in its worker threads too)
    given_up = lock_wait_given_up.set(lambda: runtime.interrupted)
    try:
        async with runtime.signals(handle_signals), runtime.interruptible():
            asks = BatchAsks()
            answered = False
            while loop.running(max_tasks):
                if loop.prune_due():
                    prune = functools.partial(mirror._prune_inbox, loop.inbox_retention)
                    # a stop ends its wait for SQLite's write lock: the prune waits a turn
                    stopped = lock_wait_given_up.set(lambda: runtime.stopped)
                    try:
                        loop.pruned(await runtime.blocking(prune))
                    finally:
                        lock_wait_given_up.reset(stopped)
                    if not loop.running(max_tasks):
                        break  # stopped meanwhile: take no batch that would wait for acks
                wanted = asks.page_size(max_tasks, loop.stats.received)
                try:
                    batch = await client.tasks.receive(
                        tenant_id=tenant_id, schema=schema, driver=driver, page_size=wanted
                    )
                except KimonoError as exc:
                    if stop_when_empty and not answered and unreachable(exc):
                        raise  # (a drain that never reached the service: see the consumer's)
                    await runtime.sleep(loop.outage("GET /tasks", exc, client.retry))
                    continue
                answered = True
                idle = asks.answered(batch, wanted)
                tasks = loop.take(batch, max_tasks)  # reports items without an id, once
                if tasks:
                    await _apply_batch(mirror, client, loop, runtime, tasks)
                elif idle == "again":
                    continue
                elif stop_when_empty:
                    loop.stats.stopped_by = idle or "empty"
                    return
                else:
                    await runtime.sleep(loop.idle())
    except HandlerInterrupted:
        log.warning(
            "interrupted: the chunk in hand was rolled back, or its acks not sent; "
            "its tasks come back and are not applied twice"
        )
    finally:
        lock_wait_given_up.reset(given_up)


async def _apply_batch(
    mirror: Mirror,
    client: AsyncKimonoClient,
    loop: _RunLoop,
    runtime: AsyncRuntime,
    tasks: list[TaskView],
) -> None:
    """Apply a batch in chunks, acknowledging each after its commit.

    The batch is applied whole even after a stop request: tasks delivered and not
    acknowledged would hold the tenant's queue until the service's ack timeout.
    """
    failed: set[tuple[str, str, str]] = set()
    while tasks:
        if runtime.interrupted:
            raise HandlerInterrupted
        apply = functools.partial(
            (loop.applier or mirror._applier).apply,
            tasks[: loop.ack_every],
            deadline=time.monotonic() + loop.ack_interval,
            failed=failed,
        )
        try:
            result = await runtime.blocking(apply)
        except sa.exc.DBAPIError as exc:
            wait = loop.db_outage(exc)
            if runtime.stopped:
                return  # the rest comes back after the service's timeout
            await runtime.sleep(wait)
            continue
        tasks = tasks[result.consumed :]
        acks = loop.committed(result)
        # Acks of a committed chunk go out even after a stop request, retried until they
        # do. They are built here, valid: sent as they are, as the consumer sends its
        # own (ack_many would check and copy each one first).
        pending = AcksToSend(acks)
        while pending.acks:
            try:
                sent = await client.tasks._send_acks(
                    pending.acks, maybe_applied=pending.maybe_applied
                )
            except KimonoError as exc:
                wait = loop.outage("sending acks", exc, client.retry)  # (raised if terminal)
                pending.failed(exc)
                await anyio.sleep(wait)
                continue
            loop.acknowledged(sent)
            if pending.sent(sent):
                break
            # the service failed part-way through the acks sent one by one: the rest again
            assert isinstance(sent.unsent_error, KimonoError)
            await anyio.sleep(loop.outage("sending acks", sent.unsent_error, client.retry))
