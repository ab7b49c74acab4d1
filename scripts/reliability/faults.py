"""The faults the reliability suite injects, and the rules that choose them per request.

A :class:`Fault` says what the middleware (``scripts/reliability/middleware.py``)
does to one exchange: answer an error status, drop the connection, lose the answer
after the sandbox acted, cut the body, rewrite the JSON, revoke the tokens, or wait.
A :class:`Rule` picks the fault for each request whose method and path match,
through a picker: at seeded rates, always, on a schedule, the first n times, or on the
n-th use of each token. :class:`Exchange` is one request as the middleware recorded
it, which is what the scenarios check.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    """What the middleware does to one exchange.

    kinds: ``status`` (answer ``status`` with ``body``, without calling the sandbox),
    ``drop`` (close the connection without answering), ``lost`` (let the sandbox act,
    then close the connection: the answer is lost), ``applied`` (let the sandbox act,
    then answer ``status`` with ``body`` instead: a gateway that gave up after the
    service acted), ``truncate`` (the answer cut to
    ``keep`` of its length, with a matching Content-Length), ``short`` (the full
    Content-Length but only ``keep`` of the body, then the connection closes),
    ``rewrite`` (the sandbox's JSON answer passed through ``rewrite``), ``revoke`` (call
    ``action``, e.g. revoke every token, then let the sandbox answer), ``slow`` (wait
    ``delay`` seconds, then let the sandbox answer).
    """

    kind: str
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()
    keep: float = 0.5
    rewrite: Callable[[Any], Any] | None = None
    label: str = ""
    action: Callable[[], None] | None = None  # kind "revoke": called, then the sandbox answers
    delay: float = 0.0  # kind "slow": seconds before the sandbox answers

    @property
    def name(self) -> str:
        return self.label or (f"{self.kind} {self.status}" if self.kind == "status" else self.kind)


def error_json(status: int, code: str = "injected", message: str = "Injected failure") -> bytes:
    return json.dumps({"status": status, "code": code, "message": message}).encode()


def html_page(status: int, title: str) -> bytes:
    return (
        f"<!DOCTYPE html><html><head><title>{status} {title}</title></head>"
        f"<body><h1>{title}</h1><p>nginx</p></body></html>"
    ).encode()


def status_fault(
    status: int, *, html: str = "", retry_after: float | None = None, body: bytes | None = None
) -> Fault:
    headers = () if retry_after is None else (("Retry-After", f"{retry_after:g}"),)
    if html:
        return Fault(
            "status",
            status,
            html_page(status, html),
            "text/html",
            headers,
            label=f"{status} HTML",
        )
    return Fault("status", status, error_json(status) if body is None else body, headers=headers)


DROP = Fault("drop")
LOST = Fault("lost", label="answer lost after the server acted")
TRUNCATE = Fault("truncate")
SHORT = Fault("short", label="body shorter than Content-Length")
#: A gateway's 504 after the sandbox acted (the ack recorded, the answer replaced).
GATEWAY_AFTER = Fault(
    "applied",
    504,
    html_page(504, "Gateway Time-out"),
    "text/html",
    label="504 after the server acted",
)


def rewrite(fn: Callable[[Any], Any], label: str = "rewritten JSON") -> Fault:
    return Fault("rewrite", rewrite=fn, label=label)


#: Chooses the fault for one matching request (or None), given the request as recorded.
Picker = Callable[["Exchange"], "Fault | None"]


def at_rates(seed: int, *choices: tuple[float, Fault]) -> Picker:
    """Each matching request draws one of ``choices`` with its probability (seeded)."""
    rng = random.Random(seed)

    def pick(exchange: Exchange) -> Fault | None:
        draw = rng.random()
        for rate, fault in choices:
            if draw < rate:
                return fault
            draw -= rate
        return None

    return pick


def always(fault: Fault) -> Picker:
    return lambda exchange: fault


def scheduled(schedule: dict[int, Fault], then: Picker | None = None) -> Picker:
    """The n-th matching request (0-based) gets ``schedule[n]``; the others ask ``then``."""
    seen = itertools.count()

    def pick(exchange: Exchange) -> Fault | None:
        n = next(seen)
        if n in schedule:
            return schedule[n]
        return then(exchange) if then is not None else None

    return pick


def cycle(*faults: Fault | None) -> Picker:
    """The n-th matching request (0-based) gets ``faults[n % len(faults)]``."""
    seen = itertools.count()
    return lambda exchange: faults[next(seen) % len(faults)]


def first(count: int, fault: Fault) -> Picker:
    seen = itertools.count()
    return lambda exchange: fault if next(seen) < count else None


def revoke_every(uses: int, revoke: Callable[[str], None]) -> Picker:
    """Revoke the token (``revoke(token)``) on the ``uses``-th request carrying it.

    Only every other token (the 1st, 3rd, ... seen) is revoked, so that the others live
    to their refresh point. The request that triggers it carries a token revoked an
    instant earlier, so it is answered 401; its resend carries a token that will not be
    revoked, so no request is refused twice (the SDK resends once after a 401).
    """
    seen: Counter[str] = Counter()
    order: dict[str, int] = {}

    def pick(exchange: Exchange) -> Fault | None:
        bearer = exchange.bearer
        if bearer is None:
            return None
        order.setdefault(bearer, len(order))
        seen[bearer] += 1
        if order[bearer] % 2 or seen[bearer] != uses:
            return None
        return Fault("revoke", action=lambda: revoke(bearer), label="tokens revoked")

    return pick


@dataclass
class Rule:
    """Faults for requests whose method and path match (``path`` is a full-match regex)."""

    method: str | None
    path: str
    pick: Picker

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and re.fullmatch(
            self.path, path
        ) is not None


@dataclass
class Exchange:
    """One request as the middleware saw it."""

    method: str
    path: str
    query: str
    started: float
    start_seq: int
    status: int = 0  # 0: the client got no complete answer (dropped, lost, short)
    sent: float = 0.0  # when the answer was written (0 if none)
    end_seq: int = 0
    fault: str = ""
    bearer: str | None = None  # the access token the request carried
    basic: bool = False
    client_id: str | None = None  # token requests: who asked
    issued: str | None = None  # token requests: the token handed out
    #: GET /tasks: the ids of the batch the sandbox handed out (status 0: the client never
    #: got it, the answer was lost).
    task_ids: tuple[str, ...] = ()
    #: For an answer of 400 or more from the sandbox itself: the start of the request body
    #: and of the answer (to tell what went wrong).
    error: str = ""
    #: The client's port: one per connection, so requests on one port shared a socket.
    peer: int = 0
