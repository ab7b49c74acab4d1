"""Servers that mean harm, for the transport tests: each one bounded, so a test still ends.

ASGI apps (serve them with the ``serve`` fixture) that drip a body, answer an encoded
body, inflate a small gzip body, never end a chunked page or send an oversized token;
and a raw TCP server that drips its status line and headers.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def dripping_body(bytes_total: int, every: float) -> Any:
    """An ASGI app answering 200 with a body sent one byte every ``every`` seconds."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        gone = asyncio.Event()

        async def watch() -> None:  # stop dripping once the client hung up
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        for _ in range(bytes_total):
            if gone.is_set():
                return
            await send({"type": "http.response.body", "body": b" ", "more_body": True})
            await asyncio.sleep(every)
        watcher.cancel()
        await send({"type": "http.response.body", "body": b"{}", "more_body": False})

    return app


@contextmanager
def dripping_headers(bytes_total: int, every: float) -> Iterator[str]:
    """A raw TCP server that sends its status line and headers one byte at a time."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def drip() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.recv(65536)
                for byte in (b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * bytes_total)[:bytes_total]:
                    if stop.is_set():
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break
                    time.sleep(every)

    thread = threading.Thread(target=drip, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def json_answer(body: bytes, encoding: str = "") -> Any:
    """An ASGI app answering every request with ``body`` as JSON, in ``Content-Encoding``
    ``encoding`` (the body is sent as given: encode it first)."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if encoding:
        headers.append((b"content-encoding", encoding.encode()))

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def recording_headers(app: Any, name: bytes, seen: list[str]) -> Any:
    """``app``, noting the value of request header ``name`` of each request in ``seen``."""

    async def recorder(scope: Any, receive: Any, send: Any) -> None:
        seen.append(dict(scope["headers"]).get(name, b"").decode())
        await app(scope, receive, send)

    return recorder


def cookie_setter(body: bytes) -> Any:
    """An ASGI app answering ``body`` as JSON with a new cookie each time (a year long)."""
    count = [0]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        count[0] += 1
        cookie = b"c%d=%s; Max-Age=31536000; Path=/" % (count[0], b"v" * 20)
        headers = [(b"content-type", b"application/json"), (b"set-cookie", cookie)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def gzip_bomb(decoded: int) -> tuple[Any, int]:
    """An ASGI app answering a gzip body that inflates to ``decoded`` bytes, and its length."""
    body = gzip.compress(b"[" + b" " * decoded + b"]", compresslevel=9)
    return json_answer(body, "gzip"), len(body)


def endless_chunks(limit_bytes: int) -> Any:
    """An ASGI app answering a chunked list page that goes on for ``limit_bytes`` bytes."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        chunk = b'{"data": [' + b" " * 65536
        sent = 0
        while sent < limit_bytes:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            sent += len(chunk)
        await send({"type": "http.response.body", "body": b"]}", "more_body": False})

    return app


def oversized_token(size: int) -> Any:
    """An ASGI app whose token endpoint answers an access token of ``size`` characters."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        body = b'{"access_token": "' + b"a" * size + b'"}'
        await send({"type": "http.response.body", "body": body})

    return app


def endless_refusal(limit_bytes: int, person: str) -> tuple[Any, dict[str, int]]:
    """An ASGI app with a token endpoint whose first API answer is a 401 that goes on for
    ``limit_bytes`` bytes (stopping once the client hangs up), and whose next is
    ``person``; with what it counted (``sent``: bytes of that 401's body)."""
    counts = {"api": 0, "sent": 0}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        json = [(b"content-type", b"application/json")]
        if scope["path"].endswith("/oauth/token"):
            await receive()
            await send({"type": "http.response.start", "status": 200, "headers": json})
            await send({"type": "http.response.body", "body": b'{"access_token": "t"}'})
            return
        counts["api"] += 1
        if counts["api"] > 1:
            body = b'{"data": {"$sys": {"id": "%s"}}}' % person.encode()
            await send({"type": "http.response.start", "status": 200, "headers": json})
            await send({"type": "http.response.body", "body": body})
            return
        gone = asyncio.Event()

        async def watch() -> None:  # stop once the client hung up
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        await send({"type": "http.response.start", "status": 401, "headers": json})
        chunk = b" " * 65536
        while counts["sent"] < limit_bytes and not gone.is_set():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
            counts["sent"] += len(chunk)
            await asyncio.sleep(0)
        watcher.cancel()
        if not gone.is_set():
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    return app, counts
