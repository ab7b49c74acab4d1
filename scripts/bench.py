"""Benchmark the SDK's list iteration against raw httpx, over real HTTP on loopback.

``make bench`` runs this script. It is a report, not a test: it always exits 0
(unless it cannot run at all), prints a table, marks every missed target
``MISSED``, and rewrites ``docs/benchmarks.md`` with the figures, the machine
and the exact command.

The server is ``scripts/bench_server.py``, started once in a subprocess (uvicorn
on 127.0.0.1, a free port) so it never competes with the measured client for
the GIL. It serves ``POST /oauth/token`` and ``GET
/v2/interop/data/rostering/persons`` with the Kimono envelope (``data`` plus
``paging.next``, an absolute URL) from pre-rendered page templates: realistic
persons (``$sys``, name, address, email, ids, one or two ``$schools`` and one
to seven ``$sections`` with memberships, about 1.3 kB of JSON each) that all
parse with ``Person.from_dict``; rendering a page of 2,000 costs it about 3 ms.

What is measured:

a. **Throughput**, 100,000 persons in pages of 2,000 (50 pages), best of N runs
   (interleaved, so drift hits every mode alike), each run including client
   construction and the token request:

   * *baseline*: a bare ``httpx.Client`` GETs each page, ``json.loads`` it, walks
     ``data`` and follows ``paging.next``: the floor any Python client pays;
   * *typed*: ``for p in client.rostering.persons.list(page_size=2000)``, each item
     parsed into the generated ``Person`` model; target at most 1.5x baseline;
   * *dicts*: ``.list_persons(page_size=2000).as_dicts()``; target at most 1.1x.

b. **Memory**: peak RSS (``ru_maxrss``) of a fresh subprocess that iterates
   10,000 and then, in another fresh subprocess, 1,000,000 persons with typed
   iteration, counting without keeping them. "at start" is the RSS after imports
   and client construction. The target is on growth: the 1,000,000 run may peak
   less than 30 MB above the 10,000 run, i.e. memory does not grow with the list.

c. **Look-ahead**: 50 pages of 10 persons, the server waiting 20 ms before each
   page: ``async for p in pager`` (one page at a time) versus ``async for p in
   pager.prefetch(8)`` (up to 8 pages in flight, order kept) on one warmed-up
   ``AsyncKimonoClient``. Target: look-ahead at least 4x faster. Look-ahead can
   only hide waiting, so the pages are small enough for the 20 ms to dominate
   (a typed page of 100 persons costs the client more than 20 ms of CPU), and a
   third row gives the same walk without latency: the floor no look-ahead can
   beat. The rows say "skipped" when ``kimono_interop.AsyncKimonoClient`` is not
   importable.

When typed iteration misses its target (or with ``--profile``), the script also
profiles it and prints (and writes) where the time goes: unprofiled timings of
the parts of parsing one page, then the top functions of a cProfile run.

Before trusting the figures, check the "other load" line: the script measures
how much CPU other processes took during the run and says when it was too much.

    python -m scripts.bench              # full run (7-8 minutes on a 2-core VM, see below)
    python -m scripts.bench --quick      # smaller sizes, a smoke run (about 1 minute)
    python -m scripts.bench --no-write   # do not rewrite docs/benchmarks.md
    python -m scripts.bench --only c     # one part (a, b, c); implies --no-write

The full run is long because typed iteration runs at about 3,500 persons a second
on a small machine: part a parses 300,000 of them and part b a million (almost 5
minutes on its own).

One module of over 800 lines on purpose: it reads top to bottom as the account of
what is measured and how (the sizes and targets, the three parts, the profile, the
report), and every part shares the same server handle, clients and report.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import importlib
import io
import json
import pstats
import resource
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import httpx

from kimono_interop._constants import TOKEN_PATH
from kimono_interop_data_api.models import (
    AddressType,
    MembershipRefType,
    NameType,
    OrgMembershipRefType,
    Person,
    PersonSysType,
)
from scripts.bench_server import CLIENT_ID, CLIENT_SECRET, CONFIG_PATH, PERSONS_PATH
from scripts.machine import ROOT, CpuWatch, command_line, machine

DOC = ROOT / "docs" / "benchmarks.md"

MB = 1_000_000
R = TypeVar("R")


@dataclass(frozen=True)
class Sizes:
    """How big each measurement is."""

    throughput_total: int
    page_size: int
    repeats: int
    rss_small: int
    rss_large: int
    lookahead_pages: int
    lookahead_page_size: int
    latency_ms: float
    prefetch: int
    profile_total: int


FULL = Sizes(
    throughput_total=100_000,
    page_size=2000,
    repeats=3,
    rss_small=10_000,
    rss_large=1_000_000,
    lookahead_pages=50,
    lookahead_page_size=10,
    latency_ms=20.0,
    prefetch=8,
    profile_total=10_000,
)
#: The full run's sizes but smaller, for the tests (``--quick``).
QUICK = replace(
    FULL,
    throughput_total=10_000,
    repeats=2,
    rss_large=50_000,
    lookahead_pages=10,
    profile_total=4_000,
)

# Targets.
TYPED_MAX_RATIO = 1.5
DICTS_MAX_RATIO = 1.1
RSS_MAX_GROWTH_MB = 30.0
LOOKAHEAD_MIN_SPEEDUP = 4.0

# Other processes using more than this share of one core during the run skew the figures.
BUSY_SHARE = 0.15


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
    profile: list[str] = field(default_factory=list)
    duration: float = 0.0
    interference: str = ""
    machine: list[str] = field(default_factory=list)  # taken when the run starts

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.what}: {row.result}  {row.ratio}  {row.verdict}", flush=True)


# --------------------------------------------------------------------------- the server


class BenchServer:
    """``scripts/bench_server.py`` in a subprocess; a context manager that stops it cleanly."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.origin = ""
        self._http = httpx.Client(timeout=10)

    def __enter__(self) -> BenchServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.bench_server"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("PORT "):
            self.__exit__(None, None, None)
            raise RuntimeError(f"bench server did not start (said {line!r})")
        self.origin = f"http://127.0.0.1:{int(line.split()[1])}"
        deadline = time.monotonic() + 15
        while True:  # the port is bound before uvicorn listens on it
            try:
                self.configure(total=0, latency_ms=0)
                return self
            except httpx.TransportError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.__exit__(None, None, None)
                    raise
                time.sleep(0.05)

    def configure(self, *, total: int, latency_ms: float) -> None:
        """Set how many persons the list has and how long each page takes."""
        response = self._http.post(
            self.origin + CONFIG_PATH, json={"total": total, "latency_ms": latency_ms}
        )
        response.raise_for_status()

    def __exit__(self, *exc_info: object) -> None:
        self._http.close()
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # uvicorn shuts down gracefully on SIGINT
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


# --------------------------------------------------------------------------- the clients


def _sync_client_class() -> Any:
    try:
        return importlib.import_module("kimono_interop").KimonoClient
    except AttributeError:  # not exported yet
        return importlib.import_module("kimono_interop._client").KimonoClient


def _async_client_class() -> Any | None:
    try:
        return importlib.import_module("kimono_interop").AsyncKimonoClient
    except (AttributeError, ImportError):
        return None


def iterate_baseline(origin: str, page_size: int) -> int:
    """Raw httpx: GET each page, json.loads it, walk its items, follow paging.next."""
    count = 0
    with httpx.Client(timeout=60) as http:
        token = http.post(
            origin + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        url: str | None = origin + PERSONS_PATH
        params: dict[str, int] | None = {"page": 0, "page_size": page_size}
        while url is not None:
            response = http.get(url, params=params, headers=headers)
            response.raise_for_status()
            body = json.loads(response.content)
            for _item in body["data"]:
                count += 1
            url, params = body["paging"]["next"], None
    return count


def iterate_sdk(origin: str, page_size: int, *, as_dicts: bool) -> int:
    """The SDK's pager: typed ``Person`` items, or plain dicts with ``as_dicts()``."""
    count = 0
    client_class = _sync_client_class()
    with client_class(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=origin) as k:
        pager = k.rostering.persons.list(page_size=page_size)
        for _item in pager.as_dicts() if as_dicts else pager:
            count += 1
    return count


async def walk_async(client: Any, page_size: int, prefetch: int | None, expected: int) -> float:
    """Seconds to walk the async pager, page by page or with look-ahead; checks the order."""
    gc.collect()
    started = time.perf_counter()
    pager = client.rostering.persons.list(page_size=page_size)
    source = pager if prefetch is None else pager.prefetch(prefetch)
    count = 0
    async for person in source:
        if person.local_id != str(count):
            raise AssertionError(f"item {count} is person {person.local_id}: order lost")
        count += 1
    elapsed = time.perf_counter() - started
    if count != expected:
        raise AssertionError(f"iterated {count} items, expected {expected}")
    return elapsed


async def lookahead_runs(
    server: BenchServer, sizes: Sizes, total: int
) -> tuple[dict[str, list[float]], float]:
    """Runs of both modes on one warmed-up client, and the time of a walk without latency."""
    client_class = _async_client_class()
    size, ahead = sizes.lookahead_page_size, sizes.prefetch
    runs: dict[str, list[float]] = {"sequential": [], "prefetch": []}
    async with client_class(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=server.origin
    ) as k:
        server.configure(total=total, latency_ms=0)
        # Warm-up: the token, a pool of connections, imports. Then the client's own work.
        await walk_async(k, size, ahead, total)
        no_latency = await walk_async(k, size, None, total)
        server.configure(total=total, latency_ms=sizes.latency_ms)
        for _ in range(sizes.repeats):
            runs["sequential"].append(await walk_async(k, size, None, total))
            runs["prefetch"].append(await walk_async(k, size, ahead, total))
    return runs, no_latency


def best_of(runs: list[float]) -> float:
    return min(runs)


def timed(run: Callable[[], int], expected: int) -> float:
    gc.collect()
    started = time.perf_counter()
    count = run()
    elapsed = time.perf_counter() - started
    if count != expected:
        raise AssertionError(f"iterated {count} items, expected {expected}")
    return elapsed


# --------------------------------------------------------------------------- measurements


def measure_throughput(server: BenchServer, sizes: Sizes, report: Report) -> float:
    """Part a; returns the typed/baseline ratio."""
    total, size = sizes.throughput_total, sizes.page_size
    pages = -(-total // size)
    modes: dict[str, Callable[[], int]] = {
        "baseline": lambda: iterate_baseline(server.origin, size),
        "typed": lambda: iterate_sdk(server.origin, size, as_dicts=False),
        "dicts": lambda: iterate_sdk(server.origin, size, as_dicts=True),
    }
    print(f"a. {total:,} persons in {pages} pages of {size:,}, best of {sizes.repeats}")
    # Warm-up (two pages each): imports, first connections.
    server.configure(total=2 * size, latency_ms=0)
    for mode in modes.values():
        mode()
    server.configure(total=total, latency_ms=0)
    runs: dict[str, list[float]] = {name: [] for name in modes}
    for _ in range(sizes.repeats):
        for name, mode in modes.items():
            runs[name].append(timed(mode, total))
    base = best_of(runs["baseline"])
    labels = {
        "baseline": "raw httpx + json.loads",
        "typed": "SDK typed `Person` iteration",
        "dicts": "SDK `.as_dicts()` iteration",
    }
    targets = {"typed": TYPED_MAX_RATIO, "dicts": DICTS_MAX_RATIO}
    for name, times in runs.items():
        best = best_of(times)
        ratio = best / base
        limit = targets.get(name)
        report.add(
            Row(
                what=f"a. {labels[name]}, {total:,} persons",
                result=f"{best:.2f} s ({total / best:,.0f}/s)",
                ratio=f"{ratio:.2f}x",
                target=f"<= {limit}x baseline" if limit else "",
                met=None if limit is None else ratio <= limit,
            )
        )
        report.notes.append(f"a. {name}: runs {', '.join(f'{t:.2f}' for t in times)} s")
    return best_of(runs["typed"]) / base


_LAUNCHER = "import subprocess, sys; sys.exit(subprocess.call(sys.argv[1:]))"


def measure_rss(server: BenchServer, sizes: Sizes, report: Report, command: list[str]) -> None:
    """Part b: each count in a fresh subprocess (``--rss-child``)."""
    print(f"b. peak RSS of typed iteration, {sizes.rss_small:,} and {sizes.rss_large:,} persons")
    results: dict[int, dict[str, float]] = {}
    for total in (sizes.rss_small, sizes.rss_large):
        server.configure(total=total, latency_ms=0)
        out = subprocess.run(
            [
                # A child's ru_maxrss starts at its parent's RSS at fork time (Linux keeps the
                # high-water mark across fork and exec), and this process holds pages from
                # part a: start the measured process from a small launcher instead.
                sys.executable,
                "-c",
                _LAUNCHER,
                *command,
                "--rss-child",
                "--origin",
                server.origin,
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
        results[total] = json.loads(out.stdout.strip().splitlines()[-1])
    for total, found in results.items():
        hwm = found.get("hwm_kib")
        report.notes.append(
            f"b. {total:,} persons: ru_maxrss {found['peak_kib']:,} KiB"
            + (f", /proc VmHWM {hwm:,} KiB" if hwm else "")
        )
    small, large = results[sizes.rss_small], results[sizes.rss_large]
    growth = (large["peak_kib"] - small["peak_kib"]) * 1024 / MB
    for total, found in results.items():
        peak = found["peak_kib"] * 1024 / MB
        start = found["start_kib"] * 1024 / MB
        is_large = total == sizes.rss_large
        report.add(
            Row(
                what=f"b. peak RSS, typed iteration of {total:,} persons",
                result=f"{peak:.1f} MB (at start {start:.1f} MB; {found['seconds']:.1f} s)",
                ratio=f"{growth:+.1f} MB vs {sizes.rss_small:,}" if is_large else "",
                target=f"growth < {RSS_MAX_GROWTH_MB:.0f} MB" if is_large else "",
                met=growth < RSS_MAX_GROWTH_MB if is_large else None,
            )
        )


def rss_child(origin: str, count: int, page_size: int) -> None:
    """Runs in the fresh subprocess of part b; prints one JSON line."""
    client_class = _sync_client_class()
    with client_class(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, base_url=origin) as k:
        pager = k.rostering.persons.list(page_size=page_size)
        start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        seen = 0
        for _person in pager:
            seen += 1
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if seen != count:
        raise SystemExit(f"iterated {seen} persons, expected {count}")
    found = {"start_kib": start, "peak_kib": peak, "seconds": seconds, "hwm_kib": _vm_hwm()}
    print(json.dumps(found))


def _vm_hwm() -> int | None:
    """The kernel's own peak RSS of this process (Linux), to cross-check ru_maxrss."""
    with contextlib.suppress(OSError, StopIteration), open("/proc/self/status") as status:
        return int(next(ln for ln in status if ln.startswith("VmHWM:")).split()[1])
    return None


def measure_lookahead(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Part c: sequential async iteration versus ``prefetch(n)``."""
    pages, size = sizes.lookahead_pages, sizes.lookahead_page_size
    total = pages * size
    what = f"c. async, {pages} pages of {size} with {sizes.latency_ms:.0f} ms latency"
    target = f">= {LOOKAHEAD_MIN_SPEEDUP:.0f}x faster"
    print(f"{what}: sequential vs prefetch({sizes.prefetch})")
    if _async_client_class() is None:
        for mode in ("sequential", f"prefetch({sizes.prefetch})"):
            report.add(Row(f"{what}, {mode}", "skipped: async client not available", "", target))
        return
    try:
        runs, no_latency = asyncio.run(lookahead_runs(server, sizes, total))
    except Exception as exc:
        traceback.print_exc()
        report.add(Row(what, f"ERROR: {type(exc).__name__}: {exc}", "", target, False))
        return
    finally:
        server.configure(total=0, latency_ms=0)
    report.add(Row(f"{what}, client work alone (0 ms latency)", f"{no_latency:.2f} s"))
    sequential, ahead = best_of(runs["sequential"]), best_of(runs["prefetch"])
    floor = pages * sizes.latency_ms / 1000
    report.add(Row(f"{what}, sequential", f"{sequential:.2f} s (latency alone {floor:.2f} s)"))
    speedup = sequential / ahead
    report.add(
        Row(
            f"{what}, prefetch({sizes.prefetch})",
            f"{ahead:.2f} s",
            f"{speedup:.1f}x faster",
            target,
            speedup >= LOOKAHEAD_MIN_SPEEDUP,
        )
    )
    for name, times in runs.items():
        report.notes.append(f"c. {name}: runs {', '.join(f'{t:.2f}' for t in times)} s")


# --------------------------------------------------------------------------- profile


def _best_seconds(run: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def profile_typed(server: BenchServer, sizes: Sizes, report: Report) -> None:
    """Where typed iteration spends its time: unprofiled part timings, then cProfile."""
    size = sizes.page_size
    server.configure(total=size, latency_ms=0)
    with httpx.Client() as http:
        token = http.post(
            server.origin + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()["access_token"]
        body = http.get(
            server.origin + PERSONS_PATH,
            params={"page": 0, "page_size": size},
            headers={"Authorization": f"Bearer {token}"},
        ).content
    items: list[dict[str, Any]] = json.loads(body)["data"]
    n = len(items)
    sys_dicts = [item["$sys"] for item in items]
    schools = [ref for item in items for ref in item.get("$schools", [])]
    sections = [ref for item in items for ref in item.get("$sections", [])]
    parts: list[tuple[str, Callable[[], object]]] = [
        (f"json.loads of the page ({len(body) / MB:.1f} MB)", lambda: json.loads(body)),
        ("Person.from_dict, all of it", lambda: [Person.from_dict(i) for i in items]),
        (
            f"↳ $sections: {len(sections):,} MembershipRefType (+ MembershipType)",
            lambda: [MembershipRefType.from_dict(r) for r in sections],
        ),
        (
            f"↳ $schools: {len(schools):,} OrgMembershipRefType (+ MembershipType)",
            lambda: [OrgMembershipRefType.from_dict(r) for r in schools],
        ),
        ("↳ $sys: PersonSysType", lambda: [PersonSysType.from_dict(s) for s in sys_dicts]),
        ("↳ name + address: NameType, AddressType", lambda: _name_and_address(items)),
        (
            "Person.from_dict with the cyclic GC paused (`gc.disable()`)",
            lambda: _without_gc(lambda: [Person.from_dict(i) for i in items]),
        ),
    ]
    lines = [
        f"Parsing one page of {n:,} persons (best of 5, no profiler): "
        "time per page and per person.",
        "",
        "| part | ms per page | µs per person |",
        "| --- | ---: | ---: |",
    ]
    for label, run in parts:
        seconds = _best_seconds(run)
        lines.append(f"| {label} | {seconds * 1000:.1f} | {seconds / n * 1e6:.1f} |")

    # End to end through the pager: how much of it is the cyclic garbage collector?
    total, origin = sizes.profile_total, server.origin
    server.configure(total=total, latency_ms=0)
    modes: list[tuple[str, Callable[[], int]]] = [
        ("raw httpx + json.loads", lambda: iterate_baseline(origin, size)),
        ("SDK typed iteration", lambda: iterate_sdk(origin, size, as_dicts=False)),
    ]
    modes += [(f"{label}, cyclic GC paused", _gc_paused(run)) for label, run in modes]
    runs: dict[str, list[float]] = {label: [] for label, _ in modes}
    for _ in range(sizes.repeats):
        for label, run in modes:
            runs[label].append(timed(run, total))
    lines += [
        "",
        f"End to end, {total:,} persons in pages of {size:,} (best of {sizes.repeats}): "
        "the collector runs often while a page of models is built and traverses every "
        "live object, the page in flight included.",
        "",
        "| run | s | µs per person |",
        "| --- | ---: | ---: |",
    ]
    for label, times in runs.items():
        best = best_of(times)
        lines.append(f"| {label} | {best:.2f} | {best / total * 1e6:.0f} |")

    profiler = cProfile.Profile()
    profiler.enable()
    iterate_sdk(server.origin, size, as_dicts=False)
    profiler.disable()
    server.configure(total=0, latency_ms=0)
    stats = pstats.Stats(profiler, stream=io.StringIO())
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total_time = sum(tt for _, _, tt, _, _ in raw.values())
    top = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:15]
    lines += [
        "",
        f"cProfile of typed iteration over {sizes.profile_total:,} persons "
        f"(profiler overhead inflates call-heavy code): top functions by own time, "
        f"of {total_time:.2f} s.",
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


def _without_gc(run: Callable[[], R]) -> R:
    gc.disable()
    try:
        return run()
    finally:
        gc.enable()


def _gc_paused(run: Callable[[], R]) -> Callable[[], R]:
    return lambda: _without_gc(run)


def _name_and_address(items: list[dict[str, Any]]) -> list[object]:
    return [(NameType.from_dict(i["name"]), AddressType.from_dict(i["address"])) for i in items]


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


def write_doc(report: Report, command: str) -> None:
    sizes = report.sizes
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
        "",
        "## Results",
        "",
        *render_table(report.rows),
        "",
        "Every run behind the figures:",
        "",
        *[f"- {note}" for note in report.notes],
        "",
        "## How to read this",
        "",
        f"- **a.** {sizes.throughput_total:,} persons in pages of {sizes.page_size:,}: wall time "
        f"of the best of {sizes.repeats} runs (the three modes interleaved), each including "
        "client construction and the token request. *baseline* is a bare `httpx.Client` "
        "that GETs each page, `json.loads` it, walks `data` and follows `paging.next`: what "
        "any Python client pays for HTTP and JSON. *ratio* is time / baseline time; what is "
        "above 1.0x is the SDK's own cost (for *typed*, building the `Person` models).",
        f"- **b.** peak RSS (`ru_maxrss`) of a fresh process iterating {sizes.rss_small:,}, "
        f"and of another iterating {sizes.rss_large:,} persons with typed iteration, counting "
        "without keeping them (each started from a small launcher, since Linux carries a "
        "parent's peak RSS into its child). *at start* is after imports and client "
        "construction; start to peak is the pages in flight (body, decoded JSON, models). "
        f"The target is on the growth between the two runs: "
        f"{sizes.rss_large // sizes.rss_small}x more persons must not cost memory.",
        f"- **c.** {sizes.lookahead_pages} pages of {sizes.lookahead_page_size} persons, the "
        f"server waiting {sizes.latency_ms:.0f} ms before each page: `async for p in pager` "
        f"against `async for p in pager.prefetch({sizes.prefetch})` on one `AsyncKimonoClient` "
        f"that already holds its token and connections, best of {sizes.repeats}, timed from "
        "`list_persons()` to the last item; every walk checks that items arrive in order. "
        "Look-ahead hides waiting, not work: no walk can beat *client work alone* (the same "
        "walk with no latency), so sequential / client work alone is the ceiling of the "
        "speed-up. Pages are small so that the latency, not the client's parsing, "
        "dominates a sequential walk.",
        "- The server (`scripts/bench_server.py`) runs in its own process (uvicorn, h11, "
        "127.0.0.1) and serves pages from pre-rendered templates (about 3 ms per page "
        "of 2,000), so it is not the bottleneck. Persons are seeded and realistic, a K-12 "
        "district's students and about 8% teachers: `$sys` (uuid, timestamps, source and "
        "app ids), name, address, email, one or two `$schools` and one to seven `$sections` "
        "(elementary students 1-2, secondary 5-7, teachers 3-5) with memberships, about "
        "1.3 kB of JSON each; every one parses with `Person.from_dict`.",
    ]
    if report.profile:
        lines += [
            "",
            "## Where typed iteration spends its time",
            "",
            "Run because typed iteration missed its target (or with `--profile`). The "
            "↳ rows are the parts of `Person.from_dict`, each timed alone on the same data.",
            "",
            *report.profile,
        ]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the SDK's list iteration (a report: always exits 0)."
    )
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite docs/benchmarks.md")
    parser.add_argument(
        "--only",
        default="abc",
        help="run only these parts, e.g. --only c (implies --no-write)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile typed iteration even when it meets its target",
    )
    # Internal: the fresh subprocess of part b.
    parser.add_argument("--rss-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--origin", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--page-size", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


@contextlib.contextmanager
def section(name: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"   ({name} took {time.perf_counter() - started:.0f} s)", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.rss_child:
        rss_child(args.origin, args.count, args.page_size)
        return 0
    sizes = QUICK if args.quick else FULL
    report = Report(sizes, machine=machine(("uvicorn", "h11")))
    command = command_line("scripts.bench", argv)
    child_command = [sys.executable, "-m", "scripts.bench"]
    parts = set(args.only)
    typed_ratio = 0.0
    watch = CpuWatch()
    with BenchServer() as server:
        if "a" in parts:
            with section("a"):
                typed_ratio = measure_throughput(server, sizes, report)
        if "b" in parts:
            with section("b"):
                measure_rss(server, sizes, report, child_command)
        if "c" in parts:
            with section("c"):
                measure_lookahead(server, sizes, report)
        if args.profile or typed_ratio > TYPED_MAX_RATIO:
            with section("profile"):
                print("profiling typed iteration")
                profile_typed(server, sizes, report)
    report.duration = time.perf_counter() - watch.started
    report.interference, busy = watch.describe(
        BUSY_SHARE, "**the machine was busy: these figures are skewed**"
    )
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
    if busy:
        print("WARNING: other processes competed for the CPU; rerun on a quiet machine.")
    print(f"(total {report.duration:.0f} s)")
    if not args.no_write and parts >= set("abc"):
        write_doc(report, command)
        print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
