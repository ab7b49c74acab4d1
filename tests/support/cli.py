"""What the command-line tests share: running the CLI in-process or as a process, sandbox flags."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from click.testing import CliRunner, Result

from kimono_interop.cli import build_cli
from kimono_interop.sandbox import Sandbox

#: Variables that must not leak in from the developer's shell.
CLEAN_ENV: dict[str, str | None] = {
    "KIMONO_BASE_URL": None,
    "KIMONO_CLIENT_ID": None,
    "KIMONO_CLIENT_SECRET": None,
    "KIMONO_LOG": None,
    "COLUMNS": "200",  # rich's width: keep table cells on one line
}


def flags(sandbox: Sandbox, **override: str) -> list[str]:
    """``--base-url``, ``--client-id`` and ``--client-secret`` of ``sandbox``'s vendor."""
    creds = {**sandbox.credentials, **override}
    return [
        "--base-url",
        creds["base_url"],
        "--client-id",
        creds["client_id"],
        "--client-secret",
        creds["client_secret"],
    ]


def run(*args: str, input: str | None = None) -> Result:
    """The CLI run in-process with ``args`` (and ``input`` on stdin), in a clean environment."""
    return CliRunner().invoke(build_cli(), list(args), input=input, env=CLEAN_ENV)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def cli_process(*args: str, **env: str) -> subprocess.Popen[str]:
    """``python -m kimono_interop.cli ARGS`` in a process of its own, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "kimono_interop.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **{k: v for k, v in CLEAN_ENV.items() if v is not None}, **env},
    )


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    """Wait (20 s at most) until ``condition()``, failing if ``proc`` ends first."""
    deadline = time.monotonic() + 20
    while not condition():
        if proc.poll() is not None:
            output = proc.communicate()
            raise AssertionError(f"the command ended before {what}: {output}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"{what} did not happen within 20 s: {proc.communicate()}")
        time.sleep(0.01)


def read_until(proc: subprocess.Popen[str], marker: str, timeout: float = 20) -> list[str]:
    """The lines ``proc`` writes to stdout up to the first one holding ``marker``, that one
    included; fails if ``proc`` ends, or ``timeout`` seconds pass, before it comes.

    The lines are read in a thread, so a process that writes nothing cannot hang the test.
    """
    assert proc.stdout is not None, "start the process with stdout=subprocess.PIPE"
    lines: queue.Queue[str] = queue.Queue()
    stdout = proc.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line)
            if marker in line:
                return
        lines.put("")  # end of output

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            proc.kill()
            raise AssertionError(f"no line with {marker!r} within {timeout} s: {seen}") from None
        if not line:
            raise AssertionError(f"the command ended before printing {marker!r}: {seen}")
        seen.append(line)
        if marker in line:
            return seen


#: Code that makes importing the modules named in ``MISSING`` fail as if not installed.
_BLOCKER = """
import sys

class _NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in MISSING:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, _NotInstalled())
"""


def python_without(missing: Sequence[str], code: str) -> list[str]:
    """The command line of a Python process running ``code`` where the packages ``missing``
    (top-level names, e.g. ``starlette``) cannot be imported, as if not installed."""
    return [sys.executable, "-c", f"MISSING = {tuple(missing)!r}\n{_BLOCKER}\n{code}"]


def cli_without(missing: Sequence[str], *args: str) -> subprocess.CompletedProcess[str]:
    """``kimono-interop ARGS`` run to its end where the packages ``missing`` are not installed."""
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['kimono-interop', *{list(args)!r}]\n"
        "runpy.run_module('kimono_interop.cli', run_name='__main__', alter_sys=True)\n"
    )
    return subprocess.run(
        python_without(missing, code),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **{k: v for k, v in CLEAN_ENV.items() if v is not None}},
    )


#: What ``--help`` must not import: the generated packages, httpx, the client, the sandbox.
HEAVY_MODULES = (
    "kimono_interop_data_api",
    "kimono_interop_api",
    "httpx",
    "starlette",
    "uvicorn",
    "kimono_interop._client",
    "kimono_interop.sandbox",
)

#: Code that puts an empty ``kimono_interop`` package in place of the real one's
#: ``__init__`` (which imports the whole SDK), so that what the command line itself
#: imports can be told apart from what the package root does.
EMPTY_PACKAGE_ROOT = """
import importlib.util, sys, types
_spec = importlib.util.find_spec("kimono_interop")
_root = types.ModuleType("kimono_interop")
_root.__path__ = list(_spec.submodule_search_locations)
sys.modules["kimono_interop"] = _root
"""


def heavy(modules: Iterable[str]) -> list[str]:
    """Those of ``modules`` that are, or are inside, one of :data:`HEAVY_MODULES`."""
    return sorted(
        name
        for name in modules
        if any(name == h or name.startswith(h + ".") for h in HEAVY_MODULES)
    )


def imported_by_cli(*args: str) -> set[str]:
    """Every module ``python -X importtime -m kimono_interop.cli ARGS`` imports (it must end 0)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "kimono_interop.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **{k: v for k, v in CLEAN_ENV.items() if v is not None}},
    )
    assert done.returncode == 0, done.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and not line.rstrip().endswith("| imported package")
    }
