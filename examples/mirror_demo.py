#!/usr/bin/env python3
"""The roster mirror, end to end: a district's roster kept in SQLite from the task queue.

    python examples/mirror_demo.py --sandbox                # part of `make demo`
    python examples/mirror_demo.py --sandbox --db roster.db --students 2000

    # against a real tenant (acknowledges the tenant's tasks: they are applied for good)
    export KIMONO_BASE_URL=... KIMONO_CLIENT_ID=... KIMONO_CLIENT_SECRET=...
    python examples/mirror_demo.py --db roster.db --tenant-id <tenant id>

With ``--sandbox`` it starts a local sandbox that delivers some tasks twice, then:

1. drains the initial sync into the mirror (``kimono_interop.mirror``, a SQLite file);
2. lets the district change: an update, a deletion and a new student, applied as tasks;
3. sends a full sync that lost most of the roster on the way: the sweep is held, nothing
   is deleted, and the demo rejects it;
4. verifies the mirror against a fresh REST snapshot of the roster.

It exits 0 when the mirror equals the service, 1 on any difference (each one printed),
and 1 with a one-line message on an API error.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

try:
    from rich.console import Console
    from rich.table import Table
except ImportError:  # pragma: no cover - the demo installs it
    sys.exit("The demo uses rich: pip install 'kimono-interop[cli,sandbox,mirror]'")

from kimono_interop import KimonoClient, KimonoError
from kimono_interop.mirror import Mirror, MirrorStats

if TYPE_CHECKING:
    from kimono_interop.sandbox import Sandbox

console = Console(highlight=False)


@contextmanager
def connect(args: argparse.Namespace) -> Iterator[tuple[KimonoClient, Sandbox | None]]:
    """A client of a local sandbox (``--sandbox``) or of the service ``KIMONO_*`` names."""
    if not args.sandbox:
        with KimonoClient() as client:
            yield client, None
        return
    from kimono_interop.sandbox import Sandbox

    with Sandbox(students=args.students, seed=7, duplicate_rate=0.05, ack_timeout=2.0) as sandbox:
        console.print(f"sandbox on {sandbox.url} ({args.students} students)")
        with KimonoClient(**sandbox.credentials) as client:
            yield client, sandbox
    console.print("sandbox stopped")


def show(step: str, stats: MirrorStats) -> None:
    console.print(
        f"[bold]{step}[/]: {stats.received} task(s): {stats.applied} applied, "
        f"{stats.duplicates} delivered again (acked, not re-applied), {stats.stale} stale, "
        f"{stats.ignored} not roster changes, {stats.parked} parked"
    )


def district_changes(sandbox: Sandbox) -> None:
    """An update, a deletion and a new student, as the district makes them."""
    state = sandbox.state
    persons = list(state.roster.persons.values())
    first, second = persons[0], persons[1]
    state.inject("UPDATE", "persons", {**first, "email": "new.address@example.edu"})
    state.inject("DELETE", "persons", second)
    newcomer = {**persons[2], "$sys": {**persons[2]["$sys"], "id": str(uuid.uuid4())}}
    newcomer["name"] = {"first": "Nova", "last": "Newcomer"}
    state.inject("ADD", "persons", newcomer)


def lossy_resync(sandbox: Sandbox, tenant_id: str) -> None:
    """A resend sync holding a tenth of the persons: the rest would be swept."""
    queue = sandbox.state.queue
    queue.push(tenant_id, "sync_event", "SYNC_START", origin="resend")
    persons = list(sandbox.state.roster.persons.values())
    for person in persons[: len(persons) // 10]:
        queue.push(tenant_id, "data_event", "ADD", object_type="persons", obj=person)
    queue.push(tenant_id, "sync_event", "SYNC_END", origin="resend")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandbox", action="store_true", help="Start a local sandbox.")
    parser.add_argument("--students", type=int, default=200, help="Sandbox size.")
    parser.add_argument("--db", default=None, help="The mirror (default: a temporary file).")
    parser.add_argument("--tenant-id", default=None, help="The tenant (default: the first).")
    # The test of the demo: a change the mirror never saw, so that verify must catch it.
    parser.add_argument("--simulate-difference", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        db = args.db or str(Path(scratch) / "mirror.db")
        try:
            return run(args, db)
        except KimonoError as exc:
            console.print(f"[red]error:[/] {exc}")
            return 1


def run(args: argparse.Namespace, db: str) -> int:
    with connect(args) as (client, sandbox), Mirror.open(db) as mirror:
        console.print(f"mirror: {db}")
        tenant_id = args.tenant_id or (
            next(iter(sandbox.state.tenants)) if sandbox else client.tenants.current().id
        )
        assert isinstance(tenant_id, str)
        show("initial sync", mirror.run(client, stop_when_empty=True))
        if sandbox is not None:
            district_changes(sandbox)
            show("district changes", mirror.run(client, stop_when_empty=True))
            lossy_resync(sandbox, tenant_id)
            stats = mirror.run(client, stop_when_empty=True)
            show("a lossy full sync", stats)
            for sync in mirror.syncs(status="held"):
                console.print(
                    f"[yellow]held sweep {sync.generation}[/]: it would tombstone "
                    f"{sync.to_sweep} of {sync.live} objects; nothing was deleted. Rejected."
                )
                mirror.reject_sweep(sync.generation)
            if not stats.held_sweeps:
                console.print("[red]the lossy sync was not held[/]")
                return 1
            if args.simulate_difference:
                term = next(iter(sandbox.state.roster.terms.values()))
                sandbox.state.roster.terms[term["$sys"]["id"]] = {**term, "name": "Renamed"}
        table = Table(title="the mirror")
        table.add_column("type")
        table.add_column("live", justify="right")
        table.add_column("tombstones", justify="right")
        for name, counts in sorted(mirror.status()["objects"].items()):
            table.add_row(name, str(counts["live"]), str(counts["deleted"]))
        console.print(table)
        report = mirror.verify(client, tenant_id=tenant_id)
    for difference in report.differences:
        fields = f" ({', '.join(difference.fields)})" if difference.fields else ""
        console.print(
            f"[red]DIFFERENCE[/] {difference.kind}: "
            f"{difference.object_type} {difference.object_id}{fields}"
        )
    compared = sum(report.compared.values())
    if report.ok:
        console.print(f"[green]the mirror equals the service[/]: {compared} objects compared")
        return 0
    console.print(f"[red]{len(report.differences)} difference(s)[/] in {compared} objects")
    return 1


if __name__ == "__main__":
    sys.exit(main())
