"""A client used before ``os.fork()``: parent and child never read each other's answers.

The parent opens a pooled connection, forks, and both processes then ask for
different persons as fast as they can over that client. Without fresh connections in
the child, both would share one socket and read answers meant for the other.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import BearerToken, ConfigurationError, KimonoClient

PARENT = "11111111-1111-4111-8111-111111111111"
CHILD = "22222222-2222-4222-8222-222222222222"
ROUNDS = 300


async def echo(scope: Any, receive: Any, send: Any) -> None:
    """Answers a person read with the id asked for (the last segment of the path)."""
    person = scope["path"].rsplit("/", 1)[-1]
    body = json.dumps({"data": {"$sys": {"id": person}}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _in_child(work: Callable[[], str]) -> str:
    """What ``work()`` returns in a child forked now (its exception's repr if it raises)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report through the pipe, then leave at once
        os.close(read)
        try:
            outcome = work()
        except BaseException as exc:
            outcome = repr(exc)
        os.write(write, outcome.encode())
        os._exit(0)
    os.close(write)
    outcome = os.read(read, 4096).decode()
    os.close(read)
    os.waitpid(pid, 0)
    return outcome


def _mixups(kimono: KimonoClient, person: str) -> int:
    return sum(str(kimono.rostering.persons.get(person).sys.id) != person for _ in range(ROUNDS))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_parent_and_child_of_a_fork_each_read_their_own_answers(
    serve: Callable[[Any], str],
) -> None:
    """After the fork the child makes its own connections; 0 answers are crossed."""
    url = serve(echo)
    with KimonoClient(base_url=url, auth=BearerToken("t")) as kimono:
        assert str(kimono.rostering.persons.get(PARENT).sys.id) == PARENT  # a pooled socket
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its mix-ups through the pipe, then leave at once
            os.close(read)
            try:
                mixups = _mixups(kimono, CHILD)
            except BaseException:
                mixups = -1
            os.write(write, str(mixups).encode())
            os._exit(0)
        os.close(write)
        parent_mixups = _mixups(kimono, PARENT)
        child_mixups = int(os.read(read, 64) or b"-2")
        os.close(read)
        os.waitpid(pid, 0)
    assert (parent_mixups, child_mixups) == (0, 0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_pooled_transport_passed_in_is_refused_in_the_child_with_a_clear_error(
    serve: Callable[[Any], str],
) -> None:
    """The SDK cannot remake a transport the caller made: it says so instead of sharing it."""
    url = serve(echo)
    transport = httpx.HTTPTransport()
    with KimonoClient(base_url=url, auth=BearerToken("t"), transport=transport) as kimono:
        kimono.rostering.persons.get(PARENT)

        def in_child() -> str:
            try:
                kimono.rostering.persons.get(CHILD)
            except ConfigurationError as exc:
                return str(exc)
            return "answered"

        outcome = _in_child(in_child)
        assert str(kimono.rostering.persons.get(PARENT).sys.id) == PARENT  # parent unharmed
    assert "made before os.fork()" in outcome


def _pool(kimono: KimonoClient) -> Any:
    """The transport a client's requests reach in this process, through its shared layers."""
    transport: Any = kimono._shared
    while hasattr(transport, "current"):
        transport = transport.current()
    return transport


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_tenant_client_uses_its_parents_pool_in_the_child_too(
    serve: Callable[[Any], str],
) -> None:
    """A for_tenant() client made before the fork shares its parent's pool in the child
    as in the parent: it made a pool of its own there, which no close() ever closed."""
    url = serve(echo)
    tenant = {"id": CHILD, "auth": {"type": "oauth2", "client_id": "a", "client_secret": "b"}}
    with KimonoClient(base_url=url, auth=BearerToken("t")) as kimono:
        child_client = kimono.for_tenant(tenant)
        child_client.auth = BearerToken("t")  # (the echo server has no token endpoint)
        assert _pool(child_client) is _pool(kimono)

        def in_child() -> str:
            kimono.rostering.persons.get(CHILD)
            return "shared" if _pool(child_client) is _pool(kimono) else "a pool of its own"

        outcome = _in_child(in_child)
    assert outcome == "shared"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_threads_of_a_child_asking_at_once_remake_the_transport_once() -> None:
    """8 threads of a forked child make their first request together: one transport is
    made for the child (each thread made its own, and all but one were never closed)."""
    import threading
    import time

    from kimono_interop._transports import SharedTransport

    made: list[int] = []

    def remake() -> httpx.BaseTransport:
        made.append(1)
        time.sleep(0.05)  # a window wide enough for every thread to come in
        return httpx.MockTransport(lambda request: httpx.Response(200))

    shared = SharedTransport(remake(), remake=remake)
    made.clear()

    def in_child() -> str:
        barrier = threading.Barrier(8)
        seen: list[object] = []

        def first() -> None:
            barrier.wait()
            seen.append(shared.current())

        threads = [threading.Thread(target=first) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return f"{len(made)} {len({id(t) for t in seen})}"

    assert _in_child(in_child) == "1 1"
