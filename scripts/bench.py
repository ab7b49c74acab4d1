"""Benchmark the SDK against raw httpx, side by side, over real HTTP on loopback.

``make bench`` runs this script. It is a report, not a test: it always exits 0
(unless it cannot run at all), prints a table with a target and a verdict per row,
marks every missed target ``MISSED``, and rewrites ``docs/benchmarks.md`` with the
figures, a breakdown per person, the machine, how busy the rest of the machine was,
and the exact command. What each workload does is written in that file (by
:func:`how_to_read`): every walk is timed in a fresh process of its own
(``scripts/bench_walks.py``), the SDK's walks interleaved with the raw ones they are
compared with, and the figure of a row is the median of its runs.

The server is ``scripts/bench_server.py``, one subprocess for the whole run (uvicorn
on 127.0.0.1, pre-rendered pages, a task queue); the sandbox's own serving speed is
measured on ``kimono_interop.sandbox.Sandbox`` in another subprocess.

Workloads (``--only`` takes their names, comma-separated):

* ``typed``: typed iteration against raw httpx + json.loads: small persons counted,
  realistic persons counted, with two fields read, with every field read, and
  ``.as_dicts()``;
* ``export``: ``kimono-interop export --format jsonl`` against a raw script writing the
  same bytes, with the standard library's json and, when installed, with orjson;
* ``tasks``: draining the task queue with a no-op handler against a raw loop;
* ``lookahead``: async look-ahead against the best of three raw look-aheads;
* ``clients``: what a second client in the same process costs;
* ``memory``: peak RSS of typed iteration, 10,000 against 1,000,000 persons;
* ``sandbox``: the sandbox's server CPU per person served;
* ``breakdown``: where a realistic person's time goes (and ``--profile``: cProfile).

    python -m scripts.bench                  # everything (about 5 minutes on 2 cores)
    python -m scripts.bench --quick          # small sizes, one run each: a smoke run
    python -m scripts.bench --only typed     # some workloads; implies --no-write
    python -m scripts.bench --no-write       # do not rewrite docs/benchmarks.md

Before trusting the figures, check the "other load" lines: the script measures how
much CPU other processes took during the run and during each workload.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import hashlib
import importlib
import importlib.util
import io
import json
import pstats
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from scripts.bench_server import CONFIG_PATH
from scripts.bench_walks import Result, Server, count_raw, count_typed, server_spec, unset_value
from scripts.machine import ROOT, CpuWatch, command_line, machine, threads_cpu_seconds

DOC = ROOT / "docs" / "benchmarks.md"

MB = 1_000_000
R = TypeVar("R")

#: Every workload, in the order they run.
WORKLOADS = (
    "typed",
    "export",
    "tasks",
    "lookahead",
    "clients",
    "memory",
    "sandbox",
    "mirror",
    "breakdown",
)


@dataclass(frozen=True)
class Sizes:
    """How big each measurement is."""

    repeats: int  # runs of each walk; the figure is their median
    page_size: int
    typed_realistic: int  # persons per walk
    typed_small: int
    export_persons: int
    tasks: int
    lookahead_pages: int
    lookahead_page_size: int
    latency_ms: float
    prefetch: int
    lookahead_repeats: int
    clients_made: int  # clients made per process, after the first
    clients_processes: int
    rss_small: int
    rss_large: int
    sandbox_students: int
    sandbox_warm_walks: int
    sandbox_requests: int  # requests of one person, for the cost of a request
    breakdown_page: int
    profile_total: int


FULL = Sizes(
    repeats=5,
    page_size=2000,
    typed_realistic=20_000,
    typed_small=100_000,
    export_persons=20_000,
    tasks=10_000,
    lookahead_pages=50,
    lookahead_page_size=10,
    latency_ms=20.0,
    prefetch=8,
    lookahead_repeats=5,
    clients_made=20,
    clients_processes=3,
    rss_small=10_000,
    rss_large=1_000_000,
    sandbox_students=10_000,
    sandbox_warm_walks=3,
    sandbox_requests=200,
    breakdown_page=2000,
    profile_total=10_000,
)
#: Small sizes and one run each: a smoke run (``--quick``, and the tests).
QUICK = replace(
    FULL,
    repeats=1,
    typed_realistic=2000,
    typed_small=4000,
    export_persons=2000,
    tasks=300,
    lookahead_pages=6,
    latency_ms=5.0,
    prefetch=3,
    lookahead_repeats=1,
    clients_made=5,
    clients_processes=1,
    rss_small=2000,
    rss_large=6000,
    sandbox_students=1000,
    sandbox_warm_walks=1,
    sandbox_requests=20,
    breakdown_page=200,
    profile_total=2000,
)

# Targets (issue 15): the SDK's time over the raw walk's, at most; or absolute limits.
TYPED_SMALL_COUNT = 1.1
TYPED_TWO_FIELDS = 1.2
TYPED_EVERY_FIELD = 1.6
DICTS = 1.0
EXPORT_ORJSON = 0.8
EXPORT_STDLIB = 1.0
TASKS = 1.1
LOOKAHEAD = 1.1
SECOND_CLIENT_MS = 2.0
RSS_MAX_GROWTH_MB = 10.0
SANDBOX_US_PER_PERSON = 8.0

# Other processes using more than this share of one core during the run skew the figures.
BUSY_SHARE = 0.15
# The two fields a "two fields" walk reads, as the rows name them.
TWO_FIELDS = "`$sys.id` and `name.last`"


@dataclass
class Row:
    """One line of the report."""

    what: str
    result: str
    ratio: str = ""
    target: str = ""
    met: bool | None = None  # None: no target on this row, or not measured

    @property
    def verdict(self) -> str:
        if self.met is None:
            return "-" if not self.target else "not measured"
        return "yes" if self.met else "MISSED"


@dataclass
class Report:
    """Everything the run found, for stdout and docs/benchmarks.md."""

    sizes: Sizes
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)  # other load during each workload
    breakdown: list[str] = field(default_factory=list)
    profile: list[str] = field(default_factory=list)
    duration: float = 0.0
    interference: str = ""
    busy: bool = False  # others took more than BUSY_SHARE of a core
    machine: list[str] = field(default_factory=list)  # taken when the run starts
    walked: dict[str, float] = field(default_factory=dict)  # CPU µs a person, for the breakdown

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.what}: {row.result}  {row.ratio}  {row.verdict}", flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)


# --------------------------------------------------------------------------- servers

#: The pids of the servers running now (their CPU is the run's own, not other load).
LIVE: set[int] = set()


class ServerProcess:
    """A server in a subprocess that says ``PORT <n>`` once it listens; stopped by SIGINT."""

    def __init__(self, args: Sequence[str]) -> None:
        self.args = list(args)
        self.process: subprocess.Popen[str] | None = None
        self.origin = ""

    def __enter__(self) -> ServerProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.bench_server", *self.args],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        LIVE.add(self.process.pid)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"bench server did not start (said {line!r})")
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def cpu(self) -> float:
        """The server's CPU seconds so far (its threads', to the nanosecond)."""
        return threads_cpu_seconds(self.pid)

    def __exit__(self, *exc_info: object) -> None:
        process = self.process
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on SIGINT
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        LIVE.discard(process.pid)
        if process.stdout is not None:
            process.stdout.close()


class BenchServer(ServerProcess):
    """``scripts/bench_server.py``: the persons list and the task queue, configurable."""

    def __init__(self) -> None:
        super().__init__(["--prerender", "2000"])
        self._http = httpx.Client(timeout=30)
        self.spec: Server | None = None

    def __enter__(self) -> BenchServer:
        super().__enter__()
        self.spec = server_spec(self.origin)
        deadline = time.monotonic() + 15
        while True:  # the port is bound before uvicorn listens on it
            try:
                self.configure(total=0, latency_ms=0)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:  # type: ignore[union-attr]
                    self.__exit__(None, None, None)
                    raise
                time.sleep(0.05)

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Set the list (``total``, ``latency_ms``, ``shape``, ``prerender``) or ``tasks``."""
        response = self._http.post(self.origin + CONFIG_PATH, json=settings)
        response.raise_for_status()
        answer: dict[str, Any] = response.json()
        return answer

    def persons(self, total: int, page_size: int, shape: str = "realistic", **more: Any) -> None:
        """A list of ``total`` persons whose pages are rendered now, not while timed."""
        sizes = {page_size, total % page_size} - {0}
        self.configure(total=total, shape=shape, latency_ms=0, prerender=sorted(sizes), **more)

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()
        super().__exit__(*exc_info)


# --------------------------------------------------------------------------- walks


def spawn(server: BenchServer, walk: str, *args: str, timeout: float = 900) -> Result:
    """Run one walk of ``scripts.bench_walks`` in a fresh process; its JSON line."""
    assert server.spec is not None
    command = [sys.executable, "-m", "scripts.bench_walks", walk, "--server", server.spec.to_json()]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"walk {walk} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    found: Result = json.loads(done.stdout.strip().splitlines()[-1])
    return found


@dataclass
class Mode:
    """One kind of walk of a workload: how to run it, and what to do around each run."""

    walk: str
    args: tuple[str, ...] = ()
    before: Callable[[], object] | None = None  # e.g. set the server's list
    after: Callable[[Result], object] | None = None  # e.g. check what it wrote


def interleaved(
    server: BenchServer, modes: dict[str, Mode], repeats: int
) -> dict[str, list[Result]]:
    """``repeats`` runs of each mode, round-robin (each round starting one mode later)."""
    runs: dict[str, list[Result]] = {name: [] for name in modes}
    names = list(modes)
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            mode = modes[name]
            if mode.before is not None:
                mode.before()
            found = spawn(server, mode.walk, *mode.args)
            if mode.after is not None:
                mode.after(found)
            runs[name].append(found)
    return runs


def median(runs: list[Result], key: str = "seconds") -> float:
    return statistics.median(run[key] for run in runs)


def listed(runs: list[Result], key: str = "seconds") -> str:
    return ", ".join(f"{run[key]:.3f}" for run in runs)


def ratio_text(value: float, cpu: float | None = None) -> str:
    """``1.23x``, with the CPU ratio when known: ``1.23x (CPU 1.31x)``."""
    return f"{value:.2f}x" + ("" if cpu is None else f" (CPU {cpu:.2f}x)")


def compared(
    report: Report,
    what: str,
    runs: list[Result],
    base: list[Result],
    limit: float | None,
    count: int,
    unit: str = "persons",
    extra: str = "",
) -> float:
    """Add the row of ``runs`` compared with ``base`` (medians); return the wall ratio."""
    seconds, base_seconds = median(runs), median(base)
    ratio = seconds / base_seconds
    cpu = median(runs, "cpu") / median(base, "cpu")
    report.add(
        Row(
            what=what,
            result=f"{seconds:.2f} s ({count / seconds:,.0f} {unit}/s){extra}",
            ratio=ratio_text(ratio, cpu),
            target=f"<= {limit:.1f}x raw" if limit is not None else "",
            met=None if limit is None else ratio <= limit,
        )
    )
    return ratio


def baseline(
    report: Report, what: str, runs: list[Result], count: int, unit: str = "persons"
) -> None:
    seconds = median(runs)
    report.add(Row(what, f"{seconds:.2f} s ({count / seconds:,.0f} {unit}/s)", "1.00x"))


def orjson_version() -> str | None:
    if importlib.util.find_spec("orjson") is None:
        return None
    from importlib.metadata import version

    return version("orjson")


def error_row(report: Report, what: str, exc: BaseException, target: str = "") -> None:
    traceback.print_exception(exc)
    first = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
    report.add(Row(what, f"ERROR: {type(exc).__name__}: {first[:200]}", "", target, False))


# --------------------------------------------------------------------------- typed


def measure_typed(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Typed iteration, as-dicts and the raw walks they are compared with."""
    size, real, small = sizes.page_size, sizes.typed_realistic, sizes.typed_small

    def realistic() -> None:
        server.persons(real, size)

    def smalls() -> None:
        server.persons(small, size, shape="small")

    def walk(name: str, read: str, before: Callable[[], None]) -> Mode:
        return Mode(name, ("--read", read, "--page-size", str(size)), before)

    modes = {
        "raw small": walk("raw-persons", "count", smalls),
        "sdk small": walk("sdk-persons", "count", smalls),
        "raw count": walk("raw-persons", "count", realistic),
        "sdk count": walk("sdk-persons", "count", realistic),
        "sdk dicts": walk("sdk-dicts", "count", realistic),
        "raw two": walk("raw-persons", "two", realistic),
        "sdk two": walk("sdk-persons", "two", realistic),
        "raw all": walk("raw-persons", "all", realistic),
        "sdk all": walk("sdk-persons", "all", realistic),
    }
    print(
        f"typed: {real:,} realistic and {small:,} small persons in pages of {size:,}, "
        f"{len(modes)} walks x {sizes.repeats}"
    )
    runs = interleaved(server, modes, sizes.repeats)
    for name, found in runs.items():
        expected = small if "small" in name else real
        if any(run["count"] != expected for run in found):
            raise AssertionError(f"{name}: counted {[r['count'] for r in found]}, not {expected}")
        report.note(
            f"typed, {name}: wall {listed(found)} s; CPU {listed(found, 'cpu')} s"
            + (f"; orjson loaded: {found[0]['orjson']}" if "orjson" in found[0] else "")
        )
    leaves = {run["leaves"] for run in runs["raw all"] + runs["sdk all"]}
    if len(leaves) != 1:
        raise AssertionError(f"every-field walks read different numbers of values: {leaves}")
    per = report.walked  # client CPU per person, for the breakdown
    for name in ("raw count", "sdk count", "sdk dicts", "raw two", "sdk two", "raw all", "sdk all"):
        per[name] = median(runs[name], "cpu") / real * 1e6
    sdk, realistic_persons = "typed: SDK `Person`", f"{real:,} realistic persons"
    rows: list[tuple[str, str, str | None, float | None, int]] = [
        # (what, its runs, the raw runs it is compared with or None for a raw row, target, count)
        (
            f"typed: raw httpx + json.loads, {small:,} small persons, counted",
            "raw small",
            None,
            None,
            small,
        ),
        (f"{sdk}, small persons, counted", "sdk small", "raw small", TYPED_SMALL_COUNT, small),
        (
            f"typed: raw httpx + json.loads, {realistic_persons}, counted",
            "raw count",
            None,
            None,
            real,
        ),
        (f"{sdk}, realistic persons, counted", "sdk count", "raw count", None, real),
        (
            "typed: SDK `.as_dicts()`, realistic persons, counted",
            "sdk dicts",
            "raw count",
            DICTS,
            real,
        ),
        (f"typed: raw, {realistic_persons}, {TWO_FIELDS} read", "raw two", None, None, real),
        (f"{sdk}, {TWO_FIELDS} read", "sdk two", "raw two", TYPED_TWO_FIELDS, real),
        (f"typed: raw, {realistic_persons}, every value read", "raw all", None, None, real),
        (f"{sdk}, every field read", "sdk all", "raw all", TYPED_EVERY_FIELD, real),
    ]
    for what, name, base, limit, count in rows:
        if base is None:
            baseline(report, what, runs[name], count)
        else:
            compared(report, what, runs[name], runs[base], limit, count)


# --------------------------------------------------------------------------- export


def measure_export(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """``kimono-interop export --format jsonl`` against the raw script, same bytes."""
    total, size = sizes.export_persons, sizes.page_size
    version = orjson_version()
    hashes: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="kimono-bench-") as tmp:

        def mode(name: str, walk: str, *more: str) -> Mode:
            out = Path(tmp) / name / "persons.jsonl"
            out.parent.mkdir()

            def after(found: Result) -> None:
                hashes.setdefault(name, set()).add(hashlib.sha256(out.read_bytes()).hexdigest())
                found["bytes"] = out.stat().st_size
                out.unlink()

            return Mode(walk, ("--page-size", str(size), "--out", str(out), *more), None, after)

        modes = {
            "raw": mode("raw", "raw-export"),
            "stdlib": mode("stdlib", "cli-export", "--block-orjson"),
        }
        if version is not None:
            modes["orjson"] = mode("orjson", "cli-export")
        print(f"export: {total:,} persons to JSON lines, {len(modes)} walks x {sizes.repeats}")
        server.persons(total, size)
        runs = interleaved(server, modes, sizes.repeats)
    for name, found in runs.items():
        if any(run["count"] != total for run in found):
            raise AssertionError(f"export {name} wrote {[r['count'] for r in found]} lines")
        report.note(f"export, {name}: wall {listed(found)} s; CPU {listed(found, 'cpu')} s")
    same = all(hashes[name] == hashes["raw"] and len(hashes[name]) == 1 for name in hashes)
    same_text = ", same bytes" if same else ", DIFFERENT BYTES"
    megabytes = runs["raw"][0]["bytes"] / MB
    raw_what = f"export: raw httpx script, {total:,} persons to JSON lines ({megabytes:.0f} MB)"
    baseline(report, raw_what, runs["raw"], total)
    what = "export: `kimono-interop export --format jsonl`"
    loaded = ", orjson loaded anyway" if runs["stdlib"][0].get("orjson") else ""
    stdlib = runs["stdlib"]
    compared(
        report,
        f"{what}, json (orjson hidden)",
        stdlib,
        runs["raw"],
        EXPORT_STDLIB,
        total,
        extra=same_text + loaded,
    )
    if version is None:
        target = f"<= {EXPORT_ORJSON}x raw"
        report.add(
            Row(f"{what}, with the orjson extra", "skipped: orjson is not installed", "", target)
        )
        return
    used = "" if runs["orjson"][0].get("orjson") else ", orjson NOT USED by the SDK"
    compared(
        report,
        f"{what}, with the orjson extra (orjson {version})",
        runs["orjson"],
        runs["raw"],
        EXPORT_ORJSON,
        total,
        extra=same_text + used,
    )


# --------------------------------------------------------------------------- tasks


def measure_tasks(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Draining the queue with a no-op handler against the raw loop."""
    total = sizes.tasks

    def refill() -> None:
        server.configure(tasks=total)

    def drained(found: Result) -> None:
        acked = server.configure()["acked"]
        if found["count"] != total or acked != total:
            raise AssertionError(f"handled {found['count']} and acked {acked}, not {total} tasks")

    modes = {
        "raw": Mode("raw-tasks", (), refill, drained),
        "sdk": Mode("sdk-tasks", (), refill, drained),
    }
    print(f"tasks: {total:,} tasks in batches of 100, {len(modes)} walks x {sizes.repeats}")
    runs = interleaved(server, modes, sizes.repeats)
    for name, found in runs.items():
        report.note(f"tasks, {name}: wall {listed(found)} s; CPU {listed(found, 'cpu')} s")
    extra_us = (median(runs["sdk"], "cpu") - median(runs["raw"], "cpu")) / total * 1e6
    raw_what = f"tasks: raw loop, GET /tasks + one bulk ack a batch, {total:,} tasks"
    baseline(report, raw_what, runs["raw"], total, "tasks")
    compared(
        report,
        "tasks: SDK `client.tasks.run(no-op handler)`",
        runs["sdk"],
        runs["raw"],
        TASKS,
        total,
        "tasks",
        f"; {extra_us:+.1f} µs CPU a task",
    )


# --------------------------------------------------------------------------- look-ahead


def measure_lookahead(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Async look-ahead: the SDK's prefetch(n) against the best raw look-ahead with n in flight."""
    pages, size, ahead = sizes.lookahead_pages, sizes.lookahead_page_size, sizes.prefetch
    total = pages * size
    if importlib.util.find_spec("kimono_interop") is None or not hasattr(
        importlib.import_module("kimono_interop"), "AsyncKimonoClient"
    ):
        report.add(Row("look-ahead", "skipped: async client not available", "", f"<= {LOOKAHEAD}x"))
        return

    def before() -> None:
        server.configure(
            total=total, shape="realistic", latency_ms=sizes.latency_ms, prerender=[size]
        )

    def mode(walk: str, prefetch: int, *more: str) -> Mode:
        args = ("--page-size", str(size), "--prefetch", str(prefetch), "--walks", "2", *more)
        return Mode(walk, args, before)

    modes = {
        "raw window": mode("raw-ahead-window", ahead),
        "raw eager": mode("raw-ahead-eager", ahead),
        "raw workers": mode("raw-ahead-workers", ahead),
        "sdk prefetch": mode("sdk-ahead", ahead),
        "sdk prefetch dicts": mode("sdk-ahead", ahead, "--read", "dicts"),
        "sdk sequential": mode("sdk-ahead", 0),
    }
    what = (
        f"look-ahead: {pages} pages of {size}, {sizes.latency_ms:.0f} ms latency, {ahead} in flight"
    )
    print(f"{what}, {len(modes)} walks x {sizes.lookahead_repeats}")
    try:
        runs = interleaved(server, modes, sizes.lookahead_repeats)
    finally:
        server.configure(latency_ms=0)
    for name, found in runs.items():
        if any(run["count"] != total for run in found):
            raise AssertionError(f"{name}: counted {[r['count'] for r in found]}, not {total}")
        report.note(f"look-ahead, {name}: timed walks {listed(found, 'walk_seconds')} s")
    medians = {name: median(found, "walk_seconds") for name, found in runs.items()}
    best = min(medians[name] for name in medians if name.startswith("raw"))
    labels = {
        "raw window": f"raw httpx.AsyncClient, page 0 then {ahead} ahead",
        "raw eager": f"raw, pages 0-{ahead - 1} at once, then {ahead} ahead",
        "raw workers": f"raw, {ahead} workers taking page numbers",
    }
    floor = pages * sizes.latency_ms / 1000
    for name, label in labels.items():
        mark = " (best raw)" if medians[name] == best else ""
        report.add(
            Row(
                f"look-ahead: {label}",
                f"{medians[name]:.3f} s{mark}",
                f"{medians[name] / best:.2f}x",
            )
        )
    sdk = medians["sdk prefetch"]
    report.add(
        Row(
            f"{what}: SDK `async for p in pager.prefetch({ahead})`",
            f"{sdk:.3f} s ({medians['sdk sequential'] / sdk:.1f}x faster than sequential)",
            f"{sdk / best:.2f}x",
            f"<= {LOOKAHEAD}x best raw",
            sdk / best <= LOOKAHEAD,
        )
    )
    dicts = medians["sdk prefetch dicts"]
    report.add(
        Row(
            f"look-ahead: SDK `pager.as_dicts().prefetch({ahead})` (no models)",
            f"{dicts:.3f} s",
            f"{dicts / best:.2f}x",
        )
    )
    report.add(
        Row(
            "look-ahead: SDK sequential `async for p in pager` (no look-ahead)",
            f"{medians['sdk sequential']:.3f} s (latency alone {floor:.2f} s)",
            f"{medians['sdk sequential'] / best:.2f}x",
        )
    )


# --------------------------------------------------------------------------- clients


def measure_clients(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """A second client in the same process: made and closed, https and plain http."""
    print(
        f"clients: {sizes.clients_made} clients made after the first, x {sizes.clients_processes}"
    )
    found = [
        spawn(server, "clients", "--repeats", str(sizes.clients_made))
        for _ in range(sizes.clients_processes)
    ]
    for key in ("first_ms", "next_ms", "first_http_ms", "next_http_ms", "httpx_ms"):
        report.note(f"clients, {key}: {', '.join(f'{run[key]:.2f}' for run in found)}")
    bare = median(found, "httpx_ms")
    for label, first, later in (
        ("default https base URL", "first_ms", "next_ms"),
        ("plain http base URL", "first_http_ms", "next_http_ms"),
    ):
        ms = median(found, later)
        report.add(
            Row(
                f"clients: a second `KimonoClient` in the process, {label}, made and closed",
                f"{ms:.2f} ms (the first {median(found, first):.1f} ms; "
                f"`httpx.Client()` {bare:.1f} ms)",
                f"{ms:.2f} ms",
                f"<= {SECOND_CLIENT_MS:.0f} ms",
                ms <= SECOND_CLIENT_MS,
            )
        )


# --------------------------------------------------------------------------- memory

_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def measure_memory(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Peak RSS of typed iteration, each count in a fresh process started from a launcher."""
    assert server.spec is not None
    print(
        f"memory: peak RSS of typed iteration, {sizes.rss_small:,} and {sizes.rss_large:,} persons"
    )
    results: dict[int, Result] = {}
    for total in (sizes.rss_small, sizes.rss_large):
        server.persons(total, sizes.page_size)
        done = subprocess.run(
            [
                # A child's ru_maxrss starts at its parent's RSS at fork time (Linux keeps the
                # high-water mark across fork and exec), and this process holds pages of its
                # own: start the measured process from a small launcher instead.
                sys.executable,
                "-c",
                _LAUNCHER,
                sys.executable,
                "-m",
                "scripts.bench_walks",
                "rss",
                "--server",
                server.spec.to_json(),
                "--count",
                str(total),
                "--page-size",
                str(sizes.page_size),
            ],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        results[total] = json.loads(done.stdout.strip().splitlines()[-1])
    small, large = results[sizes.rss_small], results[sizes.rss_large]
    growth = (large["peak_kib"] - small["peak_kib"]) * 1024 / MB
    for total, found in results.items():
        hwm = found.get("hwm_kib")
        report.note(
            f"memory, {total:,} persons: ru_maxrss {found['peak_kib']:,} KiB"
            + (f", /proc VmHWM {hwm:,} KiB" if hwm else "")
        )
        is_large = total == sizes.rss_large
        report.add(
            Row(
                what=f"memory: peak RSS, typed iteration of {total:,} persons",
                result=f"{found['peak_kib'] * 1024 / MB:.1f} MB (at start "
                f"{found['start_kib'] * 1024 / MB:.1f} MB; {found['seconds']:.1f} s)",
                ratio=f"{growth:+.1f} MB" if is_large else "",
                target=f"growth < {RSS_MAX_GROWTH_MB:.0f} MB" if is_large else "",
                met=growth < RSS_MAX_GROWTH_MB if is_large else None,
            )
        )


# --------------------------------------------------------------------------- sandbox


def measure_sandbox(sizes: Sizes, report: Report) -> None:
    """Server CPU per person the sandbox serves: the first walk, and the walks after it."""
    renderers = ["json"] + (["orjson"] if orjson_version() is not None else [])
    students = sizes.sandbox_students
    print(f"sandbox: {students:,} students, server CPU per person served ({', '.join(renderers)})")
    from kimono_interop.sandbox.config import SandboxConfig

    config = SandboxConfig()
    for renderer in renderers:
        with ServerProcess(["--sandbox", str(students), "--renderer", renderer]) as sandbox:
            assert sandbox.process is not None and sandbox.process.stdout is not None
            # RENDERER <name> [<CPU seconds rendering the roster at start> <objects>]
            said = sandbox.process.stdout.readline().split()
            shown = said[1]
            warm = (float(said[2]), int(said[3])) if len(said) > 3 else None
            with httpx.Client(base_url=sandbox.origin, timeout=60) as http:
                answer = http.post(
                    "/oauth/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": config.client_id,
                        "client_secret": config.client_secret,
                    },
                )
                answer.raise_for_status()
                http.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
                walks = [_sandbox_walk(http, sandbox, sizes.page_size)]  # the first
                walks += [
                    _sandbox_walk(http, sandbox, sizes.page_size)
                    for _ in range(1 + sizes.sandbox_warm_walks)
                ]
                per_request = _sandbox_requests(http, sandbox, sizes.sandbox_requests)
        persons = walks[0][0]
        label = "json, kept texts" if shown == "json" else shown
        report.note(
            f"sandbox ({label}): server CPU per walk of {persons:,} persons: "
            + ", ".join(f"{cpu:.3f}" for _, cpu in walks)
            + f" s; per request of one person: {per_request * 1000:.2f} ms"
        )
        if warm is not None:
            seconds, objects = warm
            report.add(
                Row(
                    f"sandbox ({label}): rendering the roster when the sandbox starts "
                    "(off the request path)",
                    f"{seconds:.2f} s CPU for {objects:,} objects "
                    f"({seconds / objects * 1e6:.1f} µs an object)",
                    f"{seconds / objects * 1e6:.1f} µs",
                )
            )
        first, second = (cpu / count * 1e6 for count, cpu in walks[:2])
        later = sum(cpu for _, cpu in walks[2:]) / sum(count for count, _ in walks[2:]) * 1e6
        what = (
            f"sandbox ({label}): server CPU per person, listPersons in pages of {sizes.page_size:,}"
        )
        target = f"<= {SANDBOX_US_PER_PERSON:.0f} µs"
        shown_walks = [("first walk", first)]
        if shown == "json":  # the walk that checks the kept texts and takes snapshots
            shown_walks.append(("second walk", second))
        shown_walks.append((f"walks 3-{len(walks)}" if len(walks) > 3 else "third walk", later))
        for name, us in shown_walks:
            checked = name != "second walk"
            report.add(
                Row(
                    f"{what}, {name}",
                    f"{us:.1f} µs ({persons:,} persons a walk)"
                    + (
                        "" if checked else f"; a request of one person: {per_request * 1000:.2f} ms"
                    ),
                    f"{us:.1f} µs",
                    target if checked else "",
                    us <= SANDBOX_US_PER_PERSON if checked else None,
                )
            )


#: The roster mirror's apply targets (tasks/s) per store, and drain+apply against drain alone.
MIRROR_TARGETS = {"sqlite": 20_000, "postgresql": 10_000}
MIRROR_DRAIN_SHARE = 0.70


def measure_mirror(sizes: Sizes, report: Report) -> None:
    """Tasks/s the roster mirror applies (batches of 100, person-sized objects), on SQLite
    and on a throwaway PostgreSQL with fsync on, and draining the sandbox into it against
    draining it with a no-op handler (scripts/bench_mirror.py; medians of the rounds)."""
    from scripts import bench_mirror
    from tests.support.postgres import Unavailable

    rounds = 1 if sizes.repeats == 1 else 3
    tasks, students = (500, 200) if sizes.repeats == 1 else (3000, 1500)
    for store in MIRROR_TARGETS:
        label = "sqlite (WAL, synchronous=FULL)" if store == "sqlite" else "postgresql (fsync on)"
        print(f"mirror: {label}, {rounds} round(s) of {tasks:,} tasks and a drain")
        try:
            with bench_mirror._stores(store == "postgresql") as stores:
                applied = [bench_mirror.measure(next(stores), tasks=tasks) for _ in range(rounds)]
                floors = [bench_mirror.floor(next(stores), tasks=tasks) for _ in range(rounds)]
                drained = [
                    bench_mirror.drain(next(stores), students=students) for _ in range(rounds)
                ]
                remote = [
                    bench_mirror.drain(
                        next(stores), students=students, latency=bench_mirror.NETWORK_LATENCY
                    )
                    for _ in range(rounds)
                ]
        except Unavailable as exc:
            report.add(Row(f"mirror ({label})", f"not measured: {exc}", "", "", None))
            continue
        add = statistics.median(row["add"] for row in applied)
        update = statistics.median(row["update"] for row in applied)
        share = statistics.median(row["ratio"] for row in drained)
        target = MIRROR_TARGETS[store]
        report.add(
            Row(
                f"mirror ({label}): apply, batches of {bench_mirror.BATCH}, person-sized objects",
                f"{add:,.0f} ADDs/s, {update:,.0f} UPDATEs/s",
                f"{min(add, update):,.0f}/s",
                f">= {target:,}/s",
                min(add, update) >= target,
            )
        )
        schema = statistics.median(row["schema"] for row in floors)
        plain = "sqlite3" if store == "sqlite" else "psycopg (the mirror's tables by `COPY`)"
        report.add(
            Row(
                f"mirror ({label}): the same ADDs' rows written by plain {plain}, "
                "into one upsert table / into the mirror's tables and indexes",
                f"{statistics.median(row['upsert'] for row in floors):,.0f} / "
                f"{schema:,.0f} tasks/s; the mirror's ADDs reach this share of the second",
                f"{add / schema:.0%}",
            )
        )
        report.add(
            Row(
                f"mirror ({label}): draining the sandbox into the mirror vs a no-op handler",
                f"{statistics.median(row['drain_apply'] for row in drained):,.0f} tasks/s "
                f"against {statistics.median(row['drain'] for row in drained):,.0f}",
                f"{share:.0%}",
                f">= {MIRROR_DRAIN_SHARE:.0%}",
                share >= MIRROR_DRAIN_SHARE,
            )
        )
        latency = bench_mirror.NETWORK_LATENCY * 1000
        report.add(
            Row(
                f"mirror ({label}): the same, with {latency:g} ms added to each of the "
                "sandbox's answers (a service across a network)",
                f"{statistics.median(row['drain_apply'] for row in remote):,.0f} tasks/s "
                f"against {statistics.median(row['drain'] for row in remote):,.0f}",
                f"{statistics.median(row['ratio'] for row in remote):.0%}",
            )
        )


def _sandbox_walk(http: httpx.Client, sandbox: ServerProcess, page_size: int) -> tuple[int, float]:
    """Walk every person once; (persons served, server CPU seconds it took)."""
    count, page = 0, 0
    cpu = sandbox.cpu()
    while True:
        answer = http.get(
            "/v2/interop/data/rostering/persons", params={"page": page, "page_size": page_size}
        )
        answer.raise_for_status()
        body = answer.json()
        count += len(body["data"])
        if body["paging"]["next"] is None:
            return count, sandbox.cpu() - cpu
        page += 1


def _sandbox_requests(http: httpx.Client, sandbox: ServerProcess, requests: int) -> float:
    """Server CPU seconds per request of a page of one person."""
    cpu = sandbox.cpu()
    for n in range(requests):
        http.get(
            "/v2/interop/data/rostering/persons", params={"page": n, "page_size": 1}
        ).raise_for_status()
    return (sandbox.cpu() - cpu) / requests


# --------------------------------------------------------------------------- breakdown


def _best_cpu(run: Callable[[], object], repeats: int = 5) -> float:
    """The least CPU time of ``repeats`` runs (CPU, not wall: other load matters less)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def _without_gc(run: Callable[[], R]) -> R:
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def measure_breakdown(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Where a realistic person's time goes: the parts of a walk, each timed alone."""
    from kimono_interop_data_api.models import (
        AddressType,
        MembershipRefType,
        NameType,
        OrgMembershipRefType,
        Person,
        PersonSysType,
    )

    assert server.spec is not None
    size = sizes.breakdown_page
    server.persons(size, size)
    spec = server.spec
    with httpx.Client() as http:
        token = http.post(
            spec.origin + spec.token_path,
            data={
                "grant_type": "client_credentials",
                "client_id": spec.client_id,
                "client_secret": spec.client_secret,
            },
        ).json()["access_token"]
        body = http.get(
            spec.origin + spec.persons_path,
            params={"page": 0, "page_size": size},
            headers={"Authorization": f"Bearer {token}"},
        ).content
    items: list[dict[str, Any]] = json.loads(body)["data"]
    n = len(items)
    unset = unset_value()
    print(f"breakdown: one page of {n:,} realistic persons, each part timed alone")

    def build() -> list[Any]:
        return [Person.from_dict(item) for item in items]

    def read_two(models: list[Any]) -> None:
        for person in models:
            _id, _last = person.sys.id, person.name.last

    def read_all(models: list[Any]) -> None:
        for person in models:
            count_typed(person, unset)

    def timed_on_fresh(read: Callable[[list[Any]], None]) -> float:
        # Reads of models built just before, untimed (a lazily parsed field parses once).
        times = []
        for _ in range(5):
            models = build()
            gc.collect()
            started = time.process_time()
            read(models)
            times.append(time.process_time() - started)
        return min(times)

    def freeing() -> float:
        times = []
        for _ in range(5):
            models = build()
            started = time.process_time()
            del models
            times.append(time.process_time() - started)
        return min(times)

    sections = [ref for item in items for ref in item.get("$sections", [])]
    schools = [ref for item in items for ref in item.get("$schools", [])]
    us = 1e6 / n
    loads = _best_cpu(lambda: json.loads(body)) * us
    loads_no_gc = _best_cpu(lambda: _without_gc(lambda: json.loads(body))) * us
    from_dict = _best_cpu(build) * us
    from_dict_no_gc = _best_cpu(lambda: _without_gc(build)) * us
    parts = [
        (
            f"$sections: {len(sections):,} `MembershipRefType`",
            lambda: [MembershipRefType.from_dict(r) for r in sections],
        ),
        (
            f"$schools: {len(schools):,} `OrgMembershipRefType`",
            lambda: [OrgMembershipRefType.from_dict(r) for r in schools],
        ),
        ("$sys: `PersonSysType`", lambda: [PersonSysType.from_dict(i["$sys"]) for i in items]),
        (
            "name and address",
            lambda: [
                (NameType.from_dict(i["name"]), AddressType.from_dict(i["address"])) for i in items
            ],
        ),
    ]
    two = timed_on_fresh(read_two) * us
    every = timed_on_fresh(read_all) * us
    walk_raw = _best_cpu(lambda: [count_raw(item) for item in items]) * us
    free = freeing() * us
    rows: list[tuple[str, float]] = []
    walked = report.walked
    if walked:
        rows.append(
            ("raw walk, counting, end to end (the typed runs' median)", walked["raw count"])
        )
    rows += [
        ("↳ `json.loads` of the page", loads),
        ("↳ ↳ of which the cyclic collector (GC on minus GC off)", loads - loads_no_gc),
    ]
    if walked:
        rows += [
            (
                "↳ HTTP, and walking the items (end to end minus `json.loads`)",
                walked["raw count"] - loads,
            ),
            ("SDK typed walk, counting, end to end (the typed runs' median)", walked["sdk count"]),
            ("↳ the SDK's cost over the raw walk", walked["sdk count"] - walked["raw count"]),
        ]
    rows.append(("`Person.from_dict`, all of it (as the pager builds items)", from_dict))
    for label, run in parts:
        rows.append((f"↳ {label}, alone", _best_cpu(run) * us))
    rows += [
        ("↳ of which the cyclic collector (GC on minus GC off)", from_dict - from_dict_no_gc),
        ("freeing a page of models (`del`)", free),
        (f"reading {TWO_FIELDS} of a built `Person`", two),
        ("reading every field of a built `Person`", every),
        ("(raw: reading every value of a decoded person)", walk_raw),
    ]
    if walked:
        rows += [
            (f"SDK walk reading {TWO_FIELDS}, end to end", walked["sdk two"]),
            ("SDK walk reading every field, end to end", walked["sdk all"]),
            ("(raw walk reading every value, end to end)", walked["raw all"]),
            ("SDK `.as_dicts()` walk, end to end", walked["sdk dicts"]),
        ]
    report.breakdown = [
        f"Per realistic person (about {len(body) / n / 1000:.1f} kB of JSON), in µs of CPU: "
        f"the parts timed alone on one page of {n:,} (best of 5, in the benchmark's "
        "process), and the walks end to end from the typed workload (the walk processes' "
        "CPU time, medians; wall time includes waiting for the server and, on a busy "
        "machine, for a core).",
        "",
        "| part | µs per person |",
        "| --- | ---: |",
        *[f"| {label} | {value:.1f} |" for label, value in rows],
    ]
    print("\n".join(report.breakdown))


def profile_typed(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """cProfile of typed iteration, in this process (``--profile``)."""
    from scripts.bench_walks import sdk_persons

    assert server.spec is not None
    server.persons(sizes.profile_total, sizes.page_size)
    profiler = cProfile.Profile()
    profiler.enable()
    sdk_persons(server.spec, sizes.page_size, "count")
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total_time = sum(tt for _, _, tt, _, _ in raw.values())
    top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:15]
    lines = [
        f"cProfile of typed iteration over {sizes.profile_total:,} persons (profiler overhead "
        f"inflates call-heavy code): top functions by own time, of {total_time:.2f} s.",
        "",
        "| function | calls | own s | own % | with callees s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in top:
        where = _short_location(filename, line, name)
        lines.append(
            f"| `{where}` | {calls:,} | {own:.2f} | {own / total_time * 100:.0f}% | "
            f"{cumulative:.2f} |"
        )
    report.profile = lines
    print("\n".join(lines))


def _short_location(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name
    path = Path(filename)
    for anchor in ("kimono_interop_data_api", "kimono_interop", "httpx", "httpcore", "h11"):
        if anchor in path.parts:
            path = Path(*path.parts[path.parts.index(anchor) :])
            break
    else:
        path = Path(path.name)
    return f"{path}:{line}({name})"


# --------------------------------------------------------------------------- output


def render_table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| what | result | ratio | target | met |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        lines.append(f"| {row.what} | {row.result} | {row.ratio} | {row.target} | {row.verdict} |")
    return lines


def how_to_read(sizes: Sizes) -> list[str]:
    """What each workload does, for the doc."""
    s = sizes
    return [
        "- **Every walk in its own process.** Each run of a walk is a fresh `python -m "
        "scripts.bench_walks` process (`scripts/bench_walks.py`), so no walk inherits "
        "another's heap, collector state, imports or connections; a raw walk's process "
        "never imports the SDK. The time of a run is the walk itself, never interpreter "
        "start or imports: walks of a list or the queue start on a client that already holds "
        "its token and a connection (what a client costs to make is *clients*' figure), an "
        "export is the whole command, client and token included, on both sides. The walks of a "
        f"workload run round-robin, {s.repeats} rounds (each starting one walk later), and "
        "each row gives the median of its runs. *ratio* is the SDK's median over the raw "
        "walk's (wall time; the ratio of the processes' CPU time follows in brackets).",
        "- **The server** (`scripts/bench_server.py`) runs in its own process (uvicorn, h11, "
        "127.0.0.1, TCP_NODELAY on every connection) and serves pages from templates "
        "rendered before any timed walk (about a millisecond a page of 2,000), so it is not "
        "the bottleneck. *Realistic* persons are a K-12 district's students and about 8% "
        "teachers: `$sys` (uuid, timestamps, source and app ids), name, address, email, one "
        "or two `$schools` and one to seven `$sections` (elementary students 1-2, secondary "
        "5-7, teachers 3-5) with memberships, about 1.3 kB of JSON each; *small* persons "
        "carry `$sys` (id, type, label, person_type), `local_id`, a name and an email, about "
        "250 bytes. Every one parses with `Person.from_dict`.",
        f"- **typed**: {s.typed_small:,} small and {s.typed_realistic:,} realistic persons in "
        f"pages of {s.page_size:,}. *raw* is a bare `httpx.Client` that GETs each page, "
        "`json.loads` it and follows `paging.next`, and for each person does what the SDK "
        f"walk beside it does: nothing (*counted*), read {TWO_FIELDS}, or read every value "
        "(a recursive walk of the decoded JSON). *SDK* is `for p in "
        "client.rostering.persons.list(page_size=2000)`, reading the same: two attributes, "
        "or every field (each model's `attrs` fields read as attributes, recursively; both "
        "walks count the values they read, and the counts must match); `.as_dicts()` is "
        "compared with the raw walk that counts.",
        f"- **export**: {s.export_persons:,} realistic persons written as JSON lines. *raw* "
        "is the script anyone would write: GET each page, `json.loads`, and write each item "
        "as `json.dumps(item, ensure_ascii=False, separators=(',', ':'))` plus a newline. "
        "The SDK side is `kimono-interop export --format jsonl --only persons` (its `main()` "
        "called in the walk's process), once with orjson hidden (as if not installed: the "
        "target is 1.0x) and, when orjson is installed, once as installed (the "
        "`kimono-interop[orjson]` extra: the target is 0.8x). Every file is hashed: all "
        "must hold the raw script's bytes.",
        f"- **tasks**: {s.tasks:,} tasks in batches of 100 (schema 3.0 `data_event` ADDs, each "
        "carrying a realistic person), drained by a handler that does nothing. *raw* loops "
        "`GET /tasks`, `json.loads`, one bulk `PUT /tasks/ack` of the batch with status "
        "`success`, until a batch is empty; the SDK runs `client.tasks.run(handler, "
        "stop_when_empty=True)`. The server withholds the next batch until the last one is "
        "acknowledged, as the service does, and checks that every task was acked.",
        f"- **look-ahead**: {s.lookahead_pages} pages of {s.lookahead_page_size} realistic "
        f"persons, the server waiting {s.latency_ms:.0f} ms before each page, with "
        f"{s.prefetch} requests in flight: `async for p in pager.prefetch({s.prefetch})` on an "
        "`AsyncKimonoClient`, against three raw `httpx.AsyncClient` look-aheads (page 0, then "
        f"the next {s.prefetch} topped up as the loop moves on; pages 0-{s.prefetch - 1} at "
        f"once, since raw code knows how pages are numbered; {s.prefetch} workers taking page "
        "numbers, with no bound on the pages held), each checking that items arrive in order. "
        f"The SDK schedules like the workers, but asks for no page past the one in hand plus "
        f"{s.prefetch}, so it holds at most {s.prefetch + 1} pages. "
        "Each process walks twice and times the second "
        f"walk (the first warms up the token and the connections); {s.lookahead_repeats} "
        "rounds. The target is on the best raw look-ahead; the same walk with "
        "`.as_dicts()` tells the look-ahead's own cost from the models'.",
        f"- **clients**: in a fresh process, after the first `KimonoClient`, {s.clients_made} "
        "more are made and closed one by one, nothing sent; the median is the figure (of "
        f"{s.clients_processes} processes). With the default https base URL (an SSL context "
        "to make or share) and with the bench server's plain http one.",
        f"- **memory**: peak RSS (`ru_maxrss`) of a fresh process iterating {s.rss_small:,}, "
        f"and of another iterating {s.rss_large:,} realistic persons with typed iteration, "
        "counting without keeping them (each started from a small launcher, since Linux "
        "carries a parent's peak RSS into its child). *at start* is after imports and "
        "client construction. The target is on the growth between the two runs: "
        f"{s.rss_large // s.rss_small}x more persons must not cost memory.",
        f"- **sandbox**: `kimono_interop.sandbox.Sandbox` with {s.sandbox_students:,} students "
        "in a process of its own; the persons list is walked in pages of "
        f"{s.page_size:,} and the server process's CPU time (its threads' "
        "`/proc/<pid>/task/*/schedstat`) divided by "
        "the persons served: the first walk, the second, and "
        f"{s.sandbox_warm_walks} more; then {s.sandbox_requests} requests of one person give "
        "the cost of a request. Once with the standard library's json (the sandbox keeps "
        "each object's text: it renders and snapshots every object of the roster when the "
        "sandbox starts, before it serves, and each object it changes when it changes it; "
        "every walk, the first included, compares each person with its snapshot and joins "
        "the kept texts. The rendering is not gone, it is moved: its CPU time at start is "
        "the row *rendering the roster when the sandbox starts*, timed in the server process "
        "on the same roster; see `kimono_interop/sandbox/fragments.py`) and, when installed, "
        "with orjson (each page rendered by one call, nothing kept).",
        "- **mirror**: the roster mirror (`scripts/bench_mirror.py`): synthetic DATA tasks "
        "carrying person-sized objects (with school and section references) applied through "
        "`Mirror.apply` in batches of 100, no HTTP, first as ADDs then as UPDATEs, on a "
        "SQLite file (WAL, `synchronous=FULL`) and on a throwaway PostgreSQL cluster with "
        "`fsync` on (medians of 3 rounds of 3,000 tasks); then a sandbox of 1,500 students "
        "drained with a no-op handler against the same queue drained into a mirror, once with "
        "the sandbox answering at once and once with 20 ms added to each answer (as across a "
        "network; no target: it shows where a real service puts the ratio). The same "
        "ADDs' rows are also written by plain SQL in the same transactions, into one upsert "
        "table and into the mirror's own tables and indexes (no reads, no locks, no logic): "
        "the floor its schema sets. On SQLite through `sqlite3`'s `executemany`; on "
        "PostgreSQL through psycopg, `executemany` for the upserts and `COPY`, its fastest "
        "way in, for the mirror's rows.",
        "- **breakdown**: the parts of a realistic person's walk, each timed alone on one "
        "page in the benchmark's own process (CPU time, best of 5), next to the walks end to "
        "end from *typed*.",
    ]


def write_doc(report: Report, command: str) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m scripts.bench`); rerun it rather than editing this",
        "file.",
        "The numbers are from one run on the machine below: compare ratios, not seconds,",
        "across machines.",
        "",
        "## Machine and command",
        "",
        *report.machine,
        f"- command: `{command}` (`make bench`), {report.duration:.0f} s in all",
        f"- {report.interference}",
        *[f"  - {load}" for load in report.loads],
        f"- orjson: {orjson_version() or 'not installed'}",
        "",
        "## Results",
        "",
        *render_table(report.rows),
        "",
        "Every run behind the figures (seconds):",
        "",
        *[f"- {note}" for note in report.notes],
        "",
    ]
    if report.breakdown:
        lines += ["## Where a person's time goes", "", *report.breakdown, ""]
    lines += ["## How to read this", "", *how_to_read(report.sizes)]
    if report.profile:
        lines += ["", "## Profile of typed iteration", "", *report.profile]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the SDK against raw httpx (a report: always exits 0)."
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one run each (implies --no-write)"
    )
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--only",
        default=",".join(WORKLOADS),
        help=f"run only these workloads, comma-separated, of: {', '.join(WORKLOADS)} "
        "(implies --no-write)",
    )
    parser.add_argument("--repeats", type=int, help="runs of each walk (default: 5, --quick: 1)")
    parser.add_argument(
        "--profile", action="store_true", help="also profile typed iteration (cProfile)"
    )
    args = parser.parse_args(argv)
    unknown = set(args.only.split(",")) - set(WORKLOADS)
    if unknown:
        parser.error(f"unknown workload(s) {', '.join(sorted(unknown))}; pick from {WORKLOADS}")
    return args


@contextlib.contextmanager
def section(name: str, report: Report) -> Iterator[None]:
    """Time a workload, measure the other load during it, and turn a failure into a row."""
    watch = CpuWatch(lambda: tuple(LIVE))
    started = time.perf_counter()
    try:
        yield
    except Exception as exc:  # a report: one workload failing must not hide the others
        error_row(report, f"{name}: the workload failed", exc)
    finally:
        share = watch.share()
        took = time.perf_counter() - started
        load = "not measured" if share is None else f"{share:.0%} of one core"
        report.loads.append(f"{name} ({took:.0f} s): other load {load}")
        print(f"   ({name} took {took:.0f} s; other load {load})", flush=True)


def run(args: argparse.Namespace) -> Report:
    """Run the workloads ``args`` names; the report (rows, notes, breakdown, load)."""
    sizes = QUICK if args.quick else FULL
    if args.repeats:
        sizes = replace(sizes, repeats=args.repeats, lookahead_repeats=args.repeats)
    report = Report(sizes, machine=machine(("uvicorn", "h11")))
    watch = CpuWatch(lambda: tuple(LIVE))
    with BenchServer() as server:
        measures: dict[str, Callable[[], None]] = {
            "typed": lambda: measure_typed(server, sizes, report),
            "export": lambda: measure_export(server, sizes, report),
            "tasks": lambda: measure_tasks(server, sizes, report),
            "lookahead": lambda: measure_lookahead(server, sizes, report),
            "clients": lambda: measure_clients(server, sizes, report),
            "memory": lambda: measure_memory(server, sizes, report),
            "sandbox": lambda: measure_sandbox(sizes, report),
            "mirror": lambda: measure_mirror(sizes, report),
            "breakdown": lambda: measure_breakdown(server, sizes, report),
        }
        for name in workloads(args):
            with section(name, report):
                measures[name]()
        if args.profile:
            with section("profile", report):
                profile_typed(server, sizes, report)
    report.duration = time.perf_counter() - watch.started
    report.interference, report.busy = watch.describe(
        BUSY_SHARE, "**the machine was busy: these figures are skewed**"
    )
    return report


def workloads(args: argparse.Namespace) -> list[str]:
    """The workloads to run, in their order."""
    return [name for name in WORKLOADS if name in args.only.split(",")]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    print()
    print("\n".join(render_table(report.rows)))
    print()
    missed = [row.what for row in report.rows if row.met is False]
    if missed:
        print(f"MISSED {len(missed)} target(s):")
        for what in missed:
            print(f"  MISSED: {what}")
    else:
        print("all measured targets met")
    for row in report.rows:
        if row.target and row.met is None:
            print(f"  not measured: {row.what}: {row.result}")
    print(report.interference.replace("**", ""))
    if report.busy:
        print("WARNING: other processes competed for the CPU; rerun on a quiet machine.")
    print(f"(total {report.duration:.0f} s)")
    if not (args.no_write or args.quick) and workloads(args) == list(WORKLOADS):
        write_doc(report, command_line("scripts.bench", argv))
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
