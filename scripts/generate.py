"""Regenerate the client packages in generated/ from the contracts in spec/, or check them.

Each spec is turned into one package by the pinned openapi-python-client with
the config file beside the spec and the custom templates in spec/templates/
(small overrides of the generator's own templates: spec/templates/README.md).
The generator writes into a scratch directory; `generate` then replaces the
committed package with it, and `--check` compares the two byte for byte and
fails, listing the differing files, when the committed code is not what the
spec produces.

    python -m scripts.generate            # regenerate generated/
    python -m scripts.generate --check    # fail if generated/ is stale
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from scripts import ROOT

SPEC_DIR = ROOT / "spec"
GENERATED_DIR = ROOT / "generated"
TEMPLATES_DIR = SPEC_DIR / "templates"
# Where a custom template finds the generator's own template of the same name.
UPSTREAM_PREFIX = "upstream"


@dataclass(frozen=True)
class Target:
    """One spec and the package generated from it."""

    spec: Path
    config: Path
    package: str


TARGETS = (
    Target(
        SPEC_DIR / "interop-data.yaml",
        SPEC_DIR / "interop-data.config.yaml",
        "kimono_interop_data_api",
    ),
    Target(SPEC_DIR / "interop.yaml", SPEC_DIR / "interop.config.yaml", "kimono_interop_api"),
)


def _generator() -> str:
    """The openapi-python-client of this environment (the pinned one in .venv)."""
    candidate = Path(sys.executable).parent / "openapi-python-client"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("openapi-python-client")
    if found is None:
        raise SystemExit("openapi-python-client is not installed; run `make install` first.")
    return found


def upstream_templates() -> Path:
    """The templates of the installed openapi-python-client, which ours override."""
    found = importlib.util.find_spec("openapi_python_client")
    if found is None or found.origin is None:
        raise SystemExit("openapi-python-client is not installed; run `make install` first.")
    return Path(found.origin).parent / "templates"


def template_dir(out_dir: Path) -> Path:
    """spec/templates/ plus the generator's templates under upstream/, built in out_dir.

    The generator looks a name up in --custom-template-path first, then in its own
    package, so our model.py.jinja shadows upstream's and cannot include it by that
    name. Under the prefix it can: `{% include "upstream/model.py.jinja" %}`.
    """
    templates = out_dir / "templates"
    if not templates.exists():
        shutil.copytree(TEMPLATES_DIR, templates)
        shutil.copytree(upstream_templates(), templates / UPSTREAM_PREFIX)
    return templates


def generate_into(target: Target, out_dir: Path) -> Path:
    """Run the generator for one target; return the package directory it wrote."""
    package_dir = out_dir / target.package
    env = dict(os.environ)
    # The generator's post hooks call `ruff`; make sure it is the pinned one.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    cmd = [
        _generator(),
        "generate",
        "--path",
        str(target.spec),
        "--config",
        str(target.config),
        "--custom-template-path",
        str(template_dir(out_dir)),
        "--meta",
        "none",
        "--output-path",
        str(package_dir),
        "--overwrite",
        "--fail-on-warning",
    ]
    result = subprocess.run(cmd, cwd=out_dir, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"generation failed for {target.spec.relative_to(ROOT)}")
    # PEP 561: the generated packages are typed.
    (package_dir / "py.typed").write_text("")
    return package_dir


def _files(directory: Path) -> set[Path]:
    return {
        path.relative_to(directory)
        for path in directory.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def compare(expected: Path, actual: Path, where: str = "generated/") -> list[str]:
    """Human-readable differences between the fresh package and the committed one."""
    problems: list[str] = []
    expected_files, actual_files = _files(expected), _files(actual) if actual.exists() else set()
    for missing in sorted(expected_files - actual_files):
        problems.append(f"missing from {where}: {missing}")
    for extra in sorted(actual_files - expected_files):
        problems.append(f"not produced by the spec (remove it): {extra}")
    for common in sorted(expected_files & actual_files):
        if not filecmp.cmp(expected / common, actual / common, shallow=False):
            diff = difflib.unified_diff(
                (actual / common).read_text().splitlines(),
                (expected / common).read_text().splitlines(),
                fromfile=f"committed/{common}",
                tofile=f"from-spec/{common}",
                lineterm="",
                n=1,
            )
            problems.append(f"differs: {common}\n" + "\n".join(list(diff)[:40]))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--check", action="store_true", help="compare instead of writing; exit 1 on any difference"
    )
    args = parser.parse_args(argv)

    failed = False
    with tempfile.TemporaryDirectory(prefix="kimono-generate-") as scratch:
        for target in TARGETS:
            started = time.perf_counter()
            fresh = generate_into(target, Path(scratch))
            committed = GENERATED_DIR / target.package
            elapsed = time.perf_counter() - started
            if args.check:
                problems = compare(fresh, committed)
                if problems:
                    failed = True
                    print(f"generated/{target.package} is stale ({len(problems)} differences):")
                    for problem in problems:
                        print("  " + problem.replace("\n", "\n    "))
                else:
                    spec = target.spec.relative_to(ROOT)
                    print(f"generated/{target.package} matches {spec} ({elapsed:.1f}s)")
            else:
                if committed.exists():
                    shutil.rmtree(committed)
                committed.parent.mkdir(parents=True, exist_ok=True)
                shutil.copytree(fresh, committed)
                spec = target.spec.relative_to(ROOT)
                print(f"wrote generated/{target.package} from {spec} ({elapsed:.1f}s)")
    if failed:
        print("Run `make generate` and commit the result.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
