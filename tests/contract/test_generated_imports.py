"""Every generated module imports, and there is one operation module per spec operation."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from tests.support.specs import PACKAGES, operations


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_every_generated_module_imports(name: str) -> None:
    """Import each module of the package; the operation modules match the spec's operations."""
    package = importlib.import_module(PACKAGES[name])
    modules = [
        info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")
    ]
    for module in modules:
        importlib.import_module(module)
    api_modules = {
        m for m in modules if ".api." in m and not m.endswith("__init__") and m.count(".") == 3
    }
    endpoint_modules = {
        m for m in api_modules if hasattr(importlib.import_module(m), "sync_detailed")
    }
    assert len(endpoint_modules) == len(list(operations(name)))


@pytest.mark.parametrize("name", sorted(PACKAGES))
def test_generated_packages_are_typed(name: str) -> None:
    """PEP 561 marker is shipped with each generated package."""
    package = importlib.import_module(PACKAGES[name])
    assert (importlib.resources.files(package) / "py.typed").is_file()
