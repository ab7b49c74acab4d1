"""The ``tasks`` command: drain or follow the task queue, acknowledging every task as success.

Tasks are only counted (and printed as JSON lines with ``--print``); a live count goes
to stderr on a terminal and a summary table follows. A reader of ``--print`` that goes
away (``| head``) stops the run without acknowledging the task it did not see.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from collections import Counter

import click
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from .._task_view import ConsumerStats, RetryTask, TaskView
from .common import EXIT_ERROR, Settings, err, expected_errors, fail, out


@click.command()
@click.option(
    "--until-empty/--follow",
    default=True,
    show_default=True,
    help="Stop when the queue is empty, or keep polling it until Ctrl-C.",
)
@click.option(
    "--max-tasks",
    type=click.IntRange(min=1),
    default=None,
    help="Stop after handling this many tasks. The rest of their batch stays "
    "unacknowledged and is delivered again after the service's ack timeout.",
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
    until_empty: bool,
    max_tasks: int | None,
    print_tasks: bool,
    tenant_id: uuid.UUID | None,
    schema: str | None,
    driver: str | None,
) -> None:
    """Drain (or follow) the task queue, acknowledging every task as success.

    Each task is only recorded (and printed with --print); use this to empty a
    queue, inspect what it holds, or watch changes arrive. The summary counts
    tasks by kind and action.
    """
    kinds: Counter[str] = Counter()
    stdout_closed = False
    # A live count on a terminal, unless the tasks printed there are the live view.
    status = err()
    live = status.is_terminal and not (print_tasks and sys.stdout.isatty())
    started = time.perf_counter()
    with (
        expected_errors(settings),
        settings.client() as client,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("[bold]{task.completed:,}[/] handled"),
            TimeElapsedColumn(),
            console=status,
            disable=not live,
            transient=True,  # the summary replaces it
            redirect_stdout=False,
            redirect_stderr=False,
        ) as progress,
    ):
        counter = progress.add_task(
            "draining the task queue" if until_empty else "following the task queue (Ctrl-C)",
            total=None,
        )

        def handle(task: TaskView) -> None:
            nonlocal stdout_closed
            if print_tasks:
                try:
                    click.echo(json.dumps(dict(task.raw), separators=(",", ":")))
                except BrokenPipeError:
                    # The reader went away (`| head`): stop, and have this task, which
                    # nobody saw, delivered again instead of acknowledged.
                    stdout_closed = True
                    _silence_stdout()
                    consumer.stop()
                    raise RetryTask("stdout closed before the task was printed") from None
            action = str(task.action) if task.action is not None else "-"
            kinds[f"{task.kind.value} {action}"] += 1
            progress.advance(counter)

        consumer = client.tasks.consumer(
            handle,
            stop_when_empty=until_empty,
            max_tasks=max_tasks,
            tenant_id=tenant_id,
            schema=schema,
            driver=driver,
        )
        stats = consumer.run()
    table = _summary(stats, kinds, time.perf_counter() - started, stdout_closed)
    # With --print, stdout carries only the JSON lines.
    (err() if print_tasks else out()).print(table)
    if stats.queue_stalled:
        fail(
            f"{stats.unackable} task(s) had no id and cannot be acknowledged, so the "
            "service holds back their tenant's later tasks; remove them from the admin "
            "queue (admin_tasks) or ask Kimono support. The first: "
            + json.dumps(stats.unackable_tasks[0].raw, default=str)[:300],
            EXIT_ERROR,
        )
    if stats.ack_failures:
        first = next(iter(stats.ack_failures.items()))
        fail(
            f"{len(stats.ack_failures)} acknowledgement(s) refused, e.g. task {first[0]}: "
            f"{first[1]}",
            EXIT_ERROR,
        )


def _summary(
    stats: ConsumerStats, kinds: Counter[str], seconds: float, stdout_closed: bool
) -> Table:
    """The table of the run: the consumer's counts, tasks by kind and action, why it stopped."""
    table = Table(title="Task queue")
    table.add_column("", style="bold")
    table.add_column("count", justify="right")
    for label, value in (
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
    ):
        table.add_row(label, f"{value:,}")
    for kind, value in sorted(kinds.items()):
        table.add_row(f"  {escape(kind)}", f"{value:,}")
    table.add_row("seconds", f"{seconds:.2f}")
    stopped_by = "stdout closed" if stdout_closed else stats.stopped_by
    table.add_row("stopped by", escape(stopped_by or "-"))
    return table


def _silence_stdout() -> None:
    """Point stdout at /dev/null after its reader left, so exiting does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests), or already gone
        pass
