"""The sandbox behaves like the service: the SDK over real loopback HTTP, every answer checked
against the contract, the queue's rules, auth, and the fault knobs."""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from typing import Any

import httpx
import pytest

from kimono_interop import (
    AuthenticationError,
    KimonoClient,
    NotFoundError,
    RetryPolicy,
    TaskKind,
    ref_id,
)
from kimono_interop.sandbox import Sandbox, SandboxConfig, SandboxState
from tests.support.contract import check


class Recording(httpx.BaseTransport):
    """A real HTTP transport that keeps every exchange, to check it against the contract."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.exchanges: list[tuple[str, str, int, Any]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        content = response.read()
        if request.url.path != "/oauth/token":
            body = response.json() if content else None
            self.exchanges.append((request.method, request.url.path, response.status_code, body))
        return response

    def close(self) -> None:
        self.inner.close()


#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 120, "schools": 2, "seed": 11}


def _client(
    sandbox: Sandbox, transport: httpx.BaseTransport | None = None, **kw: Any
) -> KimonoClient:
    return KimonoClient(**sandbox.credentials, transport=transport, **kw)


def test_roster_pull_matches_the_seed_and_every_answer_fits_the_contract(sandbox: Sandbox) -> None:
    """Every collection of the roster pulls the seeded counts, per-school lists hold that school's
    people, and every answer fits the spec."""
    recording = Recording()
    counts = sandbox.state.roster.counts()
    with _client(sandbox, recording) as kimono:
        r = kimono.rostering
        got = {
            "orgs": len(list(r.orgs.list(page_size=3))),
            "leas": len(list(r.leas.list())),
            "schools": len(list(r.schools.list())),
            "persons": len(list(r.persons.list(page_size=50))),
            "students": len(list(r.students.list(page_size=50))),
            "teachers": len(list(r.teachers.list())),
            "courses": len(list(r.courses.list(page_size=7))),
            "sections": len(list(r.sections.list(page_size=7))),
            "terms": len(list(r.terms.list())),
            "grading_categories": len(list(kimono.grades.categories.list(page_size=9))),
        }
        school = next(iter(r.schools.list()))
        school_id = str(school.sys.id)
        per_school = list(r.orgs.list_students(school_id))
        assert per_school and all(
            any(ref_id(ref) == school_id for ref in p.schools) for p in per_school
        )
        assert list(r.orgs.list_teachers(school_id))
        assert list(r.orgs.list_courses(school_id))
        assert list(r.orgs.list_sections(school_id))
        assert list(r.orgs.list_terms(school_id))
        lea = next(iter(r.leas.list()))
        assert r.leas.get(str(lea.sys.id)).name == lea.name
        person = next(iter(r.persons.list()))
        assert r.persons.get(str(person.sys.id)).sys.id == person.sys.id
        for lister, getter in (
            (r.courses.list, r.courses.get),
            (r.sections.list, r.sections.get),
            (r.terms.list, r.terms.get),
            (r.orgs.list, r.orgs.get),
        ):
            first = next(iter(lister()))
            assert getter(str(first.sys.id)).sys.id == first.sys.id
        with pytest.raises(NotFoundError):
            r.persons.get("00000000-0000-4000-8000-000000000000")
        with pytest.raises(NotFoundError):
            r.leas.get(school_id)  # a school is not an LEA
    assert got == counts
    operations = {check(*exchange) for exchange in recording.exchanges}
    assert len(operations) >= 20


def test_ids_are_unique_and_pages_neither_skip_nor_repeat(sandbox: Sandbox) -> None:
    """Pages of 13 yield every seeded person once, in the seed's order."""
    with _client(sandbox) as kimono:
        ids = [str(p.sys.id) for p in kimono.rostering.persons.list(page_size=13)]
    assert ids == list(sandbox.state.roster.persons)


def test_same_seed_same_data() -> None:
    """The same seed makes the same roster; another seed another one."""
    first = SandboxConfig(students=30, seed=3)
    a = Sandbox(first).state.roster
    b = Sandbox(SandboxConfig(students=30, seed=3)).state.roster
    c = Sandbox(SandboxConfig(students=30, seed=4)).state.roster
    assert a.persons == b.persons and a.sections == b.sections
    assert list(a.persons) != list(c.persons)


def test_auth_rules(sandbox: Sandbox) -> None:
    """Without a token or with an unknown one the API answers 401; wrong credentials are an
    AuthenticationError."""
    raw = httpx.get(f"{sandbox.url}/v2/interop/data/rostering/persons")
    assert raw.status_code == 401 and raw.json()["code"] == "unauthorized"
    bearer = httpx.get(
        f"{sandbox.url}/v2/interop/data/rostering/persons", headers={"Authorization": "Bearer nope"}
    )
    assert bearer.status_code == 401
    with (
        KimonoClient(sandbox.config.client_id, "wrong", base_url=sandbox.url) as kimono,
        pytest.raises(AuthenticationError),
    ):
        kimono.rostering.orgs.get("00000000-0000-4000-8000-000000000000")


def test_expired_tokens_are_refreshed_without_the_caller_noticing(sandbox: Sandbox) -> None:
    """Tokens expired mid-walk are replaced: the walk yields every person."""
    with _client(sandbox) as kimono:
        walked = 0
        for walked, _ in enumerate(kimono.rostering.persons.list(page_size=10), start=1):
            if walked == 25:
                sandbox.state.expire_tokens()
    assert walked == len(sandbox.state.roster.persons)


def test_queue_rules_batch_withhold_and_redeliver() -> None:
    """The queue hands out 100 tasks, withholds more while they are outstanding, delivers them again
    after the ack timeout, and refuses acks of unknown ids."""
    with Sandbox(students=150, ack_timeout=300) as sb, _client(sb) as kimono:
        first = kimono.tasks.receive()
        assert len(first) == 100
        assert first[0].kind is TaskKind.SYNC and first[0].action == "SYNC_START"
        assert kimono.tasks.receive() == []  # withheld: the batch is outstanding
        sb.state.queue.ack_timeout = 0  # the timeout is over (not slept: a busy machine
        # could let a short one pass before the check above)
        again = kimono.tasks.receive()
        assert [t.id for t in again] == [t.id for t in first]  # delivered again after the timeout
        kimono.tasks.ack_many([{"task_id": t.id, "status": "success"} for t in again])
        second = kimono.tasks.receive()
        assert second and second[0].sequence == first[-1].sequence + 1  # type: ignore[operator]
        stranger = "00000000-0000-4000-8000-000000000000"
        result = kimono.tasks.ack_many(
            [
                {"task_id": second[0].id, "status": "success"},
                {"task_id": stranger, "status": "success"},
            ]
        )
        assert result.failed == {stranger: f"Unknown task id(s): {stranger}"}
        assert result.acknowledged == [second[0].id]


def test_initial_sync_and_injected_changes_arrive_as_tasks() -> None:
    """The initial sync arrives as one task per object between SYNC_START and SYNC_END, then the
    grades and authenticate tasks; an injected change arrives with its changes."""
    with Sandbox(students=40) as sb, _client(sb) as kimono:
        seen: list[Any] = []
        kimono.tasks.run(seen.append, stop_when_empty=True)
        counts = sb.state.roster.counts()
        objects = sum(counts[c] for c in ("orgs", "terms", "courses", "sections", "persons"))
        extra = sb.config.grades_queries + sb.config.authenticate_requests
        assert len(seen) == objects + 2 + extra
        assert (seen[0].action, seen[-1 - extra].action) == ("SYNC_START", "SYNC_END")
        assert [t.kind for t in seen[-extra:]] == [TaskKind.GRADES_QUERY] * 2 + [
            TaskKind.AUTHENTICATE
        ]
        person = dict(next(iter(sb.state.roster.persons.values())))
        person["email"] = "changed@example.edu"
        sb.state.inject("UPDATE", "persons", person, changes={"email": "old@example.edu"})
        changed: list[Any] = []
        kimono.tasks.run(changed.append, stop_when_empty=True)
        assert [(t.action, t.object_id, t.changes) for t in changed] == [
            ("UPDATE", person["$sys"]["id"], {"email": "old@example.edu"})
        ]
        assert [a.status for a in sb.state.queue.acks].count("success") == len(seen) + 1
        assert sb.state.queue.pending() == 0


def test_faults_are_survived_with_every_item_once_in_order() -> None:
    """Under injected 5xx, 429s and dropped connections a retrying client still yields every person
    once, in order."""
    config = SandboxConfig(
        students=300, seed=5, error_rate=0.15, rate_limit_rate=0.05, drop_rate=0.05, retry_after=0
    )
    with Sandbox(config) as sb:
        retry = RetryPolicy(
            max_retries=10,
            initial_delay=0.001,
            max_delay=0.01,
            retry_statuses=frozenset({429, 500, 502, 503, 504}),  # 500 too: the faults are fake
        )
        with _client(sb, retry=retry) as kimono:
            ids = [str(p.sys.id) for p in kimono.rostering.persons.list(page_size=10)]
        statuses = [status for _, _, status in sb.state.log]
    assert ids == list(sb.state.roster.persons)
    assert {500, 502, 503} & set(statuses) and 429 in statuses and 200 in statuses


def test_latency_knob_slows_each_answer() -> None:
    """latency=0.1 delays each answer by at least 0.1 s."""
    with Sandbox(students=5, latency=0.1) as sb, _client(sb) as kimono:
        started = time.perf_counter()
        list(kimono.rostering.leas.list())
        assert time.perf_counter() - started >= 0.1


# -- where it listens ----------------------------------------------------------------------------
def test_a_taken_port_fails_at_start_with_eaddrinuse() -> None:
    """The port is bound before the server starts: one already taken fails at once."""
    with Sandbox(students=1) as first:
        second = Sandbox(students=1, port=first.port)
        with pytest.raises(OSError) as taken:
            second.start()
        assert taken.value.errno == errno.EADDRINUSE
        with _client(first) as kimono:  # the first one is untouched
            assert len(list(kimono.rostering.students.list())) == 1


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_it_serves_on_the_ipv6_loopback() -> None:
    """host="::1" serves over IPv6, and its URL has the address in brackets."""
    with Sandbox(students=2, host="::1") as sb, _client(sb) as kimono:
        assert sb.url == f"http://[::1]:{sb.port}"
        assert len(list(kimono.rostering.students.list())) == 2


#: A script serving an app whose route raises, on the project's loopback server.
RAISING_ROUTE = """
import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from kimono_interop.sandbox.loopback import LoopbackServer

async def broken(request):
    raise RuntimeError("broken on purpose")

with LoopbackServer(Starlette(routes=[Route("/broken", broken)])) as server:
    print(httpx.get(server.url + "/broken").status_code)
"""


@pytest.mark.parametrize("log", ["", "debug"])
def test_a_route_that_raises_is_one_line_on_stderr_not_a_traceback(log: str) -> None:
    """An exception in an app (a process with no logging set up, as a script's) answers 500
    and prints one line naming the request and the error, not uvicorn's traceback; the
    traceback is there at DEBUG level (KIMONO_LOG=debug)."""
    env = {k: v for k, v in os.environ.items() if k != "KIMONO_LOG"}
    done = subprocess.run(
        [sys.executable, "-c", RAISING_ROUTE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**env, "KIMONO_LOG": log} if log else env,
    )
    assert (done.returncode, done.stdout.strip()) == (0, "500"), done.stderr
    assert "Exception in ASGI application" not in done.stderr
    line = "GET /broken: RuntimeError: broken on purpose (the traceback is logged at DEBUG level)"
    if not log:
        assert done.stderr.splitlines() == [line]
    else:
        assert line in done.stderr and "Traceback" in done.stderr
        assert done.stderr.count("Traceback") == 1


# -- the shapes the public sources disagree on -------------------------------------------------
def test_references_are_nested_as_kimono_api_java_2_0_3_shows_them() -> None:
    """`$sys`-wrapped references (a person's `$sections` flat); the 2019 flat form on request."""
    with Sandbox(students=10, schools=1) as sb:
        raw = httpx.get(
            f"{sb.url}/v2/interop/data/rostering/students",
            auth=(sb.config.client_id, sb.config.client_secret),
        ).json()["data"][0]
        with _client(sb) as kimono:
            student = kimono.rostering.persons.get(raw["$sys"]["id"])
    school, section = raw["$schools"][0], raw["$sections"][0]
    assert set(school) == {"$sys"} and "id" in section and "$sys" not in section
    assert school["$sys"]["$membership"]["status"] == "Active"
    assert ref_id(student.schools[0]) == school["$sys"]["id"] == str(student.schools[0].sys.id)
    assert student.schools[0].sys.membership.status == "Active"  # type: ignore[union-attr]
    assert ref_id(student.sections[0]) == section["id"]
    flat = SandboxState.create(SandboxConfig(students=10, schools=1, references="flat"))
    person = next(iter(flat.roster.persons.values()))
    assert "id" in person["$schools"][0] and "$sys" not in person["$schools"][0]


@pytest.mark.parametrize(
    ("schema", "member"), [("1.0", "dataEvent"), ("2.0", "data_event"), ("3.0", None)]
)
def test_every_task_schema_is_served_as_the_vendor_parser_reads_it(
    schema: str, member: str | None
) -> None:
    """1.x camelCase members and fields, 2.x snake_case members, 3.x flat; all drained and acked."""
    with Sandbox(students=5, schools=1, task_schema=schema) as sb, _client(sb) as kimono:
        raw = httpx.get(
            f"{sb.url}/v2/interop/data/tasks",
            auth=(sb.config.client_id, sb.config.client_secret),
        ).json()["data"]
        data = next(t for t in raw if (member in t if member else t["type"] == "data_event"))
        if member is not None:
            assert set(data) == {"schema", member}
        if schema == "1.0":
            assert {"objectType", "objectId", "tenantId", "createdAt"} <= set(data[member])
            members = {key for task in raw for key in task if key != "schema"}
            assert members == {"syncEvent", "dataEvent", "gradesQuery", "authenticate"}
        # Let the batch just read come back at once, so the consumer drains everything.
        sb.state.queue.ack_timeout = 0.01
        time.sleep(0.02)
        seen: list[Any] = []
        stats = kimono.tasks.run(seen.append, stop_when_empty=True)
    kinds = {t.kind for t in seen}
    assert kinds == {TaskKind.SYNC, TaskKind.DATA, TaskKind.GRADES_QUERY, TaskKind.AUTHENTICATE}
    assert all(t.object_type for t in seen if t.kind is TaskKind.DATA)
    assert (stats.unackable, sb.state.queue.pending()) == (0, 0)


def test_orgs_without_sys_and_bare_single_reads_are_served_on_request() -> None:
    """The vendor's current Orgs example (top-level `id`, no `$sys`), and bare find answers."""
    config = SandboxConfig(students=5, schools=1, orgs_without_sys=True, bare_single_reads=True)
    with Sandbox(config) as sb, _client(sb) as kimono:
        auth = (sb.config.client_id, sb.config.client_secret)
        orgs = list(kimono.rostering.orgs.list())
        lea_id = next(iter(sb.state.roster.orgs))
        bare = httpx.get(f"{sb.url}/v2/interop/data/rostering/leas/{lea_id}", auth=auth).json()
        enveloped = httpx.get(f"{sb.url}/v2/interop/data/rostering/orgs/{lea_id}", auth=auth)
        lea = kimono.rostering.leas.get(lea_id)
        person_id = next(iter(sb.state.roster.persons))
        person = kimono.rostering.persons.get(person_id)
    assert [str(o.id) for o in orgs] == list(sb.state.roster.orgs)
    assert all(not o.sys for o in orgs)
    assert bare["id"] == lea_id and "data" not in bare
    assert enveloped.json()["data"]["id"] == lea_id  # findOrg stays enveloped everywhere
    assert (str(lea.id), str(person.sys.id)) == (lea_id, person_id)


def _token_answer(sandbox: Sandbox) -> dict[str, Any]:
    """The token endpoint's answer to the sandbox's own credentials."""
    answer = httpx.post(
        f"{sandbox.url}/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": sandbox.config.client_id,
            "client_secret": sandbox.config.client_secret,
        },
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _token(sandbox: Sandbox) -> str:
    token: str = _token_answer(sandbox)["access_token"]
    return token


def test_hostile_requests_get_a_4xx_never_a_500(sandbox: Sandbox) -> None:
    """Bodies nested past the parser's depth, bodies past 16 MiB, and credentials that are
    not ASCII (form or Basic) are the caller's mistakes: 400, 413 and 401, with a JSON
    error, and the sandbox goes on serving."""
    url = f"{sandbox.url}/v2/interop/data/tasks/ack"
    bearer = {"Authorization": f"Bearer {_token(sandbox)}", "Content-Type": "application/json"}
    nested = httpx.put(url, content=b"[" * 100_000 + b"]" * 100_000, headers=bearer)
    assert (nested.status_code, nested.json()["code"]) == (400, "bad_request")
    assert "nested too deeply" in nested.json()["message"]
    huge = httpx.put(url, content=b" " * (16 * 1024 * 1024 + 1), headers=bearer)
    assert (huge.status_code, huge.json()["code"]) == (413, "payload_too_large")
    form = httpx.post(
        f"{sandbox.url}/oauth/token",
        data={"grant_type": "client_credentials", "client_id": "zoë", "client_secret": "sécret"},
    )
    assert (form.status_code, form.json()) == (401, {"error": "invalid_client"})
    persons = f"{sandbox.url}/v2/interop/data/rostering/persons"
    for header in ("Basic w6k6w6k=", "Basic Zm9v\u00e9"):  # "é:é" in base64; not base64 at all
        basic = httpx.get(persons, headers={"Authorization": header.encode("latin-1")})
        assert basic.status_code == 401, header
    assert httpx.get(persons, headers={"Authorization": bearer["Authorization"]}).is_success


def test_the_request_log_and_the_tokens_stay_bounded() -> None:
    """A sandbox that runs for days keeps the latest LOG_LIMIT requests and at most
    TOKEN_LIMIT tokens: expired ones go first, then the oldest; live ones still work."""
    from kimono_interop.sandbox import state as state_module

    now = [0.0]
    state = SandboxState.create(
        SandboxConfig(students=1, schools=1, token_lifetime=10), clock=lambda: now[0]
    )
    assert state.log.maxlen == state_module.LOG_LIMIT
    vendor = state.principal_for(state.config.client_id, state.config.client_secret)
    assert vendor is not None
    limit = state_module.TOKEN_LIMIT
    old = [state.issue_token(vendor)[0] for _ in range(limit // 2)]
    now[0] = 5.0
    young = [state.issue_token(vendor)[0] for _ in range(limit - len(old))]
    now[0] = 11.0  # the first half has expired
    fresh = [state.issue_token(vendor)[0] for _ in range(10)]
    assert len(state.tokens) == len(young) + len(fresh) <= limit
    assert state.principal_of_token(young[-1]) == vendor
    assert state.principal_of_token(old[0]) is None
    now[0] = 12.0
    more = [state.issue_token(vendor)[0] for _ in range(len(old))]  # none expired: oldest go
    assert len(state.tokens) == limit
    assert state.principal_of_token(young[0]) is None and state.principal_of_token(more[-1])


def test_a_blueprint_or_token_form_over_16_mib_gets_a_413_like_any_other_body(
    sandbox: Sandbox,
) -> None:
    """The XML blueprint endpoints and the token endpoint read their body too: past
    MAX_BODY they answer 413, and nothing is stored (a sandbox serving for days would
    keep every upload)."""
    from kimono_interop.sandbox.api import MAX_BODY

    state = sandbox.state
    integration = next(iter(state.interop["integrations"].values()))["id"]
    version = next(iter(state.interop["integration_versions"].values()))["version"]
    base = f"{sandbox.url}/v2/interop/integrations/{integration}/versions"
    headers = {"Authorization": f"Bearer {_token(sandbox)}", "Content-Type": "application/xml"}
    before = len(state.interop["integration_versions"])
    for method, url, named in (
        ("POST", base, "9.1"),
        ("PUT", f"{base}/{version}/blueprint", version),
    ):
        body = f'<integration version="{named}">'.encode() + b" " * MAX_BODY + b"</integration>"
        answer = httpx.request(method, url, content=body, headers=headers, timeout=60)
        assert answer.status_code == 413, (url, answer.status_code)
        assert answer.json()["code"] == "payload_too_large"
    assert len(state.interop["integration_versions"]) == before
    form = {"grant_type": "client_credentials", "client_id": "c", "client_secret": "s" * MAX_BODY}
    answer = httpx.post(f"{sandbox.url}/oauth/token", data=form, timeout=60)
    assert (answer.status_code, answer.json()["error"]) == (413, "invalid_request")
    assert all(
        len(v["_blueprint"]) < MAX_BODY for v in state.interop["integration_versions"].values()
    )


def test_a_task_acked_twice_in_one_request_is_unknown_the_second_time(sandbox: Sandbox) -> None:
    """The second ack of one id in a bulk ack is a 404 naming it, and nothing is recorded
    (it was a 500, with the first ack applied)."""
    token = {"Authorization": f"Bearer {_token(sandbox)}"}
    tasks = httpx.get(f"{sandbox.url}/v2/interop/data/tasks", headers=token).json()["data"]
    task_id = tasks[0]["id"]
    acks_before = len(sandbox.state.queue.acks)
    twice = [{"task_id": task_id, "status": "success"}] * 2
    answer = httpx.put(f"{sandbox.url}/v2/interop/data/tasks/ack", json=twice, headers=token)
    assert answer.status_code == 404, answer.text
    assert task_id in answer.text
    assert len(sandbox.state.queue.acks) == acks_before
    once = [{"task_id": t["id"], "status": "success"} for t in tasks]
    answer = httpx.put(f"{sandbox.url}/v2/interop/data/tasks/ack", json=once, headers=token)
    assert answer.is_success, answer.text


def test_lists_stay_whole_while_changes_are_injected() -> None:
    """state.inject() from another thread while lists are served: every answer is 200
    (a list read the roster while inject changed it: "dictionary changed size")."""
    with Sandbox(students=3000) as box:
        token = {"Authorization": f"Bearer {_token(box)}"}
        done = threading.Event()

        def inject() -> None:
            n = 0
            while not done.is_set() and n < 20_000:  # bounded
                person = {"$sys": {"id": str(uuid.UUID(int=n + 1)), "person_type": "student"}}
                box.state.inject("ADD", "persons", person)
                n += 1

        injecting = threading.Thread(target=inject)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # threads switch often: the window is hit every run
        injecting.start()
        try:
            statuses = [
                httpx.get(
                    f"{box.url}/v2/interop/data/rostering/students",
                    params={"page_size": 2000},
                    headers=token,
                ).status_code
                for _ in range(15)
            ]
        finally:
            done.set()
            injecting.join()
            sys.setswitchinterval(interval)
    assert statuses == [200] * 15


def test_a_token_lifetime_under_a_second_is_announced_as_a_second() -> None:
    """expires_in was the lifetime cut to whole seconds: 0 for half a second, so a client
    asked for a token before each request and never met an expired one."""
    with Sandbox(students=1, token_lifetime=0.5) as box:
        assert _token_answer(box)["expires_in"] == 1
