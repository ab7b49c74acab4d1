"""Consuming the queues of every tenant an account serves: one consumer per tenant, one handle.

``GET /tenants`` lists the tenants (``accounts``/``integrations`` filter them); each
tenant's queue is drained by its own :class:`AsyncTaskConsumer` on its own client
(``for_tenant``), concurrently (tasks on one event loop; threads with the sync
client). One tenant's failure does not stop the others. :meth:`stop` (or the first
SIGINT/SIGTERM) stops every consumer after its task in hand, each sending the acks
of what it handled; a second signal interrupts the handlers in hand (with the sync
client a handler in a thread runs its course, and its ack goes out if the run still
waits for it, up to ACKS_PATIENCE; with the async client, a plain handler's thread
runs its course too, and its task comes back unacknowledged).

The tenants are listed once a run (an outage of ``GET /tenants`` is waited out, as the
consumers wait theirs out); run it again to pick up tenants added since. What each
tenant's consumer remembers of finished tasks (to ack a redelivery without handling
it again) carries over to the next run, for the tenants listed again.
"""

from __future__ import annotations

import functools
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, cast

import anyio

from kimono_interop_api.models import TenantInfo

from .._constants import MAX_POLL_INTERVAL, POLL_INTERVAL
from .._exceptions import KimonoError, is_transient
from .._runtime import AsyncRuntime, HandlerInterrupted, is_async_handler
from .._task_view import AsyncTenantTaskHandler, ConsumerStats, TaskView
from .._types import AccountIds, ConsumerOptions, IntegrationNames
from .consumer import AsyncTaskConsumer

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing.Unpack from Python 3.11

    from ._client import AsyncKimonoClient

log = logging.getLogger("kimono_interop")
#: How long run_tenants, told twice to stop, waits for acks on their way in its
#: consumers' threads before it returns (their tasks come back if it gives up).
ACKS_PATIENCE = 60.0


class AsyncTenantsConsumer:
    """One consumer per tenant the account may serve; build it with ``tasks.tenants_consumer``.

    Args:
        client: The vendor account's client.
        handler: Called as ``handler(tenant, task)``.
        accounts, integrations: Filters of ``GET /tenants``.
        handle_signals: Stop gracefully on SIGINT/SIGTERM (main thread only).
        **options: Options of each :class:`AsyncTaskConsumer` (``stop_when_empty``,
            ``max_tasks``, ``poll_interval`` ...).
    """

    def __init__(
        self,
        client: AsyncKimonoClient,
        handler: AsyncTenantTaskHandler,
        *,
        accounts: AccountIds = None,
        integrations: IntegrationNames = None,
        **options: Unpack[ConsumerOptions],
    ) -> None:
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        self._client = client
        self._handler = handler
        self._accounts, self._integrations = accounts, integrations
        self._handle_signals = options.pop("handle_signals", True)
        self._options = options
        #: This run's consumers, by tenant key.
        self._consumers: dict[str, AsyncTaskConsumer] = {}
        #: What each tenant's consumer remembered of finished tasks at the end of the last
        #: run (kept for the tenants listed again).
        self._memory: dict[str, Any] = {}
        self._runtime = AsyncRuntime()
        self._runtime.on_stop = self._stop_all
        #: Each tenant id's stats, or the exception its consumer ended with (after run()).
        self.results: dict[str, ConsumerStats | BaseException] = {}
        #: What stopped the last run, as ``ConsumerStats.stopped_by`` says it ("SIGTERM",
        #: "stop()", "interrupted"); "" when each consumer ended of itself. A run stopped
        #: before the tenants were listed returns no result: this tells it from an
        #: account with no tenants.
        self.stopped_by = ""

    def stop(self) -> None:
        """Stop every consumer after its task in hand; their acks are sent before run() returns."""
        self._runtime.request_stop("stop()")

    def _stop_all(self) -> None:
        reason = self._runtime.stop_reason
        # A copy taken at once: a signal handler may run this while the workers of the
        # sync twin add consumers (iterating the dict itself could then raise).
        for consumer in tuple(self._consumers.values()):
            if reason == "interrupted":
                consumer.interrupt()
            else:
                consumer.stop(reason)

    async def run(self) -> dict[str, ConsumerStats | BaseException]:
        """List the tenants and drain each one's queue; return each tenant id's result
        (a tenant listed without an id under ``"(no id #n)"``, n its place in the list).
        A stop before the listing came returns none: :attr:`stopped_by` says why."""
        self.results = {}
        self._consumers = {}
        self.stopped_by = ""
        try:
            async with self._runtime.signals(self._handle_signals):
                try:
                    async with self._runtime.interruptible():  # (a second signal ends it)
                        tenants = await self._listed()
                except HandlerInterrupted:
                    tenants = {}
                if self._runtime.stopped and not tenants:
                    log.warning(
                        "stopped (%s) before the tenants were listed: no queue was consumed",
                        self._runtime.stop_reason,
                    )
                if not self._runtime.stopped:  # (a listing cut short forgets nobody)
                    self._memory = {k: self._memory[k] for k in tenants if k in self._memory}
                try:
                    await self._runtime.gather(
                        [self._job(key, tenant) for key, tenant in tenants.items()]
                    )
                except HandlerInterrupted:
                    # Still under the run's signal handlers: a third signal ends this too.
                    try:
                        await self._wind_down(list(tenants))
                    except HandlerInterrupted:
                        log.warning("interrupted again: acks still on their way are left")
        finally:
            self.stopped_by = self._runtime.stop_reason
            self._runtime.reset()
        return dict(self.results)  # (a plain handler still running adds nothing to it)

    async def _listed(self) -> dict[str, TenantInfo]:
        """The tenants to consume, by key (an outage of ``GET /tenants`` is waited out,
        doubling from ``poll_interval`` up to ``max_poll_interval``, until a stop: then
        none). A tenant listed twice is consumed once: two consumers of one key, the
        first never stopped, outlived the run."""
        wait = self._options.get("poll_interval", POLL_INTERVAL)
        longest = max(self._options.get("max_poll_interval", MAX_POLL_INTERVAL), wait)
        while True:
            unread: list[Any] = []
            try:
                # A tenant that cannot be read is left out, the others served: raised, it
                # would be waited out for ever (an answer that does not fit is transient).
                listed = [
                    t
                    async for t in self._client.tenants.list(
                        accounts=self._accounts, integrations=self._integrations
                    ).on_invalid(unread.append)
                ]
                break
            except KimonoError as exc:
                if not is_transient(exc):
                    raise
                log.warning("listing the tenants failed (%s); trying again", exc)
                await self._runtime.sleep(wait)
                if self._runtime.stopped:
                    return {}
                wait = min(wait * 2, longest)
        if unread:
            log.warning(
                "%d tenant(s) of GET /tenants could not be read and are left out (first: %s)",
                len(unread),
                unread[0],
            )
        tenants: dict[str, TenantInfo] = {}
        for place, tenant in enumerate(listed, 1):
            key = tenant.id or f"(no id #{place})"
            if key in tenants:
                log.warning("tenant %s is listed twice: its queue is consumed once", key)
                continue
            tenants[key] = tenant
        return tenants

    async def _wind_down(self, keys: list[str]) -> None:
        """After a second signal: handlers stuck in other threads cannot be stopped, so
        send what they handled, and let the acks on their way go out. ``keys``: every
        tenant listed, each of which gets a result."""
        # A copy: the workers of the sync twin may still be adding consumers.
        consumers = tuple(self._consumers.items())
        for key, consumer in consumers:
            if key not in self.results:  # one that had ended keeps what it ended with
                consumer.stats.stopped_by = "interrupted"
                self.results[key] = consumer.stats
        for key in keys:  # a tenant whose consumer had not begun
            self.results.setdefault(key, ConsumerStats(stopped_by="interrupted"))
        for key, consumer in consumers:
            try:
                await consumer.flush()
            except Exception as exc:
                log.error("acks of tenant %s could not be sent: %s", key, exc)
        # Acks on their way in the consumers' threads were taken from what a flush sends:
        # they go out before the run returns (for up to ACKS_PATIENCE seconds).
        deadline = time.monotonic() + ACKS_PATIENCE
        while time.monotonic() < deadline and any(consumer.acking for _, consumer in consumers):
            await anyio.sleep(0.05)

    def _job(self, key: str, tenant: TenantInfo) -> Callable[[], Any]:
        # This run's: a thread of the sync twin that outlives its run (a handler past a
        # second signal) writes there, never into the next run's.
        results, consumers, memory = self.results, self._consumers, self._memory
        handler = self._handler
        for_tenant: Callable[[TaskView], Any] = functools.partial(handler, tenant)
        if is_async_handler(handler):
            # Kept a coroutine function, so the consumer awaits it instead of using a thread.
            coroutine = cast("Callable[[TenantInfo, TaskView], Awaitable[Any]]", handler)

            async def call(task: TaskView) -> Any:
                return await coroutine(tenant, task)

            for_tenant = call

        async def consume() -> None:
            try:
                child = self._client.for_tenant(tenant)
                try:
                    # Each consumer drains its own tenant; signals are this handle's.
                    options: ConsumerOptions = {
                        **self._options,
                        "tenant_id": tenant.id or None,
                        "handle_signals": False,
                    }
                    consumer = AsyncTaskConsumer(child.tasks, for_tenant, **options)
                    if key in memory:  # the last run's finished tasks (a copy: a thread of
                        # that run's may still hold its own)
                        consumer._recent = OrderedDict(memory[key])
                    memory[key] = consumer._recent  # (the live one: the next run copies it)
                    consumers[key] = consumer
                    if self._runtime.stopped:
                        consumer.stop(self._runtime.stop_reason)
                    try:
                        results[key] = await consumer.run()
                    finally:
                        memory[key] = consumer._recent
                finally:
                    await child.aclose()
            except Exception as exc:
                log.error("consumer of tenant %s stopped: %s", key, exc)
                results[key] = exc

        return consume
