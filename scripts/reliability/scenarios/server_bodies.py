"""The bodies scenario 8 (bad input from the server) rewrites, and its two sweeps.

What the cases of ``server`` do to an answer and how they check what the SDK made
of it (unknown enum values, extra fields, only the required fields), then the
``null`` sweep (``null`` in place of each object and array of a person and of the
list envelope) and the odd task batches. Kept apart from ``server`` so that neither
module passes 500 lines.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import yaml

from kimono_interop import KimonoClient, ResponseValidationError, TaskKind, TaskView
from kimono_interop_data_api.types import Unset
from scripts.reliability import ROOT
from scripts.reliability.checks import (
    fast_retries,
    in_generated,
    last_frame,
    outcome_of,
    push_tasks,
)
from scripts.reliability.faults import Rule, first, rewrite
from scripts.reliability.paths import TASKS_PATH
from scripts.reliability.results import Result, fmt_counter, shorten
from scripts.reliability.servers import Run, SandboxServer


def partial_walk(pager: Any) -> tuple[list[str], BaseException | None]:
    """The ids a pager yielded, and the exception that ended it (or None)."""
    got: list[str] = []
    try:
        for item in pager:
            got.append(str(item.sys.id))
    except Exception as exc:
        return got, exc
    return got, None


def unknown_enums(body: dict[str, Any]) -> None:
    for person in body["data"]:
        person["$sys"]["person_type"] = "guardian"
        for school in person.get("$schools", []):
            school["$sys"]["org_type"] = "district_office"
            school["$sys"]["$membership"]["status"] = "Suspended"


def unknown_enums_kept(people: list[Any]) -> bool:
    p = people[0]
    school = p.schools[0].sys  # references are nested under $sys
    return (
        p.sys.person_type.value == "guardian"
        and not p.sys.person_type.is_known
        and school.org_type.value == "district_office"
        and not school.org_type.is_known
        and school.membership.status.value == "Suspended"
        and not school.membership.status.is_known
    )


def extra_fields(body: dict[str, Any]) -> None:
    body["meta"] = {"total": 1}
    body["paging"]["total"] = 99
    for person in body["data"]:
        person["x_rel_new"] = {"nested": [1, 2]}
        person["$sys"]["x_rel_flag"] = True


def extra_fields_kept(people: list[Any]) -> bool:
    p = people[0]
    return (
        p["x_rel_new"] == {"nested": [1, 2]}
        and p.sys["x_rel_flag"] is True
        and p.to_dict()["x_rel_new"] == {"nested": [1, 2]}
    )


def required_only(body: dict[str, Any]) -> None:
    spec = _spec("interop-data")
    body["data"] = [_strip(spec, {"$ref": "#/components/schemas/Person"}, p) for p in body["data"]]


def required_only_parsed(people: list[Any]) -> bool:
    p = people[0]
    return (
        isinstance(p.name, Unset)
        and isinstance(p.schools, Unset)
        and isinstance(p.sys.person_type, Unset)
        and all(isinstance(q.email, Unset) for q in people)
    )


_SPECS: dict[str, Any] = {}


def _spec(name: str) -> Any:
    if name not in _SPECS:
        _SPECS[name] = yaml.safe_load((ROOT / "spec" / f"{name}.yaml").read_text())
    return _SPECS[name]


def _resolve(spec: Any, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _strip(spec: Any, schema: Any, value: Any) -> Any:
    """``value`` with only the properties its schema requires, recursively."""
    schema = _resolve(spec, schema)
    if not isinstance(value, dict) or not isinstance(schema, dict):
        return value
    parts = [_resolve(spec, s) for s in schema.get("allOf", [])] + [schema]
    required: set[str] = set()
    properties: dict[str, Any] = {}
    for part in parts:
        required.update(part.get("required", []))
        properties.update(part.get("properties", {}))
    return {
        key: _strip(spec, properties.get(key, {}), item)
        for key, item in value.items()
        if key in required
    }


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every object and array inside ``value``."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                yield (*prefix, key)
                yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                yield (*prefix, index)
                yield from _paths(item, (*prefix, index))


def _set_path(value: Any, path: tuple[Any, ...], new: Any) -> None:
    for key in path[:-1]:
        value = value[key]
    value[path[-1]] = new


def null_fuzz(
    run: Run, result: Result, server: SandboxServer, person: dict[str, Any], list_path: str
) -> tuple[int, str]:
    """``null`` in place of each object and array of a Person, and of the list envelope."""
    targets: list[tuple[Any, ...]] = [("data", 0, *p) for p in _paths(person)]
    targets += [("data",), ("paging",), ("data", 0), ()]
    outcomes: Counter[str] = Counter()
    parsed: list[str] = []
    with KimonoClient(**server.credentials, retry=fast_retries(2)) as kimono:
        for path in targets:

            def mutate(body: dict[str, Any], path: tuple[Any, ...] = path) -> Any:
                if not path:
                    return None
                _set_path(body, path, None)
                return body

            # The first page only: the person's paths do not fit the persons of later pages.
            server.faults.set_rules(Rule("GET", re.escape(list_path), first(1, rewrite(mutate))))
            outcome = outcome_of(
                run, lambda: partial_walk(kimono.rostering.persons.list(page_size=5))
            )
            server.faults.set_rules()
            _, exc = outcome
            where = "/".join(map(str, path)) or "(the whole body)"
            if exc is None:
                outcomes["parsed"] += 1
                parsed.append(where)
            elif isinstance(exc, ResponseValidationError):
                outcomes["ResponseValidationError"] += 1
            else:
                outcomes[type(exc).__name__] += 1
                result.failures.append(f"null at {where}: {shorten(exc)} ({last_frame(exc)})")
            if exc is not None and in_generated(exc):
                result.failures.append(f"null at {where}: raised inside generated code")
    return len(targets), (
        f"`null` at each of {len(targets)} places (every object and array of a Person, the "
        f"whole body, `data`, `paging`, an item): {fmt_counter(outcomes)}"
        + (f" (parsed: {', '.join(parsed)})" if parsed else "")
    )


def task_surprises(run: Run, result: Result, server: SandboxServer) -> int:
    """Odd task batches: unknown kinds, actions and fields are handled; a null item is counted."""
    state, faults = server.state, server.faults
    ids = push_tasks(state, server.tenant_id, 3)

    def odd(body: dict[str, Any]) -> dict[str, Any]:
        tasks = body["data"]
        if len(tasks) == 3:
            tasks[0]["type"] = "grades_export_event"
            tasks[1]["action"] = "MERGE"
            tasks[1]["x_rel_new"] = [1]
            tasks[2]["data"] = None
            for key in ("label", "created_at", "sequence", "object_id"):
                tasks[2].pop(key, None)
        return body

    seen: list[TaskView] = []
    faults.set_rules(Rule("GET", re.escape(TASKS_PATH), first(1, rewrite(odd))))
    with KimonoClient(**server.credentials) as kimono:
        outcome = outcome_of(
            run, lambda: kimono.tasks.run(seen.append, stop_when_empty=True, handle_signals=False)
        )
    faults.set_rules()
    acked = {a.task_id: a.status for a in state.queue.acks}
    result.true(
        "odd tasks: the consumer ended normally",
        not isinstance(outcome, Exception),
        shorten(outcome),
    )
    result.equal("odd tasks: all handled", [t.id for t in seen], ids)
    if len(seen) == 3:
        result.equal(
            "odd tasks: unknown kind",
            (seen[0].kind, seen[0].event_type),
            (TaskKind.UNKNOWN, "grades_export_event"),
        )
        result.equal(
            "odd tasks: unknown action kept",
            (seen[1].action.value if seen[1].action else None, seen[1].raw.get("x_rel_new")),
            ("MERGE", [1]),
        )
        result.equal(
            "odd tasks: missing fields and null data",
            (seen[2].data, seen[2].sequence),
            (None, None),
        )
    result.equal("odd tasks: acked success", [acked.get(t) for t in ids], ["success"] * 3)

    # A null item in a batch: the documented ResponseValidationError, and nothing handled.
    more = push_tasks(state, server.tenant_id, 2)
    faults.set_rules(
        Rule(
            "GET",
            re.escape(TASKS_PATH),
            first(1, rewrite(lambda body: {**body, "data": [body["data"][0], None]})),
        )
    )
    handled: list[str] = []
    with KimonoClient(**server.credentials) as kimono:
        outcome = outcome_of(
            run,
            lambda: kimono.tasks.run(
                lambda t: handled.append(t.id or ""), stop_when_empty=True, handle_signals=False
            ),
        )
    faults.set_rules()
    result.true(
        "a null task in a batch: the consumer ends normally and counts it unackable",
        getattr(outcome, "unackable", None) == 1,
        shorten(outcome),
    )
    result.equal("a null task in a batch: the good task handled", handled, more[:1])
    # Drain what is left so later cases start from an empty queue (after ack_timeout).
    state.queue.ack(
        [{"task_id": t, "status": "success"} for t in more[1:]], tenant_ids=[server.tenant_id]
    )
    return 2
