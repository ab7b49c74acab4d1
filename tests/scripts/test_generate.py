"""scripts/generate.py --check reports exactly what differs between spec output and generated/."""

from __future__ import annotations

from pathlib import Path

from scripts import generate


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_identical_trees_have_no_differences(tmp_path: Path) -> None:
    """Same files, same bytes: nothing to report (and __pycache__ is ignored)."""
    files = {"a.py": "x = 1\n", "models/b.py": "y = 2\n"}
    fresh = _tree(tmp_path / "fresh", files)
    committed = _tree(tmp_path / "committed", {**files, "__pycache__/a.cpython-311.pyc": "junk"})
    assert generate.compare(fresh, committed) == []


def test_each_kind_of_drift_is_reported(tmp_path: Path) -> None:
    """A changed file, a file the spec no longer produces, and a missing one are all named."""
    fresh = _tree(tmp_path / "fresh", {"a.py": "x = 1\n", "new.py": "n = 0\n"})
    committed = _tree(tmp_path / "committed", {"a.py": "x = 2\n", "old.py": "o = 0\n"})
    problems = generate.compare(fresh, committed)
    assert [p.splitlines()[0] for p in problems] == [
        "missing from generated/: new.py",
        "not produced by the spec (remove it): old.py",
        "differs: a.py",
    ]
    assert "-x = 2" in problems[2] and "+x = 1" in problems[2]
