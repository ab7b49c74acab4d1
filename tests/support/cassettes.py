"""Cassettes of the SDK's HTTP exchanges: how they are recorded, scrubbed, written and replayed.

Shared by ``tests/contract/test_cassettes.py`` (records and replays through pytest-recording)
and ``scripts/record.py`` (``make record``). ``tests/cassettes/`` holds:

- ``operations/<spec>/<operationId>.yaml``: one per operation (all 80), recorded
  through the SDK's public methods;
- ``flows/<name>.yaml``: multi-step flows (pagination, token refresh, task batch
  and bulk ack, 404, 409, a retried 503);
- ``documented/<operationId>-<status>-<example>.yaml``: built by
  ``scripts/record.py`` from the examples of ``spec/*.yaml``, never recorded.

Everything a recorded cassette holds goes through :class:`Scrubber` first (vcrpy's
``before_record_request``/``before_record_response`` hooks, which vcrpy also applies
to each request it matches during replay): the server's origin becomes
:data:`REPLAY_ORIGIN` (also inside bodies, e.g. ``paging.next``), only a few headers
are kept, ``Authorization`` and every secret-named field (``client_secret``,
``access_token``, ``refresh_token``, ``session_token``, ``app_auth.token``,
``password``, ``api_key`` ...) become :data:`PLACEHOLDER`, and JSON bodies are
pretty-printed so a re-record's diff reads line by line. Against the sandbox the
recording is deterministic: fixed seed, a fixed wall clock, seeded ids for the
objects the sandbox creates, and a monotonic clock that stands still
(:func:`sandbox_env`).

One module of nearly 1,000 lines: recording, scrubbing, building the documented cassettes
and replaying them share the scrubber's rules, and `make record` and the tests import it
as one piece.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import copy
import datetime as dt
import functools
import http
import json
import os
import random
import re
import ssl
import threading
import types
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx
import yaml
from vcr.request import Request
from vcr.serialize import deserialize, serialize
from vcr.serializers import yamlserializer

from kimono_interop import APIStatusError, KimonoClient
from kimono_interop._secrets import is_secret_name
from kimono_interop.sandbox.loopback import LoopbackServer
from scripts.record import CASSETTE_DIR_VARIABLE, TARGET_VARIABLE, TENANT_VARIABLES
from tests.support import TESTS
from tests.support.contract import operation_for
from tests.support.specs import load_spec, operations, resolve

CASSETTES = TESTS / "cassettes"
PLACEHOLDER = "<SCRUBBED>"
#: The origin recorded cassettes name, whatever server they were recorded from; replay
#: clients use it as their ``base_url``. ``.invalid`` never resolves (RFC 6761).
REPLAY_ORIGIN = "https://kimono.invalid"
#: The origin of the vendor's documentation, kept in the documented cassettes.
VENDOR_ORIGIN = "https://api.us2.kimonocloud.com"
PREFIXES = {"interop-data": "/v2/interop/data", "interop": "/v2/interop"}
TOKEN_PATH = "/oauth/token"

#: The sandbox recordings are made against (small, so cassettes stay readable).
SANDBOX_SETTINGS: dict[str, Any] = {"seed": 7, "students": 20, "schools": 2, "tenants": 1}
#: The sandbox's wall clock while recording: every reading advances it by one second.
WALL_CLOCK_START = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc)
#: What every vcrpy cassette of this project matches a request on (``json_body``: see
#: :func:`json_body`, registered by :func:`register`).
MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "json_body")


def cassette_dir() -> Path:
    """Where cassettes are read and written: tests/cassettes, or KIMONO_CASSETTE_DIR."""
    return Path(os.environ.get(CASSETTE_DIR_VARIABLE) or CASSETTES)


def recording_target() -> str:
    """``tenant`` when scripts/record.py records against a real tenant, else ``sandbox``."""
    return "tenant" if os.environ.get(TARGET_VARIABLE) == "tenant" else "sandbox"


# -- scrubbing ------------------------------------------------------------------------------
#: Form fields of a token request replaced too (identifiers of the account, not secrets).
FORM_IDENTITY_KEYS = frozenset({"client_id", "username"})
REQUEST_HEADERS = frozenset({"authorization", "content-type"})
RESPONSE_HEADERS = frozenset(
    {"content-type", "retry-after", "retry-after-ms", "x-should-retry", "www-authenticate"}
)
SCRUBBED_AUTHORIZATIONS = frozenset({PLACEHOLDER, f"Bearer {PLACEHOLDER}", f"Basic {PLACEHOLDER}"})


def is_secret_field(key: object, value: object) -> bool:
    """Whether ``key: value`` is a secret that must not be written (empty values are not)."""
    return is_secret_name(key) and value not in (None, "")


def scrub_json(value: Any, replace: Callable[[str], str] = lambda text: text) -> Any:
    """``value`` with every secret-named field's value replaced by the placeholder.

    ``replace`` rewrites every other string (the origin swap of :class:`Scrubber`).
    """
    if isinstance(value, dict):
        return {
            key: PLACEHOLDER if is_secret_field(key, item) else scrub_json(item, replace)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub_json(item, replace) for item in value]
    if isinstance(value, str):
        return replace(value)
    return value


def scrub_form(body: bytes) -> bytes:
    """A form body (the token request) with its secrets and client id replaced."""
    pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    scrubbed = [
        (key, PLACEHOLDER if key in FORM_IDENTITY_KEYS or is_secret_field(key, value) else value)
        for key, value in pairs
    ]
    return urlencode(scrubbed, safe="<>", quote_via=quote).encode("ascii")


def scrub_authorization(value: str) -> str:
    """``Bearer <SCRUBBED>``, ``Basic <SCRUBBED>``, or the placeholder for other schemes."""
    scheme, _, credentials = value.strip().partition(" ")
    if credentials and scheme.lower() in ("bearer", "basic"):
        return f"{scheme.capitalize()} {PLACEHOLDER}"
    return PLACEHOLDER


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_json(content_type: str | None) -> bool:
    media = _media_type(content_type)
    return media == "application/json" or media.endswith("+json")


def pretty_json(value: Any) -> bytes:
    """The JSON text cassettes store: two-space indents, one member per line, UTF-8."""
    return json.dumps(value, indent=2, ensure_ascii=False).encode("utf-8")


class Scrubber:
    """vcrpy's record hooks: what a cassette may hold of a request and of a response.

    ``origin`` is the server recorded from (``http://127.0.0.1:PORT`` or a tenant's
    ``https://...``); it becomes :data:`REPLAY_ORIGIN` everywhere. With ``origin`` None
    (replay, documented cassettes) URLs are left alone.
    """

    def __init__(self, origin: str | None) -> None:
        self.origin = origin.rstrip("/") if origin else None

    def swap_origin(self, text: str) -> str:
        if self.origin is None or self.origin == REPLAY_ORIGIN:
            return text
        return text.replace(self.origin, REPLAY_ORIGIN)

    def body(self, body: Any, content_type: str | None) -> Any:
        if not body or not isinstance(body, (bytes, str)):
            return body
        raw = body.encode("utf-8") if isinstance(body, str) else body
        media = _media_type(content_type)
        if media == "application/x-www-form-urlencoded":
            return scrub_form(raw)
        if _is_json(content_type):
            try:
                value = json.loads(raw)
            except ValueError:
                return raw
            return pretty_json(scrub_json(value, self.swap_origin))
        return raw

    def request(self, request: Request) -> Request:
        """The request as recorded: placeholder origin, two headers, secrets scrubbed."""
        request.uri = self.swap_origin(request.uri)
        kept: dict[str, str] = {}
        for name, value in request.headers.items():
            lower = name.lower()
            if lower not in REQUEST_HEADERS:
                continue
            kept[lower] = scrub_authorization(value) if lower == "authorization" else value
        request.headers = kept
        request.body = self.body(request.body, kept.get("content-type"))
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """The response as recorded: a few headers, secrets scrubbed, JSON pretty-printed."""
        headers: dict[str, list[str]] = {}
        for name, values in response["headers"].items():
            if name.lower() in RESPONSE_HEADERS:
                headers[name.lower()] = [self.swap_origin(str(value)) for value in values]
        content_type = (headers.get("content-type") or [None])[0]
        body = self.body(response["body"]["string"], content_type)
        if isinstance(body, bytes):
            headers["content-length"] = [str(len(body))]
        response["headers"] = headers
        response["body"] = {"string": body}
        return response


def _json_or_none(body: Any) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, TypeError):
        return None


def json_body(r1: Request, r2: Request) -> None:
    """vcrpy matcher: equal bodies, JSON ones by meaning (a date-time as a moment in time).

    The SDK writes ``2027-06-20T00:00:00+00:00`` where the spec's examples say
    ``2027-06-20T00:00:00Z``; both name the same instant.
    """
    b1, b2 = r1.body or b"", r2.body or b""
    if b1 == b2:
        return
    j1, j2 = _json_or_none(b1), _json_or_none(b2)
    if j1 is None or comparable(j1) != comparable(j2):
        raise AssertionError(f"bodies differ: {b1[:200]!r} != {b2[:200]!r}")


def register(vcr: Any, serializer: CassetteSerializer) -> None:
    """Teach a ``vcr.VCR`` this project's cassette format and body matcher."""
    vcr.register_serializer("yaml", serializer)
    vcr.register_matcher("json_body", json_body)


def vcr_config(origin: str | None, *, replay: bool = False) -> dict[str, Any]:
    """The keyword arguments of ``VCR.use_cassette`` for this project's cassettes.

    ``replay``: nothing will be written, so the responses a cassette holds (scrubbed
    when they were written) are not scrubbed again as vcrpy loads them.
    """
    scrubber = Scrubber(origin)
    return {
        "before_record_request": scrubber.request,
        "before_record_response": None if replay else scrubber.response,
        "decode_compressed_response": True,
        "match_on": MATCH_ON,
        "allow_playback_repeats": False,
        "record_on_exception": False,
    }


# -- the cassette file format --------------------------------------------------------------------
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Multi-line strings (the pretty-printed bodies) as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _ordered(node: Mapping[str, Any], first: Iterable[str]) -> dict[str, Any]:
    keys = [key for key in first if key in node]
    return {key: node[key] for key in keys + sorted(set(node) - set(keys))}


class CassetteSerializer:
    """vcrpy's YAML cassettes with a header comment, fixed key order and literal bodies."""

    def __init__(self, header: str) -> None:
        self.header = header

    def serialize(self, data: dict[str, Any]) -> str:
        interactions = [
            {
                "request": _ordered(
                    {
                        **item["request"],
                        "headers": dict(sorted(item["request"]["headers"].items())),
                    },
                    ("method", "uri", "headers", "body"),
                ),
                "response": _ordered(
                    {
                        **item["response"],
                        "headers": dict(sorted(item["response"]["headers"].items())),
                    },
                    ("status", "headers", "body"),
                ),
            }
            for item in data["interactions"]
        ]
        document = _ordered({**data, "interactions": interactions}, ("version", "interactions"))
        text = yaml.dump(
            document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1_000_000
        )
        return self.header + text

    @staticmethod
    def deserialize(text: str) -> Any:
        return yamlserializer.deserialize(text)


def recorded_header(target: str | None = None) -> str:
    where = (
        "a real tenant (KIMONO_BASE_URL)"
        if (target or recording_target()) == "tenant"
        else "the sandbox (" + ", ".join(f"{k}={v}" for k, v in SANDBOX_SETTINGS.items()) + ")"
    )
    return (
        f"# Recorded through the SDK by `make record` against {where}.\n"
        f"# Origin replaced by {REPLAY_ORIGIN}; secrets scrubbed before writing. Do not edit.\n"
    )


DOCUMENTED_HEADER = (
    "# Built from the spec's documented examples by scripts/record.py, NOT recorded:\n"
    "# it holds the SDK to what the vendor published. Regenerate with `make record`.\n"
)


class SerializerPlugin:
    """Makes pytest-recording use :class:`CassetteSerializer` and :func:`json_body`."""

    def __init__(self, serializer: CassetteSerializer) -> None:
        self.serializer = serializer

    def pytest_recording_configure(self, config: Any, vcr: Any) -> None:
        register(vcr, self.serializer)


def load_interactions(path: Path) -> list[tuple[Request, dict[str, Any]]]:
    """The (request, response) pairs of a cassette file, as vcrpy replays them."""
    requests, responses, *_ = deserialize(path.read_text(encoding="utf-8"), CassetteSerializer)
    return list(zip(requests, responses, strict=True))


def cassette_files(root: Path | None = None) -> list[Path]:
    """Every cassette below ``root`` (tests/cassettes), in path order."""
    return sorted((root or CASSETTES).rglob("*.yaml"))


#: The folders of tests/cassettes that scripts/record.py records (documented/ is built).
RECORDED_DIRS = ("operations", "flows")


def recorded_files() -> list[Path]:
    """Every recorded cassette (operations/ and flows/), in path order."""
    return [path for folder in RECORDED_DIRS for path in cassette_files(CASSETTES / folder)]


def operation_of(request: Request) -> str | None:
    """The operationId a cassette's request calls (None for the token endpoint)."""
    path = urlsplit(request.uri).path
    if path == TOKEN_PATH:
        return None
    return str(operation_for(request.method, path)[1]["operationId"])


def assert_all_played(cassette: Any) -> None:
    """Every interaction of a replayed cassette was played (no request went missing)."""
    assert len(cassette) > 0, "the cassette is empty"
    unplayed = [
        f"{request.method} {request.uri}"
        for index, (request, _) in enumerate(cassette.data)
        if not cassette.play_counts[index]
    ]
    assert not unplayed, f"interactions the test did not play: {unplayed}"


# -- replay checks ---------------------------------------------------------------------------------
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def comparable(value: Any) -> Any:
    """JSON compared by meaning: a date-time equals its re-serialised form."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def as_json(item: Any) -> Any:
    """A result of the SDK as JSON: a generated model's ``to_dict()``, a TaskView's ``raw``."""
    if hasattr(item, "to_dict"):
        return item.to_dict()
    if hasattr(item, "raw"):
        return dict(item.raw)
    return item


class Tape:
    """What a cassette says each operation answered, to check what the SDK made of it."""

    def __init__(self, interactions: list[tuple[Request, dict[str, Any]]]) -> None:
        self.exchanges = [
            (operation_of(request), int(response["status"]["code"]), response)
            for request, response in interactions
        ]

    def statuses(self, operation_id: str) -> list[int]:
        return [status for op, status, _ in self.exchanges if op == operation_id]

    def bodies(self, operation_id: str) -> list[Any]:
        """The parsed JSON bodies of the operation's 2xx answers, in order."""
        found = []
        for op, status, response in self.exchanges:
            if op == operation_id and 200 <= status < 300:
                body = response["body"]["string"]
                found.append(json.loads(body) if body else None)
        return found


# -- environments: where a case's client talks to ------------------------------------------------
class OneShotFaults:
    """ASGI middleware: answer the next request to (method, path) with an error status, once."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.planned: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()

    def plan(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.planned.append((method.upper(), path, status))

    def _take(self, method: str, path: str) -> int | None:
        with self.lock:
            for index, (m, p, status) in enumerate(self.planned):
                if (m, p) == (method, path):
                    del self.planned[index]
                    return status
        return None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        status = self._take(scope["method"], scope["path"]) if scope["type"] == "http" else None
        if status is None:
            await self.app(scope, receive, send)
            return
        phrase = http.HTTPStatus(status).phrase
        body = json.dumps({"status": status, "code": "unavailable", "message": phrase}).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"retry-after", b"0"),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@dataclass
class Env:
    """Where a case's client talks to, and what else the case may do there.

    Replaying, ``tape`` holds the cassette and the ``expect_*`` checks compare what the
    SDK returned with what the cassette says the server sent; recording, they do
    nothing (the cassette is being written). ``state``/``faults`` exist only when
    recording against the sandbox.
    """

    base_url: str
    credentials: dict[str, str]
    recording: bool
    state: Any = None
    faults: OneShotFaults | None = None
    tape: Tape | None = None
    origin: str | None = None

    def client(self, **options: Any) -> KimonoClient:
        if not self.recording:
            options.setdefault("transport", replay_transport())
        return KimonoClient(**self.credentials, base_url=self.base_url, **options)

    # -- what only the sandbox can do (no-ops when replaying) ----------------------------
    def expire_tokens(self) -> None:
        if self.state is not None:
            self.state.expire_tokens()

    def fail_next(self, method: str, path: str, status: int = 503) -> None:
        if self.faults is not None:
            self.faults.plan(method, path, status)

    # -- checks against the cassette (replay only) ---------------------------------------
    def expect_items(self, operation_id: str, items: Iterable[Any]) -> None:
        items = list(items)
        if self.tape is None:
            return
        sent = [item for body in self.tape.bodies(operation_id) for item in body["data"]]
        assert sent, f"{operation_id}: the cassette holds no page"
        assert comparable([as_json(i) for i in items]) == comparable(sent)

    def expect_one(self, operation_id: str, item: Any) -> None:
        if self.tape is None:
            return
        bodies = self.tape.bodies(operation_id)
        assert bodies, f"{operation_id}: the cassette holds no answer"
        assert comparable(as_json(item)) == comparable(bodies[-1]["data"])

    def expect_value(self, operation_id: str, value: Any) -> None:
        if self.tape is None:
            return
        assert value == self.tape.bodies(operation_id)[-1]

    def expect_statuses(self, operation_id: str, *statuses: int) -> None:
        if self.tape is None:
            return
        assert self.tape.statuses(operation_id) == list(statuses)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context()


def replay_transport() -> httpx.HTTPTransport:
    """A transport for replaying clients: nothing is sent, so it shares one TLS context
    instead of building its own (~50 ms per client, most of a replayed test's time)."""
    return httpx.HTTPTransport(verify=_tls_context())


def async_replay_transport() -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(verify=_tls_context())


def replay_env(cassette: Path) -> Env:
    """Replaying ``cassette``: the placeholder origin, made-up credentials (scrubbed anyway).

    Give the env its ``tape`` (``Tape(cassette.data)``) once vcrpy has loaded the cassette.
    """
    assert cassette.is_file(), f"missing cassette {cassette}; record it with `make record`"
    return Env(
        base_url=REPLAY_ORIGIN,
        credentials={"client_id": "replay-client", "client_secret": "replay-secret"},
        recording=False,
        origin=REPLAY_ORIGIN,
    )


def tenant_env() -> Env:
    """Recording against the real tenant named by KIMONO_BASE_URL / _CLIENT_ID / _CLIENT_SECRET."""
    missing = [name for name in TENANT_VARIABLES if not os.environ.get(name)]
    if missing:
        raise RuntimeError(f"recording against a tenant needs {', '.join(missing)}")
    base_url = os.environ["KIMONO_BASE_URL"].rstrip("/")
    return Env(
        base_url=base_url,
        credentials={
            "client_id": os.environ["KIMONO_CLIENT_ID"],
            "client_secret": os.environ["KIMONO_CLIENT_SECRET"],
        },
        recording=True,
        origin=base_url,
    )


class _WallClock:
    """The sandbox's idea of "now" while recording: fixed start, one second per reading."""

    def __init__(self) -> None:
        self.now = WALL_CLOCK_START

    def tick(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=1)
        return self.now


def _datetime_class(wall: _WallClock, *, advance: bool) -> type[dt.datetime]:
    class SandboxDatetime(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:  # type: ignore[override]
            moment = wall.tick() if advance else wall.now
            return moment if tz is None else moment.astimezone(tz)

    return SandboxDatetime


@contextlib.contextmanager
def _patched(target: Any, name: str, value: Any) -> Iterator[None]:
    if not hasattr(target, name):
        raise RuntimeError(
            f"{target.__name__}.{name} is gone: the sandbox changed; make "
            "tests/support/cassettes.py:deterministic_sandbox() fix its clock and ids again"
        )
    saved = getattr(target, name)
    setattr(target, name, value)
    try:
        yield
    finally:
        setattr(target, name, saved)


@contextlib.contextmanager
def deterministic_sandbox(seed: int) -> Iterator[None]:
    """Make what the sandbox takes from the clock and from uuid4 repeatable.

    The sandbox stamps tasks and the Interop objects it creates with the wall clock
    and gives those objects random ids; while this is active those come from a
    clock that starts at WALL_CLOCK_START and a generator seeded with ``seed``.
    """
    from kimono_interop.sandbox import queue
    from kimono_interop.sandbox.interop import clock

    wall = _WallClock()
    ids = random.Random(seed + 1000)

    def new_id() -> str:
        return str(uuid.UUID(int=ids.getrandbits(128), version=4))

    def now() -> str:
        return wall.tick().isoformat(timespec="milliseconds").replace("+00:00", "Z")

    datetime_module = types.SimpleNamespace(**vars(dt))
    datetime_module.datetime = _datetime_class(wall, advance=False)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_patched(clock, "now", now))
        stack.enter_context(_patched(clock, "new_id", new_id))
        stack.enter_context(_patched(clock, "dt", datetime_module))
        stack.enter_context(_patched(queue, "datetime", _datetime_class(wall, advance=True)))
        yield


@contextlib.contextmanager
def _serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its origin."""
    with LoopbackServer(app, name="recording-sandbox") as server:
        yield server.url


@contextlib.contextmanager
def sandbox_env() -> Iterator[Env]:
    """A fresh, deterministic sandbox to record against (one per cassette).

    Its monotonic clock stands still (tokens do not expire, unacknowledged tasks are
    not redelivered, ingestions stay pending); three admin tasks are queued so the
    admin queue has something to show.
    """
    from kimono_interop.sandbox import SandboxConfig, SandboxState, create_app

    config = SandboxConfig(**SANDBOX_SETTINGS)
    with deterministic_sandbox(config.seed):
        state = SandboxState.create(config, clock=lambda: 0.0)
        tenant_id = next(iter(state.tenants))
        for person in list(state.roster.persons.values())[:3]:
            state.queue.push(
                tenant_id, "data_event", "UPDATE", object_type="persons", obj=person, admin=True
            )
        faults = OneShotFaults(create_app(state))
        with _serve(faults) as origin:
            yield Env(
                base_url=origin,
                credentials={"client_id": config.client_id, "client_secret": config.client_secret},
                recording=True,
                state=state,
                faults=faults,
                origin=origin,
            )


def sandbox_secrets() -> list[str]:
    """Every secret the recording sandbox knows: its account's and its tenants' credentials."""
    from kimono_interop.sandbox import SandboxConfig, SandboxState

    state = SandboxState.create(SandboxConfig(**SANDBOX_SETTINGS))
    found = {state.config.client_secret}
    for tenant in state.tenants.values():
        found.add(tenant["auth"]["client_secret"])
    for actor in state.interop.get("actors", {}).values():
        secret = actor.get("auth", {}).get("client_secret")
        if secret:
            found.add(secret)
    return sorted(found)


# -- the secret scanner ------------------------------------------------------------------------
_BEARER = re.compile(r"\bbearer\s+(?!<SCRUBBED>)([A-Za-z0-9\-._~+/]{8,}=*)", re.I)
_BASIC = re.compile(r"\bbasic\s+(?!<SCRUBBED>)([A-Za-z0-9+/]{4,}={0,2})", re.I)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.")
_SECRET_ASSIGNMENT = re.compile(
    r"""["']?\b([A-Za-z_]*(?:secret|password|passwd|token|api_?key|private_key))\b["']?"""
    r"""\s*[:=]\s*["']?(?!<SCRUBBED>|%3CSCRUBBED%3E|null\b|None\b|["',}\]\s&]|$)([^"'\s,&}]+)""",
    re.I | re.M,
)


def find_secrets(text: str, known: Iterable[str] = ()) -> list[str]:
    """Everything secret-shaped in a cassette's text, as ``line N: what`` findings.

    Known secrets (the sandbox's), ``Bearer`` values other than the placeholder,
    decodable Basic credentials, JWTs, and secret-named fields (JSON, form, query or
    header) whose value is not the placeholder, ``null`` or empty.
    """
    findings: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        for secret in known:
            if secret and secret in line:
                findings.append(f"line {number}: a known sandbox secret ({secret[:4]}...)")
        for match in _BEARER.finditer(line):
            findings.append(f"line {number}: a Bearer credential ({match.group(1)[:4]}...)")
        for match in _BASIC.finditer(line):
            try:
                decoded = base64.b64decode(match.group(1), validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                continue
            if ":" in decoded:
                findings.append(f"line {number}: Basic credentials")
        if _JWT.search(line):
            findings.append(f"line {number}: a JWT")
        for match in _SECRET_ASSIGNMENT.finditer(line):
            key = match.group(1)
            if is_secret_name(key):
                findings.append(f"line {number}: {key} has a value that is not {PLACEHOLDER}")
    findings += _structured_findings(text)
    return findings


def _structured_findings(text: str) -> list[str]:
    """Secrets found by reading the cassette as vcrpy does (bodies parsed, headers split)."""
    try:
        pairs = list(
            zip(*deserialize(text, CassetteSerializer)[:2], strict=True)  # type: ignore[misc]
        )
    except Exception as exc:  # a cassette that does not load is itself a finding
        return [f"does not load as a cassette: {type(exc).__name__}"]
    findings: list[str] = []
    for index, (request, response) in enumerate(pairs):
        where = f"interaction {index} ({request.method} {urlsplit(request.uri).path})"
        for name, value in request.headers.items():
            if name.lower() == "authorization" and value not in SCRUBBED_AUTHORIZATIONS:
                findings.append(f"{where}: Authorization header is not scrubbed")
        for key, value in parse_qsl(urlsplit(request.uri).query):
            if is_secret_field(key, value) and value != PLACEHOLDER:
                findings.append(f"{where}: query parameter {key}")
        content_type = request.headers.get("content-type")
        findings += [f"{where} request: {f}" for f in _body_findings(request.body, content_type)]
        headers = {k.lower(): v for k, v in response["headers"].items()}
        for name in headers:
            if name in ("set-cookie", "authorization"):
                findings.append(f"{where}: response header {name}")
        content_type = (headers.get("content-type") or [None])[0]
        body = response["body"]["string"]
        findings += [f"{where} response: {f}" for f in _body_findings(body, content_type)]
    return findings


def _body_findings(body: Any, content_type: str | None) -> list[str]:
    if not body:
        return []
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    if _media_type(content_type) == "application/x-www-form-urlencoded":
        return [
            f"form field {key}"
            for key, value in parse_qsl(text, keep_blank_values=True)
            if (is_secret_field(key, value) or key in FORM_IDENTITY_KEYS) and value != PLACEHOLDER
        ]
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [f"field {path}" for path in _secret_paths(value, "$")]


def _secret_paths(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if is_secret_field(key, item) and item != PLACEHOLDER:
                yield f"{path}.{key}"
            else:
                yield from _secret_paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _secret_paths(item, f"{path}[{index}]")


# -- documented cassettes: built from the spec's examples ------------------------------------------
#: Ids in the paths of documented requests: the vendor's own example UUID, version "1.0".
DOC_ID = "123e4567-e89b-12d3-a456-426614174000"
DOC_VERSION = "1.0"
#: The blueprint documented requests send (the reference shows none).
DOC_BLUEPRINT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<integration name="text" version="1.0" release_state="unspecified">\n'
    "  <title>text</title>\n</integration>\n"
)
#: Bulk acks answered 404 are retried one by one by the SDK (to learn which ids failed).
BULK_ACKS = {"acknowledgeTasks": "acknowledgeTask", "acknowledgeAdminTasks": "acknowledgeAdminTask"}
XML_BODIES = frozenset({"createIntegrationVersion", "updateIntegrationBlueprint"})


@dataclass(frozen=True)
class Exchange:
    """One documented request and its answer."""

    method: str
    url: str
    request_body: Any
    content_type: str | None
    status: int
    response_body: Any


@dataclass(frozen=True)
class DocumentedScenario:
    """One documented example of an operation, as a cassette and as an SDK call to replay."""

    name: str
    spec: str
    operation_id: str
    source: str  # e.g. "responses.200.examples.district"
    examples: tuple[str, ...]  # as tests/support/specs.py names them: "listOrgs 200 district"
    request_body: Any
    status: int
    response_body: Any
    exchanges: tuple[Exchange, ...]


#: The query each documented call's request carries (the SDK's paging parameters).
DOC_QUERIES: dict[str, str] = {
    "listOrgs": "page=0&page_size=2",
    "createScopingSchools": "replace=true",  # the SDK sends the spec's default
    "createScopingCourses": "replace=true",
}


def _doc_query(operation: dict[str, Any]) -> str:
    """The SDK's query for a documented call: ``page=0`` on paged operations."""
    if operation["operationId"] in DOC_QUERIES:
        return DOC_QUERIES[operation["operationId"]]
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    return "page=0" if "page" in names else ""


def _doc_path(path: str, request_body: Any) -> str:
    task_id = request_body.get("task_id") if isinstance(request_body, dict) else None
    return path.replace("{id}", str(task_id or DOC_ID)).replace("{version}", DOC_VERSION)


def _json_examples(spec: dict[str, Any], holder: Any) -> list[tuple[str, Any]]:
    media = resolve(spec, holder).get("content", {}).get("application/json") or {}
    return [
        (name, resolve(spec, example)["value"])
        for name, example in media.get("examples", {}).items()
    ]


@dataclass(frozen=True)
class _Operation:
    """An operation whose documented scenarios are being built."""

    spec: str
    prefix: str
    query: str
    op: Any  # helpers.Operation
    by_id: dict[str, Any]

    def scenario(
        self,
        label: str,
        source: tuple[tuple[str, str] | None, ...],
        request: Any,
        status: int,
        answer: Any,
    ) -> DocumentedScenario:
        op, used = self.op, [part for part in source if part is not None]
        exchanges = [_exchange(op, self.prefix, self.query, request, status, answer)]
        if op.operation_id in BULK_ACKS and status == 404:
            single = self.by_id[BULK_ACKS[op.operation_id]]
            exchanges += [_exchange(single, self.prefix, "", a, 404, answer) for a in request]
        return DocumentedScenario(
            name=f"{op.operation_id}-{label}",
            spec=self.spec,
            operation_id=op.operation_id,
            source=" + ".join(
                ("requestBody" if where == "request" else f"responses.{where}")
                + f".examples.{name}"
                for where, name in used
            ),
            examples=tuple(f"{op.operation_id} {where} {name}" for where, name in used),
            request_body=request,
            status=status,
            response_body=answer,
            exchanges=tuple(exchanges),
        )


def documented_scenarios() -> list[DocumentedScenario]:
    """Every documented example of both specs as a scenario (sorted by name).

    A success answer's example is paired with each request example (or none); a
    request example without a success example gets the documented success status and
    no body; each error example gets the first request example.
    """
    found: list[DocumentedScenario] = []
    for spec_name, prefix in PREFIXES.items():
        spec = load_spec(spec_name)
        by_id = {op.operation_id: op for op in operations(spec_name)}
        for op in by_id.values():
            body = op.body
            parameters = [resolve(spec, p) for p in body.get("parameters", [])]
            query = _doc_query({**body, "parameters": parameters})
            this = _Operation(spec_name, prefix, query, op, by_id)
            requests = _json_examples(spec, body["requestBody"]) if "requestBody" in body else []
            responses = {int(s): _json_examples(spec, r) for s, r in body["responses"].items()}
            success = min(status for status in responses if 200 <= status < 300)
            ok_examples = [(s, n, v) for s, items in responses.items() if s < 300 for n, v in items]
            for req_name, request in requests or [(None, None)]:
                for status, name, answer in ok_examples or [(success, None, None)]:
                    if req_name is None and name is None:
                        continue
                    label = f"{status}-" + (
                        name if len(requests) <= 1 and name else req_name or str(name)
                    )
                    source = (
                        ("request", req_name) if req_name else None,
                        (str(status), name) if name else None,
                    )
                    found.append(this.scenario(label, source, request, status, answer))
            first_request = requests[0][1] if requests else None
            for status, items in responses.items():
                if status < 400:
                    continue
                for name, answer in items:
                    source = (None, (str(status), name))
                    found.append(
                        this.scenario(f"{status}-{name}", source, first_request, status, answer)
                    )
    return sorted(found, key=lambda s: s.name)


def _exchange(op: Any, prefix: str, query: str, request: Any, status: int, answer: Any) -> Exchange:
    url = VENDOR_ORIGIN + prefix + _doc_path(op.path, request) + (f"?{query}" if query else "")
    if op.operation_id in XML_BODIES:
        return Exchange(op.method, url, DOC_BLUEPRINT, "application/xml", status, answer)
    content_type = "application/json" if request is not None else None
    return Exchange(op.method, url, request, content_type, status, answer)


def documented_cassette(scenario: DocumentedScenario) -> str:
    """The text of a scenario's cassette (scrubbed like a recorded one)."""
    scrubber = Scrubber(None)
    requests, responses = [], []
    for exchange in scenario.exchanges:
        headers = {"authorization": "Bearer YOUR_SECRET_TOKEN"}
        body: bytes | None = None
        if exchange.content_type is not None:
            headers["content-type"] = exchange.content_type
            raw = exchange.request_body
            body = raw.encode("utf-8") if isinstance(raw, str) else pretty_json(raw)
        requests.append(scrubber.request(Request(exchange.method, exchange.url, body, headers)))
        answer = exchange.response_body
        response: dict[str, Any] = {
            "status": {"code": exchange.status, "message": http.HTTPStatus(exchange.status).phrase},
            "headers": {"content-type": ["application/json"]} if answer is not None else {},
            "body": {"string": b"" if answer is None else pretty_json(answer)},
        }
        responses.append(scrubber.response(copy.deepcopy(response)))
    header = DOCUMENTED_HEADER + (
        f"# Source: spec/{scenario.spec}.yaml, {scenario.operation_id}: {scenario.source}\n"
    )
    return serialize({"requests": requests, "responses": responses}, CassetteSerializer(header))


def documented_cassettes() -> dict[str, str]:
    """Every documented cassette: path relative to tests/cassettes -> text."""
    return {f"documented/{s.name}.yaml": documented_cassette(s) for s in documented_scenarios()}


def expect_documented_error(scenario: DocumentedScenario, error: APIStatusError) -> None:
    """The SDK's error carries what the documented error answer says."""
    body = scenario.response_body or {}
    assert error.status_code == scenario.status
    assert error.code == body.get("code")
    assert error.error_message == body.get("message")
