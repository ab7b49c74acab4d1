"""A mirror worker for the crash tests, run as its own process.

``python crash_worker.py DB_URL BASE_URL CLIENT_ID CLIENT_SECRET`` drains the queue into
the mirror at DB_URL and prints its counts as JSON. With ``KIMONO_MIRROR_TEST_CRASH`` set
to ``apply:N``, ``commit:N`` or ``ack:N`` it SIGKILLs itself at the Nth change applied (inside
the transaction, before its commit), right after the Nth commit (before its acks), or when
the Nth ack request has reached the service and its answer has not reached the worker.
The ``on_change`` hook writes each change into an ``effects`` table of the application, in
the mirror's transaction, so that the test can count every effect.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

import httpx
import sqlalchemy as sa

from kimono_interop import KimonoClient
from kimono_interop.mirror import Change, Mirror, TaskOutcome

POINT, _, COUNT = os.environ.get("KIMONO_MIRROR_TEST_CRASH", "").partition(":")
reached = {"apply": 0, "commit": 0, "ack": 0}


def checkpoint(name: str) -> None:
    if name != POINT:
        return
    reached[name] += 1
    if reached[name] >= int(COUNT):
        os.kill(os.getpid(), signal.SIGKILL)


def record(connection: sa.Connection, change: Change) -> None:
    connection.execute(
        sa.text("INSERT INTO effects (task_id, object_id, op) VALUES (:t, :o, :op)"),
        {"t": change.task_id, "o": change.object_id, "op": change.op},
    )
    checkpoint("apply")


def committed(outcomes: Sequence[TaskOutcome]) -> None:
    checkpoint("commit")


class Transport(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == "PUT" and request.url.path.endswith("/ack"):
            response.read()  # the service applied the acks; the worker dies before it knows
            checkpoint("ack")
        return response


def main(url: str, base_url: str, client_id: str, client_secret: str) -> None:
    with Mirror.open(url, on_change=record) as mirror:
        with mirror.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "CREATE TABLE IF NOT EXISTS effects "
                    "(task_id VARCHAR(128), object_id VARCHAR(128), op VARCHAR(16))"
                )
            )
        with KimonoClient(
            client_id=client_id,
            client_secret=client_secret,
            base_url=base_url,
            transport=Transport(),
        ) as kimono:
            stats = mirror.run(kimono, stop_when_empty=True, ack_every=20, on_commit=committed)
    counts: dict[str, Any] = dataclasses.asdict(stats)
    print(json.dumps(counts))


if __name__ == "__main__":
    main(*sys.argv[1:5])
