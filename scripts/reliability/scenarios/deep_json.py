"""Scenario 10: JSON nested 1,000 levels deep in a person, read one at a time and in a list.

Found by this suite (the SDK raised RecursionError), fixed in 4d18a74, and kept as a
regression check: the documented ResponseValidationError (or a tolerant parse), never
another exception.
"""

from __future__ import annotations

import json
import re

from kimono_interop import KimonoClient, ResponseValidationError
from scripts.reliability.checks import last_frame, outcome_of
from scripts.reliability.faults import Fault, Rule, always
from scripts.reliability.results import KNOWN_BUGS, Result
from scripts.reliability.servers import Run
from scripts.service import path_of


def deep_json(run: Run) -> Result:
    depth = 1_000
    result = Result(
        "deep-json",
        "JSON nested 1,000 levels deep",
        injected=f"a person's `$ext` holds arrays nested {depth:,} deep (`get_person`, a list)",
        amount="2 calls",
        checked="ResponseValidationError (or a tolerant parse), never another exception",
        known=KNOWN_BUGS.get("deep-json", ""),
    )
    config = run.config(students=20, seed=18)
    with run.server(config) as server:
        person = next(iter(server.state.roster.persons.values()))
        pid = person["$sys"]["id"]
        nested = ("[" * depth + "]" * depth).encode()
        body = json.dumps({"data": {**person, "$ext": "@"}}).encode().replace(b'"@"', nested)
        listing = (
            json.dumps({"data": [{**person, "$ext": "@"}], "paging": {"next": None}})
            .encode()
            .replace(b'"@"', nested)
        )
        server.faults.set_rules(
            Rule(
                "GET",
                re.escape(path_of("findPerson", id=pid)),
                always(Fault("status", 200, body)),
            ),
            Rule("GET", re.escape(path_of("listPersons")), always(Fault("status", 200, listing))),
        )
        with KimonoClient(**server.credentials) as kimono:
            outcomes = [
                outcome_of(run, lambda: kimono.rostering.persons.get(pid)),
                outcome_of(run, lambda: list(kimono.rostering.persons.list())),
            ]
        server.faults.set_rules()
        for name, outcome in zip(("get_person", "list_persons"), outcomes, strict=True):
            ok = not isinstance(outcome, BaseException) or isinstance(
                outcome, ResponseValidationError
            )
            result.true(
                f"{name}: ResponseValidationError or a parse",
                ok,
                f"{type(outcome).__name__} from {last_frame(outcome)}"
                if isinstance(outcome, BaseException)
                else "",
            )
            result.note(f"{name}: {type(outcome).__name__}")
    result.summary = ", ".join(result.figures)
    return result
