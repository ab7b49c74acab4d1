"""What the scripts that write code share: ruff on what they wrote, and their command line.

The generated resources (``generate_resources``) and the unasynced ``_sync/`` modules
(``unasync``) go through the same two steps as hand-written code: the fixes of the
given rules (import sorting, unused imports ...) and ``ruff format``. Both scripts
write by default and compare with ``--check`` (what ``make check-generated`` runs).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from scripts import ROOT


class TidyError(RuntimeError):
    """ruff failed on the written code (its output is the message)."""


def tidy(*paths: Path, select: str) -> None:
    """Fix ``select`` (ruff rule codes, e.g. ``"I,F401"``) in ``paths``, then format them."""
    ruff = str(Path(sys.executable).parent / "ruff")
    settings = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
    where = [str(path) for path in paths]
    for cmd in (
        [ruff, "check", *settings, "--fix-only", f"--select={select}", *where],
        [ruff, "format", *settings, *where],
    ):
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
        if result.returncode != 0:
            raise TidyError(
                f"ruff failed on written code in {' '.join(where)}:\n{result.stdout}{result.stderr}"
            )


def command_line(doc: str | None, stale: str) -> argparse.ArgumentParser:
    """``--check`` (exit 1 if ``stale``) and ``--root``, for a script that writes code."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help=f"exit 1 if {stale}")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    return parser
