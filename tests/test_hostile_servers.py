"""Servers that mean harm: dripping answers, bodies that never end or inflate, over real HTTP.

Every server here is bounded (it stops after a fixed number of bytes or seconds), so a
test that the SDK fails would still end; the assertions check that the SDK stops much
earlier, with the documented error.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from live_server import serve

from kimono_interop import (
    APITimeoutError,
    AsyncKimonoClient,
    BearerToken,
    KimonoClient,
    ResponseTooLargeError,
)

PERSON = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"


def _dripping_body(bytes_total: int, every: float) -> Any:
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
def _dripping_headers(bytes_total: int, every: float) -> Iterator[str]:
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


def _client(url: str, **options: Any) -> KimonoClient:
    return KimonoClient(base_url=url, auth=BearerToken("t"), max_retries=0, **options)


def test_a_body_dripping_a_byte_at_a_time_is_cut_off_at_the_deadline() -> None:
    """Each byte comes within the read timeout; the deadline still ends the exchange."""
    with (
        serve(_dripping_body(bytes_total=100, every=0.05)) as url,
        _client(url, timeout=1.0, deadline=0.6) as kimono,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="timed out"):
            kimono.rostering.persons.get(PERSON)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0  # the server would drip for 5 s


def test_headers_dripping_a_byte_at_a_time_are_cut_off_at_the_deadline() -> None:
    """The SDK's own transport bounds every socket wait by what is left of the deadline."""
    with (
        _dripping_headers(bytes_total=200, every=0.05) as url,
        _client(url, timeout=1.0, deadline=0.6) as kimono,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            kimono.rostering.persons.get(PERSON)
        elapsed = time.monotonic() - started
    assert elapsed < 2.0  # the server would drip for 10 s


def test_the_async_client_cuts_a_dripping_answer_off_at_the_deadline() -> None:
    """The async exchange is cancelled when its deadline passes."""

    async def main(url: str) -> float:
        async with AsyncKimonoClient(
            base_url=url, auth=BearerToken("t"), max_retries=0, timeout=1.0, deadline=0.6
        ) as kimono:
            started = time.monotonic()
            with pytest.raises(APITimeoutError):
                await kimono.rostering.persons.get(PERSON)
            return time.monotonic() - started

    with serve(_dripping_body(bytes_total=100, every=0.05)) as url:
        assert asyncio.run(main(url)) < 2.0


def test_the_default_deadline_is_three_read_timeouts() -> None:
    """Derived from the timeout unless given; None turns it off."""
    assert KimonoClient("c", "s").deadline == 105.0
    assert KimonoClient("c", "s", timeout=2.0).deadline == 6.0
    assert KimonoClient("c", "s", timeout=None).deadline is None
    assert KimonoClient("c", "s", deadline=None).deadline is None


def _gzip_bomb(decoded: int) -> Any:
    body = gzip.compress(b"[" + b" " * decoded + b"]", compresslevel=9)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-encoding", b"gzip"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return app, len(body)


def _endless_chunks(limit_bytes: int) -> Any:
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


def test_a_small_gzip_body_that_inflates_past_the_limit_is_not_read() -> None:
    """The limit counts decoded bytes: 10 MiB inflated from a few kB stops at 1 MiB."""
    app, compressed = _gzip_bomb(10 * 1024 * 1024)
    assert compressed < 50_000
    limit = r"larger than max_response_size \(1,048,576"
    with (
        serve(app) as url,
        _client(url, max_response_size=1024 * 1024) as kimono,
        pytest.raises(ResponseTooLargeError, match=limit),
    ):
        kimono.rostering.persons.get(PERSON)


def test_an_endless_chunked_page_stops_at_the_limit() -> None:
    """A list page that never ends (bounded here at 64 MiB) is cut at 2 MiB."""
    with (
        serve(_endless_chunks(64 * 1024 * 1024)) as url,
        _client(url, max_response_size=2 * 1024 * 1024) as kimono,
    ):
        started = time.monotonic()
        with pytest.raises(ResponseTooLargeError) as caught:
            list(kimono.rostering.persons.list())
        elapsed = time.monotonic() - started
    assert caught.value.limit == 2 * 1024 * 1024
    assert elapsed < 5.0


def test_a_declared_length_past_the_limit_is_refused_before_reading() -> None:
    """Content-Length above the limit: nothing of the body is read."""
    app, compressed = _gzip_bomb(1024)
    with (
        serve(app) as url,
        _client(url, max_response_size=compressed - 1) as kimono,
        pytest.raises(ResponseTooLargeError),
    ):
        kimono.rostering.persons.get(PERSON)


def test_a_token_answer_past_its_limit_is_refused() -> None:
    """The token endpoint's answer is capped too (64 KiB: a token is a few kB)."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send(
            {"type": "http.response.body", "body": b'{"access_token": "' + b"a" * 200_000 + b'"}'}
        )

    with (
        serve(app) as url,
        KimonoClient("c", "s", base_url=url, max_retries=0) as kimono,
        pytest.raises(ResponseTooLargeError, match="65,536"),
    ):
        kimono.rostering.persons.get(PERSON)


def _peak_while(call: Any) -> int:
    """The most memory Python held at once (tracemalloc) while ``call()`` ran."""
    tracemalloc.start()
    try:
        call()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_a_gzip_bomb_is_inflated_in_steps_never_a_whole_network_read_at_once() -> None:
    """64 KiB of gzip can inflate to 64 MiB: decoding a network read in one go would take
    that much memory before the limit is checked. With a 1 MiB limit, the client holds
    little more than 1 MiB at any time (sync and async)."""
    app, _ = _gzip_bomb(64 * 1024 * 1024)

    def sync_call(url: str) -> None:
        with (
            _client(url, max_response_size=1024 * 1024) as kimono,
            pytest.raises(ResponseTooLargeError),
        ):
            kimono.rostering.persons.get(PERSON)

    async def async_call(url: str) -> None:
        async with AsyncKimonoClient(
            base_url=url, auth=BearerToken("t"), max_retries=0, max_response_size=1024 * 1024
        ) as kimono:
            with pytest.raises(ResponseTooLargeError):
                await kimono.rostering.persons.get(PERSON)

    with serve(app) as url:
        peaks = (
            _peak_while(lambda: sync_call(url)),
            _peak_while(lambda: asyncio.run(async_call(url))),
        )
    assert max(peaks) < 8 * 1024 * 1024, peaks


def test_a_body_inflated_in_steps_is_the_same_body() -> None:
    """gzip and deflate (zlib-wrapped or raw, as servers send it) decode to the same bytes."""
    person = json.dumps({"data": {"$sys": {"id": PERSON}, "x": "y" * 3_000_000}}).encode()
    raw_deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    bodies = {
        "gzip": gzip.compress(person),
        "deflate": zlib.compress(person),
        "raw deflate": raw_deflate.compress(person) + raw_deflate.flush(),
    }
    for name, body in bodies.items():
        encoding = name.split()[-1]

        async def app(
            scope: Any, receive: Any, send: Any, body: bytes = body, encoding: str = encoding
        ) -> None:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-encoding", encoding.encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        with serve(app) as url, _client(url) as kimono:
            got = kimono.rostering.persons.get(PERSON)
        assert (str(got.sys.id), len(got["x"])) == (PERSON, 3_000_000), name
