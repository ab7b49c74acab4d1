"""``examples/mirror_demo.py`` (part of ``make demo``): the mirror equals the service, and a
difference is caught."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[2] / "examples" / "mirror_demo.py"


def run_demo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEMO), "--sandbox", "--students", "60", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )


def test_the_demo_mirrors_the_district_and_holds_the_lossy_sync() -> None:
    done = run_demo()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "held sweep" in done.stdout and "nothing was deleted" in done.stdout
    assert re.search(r"district changes: \d+ task\(s\): 3 applied", done.stdout)
    assert "the mirror equals the service" in done.stdout


def test_the_demo_fails_on_a_difference() -> None:
    done = run_demo("--simulate-difference")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DIFFERENCE different: terms" in done.stdout and "(name)" in done.stdout
