"""What the sync and async task consumers do differently: waiting, time limits, signals.

The consumer is written once (``_async/consumer.py``) against :class:`AsyncRuntime`;
its sync twin uses :class:`Runtime`, which has the same methods without ``await``.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import signal
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import FrameType
from typing import Any

import anyio

from ._exceptions import ConfigurationError
from ._task_view import RetryTask, TaskView

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class TaskTimeoutError(RetryTask):
    """A handler ran longer than the consumer's ``task_timeout``; the task is acked ``retry``."""


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


class Runtime:
    """Blocking waits, a SIGALRM time limit, and signal handlers for the sync consumer."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self.stop_reason = ""

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, reason: str = "stop()") -> None:
        """Ask the loop to stop; safe from any thread and from a signal handler."""
        if not self._stop.is_set():
            self.stop_reason = reason
        self._stop.set()

    def reset(self) -> None:
        """Forget a stop, so that the next run starts afresh."""
        self._stop.clear()
        self.stop_reason = ""

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a stop is requested."""
        self._stop.wait(seconds)

    def call(self, handler: Callable[[TaskView], Any], task: TaskView, limit: float | None) -> Any:
        """Run the handler, interrupting it with TaskTimeoutError after ``limit`` seconds."""
        if limit is None:
            return handler(task)

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
    def check_time_limit(limit: float | None) -> None:
        if limit is not None and (not hasattr(signal, "setitimer") or not _in_main_thread()):
            raise ConfigurationError(
                "task_timeout with the sync client needs the main thread of a Unix process "
                "(it uses SIGALRM); use AsyncKimonoClient, or leave task_timeout unset."
            )

    @contextlib.contextmanager
    def shielded(self) -> Iterator[None]:
        """Nothing to shield from in blocking code."""
        yield

    @staticmethod
    def gather(jobs: list[Callable[[], Any]]) -> None:
        """Run the jobs in parallel threads and wait for all of them."""
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=len(jobs), thread_name_prefix="kimono") as pool:
            for future in [pool.submit(job) for job in jobs]:
                future.result()

    @contextlib.contextmanager
    def signals(self, enabled: bool) -> Iterator[None]:
        """While the consumer runs, SIGINT and SIGTERM ask it to stop after the task in hand.

        A second SIGINT interrupts at once (KeyboardInterrupt), as usual.
        """
        if not enabled or not _in_main_thread():
            yield
            return

        def graceful(signum: int, frame: FrameType | None) -> None:
            if signum == signal.SIGINT and self.stopped:
                raise KeyboardInterrupt
            self.request_stop(signal.Signals(signum).name)

        previous = {sig: signal.signal(sig, graceful) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class AsyncRuntime:
    """Cancellable waits, a cancel-scope time limit, and loop signal handlers."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._wakeup: anyio.Event | None = None
        self.stop_reason = ""

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def request_stop(self, reason: str = "stop()") -> None:
        """Ask the loop to stop. Call it from the consumer's event loop (or a signal handler)."""
        if not self._stop.is_set():
            self.stop_reason = reason
        self._stop.set()
        if self._wakeup is not None:
            self._wakeup.set()

    def reset(self) -> None:
        """Forget a stop, so that the next run starts afresh."""
        self._stop.clear()
        self.stop_reason = ""

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less if a stop is requested."""
        if self.stopped:
            return
        self._wakeup = anyio.Event()
        with anyio.move_on_after(seconds):
            await self._wakeup.wait()
        self._wakeup = None

    async def call(
        self, handler: Callable[[TaskView], Any], task: TaskView, limit: float | None
    ) -> Any:
        """Run the handler (a coroutine function or a plain one), cancelled after ``limit`` s."""
        if limit is None:
            result = handler(task)
            return await result if inspect.isawaitable(result) else result
        with anyio.move_on_after(limit) as scope:
            result = handler(task)
            return await result if inspect.isawaitable(result) else result
        if scope.cancelled_caught:
            raise TaskTimeoutError(f"the handler took longer than {limit:g} s")
        return None  # pragma: no cover - the scope returns or is cancelled

    @staticmethod
    def check_time_limit(limit: float | None) -> None:
        return None

    @contextlib.asynccontextmanager
    async def shielded(self) -> AsyncIterator[None]:
        """Let the acks of handled tasks go out even while the consumer is being cancelled."""
        with anyio.CancelScope(shield=True):
            yield

    @staticmethod
    async def gather(jobs: list[Callable[[], Any]]) -> None:
        """Run the jobs (coroutine functions) concurrently and wait for all of them."""
        async with anyio.create_task_group() as group:
            for job in jobs:
                group.start_soon(job)

    @contextlib.asynccontextmanager
    async def signals(self, enabled: bool) -> AsyncIterator[None]:
        """While the consumer runs, SIGINT and SIGTERM ask it to stop after the task in hand."""
        loop: asyncio.AbstractEventLoop | None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # another backend (trio): leave signals alone
            loop = None
        if not enabled or loop is None or not _in_main_thread():
            yield
            return
        installed = []
        for sig in _SIGNALS:
            try:
                loop.add_signal_handler(sig, self.request_stop, sig.name)
                installed.append(sig)
            except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows
                pass
        try:
            yield
        finally:
            for sig in installed:
                loop.remove_signal_handler(sig)
