"""Write the synchronous client from the asynchronous one, or check that it is current.

The client and its resources are written once, for asyncio, in
``overlay/kimono_interop/_async/``. This script rewrites each module into
``overlay/kimono_interop/_sync/`` by plain text substitution (the approach of
httpcore's unasync script): ``async def`` becomes ``def``, ``await x`` becomes
``x``, ``async for``/``async with`` lose their ``async``, ``AsyncFoo`` names
become ``Foo`` (``AsyncPager`` becomes ``SyncPager``), dunder and httpx names
become their sync twins. The output is then formatted with the project's ruff
settings, so that removing a keyword never leaves a lint error behind.

Every substitution must be used somewhere in ``_async/`` (as in httpcore's script):
a rule that no longer matches anything is stale, and the script stops with an error
naming it rather than carry it silently.

    python -m scripts.unasync            # rewrite overlay/kimono_interop/_sync/
    python -m scripts.unasync --check    # fail if _sync/ is stale
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from scripts.generate import compare

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "overlay" / "kimono_interop" / "_async"
TARGET = ROOT / "overlay" / "kimono_interop" / "_sync"

#: (pattern, replacement), applied in order to the whole text of each module.
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
    (r"\bnew_async_transport\b", "new_transport"),
    (r"\bset_async_httpx_client\b", "set_httpx_client"),
    (r"\bAsyncPager\b", "SyncPager"),
    (r"\bAsync([A-Z]\w*)", r"\1"),
)

HEADER = (
    "# Written by scripts/unasync.py from kimono_interop/_async/{name}: edit that file,\n"
    "# then run `make generate`.\n"
)


def unasync_text(text: str, used: Counter[str] | None = None) -> str:
    """The synchronous twin of one async module's source.

    ``used`` counts, by pattern, the substitutions made (to find the stale rules).
    """
    for pattern, replacement in SUBSTITUTIONS:
        text, made = re.subn(pattern, replacement, text, flags=re.MULTILINE)
        if used is not None:
            used[pattern] += made
    return text


def unasync_tree(source_dir: Path) -> dict[str, str]:
    """The sync twin of every module of ``source_dir``, by file name (not yet formatted).

    Exits with an error naming each substitution that none of the modules used: a stale
    rule would otherwise rewrite some later code nobody expects it to touch.
    """
    used: Counter[str] = Counter()
    texts = {
        source.name: unasync_text(source.read_text(), used)
        for source in sorted(source_dir.glob("*.py"))
    }
    unused = [pattern for pattern, _ in SUBSTITUTIONS if not used[pattern]]
    if unused:
        raise SystemExit(
            f"unasync: {len(unused)} substitution(s) never used in {source_dir}: "
            + ", ".join(repr(pattern) for pattern in unused)
            + "; remove them from SUBSTITUTIONS in scripts/unasync.py"
        )
    return texts


def write_into(out_dir: Path, source_dir: Path = SOURCE) -> None:
    """Write every module of ``source_dir`` (_async/) into ``out_dir``, unasynced and formatted."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in unasync_tree(source_dir).items():
        if name == "__init__.py":
            text = '"""The synchronous client, written from ``_async/`` by scripts/unasync.py."""\n'
        else:
            text = HEADER.format(name=name) + text
        (out_dir / name).write_text(text)
    ruff = str(Path(sys.executable).parent / "ruff")
    settings = ["--config", str(ROOT / "pyproject.toml")]
    for cmd in (
        [ruff, "check", *settings, "--no-cache", "--fix-only", "--select=F401,I,UP", str(out_dir)],
        [ruff, "format", *settings, "--no-cache", str(out_dir)],
    ):
        result = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit("ruff failed on the unasynced modules")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if _sync/ is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    args = parser.parse_args(argv)
    source = args.root / SOURCE.relative_to(ROOT)
    target = args.root / TARGET.relative_to(ROOT)
    with tempfile.TemporaryDirectory(prefix="kimono-unasync-") as scratch:
        fresh = Path(scratch) / "_sync"
        write_into(fresh, source)
        if args.check:
            problems = compare(fresh, target, where="kimono_interop/_sync/")
            if problems:
                print(f"kimono_interop/_sync is stale ({len(problems)} differences):")
                for problem in problems:
                    print("  " + problem.replace("\n", "\n    "))
                print("Run `make generate` and commit the result.")
                return 1
            print("kimono_interop/_sync matches kimono_interop/_async")
            return 0
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(fresh, target)
        print("wrote kimono_interop/_sync from kimono_interop/_async")
    return 0


if __name__ == "__main__":
    sys.exit(main())
