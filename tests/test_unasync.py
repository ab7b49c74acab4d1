"""scripts/unasync.py: the sync client is the async one without async, and drift is caught."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from helpers import ROOT


def _load() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location("unasync_script", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


unasync = _load()


def test_text_rules() -> None:
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
    assert unasync.unasync_text(source) == (
        "class Tenants(Resource):\n"
        "    def get(self) -> SyncPager[T]:\n"
        "        with self._lock:\n"
        "            time.sleep(1)\n"
        "        for page in pages:\n"
        "            self._http.close()\n"
        "        return self._request(httpx.Client, Iterator)\n"
        "    def __enter__(self): ...\n"
    )


def test_committed_sync_tree_matches_and_drift_is_reported(tmp_path: Path) -> None:
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
    sources = {p.name for p in unasync.SOURCE.glob("*.py")}
    written = {p.name for p in unasync.TARGET.glob("*.py")}
    assert sources == written
    for path in unasync.TARGET.glob("*.py"):
        text = path.read_text()
        assert "async def" not in text and "await " not in text, path.name
