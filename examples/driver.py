#!/usr/bin/env python3
"""The example driver: what every Kimono driver does, end to end, in one readable script.

A *driver* is the program an ed-tech vendor runs for each school district it serves.
It reads the district's roster from the Interop Data API, then keeps up with the
changes Kimono pushes to it through the task queue, acknowledging each task once
it is handled. This script does exactly that, and then checks its own work:

    python examples/driver.py --sandbox               # what `make demo` runs
    python examples/driver.py --sandbox --students 20000

    # against a real tenant (reads the roster; drains the queue only with --drain-tasks)
    export KIMONO_BASE_URL=https://api.us2.kimonocloud.com
    export KIMONO_CLIENT_ID=... KIMONO_CLIENT_SECRET=...
    python examples/driver.py

The steps, each a function below:

1. ``connect``          start a local sandbox (``--sandbox``) or read ``KIMONO_*``;
2. ``read_tenant``      who are we acting for (``GET /tenant``);
3. ``pull_roster``      every LEA, school, student, teacher, course, section, term
                        and grading category, page by page;
4. ``drain_tasks``      run every queued task through a handler that keeps a small
                        local copy of the roster up to date, acknowledging each one;
5. ``check``            compare what we saw with what the sandbox seeded, and the
                        local copy built from tasks with the roster read from the API.

It exits 0 when every check passes, 1 when one fails (printing what differed),
and 1 with a one-line message on an API error.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

try:
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table
except ImportError:  # pragma: no cover - the demo installs it
    sys.exit("The example driver uses rich: pip install 'kimono-interop[cli,sandbox]'")

from kimono_interop import ConsumerStats, KimonoClient, KimonoError, SyncPager, TaskKind, TaskView

if TYPE_CHECKING:
    from kimono_interop.sandbox import Sandbox

console = Console(highlight=False)


# -- 1. connect -------------------------------------------------------------------------------
@contextmanager
def connect(args: argparse.Namespace) -> Iterator[tuple[KimonoClient, Sandbox | None]]:
    """A client, and the running sandbox it talks to (``None`` for a real tenant).

    ``Sandbox`` serves both Interop APIs and the token endpoint on 127.0.0.1 in a
    background thread, with a seeded district and a task queue holding that
    district's initial sync. ``sandbox.credentials`` are the keyword arguments of
    a client acting as the vendor account (``client_id``, ``client_secret``,
    ``base_url``); ``sandbox.state`` is its memory, which we read to check our work.
    """
    if args.sandbox:
        from kimono_interop.sandbox import Sandbox  # needs kimono-interop[sandbox]

        with console.status(f"starting the sandbox with {args.students:,} students"):
            sandbox = Sandbox(students=args.students, seed=7).start()
        console.print(f"sandbox running at [bold]{sandbox.url}[/]")
        try:
            # The same as KimonoClient(**sandbox.credentials).
            with KimonoClient(
                sandbox.config.client_id, sandbox.config.client_secret, base_url=sandbox.url
            ) as client:
                yield client, sandbox
        finally:
            sandbox.stop()
            console.print("sandbox stopped")
    else:
        # KIMONO_BASE_URL (default: the US2 service), KIMONO_CLIENT_ID, KIMONO_CLIENT_SECRET.
        with KimonoClient.from_env() as client:
            console.print(f"using [bold]{client.base_url}[/]")
            yield client, None


# -- 2. read the tenant ---------------------------------------------------------------------
def read_tenant(client: KimonoClient) -> dict[str, Any]:
    """The tenant these credentials act for. Methods return typed attrs models."""
    tenant = client.tenants.current()  # GET /v2/interop/tenant -> TenantInfo
    # TenantInfo.auth holds the tenant's credentials: never print or log it.
    console.print(f"tenant [bold]{escape(str(tenant.name))}[/] ({tenant.id})")
    return {"id": str(tenant.id), "name": tenant.name}


# -- 3. pull the roster -----------------------------------------------------------------------
#: What to pull, and how. ``list_*`` return lazy pagers that follow ``paging.next`` to
#: the last page; ``.as_dicts()`` skips model parsing (the fastest way to read a lot),
#: and ``page_size=2000`` is the most the service hands out per request.
ROSTER: dict[str, Callable[[KimonoClient], SyncPager[dict[str, Any]]]] = {
    "leas": lambda c: c.rostering.leas.list(page_size=2000).as_dicts(),
    "schools": lambda c: c.rostering.schools.list(page_size=2000).as_dicts(),
    "students": lambda c: c.rostering.students.list(page_size=2000).as_dicts(),
    "teachers": lambda c: c.rostering.teachers.list(page_size=2000).as_dicts(),
    "courses": lambda c: c.rostering.courses.list(page_size=2000).as_dicts(),
    "sections": lambda c: c.rostering.sections.list(page_size=2000).as_dicts(),
    "terms": lambda c: c.rostering.terms.list(page_size=2000).as_dicts(),
    "grading_categories": lambda c: c.grades.categories.list(page_size=2000).as_dicts(),
}


def progress_bars() -> Progress:
    # The API does not say how many items a list holds, so the bars pulse and count.
    return Progress(
        SpinnerColumn(finished_text="[green]✓[/]"),
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.completed:>8,}"),
        TimeElapsedColumn(),
        console=console,
    )


def pull_roster(client: KimonoClient) -> dict[str, dict[str, dict[str, Any]]]:
    """Every roster collection, as {collection: {id: object}}."""
    roster: dict[str, dict[str, dict[str, Any]]] = {}
    with progress_bars() as progress:
        for name, lister in ROSTER.items():
            bar = progress.add_task(name, total=None)
            roster[name] = {}
            for page in lister(client).pages():  # one request per page
                for obj in page.items:
                    roster[name][obj["$sys"]["id"]] = obj
                progress.advance(bar, len(page.items))
            progress.update(bar, total=len(roster[name]), completed=len(roster[name]))
    # The same data as typed models: fetch one student by id and use its attributes.
    # Fields the service may leave out are UNSET, which is falsy: test before use.
    if roster["students"]:
        student = client.rostering.persons.get(next(iter(roster["students"])))  # a Person
        if student.name:
            console.print(f"first student: {escape(f'{student.name.first} {student.name.last}')}")
    return roster


# -- 4. drain the task queue ------------------------------------------------------------------
@dataclass
class LocalStore:
    """A driver's own copy of the roster, kept up to date from data tasks.

    A real driver writes to its product's database here. Collections are keyed
    by the task's ``object_type`` (``orgs``, ``persons``, ``courses``, ...).
    """

    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def upsert(self, collection: str, object_id: str, data: dict[str, Any]) -> None:
        self.objects.setdefault(collection, {})[object_id] = data

    def delete(self, collection: str, object_id: str) -> None:
        self.objects.get(collection, {}).pop(object_id, None)

    def ids(self, collection: str) -> set[str]:
        return set(self.objects.get(collection, {}))


@dataclass
class TaskLog:
    """What the handler saw, for the checks."""

    handled: list[str] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    grades_queries: list[str] = field(default_factory=list)  # their exchange ids
    authenticate_requests: int = 0


def drain_tasks(
    client: KimonoClient, store: LocalStore, *, simulate_mismatch: bool = False
) -> tuple[TaskLog, ConsumerStats]:
    """Run every queued task through ``handle`` until the queue is empty.

    ``client.tasks.run`` asks for a batch (at most 100 tasks), calls the handler on
    each task in order, then acknowledges the whole batch in one request: a task
    whose handler returned is acked ``success``; raising ``RetryTask`` acks
    ``retry`` (delivered again later); any other exception acks ``error`` with its
    message. A task delivered twice is acknowledged again, not handled twice.
    """
    log = TaskLog()

    with progress_bars() as progress:
        bar = progress.add_task("tasks handled", total=None)

        def handle(task: TaskView) -> None:
            # TaskView is one shape for every task schema (1.x, 2.x, 3.x).
            log.handled.append(str(task.id))
            action = str(task.action) if task.action is not None else "(no action)"
            log.actions[action] = log.actions.get(action, 0) + 1
            progress.advance(bar)
            if task.kind is TaskKind.GRADES_QUERY:
                # Kimono asks for grades. A grades driver acknowledges the task and posts the
                # grades to the exchange named here, through the Grades API (not part of
                # this SDK); `grades_query` is the query, typed.
                query = task.grades_query
                log.grades_queries.append(str(query.exchange_id) if query else "?")
                return
            if task.kind is TaskKind.AUTHENTICATE:
                # The target system's credentials need renewing; a real driver does it here.
                log.authenticate_requests += 1
                return
            if task.kind is not TaskKind.DATA:
                return  # SYNC_START / SYNC_END frame an initial sync; nothing to store
            collection = str(task.object_type)
            object_id = str(task.object_id)
            if simulate_mismatch and not log.dropped and collection == "persons":
                log.dropped.append(object_id)  # pretend we lost it: the checks must notice
                return
            if action in ("ADD", "UPDATE", "CHANGE"):
                store.upsert(collection, object_id, dict(task.data or {}))
            elif action == "DELETE":
                store.delete(collection, object_id)

        stats = client.tasks.run(handle, stop_when_empty=True)
        progress.update(bar, total=stats.handled, completed=stats.handled)
    console.print(
        f"handled {stats.handled:,} tasks in {stats.batches} batches; "
        f"acknowledged {stats.acknowledged:,}; redelivered {stats.duplicates}; "
        f"grades queries {len(log.grades_queries)}, authentication requests "
        f"{log.authenticate_requests}; "
        + ", ".join(f"{action} {n:,}" for action, n in sorted(log.actions.items()))
    )
    return log, stats


# -- 5. check ---------------------------------------------------------------------------------
@dataclass
class Check:
    """One line of the summary: passes when ``expected == got`` (or as ``same`` says)."""

    name: str
    expected: object
    got: object
    detail: str = ""
    same: bool | None = None

    @property
    def ok(self) -> bool:
        return self.expected == self.got if self.same is None else self.same


#: How the roster pulled from the API maps onto the collections tasks carry.
STORE_VIEW = {
    "orgs": ("leas", "schools"),
    "persons": ("students", "teachers"),
    "courses": ("courses",),
    "sections": ("sections",),
    "terms": ("terms",),
}


def check(
    tenant: dict[str, Any],
    roster: dict[str, dict[str, dict[str, Any]]],
    store: LocalStore | None,
    log: TaskLog | None,
    stats: ConsumerStats | None,
    sandbox: Sandbox | None,
) -> list[Check]:
    checks: list[Check] = []
    if sandbox is not None:
        checks.append(
            Check("tenant served by the sandbox", True, tenant["id"] in sandbox.state.tenants)
        )
        # What the sandbox seeded, by collection (its memory, not the API).
        seeded = sandbox.state.roster.counts()
        for name, objects in roster.items():
            checks.append(Check(f"{name} (API vs seeded)", seeded[name], len(objects)))
    if store is not None and log is not None and stats is not None:
        if sandbox is not None:
            # The initial sync of each tenant: SYNC_START, one ADD per org, term,
            # course, section and person, then SYNC_END; then grades queries and
            # authentication requests, as a real queue may hold (sandbox/queue.py).
            seeded = sandbox.state.roster.counts()
            config = sandbox.config
            per_tenant = 2 + sum(seeded[c] for c in ("orgs", "terms", "courses", "sections"))
            per_tenant += seeded["persons"] + config.grades_queries + config.authenticate_requests
            tenants = len(sandbox.state.tenants)
            checks.append(Check("tasks handled", per_tenant * tenants, len(log.handled)))
            checks.append(
                Check(
                    "grades queries read",
                    config.grades_queries * tenants,
                    sum(1 for e in log.grades_queries if e != "?"),
                )
            )
            checks.append(
                Check(
                    "authentication requests",
                    config.authenticate_requests * tenants,
                    log.authenticate_requests,
                )
            )
            checks.append(Check("tasks that could not be acknowledged", 0, stats.unackable))
            acks = sandbox.state.queue.acks
            checks.append(Check("tasks acknowledged (by the sandbox)", len(log.handled), len(acks)))
            checks.append(
                Check(
                    "acks with status success",
                    len(acks),
                    sum(1 for a in acks if a.status == "success"),
                )
            )
            checks.append(
                Check(
                    "acknowledged ids = handled ids",
                    True,
                    {a.task_id for a in acks} == set(log.handled),
                )
            )
            checks.append(Check("tasks left in the queue", 0, sandbox.state.queue.pending()))
        else:
            checks.append(Check("tasks acknowledged", stats.handled, stats.acknowledged))
        # The local store was built from tasks alone; after a full sync it must hold
        # exactly the roster the API lists (grading categories are not synced). A real
        # tenant's queue usually holds only recent changes: then there is nothing to compare.
        full_sync = bool(log.actions.get("SYNC_START") and log.actions.get("SYNC_END"))
        if sandbox is None and not full_sync:
            console.print("the queue held no full sync: not comparing the store with the API")
            return checks
        for collection, sources in STORE_VIEW.items():
            from_api = set().union(*(set(roster[s]) for s in sources))
            from_tasks = store.ids(collection)
            missing = sorted(from_api - from_tasks)
            extra = sorted(from_tasks - from_api)
            detail = "; ".join(
                part
                for part in (
                    f"missing from the store: {', '.join(missing[:3])}" if missing else "",
                    f"not in the API: {', '.join(extra[:3])}" if extra else "",
                )
                if part
            )
            checks.append(
                Check(
                    f"{collection} ids: store (from tasks) vs API",
                    len(from_api),
                    len(from_tasks),
                    detail,
                    same=from_api == from_tasks,  # the same ids, not just as many
                )
            )
    return checks


def show(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def summary(checks: list[Check], timings: dict[str, float]) -> bool:
    if not checks:
        console.print("nothing to check against a real tenant (see --sandbox, --drain-tasks)")
        return True
    table = Table(title="Summary")
    table.add_column("check")
    table.add_column("expected", justify="right")
    table.add_column("got", justify="right")
    table.add_column("", justify="center")
    for c in checks:
        mark = "[green]✓ match[/]" if c.ok else "[bold red]✗ MISMATCH[/]"
        table.add_row(escape(c.name), show(c.expected), show(c.got), mark)
    console.print(table)
    console.print(
        "timings: " + ", ".join(f"{step} {seconds:.2f}s" for step, seconds in timings.items())
    )
    failed = [c for c in checks if not c.ok]
    if failed:
        console.print(f"[bold red]{len(failed)} of {len(checks)} checks failed:[/]")
        for c in failed:
            line = f"  {c.name}: expected {show(c.expected)}, got {show(c.got)}"
            console.print(escape(line + (f" ({c.detail})" if c.detail else "")), soft_wrap=True)
        return False
    plural = "s" if len(checks) != 1 else ""
    console.print(f"[bold green]{len(checks)} check{plural} passed: every count matches[/]")
    return True


# -- main ---------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sandbox", action="store_true", help="start a local sandbox in this process"
    )
    parser.add_argument(
        "--students", type=int, default=2000, help="sandbox size (default: 2000 students)"
    )
    parser.add_argument(
        "--drain-tasks",
        action="store_true",
        help="without --sandbox: drain and acknowledge the real tenant's task queue "
        "(the tasks are then gone for any other consumer)",
    )
    # For tests: drop one person's task in the handler, so the checks must fail.
    parser.add_argument("--simulate-mismatch", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.students < 0:
        parser.error("--students must be >= 0")

    timings: dict[str, float] = {}

    @contextmanager
    def step(name: str) -> Iterator[None]:
        console.rule(f"[bold]{name}")
        started = time.perf_counter()
        yield
        timings[name] = time.perf_counter() - started

    started = time.perf_counter()
    try:
        with connect(args) as (client, sandbox):
            with step("tenant"):
                tenant = read_tenant(client)
            with step("roster"):
                roster = pull_roster(client)
            store = log = stats = None
            if sandbox is not None or args.drain_tasks:
                store = LocalStore()
                with step("tasks"):
                    log, stats = drain_tasks(
                        client, store, simulate_mismatch=args.simulate_mismatch
                    )
            else:
                console.print("not draining the queue of a real tenant (give --drain-tasks)")
            with step("checks"):
                checks = check(tenant, roster, store, log, stats, sandbox)
            timings["total"] = time.perf_counter() - started
            passed = summary(checks, timings)
    except KimonoError as exc:
        # Every error the SDK raises on purpose derives from KimonoError, and its
        # message says what happened and what to try (never a secret).
        console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        return 1
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
