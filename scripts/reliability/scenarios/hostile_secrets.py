"""Secrets under hostile input: credentials where they do not belong must still show nowhere.

A token endpoint answering access tokens with CR/LF, a trailing newline, a space or a
non-ASCII letter; a BearerToken with a trailing newline; ``paging.next`` links
carrying ``apikey=``, ``x-api-key=``, ``id_token=`` and ``secret=`` (to the same
origin, whose next page then fails after retries, and to another origin); a
``base_url`` with ``user:password@``; tenants whose ``auth`` holds members the SDK
does not know (``shared_secret``, ``private_key``). Every call runs with the
``kimono_interop``, ``httpx`` and ``httpcore`` loggers at DEBUG. Each planted value is
distinctive, and searched for in this row's log records, exception texts and
tracebacks and reprs (by a watch of its own, so the row says exactly what leaked),
and added to the run's secret watch, so that the secrets row searches the whole run
for them too.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import re
import secrets
from collections import Counter
from collections.abc import Callable
from typing import Any

from kimono_interop import (
    APIConnectionError,
    AsyncKimonoClient,
    AuthenticationError,
    BearerToken,
    ConfigurationError,
    InternalServerError,
    KimonoClient,
    NotFoundError,
    UnsafeRedirectError,
)
from scripts.reliability.checks import outcome_of
from scripts.reliability.faults import Fault, Rule, always, rewrite, scheduled, status_fault
from scripts.reliability.hostile import FixedAnswer
from scripts.reliability.paths import TOKEN_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Elsewhere, Run, SandboxServer
from scripts.reliability.watch import SecretWatch
from scripts.service import path_of

#: The secret-named query parameters a paging link may carry.
LINK_PARAMETERS = ("apikey", "x-api-key", "id_token", "secret")


class Planted:
    """Distinctive values planted in hostile input, watched here and by the whole run."""

    def __init__(self, run: Run, local: SecretWatch) -> None:
        self.run, self.local = run, local
        self.tag = secrets.token_hex(4)
        self.values: dict[str, str] = {}

    def __call__(self, what: str) -> str:
        value = f"planted-{re.sub(r'[^a-z0-9]+', '-', what.lower())}-{self.tag}"
        self.values[what] = value
        label = f"planted secret ({what})"
        self.local.add_secret(value, label)
        self.run.watch.add_secret(value, label)
        return value

    def exception(self, exc: BaseException) -> None:
        self.local.scan_exception(exc)
        self.run.watch.scan_exception(exc)

    def repr(self, obj: object) -> None:
        self.local.scan_repr(obj)
        self.run.watch.scan_repr(obj)


def hostile_secrets(run: Run) -> Result:
    """Plant secrets in hostile answers and settings; find them nowhere."""
    result = Result(
        "hostile-secrets",
        "Secrets under hostile input",
        injected=(
            "the token endpoint answering an `access_token` with CR/LF (`\\r\\nX-Injected: "
            "1`), a trailing newline, a space, a non-ASCII letter; `BearerToken` with a "
            "trailing newline; `paging.next` carrying `apikey=`, `x-api-key=`, `id_token=`, "
            "`secret=` (same origin, whose next page answers 503, 503, 500; and another "
            "origin), sync and async; `base_url` with `user:password@` (answers 200, 404, and "
            "a closed port); tenants whose `auth` has `shared_secret` and `private_key`; "
            "`kimono_interop`, `httpx`, `httpcore` loggers at DEBUG"
        ),
        checked=(
            "each call ends as documented (AuthenticationError, ConfigurationError, "
            "InternalServerError, UnsafeRedirectError, NotFoundError, APIConnectionError, or "
            "a parse); no planted value in any log record, exception text or traceback, or "
            "repr (client, auth, tenants, pager); the secrets row searches the whole run's "
            "output for them too"
        ),
    )
    local = SecretWatch()
    plant = Planted(run, local)
    outcomes: list[str] = []
    try:
        with local.capturing():
            config = run.config(students=20, seed=45, tenants=2)
            with run.server(config) as server, Elsewhere() as elsewhere:
                _tokens(run, result, server, plant, outcomes)
                _links(run, result, server, elsewhere, plant, outcomes)
                _userinfo(run, result, server, plant, outcomes)
                _tenant_auth(run, result, server, plant, outcomes)
                result.equal("requests that reached another origin", elsewhere.requests, [])
            live = local.selftest()  # scans what came before, and proves the capture live
        local.scan()
        found = list(local.hits)
        records, texts = local.records, local.texts
        chars = local.chars
    finally:
        local.close()
    result.true("the capture is live (a canary logged through httpx is found)", live)
    result.equal("planted values found", found, [])
    for name in SecretWatch.LOGGERS:
        result.true(f"records captured from {name}", records[name] >= 1, f"{dict(records)}")
    result.amount = (
        f"{len(plant.values)} planted values in {len(outcomes)} calls; "
        f"{sum(records.values()):,} log records, {sum(texts.values())} texts"
    )
    result.note("calls: " + "; ".join(outcomes))
    result.note(
        f"searched {sum(records.values()):,} log records ({fmt_counter(records)}), "
        f"{texts['exception']} exceptions with tracebacks, {texts['repr']} reprs: "
        f"{chars / 1e6:.2f} M characters, for {len(plant.values)} planted values "
        f"({', '.join(plant.values)}); found {len(found)}"
        + (f": {', '.join(found)}" if found else "")
    )
    result.data.update(planted=len(plant.values), found=len(found), calls=len(outcomes))
    result.summary = (
        f"{len(outcomes)} calls as documented, 0 of {len(plant.values)} planted values shown"
        if not found
        else f"{len(found)} leaks: "
        + ", ".join(f"{n} x {where}" for where, n in sorted(Counter(found).items()))
    )
    return result


def _expect(
    result: Result,
    outcomes: list[str],
    name: str,
    outcome: Any,
    expected: type[BaseException] | Callable[[Any], bool],
) -> None:
    if isinstance(expected, type):
        ok = isinstance(outcome, expected)
        want = expected.__name__
    else:
        ok = not isinstance(outcome, BaseException) and bool(expected(outcome))
        want = "a parse"
    got = type(outcome).__name__ if isinstance(outcome, BaseException) else "parsed"
    result.true(f"{name}: {want}", ok, f"{got}: {outcome}"[:300])
    outcomes.append(f"{name} -> {got}")


def _tokens(
    run: Run, result: Result, server: SandboxServer, plant: Planted, outcomes: list[str]
) -> None:
    """Access tokens no header can carry, from the endpoint and from the caller."""
    for what, tail in (
        ("token with CR/LF", "\r\nX-Injected: 1"),
        ("token with a trailing newline", "\n"),
        ("token with a space", " extra"),
        ("token with a non-ASCII letter", "-\u00e9t\u00e9"),
    ):
        value = plant(what)
        server.faults.set_rules(
            Rule(
                "POST",
                re.escape(TOKEN_PATH),
                always(rewrite(_with_token(value + tail))),
            )
        )
        with KimonoClient(**server.credentials) as kimono:
            outcome = outcome_of(run, kimono.tenants.current)
            plant.repr(kimono)
            plant.repr(kimono.auth)
        server.faults.set_rules()
        if isinstance(outcome, BaseException):
            plant.exception(outcome)
        _expect(
            result, outcomes, f"the token endpoint answers a {what}", outcome, AuthenticationError
        )
    value = plant("BearerToken with a trailing newline")
    outcome = outcome_of(run, lambda: BearerToken(value + "\n"))
    if isinstance(outcome, BaseException):
        plant.exception(outcome)
    else:
        plant.repr(outcome)
    _expect(result, outcomes, "BearerToken(token + '\\n')", outcome, ConfigurationError)


def _with_token(value: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A rewrite of the token answer that hands out ``value`` as the access token."""
    return lambda body: {**body, "access_token": value}


def _links(
    run: Run,
    result: Result,
    server: SandboxServer,
    elsewhere: Elsewhere,
    plant: Planted,
    outcomes: list[str],
) -> None:
    """``paging.next`` links carrying credentials, to this origin and to another."""
    list_path = path_of("listPersons")
    values = {name: plant(f"link {name}") for name in LINK_PARAMETERS}
    query = "&".join(f"{name}={value}" for name, value in values.items())

    def link_to(origin: str) -> Fault:
        link = f"{origin}{list_path}?page=1&page_size=5&{query}"
        return rewrite(lambda body: {**body, "paging": {"next": link}})

    cases = [
        # The next page answers 503 twice (retried, each retry logged) and then 500.
        (
            "same origin, the next page failing",
            {
                0: link_to(server.url),
                1: status_fault(503),
                2: status_fault(503),
                3: status_fault(500),
            },
            InternalServerError,
        ),
        ("another origin", {0: link_to(elsewhere.url)}, UnsafeRedirectError),
    ]
    for name, schedule, expected in cases:
        for mode in ("sync", "async"):
            server.faults.set_rules(Rule("GET", re.escape(list_path), scheduled(dict(schedule))))
            if mode == "sync":
                with KimonoClient(**server.credentials) as kimono:
                    pager = kimono.rostering.persons.list(page_size=5)
                    outcome = outcome_of(run, functools.partial(list, pager))
                    plant.repr(pager)
            else:

                async def walk() -> Any:
                    async with AsyncKimonoClient(**server.credentials) as kimono:
                        pager = kimono.rostering.persons.list(page_size=5)
                        try:
                            return [p async for p in pager]
                        finally:
                            plant.repr(pager)

                outcome = outcome_of(run, functools.partial(asyncio.run, walk()))
            server.faults.set_rules()
            if isinstance(outcome, BaseException):
                plant.exception(outcome)
                plant.repr(getattr(outcome, "url", None))
            _expect(
                result, outcomes, f"paging link with secrets, {name} ({mode})", outcome, expected
            )


def _userinfo(
    run: Run, result: Result, server: SandboxServer, plant: Planted, outcomes: list[str]
) -> None:
    """A base_url with ``user:password@``: answered, refused, and unreachable."""
    password = plant("base_url password")
    with_userinfo = server.url.replace("http://", f"http://alice:{password}@")
    missing = "4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d"
    with KimonoClient(CLIENT_ID, run.client_secret, base_url=with_userinfo) as kimono:
        plant.repr(kimono)
        plant.repr(kimono.auth)
        walked = outcome_of(run, lambda: list(itertools.islice(kimono.rostering.persons.list(), 3)))
        _expect(
            result, outcomes, "base_url with user:password, a list", walked, lambda p: len(p) == 3
        )
        refused = outcome_of(run, lambda: kimono.rostering.persons.get(missing))
        _expect(result, outcomes, "base_url with user:password, a 404", refused, NotFoundError)
    with FixedAnswer(b"{}") as closing:
        closed = closing.url
    # The port is closed now: nothing listens there.
    unreachable = closed.replace("http://", f"http://alice:{password}@")
    with KimonoClient(CLIENT_ID, run.client_secret, base_url=unreachable, max_retries=0) as kimono:
        plant.repr(kimono)
        down = outcome_of(run, lambda: kimono.rostering.persons.get(missing))
    _expect(
        result, outcomes, "base_url with user:password, a closed port", down, APIConnectionError
    )
    for outcome in (walked, refused, down):
        if isinstance(outcome, BaseException):
            plant.exception(outcome)


def _tenant_auth(
    run: Run, result: Result, server: SandboxServer, plant: Planted, outcomes: list[str]
) -> None:
    """Tenants whose ``auth`` holds secrets under names the SDK has no field for."""
    shared, private = plant("tenant auth shared_secret"), plant("tenant auth private_key")

    def add_secrets(body: dict[str, Any]) -> dict[str, Any]:
        for tenant in body.get("data", []):
            tenant["auth"].update(shared_secret=shared, private_key=private)
        return body

    server.faults.set_rules(
        Rule("GET", re.escape(path_of("listInteropTenants")), always(rewrite(add_secrets)))
    )
    with KimonoClient(**server.credentials) as kimono:
        tenants = outcome_of(run, lambda: list(kimono.tenants.list()))
        server.faults.set_rules()
        _expect(
            result, outcomes, "tenants with unknown auth members", tenants, lambda t: len(t) == 2
        )
        if not isinstance(tenants, BaseException):
            for tenant in tenants:
                plant.repr(tenant)
                plant.repr(tenant.auth)
            kept = [
                (t.auth["shared_secret"], t.auth["private_key"]) == (shared, private)
                for t in tenants
            ]
            result.equal(
                "the unknown auth members are kept (to_dict, item access)", kept, [True, True]
            )
            with kimono.for_tenant(tenants[0]) as child:
                plant.repr(child)
                plant.repr(child.auth)
                current = outcome_of(run, lambda: child.tenants.current())
            _expect(
                result, outcomes, "for_tenant of such a tenant", current, lambda t: t is not None
            )
