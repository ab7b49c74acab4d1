"""The ASGI middleware that wraps the sandbox: path-specific faults, and a record of exchanges.

:class:`FaultMiddleware` adds what the sandbox's own knobs cannot do: faults on chosen
paths only (``scripts/reliability/faults.py``), and a record of every exchange
(arrival order, status, the bearer token carried, tokens issued, task ids handed out)
that the token and redelivery checks read. Paths below :data:`CONTROL` go to a
control callback instead (the load scenario's client steers the server through them).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from scripts.reliability.faults import Exchange, Fault, Rule
from scripts.reliability.paths import CONTROL, TASKS_PATH, TOKEN_PATH


class _Aborted(Exception):
    """The inner app broke the connection off (the sandbox's own drop fault)."""


class _ClientGone(Exception):
    """The client closed the connection before its request body arrived (e.g. cancelled)."""


CLIENT_GONE = "client went away"

#: Answers a request below :data:`CONTROL`: (method, path, body) -> (status, JSON value).
Control = Callable[[str, str, bytes], Awaitable[tuple[int, Any]]]


class FaultMiddleware:
    """ASGI middleware around the sandbox app: path-specific faults, and a record of exchanges."""

    def __init__(
        self,
        app: Any,
        *,
        on_token: Callable[[str], None] | None = None,
        control: Control | None = None,
    ) -> None:
        self.app = app
        self.rules: list[Rule] = []
        self.exchanges: list[Exchange] = []
        self.on_token = on_token
        self.control = control
        self._seq = itertools.count(1)

    def set_rules(self, *rules: Rule) -> None:
        self.rules = list(rules)

    def mark(self) -> int:
        return len(self.exchanges)

    def since(self, mark: int) -> list[Exchange]:
        return self.exchanges[mark:]

    def _pick(self, exchange: Exchange) -> Fault | None:
        for rule in self.rules:
            if rule.matches(exchange.method, exchange.path):
                return rule.pick(exchange)
        return None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if self.control is not None and path.startswith(CONTROL):
            try:
                body = await _read_body(receive)
            except _ClientGone:
                return
            status, payload = await self.control(method, path, body)
            await send_whole(send, status, [], json.dumps(payload).encode())
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        exchange = Exchange(
            method=method,
            path=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            started=time.monotonic(),
            start_seq=next(self._seq),
            bearer=value.strip() if scheme.lower() == "bearer" else None,
            basic=scheme.lower() == "basic",
            peer=int((scope.get("client") or ("", 0))[1] or 0),
        )
        self.exchanges.append(exchange)
        fault = self._pick(exchange)
        exchange.fault = fault.name if fault is not None else ""
        if fault is not None and fault.kind == "revoke" and fault.action is not None:
            fault.action()
            fault = None
        elif fault is not None and fault.kind == "slow":
            await asyncio.sleep(fault.delay)
            fault = None
        try:
            await self._answer(scope, receive, send, exchange, fault)
        finally:
            exchange.end_seq = next(self._seq)

    async def _answer(
        self, scope: Any, receive: Any, send: Any, exchange: Exchange, fault: Fault | None
    ) -> None:
        if fault is not None and fault.kind == "status":
            headers = [("content-type", fault.content_type), *fault.headers]
            await send_whole(send, fault.status, headers, fault.body)
            exchange.status, exchange.sent = fault.status, time.monotonic()
            return
        if fault is not None and fault.kind == "drop":
            await _abort(send)
            return
        is_token = exchange.path == TOKEN_PATH
        is_batch = exchange.method == "GET" and exchange.path == TASKS_PATH
        if fault is None and not is_token and not is_batch:
            await self._pass_through(scope, receive, send, exchange)
            return
        try:
            request_body = await _read_body(receive)
        except _ClientGone:  # nobody to answer: the sandbox must not see a truncated request
            exchange.fault = CLIENT_GONE
            return
        if is_token:
            form = dict(
                pair.split("=", 1) for pair in request_body.decode("latin-1").split("&") if pair
            )
            exchange.client_id = form.get("client_id")
        try:
            status, headers, body = await _run_buffered(self.app, scope, request_body)
        except _Aborted:
            exchange.fault = exchange.fault or "drop (sandbox)"
            await _abort(send)
            return
        if is_batch and status == 200:
            answer = json.loads(body) if fault is None or fault.kind != "rewrite" else None
            if answer is not None:
                exchange.task_ids = tuple(_task_id(t) for t in answer.get("data", []))
        if fault is not None and fault.kind == "lost":
            exchange.fault = f"{fault.name} ({status})"
            await _abort(send)
            return
        if fault is not None and fault.kind == "applied":
            exchange.fault = f"{fault.name} ({status})"
            await send_whole(send, fault.status, [("content-type", fault.content_type)], fault.body)
            exchange.status, exchange.sent = fault.status, time.monotonic()
            return
        if fault is not None and fault.kind == "short":
            cut = body[: int(len(body) * fault.keep)]
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": _encode([*headers, ("content-length", str(len(body)))]),
                }
            )
            await send({"type": "http.response.body", "body": cut, "more_body": True})
            await _abort(send)
            return
        if fault is not None and fault.kind == "truncate":
            body = body[: int(len(body) * fault.keep)]
        elif fault is not None and fault.kind == "rewrite" and fault.rewrite is not None:
            body = json.dumps(fault.rewrite(json.loads(body))).encode()
        await send_whole(send, status, headers, body)
        exchange.status, exchange.sent = status, time.monotonic()
        if status == 200 and is_token:
            token = json.loads(body).get("access_token") if fault is None else None
            exchange.issued = token
            if token and self.on_token is not None:
                self.on_token(token)

    async def _pass_through(self, scope: Any, receive: Any, send: Any, exchange: Exchange) -> None:
        request_body: list[bytes] = []

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "http.request" and sum(map(len, request_body)) < 300:
                request_body.append(message.get("body", b""))
            return message

        async def recording(message: Any) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            elif message["type"] == "http.response.body" and exchange.status >= 400:
                asked = b"".join(request_body)[:300]
                exchange.error += f"request {asked!r}; answer {message.get('body', b'')[:300]!r}"
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                exchange.sent = time.monotonic()

        try:
            await self.app(scope, receiving, recording)
        except ConnectionAbortedError:  # the sandbox's own drop fault, after it began answering
            exchange.status, exchange.fault = 0, "drop (sandbox)"
            await _abort(send)


def _task_id(task: Any) -> str:
    if isinstance(task, dict):
        for value in (task, *[v for v in task.values() if isinstance(v, dict)]):
            if isinstance(value.get("id"), str):
                return str(value["id"])
    return ""


async def _read_body(receive: Any) -> bytes:
    """The whole request body; _ClientGone if the client disconnects before it is complete."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                return b"".join(chunks)
        elif message["type"] == "http.disconnect":
            raise _ClientGone()


async def _run_buffered(app: Any, scope: Any, body: bytes) -> tuple[int, list[Any], bytes]:
    """Run ``app`` on a request with ``body``; return its status, headers and whole body."""
    sent = False

    async def receive() -> Any:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # never: the request has no more body
        return {"type": "http.disconnect"}  # pragma: no cover

    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Any) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    try:
        await app(scope, receive, capture)
    except ConnectionAbortedError:
        raise _Aborted() from None
    headers = [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in start.get("headers", [])
        if k.lower() != b"content-length"
    ]
    return int(start.get("status", 500)), headers, b"".join(chunks)


def _encode(headers: Sequence[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


async def send_whole(
    send: Any, status: int, headers: Sequence[tuple[str, str]], body: bytes
) -> None:
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
    if not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("content-type", "application/json"))
    headers.append(("content-length", str(len(body))))
    await send({"type": "http.response.start", "status": status, "headers": _encode(headers)})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _abort(send: Any) -> None:
    """Close the client's connection now (uvicorn's h11 protocol: the cycle's transport)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot drop the connection: the server is not uvicorn with h11")
    transport.close()
    for _ in range(200):  # until uvicorn has seen the disconnect (so it logs nothing)
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)
