"""The load scenario's client process: 8 async workers on one client, measured alone.

``python -m scripts.reliability.load_client SETTINGS_JSON`` (started by the load
scenario, ``scripts/reliability/scenarios/load.py``): 4 iterators walk the persons
again and again and 4 consumers drain their tenants' tasks, for ``seconds``; the
process samples its own RSS and open sockets, and prints one JSON line with what it
saw. It runs apart from the suite so that its memory and sockets are its own; it
imports only the SDK and what it needs here, not the sandbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from collections import Counter
from typing import Any

import httpx

from kimono_interop import AsyncKimonoClient, TaskView
from scripts.reliability.paths import CONTROL
from scripts.reliability.watch import SecretWatch


def load_client(settings: dict[str, Any]) -> dict[str, Any]:
    """The load scenario's client process: 8 workers for ``seconds``; returns what it saw."""
    handler = logging.FileHandler(settings["log"], encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    for name in SecretWatch.LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
    return asyncio.run(_load(settings))


async def _load(settings: dict[str, Any]) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    url, seconds = settings["url"], float(settings["seconds"])
    errors: list[str] = []
    walks: Counter[int] = Counter()
    bad_walks: list[str] = []
    handled: dict[int, int] = {}
    socket_samples: list[tuple[float, int]] = []
    rss_samples: list[tuple[float, float]] = []
    credentials = {
        "client_id": settings["client_id"],
        "client_secret": settings["client_secret"],
        "base_url": url,
    }
    async with httpx.AsyncClient(base_url=url) as control:
        expected = (await control.get(f"{CONTROL}/persons")).json()
        sockets_before = open_sockets()
        rss_start = rss_mb()
        started = loop.time()
        stop_at = started + seconds
        await control.post(
            f"{CONTROL}/produce", json={"seconds": seconds - 1, "rate": settings["rate"]}
        )
        async with AsyncKimonoClient(**credentials) as kimono:
            tenants = [t async for t in kimono.tenants.list()]
            consumers: list[Any] = []

            async def iterator(n: int) -> None:
                while loop.time() < stop_at:
                    try:
                        pager = kimono.rostering.persons.list(page_size=100).prefetch(2)
                        got = [str(p.sys.id) async for p in pager]
                        if got != expected:
                            bad_walks.append(f"iterator {n}: {len(got)} persons")
                        walks[n] += 1
                    except Exception as exc:
                        errors.append(f"iterator {n}: {exc!r}")
                        await asyncio.sleep(0.1)

            def handle(task: TaskView) -> None:
                seq = task.sequence or 0
                handled[seq] = handled.get(seq, 0) + 1

            async def consume(tenant: Any) -> None:
                child = kimono.for_tenant(tenant)
                try:
                    consumer = child.tasks.consumer(
                        handle,
                        tenant_id=tenant.id,
                        poll_interval=0.05,
                        max_poll_interval=0.25,
                        remember=200,
                        handle_signals=False,
                    )
                    consumers.append(consumer)
                    await consumer.run()
                except Exception as exc:
                    errors.append(f"consumer of tenant {tenant.id}: {exc!r}")
                finally:
                    await child.aclose()

            async def sample_then_stop() -> None:
                while loop.time() < stop_at:
                    await asyncio.sleep(0.5)
                    socket_samples.append((loop.time() - started, open_sockets()))
                    rss_samples.append((loop.time() - started, rss_mb()))
                # The producer has stopped: once every queue is empty, stop the consumers.
                limit = loop.time() + 60
                while loop.time() < limit:
                    queue = (await control.get(f"{CONTROL}/queue")).json()
                    if queue["pending"] == 0 and not queue["producing"]:
                        break
                    await asyncio.sleep(0.2)
                else:
                    errors.append("the queues did not drain within 60 s after the load")
                for consumer in consumers:
                    consumer.stop()

            workers = [iterator(n) for n in range(4)] + [consume(t) for t in tenants]
            await asyncio.gather(sample_then_stop(), *workers)
            rss_end = rss_mb()
        sockets_after = open_sockets()
    warm_at = min(10.0, seconds / 3)
    warm = next((rss for t, rss in rss_samples if t >= warm_at), rss_start)
    half = seconds / 2
    early = max((n for t, n in socket_samples if t < half), default=0)
    late = max((n for t, n in socket_samples if t >= half), default=0)
    return {
        "errors": errors,
        "walks": {str(k): v for k, v in sorted(walks.items())},
        "bad_walks": bad_walks,
        "handled": handled,
        "rss": [rss_start, warm, rss_end],
        "sockets": [sockets_before, early, late, sockets_after],
    }


def rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def open_sockets() -> int:
    """Sockets this process holds open (from /proc/self/fd)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
    return count


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m scripts.reliability.load_client SETTINGS_JSON")
    print(json.dumps(load_client(json.loads(sys.argv[1]))), flush=True)
