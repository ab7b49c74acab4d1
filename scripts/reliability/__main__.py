"""Run the reliability and security suite, print its table and rewrite docs/reliability.md.

``make reliability`` runs this. Every scenario (``scripts/reliability/scenarios/``)
runs the SDK against the sandbox (or servers written for the purpose) over real
loopback HTTP, injects faults or surprises, and checks the outcome exactly; the table
and docs/reliability.md have one row per scenario, with the machine, the date and the
command.

Scenarios, in order:

1. roster pull of 50,000 persons under 10% 5xx, 5% dropped connections, 5% 429s;
2. short-lived and revoked tokens during a long pull, under concurrent async and
   threaded callers, and while draining tasks;
3. draining 10,000 tasks (sync and async consumers) with faults on ``GET /tasks`` and
   the ack endpoints, lost answers, redeliveries, duplicates and failing handlers;
4. SIGTERM to a consumer process mid-batch (sync and async);
5. bad input from the caller;
6. bad input from the server, a task id that is not a UUID, JSON nested 1,000 deep
   (the last two were SDK bugs this suite found, fixed in 4d18a74);
7. hostile conditions, one row each: silent loss and corruption (a fork, handler
   return values, ack answers lost after the server acted, poison items in batches);
   hangs (servers dripping bytes, endless pages, a stuck handler stopped by signals,
   outages); memory (gzip bombs, endless pages and huge tokens in fresh processes,
   the sandbox's bounded state); secrets planted in hostile answers and settings;
   the CLI's CSV export of a hostile roster and hostile requests to the sandbox;
8. load: 8 async workers for 60 s, with RSS and sockets;
9. secrets: the client and tenant secrets, every issued token and every planted
   value, searched for in every debug log record, exception, repr, subprocess output
   and cassette.

The process exits 1 when a scenario fails (known failures included: they are real
bugs), 0 otherwise. ``--quick`` runs the sizes of ``tests/scripts/test_reliability.py``.

    python -m scripts.reliability               # full run, about 6 minutes on 2 cores
    python -m scripts.reliability --quick       # the test sizes (under a minute)
    python -m scripts.reliability --only roster,load   # some scenarios; implies --no-write
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from scripts.machine import CpuWatch, command_line
from scripts.reliability import ROOT
from scripts.reliability.report import DOC, render_table, write_doc
from scripts.reliability.results import Result
from scripts.reliability.scenarios import SCENARIOS, run_scenario
from scripts.reliability.servers import Run
from scripts.reliability.sizes import FULL, QUICK

#: Other processes using more than this share of one core slow the scenarios down.
BUSY_SHARE = 0.25


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m scripts.reliability", description="Run the reliability and security suite."
    )
    parser.add_argument("--quick", action="store_true", help="the smaller sizes of the tests")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite the doc")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenario keys ("
        + ", ".join(key for key, _ in SCENARIOS)
        + "); implies --no-write",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = QUICK if args.quick else FULL
    chosen = [key for key in args.only.split(",") if key]
    unknown = set(chosen) - {key for key, _ in SCENARIOS}
    if unknown:
        print(f"unknown scenario(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    command = command_line("scripts.reliability", argv)
    run = Run(sizes)
    results: list[Result] = []
    watch = CpuWatch()
    with run.watch.capturing():
        for key, scenario in SCENARIOS:
            if chosen and key not in chosen:
                continue
            print(f"-> {key} ...", flush=True)
            result = run_scenario(run, scenario)
            results.append(result)
            print(f"   {result.verdict} in {result.seconds:.1f} s: {result.summary}", flush=True)
            for line in result.figures:
                print(f"     {line[:400]}")
            for failure in result.failures:
                print(f"     FAILED: {failure[:1000]}")
    run.watch.close()
    duration = time.perf_counter() - watch.started
    print()
    print("\n".join(render_table(results)))
    failed = [r for r in results if not r.passed]
    print()
    print(
        f"{len(results) - len(failed)} of {len(results)} scenarios passed"
        + (
            f"; failed: {', '.join(r.key + (' (known)' if r.known else '') for r in failed)}"
            if failed
            else ""
        )
        + f" ({duration:.0f} s)"
    )
    if not args.no_write and not chosen:
        load, _ = watch.describe(
            BUSY_SHARE,
            "**the machine was busy**: durations and throughput are lower than on a "
            "quiet machine (no check depends on speed)",
        )
        write_doc(results, sizes, command, duration, load)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
