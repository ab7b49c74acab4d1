"""The ``kimono-interop`` command line: the sandbox, roster export, the task queue, tenants.

Install with ``pip install 'kimono-interop[cli]'`` (the ``sandbox`` command also needs
``kimono-interop[sandbox]``)::

    kimono-interop sandbox --students 500              # terminal 1: a local Kimono
    export KIMONO_BASE_URL=http://127.0.0.1:8080       # terminal 2
    export KIMONO_CLIENT_ID=sandbox-client KIMONO_CLIENT_SECRET=sandbox-secret
    kimono-interop tenants
    kimono-interop export --out roster --format csv
    kimono-interop tasks --print > tasks.jsonl

The same flags (or ``KIMONO_*`` variables) point it at a real tenant. Progress and
live counts go to stderr; results (tables, JSON) go to stdout.

Exit codes: 0 success; 1 the API or the run failed (the message says why); 2 usage
error; 3 configuration or credentials error (missing or refused client id/secret,
a bad base URL, or click/rich not installed).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ._client import KimonoClient
from ._constants import DEFAULT_BASE_URL
from ._exceptions import (
    AuthenticationError,
    ConfigurationError,
    KimonoError,
    PermissionDeniedError,
    UnauthorizedError,
)
from ._pagination import SyncPager
from ._task_view import RetryTask, TaskView

if TYPE_CHECKING:
    import click
    from rich.console import Console

__all__ = ["EXIT_CONFIG", "EXIT_ERROR", "EXIT_OK", "EXIT_USAGE", "build_cli", "flatten", "main"]

EXIT_OK = 0
EXIT_ERROR = 1  #: the API answered an error, the connection failed, a file could not be written
EXIT_USAGE = 2  #: click's usage errors (unknown option, bad value)
EXIT_CONFIG = 3  #: missing or refused credentials, a bad base URL, missing extras

INSTALL_HINT = (
    "The kimono-interop command line needs click and rich: pip install 'kimono-interop[cli]'"
)
SANDBOX_HINT = "The sandbox needs starlette and uvicorn: pip install 'kimono-interop[sandbox]'"

#: Errors that mean "fix your configuration or credentials" (exit code 3).
CREDENTIAL_ERRORS = (
    ConfigurationError,
    AuthenticationError,
    UnauthorizedError,
    PermissionDeniedError,
)

#: Every roster collection ``export`` writes: file name -> the pager of plain dicts.
Lister = Callable[[KimonoClient, int], SyncPager[dict[str, Any]]]
COLLECTIONS: dict[str, Lister] = {
    "orgs": lambda c, n: c.rostering.orgs.list(page_size=n).as_dicts(),
    "persons": lambda c, n: c.rostering.persons.list(page_size=n).as_dicts(),
    "courses": lambda c, n: c.rostering.courses.list(page_size=n).as_dicts(),
    "sections": lambda c, n: c.rostering.sections.list(page_size=n).as_dicts(),
    "terms": lambda c, n: c.rostering.terms.list(page_size=n).as_dicts(),
    "grading_categories": lambda c, n: c.grades.categories.list(page_size=n).as_dicts(),
}

#: Members of a tenant's ``auth``/``app_auth`` that are not secret (the rest print as ``***``).
_PUBLIC_AUTH_KEYS = frozenset({"type", "scheme", "client_id", "username"})


# -- settings and errors --------------------------------------------------------------------
@dataclass
class Settings:
    """The global options, shared by every command through the click context."""

    base_url: str
    client_id: str | None
    client_secret: str | None

    def client(self) -> KimonoClient:
        """A client for these settings; ConfigurationError if credentials are missing."""
        if not self.client_id or not self.client_secret:
            raise ConfigurationError(
                "Give --client-id and --client-secret (or set KIMONO_CLIENT_ID and "
                "KIMONO_CLIENT_SECRET). For the local sandbox they are printed by "
                "`kimono-interop sandbox`."
            )
        return KimonoClient(self.client_id, self.client_secret, base_url=self.base_url)

    def scrub(self, text: str) -> str:
        """``text`` without the client secret (belt and braces: SDK messages never hold it)."""
        secret = self.client_secret
        # (A secret this short would be a letter of every message; it is not one worth hiding.)
        return text.replace(secret, "***") if secret and len(secret) >= 6 else text


def _fail(message: str, code: int) -> NoReturn:
    import click
    from rich.console import Console
    from rich.markup import escape

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)}"
    )
    raise click.exceptions.Exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null after its reader left, so exiting does not raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests), or already gone
        pass


@contextmanager
def _expected_errors(settings: Settings | None) -> Iterator[None]:
    """Turn the errors a user can act on into a message and an exit code, never a traceback."""
    scrub = settings.scrub if settings is not None else str
    try:
        yield
    except CREDENTIAL_ERRORS as exc:
        _fail(scrub(str(exc)), EXIT_CONFIG)
    except KimonoError as exc:
        _fail(scrub(str(exc)), EXIT_ERROR)
    except OSError as exc:  # writing files, binding a port
        _fail(scrub(f"{type(exc).__name__}: {exc}"), EXIT_ERROR)


# -- export helpers -------------------------------------------------------------------------
def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """One CSV row from a nested object: ``{"name": {"first": "A"}}`` -> ``{"name.first": "A"}``.

    Nested objects become dotted columns; lists (of references, say) are written as
    JSON text; ``None`` is an empty cell and booleans are ``true``/``false``.
    """
    row: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            row.update(flatten(value, f"{name}."))
        else:
            row[name] = _cell(value)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _write_collection(
    pager: SyncPager[dict[str, Any]], path: Path, fmt: str, on_page: Callable[[int], None]
) -> int:
    """Stream every item of ``pager`` into ``path``; return how many were written.

    The file is written under a temporary name and renamed at the end, so a failed
    export never leaves a complete-looking but truncated file behind.
    """
    part_file = path.with_name(f".{path.name}.part")
    count = 0
    try:
        with part_file.open("w", encoding="utf-8", newline="") as out:
            if fmt == "jsonl":
                for page in pager.pages():
                    for item in page.items:
                        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
                        out.write("\n")
                    count += len(page.items)
                    on_page(len(page.items))
            else:
                # Columns are the union of every row's keys, known only at the end: the
                # flattened rows wait in a temporary file, then become the CSV.
                columns: dict[str, None] = {}
                with tempfile.TemporaryFile("w+", encoding="utf-8") as rows:
                    for page in pager.pages():
                        for item in page.items:
                            row = flatten(item)
                            columns.update(dict.fromkeys(row))
                            rows.write(json.dumps(row, ensure_ascii=False) + "\n")
                        count += len(page.items)
                        on_page(len(page.items))
                    rows.seek(0)
                    writer = csv.DictWriter(out, fieldnames=list(columns), restval="")
                    writer.writeheader()
                    for line in rows:
                        writer.writerow(json.loads(line))
        part_file.replace(path)
    finally:
        part_file.unlink(missing_ok=True)
    return count


def _public_tenant(tenant: Mapping[str, Any]) -> dict[str, Any]:
    """The tenant with the secret members of ``auth`` and ``app_auth`` replaced by ``***``."""
    shown = dict(tenant)
    for key in ("auth", "app_auth"):
        value = shown.get(key)
        if isinstance(value, Mapping):
            shown[key] = {
                k: (v if k in _PUBLIC_AUTH_KEYS or v is None else "***") for k, v in value.items()
            }
    return shown


def _name_of(value: Any, *keys: str) -> str:
    """The first of ``keys`` present in an object like ``account`` or ``status``, as text."""
    if isinstance(value, Mapping):
        return next((str(value[k]) for k in keys if value.get(k) not in (None, "")), "")
    return "" if value is None else str(value)


# -- the command line -----------------------------------------------------------------------
def build_cli() -> click.Group:
    """The ``kimono-interop`` click group (imports click and rich; see :func:`main`)."""
    import click
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    from rich.table import Table

    from ._logging import setup_logging
    from ._version import __version__

    def out() -> Console:
        return Console(highlight=False)

    def err() -> Console:
        return Console(stderr=True, highlight=False)

    @click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.version_option(__version__, prog_name="kimono-interop")
    @click.option(
        "--base-url",
        envvar="KIMONO_BASE_URL",
        default=DEFAULT_BASE_URL,
        show_default=True,
        show_envvar=True,
        help="The service's origin (the sandbox's URL for local work).",
    )
    @click.option(
        "--client-id", envvar="KIMONO_CLIENT_ID", show_envvar=True, help="OAuth2 client id."
    )
    @click.option(
        "--client-secret",
        envvar="KIMONO_CLIENT_SECRET",
        show_envvar=True,
        help="OAuth2 client secret (prefer the environment variable; it is never printed).",
    )
    @click.option(
        "--log-level",
        type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
        default=None,
        help="Log the SDK's HTTP exchanges and retries to stderr (also KIMONO_LOG).",
    )
    @click.pass_context
    def cli(
        ctx: click.Context,
        base_url: str,
        client_id: str | None,
        client_secret: str | None,
        log_level: str | None,
    ) -> None:
        """Work with the Kimono Interop APIs: a local sandbox, roster export, the task queue.

        \b
        Exit codes: 0 ok; 1 API or runtime error; 2 usage error;
        3 configuration or credentials error.
        """
        if log_level:
            setup_logging(log_level)
        ctx.obj = Settings(base_url=base_url, client_id=client_id, client_secret=client_secret)

    # -- sandbox ----------------------------------------------------------------------------
    rate = click.FloatRange(0.0, 1.0)

    @cli.command()
    @click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
    @click.option(
        "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port."
    )
    @click.option(
        "--students",
        type=click.IntRange(min=0),
        default=200,
        show_default=True,
        help="Students in the district; teachers, sections and courses scale with it.",
    )
    @click.option(
        "--schools", type=click.IntRange(min=1), default=3, show_default=True, help="Schools."
    )
    @click.option(
        "--tenants",
        type=click.IntRange(min=1),
        default=1,
        show_default=True,
        help="Tenants served by the vendor account, each with its own task queue.",
    )
    @click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same data.")
    @click.option(
        "--token-lifetime",
        type=click.FloatRange(min=0, min_open=True),
        default=3600.0,
        show_default=True,
        help="Seconds an access token lives.",
    )
    @click.option(
        "--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds added to answers."
    )
    @click.option("--error-rate", type=rate, default=0.0, help="Share of 500/502/503 answers.")
    @click.option("--rate-limit-rate", type=rate, default=0.0, help="Share of 429 answers.")
    @click.option(
        "--retry-after",
        type=click.FloatRange(min=0),
        default=1.0,
        show_default=True,
        help="Retry-After of the 429 answers.",
    )
    @click.option("--drop-rate", type=rate, default=0.0, help="Share of dropped connections.")
    @click.option(
        "--ack-timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="Seconds before unacknowledged tasks are delivered again.",
    )
    @click.option(
        "--duplicate-rate", type=rate, default=0.0, help="Share of acked tasks delivered again."
    )
    def sandbox(
        host: str,
        port: int,
        students: int,
        schools: int,
        tenants: int,
        seed: int,
        token_lifetime: float,
        latency: float,
        error_rate: float,
        rate_limit_rate: float,
        retry_after: float,
        drop_rate: float,
        ack_timeout: float,
        duplicate_rate: float,
    ) -> None:
        """Serve the local sandbox in the foreground (Ctrl-C stops it).

        Both Interop APIs and the token endpoint, over HTTP, with a seeded district
        and a task queue holding its initial sync. Prints the base URL and the
        vendor credentials to use.
        """
        try:
            from .sandbox import SandboxConfig, serve
        except ImportError:
            _fail(SANDBOX_HINT, EXIT_CONFIG)
        config = SandboxConfig(
            seed=seed,
            students=students,
            schools=schools,
            tenants=tenants,
            token_lifetime=token_lifetime,
            latency=latency,
            error_rate=error_rate,
            rate_limit_rate=rate_limit_rate,
            retry_after=retry_after,
            drop_rate=drop_rate,
            ack_timeout=ack_timeout,
            duplicate_rate=duplicate_rate,
        )
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        url = f"http://{shown_host}:{port}"
        console = out()
        console.print(
            f"[bold]Kimono sandbox[/]: {students} students, {schools} schools, "
            f"{tenants} tenant(s), seed {seed}"
        )
        # Sandbox-only credentials: printing them is the point.
        console.print("Use it with (sandbox-only credentials):", markup=False)
        console.print(f"  export KIMONO_BASE_URL={url}", markup=False)
        console.print(f"  export KIMONO_CLIENT_ID={config.client_id}", markup=False)
        console.print(f"  export KIMONO_CLIENT_SECRET={config.client_secret}", markup=False)
        console.print("Ctrl-C stops it; its state (tokens, acks, queues) lives in memory.")
        try:
            serve(config, host=host, port=port)
        except SystemExit as exc:  # uvicorn's own exit, e.g. the port is taken (logged above)
            if exc.code not in (0, None):
                _fail(f"the sandbox could not serve on {host}:{port}", EXIT_ERROR)

    # -- export -----------------------------------------------------------------------------
    @cli.command()
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
    @click.pass_obj
    def export(
        settings: Settings, out_dir: Path, fmt: str, only: tuple[str, ...], page_size: int
    ) -> None:
        """Export every roster collection to one file each in --out.

        Orgs, persons, courses, sections, terms and grading categories, as
        NAME.jsonl or NAME.csv. CSV flattens nested objects into dotted columns
        (name.first, $sys.id) and writes lists as JSON text.
        """
        fmt = fmt.lower()
        names = [name for name in COLLECTIONS if not only or name in only]
        results: list[tuple[str, int, float, Path]] = []
        with _expected_errors(settings):
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
                for name in names:
                    task = progress.add_task(name, total=None)
                    path = out_dir / f"{name}.{fmt}"
                    started = time.perf_counter()
                    count = _write_collection(
                        COLLECTIONS[name](client, page_size),
                        path,
                        fmt,
                        partial(progress.advance, task),
                    )
                    progress.update(task, total=count, completed=count)
                    results.append((name, count, time.perf_counter() - started, path))
        table = Table(title=f"Exported to {out_dir}")
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
        out().print(table)

    # -- tasks ------------------------------------------------------------------------------
    @cli.command()
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
            _expected_errors(settings),
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
        seconds = time.perf_counter() - started
        table = Table(title="Task queue")
        table.add_column("", style="bold")
        table.add_column("count", justify="right")
        for label, value in (
            ("handled", stats.handled),
            ("acknowledged", stats.acknowledged),
            ("  success", stats.succeeded),
            ("  retry", stats.retried),
            ("  error", stats.failed),
            ("ack refused", len(stats.ack_failures)),
            ("delivered again", stats.duplicates),
            ("batches", stats.batches),
            ("requests", stats.requests),
        ):
            table.add_row(label, f"{value:,}")
        for kind, value in sorted(kinds.items()):
            table.add_row(f"  {escape(kind)}", f"{value:,}")
        table.add_row("seconds", f"{seconds:.2f}")
        stopped_by = "stdout closed" if stdout_closed else stats.stopped_by
        table.add_row("stopped by", escape(stopped_by or "-"))
        # With --print, stdout carries only the JSON lines.
        (err() if print_tasks else out()).print(table)
        if stats.ack_failures:
            first = next(iter(stats.ack_failures.items()))
            _fail(
                f"{len(stats.ack_failures)} acknowledgement(s) refused, e.g. task {first[0]}: "
                f"{first[1]}",
                EXIT_ERROR,
            )

    # -- tenants ----------------------------------------------------------------------------
    @cli.command()
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
    @click.option(
        "--show-secrets",
        is_flag=True,
        help="With --json, include the tenants' client secrets (hidden as *** otherwise).",
    )
    @click.pass_obj
    def tenants(settings: Settings, as_json: bool, show_secrets: bool) -> None:
        """List the tenants these credentials may serve (GET /tenants)."""
        with _expected_errors(settings), settings.client() as client:
            found = list(client.tenants.list().as_dicts())
        if as_json:
            shown = found if show_secrets else [_public_tenant(t) for t in found]
            click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
            return
        table = Table(title=f"{len(found)} tenant(s)")
        table.add_column("id", no_wrap=True)
        for column in ("name", "status", "account", "integration"):
            table.add_column(column, overflow="fold")
        for tenant in found:
            table.add_row(
                escape(str(tenant.get("id", ""))),
                escape(str(tenant.get("name", ""))),
                escape(_name_of(tenant.get("status"), "op_state", "setup_state")),
                escape(_name_of(tenant.get("account"), "name", "id")),
                escape(_name_of(tenant.get("integration"), "name", "id")),
            )
        out().print(table)

    return cli


def main(argv: list[str] | None = None) -> None:
    """The console script ``kimono-interop``."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401
    except ImportError:
        print(INSTALL_HINT, file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    build_cli().main(args=argv, prog_name="kimono-interop")


if __name__ == "__main__":  # python -m kimono_interop.cli
    main()
