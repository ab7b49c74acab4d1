"""A fake Kimono Interop Data API for the benchmarks: OAuth2 token plus a paged persons list.

Run by ``python -m scripts.bench`` in a subprocess (so the server never competes with
the client being measured for the GIL); it binds 127.0.0.1 on a free port, prints
``PORT <n>`` on stdout once it is listening, and serves until SIGINT/SIGTERM:

* ``POST /oauth/token`` (form ``grant_type=client_credentials``, ``client_id``,
  ``client_secret``) -> ``{"access_token": ..., "token_type": "bearer", "expires_in": 3600}``
* ``GET /v2/interop/data/rostering/persons?page=N&page_size=M`` -> the Kimono envelope
  ``{"data": [...], "paging": {"next": "<absolute URL of page N+1>" | null}}``, with a
  bearer token required
* ``POST /_bench/config`` (JSON ``{"total": int, "latency_ms": float}``): how many persons
  the list holds and how long each list request waits before answering (``asyncio.sleep``).

The server must never be the bottleneck, and it must serve a million persons
without holding them. A page body is therefore rendered once per (item count,
variant) as a *template*: realistic, seeded persons (the shape of the spec's
``Person`` and its ``PersonsPage`` example) in which only the per-person number
(the last group of ``$sys.id``, ``local_id``, ``source_id.sis``, the email) and
``paging.next`` are holes. Serving page N fills the holes with the numbers
``N*page_size ...`` by one ``bytes.join``: about a millisecond for 2,000 persons.
Every person id is unique across the whole list; four variants of each template
rotate by page number, so neighbouring pages differ in names, schools and sections.

    python -m scripts.bench_server [--prerender 2000,100]

The benchmark imports this module for the names both sides must agree on (paths,
credentials), in processes whose memory it measures: the server's own imports (uvicorn,
the sandbox's loopback socket) are therefore made in :func:`main` only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

from kimono_interop._constants import MAX_PAGE_SIZE, TOKEN_PATH
from scripts.service import path_of

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PERSONS_PATH = path_of("listPersons")
CONFIG_PATH = "/_bench/config"
CLIENT_ID = "bench-client"
CLIENT_SECRET = "bench-secret"
ACCESS_TOKEN = "bench-access-token-0123456789abcdef"
VARIANTS = 4
SEED = 20251116

# Holes in a template: the person's number as 12 digits (a valid last uuid group) or plain.
_HOLE_UUID = "@@U@@"
_HOLE_NUM = "@@N@@"
_HOLE_NEXT = '"@@NEXT@@"'
_HOLES = re.compile(rb"(@@U@@|@@N@@)")

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
        "id": f"{_uuid(rng)[:24]}{_HOLE_UUID}",
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


class PageTemplate:
    """A rendered page body with holes for the person numbers and the next link."""

    def __init__(self, persons: list[dict[str, Any]]) -> None:
        body = json.dumps(
            {"data": persons, "paging": {"next": _HOLE_NEXT[1:-1]}},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        head, tail = body.split(_HOLE_NEXT.encode())
        pieces = _HOLES.split(head)
        self.parts = pieces[0::2]
        kinds = pieces[1::2]
        self.tail = tail
        # Which person (slot on the page) and which format each hole takes, in order.
        self.holes: list[tuple[int, bool]] = []
        slot, seen_uuid = -1, 0
        for kind in kinds:
            if kind == _HOLE_UUID.encode():
                slot, seen_uuid = slot + 1, seen_uuid + 1
            self.holes.append((slot, kind == _HOLE_UUID.encode()))
        if seen_uuid != len(persons):
            raise AssertionError("every person must have exactly one $sys.id hole")

    def render(self, first_number: int, next_url: str | None) -> bytes:
        count = self.holes[-1][0] + 1 if self.holes else 0
        plain = [str(first_number + slot).encode() for slot in range(count)]
        padded = [n.rjust(12, b"0") for n in plain]
        out: list[bytes] = [b""] * (2 * len(self.parts))
        out[0::2] = self.parts
        out[1:-1:2] = [padded[slot] if is_uuid else plain[slot] for slot, is_uuid in self.holes]
        out[-1] = json.dumps(next_url).encode() + self.tail
        return b"".join(out)


class BenchApp:
    """The ASGI app (raw ASGI: no framework between uvicorn and the pre-rendered bytes)."""

    def __init__(self, port: int, seed: int = SEED) -> None:
        self.origin = f"http://127.0.0.1:{port}"
        self.seed = seed
        self.roster = Roster(seed)
        self.templates: dict[tuple[int, int], PageTemplate] = {}
        self.total = 100_000
        self.latency = 0.0

    def template(self, count: int, variant: int) -> PageTemplate:
        key = (count, variant)
        found = self.templates.get(key)
        if found is None:
            rng = random.Random(self.seed * 7919 + count * VARIANTS + variant)
            found = PageTemplate([make_person(rng, self.roster) for _ in range(count)])
            self.templates[key] = found
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
        return self.template(count, page % VARIANTS).render(start, next_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        if path == PERSONS_PATH and method == "GET":
            await self._persons(scope, send)
        elif path == TOKEN_PATH and method == "POST":
            await self._token(receive, send)
        elif path == CONFIG_PATH and method == "POST":
            settings = json.loads(await _body(receive) or b"{}")
            self.total = int(settings.get("total", self.total))
            self.latency = float(settings.get("latency_ms", self.latency * 1000)) / 1000
            await _json(send, 200, {"total": self.total, "latency_ms": self.latency * 1000})
        else:
            await _json(send, 404, {"status": 404, "code": "NOT_FOUND", "message": path})

    async def _persons(self, scope: Scope, send: Send) -> None:
        headers = dict(scope["headers"])
        if headers.get(b"authorization") != f"Bearer {ACCESS_TOKEN}".encode():
            await _json(send, 401, {"status": 401, "code": "UNAUTHORIZED", "message": "token"})
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--prerender",
        default="2000,100",
        help="page sizes whose templates to render before listening (comma-separated)",
    )
    args = parser.parse_args(argv)
    import uvicorn

    from kimono_interop.sandbox.loopback import bound_socket

    # A TCP socket (IPPROTO_TCP), or asyncio leaves Nagle on for accepted connections, and
    # a small body written after its headers then waits for the client's delayed ACK.
    sock = bound_socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    port = sock.getsockname()[1]
    app = BenchApp(port)
    for size in filter(None, args.prerender.split(",")):
        for variant in range(VARIANTS):
            app.template(int(size), variant)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        http="h11",
        loop="asyncio",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    # Told only once the socket is bound; uvicorn starts accepting right after.
    print(f"PORT {port}", flush=True)
    # uvicorn shuts down gracefully on SIGINT, then re-raises it: that is the normal way out.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[sock])


if __name__ == "__main__":
    main()
