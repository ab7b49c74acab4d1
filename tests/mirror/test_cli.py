"""``kimono-interop mirror``: run, status, changes, parked, replay, approve-sweep, verify."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kimono_interop import KimonoClient
from kimono_interop.cli import EXIT_ERROR, EXIT_USAGE
from kimono_interop.mirror import Mirror, NoMirror, Result
from kimono_interop.sandbox import Sandbox
from tests.support.cli import flags, run

from .builders import data_task, new_id, person
from .test_schema import _at_revision

#: The module's sandbox (the ``sandbox`` fixture): its queue is drained by the first test.
SANDBOX = {"students": 20, "seed": 3, "ack_timeout": 1.0}


@pytest.fixture(scope="module")
def db(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A mirror of the module's sandbox, filled by `mirror run`."""
    path = str(tmp_path_factory.mktemp("cli") / "mirror.db")
    result = run("mirror", "run", "--db", path, "--ack-every", "50", *flags(sandbox))
    assert result.exit_code == 0, result.output
    assert "mirror run:" in result.stderr and "applied" in result.stderr
    return path


def _tenant(sandbox: Sandbox) -> str:
    return next(iter(sandbox.state.tenants))


@pytest.mark.parametrize(
    "command", ["run", "status", "changes", "parked", "replay", "approve-sweep", "verify"]
)
def test_help(command: str) -> None:
    result = run("mirror", command, "--help")
    assert result.exit_code == 0, result.output
    assert "--db" in result.stdout and "KIMONO_MIRROR_DB" in result.stdout


def test_run_then_verify_and_status(sandbox: Sandbox, db: str) -> None:
    result = run("mirror", "verify", "--db", db, *flags(sandbox))
    assert result.exit_code == 0, result.output
    assert "the mirror equals the service" in result.stderr
    result = run("mirror", "status", "--db", db, "--json")
    assert result.exit_code == 0, result.output
    status = json.loads(result.stdout)
    assert status["objects"]["persons"]["live"] == len(sandbox.state.roster.persons)
    assert status["parked"] == 0 and status["held"] == []
    assert "persons" in run("mirror", "status", "--db", db).stdout
    # nothing left: a second run applies nothing (and, with 0, keeps every task record)
    recorded = status["tasks_recorded"]
    again = run("mirror", "run", "--db", db, "--inbox-retention", "0", *flags(sandbox))
    assert again.exit_code == 0 and "0 task(s)" in again.stderr
    kept = json.loads(run("mirror", "status", "--db", db, "--json").stdout)["tasks_recorded"]
    assert kept == recorded > 0


def test_changes_are_json_lines_after_a_cursor(db: str) -> None:
    first = run("mirror", "changes", "--db", db, "--limit", "3")
    lines = [json.loads(line) for line in first.stdout.splitlines()]
    assert [line["cursor"] for line in lines] == [1, 2, 3]
    rest = run("mirror", "changes", "--db", db, "--since", "3", "--limit", "2")
    assert [json.loads(line)["cursor"] for line in rest.stdout.splitlines()] == [4, 5]


@pytest.mark.parametrize(
    "command", [["changes"], ["changes", "--limit", "2"], ["status", "--json"], ["status"]]
)
def test_a_reader_that_goes_away_leaves_a_note_and_the_exit_code(
    db: str, command: list[str]
) -> None:
    """``mirror changes | head -1``: what is left to print is dropped, with a note on
    stderr, and the command exits as it would have (it exited 1, an error, with no word)."""
    from tests.support.cli import cli_process

    proc = cli_process("mirror", *command, "--db", db)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before anything is written
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, stderr
    assert "stdout was closed" in stderr and "Traceback" not in stderr


def test_a_run_that_fails_before_writing_leaves_no_mirror_behind(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """``mirror run --db typo.db`` refused (credentials, a tenant id mistyped) made the
    file anyway, and ``mirror status --db typo.db`` then showed a healthy empty mirror:
    a mirror the run made and never wrote to is removed again. One that was there stays."""
    from tests.support.cli import free_port

    wrong = flags(sandbox, client_secret="not-the-secret")
    # (nothing listening: a drain that never reached the service ends, where it waited
    # for ever, saying "trying again")
    nowhere = flags(sandbox, base_url=f"http://127.0.0.1:{free_port()}")
    for args, code in (
        (wrong, 3),
        ([*flags(sandbox), "--tenant-id", "bogus"], 2),
        (nowhere, 1),
    ):
        path = tmp_path / "typo.db"
        result = run("mirror", "run", "--db", str(path), *args)
        assert result.exit_code == code, result.output
        assert sorted(p.name for p in tmp_path.iterdir()) == []
    made = tmp_path / "made.db"
    Mirror.open(made).close()
    assert run("mirror", "run", "--db", str(made), *wrong).exit_code == 3
    assert made.exists()
    assert run("mirror", "status", "--db", str(made)).exit_code == 0


def test_verify_reports_differences_and_exits_1(sandbox: Sandbox, tmp_path: Path) -> None:
    path = str(tmp_path / "other.db")
    tenant = _tenant(sandbox)
    with Mirror.open(path) as mirror:
        mirror.apply([data_task("ADD", "terms", {"$sys": {"id": "x-term"}}, 1, tenant=tenant)])
    result = run("mirror", "verify", "--db", path, *flags(sandbox))
    assert result.exit_code == EXIT_ERROR
    assert "extra: terms x-term" in result.stdout
    assert "missing: persons" in result.stdout
    assert "difference(s)" in result.stderr


def test_verify_names_what_no_rest_list_can_compare(sandbox: Sandbox, tmp_path: Path) -> None:
    """Objects of a type the REST lists do not give (a blueprint's topic, from tasks) are
    neither differences nor silently passed over: verify names them."""
    path = str(tmp_path / "topics.db")
    tenant = _tenant(sandbox)
    with Mirror.open(path) as mirror, KimonoClient(**sandbox.credentials) as kimono:
        mirror.snapshot(kimono, tenant_id=tenant)
        topic = {"$sys": {"id": new_id(), "type": "Attendance"}}
        mirror.apply([data_task("ADD", "RDM:Attendance", topic, 1, tenant=tenant)])
        report = mirror.verify(kimono, tenant_id=tenant)
        assert report.ok and report.uncompared == {"attendance": 1}
    result = run("mirror", "verify", "--db", path, *flags(sandbox))
    assert result.exit_code == 0, result.output
    assert "not compared (no REST list gives them): 1 attendance" in result.stderr
    assert "the mirror equals the service" in result.stderr


def test_snapshot_of_a_tenant_the_credentials_do_not_act_as_exits_2(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    path = str(tmp_path / "wrong.db")
    other = "0b0b0b0b-0000-4000-8000-00000000000b"
    result = run("mirror", "snapshot", "--db", path, "--tenant-id", other, *flags(sandbox))
    assert result.exit_code == EXIT_USAGE, result.output
    assert f"tenant {other} is not the one these credentials act as" in result.stderr
    with Mirror.open(path) as mirror:
        assert mirror.tenants() == []


def test_snapshot_says_what_is_live_after_its_sweep_and_how_to_approve_a_held_one(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The line gave the live count from before the sweep (the objects it tombstoned
    counted live), and a held sweep no word of how to carry it out."""
    path = str(tmp_path / "snap.db")
    tenant = _tenant(sandbox)
    rest = len(sandbox.state.roster.terms)
    extra = [new_id() for _ in range(rest + 1)]  # more than the threshold of the terms
    with Mirror.open(path) as mirror:
        mirror.apply(
            [
                data_task("ADD", "terms", {"$sys": {"id": i}}, n, tenant=tenant)
                for n, i in enumerate(extra, 1)
            ]
        )
    held = run("mirror", "snapshot", "--db", path, "--tenant-id", tenant, *flags(sandbox))
    assert held.exit_code == 0, held.output
    line = " ".join(held.stderr.split())
    assert f"sweep held ({len(extra)} to tombstone)" in line
    assert "mirror approve-sweep" in line
    with Mirror.open(path) as mirror:
        (sync,) = mirror.syncs(status="held")
        live = (sync.live or 0) - len(extra)
        assert mirror.approve_sweep(sync.generation) == len(extra)
    again = run("mirror", "snapshot", "--db", path, "--tenant-id", tenant, *flags(sandbox))
    assert f"{live} live object(s)" in " ".join(again.stderr.split())


def test_parked_and_replay(tmp_path: Path) -> None:
    path = str(tmp_path / "parked.db")
    bad = data_task("UPDATE", "persons", None, 1, object_id=new_id())
    with Mirror.open(path) as mirror:
        mirror.apply([bad])
    listed = run("mirror", "parked", "--db", path, "--json")
    (line,) = [json.loads(x) for x in listed.stdout.splitlines()]
    assert line["task_id"] == bad["id"] and line["raw"] == bad
    assert bad["id"] in run("mirror", "parked", "--db", path).stdout
    again = run("mirror", "replay", "--db", path, bad["id"])
    assert again.exit_code == EXIT_ERROR and "parked" in again.stdout
    assert run("mirror", "replay", "--db", path, "nope").exit_code == EXIT_USAGE


def test_ids_and_names_are_shown_as_they_are_not_read_as_markup(tmp_path: Path) -> None:
    """A parked task id `[red]sis-43` was shown `sis-43` (rich read the brackets as a
    style), which `mirror replay` does not know; `[/]` in one failed the command."""
    path = str(tmp_path / "markup.db")
    odd = data_task("MERGE", "[b]persons", person(new_id()), 1, id="[red]sis-43")
    closing = data_task("MERGE", "persons", person(new_id()), 2, id="x[/]y")
    slash = data_task("MERGE", "persons", person(new_id()), 3, id="sis-44\\")
    with Mirror.open(path) as mirror:
        assert [o.result for o in mirror.apply([odd, closing, slash])] == [Result.PARKED] * 3
    listed = run("mirror", "parked", "--db", path)
    assert listed.exit_code == 0, listed.output
    assert "[red]sis-43" in listed.stdout and "x[/]y" in listed.stdout
    assert "sis-44\\ " in listed.stdout and "sis-44\\\\" not in listed.stdout  # one \
    shown = run("mirror", "status", "--db", path)
    assert shown.exit_code == 0, shown.output


def _full_sync(kept: list[tuple[str, str]], start: int) -> list[dict[str, object]]:
    """A full sync from sequence ``start`` holding the objects ``kept`` (type, id)."""
    tasks: list[dict[str, object]] = [
        {"type": "sync_event", "id": new_id(), "action": "SYNC_START", "sequence": start}
    ]
    tasks += [
        data_task("ADD", kind, {"$sys": {"id": i}}, start + n, tenant="")
        for n, (kind, i) in enumerate(kept, 1)
    ]
    end = start + len(kept) + 1
    tasks.append({"type": "sync_event", "id": new_id(), "action": "SYNC_END", "sequence": end})
    return tasks


def test_approve_and_reject_held_sweeps(tmp_path: Path) -> None:
    path = str(tmp_path / "sweeps.db")
    ids = [new_id() for _ in range(10)]

    with Mirror.open(path) as mirror:
        mirror.apply(_full_sync([("terms", i) for i in ids], 0))
        mirror.apply(_full_sync([("terms", i) for i in ids[:5]], 100))
        mirror.apply(_full_sync([("terms", i) for i in ids[:2]], 200))
        held = [s.generation for s in mirror.syncs(status="held")]
    assert len(held) == 2
    status = json.loads(run("mirror", "status", "--db", path, "--json").stdout)
    assert [h["generation"] for h in status["held"]] == held
    result = run("mirror", "approve-sweep", "--db", path, str(held[1]))
    assert result.exit_code == 0 and "5 object(s) tombstoned" in result.stdout
    result = run("mirror", "approve-sweep", "--db", path, str(held[0]), "--reject")
    assert result.exit_code == 0 and "rejected" in result.stdout
    assert run("mirror", "approve-sweep", "--db", path, str(held[0])).exit_code == EXIT_USAGE


def test_a_held_sweep_with_nothing_left_to_tombstone_says_so(tmp_path: Path) -> None:
    """Two held sweeps; the newer one approved tombstones what the older one would have:
    the older one's line said `would tombstone ` and nothing more."""
    path = str(tmp_path / "sweeps.db")
    ids = [new_id() for _ in range(10)]

    with Mirror.open(path) as mirror:
        for start, keep in ((0, ids), (100, ids[:5]), (200, ids[:2])):
            mirror.apply(_full_sync([("terms", i) for i in keep], start))
        newer, older = (s.generation for s in mirror.syncs(status="held"))
        assert mirror.approve_sweep(newer) == 8
        assert mirror.held_sweep(older) == {}
    shown = run("mirror", "status", "--db", path).stdout
    assert f"held sweep {older}: would tombstone nothing now (terms: tombstoned" in shown


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:secret@127.0.0.1:1/x",
        "postgresql://127.0.0.1:1/x?password=secret&user=u",  # a password libpq takes there
        "postgresql://u:se/cret@127.0.0.1:1/x",  # SQLAlchemy reads "se/cret" as the password
        "postgresql://u:se#cret@127.0.0.1:1/x",
    ],
)
def test_a_database_that_cannot_be_opened_is_a_message(url: str) -> None:
    result = run("mirror", "status", "--db", url)
    assert result.exit_code == EXIT_ERROR
    assert "secret" not in result.output and "cret" not in result.output
    assert "Traceback" not in result.output
    assert "the mirror's database" in result.stderr


@pytest.mark.parametrize("command", ["run", "status"])
@pytest.mark.parametrize(
    "url", ["postgresql:/u:s3cretpw@127.0.0.1/db", "postgresql:u:s3cretpw@127.0.0.1/db"]
)
def test_a_url_missing_its_slashes_is_refused_without_its_password(
    command: str, url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database URL with a slash missing after its scheme was taken for a SQLite file
    path, and its password printed in the error; it is now refused as a mistyped URL,
    masked, and no file is made."""
    monkeypatch.chdir(tmp_path)
    credentials = ["--client-id", "c", "--client-secret", "s"] if command == "run" else []
    result = run("mirror", command, "--db", url, *credentials)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "s3cretpw" not in result.output
    assert "postgresql://" in result.stderr and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="postgresql://") as caught:
        Mirror.open(url)
    assert "s3cretpw" not in str(caught.value)


def test_a_held_sweep_is_shown_by_the_type_it_would_empty(tmp_path: Path) -> None:
    """A sync that kept every person but lost 9 of 10 terms is held for the terms; its
    lines said `would tombstone 9 of 210 persons, terms`, as if a few objects of any type."""
    path = str(tmp_path / "types.db")
    persons, terms = [new_id() for _ in range(200)], [new_id() for _ in range(10)]

    everyone = [("persons", i) for i in persons]
    with Mirror.open(path) as mirror:
        mirror.apply(_full_sync(everyone + [("terms", i) for i in terms], 0))
        mirror.apply(_full_sync([*everyone, ("terms", terms[0])], 1000))
        (held,) = mirror.syncs(status="held")
        assert mirror.held_sweep(held.generation) == {"terms": (9, 10)}
    result = run("mirror", "status", "--db", path)
    assert f"held sweep {held.generation}: would tombstone 9 of 10 terms" in result.stdout
    status = json.loads(run("mirror", "status", "--db", path, "--json").stdout)
    assert status["held"][0]["would_tombstone"] == "9 of 10 terms"
    run("mirror", "approve-sweep", "--db", path, str(held.generation))
    with Mirror.open(path) as mirror, pytest.raises(ValueError, match="approved"):
        mirror.held_sweep(held.generation)


@pytest.mark.parametrize(
    "command", [["status"], ["changes"], ["parked"], ["replay", "x"], ["approve-sweep", "1"]]
)
def test_a_readers_command_on_no_mirror_makes_none(tmp_path: Path, command: list[str]) -> None:
    """A mistyped path is not a new, empty, healthy-looking mirror: nothing is created,
    and the message says what makes one."""
    path = tmp_path / "typo.db"
    result = run("mirror", *command, "--db", str(path))
    assert result.exit_code == EXIT_USAGE
    assert "no mirror at" in result.stderr and "mirror run" in result.stderr
    assert not path.exists()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE mine (x INTEGER)").connection.commit()
    result = run("mirror", *command, "--db", str(other))
    assert result.exit_code == EXIT_USAGE and "no mirror_alembic_version" in result.stderr
    file = sqlite3.connect(other)
    assert file.execute("SELECT name FROM sqlite_master").fetchall() == [("mine",)]
    assert file.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # not made WAL


def test_a_run_stopped_by_sigterm_in_a_database_outage_keeps_its_exit_code(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the run waits out a database outage: the run returns, and reading
    the held sweeps afterwards fails too; the command still exits 143 with its summary,
    naming the sweeps the run held."""
    import sqlalchemy as sa

    from kimono_interop.mirror import MirrorStats

    def stopped(self: Mirror, *args: object, **kwargs: object) -> MirrorStats:
        return MirrorStats(stopped_by="SIGTERM", held_sweeps=[7])

    def down(self: Mirror, **kwargs: object) -> object:
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(Mirror, "run", stopped)
    monkeypatch.setattr(Mirror, "syncs", down)
    result = run("mirror", "run", "--db", str(tmp_path / "m.db"), *flags(sandbox))
    assert result.exit_code == 143, result.output
    assert "mirror run:" in result.stderr + result.stdout
    assert "held sweep(s) 7" in result.stderr
    assert "stopped by" in result.stderr and "SIGTERM" in result.stderr  # (not just counts)


def test_a_readers_command_changes_nothing_it_refuses(tmp_path: Path) -> None:
    """A file that is no database, and a mirror at an older revision: refused, as they
    are (an older mirror is upgraded by `mirror run`, not by a reader)."""
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database")
    result = run("mirror", "status", "--db", str(junk))
    assert result.exit_code == EXIT_USAGE and "no mirror in" in result.stderr
    assert "Traceback" not in result.output and junk.read_text() == "not a database"
    old = tmp_path / "old.db"
    _at_revision(str(old), "0005")
    sqlite3.connect(old).execute("PRAGMA journal_mode=DELETE").connection.close()
    result = run("mirror", "status", "--db", str(old))
    assert result.exit_code == EXIT_USAGE and "at schema revision 0005" in result.stderr
    file = sqlite3.connect(old)
    assert file.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert file.execute("SELECT version_num FROM mirror_alembic_version").fetchall() == [("0005",)]
    assert run("mirror", "run", "--db", str(old), "--help").exit_code == 0


def test_a_sqlite_uri_opens_for_a_reader_and_is_checked_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    Mirror.open(path).close()
    spaced = tmp_path / "my db.db"
    Mirror.open(spaced).close()
    for url in (
        f"sqlite:///file:{path}?mode=ro&uri=true",
        f"sqlite:///file://{path}?uri=true",
        f"sqlite:///file://localhost{path}?uri=true",
        f"sqlite:///file:{tmp_path}/my%2520db.db?uri=true",  # SQLite decodes %20
    ):
        with Mirror.open(url, create=False) as mirror:
            assert mirror.status()["parked"] == 0
    with pytest.raises(NoMirror):  # not a URI: the name is taken as it is
        Mirror.open(f"sqlite:///file:{path}?uri=false", create=False)
    for memory in (f"file:{path}?mode=memory&uri=true", "file::memory:?uri=true"):
        with pytest.raises(ValueError, match="needs a SQLite file"):  # not the file
            Mirror.open(f"sqlite:///{memory}", create=False)
    assert not Path("file:").exists()  # nothing made under the name taken as it is
    for escaped in ("a%3Fb.db", "c%23d.db"):  # "?" and "#" in the path: not read, refused
        with pytest.raises(NoMirror, match="give its path"):
            Mirror.open(f"sqlite:///file:{tmp_path}/{escaped}?uri=true", create=False)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name[0] in "ac") == []
    missing, other = tmp_path / "missing.db", tmp_path / "other.db"
    sqlite3.connect(other).close()
    for absent in (missing, other):
        with pytest.raises(NoMirror):
            Mirror.open(f"sqlite:///file:{absent}?uri=true", create=False)
    assert not missing.exists()
    assert sqlite3.connect(other).execute("PRAGMA journal_mode").fetchone() == ("delete",)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["status", "--db", "mysql://x/y"], "the mirror runs on SQLite and on PostgreSQL"),
        (["status", "--db", "postgresql+psycopg2://h/x"], "No module named 'psycopg2'"),
        (["status", "--db", "postgresql://u:pw@h:port/x"], "is not a file path or database URL"),
        (["changes", "--since", str(2**64)], "is not in the range"),
        (["changes", "--limit", str(2**64)], "is not in the range"),
        (["approve-sweep", str(2**64)], "is not in the range"),
        (["run", "--inbox-retention", "nan"], "nan is not a finite number"),
        (["run", "--ack-interval", "inf"], "inf is not a finite number"),
    ],
)
def test_bad_input_is_a_message_not_a_traceback(args: list[str], said: str) -> None:
    result = run("mirror", *args)
    assert result.exit_code == EXIT_USAGE, result.output
    assert said in result.output and "Traceback" not in result.output
    assert "pw" not in result.output


def test_file_names_with_a_colon_are_still_paths(tmp_path: Path) -> None:
    """Only a database scheme missing its slashes is refused: a file name with a colon
    (given as a str or a Path) is a SQLite file, as it always was."""
    from kimono_interop.mirror import database_url

    for name in ("backup:2024-06.db", "nightly:1.db", "file:mirror.db"):
        for given in (str(tmp_path / name), Path(name), name):
            assert database_url(given).startswith("sqlite:///"), given
    for mistyped in ("sqlite:mirror.db", "postgres:/db", "postgresql+psycopg:/u:pw@h/db"):
        with pytest.raises(ValueError, match="slashes missing"):
            database_url(mistyped)


@pytest.mark.parametrize("url", ["postgresq:/u:s3cretpw@h/db", "pg:/u:s3cretpw@h/db"])
def test_a_scheme_mistyped_too_keeps_its_password_masked(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a database's scheme, so a file path; its messages still mask what looks like a
    password."""
    monkeypatch.chdir(tmp_path)
    result = run("mirror", "status", "--db", url)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "s3cretpw" not in result.output


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:p@ssword1@127.0.0.1:1/db",
        "postgresql://u:Tr0ub@dor:ssword1@127.0.0.1:1/db",  # the rest read as a port
    ],
)
@pytest.mark.parametrize(
    "command", [["mirror", "status"], ["status"], ["fleet", "run", "--client-id", "a"]]
)
def test_an_at_sign_in_a_database_password_is_refused_and_never_shown(
    command: list[str], url: str
) -> None:
    """`postgresql://u:p@ssword1@host/db`: SQLAlchemy takes `ssword1@host` for the host,
    and every error quoted it (the password's rest). The URL is refused, masked, with
    how to write it."""
    from kimono_interop.mirror import database_url

    secret = ["--client-secret", "b"] if command[0] == "fleet" else []
    result = run(*command, *secret, "--db", url)
    assert result.exit_code in (EXIT_USAGE, 3), result.output
    assert "%40" in result.output and "ssword1" not in result.output
    with pytest.raises(ValueError, match="%40"):
        database_url(url)
    assert database_url("postgresql://u:p%40ssword1@127.0.0.1:1/db").endswith("@127.0.0.1:1/db")
    assert database_url("postgresql://u:pw@host/db@x").endswith("@host/db@x")  # the path's


def test_a_file_path_with_an_at_sign_is_shown_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "district@2024.db"
    result = run("mirror", "status", "--db", str(path))
    assert result.exit_code == EXIT_USAGE and str(path) in result.stderr


def test_a_directory_or_a_file_sqlite_cannot_open_is_named_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's command given a directory said "the file does not exist", and given a
    mirror SQLite cannot open (a read-only mount, no read permission) "no mirror ...:
    unable to open database file; `mirror run` makes one": it says what it found."""
    result = run("mirror", "status", "--db", str(tmp_path))
    assert result.exit_code == EXIT_USAGE, result.output
    assert "it is a directory, not a file" in result.stderr
    path = tmp_path / "m.db"
    Mirror.open(path).close()
    real = sqlite3.connect

    def refused(target: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        if "mode=ro" in str(target):
            raise sqlite3.OperationalError("unable to open database file")
        return real(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", refused)
    result = run("mirror", "status", "--db", str(path))
    assert result.exit_code == EXIT_ERROR, result.output
    assert "cannot read" in result.stderr and "may read the file" in result.stderr
    assert "makes (or upgrades) one" not in result.stderr and "Traceback" not in result.output
