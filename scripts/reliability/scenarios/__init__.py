"""The scenarios of the reliability suite, one module each, and the order they run in.

Each scenario is a function of a :class:`~scripts.reliability.servers.Run` that starts
its own sandbox (or servers written for the purpose, ``scripts/reliability/hostile.py``),
does its work against it over loopback HTTP, and returns a
:class:`~scripts.reliability.results.Result` whose checks are exact comparisons. The
drain and SIGTERM scenarios run twice, with the sync and with the async consumer. The
five rows of hostile conditions (silent loss, hangs, memory, secrets under hostile
input, export and sandbox input) each group several parts; a part too long for its
row's module lives next to it (``hang_consumers``).
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable

from scripts.reliability.results import Result
from scripts.reliability.scenarios import (
    caller,
    deep_json,
    drain,
    hangs,
    hostile_input,
    hostile_secrets,
    load,
    loss,
    memory,
    roster,
    secret_scan,
    server,
    sigterm,
    task_id,
    tokens,
)
from scripts.reliability.servers import Run

#: Every scenario by key, in the order the suite runs them (secrets last: it scans what
#: all the others wrote).
SCENARIOS: list[tuple[str, Callable[[Run], Result]]] = [
    ("roster", roster.roster_pull),
    ("tokens", tokens.token_refresh),
    ("drain-sync", drain.task_drain),
    ("drain-async", lambda run: drain.task_drain(run, use_async=True)),
    ("sigterm-sync", sigterm.sigterm),
    ("sigterm-async", lambda run: sigterm.sigterm(run, use_async=True)),
    ("caller", caller.caller_input),
    ("server", server.server_input),
    ("task-id", task_id.task_id_not_uuid),
    ("deep-json", deep_json.deep_json),
    ("loss", loss.silent_loss),
    ("hangs", hangs.hangs),
    ("memory", memory.memory),
    ("hostile-secrets", hostile_secrets.hostile_secrets),
    ("hostile-input", hostile_input.hostile_input),
    ("load", load.load),
    ("secrets", secret_scan.secrets_scan),
]


def run_scenario(run: Run, scenario: Callable[[Run], Result]) -> Result:
    """Run one scenario, timed; an unexpected exception becomes a failed result."""
    started = time.perf_counter()
    try:
        result = scenario(run)
    except Exception as exc:
        run.watch.scan_exception(exc)
        name = getattr(scenario, "__name__", "scenario")
        result = Result(name, name)
        result.failures.append(
            f"the scenario crashed: {type(exc).__name__}: {exc}\n{traceback.format_exc()}"
        )
    result.seconds = time.perf_counter() - started
    return result
