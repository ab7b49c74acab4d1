"""``export``: every roster collection to JSON lines or CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kimono_interop.cli import EXIT_INTERRUPTED, flatten
from kimono_interop.cli.files import write_collection
from kimono_interop.sandbox import Sandbox
from tests.support.cli import cli_process, flags, run, wait_for

#: Collections ``export`` writes, with the key of ``Roster`` holding each.
EXPORTED = ("orgs", "persons", "courses", "sections", "terms", "grading_categories")

#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 30}


# -- export ---------------------------------------------------------------------------------------
def test_export_jsonl_writes_every_collection(sandbox: Sandbox, tmp_path: Path) -> None:
    """JSON lines: one file per collection, every record, no temporary files left."""
    result = run(*flags(sandbox), "export", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    roster = sandbox.state.roster
    for name in EXPORTED:
        path = tmp_path / "out" / f"{name}.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines()
        seeded = getattr(roster, name)
        assert len(lines) == len(seeded) > 0, name
        assert {json.loads(line)["$sys"]["id"] for line in lines} == set(seeded)
        assert name in result.stdout  # the summary table
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f"{n}.jsonl" for n in EXPORTED
    )  # no temporary files left behind
    total = sum(len(getattr(roster, n)) for n in EXPORTED)
    assert f"{total:,}" in result.stdout


def test_export_csv_flattens_nested_objects(sandbox: Sandbox, tmp_path: Path) -> None:
    """CSV: nested objects become dotted columns and lists JSON text."""
    result = run(*flags(sandbox), "export", "--out", str(tmp_path), "--format", "csv")
    assert result.exit_code == 0, result.output
    roster = sandbox.state.roster
    for name in EXPORTED:
        with (tmp_path / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        seeded = getattr(roster, name)
        assert len(rows) == len(seeded), name
        assert {row["$sys.id"] for row in rows} == set(seeded)
    with (tmp_path / "persons.csv").open(encoding="utf-8", newline="") as f:
        persons = {row["$sys.id"]: row for row in csv.DictReader(f)}
    for person_id, person in roster.persons.items():
        row = persons[person_id]
        assert row["name.first"] == person["name"]["first"]
        assert row["address.city"] == person["address"]["city"]
        assert json.loads(row["$sections"]) == person["$sections"]  # lists as JSON text
        assert row["grad_year"] == person.get("grad_year", "")  # teachers have none


def test_export_only_some_collections(sandbox: Sandbox, tmp_path: Path) -> None:
    """--only writes the named collection and nothing else."""
    result = run(*flags(sandbox), "export", "--out", str(tmp_path), "--only", "terms")
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["terms.jsonl"]


class _Pages:
    """Stands in for a pager: ``pages()`` yields pages with ``items``."""

    def __init__(self, *pages: list[dict[str, object]]) -> None:
        self._pages = pages

    def pages(self) -> Iterator[object]:
        for number, items in enumerate(self._pages):
            yield type("Page", (), {"items": items, "number": number, "response": None})()


def test_two_exports_into_one_directory_at_once_each_write_a_whole_file(
    tmp_path: Path,
) -> None:
    """A second export of persons starts while the first one is writing: each writes a
    file of its own, and the last to finish leaves its whole file. With one .part name
    the second truncated the first's, and the first then wrote into the renamed file:
    records of both, a line cut in two, and the first said it had written 20."""
    path = tmp_path / "persons.jsonl"
    first = [[{"n": n, "by": "first"} for n in range(10)] for _ in range(2)]
    second = [{"n": n, "by": "second"} for n in range(15)]

    class Interleaved(_Pages):
        def pages(self) -> Iterator[object]:
            for number, page in enumerate(super().pages()):
                if number == 1:  # between the first's pages: the second, whole
                    assert write_collection(_Pages(second), path, "jsonl", lambda n: None) == 15
                yield page

    assert write_collection(Interleaved(*first), path, "jsonl", lambda n: None) == 20
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines == [item for page in first for item in page]
    assert list(tmp_path.iterdir()) == [path]  # no .part left behind


def test_the_part_files_of_exports_killed_before_their_clean_up_are_removed(
    tmp_path: Path,
) -> None:
    """Each export writes a .part of its own, removed at its end; one killed before that
    (SIGKILL, the OOM killer) left its file, holding roster data, for good. The next
    export removes those of processes that are gone, never a live one's."""
    import os

    path = tmp_path / "persons.jsonl"
    dead = tmp_path / ".persons.jsonl.999999999-0a1b2c3d.part"
    live = tmp_path / f".persons.jsonl.{os.getpid()}-4e5f6a7b.part"
    other = tmp_path / ".orgs.jsonl.999999999-0a1b2c3d.part"
    for part in (dead, live, other):
        part.write_text('{"name": "Ada"}\n', encoding="utf-8")
    assert write_collection(_Pages([{"n": 1}]), path, "jsonl", lambda n: None) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, live.name, other.name])


FORMULAS = {"$sys": {"id": "p-1"}, "name": '=HYPERLINK("http://x")', "note": "@SUM(A1)"}


def test_csv_cells_that_would_be_formulas_get_a_quote(tmp_path: Path) -> None:
    """A name (or a column) starting with = + - @ is written with ' in front, so a
    spreadsheet shows it instead of running it; numbers such as -5 stay numbers;
    keep_formulas writes every cell as sent."""
    item = {**FORMULAS, "balance": -5, "=col": "+1 more", "plain": "ok"}
    path = tmp_path / "persons.csv"
    assert write_collection(_Pages([item]), path, "csv", lambda n: None) == 1
    with path.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row == {
        "$sys.id": "p-1",
        "name": '\'=HYPERLINK("http://x")',
        "note": "'@SUM(A1)",
        "balance": "-5",
        "'=col": "'+1 more",
        "plain": "ok",
    }
    write_collection(_Pages([item]), path, "csv", lambda n: None, keep_formulas=True)
    with path.open(encoding="utf-8", newline="") as f:
        (row,) = list(csv.DictReader(f))
    assert row["name"] == FORMULAS["name"] and row["=col"] == "+1 more"


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_lone_surrogate_is_written_escaped_and_the_rest_exported(
    tmp_path: Path, fmt: str
) -> None:
    """ "\\ud800" is valid JSON but no valid UTF-8: that record is written escaped (JSON
    lines stay valid JSON with the same value) and the records around it are all there."""
    items = [{"id": "a", "name": "Zoë"}, {"id": "b", "name": "bad\ud800"}, {"id": "c"}]
    path = tmp_path / f"persons.{fmt}"
    assert write_collection(_Pages(items[:2], items[2:]), path, fmt, lambda n: None) == 3
    text = path.read_text(encoding="utf-8")
    if fmt == "jsonl":
        assert [json.loads(line) for line in text.splitlines()] == items
    else:
        rows = list(csv.DictReader(text.splitlines()))
        assert [r["name"] for r in rows] == ["Zoë", "bad\\ud800", ""]


def test_export_keep_formulas_flag(sandbox: Sandbox, tmp_path: Path) -> None:
    """export --format csv quotes a formula-like name; --keep-formulas writes it as sent."""
    term_id, term = next(iter(sandbox.state.roster.terms.items()))
    original = term["name"]
    term["name"] = "=1+1"
    try:
        for extra, expected in (([], "'=1+1"), (["--keep-formulas"], "=1+1")):
            out_dir = tmp_path / (extra[0] if extra else "default")
            args = ("export", "--out", str(out_dir), "--format", "csv", "--only", "terms")
            result = run(*flags(sandbox), *args, *extra)
            assert result.exit_code == 0, result.output
            with (out_dir / "terms.csv").open(encoding="utf-8", newline="") as f:
                names = {row["$sys.id"]: row["name"] for row in csv.DictReader(f)}
            assert names[term_id] == expected
    finally:
        term["name"] = original


def test_flatten() -> None:
    """flatten: dotted keys, JSON lists, empty cells for None, true/false for booleans."""
    row = flatten({"a": {"b": 1, "c": {"d": None}}, "e": [1, {"f": "é"}], "g": True, "h": {}})
    assert row == {"a.b": "1", "a.c.d": "", "e": '[1,{"f":"é"}]', "g": "true", "h": "{}"}


def test_flatten_keeps_both_values_that_would_share_a_column() -> None:
    """A key "a.b" next to {"a": {"b": ...}}: both are kept (the later in "a.b (2)"),
    where the later one overwrote the first."""
    row = flatten({"a.b": "dotted", "a": {"b": "nested", "c": 1}, "x": 2})
    assert row == {"a.b": "dotted", "a.b (2)": "nested", "a.c": "1", "x": "2"}


def test_a_csv_column_holds_the_same_path_in_every_row(tmp_path: Path) -> None:
    """Row 1 has {"a": {"b": 1}, "a.b": 2}, row 2 the same keys the other way round:
    column a.b held the nested value in row 1 and the dotted key's in row 2."""
    rows = [{"a": {"b": 1}, "a.b": 2}, {"a.b": 3, "a": {"b": 4}}]
    path = tmp_path / "x.csv"
    assert write_collection(_Pages(rows), path, "csv", lambda n: None) == 2
    with path.open(encoding="utf-8", newline="") as f:
        written = list(csv.DictReader(f))
    assert written == [{"a.b": "1", "a.b (2)": "2"}, {"a.b": "4", "a.b (2)": "3"}]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_item_nested_too_deep_to_write_is_an_error_with_a_message(
    tmp_path: Path, fmt: str
) -> None:
    """The JSON reader takes nesting a few hundred levels deeper than the writer can
    write: that fails the collection with ResponseValidationError (a message from the
    CLI), not a RecursionError's traceback, and leaves no file."""
    from kimono_interop import ResponseValidationError

    deep: dict[str, object] = {"leaf": 1}
    for _ in range(5000):
        deep = {"d": deep}
    path = tmp_path / f"persons.{fmt}"
    with pytest.raises(ResponseValidationError, match="nested too deeply"):
        write_collection(_Pages([{"id": "a"}], [deep]), path, fmt, lambda n: None)
    assert list(tmp_path.iterdir()) == []


# -- Ctrl-C ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sent", "code", "said"),
    [(signal.SIGINT, EXIT_INTERRUPTED, "Interrupted"), (signal.SIGTERM, 143, "Terminated")],
)
def test_ctrl_c_during_export_exits_130_leaving_only_complete_files(
    tmp_path: Path, sent: signal.Signals, code: int, said: str
) -> None:
    """SIGINT mid-export (a real process, a slow sandbox): exit 130, the files written in
    full are listed and complete, the collection in hand leaves no file (not even .part).
    SIGTERM the same, exit 143: it used to kill the command, its .part file left."""
    out = tmp_path / "out"
    with Sandbox(students=200, latency=0.05) as sandbox:
        proc = cli_process("export", "--out", str(out), "--page-size", "5", *flags(sandbox))
        try:
            # persons (some 45 pages, each 50 ms late) is under way: orgs is written.
            wait_for(lambda: any(out.glob(".persons.jsonl.*.part")), proc, "persons under way")
            proc.send_signal(sent)
            stdout, stderr = proc.communicate(timeout=30)
        finally:
            proc.kill()
        roster = sandbox.state.roster
    assert proc.returncode == code, stdout + stderr
    written = sorted(p.name for p in out.iterdir())
    assert written == ["orgs.jsonl"]  # no persons.jsonl, no .persons.jsonl.part
    lines = (out / "orgs.jsonl").read_text(encoding="utf-8").splitlines()
    assert {json.loads(line)["$sys"]["id"] for line in lines} == set(roster.orgs)
    assert "orgs" in stdout and f"{len(roster.orgs):,}" in stdout  # the table of what was written
    message = " ".join(stderr.split())
    assert said in message and "1 of 6 collections" in message
    assert "persons was cut short" in message and "Aborted" not in message


def test_an_error_mid_export_says_what_was_written_and_which_files_are_older(
    serve: Any, tmp_path: Path
) -> None:
    """persons fails (500) after orgs is written, over an earlier export: the command
    exits 1 with the error, and first lists what it wrote and the files left from the
    earlier export (it named only the error, the old files looking current)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": "tok", "expires_in": 3600})

    async def orgs(request: Request) -> Response:
        data = [{"$sys": {"id": "o-1", "type": "orgs"}, "name": "District"}]
        return JSONResponse({"data": data, "paging": {"next": None}})

    async def persons(request: Request) -> Response:
        return JSONResponse({"code": "boom", "message": "internal error"}, 500)

    prefix = "/v2/interop/data/rostering"
    origin = serve(
        Starlette(
            routes=[
                Route("/oauth/token", token, methods=["POST"]),
                Route(f"{prefix}/orgs", orgs),
                Route(f"{prefix}/persons", persons),
            ]
        )
    )
    for name in ("persons", "terms"):
        (tmp_path / f"{name}.jsonl").write_text("{}\n")  # from an earlier export
    result = run(
        "--base-url",
        origin,
        "--client-id",
        "c",
        "--client-secret",
        "s",
        "export",
        "--out",
        str(tmp_path),
        "--only",
        "orgs",
        "--only",
        "persons",
        "--only",
        "terms",
    )
    assert result.exit_code == 1, result.output
    said = " ".join(result.stderr.split())
    assert "Stopped by an error: 1 of 3 collections written in full (orgs.jsonl)." in said
    assert "(the persons.jsonl there is from an earlier export)" in said
    assert "Not started: terms. From an earlier export: terms.jsonl." in said
    assert "internal error" in said
    assert "orgs" in result.stdout  # the summary of what was written


def test_an_item_that_cannot_be_read_is_left_out_and_the_rest_kept(
    serve: Any, tmp_path: Path
) -> None:
    """A null among the orgs: the file holds the two others, and the command exits 1
    naming what was left out (the whole collection used to fail, its file not kept)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def token(request: Request) -> Response:
        return JSONResponse({"access_token": "tok", "expires_in": 3600})

    async def orgs(request: Request) -> Response:
        data = [{"$sys": {"id": "o-1"}}, None, {"$sys": {"id": "o-2"}}]
        return JSONResponse({"data": data, "paging": {"next": None}})

    async def persons(request: Request) -> Response:
        return JSONResponse({"code": "forbidden", "message": "not yours"}, 403)

    origin = serve(
        Starlette(
            routes=[
                Route("/oauth/token", token, methods=["POST"]),
                Route("/v2/interop/data/rostering/orgs", orgs),
                Route("/v2/interop/data/rostering/persons", persons),
            ]
        )
    )
    result = run(
        "--base-url", origin, "--client-id", "c", "--client-secret", "s",
        "export", "--out", str(tmp_path), "--only", "orgs",
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    lines = (tmp_path / "orgs.jsonl").read_text().splitlines()
    assert [json.loads(line)["$sys"]["id"] for line in lines] == ["o-1", "o-2"]
    said = " ".join(result.stderr.split())
    assert "1 item(s) of orgs could not be read and are not in its file (page 0 item 1" in said
    # and so when a later collection stops the export with an error
    again = run(
        "--base-url", origin, "--client-id", "c", "--client-secret", "s",
        "export", "--out", str(tmp_path), "--only", "orgs", "--only", "persons",
    )  # fmt: skip
    assert again.exit_code == 3, again.output  # refused: the credentials
    said = " ".join(again.stderr.split())
    assert "1 item(s) of orgs could not be read and are not in its file" in said
    assert "not yours" in said
