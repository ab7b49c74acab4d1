"""Writing a roster collection to a file for ``export``: JSON lines, or CSV with flat columns.

Kept apart from the command so that :func:`flatten` (public, as
``kimono_interop.cli.flatten``) and the writer need neither click nor rich.

What the service sends is written as it is, with two exceptions that keep the files
safe to open: a CSV cell (or column name) that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@``, tab or carriage return first, and not a number) gets a
``'`` in front unless ``keep_formulas`` is set (the OWASP advice for CSV injection);
and a string with a lone surrogate (``"\ud800"`` in the JSON, which is valid JSON but
no valid UTF-8) is written escaped (``\ud800``) instead of failing the export.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import json
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._json import dumps_line

if TYPE_CHECKING:
    from .._pagination import SyncPager


class Columns:
    """The column of each value of a CSV, by the keys that lead to it: the same for every
    row. Two paths whose dotted names are the same (a key ``"a.b"``, and ``"b"`` inside
    ``"a"``) get two columns, the one seen later ``a.b (2)``, in every row alike."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self._by_path: dict[tuple[str, ...], str] = {}
        self._taken: set[str] = set()

    def name(self, path: tuple[str, ...]) -> str:
        found = self._by_path.get(path)
        if found is None:
            base = self.prefix + ".".join(path)
            found, n = base, 1
            while found in self._taken:
                n += 1
                found = f"{base} ({n})"
            self._by_path[path] = found
            self._taken.add(found)
        return found


def flatten(
    obj: Mapping[str, Any], prefix: str = "", *, columns: Columns | None = None
) -> dict[str, str]:
    """One CSV row from a nested object: ``{"name": {"first": "A"}}`` -> ``{"name.first": "A"}``.

    Nested objects become dotted columns; lists (of references, say) are written as
    JSON text; ``None`` is an empty cell and booleans are ``true``/``false``. Two values
    that would share a column (a key ``"a.b"`` next to ``{"a": {"b": ...}}``) are both
    kept: the later one in ``a.b (2)``. Give the rows of one file the same ``columns``,
    so that a column holds the same path in each.
    """
    row: dict[str, str] = {}
    _flatten_into(row, obj, (), columns if columns is not None else Columns(prefix))
    return row


def _flatten_into(
    row: dict[str, str], obj: Mapping[str, Any], path: tuple[str, ...], columns: Columns
) -> None:
    for key, value in obj.items():
        here = (*path, str(key))
        if isinstance(value, Mapping) and value:
            _flatten_into(row, value, here, columns)
            continue
        row[columns.name(here)] = _cell(value)


#: What a spreadsheet takes as the start of a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """``cell`` with a ``'`` in front if a spreadsheet would run it as a formula.

    Numbers (``-5``, ``+1.5e3``) are left alone: a spreadsheet reads them as numbers.
    """
    if not cell.startswith(_FORMULA_STARTS):
        return cell
    try:
        float(cell)
    except ValueError:
        return "'" + cell
    return cell


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _json_line(item: Any) -> str:
    # A lone surrogate comes back \u-escaped; orjson writes the line when installed.
    return dumps_line(item) + "\n"


def _too_deep(page: Any) -> Exception:
    """What an item nested deeper than Python can write (the JSON reader took it) fails
    the export with: a message, not a RecursionError's traceback."""
    from .._exceptions import ResponseValidationError  # (the CLI's --help imports no SDK)

    return ResponseValidationError(
        f"An item of page {page.number} is nested too deeply to be written; the rest of "
        "the collection is not exported (the service's answer does not fit the contract)",
        response=page.response,
    )


def _remove_stale_parts(path: Path) -> None:
    """Remove the ``.part`` files of ``path`` left by exports whose process is gone (killed
    before their clean-up: SIGKILL, the OOM killer, a power cut). They hold roster data,
    and each run's has a name of its own, so none is ever reused."""
    for part in path.parent.glob(f".{glob.escape(path.name)}.*-*.part"):
        pid = part.name[len(path.name) + 2 :].partition("-")[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):  # removed meanwhile, or not ours to remove
            part.unlink()


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists (one of another user's counts: it is not ours)."""
    if os.name == "nt":  # (there, signal 0 would end the process: taken for alive)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_collection(
    pager: SyncPager[dict[str, Any]],
    path: Path,
    fmt: str,
    on_page: Callable[[int], None],
    *,
    keep_formulas: bool = False,
) -> int:
    """Stream every item of ``pager`` into ``path`` as ``fmt``; return how many were written.

    ``fmt`` is ``jsonl`` or ``csv``; ``on_page`` is told each page's size. The file is
    written under a temporary name and renamed at the end, so a failed export never
    leaves a complete-looking but truncated file behind. CSV cells that would be formulas
    get a ``'`` in front unless ``keep_formulas`` (see the module's docstring).
    """
    # A name of its own: two exports into one directory at once each write their own
    # (with one name, one truncated the other's file, then wrote into it once renamed).
    _remove_stale_parts(path)
    part_file = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    count = 0
    safe = (lambda cell: cell) if keep_formulas else neutralise
    try:
        # backslashreplace: only a lone surrogate can fail to encode (see above).
        with part_file.open("x", encoding="utf-8", errors="backslashreplace", newline="") as out:
            if fmt == "jsonl":
                for page in pager.pages():
                    try:
                        for item in page.items:
                            out.write(_json_line(item))
                    except RecursionError as exc:
                        raise _too_deep(page) from exc
                    count += len(page.items)
                    on_page(len(page.items))
            else:
                # Columns are the union of every row's keys, known only at the end: the
                # flattened rows wait in a temporary file, then become the CSV.
                columns: dict[str, None] = {}
                paths = Columns()  # one name per path, in every row
                # surrogatepass: the rows come back exactly as they went in.
                with tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass") as rows:
                    for page in pager.pages():
                        try:
                            for item in page.items:
                                row = flatten(item, columns=paths)
                                columns.update(dict.fromkeys(row))
                                rows.write(json.dumps(row, ensure_ascii=False) + "\n")
                        except RecursionError as exc:
                            raise _too_deep(page) from exc
                        count += len(page.items)
                        on_page(len(page.items))
                    rows.seek(0)
                    writer = csv.writer(out)
                    writer.writerow([safe(column) for column in columns])
                    for line in rows:
                        row = json.loads(line)
                        writer.writerow([safe(row.get(column, "")) for column in columns])
        part_file.replace(path)
    finally:
        part_file.unlink(missing_ok=True)
    return count
