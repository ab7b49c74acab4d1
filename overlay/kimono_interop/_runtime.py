"""What the sync and async task consumers do differently: waiting, time limits, signals, threads.

The consumer is written once (``_async/consumer.py``) against :class:`AsyncRuntime`;
its sync twin uses :class:`Runtime`, which has the same methods without ``await``.

Stopping follows one rule in both: the first SIGINT or SIGTERM (or ``stop()``) stops
after the task in hand, and the acks of the handled tasks go out first; a second
signal interrupts the handler in hand, always (its task is then not acknowledged, so
the service delivers it again). The sync runtime raises :class:`HandlerInterrupted`
in the main thread; the async one cancels the handler's scope, and runs plain
(non-async) handlers in a worker thread, so that a blocking handler cannot keep the
event loop, and with it the signal handlers, from running.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import queue
import signal
import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import FrameType
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from ._exceptions import ConfigurationError
from ._task_view import RetryTask, TaskView

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
T = TypeVar("T")


class TaskTimeoutError(RetryTask):
    """A handler ran longer than the consumer's ``task_timeout``; the task is acked ``retry``."""


class HandlerInterrupted(BaseException):
    """A second signal interrupted the handler; its task is left unacknowledged.

    A BaseException, like KeyboardInterrupt, so that a handler's ``except Exception``
    cannot swallow it and so that the consumer never acks the interrupted task.
    """


class _SignalInterrupt(HandlerInterrupted, KeyboardInterrupt):
    """How the sync runtime's second signal interrupts the main thread: a
    HandlerInterrupted that is also a KeyboardInterrupt, so that what a library does on
    Ctrl-C it does here (psycopg cancels the query the server is running, which would
    otherwise go on holding its locks after the client gave up on it)."""


def _is_event_loop_handler(handler: Any) -> bool:
    """Whether ``handler`` is what asyncio installs for a handler on an event loop
    (``loop.add_signal_handler``): the real one is the loop's, out of reach."""
    return (
        getattr(handler, "__module__", None) == "asyncio.unix_events"
        and getattr(handler, "__name__", None) == "_sighandler_noop"
    )


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def is_async_handler(handler: Callable[..., Any]) -> bool:
    """Whether ``handler`` is a coroutine function (seen through functools.partial)."""
    while isinstance(handler, functools.partial):
        handler = handler.func
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - an instance with async __call__
    )


class _StopState:
    """A stop request, its reason, and what else to stop with it (shared by both runtimes)."""

    def __init__(self) -> None:
        self._stopped = False
        #: What wakes :meth:`Runtime.sleep` on a stop: a token put here. A signal handler
        #: may interrupt the very thread that sleeps, at any bytecode: SimpleQueue.put is
        #: safe there, where a threading.Event's lock, held by that thread, deadlocks.
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        self.stop_reason = ""
        #: Called on a stop request (e.g. to stop the consumers of a run_tenants).
        self.on_stop: Callable[[], None] | None = None

    @property
    def stopped(self) -> bool:
        return self._stopped

    @property
    def interrupted(self) -> bool:
        """Whether a second signal (or :meth:`interrupt`) ended the run."""
        return self.stop_reason == "interrupted"

    def _mark_stopped(self, reason: str) -> None:
        # An interruption says more than the stop before it: it is what the run ends with.
        if not self._stopped or reason == "interrupted":
            self.stop_reason = reason
        self._stopped = True
        self._wake.put(None)
        if self.on_stop is not None:
            self.on_stop()

    def reset(self) -> None:
        """Forget a stop, so that the next run starts afresh."""
        self._stopped = False
        self.stop_reason = ""
        with contextlib.suppress(queue.Empty):
            while True:
                self._wake.get_nowait()


class Runtime(_StopState):
    """Blocking waits, a SIGALRM time limit, and signal handlers for the sync consumer."""

    def __init__(self) -> None:
        super().__init__()
        #: How deep the main thread is in what a second signal interrupts (a handler, a
        #: blocking call, an interruptible block, a wait for the tenants' threads); and in
        #: :meth:`shielded` blocks, which it does not. Elsewhere (a poll, the acks) a
        #: second signal marks the run interrupted, which ends it at its next step; a
        #: third one raises wherever it lands.
        self._raising = 0
        self._shields = 0

    @contextlib.contextmanager
    def _interrupted_here(self) -> Iterator[None]:
        self._raising += 1
        try:
            yield
        finally:
            self._raising -= 1

    def request_stop(self, reason: str = "stop()") -> None:
        """Ask the loop to stop; safe from any thread and from a signal handler."""
        self._mark_stopped(reason)

    def interrupt(self) -> None:
        """Mark the run interrupted (the signal handler then raises HandlerInterrupted)."""
        self._mark_stopped("interrupted")

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a stop is requested."""
        deadline = time.monotonic() + seconds
        while not self._stopped:
            try:
                self._wake.get(timeout=max(deadline - time.monotonic(), 0))
            except queue.Empty:
                return
        # A token with the flag set: put back, for the next thread waiting here, if any
        # (each one wakes). One left over by a stop that a reset since undid is dropped.
        self._wake.put(None)

    def sleep_past_a_stop(self, seconds: float) -> None:
        """Wait ``seconds``, stop or not; a second signal (or :meth:`interrupt`) ends the
        wait with HandlerInterrupted."""
        deadline = time.monotonic() + seconds
        with self._interrupted_here():  # a second signal raises here
            while not self.interrupted:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                time.sleep(min(left, 0.1))  # interrupt() from another thread: looked at
        raise HandlerInterrupted

    def call(self, handler: Callable[[TaskView], Any], task: TaskView, limit: float | None) -> Any:
        """Run the handler, interrupting it with TaskTimeoutError after ``limit`` seconds."""
        # (as _interrupted_here, without a generator's cost: this runs for every task)
        self._raising += 1
        try:
            if limit is None:
                return handler(task)
            return self._call(handler, task, limit)
        finally:
            self._raising -= 1

    @staticmethod
    def _call(handler: Callable[[TaskView], Any], task: TaskView, limit: float) -> Any:
        def expire(signum: int, frame: FrameType | None) -> None:
            raise TaskTimeoutError(f"the handler took longer than {limit:g} s")

        previous = signal.signal(signal.SIGALRM, expire)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return handler(task)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    @staticmethod
    def check_handler(handler: Callable[..., Any], limit: float | None) -> None:
        if limit is not None and (not hasattr(signal, "setitimer") or not _in_main_thread()):
            raise ConfigurationError(
                "task_timeout with the sync client needs the main thread of a Unix process "
                "(it uses SIGALRM); use AsyncKimonoClient, or leave task_timeout unset."
            )

    def blocking(self, call: Callable[[], T]) -> T:
        """Make a blocking call (a database transaction): here, in the calling thread,
        where a second signal interrupts it (HandlerInterrupted is raised inside it)."""
        with self._interrupted_here():
            return call()

    @contextlib.contextmanager
    def interruptible(self) -> Iterator[None]:
        """A block that a second signal ends: here the signal handler raises inside it."""
        with self._interrupted_here():
            yield

    @contextlib.contextmanager
    def shielded(self) -> Iterator[None]:
        """A block a second signal does not interrupt (the acks of handled tasks): it
        marks the run interrupted, which ends it once the block is done."""
        self._shields += 1
        try:
            yield
        finally:
            self._shields -= 1

    def run_shielded(self, call: Callable[[], T]) -> T:
        """``call()`` to its end: a second signal does not interrupt it (see
        :meth:`shielded`)."""
        with self.shielded():
            return call()

    @staticmethod
    def is_cancellation(exc: BaseException) -> bool:
        """Blocking code is not cancelled."""
        return False

    def gather(self, jobs: list[Callable[[], Any]]) -> None:
        """Run the jobs in parallel daemon threads and wait for all of them (a second
        signal ends the wait).

        Daemon threads, so that a process told twice to stop can exit even while a
        handler in one of them is stuck (its task is then delivered again).
        """
        threads = [
            threading.Thread(target=job, name=f"kimono-{n}", daemon=True)
            for n, job in enumerate(jobs)
        ]
        with self._interrupted_here():
            for thread in threads:
                thread.start()
            if self.interrupted:  # a second signal came before this wait began
                raise _SignalInterrupt
            for thread in threads:
                while thread.is_alive():  # a timed join lets the main thread take signals
                    thread.join(0.2)

    @contextlib.contextmanager
    def signals(self, enabled: bool) -> Iterator[None]:
        """SIGINT and SIGTERM: the first stops after the task in hand, the second interrupts."""
        if not enabled or not _in_main_thread():
            yield
            return

        restoring = False

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if self.stopped:
                again = self.interrupted
                self.interrupt()
                # Not while the handlers are put back: signal.signal() runs a pending
                # handler first, and raising there left this one installed for good.
                if not restoring and (again or (self._raising and not self._shields)):
                    raise _SignalInterrupt  # in the main thread: where the handler runs
                return
            self.request_stop(signal.Signals(signum).name)

        # A signal the process ignores (a `cmd &` job of a shell script: SIGINT) stays
        # ignored: what ignores it wants nothing to stop on it.
        previous = {
            sig: signal.signal(sig, on_signal)
            for sig in _SIGNALS
            if signal.getsignal(sig) is not signal.SIG_IGN
        }
        try:
            yield
        finally:
            restoring = True
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class _DaemonWorker:
    """One daemon thread that runs plain handlers for an asyncio consumer, one at a time.

    A daemon thread, unlike anyio's or asyncio's worker threads, does not keep the
    process alive: a handler abandoned after a second signal cannot hold the exit.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.busy = False
        self._jobs: queue.SimpleQueue[tuple[Callable[[TaskView], Any], TaskView, Any] | None] = (
            queue.SimpleQueue()
        )
        threading.Thread(target=self._work, name="kimono-handler", daemon=True).start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:  # closed: ends once the handler in hand (if any) is done
                return
            handler, task, future = job
            try:
                result = handler(task)
            except BaseException as exc:  # handed to the awaiting task, which decides
                self.loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                self.loop.call_soon_threadsafe(_settle, future, result, None)

    def close(self) -> None:
        """End the thread once it is idle (a handler in hand runs its course first)."""
        self._jobs.put(None)

    async def run(self, handler: Callable[[TaskView], Any], task: TaskView) -> Any:
        future: asyncio.Future[Any] = self.loop.create_future()
        self.busy = True
        self._jobs.put((handler, task, future))
        try:
            result = await future
        except BaseException:
            # The handler's own exception: the thread is free again. Cancelled, the
            # thread is left to finish the handler, and stays busy.
            if future.done() and not future.cancelled():
                self.busy = False
            raise
        self.busy = False
        return result


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class AsyncRuntime(_StopState):
    """Cancellable waits, cancel-scope time limits and interrupts, loop signal handlers."""

    def __init__(self, *, stop_from_threads: bool = False) -> None:
        """``stop_from_threads``: :meth:`sleep` also looks every tenth of a second for a
        stop asked by :meth:`request_stop_threadsafe` under trio, where a stop from
        another thread or a signal handler cannot wake it (under asyncio it does)."""
        super().__init__()
        self._poll = 0.1 if stop_from_threads else None
        self._wakeup: anyio.Event | None = None
        #: The asyncio loop of the wait in progress (None under trio), to wake it from afar.
        self._sleeping_on: asyncio.AbstractEventLoop | None = None
        self._handler_scope: anyio.CancelScope | None = None
        self._interruptible: anyio.CancelScope | None = None
        self._worker: _DaemonWorker | None = None

    def request_stop(self, reason: str = "stop()") -> None:
        """Ask the loop to stop, from any thread or signal handler under asyncio (a wait
        between polls ends at once); under trio, from the loop's own tasks."""
        self._mark_stopped(reason)
        wakeup, loop = self._wakeup, self._sleeping_on
        if wakeup is None:
            return
        if loop is None:
            wakeup.set()
            return
        # Through the loop's own queue, which also wakes its selector: from another thread
        # or a signal handler, a plain set would wait for the loop's next wake-up.
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(wakeup.set)

    @staticmethod
    def is_cancellation(exc: BaseException) -> bool:
        """Whether ``exc`` is the backend's cancellation (asyncio's or trio's)."""
        return isinstance(exc, anyio.get_cancelled_exc_class())

    def interrupt(self) -> None:
        """Cancel the handler in hand (from the consumer's event loop); then stop."""
        self.request_stop("interrupted")
        if self._handler_scope is not None:
            self._handler_scope.cancel()
        if self._interruptible is not None:
            self._interruptible.cancel()

    def request_stop_threadsafe(self, reason: str = "stop()") -> None:
        """Ask the loop to stop from any thread or signal handler, whatever the backend:
        under asyncio as :meth:`request_stop`; under trio only the flag is set, which
        :meth:`sleep` looks at every tenth of a second (``stop_from_threads``)."""
        if self._sleeping_on is not None:
            self.request_stop(reason)
        else:
            self._mark_stopped(reason)

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a stop is requested: at once under asyncio; under
        trio at once from the loop, and within a tenth of a second by
        :meth:`request_stop_threadsafe` with ``stop_from_threads``."""
        if self.stopped:
            return
        deadline = anyio.current_time() + seconds
        try:
            self._sleeping_on = asyncio.get_running_loop()
        except RuntimeError:  # another backend (trio)
            self._sleeping_on = None
        self._wakeup = wakeup = anyio.Event()
        try:
            while not self.stopped:
                left = deadline - anyio.current_time()
                if left <= 0:
                    return
                with anyio.move_on_after(left if self._poll is None else min(left, self._poll)):
                    await wakeup.wait()
        finally:
            self._wakeup = None
            self._sleeping_on = None

    async def sleep_past_a_stop(self, seconds: float) -> None:
        """Wait ``seconds``, stop or not; a second signal (or :meth:`interrupt`) ends the
        wait with HandlerInterrupted."""
        async with self.interruptible():
            await anyio.sleep(seconds)

    async def call(
        self, handler: Callable[[TaskView], Any], task: TaskView, limit: float | None
    ) -> Any:
        """Run the handler, cancelled after ``limit`` s, or at once by :meth:`interrupt`.

        A plain (non-async) handler runs in a worker thread, so it cannot block the
        loop; when interrupted, the thread is left to finish on its own.
        """
        with anyio.CancelScope() as scope:
            self._handler_scope = scope
            if limit is not None:
                scope.deadline = anyio.current_time() + limit
            try:
                if is_async_handler(handler):
                    return await handler(task)
                result = await self._in_thread(handler, task)
                return await result if inspect.isawaitable(result) else result
            finally:
                self._handler_scope = None
        if self.stop_reason == "interrupted" or limit is None:
            raise HandlerInterrupted
        raise TaskTimeoutError(f"the handler took longer than {limit:g} s")

    async def _in_thread(self, handler: Callable[[TaskView], Any], task: TaskView) -> Any:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # another backend: anyio's worker threads
            return await anyio.to_thread.run_sync(handler, task, abandon_on_cancel=True)
        if self._worker is None or self._worker.loop is not loop or self._worker.busy:
            if self._worker is not None:
                self._worker.close()  # (a handler abandoned there finishes first)
            self._worker = _DaemonWorker(loop)
        return await self._worker.run(handler, task)

    def reset(self) -> None:
        """Forget a stop; end the thread of plain handlers (each run makes its own: one
        per run was left waiting for jobs for good)."""
        super().reset()
        if self._worker is not None:
            self._worker.close()
            self._worker = None

    @staticmethod
    def check_handler(handler: Callable[..., Any], limit: float | None) -> None:
        if limit is not None and not is_async_handler(handler):
            raise ConfigurationError(
                "task_timeout with AsyncKimonoClient needs an `async def` handler: a plain "
                "handler runs in a worker thread, which cannot be stopped when the time is up "
                "(its effect could land after the task was acked `retry`). Make the handler "
                "async, or use KimonoClient, whose timeout interrupts the handler."
            )

    @staticmethod
    async def blocking(call: Callable[[], T]) -> T:
        """Make a blocking call (a database transaction) in a worker thread, so that the
        event loop serves other work meanwhile. The call runs its course whatever happens
        to the caller (a transaction ends in the thread that began it): cancelled, or
        interrupted, the caller waits for it first, and is cancelled at its next await."""
        return await anyio.to_thread.run_sync(call)

    @contextlib.asynccontextmanager
    async def interruptible(self) -> AsyncIterator[None]:
        """A block that a second signal (:meth:`interrupt`) cancels, wherever it is
        waiting (a request, a retry, a wait); it then raises HandlerInterrupted."""
        with anyio.CancelScope() as scope:
            self._interruptible = scope
            try:
                yield
            finally:
                self._interruptible = None
        if scope.cancel_called:
            raise HandlerInterrupted

    @staticmethod
    async def run_shielded(call: Callable[[], Awaitable[T]]) -> T:
        """``await call()`` to its end, even if the task is cancelled meanwhile; the
        cancellation is raised once it is done (the acks of handled tasks go out).

        A shielded cancel scope holds back a scope's cancellation, not asyncio's own
        ``task.cancel()`` (``wait_for``, a ``TaskGroup``): under asyncio the call runs as a
        task of its own, waited for whatever comes. ``asyncio.run`` returning cancels every
        task left, this one too: nothing shields a request from that.
        """
        with anyio.CancelScope(shield=True):
            try:
                asyncio.get_running_loop()
            except RuntimeError:  # another backend (trio): the scope holds back everything
                return await call()

            async def run() -> T:  # (a coroutine function's call may be a plain awaitable)
                return await call()

            inner = asyncio.ensure_future(run())
            cancelled: BaseException | None = None
            while not inner.done():
                try:
                    await asyncio.wait({inner})
                except asyncio.CancelledError as exc:
                    cancelled = exc
        if cancelled is not None:
            if not inner.cancelled():
                inner.exception()  # seen: the cancellation is what the caller gets
            raise cancelled
        return inner.result()

    @staticmethod
    async def gather(jobs: list[Callable[[], Any]]) -> None:
        """Run the jobs (coroutine functions) concurrently and wait for all of them."""
        async with anyio.create_task_group() as group:
            for job in jobs:
                group.start_soon(job)

    @contextlib.asynccontextmanager
    async def signals(self, enabled: bool) -> AsyncIterator[None]:
        """SIGINT and SIGTERM: the first stops after the task in hand, the second interrupts.

        A signal the application already handles on this event loop is left to it; the
        handlers found are put back afterwards (asyncio.run's own for SIGINT among them).
        """
        loop: asyncio.AbstractEventLoop | None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # another backend (trio): leave signals alone
            loop = None
        if not enabled or loop is None or not _in_main_thread():
            yield
            return
        shared = _LOOP_SIGNALS.get(loop)
        if shared is None:
            shared = _LOOP_SIGNALS[loop] = _LoopSignals(loop)
        try:
            shared.enter(self)
        except BaseException:
            if not shared.runtimes:
                _LOOP_SIGNALS.pop(loop, None)
            raise
        try:
            yield
        finally:
            if shared.leave(self):
                _LOOP_SIGNALS.pop(loop, None)

    def on_signal(self, name: str) -> None:
        """A SIGINT or SIGTERM: the first stops, the second interrupts."""
        if self.stopped:
            self.interrupt()
        else:
            self.request_stop(name)


class _LoopSignals:
    """SIGINT and SIGTERM on one event loop, for every runtime that handles them there.

    asyncio keeps one handler per signal and loop: the first runtime to come installs one
    that tells each runtime present (each stops, or is interrupted, as its own count of
    signals says), and the last to leave removes it and puts back the handlers it found
    (asyncio.run's own for SIGINT among them). A signal the application already handles
    on the loop, one the process ignores, or whose handler is not Python's, is left as it is.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.runtimes: list[AsyncRuntime] = []
        self.found: dict[signal.Signals, Any] = {}

    def enter(self, runtime: AsyncRuntime) -> None:
        if not self.runtimes:
            try:
                for sig in _SIGNALS:
                    previous = signal.getsignal(sig)
                    if (
                        previous is None
                        or previous is signal.SIG_IGN
                        or _is_event_loop_handler(previous)
                    ):
                        continue  # the application's, ignored, or not Python's: it stays
                    try:
                        self.loop.add_signal_handler(sig, self.dispatch, sig.name)
                    except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
                        continue
                    self.found[sig] = previous
            except BaseException:
                self._put_back()  # none of ours left behind, half installed
                raise
        self.runtimes.append(runtime)

    def leave(self, runtime: AsyncRuntime) -> bool:
        """Whether it was the last runtime (the handlers found are then back)."""
        self.runtimes.remove(runtime)
        if self.runtimes:
            return False
        self._put_back()
        return True

    def _put_back(self) -> None:
        """Remove the loop's handlers that are still ours and put back those found."""
        for sig, previous in self.found.items():
            if not self._ours(sig):
                continue  # the application installed its own since: it stays
            self.loop.remove_signal_handler(sig)  # which leaves the default handler...
            signal.signal(sig, previous)  # ...so put back the one found
        self.found.clear()

    def _ours(self, sig: signal.Signals) -> bool:
        # asyncio has no public way to read a loop's handler: its table, where it is.
        handlers = getattr(self.loop, "_signal_handlers", None)
        if not isinstance(handlers, dict):
            return True
        handle = handlers.get(sig)
        return handle is not None and getattr(handle, "_callback", None) == self.dispatch

    def dispatch(self, name: str) -> None:
        """Tell every runtime on the loop; one that fails does not keep it from the rest."""
        failed: BaseException | None = None
        for runtime in list(self.runtimes):
            try:
                runtime.on_signal(name)
            except Exception as exc:  # an on_stop callback's, say: raised after the others
                failed = failed or exc
        if failed is not None:
            raise failed


#: The signal handling of each event loop with a runtime handling signals on it.
_LOOP_SIGNALS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopSignals] = (
    weakref.WeakKeyDictionary()
)
