"""``examples/driver.py`` (``make demo``): passes against a sandbox, and notices a mismatch."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).resolve().parent.parent / "examples" / "driver.py"


def run_driver(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, str(DRIVER), "--sandbox", "--students", "200", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_demo_passes_and_every_count_matches() -> None:
    """The demo against a sandbox passes: the API, the seed and the store built from tasks agree on
    every count."""
    done = run_driver()
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Traceback" not in done.stderr
    assert "every count matches" in out
    assert "MISMATCH" not in out
    # 200 students were seeded, pulled, and arrived as tasks; every task was acked.
    assert re.search(r"students \(API vs seeded\)\s*│\s*200 │\s*200 │ ✓ match", out)
    assert re.search(r"tasks left in the queue\s*│\s*0 │\s*0 │ ✓ match", out)
    assert re.search(r"persons ids: store \(from tasks\) vs API\s*│\s*210 │\s*210 │ ✓", out)
    assert "sandbox stopped" in out


def test_demo_fails_when_the_store_misses_a_task() -> None:
    """With a task held back from the store, the demo reports the mismatch and exits 1."""
    done = run_driver("--simulate-mismatch")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "MISMATCH" in done.stdout
    assert "checks failed" in done.stdout
    assert "persons ids: store (from tasks) vs API" in done.stdout
    assert "missing from the store" in done.stdout
    assert "sandbox stopped" in done.stdout
