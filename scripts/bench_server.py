"""A fake Kimono Interop Data API for the benchmarks: token, a paged persons list, a task queue.

Run by ``python -m scripts.bench`` in a subprocess (so the server never competes with
the client being measured for the GIL); it binds 127.0.0.1 on a free port, prints
``PORT <n>`` on stdout once it is listening, and serves until SIGINT/SIGTERM:

* ``POST /oauth/token`` (form ``grant_type=client_credentials``, ``client_id``,
  ``client_secret``) -> ``{"access_token": ..., "token_type": "bearer", "expires_in": 3600}``
* ``GET /v2/interop/data/rostering/persons?page=N&page_size=M`` -> the Kimono envelope
  ``{"data": [...], "paging": {"next": "<absolute URL of page N+1>" | null}}``, with a
  bearer token required
* ``GET /v2/interop/data/tasks`` -> the next batch of at most 100 tasks (schema 3.0
  ``data_event`` ADDs of realistic persons), or an empty batch while the batch handed
  out before is not acknowledged (as the service withholds it), or when none are left;
  ``PUT /v2/interop/data/tasks/ack`` with a JSON list of TaskAcks acknowledges them (404
  and nothing recorded when an id is not one handed out)
* ``POST /_bench/config`` (JSON, every member optional): ``total`` persons in the list,
  ``latency_ms`` each list request waits before answering (``asyncio.sleep``), ``shape``
  of the persons (``realistic`` or ``small``), ``prerender``: page sizes whose templates
  to render now rather than during a measured walk, ``tasks``: refill the task queue
  with this many (its templates rendered now). Answers the settings and the queue's
  counts (``tasks_left``, ``acked``).

The server must never be the bottleneck, and it must serve a million persons
without holding them. A page body is therefore rendered once per (shape, item
count, variant) as a *template*: seeded persons (the shape of the spec's ``Person``
and its ``PersonsPage`` example) in which only the per-person number (the last group
of ``$sys.id``, ``local_id``, ``source_id.sis``, the email) and ``paging.next`` are
holes. Serving page N fills the holes with the numbers ``N*page_size ...`` by one
``bytes.join``: about a millisecond for 2,000 persons. Every person id is unique
across the whole list; four variants of each template rotate by page number, so
neighbouring pages differ in names, schools and sections. Task batches are templates
the same way (the task id, its sequence and the person's ids are the holes).

*realistic* persons are a K-12 district's students and about 8% teachers, about
1.3 kB of JSON each; *small* ones carry ``$sys`` (id, type, label, person_type),
``local_id``, a name and an email, about 250 bytes.

    python -m scripts.bench_server [--prerender 2000,100]
    python -m scripts.bench_server --sandbox 10000 [--renderer json]   # the SDK's sandbox

The benchmark imports this module for the names both sides must agree on (paths,
credentials), in processes whose memory it measures: the server's own imports (uvicorn,
the sandbox's loopback socket) are therefore made in :func:`main` only.

Accepted connections have TCP_NODELAY set (asyncio sets it on the TCP sockets it
accepts; :func:`listening_socket` also sets it on the listening socket, which Linux
copies to each accepted one): an answer written in two sends (headers, then body)
otherwise waits for the client's delayed ACK, 40 ms, on a reused connection.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from kimono_interop._constants import MAX_PAGE_SIZE, TASK_BATCH, TOKEN_PATH
from scripts.service import path_of

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PERSONS_PATH = path_of("listPersons")
TASKS_PATH = path_of("listTasks")
ACK_PATH = path_of("acknowledgeTasks")
CONFIG_PATH = "/_bench/config"
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"
ACCESS_TOKEN = "bench-access-token-0123456789abcdef"
VARIANTS = 4
SEED = 20251116
SHAPES = ("realistic", "small")
#: The tenant every task belongs to.
TENANT_ID = "7e5a1c3e-0b1d-4c57-9a55-2f4c8d1e6b20"

# Holes in a template, all filled with the item's number: as 12 digits (a valid last uuid
# group; _HOLE_SLOT marks the first hole of each item), plain, or a JSON number.
_HOLE_SLOT = "@@S@@"
_HOLE_UUID = "@@U@@"
_HOLE_NUM = "@@N@@"
_HOLE_INT = '"@@I@@"'
_HOLE_NEXT = '"@@NEXT@@"'
_HOLES = re.compile(rb'(@@S@@|@@U@@|@@N@@|"@@I@@")')

FIRST = [
    "Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances", "John",
    "Margaret", "Dennis", "Radia", "Ken", "Hedy", "Tim", "Shafi", "Niklaus", "Sophie",
    "Linus", "Adele", "Guido", "Joan", "Bjarne", "Anita", "Leslie", "Mary", "Yukihiro",
    "Lynn", "Vint", "Carol", "Brian", "Evelyn", "Maria", "Jamal", "Priya", "Wei", "Aiko",
    "Mateo", "Zanele", "Omar",
]  # fmt: skip
LAST = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen",
    "McCarthy", "Hamilton", "Ritchie", "Perlman", "Thompson", "Lamarr", "Berners-Lee",
    "Goldwasser", "Wirth", "Wilson", "Torvalds", "Goldberg", "van Rossum", "Clarke",
    "Stroustrup", "Borg", "Lamport", "Keller", "Matsumoto", "Conway", "Cerf", "Shaw",
    "Kernighan", "Boykin", "Garcia", "Nguyen", "Patel", "Chen", "Tanaka", "Rossi",
    "Dlamini", "Haddad",
]  # fmt: skip
MIDDLE = ["King", "Brewster", "Mathison", "Coleman", "Wybe", "Jane", "Ervin", "Lee", "", ""]
STREETS = ["Analytical Way", "Compiler Ct", "Babbage St", "Oak Ave", "Maple Dr", "Elm St"]
CITIES = [("Sacramento", "95814"), ("Davis", "95616"), ("Elk Grove", "95624")]
SUBJECTS = [
    "Algebra I", "Geometry", "Biology", "Chemistry", "English 10", "US History",
    "Spanish II", "Physical Education", "Art", "Computer Science", "World History",
    "Physics", "Music", "Health",
]  # fmt: skip


def _uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def _stamp(rng: random.Random, year: int) -> str:
    return (
        f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T"
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}."
        f"{rng.randint(0, 999):03d}Z"
    )


class Roster:
    """The fixed schools and sections every generated person refers to."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        self.schools = {
            level: [(_uuid(rng), name) for name in names]
            for level, names in {
                "elementary": ["Hopper Elementary", "Riverside Elementary", "Oakwood Elementary"],
                "middle": ["Lovelace Middle School", "Oakwood Middle School"],
                "high": ["Kimono High School", "Turing Academy"],
            }.items()
        }
        self.sections = [
            (_uuid(rng), f"{SUBJECTS[i % len(SUBJECTS)]} - P{1 + i % 7}") for i in range(400)
        ]


def make_person(rng: random.Random, roster: Roster) -> dict[str, Any]:
    """One realistic person; its number-dependent fields are template holes."""
    teacher = rng.random() < 0.08
    first, last = rng.choice(FIRST), rng.choice(LAST)
    middle = rng.choice(MIDDLE)
    name: dict[str, str] = {"first": first, "last": last}
    if middle:
        name["middle"] = middle
    sys_: dict[str, Any] = {
        "id": f"{_uuid(rng)[:24]}{_HOLE_SLOT}",
        "type": "persons",
        "label": f"{first} {last}",
        "person_type": "teacher" if teacher else "student",
        "school_year": 2026,
        "created_at": _stamp(rng, 2024),
        "updated_at": _stamp(rng, 2025),
        "source_id": {"sis": f"{'T' if teacher else 'S'}-{_HOLE_NUM}"},
    }
    if rng.random() < 0.5:
        sys_["app_id"] = {"lms": f"{rng.randint(10_000, 99_999)}"}
    city, postal_code = rng.choice(CITIES)
    person: dict[str, Any] = {
        "$sys": sys_,
        "local_id": _HOLE_NUM,
        "name": name,
        "address": {
            "line1": f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            "city": city,
            "state": "CA",
            "postal_code": postal_code,
            "country": "US",
        },
        "email": (
            f"{first.lower()}.{last.lower().replace(' ', '')}.{_HOLE_NUM}@"
            f"{'staff' if teacher else 'students'}.example.org"
        ),
        "sex": rng.choice(["F", "M", "F", "M", "X"]),
        "aup": rng.random() < 0.9,
    }
    grade = rng.randint(0, 12)  # a K-12 district; 0 is kindergarten
    if teacher:
        person["phone"] = f"+1-916-555-{rng.randint(0, 9999):04d}"
    else:
        person["state_id"] = f"CA-{rng.randint(100_000, 999_999)}"
        person["dob"] = f"{2020 - grade}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        person["grad_year"] = str(2026 + 12 - grade)
    if rng.random() < 0.2:
        person["$ext"] = {"lunch_program": rng.choice(["free", "reduced", "paid"])}
    level = "high" if grade >= 9 else "middle" if grade >= 6 else "elementary"
    if teacher:
        level = rng.choice(list(roster.schools))
    schools = rng.sample(roster.schools[level], 2 if rng.random() < 0.05 else 1)
    person["$schools"] = [
        {
            "id": school_id,
            "type": "orgs",
            "label": label,
            "org_type": "school",
            "$membership": {
                "status": "Active",
                **({} if teacher else {"grade": str(grade) if grade else "KG"}),
                "primary": index == 0,
                "start_date": "2025-08-20",
            },
        }
        for index, (school_id, label) in enumerate(schools)
    ]
    # Teachers teach 3-5 sections; secondary students take 5-7, elementary ones 1-2.
    if teacher:
        enrolled = rng.randint(3, 5)
    else:
        enrolled = rng.randint(5, 7) if grade >= 6 else rng.randint(1, 2)
    sections = rng.sample(roster.sections, enrolled)
    person["$sections"] = [
        {
            "id": section_id,
            "type": "sections",
            "label": label,
            "$membership": {"status": "Active", **({"primary": True} if teacher else {})},
        }
        for section_id, label in sections
    ]
    return person


def make_small_person(rng: random.Random) -> dict[str, Any]:
    """A person with little more than it needs: ``$sys``, local id, name and email."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "$sys": {
            "id": f"{_uuid(rng)[:24]}{_HOLE_SLOT}",
            "type": "persons",
            "label": f"{first} {last}",
            "person_type": "student",
        },
        "local_id": _HOLE_NUM,
        "name": {"first": first, "last": last},
        "email": f"{first.lower()}.{last.lower().replace(' ', '')}.{_HOLE_NUM}@example.org",
    }


def make_task(rng: random.Random, roster: Roster) -> dict[str, Any]:
    """A schema 3.0 task: the ADD of one realistic person, as an initial sync sends it."""
    person = make_person(rng, roster)
    person_id = person["$sys"]["id"].replace(_HOLE_SLOT, _HOLE_UUID)
    person["$sys"]["id"] = person_id
    return {
        "schema": "3.0",
        "type": "data_event",
        "id": task_id_prefix(rng) + _HOLE_SLOT,
        "tenant_id": TENANT_ID,
        "sequence": _HOLE_INT[1:-1],
        "created_at": _stamp(rng, 2025),
        "action": "ADD",
        "object_type": "persons",
        "object_id": person_id,
        "label": person["$sys"]["label"],
        "data": person,
    }


def task_id_prefix(rng: random.Random) -> str:
    """The first 24 characters of a task id: the number fills the last uuid group."""
    return _uuid(rng)[:24]


class PageTemplate:
    """A rendered page body with holes for the item numbers and the next link."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        body = json.dumps(
            {"data": items, "paging": {"next": _HOLE_NEXT[1:-1]}},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        head, tail = body.split(_HOLE_NEXT.encode())
        pieces = _HOLES.split(head)
        self.parts = pieces[0::2]
        self.tail = tail
        # Which item (slot on the page) and which format each hole takes, in order.
        self.holes: list[tuple[int, str]] = []
        slot = -1
        for kind in pieces[1::2]:
            if kind == _HOLE_SLOT.encode():
                slot += 1
            padded = kind in (_HOLE_SLOT.encode(), _HOLE_UUID.encode())
            self.holes.append((slot, "uuid" if padded else "plain"))
        self.count = slot + 1
        if self.count != len(items):
            raise AssertionError("every item must start with exactly one slot hole")

    def render(self, first_number: int, next_url: str | None) -> bytes:
        plain = [str(first_number + slot).encode() for slot in range(self.count)]
        padded = [n.rjust(12, b"0") for n in plain]
        out: list[bytes] = [b""] * (2 * len(self.parts))
        out[0::2] = self.parts
        out[1:-1:2] = [padded[slot] if kind == "uuid" else plain[slot] for slot, kind in self.holes]
        out[-1] = json.dumps(next_url).encode() + self.tail
        return b"".join(out)


class TaskQueue:
    """The queue behind ``GET /tasks``: numbered tasks, one batch out at a time."""

    def __init__(self, app: BenchApp) -> None:
        self.app = app
        self.total = 0
        self.next = 0  # the number of the next task to hand out
        self.outstanding: set[str] = set()  # ids handed out, not acknowledged
        self.acked = 0

    def refill(self, total: int) -> None:
        self.total, self.next, self.outstanding, self.acked = total, 0, set(), 0

    def batch(self) -> bytes:
        count = min(TASK_BATCH, self.total - self.next)
        if self.outstanding or count <= 0:
            return b'{"data":[],"paging":{"next":null}}'
        variant = (self.next // TASK_BATCH) % VARIANTS
        template, prefixes = self.app.task_template(count, variant)
        first = self.next
        self.outstanding = {f"{prefixes[i]}{first + i:012d}" for i in range(count)}
        self.next += count
        return template.render(first, None)

    def ack(self, acks: Any) -> bool:
        """Record the acks; False (nothing recorded) unless each names a task handed out."""
        if not isinstance(acks, list):
            return False
        ids = [a.get("task_id") if isinstance(a, dict) else None for a in acks]
        if not all(task_id in self.outstanding for task_id in ids):
            return False
        self.outstanding.difference_update(ids)
        self.acked += len(set(ids))
        return True


class BenchApp:
    """The ASGI app (raw ASGI: no framework between uvicorn and the pre-rendered bytes)."""

    def __init__(self, port: int, seed: int = SEED) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.seed = seed
        self.roster = Roster(seed)
        self.templates: dict[tuple[str, int, int], PageTemplate] = {}
        self.task_templates: dict[tuple[int, int], tuple[PageTemplate, list[str]]] = {}
        self.total = 100_000
        self.latency = 0.0
        self.shape = "realistic"
        self.tasks = TaskQueue(self)

    def template(self, count: int, variant: int, shape: str = "realistic") -> PageTemplate:
        key = (shape, count, variant)
        found = self.templates.get(key)
        if found is None:
            # The realistic templates keep the seeds they always had (same data as before).
            salt = 0 if shape == "realistic" else 104_729
            rng = random.Random(self.seed * 7919 + count * VARIANTS + variant + salt)
            if shape == "small":
                items = [make_small_person(rng) for _ in range(count)]
            else:
                items = [make_person(rng, self.roster) for _ in range(count)]
            found = PageTemplate(items)
            self.templates[key] = found
        return found

    def task_template(self, count: int, variant: int) -> tuple[PageTemplate, list[str]]:
        """A batch of ``count`` tasks, and the fixed part of each task's id."""
        key = (count, variant)
        found = self.task_templates.get(key)
        if found is None:
            rng = random.Random(self.seed * 6271 + count * VARIANTS + variant)
            tasks = [make_task(rng, self.roster) for _ in range(count)]
            prefixes = [task["id"].removesuffix(_HOLE_SLOT) for task in tasks]
            found = (PageTemplate(tasks), prefixes)
            self.task_templates[key] = found
        return found

    def persons_page(self, page: int, page_size: int) -> bytes:
        start = page * page_size
        count = max(0, min(page_size, self.total - start))
        has_next = start + page_size < self.total
        next_url = (
            f"{self.origin}{PERSONS_PATH}?page={page + 1}&page_size={page_size}"
            if has_next
            else None
        )
        if count == 0:
            return json.dumps({"data": [], "paging": {"next": None}}).encode()
        return self.template(count, page % VARIANTS, self.shape).render(start, next_url)

    def configure(self, settings: dict[str, Any]) -> dict[str, Any]:
        self.total = int(settings.get("total", self.total))
        self.latency = float(settings.get("latency_ms", self.latency * 1000)) / 1000
        shape = settings.get("shape", self.shape)
        if shape not in SHAPES:
            raise ValueError(f"shape must be one of {SHAPES}, got {shape!r}")
        self.shape = shape
        for count in settings.get("prerender", ()):
            for variant in range(VARIANTS):
                self.template(int(count), variant, self.shape)
        if "tasks" in settings:
            total = int(settings["tasks"])
            for count in {TASK_BATCH, total % TASK_BATCH} - {0}:
                for variant in range(VARIANTS):
                    self.task_template(count, variant)
            self.tasks.refill(total)
        return {
            "total": self.total,
            "latency_ms": self.latency * 1000,
            "shape": self.shape,
            "tasks_left": self.tasks.total - self.tasks.acked,
            "acked": self.tasks.acked,
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == PERSONS_PATH and method == "GET":
            await self._persons(scope, send)
        elif path == TASKS_PATH and method == "GET":
            if await self._authorized(scope, send):
                await _respond(send, 200, self.tasks.batch())
        elif path == ACK_PATH and method == "PUT":
            if await self._authorized(scope, send):
                if self.tasks.ack(json.loads(await _body(receive) or b"null")):
                    await _respond(send, 200, b"")
                else:
                    await _json(send, 404, {"status": 404, "code": "NOT_FOUND", "message": "id"})
        elif path == TOKEN_PATH and method == "POST":
            await self._token(receive, send)
        elif path == CONFIG_PATH and method == "POST":
            try:
                answer = self.configure(json.loads(await _body(receive) or b"{}"))
            except (ValueError, TypeError) as exc:
                await _json(send, 400, {"status": 400, "code": "BAD_REQUEST", "message": str(exc)})
            else:
                await _json(send, 200, answer)
        else:
            await _json(send, 404, {"status": 404, "code": "NOT_FOUND", "message": path})

    async def _authorized(self, scope: Scope, send: Send) -> bool:
        for name, value in scope["headers"]:
            if name == b"authorization":
                if value == f"Bearer {ACCESS_TOKEN}".encode():
                    return True
                break
        await _json(send, 401, {"status": 401, "code": "UNAUTHORIZED", "message": "token"})
        return False

    async def _persons(self, scope: Scope, send: Send) -> None:
        if not await self._authorized(scope, send):
            return
        query = parse_qs(scope["query_string"].decode())
        try:
            page = int(query.get("page", ["0"])[0])
            page_size = int(query.get("page_size", ["100"])[0])
        except ValueError:
            page, page_size = -1, -1
        if page < 0 or not 1 <= page_size <= MAX_PAGE_SIZE:
            await _json(send, 400, {"status": 400, "code": "BAD_REQUEST", "message": "paging"})
            return
        if self.latency:
            await asyncio.sleep(self.latency)
        await _respond(send, 200, self.persons_page(page, page_size))

    async def _token(self, receive: Receive, send: Send) -> None:
        form = parse_qs((await _body(receive)).decode())
        if form.get("grant_type") != ["client_credentials"]:
            await _json(send, 400, {"error": "unsupported_grant_type"})
        elif form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
            await _json(send, 401, {"error": "invalid_client"})
        else:
            token = {"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": 3600}
            await _json(send, 200, token)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _json(send: Send, status: int, value: Any) -> None:
    await _respond(send, status, json.dumps(value).encode())


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def listening_socket() -> socket.socket:
    """A TCP socket on 127.0.0.1 (a free port), with TCP_NODELAY for every connection.

    The sandbox's loopback socket: IPPROTO_TCP, or asyncio leaves Nagle on for accepted
    connections, and a small body written after its headers then waits for the client's
    delayed ACK.
    """
    from kimono_interop.sandbox.loopback import bound_socket

    sock = bound_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def make_server(app: BenchApp) -> Any:
    """A uvicorn server for ``app`` (h11, asyncio, quiet); run it on :func:`listening_socket`."""
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        http="h11",
        loop="asyncio",
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config)


def serve_sandbox(students: int, renderer: str | None = None) -> None:
    """Serve the SDK's own sandbox (``Sandbox``, as tests and the demo run it) until SIGINT.

    ``renderer`` (``json`` or ``orjson``) says how its lists are rendered; by default as
    the sandbox chooses. The renderer is told on stdout after the port, with, for json,
    the CPU seconds the sandbox spends rendering its roster before it serves (``warm``:
    done again here, from nothing, to be timed) and how many objects that is.
    """
    from kimono_interop.sandbox import Sandbox

    with Sandbox(students=students) as sandbox:
        fragments = getattr(sandbox.state, "fragments", None)  # the sandbox's list renderer
        if renderer is not None and fragments is not None:
            fragments.renderer = renderer
        warmed = ""
        if fragments is not None and fragments.renderer == "json" and hasattr(fragments, "warm"):
            fragments.clear()
            started = time.process_time()
            fragments.warm(sandbox.state.roster.objects())
            warmed = f" {time.process_time() - started:.6f} {len(fragments)}"
        print(f"PORT {sandbox.port}", flush=True)
        print(f"RENDERER {getattr(fragments, 'renderer', 'JSONResponse')}{warmed}", flush=True)
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--prerender",
        default="2000,100",
        help="page sizes whose realistic templates to render before listening (comma-separated)",
    )
    parser.add_argument(
        "--sandbox",
        type=int,
        metavar="STUDENTS",
        help="serve kimono_interop.sandbox.Sandbox with this many students instead",
    )
    parser.add_argument(
        "--renderer", choices=("json", "orjson"), help="--sandbox: how its lists are rendered"
    )
    args = parser.parse_args(argv)
    if args.sandbox is not None:
        serve_sandbox(args.sandbox, args.renderer)
        return
    sock = listening_socket()
    port = sock.getsockname()[1]
    app = BenchApp(port)
    for size in filter(None, args.prerender.split(",")):
        for variant in range(VARIANTS):
            app.template(int(size), variant)
    server = make_server(app)
    # Told only once the socket is bound; uvicorn starts accepting right after.
    print(f"PORT {port}", flush=True)
    # uvicorn shuts down gracefully on SIGINT, then re-raises it: that is the normal way out.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


if __name__ == "__main__":
    main()
