"""The one distribution builds as a wheel that installs into a fresh venv and imports.

Each supported interpreter found on the machine is tried (3.10 is the oldest we
support); the wheel is installed with its runtime dependencies only, so this
proves that nothing outside httpx and attrs is needed at run time.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import kimono_interop
from tests.support import ROOT

SMOKE = textwrap.dedent(
    """
    import kimono_interop, kimono_interop_api, kimono_interop_data_api
    from kimono_interop_data_api.models import Task
    from kimono_interop_api.api.tenants import list_interop_tenants
    task = Task.from_dict({"action": "MERGE", "created_at": "2025-11-16T12:17:04.959Z"})
    assert task.action.value == "MERGE" and task.created_at.year == 2025
    print(kimono_interop.__version__)
    """
)


def _python_310() -> str | None:
    """A working Python 3.10 on this machine, if there is one."""
    for candidate in ("python3.10", str(Path.home() / ".pyenv/versions/3.10.13/bin/python")):
        try:
            probe = subprocess.run(
                [candidate, "-c", "import sys; print(sys.version_info[:2])"],
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:
            continue
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 10)":
            return candidate
    return None


def _interpreters() -> list[str]:
    oldest = _python_310()
    return [sys.executable] if oldest is None else [sys.executable, oldest]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
    )
    (built,) = out.glob("kimono_interop-*.whl")
    return built


def test_wheel_holds_the_three_packages(wheel: Path) -> None:
    """One distribution: the overlay and both generated packages, with their py.typed markers."""
    names = zipfile.ZipFile(wheel).namelist()
    for package in ("kimono_interop", "kimono_interop_data_api", "kimono_interop_api"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "scripts/", "spec/"))]


@pytest.mark.parametrize("python", _interpreters())
def test_wheel_installs_and_imports_in_a_fresh_venv(
    wheel: Path, tmp_path: Path, python: str
) -> None:
    """pip install <wheel> into an empty venv, then import and parse a Task outside the tree."""
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    pip = [
        str(venv / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, "-c", str(ROOT / "constraints.txt"), str(wheel)], check=True)
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-I", "-c", SMOKE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == kimono_interop.__version__


def test_the_long_description_is_for_people_installing_it(wheel: Path) -> None:
    """The wheel's description (the README) opens with pip install and a first call, not
    with the repository's make targets, and the project links to the API reference."""
    (metadata,) = [n for n in zipfile.ZipFile(wheel).namelist() if n.endswith("/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    headers, _, description = text.partition("\n\n")
    assert "Project-URL: API reference, https://developerdocs.instructure.com/" in headers
    assert "Description-Content-Type: text/markdown" in headers
    opening = description[: description.index("## ")]
    assert opening.index("pip install kimono-interop") < opening.index("make test")
    assert "with KimonoClient() as kimono:" in opening
