"""Scenario 8: bad input from the server, each surprise met with a documented outcome.

HTML error pages, non-standard statuses, slow, truncated and short answers, broken
encodings, unknown enum values, extra and missing fields, ``paging.next`` pointing
away, odd task batches and token endpoint surprises: each must end in a documented
exception or a tolerant parse that keeps the values, never in an exception from
inside generated/, with exact request counts (retried only when it should be), and
no request may reach another origin. The bodies the cases rewrite, the ``null``
fuzzing and the task batch cases are in ``server_bodies``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kimono_interop import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    KimonoClient,
    NotFoundError,
    PermissionDeniedError,
    ResponseValidationError,
    TokenServiceError,
    UnsafeRedirectError,
)
from scripts.reliability.checks import fast_retries, in_generated, last_frame, outcome_of
from scripts.reliability.faults import (
    SHORT,
    TRUNCATE,
    Fault,
    Picker,
    Rule,
    always,
    first,
    html_page,
    rewrite,
    status_fault,
)
from scripts.reliability.paths import TOKEN_PATH
from scripts.reliability.results import Result, shorten
from scripts.reliability.scenarios.server_bodies import (
    extra_fields,
    extra_fields_kept,
    null_fuzz,
    partial_walk,
    required_only,
    required_only_parsed,
    task_surprises,
    unknown_enums,
    unknown_enums_kept,
)
from scripts.reliability.servers import Elsewhere, Run, SandboxServer
from scripts.service import path_of

COUNT_PATH = path_of("countRollovers")


@dataclass
class Case:
    """One surprise from the server: the rules that make it, the call, what must happen."""

    name: str
    rules: list[Rule]
    call: Callable[[KimonoClient], Any]
    #: An exception class (documented), or a check of the value the call returned.
    expect: type[BaseException] | Callable[[Any], bool]
    #: Exactly this many requests on the faulted path (None: not checked).
    requests: int | None = None
    path: str = ""


def server_input(run: Run) -> Result:
    result = Result(
        "server",
        "Bad input from the server",
        checked=(
            "a documented exception (class, status, message) or a tolerant parse with the "
            "values kept; never an exception from inside generated/; retried only when it "
            "should be (exact request counts); the second server (another port) and the "
            "redirect target receive no request at all, so no Authorization header"
        ),
    )
    config = run.config(students=20, seed=16)
    with run.server(config) as server, Elsewhere() as elsewhere:
        state = server.state
        persons = list(state.roster.persons.values())
        person = persons[0]
        pid = person["$sys"]["id"]
        person_path = path_of("findPerson", id=pid)
        list_path = path_of("listPersons")
        pages = math.ceil(len(persons) / 5)
        origin = server.url
        other = elsewhere.url

        def get(k: KimonoClient) -> Any:
            return k.rostering.persons.get(pid)

        def walk(k: KimonoClient) -> list[Any]:
            return list(k.rostering.persons.list(page_size=5))

        def one(path: str, fault: Fault, method: str = "GET") -> list[Rule]:
            return [Rule(method, re.escape(path), always(fault))]

        def page_rewrite(fn: Callable[[dict[str, Any]], Any]) -> list[Rule]:
            return one(list_path, rewrite(lambda body: (fn(body), body)[1]))

        def away(name: str, to: str) -> Case:
            """``paging.next`` of the first page points to origin ``to``: refused, unsent."""
            link = f"{to}{list_path}?page=1&page_size=5"
            return Case(
                name,
                page_rewrite(lambda b: b["paging"].update(next=link)),
                lambda k: partial_walk(k.rostering.persons.list(page_size=5)),
                lambda r: len(r[0]) == 5 and isinstance(r[1], UnsafeRedirectError),
                1,
                list_path,
            )

        localhost = origin.replace("127.0.0.1", "localhost")
        https = origin.replace("http:", "https:")

        cases = [
            Case(
                "HTML 502 page from a proxy, every time",
                one(person_path, status_fault(502, html="Bad Gateway")),
                get,
                InternalServerError,
                3,
                person_path,
            ),
            Case(
                "HTML 200 page (a captive portal) instead of a list",
                one(list_path, Fault("status", 200, html_page(200, "Sign in"), "text/html")),
                walk,
                ResponseValidationError,
                1,
                list_path,
            ),
            Case(
                "HTML 404 page",
                one(person_path, status_fault(404, html="Not Found")),
                get,
                NotFoundError,
                1,
                person_path,
            ),
            Case(
                "HTML 403 page",
                one(person_path, status_fault(403, html="Forbidden")),
                get,
                PermissionDeniedError,
                1,
                person_path,
            ),
            Case(
                "non-standard 520 with an HTML page",
                one(
                    person_path, status_fault(520, html="Web server is returning an unknown error")
                ),
                get,
                InternalServerError,
                1,
                person_path,
            ),
            Case(
                "non-standard 599 with an ErrorType body",
                one(person_path, status_fault(599)),
                get,
                InternalServerError,
                1,
                person_path,
            ),
            Case(
                "non-standard 418",
                one(person_path, status_fault(418)),
                get,
                APIStatusError,
                1,
                person_path,
            ),
            Case(
                "non-standard 299 with the person",
                one(person_path, Fault("status", 299, json.dumps({"data": person}).encode())),
                get,
                lambda p: str(p.sys.id) == pid,
                1,
                person_path,
            ),
            Case(
                "302 redirect to another origin",
                one(
                    person_path,
                    Fault("status", 302, b"", headers=(("Location", f"{other}{person_path}"),)),
                ),
                get,
                APIStatusError,
                1,
                person_path,
            ),
            Case(
                "truncated JSON (Content-Length matches the cut body)",
                one(person_path, TRUNCATE),
                get,
                ResponseValidationError,
                1,
                person_path,
            ),
            Case(
                "truncated JSON on the second page",
                [Rule("GET", re.escape(list_path), _on_page(1, TRUNCATE))],
                lambda k: partial_walk(k.rostering.persons.list(page_size=5)),
                lambda r: (
                    r[0] == [p["$sys"]["id"] for p in persons[:5]]
                    and isinstance(r[1], ResponseValidationError)
                ),
                2,
                list_path,
            ),
            Case(
                "body shorter than Content-Length, every time",
                one(person_path, SHORT),
                get,
                APIConnectionError,
                3,
                person_path,
            ),
            Case(
                "body shorter than Content-Length, once",
                [Rule("GET", re.escape(person_path), first(1, SHORT))],
                get,
                lambda p: str(p.sys.id) == pid,
                2,
                person_path,
            ),
            Case(
                "answers slower than the 0.3 s timeout, every time",
                one(person_path, Fault("slow", delay=0.6, label="slow")),
                lambda k: k.rostering.persons.get(pid, timeout=0.3),
                APITimeoutError,
                3,
                person_path,
            ),
            Case(
                "an answer slower than the 0.3 s timeout, once",
                [Rule("GET", re.escape(person_path), first(1, Fault("slow", delay=0.6)))],
                lambda k: k.rostering.persons.get(pid, timeout=0.3),
                lambda p: str(p.sys.id) == pid,
                2,
                person_path,
            ),
            Case(
                "invalid UTF-8 in the body",
                one(person_path, Fault("status", 200, b'{"data": {"$sys": {"id": "\xff\xfe"}}}')),
                get,
                ResponseValidationError,
                1,
                person_path,
            ),
            Case(
                "Content-Encoding: gzip with a body that is not gzip",
                one(
                    person_path,
                    Fault(
                        "status", 200, b"not gzip at all", headers=(("Content-Encoding", "gzip"),)
                    ),
                ),
                get,
                APIConnectionError,
                1,
                person_path,
            ),
            Case(
                "400 whose body is a JSON array",
                one(person_path, Fault("status", 400, b'["bad", "request"]')),
                get,
                BadRequestError,
                1,
                person_path,
            ),
            Case(
                "400 whose body is JSON null",
                one(person_path, Fault("status", 400, b"null")),
                get,
                BadRequestError,
                1,
                person_path,
            ),
            Case(
                "unknown enum values (person_type, membership status, org_type)",
                page_rewrite(unknown_enums),
                walk,
                unknown_enums_kept,
                pages,
                list_path,
            ),
            Case(
                "extra fields on the person, $sys, paging and the envelope",
                page_rewrite(extra_fields),
                walk,
                extra_fields_kept,
                pages,
                list_path,
            ),
            Case(
                "missing optional fields (only what the spec requires)",
                page_rewrite(required_only),
                walk,
                required_only_parsed,
                pages,
                list_path,
            ),
            away("paging.next to another port (a second server)", other),
            away("paging.next to another host name (localhost)", localhost),
            away("paging.next to https on the same host and port", https),
            Case(
                "a count that is a JSON string",
                one(COUNT_PATH, Fault("status", 200, b'"12"')),
                lambda k: k.rollovers.count(),
                ResponseValidationError,
                1,
                COUNT_PATH,
            ),
            Case(
                "token endpoint answers an HTML page with 200",
                one(TOKEN_PATH, Fault("status", 200, html_page(200, "Login"), "text/html"), "POST"),
                get,
                AuthenticationError,
                1,
                TOKEN_PATH,
            ),
            Case(
                "token endpoint answers 503",
                one(TOKEN_PATH, status_fault(503), "POST"),
                get,
                TokenServiceError,
                3,
                TOKEN_PATH,
            ),
            Case(
                "token answer without expires_in",
                one(
                    TOKEN_PATH,
                    rewrite(lambda b: {k: v for k, v in b.items() if k != "expires_in"}),
                    "POST",
                ),
                get,
                lambda p: str(p.sys.id) == pid,
                1,
                TOKEN_PATH,
            ),
        ]
        lines: list[str] = []
        shared = KimonoClient(**server.credentials, retry=fast_retries(2))
        for case in cases:
            # One long-lived client meets every surprise in turn (as a driver's would);
            # the token cases need a client without a token yet.
            if case.path == TOKEN_PATH:
                with KimonoClient(**server.credentials, retry=fast_retries(2)) as fresh:
                    _run_case(run, result, server, fresh, case, lines)
            else:
                _run_case(run, result, server, shared, case, lines)
        shared.close()
        n_nulls, null_lines = null_fuzz(run, result, server, person, list_path)
        n_tasks = task_surprises(run, result, server)
        result.equal("requests that reached the second server", elsewhere.requests, [])
        result.note("; ".join(lines))
        result.note(null_lines)
        total = len(cases) + n_nulls + n_tasks
        result.data.update(cases=total, elsewhere=len(elsewhere.requests))
    result.injected = (
        "HTML error pages (502, 404, 403, 200), answers slower than the timeout, truncated "
        "JSON, short bodies, invalid UTF-8, "
        "broken gzip, statuses 520/599/418/299/302, unknown enum values, extra fields, only "
        "required fields, `null` for every object and array of a Person and of the envelope, "
        "`paging.next` to another port, host or scheme, odd task batches, token endpoint "
        "surprises"
    )
    result.amount = f"{total} cases"
    result.summary = (
        f"{total - len(result.failures)}/{total} cases as documented; 0 requests elsewhere"
    )
    return result


def _on_page(number: int, fault: Fault) -> Picker:
    calls = itertools.count()
    return lambda exchange: fault if next(calls) == number else None


def _run_case(
    run: Run,
    result: Result,
    server: SandboxServer,
    kimono: KimonoClient,
    case: Case,
    lines: list[str],
) -> None:
    server.faults.set_rules(*case.rules)
    mark = server.faults.mark()
    outcome = outcome_of(run, lambda: case.call(kimono))
    server.faults.set_rules()
    exchanges = server.faults.since(mark)
    sent = sum(1 for e in exchanges if e.path == case.path)
    if isinstance(case.expect, type):
        ok = isinstance(outcome, case.expect)
        got = type(outcome).__name__
        if isinstance(outcome, APIStatusError):
            got += f" {outcome.status_code}"
    else:
        ok = not isinstance(outcome, BaseException) and bool(_safely(case.expect, outcome))
        got = _describe(outcome) if ok else shorten(outcome, 120)
    problems = []
    if not ok:
        want = (
            case.expect.__name__
            if isinstance(case.expect, type)
            else "the documented outcome (a parse with the values kept, or the listed error)"
        )
        problems.append(f"expected {want}, got {shorten(outcome, 200)}")
    if isinstance(outcome, BaseException) and in_generated(outcome):
        problems.append(f"raised inside generated code ({last_frame(outcome)})")
    if case.requests is not None and sent != case.requests:
        problems.append(f"{sent} requests to {case.path}, expected {case.requests}")
    if problems:
        result.failures.append(f"{case.name}: " + "; ".join(problems))
    lines.append(f"{case.name} -> {got}")


def _describe(outcome: Any) -> str:
    """What a tolerant case ended with, in a few words."""
    if isinstance(outcome, tuple):  # (ids yielded, exception that ended the walk)
        ids, exc = outcome
        return f"{len(ids)} items, then {type(exc).__name__}" if exc else f"{len(ids)} items"
    if isinstance(outcome, list):
        return f"{len(outcome)} parsed"
    return "parsed"


def _safely(check: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(check(value))
    except Exception:
        return False
