"""scripts/unasync.py: the sync client is the async one without async, and drift is caught."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts import unasync
from tests.support import ROOT


def test_text_rules() -> None:
    """Each rule turns its async spelling into the sync one, in the order they are listed."""
    source = (
        "import anyio\n"
        "class AsyncTenants(AsyncResource):\n"
        "    async def get(self) -> AsyncPager[T]:\n"
        "        async with self._lock:\n"
        "            await anyio.sleep(1)\n"
        "        async for page in pages:\n"
        "            await self._http.aclose()\n"
        "        return await self._request(httpx.AsyncClient, AsyncIterator)\n"
        "    async def __aenter__(self): ...\n"
    )
    expected = (
        "class Tenants(Resource):\n"
        "    def get(self) -> SyncPager[T]:\n"
        "        with self._lock:\n"
        "            time.sleep(1)\n"
        "        for page in pages:\n"
        "            self._http.close()\n"
        "        return self._request(httpx.Client, Iterator)\n"
        "    def __enter__(self): ...\n"
    )
    assert expected == unasync.unasync_text(source)


def test_committed_sync_tree_matches_and_drift_is_reported(tmp_path: Path) -> None:
    """The committed _sync/ is what the script writes; a hand edit is named with its line."""
    fresh = tmp_path / "_sync"
    unasync.write_into(fresh)
    assert unasync.compare(fresh, unasync.TARGET) == []
    # Someone edits the written file by hand: the check names the file and the line.
    edited = fresh / "tasks.py"
    edited.write_text(edited.read_text().replace("def ack_many(", "def ack_all("))
    (fresh / "extra.py").write_text("")
    problems = unasync.compare(fresh, unasync.TARGET, where="_sync/")
    assert any(p.startswith("differs: tasks.py") and "ack_all" in p for p in problems)
    assert "missing from _sync/: extra.py" in problems


def test_every_async_module_has_a_sync_twin_without_async() -> None:
    """_sync/ has one module per module of _async/, with no async keyword left in any."""
    sources = {p.name for p in unasync.SOURCE.glob("*.py")}
    written = {p.name for p in unasync.TARGET.glob("*.py")}
    assert sources == written
    for path in unasync.TARGET.glob("*.py"):
        text = path.read_text()
        assert ("async def" in text, "await " in text) == (False, False), path.name


def test_every_substitution_is_used_by_the_async_modules() -> None:
    """Each rule of SUBSTITUTIONS rewrites something in _async/: none is stale today."""
    texts = unasync.unasync_tree(unasync.SOURCE)
    assert sorted(p.name for p in unasync.SOURCE.glob("*.py")) == sorted(texts)


def test_a_substitution_no_module_uses_stops_the_script_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale rule fails the run (write or check) with an error that names the rule."""
    source = tmp_path / "_async"
    source.mkdir()
    (source / "client.py").write_text("async def get(self) -> None:\n    await self.send()\n")
    rules = (
        (r"\basync def\b", "def"),
        (r"\bawait ", ""),
        (r"\b__aiter__\b", "__iter__"),
    )
    monkeypatch.setattr(unasync, "SUBSTITUTIONS", rules)
    with pytest.raises(SystemExit) as stopped:
        unasync.write_into(tmp_path / "_sync", source)
    expected = (
        f"unasync: 1 substitution(s) never used in {source}: '\\\\b__aiter__\\\\b'; "
        "remove them from SUBSTITUTIONS in scripts/unasync.py"
    )
    assert expected == stopped.value.code
    assert list(tmp_path.glob("_sync/*")) == []


def test_the_command_line_check_passes_on_this_project() -> None:
    """``python -m scripts.unasync --check`` (what `make check-generated` runs) exits 0."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.unasync", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    expected = (0, "kimono_interop/_sync matches kimono_interop/_async\n")
    assert expected == (result.returncode, result.stdout), result.stderr
