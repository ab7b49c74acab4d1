"""Record the cassettes of tests/cassettes again (`make record`).

Recorded cassettes (``operations/``, ``flows/``): runs ``tests/contract/test_cassettes.py::
test_cassette`` with pytest-recording's ``--record-mode=rewrite`` into a temporary
directory, each case against a fresh, deterministic sandbox, or, when
``KIMONO_BASE_URL``, ``KIMONO_CLIENT_ID`` and ``KIMONO_CLIENT_SECRET`` are all set,
against that real tenant (cases that change the tenant's state or need injected
faults are skipped there, and their cassettes kept). Only the cassettes of cases
that passed replace those in tests/cassettes; a full sandbox run also removes the
cassettes of cases that no longer exist.

Documented cassettes (``documented/``): built from the spec's examples by
``tests/support/cassettes.py``, in a child process (see :func:`documented_cassettes`).

    python -m scripts.record                 record everything, write tests/cassettes
    python -m scripts.record -k listClouds   only the matching cases
    python -m scripts.record --documented    only rebuild documented/
    python -m scripts.record --check         record into a temporary directory and
                                             compare with tests/cassettes byte by byte
                                             (exit 1 on any difference): proves
                                             re-recording is deterministic, and that
                                             the cassettes are fresh
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from scripts import ROOT

TESTS = ROOT / "tests"
CASSETTES = TESTS / "cassettes"
RECORDED_DIRS = ("operations", "flows")

#: The environment of a recording run, read by tests/support/cassettes.py: where the
#: cassettes go, and ``sandbox`` (default) or ``tenant`` (a real tenant, from the
#: KIMONO_* variables).
CASSETTE_DIR_VARIABLE = "KIMONO_CASSETTE_DIR"
TARGET_VARIABLE = "KIMONO_RECORD_TARGET"
TENANT_VARIABLES = ("KIMONO_BASE_URL", "KIMONO_CLIENT_ID", "KIMONO_CLIENT_SECRET")

#: What the child process of :func:`documented_cassettes` runs.
_DOCUMENTED = (
    "import json\nfrom tests.support import cassettes\n"
    "print(json.dumps(cassettes.documented_cassettes()))\n"
)


def target() -> str:
    """``tenant`` when every KIMONO_* variable is set, else ``sandbox``."""
    return "tenant" if all(os.environ.get(name) for name in TENANT_VARIABLES) else "sandbox"


def record(into: Path, where: str, select: str | None) -> tuple[set[str], int]:
    """Run the recording tests; return the cassettes of the cases that passed, and the exit code."""
    report = into / "report.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "tests/contract/test_cassettes.py::test_cassette",
        "--record-mode=rewrite",
        "-p",
        "no:cacheprovider",
        "-q",
        f"--junit-xml={report}",
    ]
    if select:
        command += ["-k", select]
    environment = {
        **os.environ,
        CASSETTE_DIR_VARIABLE: str(into / "cassettes"),
        TARGET_VARIABLE: where,
    }
    code = subprocess.run(command, cwd=ROOT, env=environment, check=False).returncode
    passed: set[str] = set()
    if report.is_file():
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            if any(child.tag in ("failure", "error", "skipped") for child in case):
                continue
            name = case.get("name", "")
            if name.startswith("test_cassette[") and name.endswith("]"):
                passed.add(name[len("test_cassette[") : -1])
    return passed, code


def documented_cassettes() -> dict[str, str]:
    """Every documented cassette (path below tests/cassettes -> text), from the test helpers.

    They are run in a child process that has the project on its path, as pytest gives
    it (``tests.support.cassettes``), so that this process imports nothing from tests/.
    """
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    child = subprocess.run(
        [sys.executable, "-c", _DOCUMENTED],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, paths))},
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        sys.stderr.write(child.stderr)
        raise SystemExit("could not build the documented cassettes (tests/support/cassettes.py)")
    built: dict[str, str] = json.loads(child.stdout)
    return built


def recorded_on_disk(root: Path) -> set[str]:
    return {
        str(path.relative_to(root).with_suffix(""))
        for folder in RECORDED_DIRS
        for path in (root / folder).rglob("*.yaml")
    }


def write_documented(root: Path) -> int:
    """Write documented/ from the spec's examples (removing stale files); return the count."""
    built = documented_cassettes()
    folder = root / "documented"
    if folder.is_dir():
        for path in folder.glob("*.yaml"):
            if f"documented/{path.name}" not in built:
                path.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in built.items():
        (root / name).write_text(text, encoding="utf-8")
    return len(built)


def compare(fresh: Path, names: set[str], full: bool) -> list[str]:
    """How ``fresh`` (names: recorded cassettes) differs from tests/cassettes."""
    differences = []
    for name in sorted(names):
        new, old = fresh / f"{name}.yaml", CASSETTES / f"{name}.yaml"
        if not old.is_file():
            differences.append(f"{name}: not in tests/cassettes")
        elif new.read_bytes() != old.read_bytes():
            differences.append(f"{name}: differs")
    if full:
        differences += [
            f"{n}: in tests/cassettes, not recorded" for n in recorded_on_disk(CASSETTES) - names
        ]
    for name, text in documented_cassettes().items():
        old = CASSETTES / name
        if not old.is_file() or old.read_text(encoding="utf-8") != text:
            differences.append(f"{name}: not what the spec's examples make")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("-k", dest="select", help="record only the cases matching this expression")
    parser.add_argument(
        "--check", action="store_true", help="compare a fresh recording, write nothing"
    )
    parser.add_argument("--documented", action="store_true", help="only rebuild documented/")
    options = parser.parse_args(argv)

    if options.documented:
        print(f"documented: {write_documented(CASSETTES)} cassettes from the spec's examples")
        return 0
    where = target()
    server = (
        f"the tenant at {os.environ['KIMONO_BASE_URL']}" if where == "tenant" else "the sandbox"
    )
    print(f"recording against {server}")
    with tempfile.TemporaryDirectory(prefix="kimono-cassettes-") as scratch:
        into = Path(scratch)
        passed, code = record(into, where, options.select)
        fresh = into / "cassettes"
        full = where == "sandbox" and not options.select
        if options.check:
            differences = compare(fresh, passed, full)
            for line in differences:
                print(f"  {line}")
            print(f"check: {len(passed)} recorded, {len(differences)} differences")
            return 1 if differences or code else 0
        for name in sorted(passed):
            destination = CASSETTES / f"{name}.yaml"
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fresh / f"{name}.yaml", destination)
        removed = 0
        if full and code == 0:
            for name in recorded_on_disk(CASSETTES) - passed:
                (CASSETTES / f"{name}.yaml").unlink()
                removed += 1
        documented = write_documented(CASSETTES)
        print(f"recorded {len(passed)} cassettes, removed {removed} stale, {documented} documented")
        return code


if __name__ == "__main__":
    sys.exit(main())
