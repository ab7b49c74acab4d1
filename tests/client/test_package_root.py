"""The package root: every public name loads on first use, from where the type checkers
are told it lives, and ``import kimono_interop`` alone loads neither httpx nor the
generated packages (the command line's --help waits for neither)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kimono_interop

ROOT_MODULE = Path(kimono_interop.__file__)


def type_checking_imports() -> dict[str, str]:
    """Each name imported under ``if TYPE_CHECKING:`` in the package root, and its module."""
    tree = ast.parse(ROOT_MODULE.read_text())
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                module = "." * statement.level + (statement.module or "")
                for alias in statement.names:
                    assert alias.asname == alias.name, "re-export as X as X"
                    found[alias.name] = module
    return found


def test_type_checkers_and_the_runtime_agree_on_every_public_name() -> None:
    assert type_checking_imports() == kimono_interop._EXPORTS
    assert sorted(kimono_interop.__all__) == sorted(["__version__", *kimono_interop._EXPORTS])
    for name in kimono_interop.__all__:
        assert getattr(kimono_interop, name) is not None, name
    assert sorted(dir(kimono_interop)) == sorted(kimono_interop.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        kimono_interop.NoSuchThing  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:  # pragma: no cover - the check failed
        raise AssertionError("no AttributeError")


def test_importing_the_package_loads_neither_httpx_nor_the_generated_packages() -> None:
    """In a fresh interpreter: after ``import kimono_interop``, no httpx, no generated package;
    the redacting filter is already on the SDK's and httpx's loggers; the first public name
    used loads what it needs."""
    code = (
        "import logging, sys\n"
        "import kimono_interop\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'httpx', 'kimono_interop_data_api', 'kimono_interop_api', 'anyio'})\n"
        "filtered = all(any(type(f).__name__ == 'RedactingFilter' for f in logging.getLogger(n)"
        ".filters) for n in ('kimono_interop', 'httpx', 'httpcore.http11'))\n"
        "print(heavy, filtered)\n"
        "kimono_interop.KimonoClient\n"
        "print('httpx' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines() == ["[] True", "True"]
