"""Writing a roster collection to a file for ``export``: JSON lines, or CSV with flat columns.

Kept apart from the command so that :func:`flatten` (public, as
``kimono_interop.cli.flatten``) and the writer need neither click nor rich.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .._pagination import SyncPager


def flatten(obj: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """One CSV row from a nested object: ``{"name": {"first": "A"}}`` -> ``{"name.first": "A"}``.

    Nested objects become dotted columns; lists (of references, say) are written as
    JSON text; ``None`` is an empty cell and booleans are ``true``/``false``.
    """
    row: dict[str, str] = {}
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            row.update(flatten(value, f"{name}."))
        else:
            row[name] = _cell(value)
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_collection(
    pager: SyncPager[dict[str, Any]], path: Path, fmt: str, on_page: Callable[[int], None]
) -> int:
    """Stream every item of ``pager`` into ``path`` as ``fmt``; return how many were written.

    ``fmt`` is ``jsonl`` or ``csv``; ``on_page`` is told each page's size. The file is
    written under a temporary name and renamed at the end, so a failed export never
    leaves a complete-looking but truncated file behind.
    """
    part_file = path.with_name(f".{path.name}.part")
    count = 0
    try:
        with part_file.open("w", encoding="utf-8", newline="") as out:
            if fmt == "jsonl":
                for page in pager.pages():
                    for item in page.items:
                        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
                        out.write("\n")
                    count += len(page.items)
                    on_page(len(page.items))
            else:
                # Columns are the union of every row's keys, known only at the end: the
                # flattened rows wait in a temporary file, then become the CSV.
                columns: dict[str, None] = {}
                with tempfile.TemporaryFile("w+", encoding="utf-8") as rows:
                    for page in pager.pages():
                        for item in page.items:
                            row = flatten(item)
                            columns.update(dict.fromkeys(row))
                            rows.write(json.dumps(row, ensure_ascii=False) + "\n")
                        count += len(page.items)
                        on_page(len(page.items))
                    rows.seek(0)
                    writer = csv.DictWriter(out, fieldnames=list(columns), restval="")
                    writer.writeheader()
                    for line in rows:
                        writer.writerow(json.loads(line))
        part_file.replace(path)
    finally:
        part_file.unlink(missing_ok=True)
    return count
