"""Write the synchronous client, and the sync twins of the async tests, or check they are current.

The client and its resources are written once, for asyncio, in
``overlay/kimono_interop/_async/``. This script rewrites each module into
``overlay/kimono_interop/_sync/`` by plain text substitution (the approach of
httpcore's unasync script): ``async def`` becomes ``def``, ``await x`` becomes
``x``, ``async for``/``async with`` lose their ``async``, ``AsyncFoo`` names
become ``Foo`` (``AsyncPager`` becomes ``SyncPager``), dunder and httpx names
become their sync twins. The output is then formatted with the project's ruff
settings, so that removing a keyword never leaves a lint error behind.

The tests that prove the same behaviour of both clients are written the same way,
once (as httpcore's and httpx's are): every ``tests/**/_async/`` folder is rewritten
into its sibling ``_sync/`` with :data:`TEST_SUBSTITUTIONS`, which also drop the
``pytest.mark.anyio`` marker that runs the async originals.

Every substitution must be used somewhere (as in httpcore's script): a rule of
:data:`SUBSTITUTIONS` that matches nothing in ``_async/``, or one of
:data:`TEST_SUBSTITUTIONS` that matches nothing in any test ``_async/`` folder, is
stale, and the script stops with an error naming it rather than carry it silently.

    python -m scripts.unasync            # rewrite kimono_interop/_sync/ and tests/**/_sync/
    python -m scripts.unasync --check    # fail if any of them is stale
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT
from scripts.codegen import TidyError, command_line, tidy
from scripts.generate import compare

SOURCE = ROOT / "overlay" / "kimono_interop" / "_async"
TARGET = ROOT / "overlay" / "kimono_interop" / "_sync"
TESTS = ROOT / "tests"

#: (pattern, replacement), applied in order to the whole text of each module of the client.
SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"^import anyio\n", ""),
    (r"\banyio\.sleep\b", "time.sleep"),
    (r"\basync def\b", "def"),
    (r"\basync (for|with)\b", r"\1"),
    (r"\bawait ", ""),
    (r"\b__aenter__\b", "__enter__"),
    (r"\b__aexit__\b", "__exit__"),
    (r"\baclose\b", "close"),
    (r"\badecoded_chunks\b", "decoded_chunks"),
    (r"\baraw_response\b", "raw_response"),
    (r"\bnew_async_transport\b", "new_transport"),
    (r"\bset_async_httpx_client\b", "set_httpx_client"),
    (r"\bAsyncPager\b", "SyncPager"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
)

#: The same for the tests of ``tests/**/_async/``: the marker that runs a module's
#: coroutines goes (the sync twin has none), and so does the import only it used.
TEST_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    (r"^pytestmark = pytest\.mark\.anyio\n", ""),
    (r"^import anyio\n", ""),
    (r"\banyio\.sleep\b", "time.sleep"),
    (r"\basync def\b", "def"),
    (r"\basync (for|with)\b", r"\1"),
    (r"\bawait ", ""),
    (r"\baclose\b", "close"),
    (r"\basettle\b", "settle"),
    (r"\bAsyncPager\b", "SyncPager"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
)

HEADER = (
    "# Written by scripts/unasync.py from {source}: edit that file,\n# then run `make generate`.\n"
)
CLIENT_INIT = '"""The synchronous client, written from ``_async/`` by scripts/unasync.py."""\n'
TESTS_INIT = '"""The sync twins of the tests of ``_async/``, written by scripts/unasync.py."""\n'


@dataclass(frozen=True)
class Pair:
    """An ``_async`` folder and the ``_sync`` twin written from it."""

    source: Path
    target: Path
    label: str  # the folder's parent as messages name it, e.g. "tests/client"
    init: str  # the twin's __init__.py

    def header(self, name: str) -> str:
        return HEADER.format(source=f"{self.label}/_async/{name}")


def unasync_text(
    text: str,
    used: Counter[str] | None = None,
    rules: Sequence[tuple[str, str]] | None = None,
) -> str:
    """The synchronous twin of one async module's source (``rules``: SUBSTITUTIONS).

    ``used`` counts, by pattern, the substitutions made (to find the stale rules).
    """
    for pattern, replacement in SUBSTITUTIONS if rules is None else rules:
        text, made = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if used is not None:
            used[pattern] += made
    return text


def unasync_trees(
    source_dirs: Sequence[Path],
    rules: Sequence[tuple[str, str]],
    rules_name: str,
    where: str,
) -> dict[Path, dict[str, str]]:
    """The sync twin of every module of each folder, by folder and file name (not formatted).

    Exits with an error naming each rule that none of the modules used: a stale rule
    would otherwise rewrite some later code nobody expects it to touch.
    """
    used: Counter[str] = Counter()
    texts = {
        folder: {
            source.name: unasync_text(source.read_text(), used, rules)
            for source in sorted(folder.glob("*.py"))
        }
        for folder in source_dirs
    }
    unused = [pattern for pattern, _ in rules if not used[pattern]]
    if unused:
        raise SystemExit(
            f"unasync: {len(unused)} substitution(s) never used in {where}: "
            + ", ".join(repr(pattern) for pattern in unused)
            + f"; remove them from {rules_name} in scripts/unasync.py"
        )
    return texts


def unasync_tree(source_dir: Path) -> dict[str, str]:
    """The sync twin of every module of the client's ``source_dir`` (not yet formatted)."""
    # Read SUBSTITUTIONS at call time: the tests swap in their own rules.
    return unasync_trees([source_dir], SUBSTITUTIONS, "SUBSTITUTIONS", str(source_dir))[source_dir]


def client_pair(root: Path = ROOT) -> Pair:
    return Pair(
        root / SOURCE.relative_to(ROOT),
        root / TARGET.relative_to(ROOT),
        "kimono_interop",
        CLIENT_INIT,
    )


def pairs_of_tests(root: Path = ROOT) -> list[Pair]:
    """Every ``_async`` folder below tests/ with its ``_sync`` sibling, in path order."""
    tests = root / TESTS.relative_to(ROOT)
    return [
        Pair(
            folder,
            folder.with_name("_sync"),
            folder.parent.relative_to(root).as_posix(),
            TESTS_INIT,
        )
        for folder in sorted(tests.rglob("_async"))
        if folder.is_dir()
    ]


def orphans(root: Path = ROOT) -> list[Path]:
    """``_sync`` folders below tests/ whose ``_async`` original is gone."""
    tests = root / TESTS.relative_to(ROOT)
    return [
        folder
        for folder in sorted(tests.rglob("_sync"))
        if folder.is_dir() and not folder.with_name("_async").is_dir()
    ]


def _write(pair: Pair, texts: dict[str, str], out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        written = pair.init if name == "__init__.py" else pair.header(name) + text
        (out_dir / name).write_text(written)


def _format(out_dirs: Sequence[Path]) -> None:
    """Lint-fix (unused imports, import order) and format the written twins."""
    try:
        tidy(*out_dirs, select="F401,I,UP")
    except TidyError as error:
        raise SystemExit(f"ruff failed on the unasynced modules: {error}") from None


def write_into(out_dir: Path, source_dir: Path = SOURCE) -> None:
    """Write every module of ``source_dir`` (_async/) into ``out_dir``, unasynced and formatted."""
    pair = Pair(source_dir, out_dir, "kimono_interop", CLIENT_INIT)
    _write(pair, unasync_tree(source_dir), out_dir)
    _format([out_dir])


def write_tests_into(scratch: Path, pairs: Sequence[Pair], root: Path = ROOT) -> list[Path]:
    """Write the twin of each test pair below ``scratch`` (at its path from ``root``)."""
    if not pairs:
        return []
    where = f"{(root / TESTS.relative_to(ROOT)).as_posix()}/**/_async"
    texts = unasync_trees(
        [pair.source for pair in pairs], TEST_SUBSTITUTIONS, "TEST_SUBSTITUTIONS", where
    )
    written = []
    for pair in pairs:
        out_dir = scratch / pair.target.relative_to(root)
        _write(pair, texts[pair.source], out_dir)
        written.append(out_dir)
    _format(written)
    return written


def main(argv: list[str] | None = None) -> int:
    args = command_line(__doc__, "any _sync/ is stale").parse_args(argv)
    root = args.root
    client, tests = client_pair(root), pairs_of_tests(root)
    with tempfile.TemporaryDirectory(prefix="kimono-unasync-") as scratch:
        fresh = {client: Path(scratch) / "_sync"}
        write_into(fresh[client], client.source)
        written = write_tests_into(Path(scratch) / "tests", tests, root)
        fresh.update(zip(tests, written, strict=True))
        if args.check:
            stale = 0
            for pair, folder in fresh.items():
                problems = compare(folder, pair.target, where=f"{pair.label}/_sync/")
                if problems:
                    stale += 1
                    print(f"{pair.label}/_sync is stale ({len(problems)} differences):")
                    for problem in problems:
                        print("  " + problem.replace("\n", "\n    "))
                else:
                    print(f"{pair.label}/_sync matches {pair.label}/_async")
            for orphan in orphans(root):
                stale += 1
                print(f"{orphan.relative_to(root).as_posix()} has no _async original: remove it")
            if stale:
                print("Run `make generate` and commit the result.")
                return 1
            return 0
        for pair, folder in fresh.items():
            if pair.target.exists():
                shutil.rmtree(pair.target)
            shutil.copytree(folder, pair.target)
            print(f"wrote {pair.label}/_sync from {pair.label}/_async")
        for orphan in orphans(root):
            shutil.rmtree(orphan)
            print(f"removed {orphan.relative_to(root).as_posix()}: its _async original is gone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
