"""Servers written to do harm, for the hangs, memory and secrets scenarios: bounded, loopback only.

:class:`DripServer` is a raw TCP server that sends its status line and headers, or
its body, one byte at a time: never fast enough to finish, never slow enough for a
read timeout to fire. :class:`FixedAnswer` answers every request with the same bytes
(a gzip bomb, a token past 64 KiB), and :class:`EndlessPage` streams a list page that
does not end. Each records what it sent and whether the client hung up first, and
each stops on its own after a cap of bytes, so a scenario the SDK fails still ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import select
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from kimono_interop.sandbox.loopback import LoopbackServer, bound_socket


@dataclass
class Connection:
    """One connection to a :class:`DripServer`, as the server saw it."""

    opened: float
    closed: float = 0.0
    sent: int = 0  # bytes sent
    hung_up: bool = False  # the client closed it before the server was done

    @property
    def seconds(self) -> float:
        return self.closed - self.opened


class DripServer:
    """A raw HTTP server that drips its answer, one byte every ``every`` seconds.

    ``part="headers"``: the status line and an endless header, byte by byte (the
    answer never gets past its headers). ``part="body"``: the headers at once, with a
    Content-Length, then the body byte by byte. At most ``total`` bytes are dripped,
    then the connection is closed; the server notices a client that hung up within
    ``every`` seconds.
    """

    def __init__(self, part: str, every: float, total: int) -> None:
        if part not in ("headers", "body"):
            raise ValueError(f"part must be 'headers' or 'body', not {part!r}")
        self.part, self.every, self.total = part, every, total
        self.connections: list[Connection] = []
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        assert self._listener is not None, "use the server as a context manager"
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    @property
    def longest_drip(self) -> float:
        """Seconds a client that never gives up would wait for the whole answer."""
        return self.total * self.every

    def __enter__(self) -> DripServer:
        listener = bound_socket()
        listener.listen(8)
        listener.settimeout(0.1)
        self._listener = listener
        self._spawn(self._accept)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True, name="drip")
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        assert self._listener is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:  # the 0.1 s timeout: look at the stop flag again
                continue
            record = Connection(time.monotonic())
            self.connections.append(record)
            self._spawn(self._drip, conn, record)

    def _drip(self, conn: socket.socket, record: Connection) -> None:
        with conn:
            conn.settimeout(5)
            with contextlib.suppress(OSError):
                _read_request_head(conn)
            if self.part == "headers":
                head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: "
                dripped = (head + b"a" * self.total)[: self.total]
            else:
                with contextlib.suppress(OSError):
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: %d\r\n\r\n" % (self.total + 2)
                    )
                dripped = b" " * self.total
            for byte in dripped:
                if self._stop.is_set():
                    break
                if _hung_up(conn):
                    record.hung_up = True
                    break
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    record.hung_up = True
                    break
                record.sent += 1
                self._stop.wait(self.every)
            record.closed = time.monotonic()


def _read_request_head(conn: socket.socket) -> None:
    """Read up to the end of the request's headers (at most 64 KiB)."""
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def _hung_up(conn: socket.socket) -> bool:
    """Whether the client closed its end (readable, and reading gives nothing)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return bool(readable) and conn.recv(4096) == b""
    except OSError:
        return True


@functools.lru_cache(maxsize=4)
def gzip_bomb(inflated: int) -> bytes:
    """A gzip body that inflates to a JSON list page of ``inflated`` bytes (cached)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b" " * (1 << 20)
    parts = [packer.compress(b'{"data": [')]
    for _ in range(inflated >> 20):
        parts.append(packer.compress(block))
    parts += [packer.compress(b'], "paging": {"next": null}}'), packer.flush()]
    return b"".join(parts)


class FixedAnswer(LoopbackServer):
    """Answers every request with ``status``, ``headers`` and ``body``; records the requests."""

    def __init__(
        self, body: bytes, *, status: int = 200, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.requests: list[tuple[str, str]] = []
        encoded = [(k.lower().encode(), v.encode()) for k, v in headers]
        if not any(k == b"content-type" for k, _ in encoded):
            encoded.append((b"content-type", b"application/json"))
        encoded.append((b"content-length", str(len(body)).encode()))

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            self.requests.append((scope["method"], scope["path"]))
            await send({"type": "http.response.start", "status": status, "headers": encoded})
            await send({"type": "http.response.body", "body": body})

        super().__init__(app, name="reliability-fixed-answer")

    def __enter__(self) -> FixedAnswer:
        self.start()
        return self


class EndlessPage(LoopbackServer):
    """A list page that never ends: ``{"data": [`` then spaces, chunked, up to ``cap`` bytes.

    ``sent`` is how many bytes went out before the client hung up (or the cap).
    """

    CHUNK = 64 * 1024

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.sent: list[int] = []  # per request
        self.hung_up: list[bool] = []

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                return
            gone = asyncio.Event()

            async def watch() -> None:
                while (await receive())["type"] != "http.disconnect":
                    pass
                gone.set()

            watcher = asyncio.ensure_future(watch())
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            chunk = b'{"data": [' + b" " * (self.CHUNK - 10)
            sent = 0
            while sent < self.cap and not gone.is_set():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
                sent += len(chunk)
                await asyncio.sleep(
                    0
                )  # let the watcher see a disconnect (send then returns at once)
            self.sent.append(sent)
            self.hung_up.append(gone.is_set())
            watcher.cancel()
            await send({"type": "http.response.body", "body": b"]}", "more_body": False})

        super().__init__(app, name="reliability-endless-page")

    def __enter__(self) -> EndlessPage:
        self.start()
        return self
