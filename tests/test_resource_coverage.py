"""Every one of the 80 operations has a method on a resource of both clients."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from helpers import ROOT

from kimono_interop import AsyncKimonoClient, KimonoClient

ASYNC_DIR = ROOT / "overlay" / "kimono_interop" / "_async"
GENERATED = ROOT / "generated"

RESOURCES = (
    "rostering",
    "grades",
    "tasks",
    "admin_tasks",
    "actors",
    "clouds",
    "integrations",
    "tenants",
    "tenant_state",
    "tenant_application",
    "scoping",
    "rollovers",
    "schedules",
    "ingestions",
)


def _generated_operations() -> set[str]:
    return {
        f"{path.parent.parent.parent.name}.{path.parent.name}.{path.stem}"
        for path in GENERATED.glob("*/api/*/*.py")
        if path.stem != "__init__"
    }


def _operations_used_by_resources() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted(ASYNC_DIR.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and ".api." in (node.module or ""):
                package, _, tag = (node.module or "").partition(".api.")
                for alias in node.names:
                    used.setdefault(f"{package}.{tag}.{alias.name}", []).append(path.name)
    return used


def test_all_eighty_operations_are_wrapped_once() -> None:
    operations = _generated_operations()
    assert len(operations) == 80
    used = _operations_used_by_resources()
    assert sorted(operations - used.keys()) == []
    assert sorted(used.keys() - operations) == []
    assert {op: files for op, files in used.items() if len(files) > 1} == {}


def test_both_clients_have_every_resource_with_the_same_methods() -> None:
    sync = KimonoClient("a", "b")
    asynchronous = AsyncKimonoClient("a", "b")
    methods = 0
    for name in RESOURCES:
        sync_methods = _public_methods(getattr(sync, name))
        async_methods = _public_methods(getattr(asynchronous, name))
        assert sync_methods == async_methods, name
        assert sync_methods, f"{name} has no methods"
        methods += len(sync_methods)
    assert methods >= 80


def _public_methods(resource: object) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(type(resource), inspect.isfunction)
        if not name.startswith("_")
    }


def test_sync_twin_is_current_for_each_resource_module() -> None:
    for path in ASYNC_DIR.glob("*.py"):
        twin = Path(str(path).replace("/_async/", "/_sync/"))
        assert twin.exists(), twin
