"""scripts/generate_resources.py: an operation added to the spec becomes a working SDK method.

The test copies the project's spec, overlay and README into a temporary directory, adds
an operation to the copied spec with its `x-sdk` declaration, runs the resource
generator and the unasync step there (what `make generate` runs), and then, in a fresh
interpreter that imports the copy, calls the new method on both clients against a mock
transport. The declaration errors the generator reports are checked too.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import ROOT

NEW_OPERATION = {
    "operationId": "findSchool",
    "x-sdk": {"resource": "rostering.schools", "method": "get", "args": {"id": "school_id"}},
    "tags": ["Rostering"],
    "summary": "Find a School by $sys.id",
    "description": "Find one School-type Org by its `$sys.id`.",
    "parameters": [{"$ref": "#/components/parameters/ObjectId"}],
    "responses": {
        "200": {
            "description": "Org response",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrgRead"}}},
        },
        "404": {"$ref": "#/components/responses/NotFound"},
    },
}


def _copy_project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "spec", root / "spec", ignore=shutil.ignore_patterns("node_modules"))
    shutil.copytree(
        ROOT / "overlay", root / "overlay", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "README.md", root / "README.md")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def _add_operation(root: Path, operation: dict[str, object]) -> None:
    path = root / "spec" / "interop-data.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["paths"]["/rostering/schools/{id}"] = {"get": operation}
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def _run(module: str, *args: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``python -m module args --root root``, from the project root (where ``scripts`` is)."""
    return subprocess.run(
        [sys.executable, "-m", module, *args, "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


PROBE = """
import asyncio, inspect, json, sys
import httpx
from kimono_interop import AsyncKimonoClient, KimonoClient
from kimono_interop._operations import OPERATIONS

SCHOOL = "7d1c1a38-0f39-4b75-a2a4-3c3e4b1bb6f1"
seen = []

def answer(request):
    if request.url.path == "/oauth/token":
        return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
    seen.append((request.method, request.url.path))
    return httpx.Response(200, json={"$sys": {"id": SCHOOL, "org_type": "school"}, "name": "K"})

with KimonoClient("c", "s", transport=httpx.MockTransport(answer)) as kimono:
    school = kimono.rostering.schools.get(SCHOOL)
    doc = kimono.rostering.schools.get.__doc__

    raw = kimono.with_raw_response.rostering.schools.get(SCHOOL)

async def main():
    async with AsyncKimonoClient("c", "s", transport=httpx.MockTransport(answer)) as kimono:
        raw = await kimono.with_raw_response.rostering.schools.get(SCHOOL)
        return (await kimono.rostering.schools.get(SCHOOL)).name, raw.parse().name

try:
    KimonoClient("c", "s").rostering.schools.get("not-an-id")
    bad = "accepted"
except ValueError as exc:
    bad = str(exc)
print(json.dumps({
    "name": school.name, "type": type(school).__name__, "async": asyncio.run(main()),
    "seen": seen, "doc": doc, "bad": bad, "op": OPERATIONS["findSchool"].call,
    "raw": [raw.status_code, raw.parse().name, OPERATIONS["findSchool"].raw],
}))
"""


def test_an_operation_added_to_the_spec_is_a_typed_documented_method_of_both_clients(
    tmp_path: Path,
) -> None:
    """One declaration in the spec, `make generate`'s steps, and the method works, and so
    does its raw twin."""
    root = _copy_project(tmp_path)
    _add_operation(root, NEW_OPERATION)
    assert _run("scripts.generate_resources", "--check", root=root).returncode == 1
    made = _run("scripts.generate_resources", root=root)
    assert made.returncode == 0, made.stderr
    assert "wrote overlay/kimono_interop/_async/resources.py" in made.stdout
    synced = _run("scripts.unasync", root=root)
    assert synced.returncode == 0, synced.stderr
    assert _run("scripts.generate_resources", "--check", root=root).returncode == 0
    assert _run("scripts.unasync", "--check", root=root).returncode == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "| `rostering.schools` | `list()`, `get(school_id)` |" in readme

    env = {**os.environ, "PYTHONPATH": f"{root / 'overlay'}{os.pathsep}{ROOT / 'generated'}"}
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=False
    )
    assert probe.returncode == 0, probe.stderr
    got = json.loads(probe.stdout)
    assert (got["name"], got["type"], got["async"]) == ("K", "Org", ["K", "K"])
    assert got["raw"] == [200, "K", True]
    assert (
        got["seen"]
        == [["GET", "/v2/interop/data/rostering/schools/7d1c1a38-0f39-4b75-a2a4-3c3e4b1bb6f1"]] * 4
    )
    assert got["doc"].startswith("Find a School by $sys.id.")
    assert "``GET /rostering/schools/{id}`` (findSchool)" in got["doc"]
    assert "school_id must be a UUID" in got["bad"]
    assert got["op"] == "rostering.schools.get"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"x-sdk": None}, "findSchool has no x-sdk declaration"),
        (
            {"x-sdk": {"resource": "rostering.schools", "method": "list"}},
            "both declare rostering.schools.list",
        ),
        (
            {"x-sdk": {"resource": "rostering.nowhere", "method": "get"}},
            "resource rostering.nowhere is not in x-sdk-resources",
        ),
        (
            {"x-sdk": {"resource": "rostering.schools", "method": "get", "custom": True}},
            "custom methods ['get'] need a behaviour",
        ),
        (
            {"x-sdk": {"resource": "rostering.schools", "method": "get", "verb": "x"}},
            "x-sdk has unknown keys ['verb']",
        ),
        (
            {"x-sdk": {"resource": "rostering.schools", "method": "get", "raw": True}},
            "findSchool: raw is for custom methods",
        ),
        (
            {"x-sdk": {"resource": "tasks", "method": "run", "custom": True}},
            "AsyncTasksBehaviour.run must take extra_headers, extra_query, timeout as keywords",
        ),
    ],
)
def test_a_declaration_that_cannot_become_a_method_is_refused_with_its_reason(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    """The generator exits 2 naming the operation and what is wrong; it writes nothing."""
    root = _copy_project(tmp_path)
    operation = {**NEW_OPERATION, **change}
    if operation["x-sdk"] is None:
        del operation["x-sdk"]
    _add_operation(root, operation)
    before = (root / "overlay" / "kimono_interop" / "_async" / "resources.py").read_text()
    result = _run("scripts.generate_resources", root=root)
    assert result.returncode == 2
    assert message in result.stderr
    after = (root / "overlay" / "kimono_interop" / "_async" / "resources.py").read_text()
    assert after == before
