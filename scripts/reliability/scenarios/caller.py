"""Scenario 7: bad input from the caller, refused before any request is sent.

Malformed ids, bad page sizes, wrong types, bad acks and options: each must raise
ValueError, TypeError or ConfigurationError naming the parameter, before the sandbox
sees a request, and never from inside generated/. UUID spellings that do name an id
(braces, upper case, ``urn:uuid:``, ``uuid.UUID``) must be accepted.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from kimono_interop import ConfigurationError, KimonoClient, RetryPolicy, TaskView
from scripts.reliability.checks import in_generated, last_frame, outcome_of, person_ids
from scripts.reliability.results import Result, shorten
from scripts.reliability.servers import Run


def caller_input(run: Run) -> Result:
    result = Result(
        "caller",
        "Bad input from the caller",
        injected="malformed ids, bad page sizes, wrong types, bad acks and options",
        checked=(
            "ValueError (TypeError for a wrong type; ConfigurationError for client settings) "
            "naming the parameter, raised before any request (the sandbox saw none); the "
            "last frame never in generated/; UUID spellings that name an id are accepted"
        ),
    )
    config = run.config(students=20, seed=15)
    with run.server(config) as server:
        person = person_ids(server.state)[0]
        braces = "{" + person.upper() + "}"

        def handler(task: TaskView) -> None:
            return None

        KC = KimonoClient
        creds = server.credentials
        cases: list[tuple[str, Callable[[KimonoClient], Any], type[BaseException], str]] = [
            (
                "get_person('not-a-uuid')",
                lambda k: k.rostering.persons.get("not-a-uuid"),
                ValueError,
                "person_id",
            ),
            ("get_person('')", lambda k: k.rostering.persons.get(""), ValueError, "person_id"),
            ("get_person(' ')", lambda k: k.rostering.persons.get("   "), ValueError, "person_id"),
            (
                "get_person('../../tenants')",
                lambda k: k.rostering.persons.get("../../tenants"),
                ValueError,
                "person_id",
            ),
            (
                "get_person(id + '/ack')",
                lambda k: k.rostering.persons.get(person + "/ack"),
                ValueError,
                "person_id",
            ),
            ("get_person(None)", lambda k: k.rostering.persons.get(None), TypeError, "person_id"),
            ("get_person(42)", lambda k: k.rostering.persons.get(42), TypeError, "person_id"),
            (
                "get_person(b'bytes')",
                lambda k: k.rostering.persons.get(person.encode()),
                TypeError,
                "person_id",
            ),
            (
                "list_students_for_org('x')",
                lambda k: k.rostering.orgs.list_students("x"),
                ValueError,
                "org_id",
            ),
            (
                "list_students(page_size=0)",
                lambda k: k.rostering.students.list(page_size=0),
                ValueError,
                "page_size",
            ),
            (
                "list_students(page_size=-1)",
                lambda k: k.rostering.students.list(page_size=-1),
                ValueError,
                "page_size",
            ),
            (
                "list_students(page_size=2001)",
                lambda k: k.rostering.students.list(page_size=2001),
                ValueError,
                "page_size",
            ),
            (
                "list_students(page_size='100')",
                lambda k: k.rostering.students.list(page_size="100"),
                TypeError,
                "page_size",
            ),
            (
                "list_students(page_size=True)",
                lambda k: k.rostering.students.list(page_size=True),
                TypeError,
                "page_size",
            ),
            (
                "list_students(page_size=1.5)",
                lambda k: k.rostering.students.list(page_size=1.5),
                TypeError,
                "page_size",
            ),
            ("tasks.ack(id, 'done')", lambda k: k.tasks.ack(person, "done"), ValueError, "status"),
            ("tasks.ack(' ')", lambda k: k.tasks.ack(" "), ValueError, "task_id"),
            ("tasks.ack(7)", lambda k: k.tasks.ack(7), TypeError, "task_id"),
            ("tasks.ack_many([])", lambda k: k.tasks.ack_many([]), ValueError, "acks"),
            (
                "tasks.ack_many([{'task_id': '', ...}])",
                lambda k: k.tasks.ack_many([{"task_id": "", "status": "success"}]),
                ValueError,
                "acks[0]",
            ),
            (
                "tasks.ack_many([{'task_id': id}])",
                lambda k: k.tasks.ack_many([{"task_id": person}]),
                ValueError,
                "acks[0]",
            ),
            ("tasks.ack_many([42])", lambda k: k.tasks.ack_many([42]), TypeError, "acks[0]"),
            (
                "tasks.next_batch(tenant_id='x')",
                lambda k: k.tasks.next_batch(tenant_id="x"),
                ValueError,
                "tenant_id",
            ),
            (
                "tasks.run('not callable')",
                lambda k: k.tasks.run("not callable"),
                TypeError,
                "handler",
            ),
            (
                "tasks.run(h, max_tasks=0)",
                lambda k: k.tasks.run(handler, max_tasks=0),
                ValueError,
                "max_tasks",
            ),
            (
                "tasks.run(h, poll_interval=-1)",
                lambda k: k.tasks.run(handler, poll_interval=-1),
                ValueError,
                "poll_interval",
            ),
            (
                "KimonoClient(base_url='ftp://x')",
                lambda k: KC(creds["client_id"], creds["client_secret"], base_url="ftp://x"),
                ConfigurationError,
                "base_url",
            ),
            (
                "KimonoClient(client_id='')",
                lambda k: KC("", creds["client_secret"], base_url=creds["base_url"]),
                ConfigurationError,
                "client_id",
            ),
            (
                "RetryPolicy(max_retries=-1)",
                lambda k: RetryPolicy(max_retries=-1),
                ValueError,
                "max_retries",
            ),
        ]
        lines = []
        with KimonoClient(**server.credentials) as kimono:
            for name, call, expected, parameter in cases:
                mark = server.faults.mark()
                outcome = outcome_of(run, lambda call=call: call(kimono))
                sent = len(server.faults.since(mark))
                exc = outcome if isinstance(outcome, BaseException) else None
                ok = (
                    isinstance(exc, expected)
                    and parameter in str(exc)
                    and sent == 0
                    and not in_generated(exc)
                )
                if not ok:
                    result.failures.append(
                        f"{name}: expected {expected.__name__} naming {parameter!r} and no "
                        f"request; got {shorten(outcome)} after {sent} request(s), last frame "
                        f"{last_frame(exc) if exc else '-'}"
                    )
                lines.append(f"`{name}` -> {type(exc).__name__ if exc else 'no error'}")
            # Accepted spellings: braces, upper case, urn: and uuid.UUID name the same id.
            for label, value in (
                ("{UPPER-CASE}", braces),
                ("urn:uuid:", f"urn:uuid:{person}"),
                ("uuid.UUID", uuid.UUID(person)),
            ):
                outcome = outcome_of(run, lambda v=value: kimono.rostering.persons.get(v))
                got = str(outcome.sys.id) if not isinstance(outcome, BaseException) else outcome
                result.equal(f"get_person({label}) finds the person", got, person)
        result.data.update(cases=len(cases))
        result.note(f"{len(cases)} bad calls: " + "; ".join(lines))
        result.note("accepted: the same UUID in braces and upper case, as urn:uuid:, as uuid.UUID")
    result.amount = f"{len(cases)} calls"
    result.summary = (
        f"{len(cases) - len(result.failures)}/{len(cases)} raised as documented before sending"
    )
    return result
