"""The ``tasks`` command: peek at the task queue, or acknowledge its tasks with ``--ack success``.

Without ``--ack`` (or with ``--peek``) the command reads one batch and acknowledges none
of it: safe against a real tenant. The service then withholds that batch, and the later
tasks of its tenant, until its ack timeout passes, and delivers them again; the command
says so, as it says whenever a run leaves tasks handed out but unacknowledged (stopped
by ``--max-tasks`` or Ctrl-C) or finds the queue empty while such tasks may be waiting.

``--ack success`` drains (or with ``--follow`` follows) the queue, acknowledging every
task as processed: the changes it carries count as applied, for good. Against a base
URL that is not this machine it asks first on a terminal, or needs ``--yes``.

Tasks are only counted (and printed as JSON lines with ``--print``); a live count goes
to stderr on a terminal and a summary table follows. A reader of ``--print`` that goes
away (``| head``) stops the run, and the task whose line could not be written is not
acknowledged; but the lines already in the pipe were, though a reader that stopped
early dropped them unread, which nobody here can tell. ``--max-tasks N`` acknowledges
no more than N.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from .._constants import TASK_BATCH
from .common import (
    EXIT_ERROR,
    EXIT_USAGE,
    SIGNAL_EXITS,
    Settings,
    err,
    expected_errors,
    fail,
    interactive,
    is_loopback_url,
    out,
    silence_stdout,
)
from .options import KimonoCommand

if TYPE_CHECKING:
    from rich.table import Table

    from .._client import KimonoClient
    from .._task_view import ConsumerStats, TaskView

#: Why a run may stop with tasks of its batch unacknowledged (stopped_by), in words.
_STOPPED_EARLY = {
    "max_tasks": "--max-tasks",
    "SIGINT": "Ctrl-C",
    "SIGTERM": "SIGTERM",
    "interrupted": "a second signal",
    "stop()": "stdout closed",
}

_WITHHELD = (
    "they are withheld, with the later tasks of their tenant, until the service's ack "
    "timeout passes, then delivered again"
)


@click.command(cls=KimonoCommand)
@click.option(
    "--peek",
    is_flag=True,
    help="Read one batch (at most --max-tasks tasks) and acknowledge none of it; the default "
    "without --ack. The service withholds what was read until its ack timeout passes, "
    "then delivers it again.",
)
@click.option(
    "--ack",
    "ack",
    type=click.Choice(["success"]),
    default=None,
    help="Acknowledge every task read as success: processed, it leaves the queue for good. "
    "Off this machine it asks first (or takes --yes).",
)
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="With --ack against a service that is not on this machine: do not ask (needed "
    "when there is no terminal to ask on).",
)
@click.option(
    "--until-empty/--follow",
    default=True,
    show_default=True,
    help="With --ack: stop when the queue is empty, or keep polling it until Ctrl-C.",
)
@click.option(
    "--max-tasks",
    type=click.IntRange(min=1),
    default=None,
    help="Peek: read at most this many tasks. With --ack: stop after this many (the service "
    "is asked for no more than are left, so none is left withheld).",
)
@click.option(
    "--print",
    "print_tasks",
    is_flag=True,
    help="Print each task to stdout as a JSON line (as received).",
)
@click.option("--tenant-id", type=click.UUID, default=None, help="Only tasks of this tenant.")
@click.option("--schema", default=None, help="Task schema version to receive, e.g. 3.0.")
@click.option("--driver", default=None, help="Only tasks for this driver.")
@click.pass_obj
def tasks(
    settings: Settings,
    peek: bool,
    ack: str | None,
    yes: bool,
    until_empty: bool,
    max_tasks: int | None,
    print_tasks: bool,
    tenant_id: uuid.UUID | None,
    schema: str | None,
    driver: str | None,
) -> None:
    """Peek at the task queue, or drain it with --ack success.

    \b
    Without --ack (the same as --peek): read one batch, count it (print it with
    --print) and acknowledge nothing. The service then withholds that batch, and
    the later tasks of its tenant, until its ack timeout passes, and delivers it
    again; until then a run finds the queue empty.

    \b
    With --ack success: acknowledge every task as processed, until the queue is
    empty (or --max-tasks, or Ctrl-C with --follow). The changes the tasks carry
    then count as applied: against a service not on this machine it asks first,
    or needs --yes. The summary counts tasks by kind and action.
    """
    if peek and ack:
        raise click.UsageError("--peek reads without acknowledging: leave out --ack, or --peek.")
    if yes and not ack:
        raise click.UsageError(
            "--yes confirms --ack success, and there is no --ack: a peek acknowledges "
            "nothing. Add --ack success to drain the queue, or leave out --yes."
        )
    if not until_empty and not ack:
        raise click.UsageError(
            "--follow acknowledges tasks as they arrive: add --ack success "
            "(a peek reads one batch and acknowledges nothing)."
        )
    filters: dict[str, Any] = {"tenant_id": tenant_id, "schema": schema, "driver": driver}
    with expected_errors(settings), settings.client() as client:
        if not ack:
            _peek(client, max_tasks, print_tasks, filters)
            return
        _confirm_ack(settings.base_url, yes)
        stats, kinds, seconds, stdout_closed = _drain(
            client, until_empty, max_tasks, print_tasks, filters
        )
    _report(stats, kinds, seconds, stdout_closed, print_tasks, max_tasks)


def _confirm_ack(base_url: str, yes: bool) -> None:
    """Go on if acknowledging on ``base_url`` was confirmed (loopback needs no confirming)."""
    if yes or is_loopback_url(base_url):
        return
    host = urlsplit(base_url).hostname or base_url
    if not interactive():
        fail(
            f"--ack success acknowledges the tasks of {host} for good (their changes count "
            "as applied) and there is no terminal to confirm on: add --yes to go ahead, or "
            "leave out --ack to peek. Nothing was acknowledged.",
            EXIT_USAGE,
        )
    try:
        confirmed = click.confirm(
            f"Acknowledge the tasks of {host} as success? They leave its queue for good.",
            default=False,
            err=True,
        )
    except click.Abort:  # Ctrl-D at the question
        confirmed = False
    if not confirmed:
        fail("Nothing was acknowledged.", EXIT_USAGE)


class _Printer:
    """Prints tasks as JSON lines on stdout until its reader goes away (``| head``)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.closed = False

    def print(self, task: TaskView) -> bool:
        """Print ``task``; False if stdout was closed (nobody saw it)."""
        if not self.enabled or self.closed:
            return not self.closed
        try:
            click.echo(json.dumps(task.raw, separators=(",", ":"), default=str))
        except BrokenPipeError:
            self.closed = True
            silence_stdout()
            return False
        return True


def _kind(task: TaskView) -> str:
    action = str(task.action) if task.action is not None else "-"
    return f"{task.kind.value} {action}"


def _peek(
    client: KimonoClient, max_tasks: int | None, print_tasks: bool, filters: dict[str, Any]
) -> None:
    """Read one batch, print and count it, acknowledge nothing, and say what that means."""
    started = time.perf_counter()
    size = None if max_tasks is None else min(max_tasks, TASK_BATCH)
    batch = client.tasks.receive(page_size=size, **filters)
    # The service sizes its batches: it may hand out more than asked for. Only
    # --max-tasks of them are printed and counted; the others are withheld too (below).
    beyond = batch[max_tasks:] if max_tasks is not None else []
    printer = _Printer(print_tasks)
    for task in batch[: len(batch) - len(beyond)]:
        if not printer.print(task):
            break
    kinds = Counter(_kind(task) for task in batch[: len(batch) - len(beyond)])
    unackable = [task for task in batch if task.id is None]
    rows = [("received", len(batch)), ("acknowledged", 0), ("unackable", len(unackable))]
    table = _table(
        "Task queue: peek (nothing acknowledged)", rows, kinds, time.perf_counter() - started
    )
    (err() if print_tasks else out()).print(table)
    if beyond:
        _note(
            f"the service handed out {len(batch):,} task(s), {len(beyond):,} more than "
            f"--max-tasks {max_tasks}; those are neither printed nor counted by kind"
        )
    if batch:
        _note(
            f"read {len(batch):,} task(s) and acknowledged none: {_WITHHELD}. Until then a "
            "run finds none of them. To acknowledge tasks as they are read: "
            "kimono-interop tasks --ack success"
        )
    else:
        _note_empty()
    if unackable:
        _fail_stalled(len(unackable), unackable[0])


def _drain(
    client: KimonoClient,
    until_empty: bool,
    max_tasks: int | None,
    print_tasks: bool,
    filters: dict[str, Any],
) -> tuple[ConsumerStats, Counter[str], float, bool]:
    """Consume the queue, acknowledging every task as success, with a live count on a terminal."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from .._runtime import HandlerInterrupted

    kinds: Counter[str] = Counter()
    printer = _Printer(print_tasks)
    # A live count on a terminal, unless the tasks printed there are the live view.
    status = err()
    live = status.is_terminal and not (print_tasks and sys.stdout.isatty())
    started = time.perf_counter()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[bold]{task.completed:,}[/] handled"),
        TimeElapsedColumn(),
        console=status,
        disable=not live,
        transient=True,  # the summary replaces it
        redirect_stdout=False,
        redirect_stderr=False,
    ) as progress:
        counter = progress.add_task(
            "draining the task queue" if until_empty else "following the task queue (Ctrl-C)",
            total=None,
        )

        def handle(task: TaskView) -> None:
            if not printer.print(task):
                # The reader went away (`| head`): stop, and leave this task, which nobody
                # saw, unacknowledged: delivered again where it is in the queue (acked
                # `retry`, it would go to the back, after the end of its sync).
                consumer.stop()
                raise HandlerInterrupted("stdout closed before the task was printed")
            kinds[_kind(task)] += 1
            progress.advance(counter)

        consumer = client.tasks.consumer(
            handle, stop_when_empty=until_empty, max_tasks=max_tasks, **filters
        )
        from .._exceptions import KimonoError  # (the CLI's --help imports no SDK)

        try:
            stats = consumer.run()
        except KimonoError:
            # A terminal error (credentials revoked, say) after work was done: what was
            # handled and acknowledged is said before the error's own line.
            if consumer.stats.handled:
                err().print(_summary(consumer.stats, kinds, time.perf_counter() - started, "error"))
            raise
    return stats, kinds, time.perf_counter() - started, printer.closed


def _report(
    stats: ConsumerStats,
    kinds: Counter[str],
    seconds: float,
    stdout_closed: bool,
    print_tasks: bool,
    max_tasks: int | None,
) -> None:
    """The summary of an acknowledging run, what it left withheld, and its exit code."""
    stopped_by = "stdout closed" if stdout_closed else stats.stopped_by
    # With --print, stdout carries only the JSON lines.
    (err() if print_tasks else out()).print(_summary(stats, kinds, seconds, stopped_by or "-"))
    if stdout_closed and stats.acknowledged:
        _note(
            f"stdout was closed: the {stats.acknowledged:,} task(s) acknowledged may include "
            "lines a reader that stopped early (head) dropped unread"
            + ("" if max_tasks is not None else ". To acknowledge no more than N: --max-tasks N")
        )
    _notes_and_exit(stats)


def _summary(stats: ConsumerStats, kinds: Counter[str], seconds: float, stopped_by: str) -> Any:
    """The table of what a run did."""
    rows = [
        ("handled", stats.handled),
        ("acknowledged", stats.acknowledged),
        # Acks a retry found already applied: acknowledged, not failed.
        ("  answer lost", stats.lost_ack_answers),
        ("  success", stats.succeeded),
        ("  retry", stats.retried),
        ("  error", stats.failed),
        ("ack refused", len(stats.ack_failures)),
        ("delivered again", stats.duplicates),
        ("unackable", stats.unackable),
        ("outages waited out", stats.outages),
        ("batches", stats.batches),
        ("requests", stats.requests),
    ]
    return _table("Task queue", rows, kinds, seconds, stopped_by)


def _notes_and_exit(stats: ConsumerStats) -> None:
    """What the run left withheld, and its exit code."""
    left = stats.left_unacknowledged
    if stats.stopped_by in _STOPPED_EARLY and left > 0:
        _note(
            f"stopped by {_STOPPED_EARLY[stats.stopped_by]} with {left:,} task(s) of the "
            "batch in hand handed out "
            f"and not acknowledged: {_WITHHELD}. Until then a run may find the queue empty."
        )
    elif stats.stopped_by == "empty":
        _note_empty()
    if stats.queue_stalled:
        _fail_stalled(stats.unackable, stats.unackable_tasks[0])
    if stats.ack_failures:
        first = next(iter(stats.ack_failures.items()))
        fail(
            f"{len(stats.ack_failures)} acknowledgement(s) refused, e.g. task {first[0]}: "
            f"{first[1]}",
            EXIT_ERROR,
        )
    if stats.stopped_by in SIGNAL_EXITS:
        # The tasks handled were acknowledged; the summary above says how many.
        raise click.exceptions.Exit(SIGNAL_EXITS[stats.stopped_by])


def _fail_stalled(count: int, first: TaskView) -> None:
    fail(
        f"{count} task(s) had no id and cannot be acknowledged, so the service holds back "
        "their tenant's later tasks; remove them from the admin queue (admin_tasks) or ask "
        "Kimono support. The first: " + json.dumps(first.raw, default=str)[:300],
        EXIT_ERROR,
    )


def _note(text: str) -> None:
    """A note on stderr: what the run means for the queue."""
    from .common import escape

    err().print(f"[bold]note:[/] {escape(text)}")


def _note_empty() -> None:
    _note(
        "the queue hands out nothing now, yet it may not be empty: tasks handed out earlier "
        "and not acknowledged (by a peek, or a run stopped early) are not gone, they are withheld "
        "until the service's ack timeout passes, then delivered again."
    )


def _table(
    title: str,
    rows: Iterable[tuple[str, int]],
    kinds: Counter[str],
    seconds: float,
    stopped_by: str | None = None,
) -> Table:
    """The table of a run: its counts, tasks by kind and action, how long, why it stopped."""
    from rich.table import Table

    from .common import escape

    table = Table(title=title)
    table.add_column("", style="bold")
    table.add_column("count", justify="right")
    for label, value in rows:
        table.add_row(label, f"{value:,}")
    for kind, value in sorted(kinds.items()):
        table.add_row(f"  {escape(kind)}", f"{value:,}")
    table.add_row("seconds", f"{seconds:.2f}")
    if stopped_by is not None:
        table.add_row("stopped by", escape(stopped_by))
    return table
