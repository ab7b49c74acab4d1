"""The walks ``python -m scripts.bench`` times, each run in a fresh process of its own.

One walk per process, so that no walk inherits another's heap, imports, collector
state or connections: ``python -m scripts.bench_walks NAME --server JSON ...`` runs
the walk NAME against the bench server that JSON describes (its origin, paths and
credentials: see :func:`server_spec`) and prints one JSON line, with ``seconds``
(wall time of the walk itself) and ``cpu`` (the process's CPU time over the same
span), plus what the walk counted, so the parent can check it. Walks over the
persons list and the task queue are timed on a client that already holds its token
and a connection (what a client costs to make is the ``clients`` walk's figure); an
export is timed as the whole command, client and token included, on both sides.
Interpreter start and imports are never timed.

Every walk comes in two kinds, side by side: *raw*, what a careful Python client
writes with httpx and the standard library alone, and *sdk*, the same job through
kimono_interop. The SDK is imported by the SDK walks only (a raw walk's process holds
httpx and the standard library, nothing more, as the script it stands for would),
after ``--block-orjson`` (if given) has hidden orjson, so that one installation
measures the SDK with and without its orjson extra.

Walks (``--read`` says what is read of each person: ``count``, ``two`` fields
(``$sys.id`` and ``name.last``) or ``all`` of them):

* ``raw-persons`` / ``sdk-persons`` / ``sdk-dicts``: walk the persons list;
* ``raw-export`` / ``cli-export``: write the persons list as JSON lines to ``--out``;
* ``raw-tasks`` / ``sdk-tasks``: drain the task queue with a no-op handler;
* ``raw-ahead-window`` / ``raw-ahead-eager`` / ``raw-ahead-workers`` / ``sdk-ahead``:
  async look-ahead over the persons list with ``--prefetch`` requests in flight
  (``sdk-ahead`` with ``--prefetch 0`` is the plain sequential walk);
* ``clients``: what a client costs to make and close, the first and the next ones;
* ``rss``: peak RSS of typed iteration (see :mod:`scripts.bench`, memory).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import io
import json
import resource
import statistics
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import httpx

Result = dict[str, Any]


@dataclass(frozen=True)
class Server:
    """Where the bench server is and what it answers to (passed as ``--server JSON``)."""

    origin: str
    token_path: str
    persons_path: str
    tasks_path: str
    ack_path: str
    client_id: str
    client_secret: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))


def server_spec(origin: str) -> Server:
    """The bench server at ``origin`` (for the parent: imports the SDK's constants)."""
    from kimono_interop._constants import TOKEN_PATH
    from scripts import bench_server

    return Server(
        origin=origin,
        token_path=TOKEN_PATH,
        persons_path=bench_server.PERSONS_PATH,
        tasks_path=bench_server.TASKS_PATH,
        ack_path=bench_server.ACK_PATH,
        client_id=bench_server.CLIENT_ID,
        client_secret=bench_server.CLIENT_SECRET,
    )


#: What the walks may read of each person (``dicts``: sdk-ahead, with ``as_dicts()``).
READS = ("count", "two", "all", "dicts")


# --------------------------------------------------------------------------- shared


def _token_form(server: Server) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }


def token(http: httpx.Client, server: Server) -> str:
    answer = http.post(server.origin + server.token_path, data=_token_form(server))
    answer.raise_for_status()
    return str(answer.json()["access_token"])


async def async_token(http: httpx.AsyncClient, server: Server) -> str:
    answer = await http.post(server.origin + server.token_path, data=_token_form(server))
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def sdk_client(server: Server) -> Any:
    """A KimonoClient (imported here: after --block-orjson, never by a raw walk)."""
    import kimono_interop

    return kimono_interop.KimonoClient(
        client_id=server.client_id, client_secret=server.client_secret, base_url=server.origin
    )


def orjson_loaded() -> bool:
    """Whether anything in this process imported orjson (the SDK, when it uses its extra)."""
    return sys.modules.get("orjson") is not None


def count_raw(value: Any) -> int:
    """Read every value of decoded JSON; return how many leaves (non-container values)."""
    count = 0
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if kind is dict or kind is list:
            if item:
                count += count_raw(item)
        else:
            count += 1
    return count


#: Per type met in a model: a getter of all its fields at once (one C call), or None.
_FIELDS: dict[type, Any] = {}
_UNKNOWN = object()


def _fields_of(kind: type) -> Callable[[Any], tuple[Any, ...]] | None:
    import attrs

    getter: Callable[[Any], tuple[Any, ...]] | None = None
    if attrs.has(kind):
        names = [f.name for f in attrs.fields(kind)]
        single = attrgetter(*names)
        getter = single if len(names) > 1 else (lambda obj: (single(obj),))
    _FIELDS[kind] = getter
    return getter


def count_typed(value: Any, unset: Any) -> int:
    """Read every field of a model, recursively; return how many set leaves it holds.

    The models' own fields (``attrs.fields``), each read once as an attribute, then
    what they hold: a list, a dict (``additional_properties``), another model. Built
    like :func:`count_raw` (one call per container, leaves counted in the loop), and on
    the same data it counts exactly what :func:`count_raw` counts, which checks that
    every field was read.
    """
    kind = type(value)
    if kind is list:
        items: Any = value
    elif kind is dict:
        items = value.values()
    else:
        getter = _FIELDS.get(kind, _UNKNOWN)
        if getter is _UNKNOWN:
            getter = _fields_of(kind)
        items = getter(value) if getter is not None else ()
    count = 0
    for item in items:
        if item is unset:
            continue
        kind = type(item)
        if kind is list or kind is dict:
            if item:
                count += count_typed(item, unset)
            continue
        getter = _FIELDS.get(kind, _UNKNOWN)
        if getter is _UNKNOWN:
            getter = _fields_of(kind)
        if getter is None:
            count += 1
        else:
            count += count_typed(item, unset)
    return count


def unset_value() -> Any:
    from kimono_interop_data_api.types import UNSET

    return UNSET


def timed(run: Callable[[], Result]) -> Result:
    """``run()``'s result with its wall (``seconds``) and CPU (``cpu``) time."""
    gc.collect()
    started, cpu = time.perf_counter(), time.process_time()
    found = run()
    found["seconds"] = time.perf_counter() - started
    found["cpu"] = time.process_time() - cpu
    return found


def warm_up(k: Any) -> None:
    """Let an SDK client get its token and a connection: one page of one person."""
    next(iter(k.rostering.persons.list(page_size=1).pages()), None)


# --------------------------------------------------------------------------- persons


def raw_persons(server: Server, page_size: int, read: str) -> Result:
    """Raw httpx: GET each page, json.loads it, walk its items, follow paging.next.

    Timed from the first page's request, on a client that holds its token and a
    connection (as :func:`sdk_persons`).
    """
    with httpx.Client(timeout=60) as http:
        headers = {"Authorization": f"Bearer {token(http, server)}"}

        def walk() -> Result:
            count = leaves = 0
            url: str | None = server.origin + server.persons_path
            params: dict[str, int] | None = {"page": 0, "page_size": page_size}
            while url is not None:
                response = http.get(url, params=params, headers=headers)
                response.raise_for_status()
                body = json.loads(response.content)
                if read == "count":
                    for _item in body["data"]:
                        count += 1
                elif read == "two":
                    for item in body["data"]:
                        _id, _last = item["$sys"]["id"], item["name"]["last"]
                        count += 1
                else:
                    for item in body["data"]:
                        leaves += count_raw(item)
                        count += 1
                url, params = body["paging"]["next"], None
            return {"count": count, "leaves": leaves}

        return timed(walk)


def sdk_persons(server: Server, page_size: int, read: str, *, as_dicts: bool = False) -> Result:
    """The SDK's pager: typed ``Person`` items, or plain dicts with ``as_dicts()``.

    Timed from ``list()`` to the last item, on a client that holds its token and a
    connection.
    """
    unset = unset_value()
    with sdk_client(server) as k:
        warm_up(k)

        def walk() -> Result:
            count = leaves = 0
            pager = k.rostering.persons.list(page_size=page_size)
            if as_dicts:
                for _item in pager.as_dicts():
                    count += 1
            elif read == "count":
                for _item in pager:
                    count += 1
            elif read == "two":
                for person in pager:
                    _id, _last = person.sys.id, person.name.last
                    count += 1
            else:
                for person in pager:
                    leaves += count_typed(person, unset)
                    count += 1
            return {"count": count, "leaves": leaves}

        found = timed(walk)
    found["orjson"] = orjson_loaded()
    return found


# --------------------------------------------------------------------------- export


def raw_export(server: Server, page_size: int, out: Path) -> Result:
    """The raw script: every person as one JSON line, as the API sent it (compact, UTF-8)."""
    count = 0
    with (
        httpx.Client(timeout=60) as http,
        out.open("w", encoding="utf-8", newline="") as file,
    ):
        headers = {"Authorization": f"Bearer {token(http, server)}"}
        url: str | None = server.origin + server.persons_path
        params: dict[str, int] | None = {"page": 0, "page_size": page_size}
        while url is not None:
            response = http.get(url, params=params, headers=headers)
            response.raise_for_status()
            body = json.loads(response.content)
            for item in body["data"]:
                file.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
            url, params = body["paging"]["next"], None
    return {"count": count}


def cli_export(server: Server, page_size: int, out: Path) -> Result:
    """``kimono-interop export --format jsonl --only persons``, run in this process."""
    from kimono_interop.cli import main

    argv = [
        "--base-url",
        server.origin,
        "--client-id",
        server.client_id,
        "--client-secret",
        server.client_secret,
        "export",
        "--out",
        str(out.parent),
        "--format",
        "jsonl",
        "--only",
        "persons",
        "--page-size",
        str(page_size),
    ]
    shown = io.StringIO()  # the summary table: stdout carries this walk's JSON line
    code: object = 0
    with contextlib.redirect_stdout(shown):
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code
    if code not in (0, None):
        raise SystemExit(f"export exited {code}: {shown.getvalue()[-2000:]}")
    written = out.parent / "persons.jsonl"
    if written != out:
        written.replace(out)
    with out.open("rb") as file:
        count = sum(1 for _ in file)
    return {"count": count, "orjson": orjson_loaded()}


# --------------------------------------------------------------------------- tasks


def raw_tasks(server: Server) -> Result:
    """GET /tasks, a no-op per task, one bulk PUT /tasks/ack of the batch; until empty.

    Timed from the first GET, on a client that holds its token and a connection.
    """
    with httpx.Client(timeout=60) as http:
        auth = f"Bearer {token(http, server)}"
        get_headers = {"Authorization": auth}
        put_headers = {"Authorization": auth, "Content-Type": "application/json"}

        def drain() -> Result:
            count = batches = 0
            while True:
                response = http.get(
                    server.origin + server.tasks_path, params={"page": 0}, headers=get_headers
                )
                response.raise_for_status()
                tasks = json.loads(response.content)["data"]
                if not tasks:
                    break
                for _task in tasks:
                    pass  # the handler
                acks = [{"task_id": task["id"], "status": "success"} for task in tasks]
                http.put(
                    server.origin + server.ack_path,
                    content=json.dumps(acks).encode(),
                    headers=put_headers,
                ).raise_for_status()
                count += len(tasks)
                batches += 1
            return {"count": count, "batches": batches}

        return timed(drain)


def sdk_tasks(server: Server) -> Result:
    """``client.tasks.run(handler, stop_when_empty=True)`` with a handler that does nothing.

    Timed from ``run()``, on a client that holds its token and a connection.
    """
    with sdk_client(server) as k:
        warm_up(k)

        def drain() -> Result:
            stats = k.tasks.run(lambda task: None, stop_when_empty=True, handle_signals=False)
            if stats.acknowledged != stats.handled:
                raise SystemExit(f"handled {stats.handled} tasks, acked {stats.acknowledged}")
            return {"count": stats.handled, "batches": stats.batches}

        found = timed(drain)
    found["orjson"] = orjson_loaded()
    return found


# --------------------------------------------------------------------------- look-ahead


def _check_order(item_number: str, count: int) -> None:
    if item_number != str(count):
        raise AssertionError(f"item {count} is person {item_number}: order lost")


async def _raw_page(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], page: int, size: int
) -> dict[str, Any]:
    response = await http.get(url, params={"page": page, "page_size": size}, headers=headers)
    response.raise_for_status()
    body: dict[str, Any] = json.loads(response.content)
    return body


async def raw_ahead(server: Server, page_size: int, prefetch: int, how: str, walks: int) -> Result:
    """Raw look-ahead with ``prefetch`` requests in flight while a page is walked.

    ``how``: ``window`` fetches page 0, then keeps the next ``prefetch`` pages under way
    (what the SDK once did); ``eager`` also starts pages 1..prefetch-1 with page 0, since it
    knows how pages are numbered; ``workers`` runs ``prefetch`` tasks that each take the
    next page number, fetch it and hand it over in order. Items are walked in order and
    checked. The first walk warms up (token, connections); the last is timed.
    """
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as http:
        headers = {"Authorization": f"Bearer {await async_token(http, server)}"}
        url = server.origin + server.persons_path

        async def walk() -> int:
            if how == "workers":
                return await _raw_workers(http, url, headers, page_size, prefetch)
            count, page = 0, 0
            ahead: deque[asyncio.Task[dict[str, Any]]] = deque()
            if how == "eager":
                for n in range(prefetch):
                    ahead.append(asyncio.ensure_future(_raw_page(http, url, headers, n, page_size)))
            try:
                while True:
                    if ahead:
                        body = await ahead.popleft()
                    else:
                        body = await _raw_page(http, url, headers, page, page_size)
                    has_next = body["paging"]["next"] is not None
                    if has_next:
                        while len(ahead) < prefetch:
                            number = page + 1 + len(ahead)
                            ahead.append(
                                asyncio.ensure_future(
                                    _raw_page(http, url, headers, number, page_size)
                                )
                            )
                    for item in body["data"]:
                        _check_order(item["local_id"], count)
                        count += 1
                    if not has_next:
                        return count
                    page += 1
            finally:
                for task in ahead:
                    task.cancel()
                await asyncio.gather(*ahead, return_exceptions=True)

        return await _timed_walks(walk, walks)


async def _raw_workers(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], size: int, workers: int
) -> int:
    pages: dict[int, asyncio.Future[dict[str, Any]]] = {}
    loop = asyncio.get_running_loop()
    numbers = iter(range(1 << 30))
    done = asyncio.Event()

    def slot(n: int) -> asyncio.Future[dict[str, Any]]:
        return pages.setdefault(n, loop.create_future())

    async def worker() -> None:
        for n in numbers:
            if done.is_set():
                return
            try:
                body = await _raw_page(http, url, headers, n, size)
            except Exception as exc:
                slot(n).set_exception(exc)
                return
            slot(n).set_result(body)
            if body["paging"]["next"] is None:
                return

    tasks = [asyncio.ensure_future(worker()) for _ in range(workers)]
    count, page = 0, 0
    try:
        while True:
            body = await slot(page)
            del pages[page]
            for item in body["data"]:
                _check_order(item["local_id"], count)
                count += 1
            if body["paging"]["next"] is None:
                return count
            page += 1
    finally:
        done.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def sdk_ahead(
    server: Server, page_size: int, prefetch: int, walks: int, *, as_dicts: bool = False
) -> Result:
    """``async for p in pager.prefetch(n)`` (or the plain pager for 0), in order.

    Typed items, or with ``as_dicts`` plain dicts (the look-ahead without model parsing).
    """
    import kimono_interop

    async with kimono_interop.AsyncKimonoClient(
        client_id=server.client_id, client_secret=server.client_secret, base_url=server.origin
    ) as k:

        async def walk() -> int:
            pager = k.rostering.persons.list(page_size=page_size)
            count = 0
            if as_dicts:
                async for item in pager.as_dicts().prefetch(prefetch):
                    _check_order(item["local_id"], count)
                    count += 1
                return count
            async for person in pager.prefetch(prefetch) if prefetch else pager:
                _check_order(person.local_id, count)
                count += 1
            return count

        found = await _timed_walks(walk, walks)
    found["orjson"] = orjson_loaded()
    return found


async def _timed_walks(walk: Callable[[], Any], walks: int) -> Result:
    """Run ``walk`` ``walks`` times; the first warms up, the median of the rest is the figure."""
    times: list[float] = []
    count = 0
    for n in range(walks):
        gc.collect()
        started = time.perf_counter()
        count = await walk()
        if n:
            times.append(time.perf_counter() - started)
    return {"count": count, "walk_seconds": statistics.median(times), "walks": times}


# --------------------------------------------------------------------------- clients


def clients(server: Server, repeats: int) -> Result:
    """Milliseconds to make and close a client: the process's first, then the next ones.

    With the default (https) base URL and with the bench server's plain http origin;
    and a bare ``httpx.Client()`` for comparison. Nothing is sent.
    """
    import kimono_interop

    def made(**options: Any) -> float:
        started = time.perf_counter()
        client = kimono_interop.KimonoClient(
            client_id=server.client_id, client_secret=server.client_secret, **options
        )
        client.close()
        return (time.perf_counter() - started) * 1000

    def bare() -> float:
        started = time.perf_counter()
        httpx.Client().close()
        return (time.perf_counter() - started) * 1000

    first = made()
    https = [made() for _ in range(repeats)]
    first_http = made(base_url=server.origin)
    http = [made(base_url=server.origin) for _ in range(repeats)]
    return {
        "first_ms": first,
        "next_ms": statistics.median(https),
        "first_http_ms": first_http,
        "next_http_ms": statistics.median(http),
        "httpx_ms": statistics.median([bare() for _ in range(repeats)]),
        "count": repeats,
    }


# --------------------------------------------------------------------------- memory


def rss(server: Server, count: int, page_size: int) -> Result:
    """Peak RSS of typed iteration over ``count`` persons, counting without keeping them."""
    with sdk_client(server) as k:
        pager = k.rostering.persons.list(page_size=page_size)
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        seen = 0
        for _person in pager:
            seen += 1
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if seen != count:
        raise SystemExit(f"iterated {seen} persons, expected {count}")
    return {
        "count": seen,
        "start_kib": start,
        "peak_kib": peak,
        "seconds": seconds,
        "hwm_kib": _vm_hwm(),
    }


def _vm_hwm() -> int | None:
    """The kernel's own peak RSS of this process (Linux), to cross-check ru_maxrss."""
    with contextlib.suppress(OSError, StopIteration), open("/proc/self/status") as status:
        return int(next(ln for ln in status if ln.startswith("VmHWM:")).split()[1])
    return None


# --------------------------------------------------------------------------- main


WALKS = (
    "raw-persons",
    "sdk-persons",
    "sdk-dicts",
    "raw-export",
    "cli-export",
    "raw-tasks",
    "sdk-tasks",
    "raw-ahead-window",
    "raw-ahead-eager",
    "raw-ahead-workers",
    "sdk-ahead",
    "clients",
    "rss",
)


def run_walk(args: argparse.Namespace) -> Result:
    server, size, name = Server(**json.loads(args.server)), args.page_size, args.walk
    if name == "raw-persons":
        return raw_persons(server, size, args.read)
    if name in ("sdk-persons", "sdk-dicts"):
        return sdk_persons(server, size, args.read, as_dicts=name == "sdk-dicts")
    if name == "raw-export":
        return timed(lambda: raw_export(server, size, Path(args.out)))
    if name == "cli-export":
        return timed(lambda: cli_export(server, size, Path(args.out)))
    if name == "raw-tasks":
        return raw_tasks(server)
    if name == "sdk-tasks":
        return sdk_tasks(server)
    if name.startswith("raw-ahead-"):
        how = name.removeprefix("raw-ahead-")
        return asyncio.run(raw_ahead(server, size, args.prefetch, how, args.walks))
    if name == "sdk-ahead":
        return asyncio.run(
            sdk_ahead(server, size, args.prefetch, args.walks, as_dicts=args.read == "dicts")
        )
    if name == "clients":
        return clients(server, args.repeats)
    if name == "rss":
        return rss(server, args.count, size)
    raise SystemExit(f"unknown walk {name!r}")


def import_sdk(walk: str) -> None:
    """Import what an SDK walk uses before its timer starts: imports are not the walk."""
    if walk.startswith(("raw-", "rss")):
        return  # raw walks never import the SDK; rss measures from after the client is made
    import kimono_interop
    import kimono_interop_data_api.models

    kimono_interop.KimonoClient  # noqa: B018  (loads the client's modules)
    kimono_interop_data_api.models.Person  # noqa: B018
    if walk == "cli-export":
        from kimono_interop.cli import build_cli

        build_cli()  # imports click, rich and every command


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("walk", choices=WALKS)
    parser.add_argument("--server", required=True, help="the bench server, as JSON (Server)")
    parser.add_argument("--page-size", type=int, default=2000)
    parser.add_argument("--read", choices=READS, default="count")
    parser.add_argument("--out", help="the file an export writes")
    parser.add_argument("--prefetch", type=int, default=8)
    parser.add_argument("--walks", type=int, default=2, help="look-ahead: warm-up plus timed")
    parser.add_argument("--repeats", type=int, default=20, help="clients: how many to make")
    parser.add_argument("--count", type=int, default=0, help="rss: persons expected")
    parser.add_argument(
        "--block-orjson",
        action="store_true",
        help="hide orjson, as if it were not installed (before the SDK is imported)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.block_orjson:
        sys.modules["orjson"] = None  # type: ignore[assignment]  # import orjson: ImportError
    import_sdk(args.walk)
    found = run_walk(args)
    print(json.dumps(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
