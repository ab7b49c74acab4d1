# Written by scripts/unasync.py from kimono_interop/_async/consumer.py: edit that file,
# then run `make generate`.
"""The task consumer: poll the queue, run the handler on each task in order, acknowledge.

Rules, in the order they matter:

* A task is acknowledged only after its handler returned or raised; tasks the
  consumer did not get to (stopped, ``max_tasks`` reached) stay unacknowledged and
  the service delivers them again.
* The acks of one batch go out in one bulk request after the batch is handled.
  A failed ack request is retried (PUT is idempotent); if it still fails the
  consumer stops with :class:`AckError` instead of pulling more work.
* Delivery is at least once. The ids of recently finished tasks (success, error,
  reauthenticate) are remembered, in bounded memory: a task delivered again is
  acknowledged again with the same outcome without running the handler twice. A
  task acked ``retry`` runs again when it comes back, as asked.
* SIGINT/SIGTERM (when the consumer runs in the main thread) stop it after the
  task in hand; the acks of the handled tasks are sent before it returns. A second
  signal interrupts the handler in hand (its task stays unacknowledged) and the
  run returns with ``stats.stopped_by == "interrupted"``.
* The async consumer runs a plain (non-async) handler in a worker thread, so that a
  blocking handler cannot hold the event loop (and its signal handlers); with
  ``task_timeout`` it needs an ``def`` handler (a thread cannot be stopped).
* Every task that can be read reaches the handler, whatever its kind. An item with
  no id (not a JSON object, or an object without one) cannot be acknowledged, and
  the service then withholds every later task of its tenant: it is counted in
  ``stats.unackable``, logged at ERROR with that consequence, and passed to the
  ``on_unackable`` hook; the rest of the batch goes on. Delivered again, it is not
  counted again, and a batch of nothing else is waited on like an empty one (with
  ``stop_when_empty`` the run ends, ``stopped_by == "stalled"``), never spun on.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from .._constants import MAX_POLL_INTERVAL, POLL_INTERVAL
from .._exceptions import AckError, KimonoError, is_transient, unreachable
from .._retry import requested_wait
from .._runtime import HandlerInterrupted, Runtime
from .._task_view import (
    FINAL_STATUSES,
    MAX_UNACKABLE_KEPT,
    AckResult,
    AcksToSend,
    BatchAsks,
    ConsumerStats,
    Outcome,
    ReauthenticateTask,
    RetryTask,
    TaskHandler,
    TaskStatus,
    TaskView,
    UnackableSeen,
    outcome_of_error,
    outcome_of_result,
)
from .._validation import validate_positive

if TYPE_CHECKING:
    from .tasks import TasksBehaviour

log = logging.getLogger("kimono_interop")

_SUCCESS, _RETRY = TaskStatus.SUCCESS, TaskStatus.RETRY


class TaskConsumer:
    """Drains a task queue through a handler. Build it with ``client.tasks.consumer(...)``.

    Args:
        handler: Called with each :class:`TaskView`, in delivery order. Returning
            ``None`` acks ``success``; returning a status (``TaskStatus.RETRY`` or
            ``"retry"``) acks with it, a :class:`TaskResult` with its status, message
            and app id; any other return value is a mistake, acked like an exception
            (``error``, never ``success``); raising :class:`RetryTask` acks ``retry``,
            :class:`ReauthenticateTask` ``reauthenticate``, any other exception
            acks as ``on_exception`` says, with the exception's message; its traceback
            is logged (WARNING, on the ``kimono_interop`` logger).
        tenant_id, driver, schema: Filters of ``GET /tasks``.
        stop_when_empty: Return when the queue answers an empty batch.
        max_tasks: Return after handling this many tasks.
        poll_interval, max_poll_interval: While the queue is empty, wait
            ``poll_interval`` seconds, doubling up to ``max_poll_interval``, with jitter.
        task_timeout: Seconds a handler may run; past it the task is acked ``retry``.
        remember: How many finished task ids to remember for redeliveries.
        handle_signals: Stop gracefully on SIGINT/SIGTERM (main thread only).
        on_unackable: Called with the :class:`TaskView` of each item that has no id
            (so cannot be acknowledged, and stalls its tenant's queue), after the
            ERROR log line; to alert someone, or to remove the task by hand.
        on_exception: How a task whose handler raised an unexpected exception (not
            RetryTask/ReauthenticateTask) is acked: ``"error"`` (the default: the task
            is done, and the service records the failure; a handler bug that fails every
            time does not hold the queue) or ``"retry"`` (the service delivers it again:
            nothing is lost to a passing outage in what the handler calls, but a task
            that always fails comes back until someone fixes the handler).
    """

    def __init__(
        self,
        tasks: TasksBehaviour,
        handler: TaskHandler,
        *,
        tenant_id: str | UUID | None = None,
        driver: str | None = None,
        schema: str | None = None,
        stop_when_empty: bool = False,
        max_tasks: int | None = None,
        poll_interval: float = POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
        task_timeout: float | None = None,
        remember: int = 10_000,
        handle_signals: bool = True,
        on_unackable: Callable[[TaskView], Any] | None = None,
        on_exception: Literal["error", "retry"] = "error",
    ) -> None:
        if not callable(handler):
            raise TypeError(f"handler must be callable, not {type(handler).__name__}")
        validate_positive(poll_interval, "poll_interval")
        validate_positive(max_poll_interval, "max_poll_interval")
        if task_timeout is not None:
            validate_positive(task_timeout, "task_timeout")
        if max_tasks is not None and (not isinstance(max_tasks, int) or max_tasks < 1):
            raise ValueError(f"max_tasks must be a positive int or None, got {max_tasks!r}")
        if not isinstance(remember, int) or remember < 0:
            raise ValueError(f"remember must be an int >= 0, got {remember!r}")
        if on_unackable is not None and not callable(on_unackable):
            raise TypeError(f"on_unackable must be callable, not {type(on_unackable).__name__}")
        if on_exception not in ("error", "retry"):
            raise ValueError(f"on_exception must be 'error' or 'retry', got {on_exception!r}")
        self._on_exception = TaskStatus(on_exception)
        self._tasks = tasks
        self._handler = handler
        self._filters: dict[str, Any] = {
            "tenant_id": tenant_id,
            "driver": driver,
            "schema": schema,
        }
        self._stop_when_empty = stop_when_empty
        self._max_tasks = max_tasks
        self._poll_interval = poll_interval
        self._max_poll_interval = max(max_poll_interval, poll_interval)
        self._task_timeout = task_timeout
        self._remember = remember
        self._handle_signals = handle_signals
        self._on_unackable = on_unackable
        self._recent: OrderedDict[str, Outcome] = OrderedDict()
        #: What the unackable items met so far look like (bounded), to count each once.
        self._unackable_seen = UnackableSeen()
        self._outage_delay = poll_interval
        #: The outcomes of the batch in hand, not yet acknowledged (see flush()); taken
        #: under the lock, which a flush() from another thread also takes.
        self._batch_outcomes: dict[str, Outcome] = {}
        self._batch_flushed: set[str] = set()  # of the batch in hand, acked by flush()
        self._outcomes_lock = threading.Lock()
        #: Whether the batch's acks are being sent (run_tenants waits for them after a
        #: second signal: they were taken, and a flush() has nothing left to send).
        self.acking = False
        self._runtime = Runtime()
        self.stats = ConsumerStats()
        #: What ends the batch in hand, if it ends with an exception (a cancellation, a
        #: KeyboardInterrupt...): its acks are then tried once.
        self._leaving: BaseException | None = None

    def stop(self, reason: str = "stop()") -> None:
        """Stop after the task in hand; its batch's acks are sent before run() returns.

        ``reason`` is what ``stats.stopped_by`` will say.
        """
        self._runtime.request_stop(reason)

    def interrupt(self) -> None:
        """Interrupt the run: async, the handler in hand at once; sync, the run is marked
        interrupted and ends at its next step, while a handler in hand runs its course
        (only the run's own handler of a second signal, in the main thread, breaks into
        it: a thread cannot be stopped from another)."""
        self._runtime.interrupt()

    def run(self) -> ConsumerStats:
        """Consume until stopped, the queue is empty (``stop_when_empty``) or ``max_tasks``.

        Transient failures (no answer, 429, 5xx, a busy token endpoint, a garbled
        answer) of any length are waited out with capped backoff and logged; only
        terminal ones (credentials refused, 403, a bad request) end the run. After
        it ends, for any reason, ``run()`` may be called again.
        """
        self._runtime.check_handler(self._handler, self._task_timeout)
        try:
            return self._run()
        finally:
            self._runtime.reset()

    def _run(self) -> ConsumerStats:
        delay = self._poll_interval
        # Each run counts its own (max_tasks among them); what it remembers of the tasks
        # it finished stays, so a task delivered again is still not handled twice.
        self.stats = ConsumerStats()
        self._unackable_seen = UnackableSeen()
        asks = BatchAsks()
        try:
            with self._runtime.signals(self._handle_signals):
                self._poll(asks, delay)
        except HandlerInterrupted:  # a second signal out of a handler (a poll, a wait)
            log.warning("interrupted out of a handler: the run ends here")
        self.stats.stopped_by = self._runtime.stop_reason
        return self.stats

    def _poll(self, asks: BatchAsks, delay: float) -> None:
        """Ask for batches and consume them until stopped."""
        while not self._runtime.stopped:
            if self._max_tasks is not None and self.stats.handled >= self._max_tasks:
                self._runtime.request_stop("max_tasks")
                break
            wanted = asks.page_size(self._max_tasks, self.stats.handled)
            try:
                # A stop waits for the poll in flight, its retries (and their Retry-After)
                # included; a second signal ends it there.
                with self._runtime.interruptible():
                    batch = self._tasks.receive(**self._filters, page_size=wanted)
            except KimonoError as exc:
                if not is_transient(exc):
                    raise
                if self._stop_when_empty and not self.stats.requests and unreachable(exc):
                    # A run that drains the queue and never reached the service (a base URL
                    # mistyped, nothing listening) says so, where waiting had no end.
                    raise
                self._outage("GET /tasks", exc)
                continue
            self._outage_delay = self._poll_interval
            self.stats.requests += 1
            self._unackable_seen.batch()
            idle = asks.answered(batch, wanted)
            if batch:
                self.stats.batches += 1
                self.stats.received += len(batch)
            if idle in ("again", "stalled"):
                # Only what can never be acknowledged: nothing to do until someone
                # removes it, so wait as on an empty queue instead of spinning.
                for task in batch:
                    self._unackable(task)
            if idle == "again":
                continue
            if idle:
                if self._stop_when_empty:
                    self._runtime.request_stop(idle)
                    break
                self._runtime.sleep(random.uniform(delay / 2, delay))
                delay = min(delay * 2, self._max_poll_interval)
                continue
            delay = self._poll_interval
            self._consume(batch)

    def _consume(self, batch: list[TaskView]) -> None:
        outcomes: dict[str, Outcome] = {}
        with self._outcomes_lock:
            self._batch_outcomes = outcomes
            self._batch_flushed = set()
        self._leaving = None
        try:
            self._handle_batch(batch, outcomes)
        except HandlerInterrupted:
            # A second signal: the task in hand stays unacknowledged (delivered again).
            log.warning("the handler was interrupted; its task stays unacknowledged")
        except BaseException as exc:
            # Cancelled (async), or a KeyboardInterrupt or SystemExit out of a handler: the
            # acks below are tried, not retried for ever, and what ends the run is raised,
            # not an AckError of theirs.
            self._leaving = exc
            cancelled = self._runtime.is_cancellation(exc)
            self._runtime.request_stop("cancelled" if cancelled else "interrupted")
            raise
        finally:
            # Even when interrupted or cancelled, the tasks already handled get their acks
            # (each request shielded; the waits between them are not).
            self.acking = True
            with self._outcomes_lock:  # taken whole: a flush() now sends nothing again
                self.stats.left_unacknowledged = len(
                    {task.id for task in batch if task.id is not None}
                    - outcomes.keys()
                    - self._batch_flushed
                )
                pending = list(outcomes.values())
                outcomes.clear()
                self._batch_outcomes = {}
            try:
                self._acknowledge(pending)
            except AckError as exc:
                if self._leaving is None:
                    raise
                log.warning("%s with acks unsent: %s", type(self._leaving).__name__, exc)
            finally:
                self.acking = False

    def flush(self) -> None:
        """Send the acks of the tasks handled so far in the batch in hand.

        For whoever interrupts a consumer whose handler is stuck in another thread
        (``run_tenants`` with the sync client): what was handled is still acked.
        """
        with self._outcomes_lock:  # the consumer's own acks then send nothing twice
            batch = self._batch_outcomes
            outcomes = list(batch.values())
            self._batch_flushed.update(batch)
            batch.clear()
        self._acknowledge(outcomes)

    def _handle_batch(self, batch: list[TaskView], outcomes: dict[str, Outcome]) -> None:
        runtime, stats, recent, max_tasks = self._runtime, self.stats, self._recent, self._max_tasks
        for task in batch:
            if runtime.stopped:
                break
            if max_tasks is not None and stats.handled >= max_tasks:
                break
            task_id = task.id
            if task_id is None:
                # Not handled, since it cannot be acknowledged; the rest of the batch goes on.
                self._unackable(task)
                continue
            if task_id in outcomes:
                stats.duplicates += 1
                continue
            previous = recent.get(task_id)
            if previous is not None and previous.status in FINAL_STATUSES:
                stats.duplicates += 1
                log.info("task %s delivered again; acknowledging it again", task_id)
                with self._outcomes_lock:
                    outcomes[task_id] = previous
                continue
            outcome = self._handle(task, task_id)
            with self._outcomes_lock:  # not between a flush()'s copy and its clear
                outcomes[task_id] = outcome

    def _outage(self, what: str, exc: KimonoError, *, past_a_stop: bool = False) -> None:
        """Wait out a transient failure: capped, jittered backoff, or longer if the answer
        asked for it (``Retry-After``); logged each time. A stop ends the wait, unless
        ``past_a_stop`` (the acks of handled tasks): then only a second signal does."""
        self.stats.outages += 1
        wait = random.uniform(self._outage_delay / 2, self._outage_delay)
        asked = requested_wait(exc, self._tasks._client.retry)
        if asked is not None and asked > wait:
            wait = asked
        log.warning("%s failed (%s); trying again in %.1f s", what, exc, wait)
        if past_a_stop:
            self._runtime.sleep_past_a_stop(wait)
        else:
            self._runtime.sleep(wait)
        self._outage_delay = min(self._outage_delay * 2, self._max_poll_interval)

    def _unackable(self, task: TaskView) -> None:
        if not self._unackable_seen.first(task.raw):
            return  # delivered again: counted, logged and passed on already
        self.stats.unackable += 1
        if len(self.stats.unackable_tasks) < MAX_UNACKABLE_KEPT:
            self.stats.unackable_tasks.append(task)
        what = (
            f"a {type(task.raw).__name__} item"
            if not isinstance(task.raw, dict)
            else f"a task with no id (members: {', '.join(sorted(map(str, task.raw))) or 'none'})"
        )
        log.error(
            "Received %s in the batch of tenant %s; it cannot be acknowledged, and Kimono "
            "withholds every later task of the tenant until it is: the tenant's queue is stalled. "
            "Remove it through the admin queue or the vendor's support (stats.unackable, "
            "on_unackable).",
            what,
            task.tenant_id or self._filters.get("tenant_id") or "(the credentials' own)",
        )
        if self._on_unackable is not None:
            try:
                self._runtime.call(self._on_unackable, task, None)
            except Exception:
                log.exception("on_unackable raised; the consumer goes on")

    def _handle(self, task: TaskView, task_id: str) -> Outcome:
        try:
            result = self._runtime.call(self._handler, task, self._task_timeout)
            # None, the usual answer, without a call: what outcome_of_result makes of it.
            outcome = (
                Outcome(task_id, _SUCCESS) if result is None else outcome_of_result(task_id, result)
            )
        except Exception as exc:
            outcome = outcome_of_error(task_id, exc, unexpected=self._on_exception)
            # A RetryTask or ReauthenticateTask is the handler's answer; anything else is
            # a bug or an outage in it, whose traceback the operator needs.
            intended = isinstance(exc, (RetryTask, ReauthenticateTask))
            log.warning(
                "task %s failed (%s): %s",
                task_id,
                outcome.status.value,
                outcome.message,
                exc_info=None if intended else exc,
            )
        stats = self.stats
        stats.handled += 1
        status = outcome.status
        if status is _SUCCESS:
            stats.succeeded += 1
        elif status is _RETRY:
            stats.retried += 1
        else:
            stats.failed += 1
        if self._remember:
            recent = self._recent
            if task_id in recent:
                recent.move_to_end(task_id)
            recent[task_id] = outcome
            if len(recent) > self._remember:
                recent.popitem(last=False)
        return outcome

    def _acknowledge(self, outcomes: list[Outcome]) -> None:
        if not outcomes:
            return
        pending = AcksToSend([o.as_json() for o in outcomes])
        runtime = self._runtime
        while True:
            try:
                # To its end even while the consumer is cancelled, which is raised after it
                # (its acks counted); the waits between attempts are not shielded.
                result = runtime.run_shielded(functools.partial(self._send, pending))
            except KimonoError as exc:
                # Handled tasks must not lose their acks to an outage: keep trying, after a
                # stop too, unless the failure is terminal or the run is ending anyway.
                if is_transient(exc) and not self._giving_up_acks():
                    pending.failed(exc)
                    self._ack_outage(pending, exc)
                    continue
                runtime.request_stop("ack failed")
                raise AckError(pending.ids, exc) from exc
            if pending.sent(result):
                break
            # The service failed part-way through the acks sent one by one: only the
            # rest go again (those applied would come back 404, refused).
            error = result.unsent_error
            assert isinstance(error, KimonoError)
            if self._giving_up_acks():
                runtime.request_stop("ack failed")
                raise AckError(list(result.unsent), error) from error
            self._ack_outage(pending, error)
        self._outage_delay = self._poll_interval

    def _giving_up_acks(self) -> bool:
        """Whether acks an outage keeps from going out are given up: the run is cancelled,
        interrupted (a second signal), or ends with a KeyboardInterrupt or SystemExit out of
        a handler. Each tries once; a stop alone keeps trying."""
        return self._leaving is not None or self._runtime.interrupted

    def _ack_outage(self, pending: AcksToSend, error: KimonoError) -> None:
        """Wait out a failure of the acks; a second signal during the wait (after a stop)
        ends the run with the AckError of the acks left, as one during a request does."""
        try:
            self._outage("sending acks", error, past_a_stop=self._runtime.stopped)
        except HandlerInterrupted:
            self._runtime.request_stop("ack failed")
            raise AckError(pending.ids, error) from error

    def _send(self, acks: AcksToSend) -> AckResult:
        """One call sending ``acks``, counted (in the shielded call: counted even when
        the consumer is cancelled meanwhile)."""
        result = self._tasks._send_acks(acks.acks, maybe_applied=acks.maybe_applied)
        self._count_acks(result)
        return result

    def _count_acks(self, result: AckResult) -> None:
        self.stats.requests += result.requests
        self.stats.acknowledged += len(result.acknowledged)
        self.stats.lost_ack_answers += len(result.lost_answers)
        self.stats.ack_failures.update(result.failed)
        for task_id, why in result.failed.items():
            log.warning("ack of task %s was refused: %s", task_id, why)
