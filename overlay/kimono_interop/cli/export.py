"""The ``export`` command: every roster collection to one file each, with progress and a summary.

The files themselves are written by :mod:`.files`; this module picks the collections,
shows a progress bar per collection on stderr and prints the summary table on stdout.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import click

from .common import (
    EXIT_ERROR,
    SIGNAL_EXITS,
    Settings,
    Terminated,
    err,
    expected_errors,
    fail,
    out,
    sigterm_as_interrupt,
)
from .files import write_collection
from .options import KimonoCommand

if TYPE_CHECKING:
    from rich.table import Table

    from .._client import KimonoClient
    from .._pagination import SyncPager

#: Every roster collection ``export`` writes: file name -> the pager of plain dicts.
Lister: TypeAlias = "Callable[[KimonoClient, int], SyncPager[dict[str, Any]]]"
COLLECTIONS: dict[str, Lister] = {
    "orgs": lambda c, n: c.rostering.orgs.list(page_size=n).as_dicts(),
    "persons": lambda c, n: c.rostering.persons.list(page_size=n).as_dicts(),
    "courses": lambda c, n: c.rostering.courses.list(page_size=n).as_dicts(),
    "sections": lambda c, n: c.rostering.sections.list(page_size=n).as_dicts(),
    "terms": lambda c, n: c.rostering.terms.list(page_size=n).as_dicts(),
    "grading_categories": lambda c, n: c.grades.categories.list(page_size=n).as_dicts(),
}


@click.command(cls=KimonoCommand)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, writable=True, path_type=Path),
    default=Path("kimono-export"),
    show_default=True,
    help="Directory for the files (created if missing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"], case_sensitive=False),
    default="jsonl",
    show_default=True,
    help="JSON lines (one object a line, as the API sends it) or CSV (flattened).",
)
@click.option(
    "--only",
    type=click.Choice(list(COLLECTIONS)),
    multiple=True,
    help="Export only this collection (repeatable). Default: all of them.",
)
@click.option("--page-size", type=click.IntRange(1, 2000), default=2000, show_default=True)
@click.option(
    "--keep-formulas",
    is_flag=True,
    help="CSV: write cells that start with = + - @ as they are. By default they get a ' in "
    "front, so a spreadsheet shows them as text instead of running them.",
)
@click.pass_obj
def export(
    settings: Settings,
    out_dir: Path,
    fmt: str,
    only: tuple[str, ...],
    page_size: int,
    keep_formulas: bool,
) -> None:
    """Export every roster collection to one file each in --out.

    Orgs, persons, courses, sections, terms and grading categories, as
    NAME.jsonl or NAME.csv. CSV flattens nested objects into dotted columns
    (name.first, $sys.id) and writes lists as JSON text; a cell a spreadsheet would
    run as a formula gets a ' in front (--keep-formulas to keep it as sent).
    """
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    fmt = fmt.lower()
    names = [name for name in COLLECTIONS if not only or name in only]
    results: list[tuple[str, int, float, Path]] = []
    in_hand: str | None = None  # the collection being written when Ctrl-C came, if any
    interrupted: str | None = None  # by which signal (SIGINT, SIGTERM), if one came
    #: items that could not be read, by collection: left out of the file, the others kept
    skipped: dict[str, list[Any]] = {}
    with expected_errors(settings), sigterm_as_interrupt():
        out_dir.mkdir(parents=True, exist_ok=True)
        with (
            settings.client() as client,
            Progress(
                SpinnerColumn(finished_text="[green]✓[/]"),
                TextColumn("{task.description:<20}"),
                BarColumn(),
                TextColumn("{task.completed:>9,} records"),
                TimeElapsedColumn(),
                console=err(),
            ) as progress,
        ):
            try:
                for name in names:
                    in_hand = name
                    task = progress.add_task(name, total=None)
                    path = out_dir / f"{name}.{fmt}"
                    started = time.perf_counter()
                    # Interrupted, the writer removes its .part file: no partial file is left.
                    left_out = skipped.setdefault(name, [])
                    count = write_collection(
                        COLLECTIONS[name](client, page_size).on_invalid(left_out.append),
                        path,
                        fmt,
                        partial(progress.advance, task),
                        keep_formulas=keep_formulas,
                    )
                    results.append((name, count, time.perf_counter() - started, path))
                    in_hand = None
                    progress.update(task, total=count, completed=count)
            except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM
                interrupted = "SIGTERM" if isinstance(exc, Terminated) else "SIGINT"
            except Exception:
                # What was written, and which files there are older, before the error's
                # own line (expected_errors says it, with its exit code). The live display
                # stops first: its last redraw would erase the lines printed under it.
                progress.stop()
                out().print(_summary(out_dir, results, len(names), "stopped by an error"))
                _report_unread(skipped, in_hand)
                err().print(
                    _stopped("Stopped by an error", names, results, in_hand, out_dir, fmt),
                    markup=False,
                    highlight=False,
                )
                raise
            else:
                interrupted = None
    out().print(_summary(out_dir, results, len(names) if interrupted else None))
    unread = _report_unread(skipped, in_hand)
    if interrupted:
        why = "Terminated (SIGTERM)" if interrupted == "SIGTERM" else "Interrupted"
        err().print(
            _stopped(why, names, results, in_hand, out_dir, fmt),
            markup=False,
            highlight=False,
        )
        raise click.exceptions.Exit(SIGNAL_EXITS[interrupted])
    if unread:
        fail("items that could not be read were left out of the files (see above)", EXIT_ERROR)


def _report_unread(skipped: dict[str, list[Any]], in_hand: str | None) -> bool:
    """Name the items left out of the files written (the others are in them; the
    collection in hand, cut short, has no file); whether there were any."""
    unread = {name: items for name, items in skipped.items() if items and name != in_hand}
    for name, items in unread.items():
        first = "; ".join(str(item) for item in items[:3])
        err().print(
            f"{len(items)} item(s) of {name} could not be read and are not in its file "
            f"({first}{'; ...' if len(items) > 3 else ''})",
            markup=False,
            highlight=False,
        )
    return bool(unread)


def _stopped(
    why: str,
    names: list[str],
    results: list[tuple[str, int, float, Path]],
    in_hand: str | None,
    out_dir: Path,
    fmt: str,
) -> str:
    """Which files are complete, and which collections were not written (and whether a
    file of theirs is there from an earlier export)."""
    done = [name for name, *_ in results]
    files = ", ".join(p.name for *_, p in results) or "none"
    message = f"{why}: {len(done)} of {len(names)} collections written in full ({files})."
    if in_hand is not None:
        path = out_dir / f"{in_hand}.{fmt}"
        message += f" {in_hand} was cut short: no file of it was written"
        message += f" (the {path.name} there is from an earlier export)." if path.exists() else "."
    left = [name for name in names if name not in done and name != in_hand]
    if left:
        message += f" Not started: {', '.join(left)}."
        older = [f"{name}.{fmt}" for name in left if (out_dir / f"{name}.{fmt}").exists()]
        if older:
            message += f" From an earlier export: {', '.join(older)}."
    return message


def _summary(
    out_dir: Path,
    results: list[tuple[str, int, float, Path]],
    interrupted_of: int | None = None,
    why: str = "interrupted",
) -> Table:
    """The table of what was written: collection, records, seconds and file, with a total.

    ``interrupted_of``: how many collections the export was to write, if it was interrupted.
    """
    from rich.table import Table

    from .common import escape

    title = f"Exported to {out_dir}"
    if interrupted_of is not None:
        title += f" ({why}: {len(results)} of {interrupted_of} collections)"
    table = Table(title=escape(title))
    table.add_column("collection")
    table.add_column("records", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("file")
    for name, count, seconds, path in results:
        table.add_row(name, f"{count:,}", f"{seconds:.2f}", escape(str(path)))
    table.add_row(
        "[bold]total[/]",
        f"[bold]{sum(r[1] for r in results):,}[/]",
        f"[bold]{sum(r[2] for r in results):.2f}[/]",
        "",
    )
    return table
