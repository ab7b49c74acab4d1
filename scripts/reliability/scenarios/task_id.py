"""Scenario 9: a task whose id is not a UUID, in a batch of good ones.

Found by this suite (the consumer raised ValueError and left its batch unacknowledged),
fixed in 4d18a74, and kept as a regression check: all five tasks must be handled in
order, the good ones acknowledged, and the odd one's ack sent and, refused by the
service, reported in ``stats.ack_failures``.
"""

from __future__ import annotations

import re
from typing import Any

from kimono_interop import KimonoClient
from scripts.reliability.checks import last_frame, outcome_of, push_tasks
from scripts.reliability.faults import Rule, first, rewrite
from scripts.reliability.paths import TASKS_PATH
from scripts.reliability.results import KNOWN_BUGS, Result
from scripts.reliability.servers import Run


def task_id_not_uuid(run: Run) -> Result:
    """A task whose id is not a UUID, in a batch of good ones."""
    result = Result(
        "task-id",
        "A task id that is not a UUID",
        injected='`GET /tasks` answers a batch of 5 tasks whose third has `id: "task-3"`',
        amount="1 batch",
        checked=(
            "no exception; all 5 tasks handled once, in order (an id of another form is still "
            "an id: refusing it would stall the tenant's queue); the 4 good ones acknowledged; "
            "the ack of the odd one sent and, refused by a service that does not know it, "
            "reported in `stats.ack_failures`"
        ),
        known=KNOWN_BUGS.get("task-id", ""),
    )
    config = run.config(students=20, seed=17)
    with run.server(config) as server:
        state, faults = server.state, server.faults
        ids = push_tasks(state, server.tenant_id, 5)

        def bad_id(body: dict[str, Any]) -> dict[str, Any]:
            body["data"][2]["id"] = "task-3"
            return body

        faults.set_rules(Rule("GET", re.escape(TASKS_PATH), first(1, rewrite(bad_id))))
        handled: list[str] = []
        with KimonoClient(**server.credentials) as kimono:
            outcome = outcome_of(
                run,
                lambda: kimono.tasks.run(
                    lambda t: handled.append(t.id or ""),
                    max_tasks=5,
                    stop_when_empty=True,
                    handle_signals=False,
                ),
            )
        faults.set_rules()
        good = [t for n, t in enumerate(ids) if n != 2]
        acked = [a.task_id for a in state.queue.acks]
        failed = isinstance(outcome, BaseException)
        result.true(
            "no exception",
            not failed,
            f"{type(outcome).__name__}: {outcome} (last frame {last_frame(outcome)})"
            if failed
            else "",
        )
        result.equal("the good tasks of the batch were acknowledged", sorted(acked), sorted(good))
        refused = {} if failed else dict(getattr(outcome, "ack_failures", {}))
        if not failed:
            result.equal(
                "tasks handled (all five, in order)", handled, [*good[:2], "task-3", *good[2:]]
            )
            result.equal(
                "the odd id's ack was sent and reported refused", list(refused), ["task-3"]
            )
        result.note(
            f"handled {len(handled)} tasks ({handled.count('task-3')} with the odd id); "
            f"acked {len(acked)} of the {len(good)} good tasks; refused acks: {list(refused)}"
        )
    result.summary = f"handled {len(handled)}, acked {len(acked)} of {len(good)} good" + (
        f", raised {type(outcome).__name__}"
        if failed
        else ", the odd one's ack refused and reported"
    )
    return result
