"""Every ```python block of the README and of docs/ type-checks under ``mypy --strict``.

A user copies these blocks first; one that does not type-check (an undefined name, an
``Unset`` not narrowed, a misspelt option) teaches the wrong thing. Each block is a
complete module, imports included; the blocks are checked together in one mypy run
with the project's settings (``[tool.mypy]``: strict, Python 3.10).
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
#: A fenced python block, at any indent (blocks inside list items are indented).
FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```python\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    document: Path
    line: int
    code: str

    @property
    def name(self) -> str:
        return f"{self.document.stem.lower()}_line_{self.line}"


def code_blocks() -> list[Block]:
    found = []
    for document in DOCUMENTS:
        text = document.read_text()
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(Block(document, line, textwrap.dedent(match["body"])))
    return found


BLOCKS = code_blocks()


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each block's mypy errors, by block name, from one run over all of them."""
    folder = tmp_path_factory.mktemp("code_blocks")
    files = []
    for block in BLOCKS:
        path = folder / f"{block.name}.py"
        path.write_text(block.code)
        files.append(str(path))
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--show-error-codes", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    errors: dict[str, list[str]] = {block.name: [] for block in BLOCKS}
    for line in result.stdout.splitlines():
        name = Path(line.split(":", 1)[0]).stem
        if name in errors:
            errors[name].append(line.split(":", 1)[1])
        elif line.strip():
            errors.setdefault("(mypy)", []).append(line)
    if result.returncode not in (0, 1) or result.stderr.strip():
        errors.setdefault("(mypy)", []).append(result.stderr)
    return errors


def test_there_are_blocks_to_check() -> None:
    """The fence pattern finds the README's blocks (so an empty run cannot pass)."""
    assert len([b for b in BLOCKS if b.document.name == "README.md"]) >= 8


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_the_block_type_checks_strictly(block: Block, mypy_errors: dict[str, list[str]]) -> None:
    assert mypy_errors.get("(mypy)", []) == []
    where = f"{block.document.name} line {block.line}"
    assert mypy_errors[block.name] == [], f"{where}:\n" + "\n".join(mypy_errors[block.name])


def test_a_wrong_block_is_reported(tmp_path: Path) -> None:
    """The check can fail: a block reading ``name.last`` through ``Unset`` is refused."""
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from kimono_interop import KimonoClient\n"
        "with KimonoClient() as kimono:\n"
        "    for student in kimono.rostering.students.list():\n"
        "        print(student.name.last.upper())\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", str(wrong)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1 and "union-attr" in result.stdout, result.stdout
