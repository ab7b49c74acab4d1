"""scripts/unasync.py: the sync client is the async one without async, and drift is caught."""

from __future__ import annotations

import shutil
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
    """``python -m scripts.unasync --check`` (what `make check-generated` runs) exits 0.

    It names the client's twin and each test folder's, every one current.
    """
    result = subprocess.run(
        [sys.executable, "-m", "scripts.unasync", "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    pairs = [unasync.client_pair(), *unasync.pairs_of_tests()]
    expected = (0, "".join(f"{p.label}/_sync matches {p.label}/_async\n" for p in pairs))
    assert expected == (result.returncode, result.stdout), result.stderr


def test_test_rules_drop_the_async_marker_and_helpers() -> None:
    """The tests' rules remove the anyio marker and turn the async client, its context
    managers, awaits and helpers into their sync spellings."""
    source = (
        "pytestmark = pytest.mark.anyio\n"
        "async def test_get() -> None:\n"
        "    async with service.client(AsyncKimonoClient) as kimono:\n"
        "        await asettle(call(kimono))\n"
        "        names = [c.name async for c in kimono.clouds.list()]\n"
        "        await child.aclose()\n"
    )
    expected = (
        "def test_get() -> None:\n"
        "    with service.client(KimonoClient) as kimono:\n"
        "        settle(call(kimono))\n"
        "        names = [c.name for c in kimono.clouds.list()]\n"
        "        child.close()\n"
    )
    assert expected == unasync.unasync_text(source, rules=unasync.TEST_SUBSTITUTIONS)


def test_every_async_test_folder_has_a_current_twin_without_async() -> None:
    """Each tests/**/_async has a _sync sibling with the same modules, none with async left;
    no _sync folder is left without its original."""
    pairs = unasync.pairs_of_tests()
    assert pairs, "no tests/**/_async folder found"
    for pair in pairs:
        sources = {p.name for p in pair.source.glob("*.py")}
        assert sources == {p.name for p in pair.target.glob("*.py")}, pair.label
        for path in pair.target.glob("*.py"):
            text = path.read_text()
            assert ("async def" in text, "await " in text, "anyio" in text) == (False,) * 3
    assert unasync.orphans() == []


def test_a_twin_left_without_its_original_is_reported_and_removed(tmp_path: Path) -> None:
    """A tests/**/_sync whose _async was deleted fails --check and goes on the next write."""
    shutil.copytree(
        ROOT / "overlay", tmp_path / "overlay", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    orphan = tmp_path / "tests" / "gone" / "_sync"
    orphan.mkdir(parents=True)
    (orphan / "test_old.py").write_text("")
    assert unasync.main(["--check", "--root", str(tmp_path)]) == 1
    assert unasync.main(["--root", str(tmp_path)]) == 0
    assert not orphan.exists()
