"""The machine a report was made on, how busy the rest of it was, and the command that made it.

``python -m scripts.bench`` and ``python -m scripts.reliability`` both write a report
whose figures only mean something next to the machine that produced them: the CPU,
Python and library versions, the code's revision, and how much CPU other processes
took during the run (a busy machine slows everything down). Both take that account
from here, so the two reports describe their machines the same way.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import httpx

from scripts import ROOT


class CpuWatch:
    """CPU time the rest of the machine used while a run went on (it skews the figures).

    Machine-wide busy time from /proc/stat minus the run's own: this process's, its
    waited-for children's, and that of the children still running that ``children``
    names (their pids: the servers a benchmark keeps up for its whole run). Loopback
    networking done in softirq context shows up here too, so a few percent is normal.
    """

    def __init__(self, children: Callable[[], Iterable[int]] = tuple) -> None:
        self.children = children
        self.started = time.perf_counter()
        self.busy = _machine_busy_seconds()
        self.own = self._own()

    def _own(self) -> float:
        # A child counts here while it runs and, once waited for, in os.times(): the
        # difference between two readings is its CPU in between either way.
        return _own_cpu_seconds() + sum(process_cpu_seconds(pid) for pid in self.children())

    def others(self) -> tuple[float, float] | None:
        """(CPU seconds used by others, wall seconds) since the start, or None off Linux."""
        busy = _machine_busy_seconds()
        if busy is None or self.busy is None:
            return None
        own = self._own() - self.own
        return max(0.0, busy - self.busy - own), time.perf_counter() - self.started

    def share(self) -> float | None:
        """Others' CPU as a share of one core since the start (0.5: half a core), or None."""
        others = self.others()
        if others is None:
            return None
        cpu, wall = others
        return cpu / wall if wall > 0 else 0.0

    def describe(self, busy_share: float, busy_note: str) -> tuple[str, bool]:
        """A line for the report, and whether others took more than ``busy_share`` of a core.

        ``busy_note`` is appended to the line when they did.
        """
        others = self.others()
        if others is None:
            return "other load on the machine: not measured (no /proc/stat)", False
        cpu, wall = others
        busy = cpu / wall > busy_share
        line = (
            f"other load on the machine during the run: {cpu:.0f} CPU-seconds in {wall:.0f} s "
            f"({cpu / wall:.0%} of one core)"
        )
        return line + (f"; {busy_note}" if busy else ""), busy


def _machine_busy_seconds() -> float | None:
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:8]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq = fields
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float:
    """CPU time a running process and its waited-for children have used (Linux), or 0."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # utime, stime, cutime, cstime: fields 14-17 of proc(5), 12-15 after the name.
    return sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def threads_cpu_seconds(pid: int) -> float:
    """CPU time of a running process's live threads, to the nanosecond (Linux), or 0.

    The sum of ``/proc/<pid>/task/*/schedstat``: finer than :func:`process_cpu_seconds`
    (clock ticks, 10 ms), for measuring a server's CPU over a short span; threads that
    ended are not in it. Falls back to :func:`process_cpu_seconds` without schedstat.
    """
    total = 0
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            path = f"/proc/{pid}/task/{task}/schedstat"
            with contextlib.suppress(OSError, ValueError, IndexError), open(path) as stat:
                total += int(stat.read().split()[0])
    except OSError:
        return 0.0
    return total / 1e9 if total else process_cpu_seconds(pid)


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def machine(packages: Sequence[str]) -> list[str]:
    """The report's machine lines: date, CPUs, Python, httpx and ``packages``, the code."""
    cpu = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), "")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    versions = ", ".join(f"{package} {_version(package)}" for package in packages)
    load = ""
    with contextlib.suppress(OSError, AttributeError):
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        f"- date: {now}",
        f"- CPUs: {os.cpu_count()}{f' ({cpu})' if cpu else ''}"
        + (f"; load average at the start (1, 5, 15 min): {load}" if load else ""),
        f"- Python: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- httpx {httpx.__version__}{f', {versions}' if versions else ''}",
        f"- code: {_git_revision()}",
    ]


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def _git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "overlay", "generated"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}{' with uncommitted changes in overlay/ or generated/' if dirty else ''}"


def command_line(module: str, argv: Sequence[str] | None) -> str:
    """How the run was started, to repeat it: ``.venv/bin/python -m MODULE ARGS``.

    The interpreter is shown relative to the project when it lives there (the venv), so
    the line reads the same on every machine.
    """
    executable = Path(sys.executable)
    shown = str(executable.relative_to(ROOT)) if executable.is_relative_to(ROOT) else sys.executable
    return shlex.join([shown, "-m", module, *(sys.argv[1:] if argv is None else argv)])
