"""The ``kimono-interop`` command line against a running sandbox: output, files, exit codes."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner, Result

import kimono_interop.sandbox
from kimono_interop import KimonoClient
from kimono_interop.cli import EXIT_CONFIG, EXIT_ERROR, EXIT_USAGE, build_cli, flatten, main
from kimono_interop.cli.files import write_collection
from kimono_interop.cli.sandbox import SANDBOX_HINT, config_options
from kimono_interop.sandbox import Sandbox, SandboxConfig
from kimono_interop.sandbox.config import SETTING, Setting
from tests.support.fake_queue import FakeQueue, make_task, task_id_of

ACK_TIMEOUT = 0.5
#: Collections ``export`` writes, with the key of ``Roster`` holding each.
EXPORTED = ("orgs", "persons", "courses", "sections", "terms", "grading_categories")
#: Variables that must not leak in from the developer's shell.
CLEAN_ENV: dict[str, str | None] = {
    "KIMONO_BASE_URL": None,
    "KIMONO_CLIENT_ID": None,
    "KIMONO_CLIENT_SECRET": None,
    "KIMONO_LOG": None,
    "COLUMNS": "200",  # rich's width: keep table cells on one line
}


#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 30, "ack_timeout": ACK_TIMEOUT}


def flags(sandbox: Sandbox, **override: str) -> list[str]:
    creds = {**sandbox.credentials, **override}
    return [
        "--base-url",
        creds["base_url"],
        "--client-id",
        creds["client_id"],
        "--client-secret",
        creds["client_secret"],
    ]


def run(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), list(args), env=CLEAN_ENV)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


# -- help and usage -----------------------------------------------------------------------------
@pytest.mark.parametrize("command", [[], ["sandbox"], ["export"], ["tasks"], ["tenants"]])
def test_help_of_every_command(command: list[str]) -> None:
    """Every command answers --help with its usage and exit 0."""
    result = run(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.stdout and "--help" in result.stdout


def test_sandbox_help_lists_its_knobs() -> None:
    """The sandbox's help lists the flags people use most."""
    result = run("sandbox", "--help")
    assert result.exit_code == 0
    for option in (
        "--port",
        "--students",
        "--seed",
        "--error-rate",
        "--drop-rate",
        "--ack-timeout",
    ):
        assert option in result.stdout


def test_usage_errors_exit_2(sandbox: Sandbox) -> None:
    """A bad value, a bad sandbox setting and an unknown command are usage errors (exit 2)."""
    assert run(*flags(sandbox), "export", "--format", "xml").exit_code == EXIT_USAGE
    assert run("sandbox", "--error-rate", "2").exit_code == EXIT_USAGE
    assert run("no-such-command").exit_code == EXIT_USAGE


def test_console_script_runs() -> None:
    """The installed console script (or ``python -m kimono_interop.cli``) lists every command."""
    script = Path(sys.executable).with_name("kimono-interop")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kimono_interop.cli"]
    done = subprocess.run(
        [*command, "--help"], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    for name in ("sandbox", "export", "tasks", "tenants"):
        assert name in done.stdout


def test_main_without_click_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without click, ``main`` names the extra to install and exits 3."""
    monkeypatch.setitem(sys.modules, "click", None)  # import click -> ImportError
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == EXIT_CONFIG
    assert "pip install 'kimono-interop[cli]'" in capsys.readouterr().err


# -- the sandbox's flags, made from SandboxConfig -----------------------------------------------
#: The settings the command line leaves out on purpose (each says why in its metadata).
NOT_FLAGS = {"client_id", "client_secret", "extra"}


def setting_of(name: str) -> Setting:
    """The ``Setting`` in the metadata of the SandboxConfig field ``name``."""
    field = next(f for f in fields(SandboxConfig) if f.name == name)
    setting: Setting = field.metadata[SETTING]
    return setting


def test_every_setting_is_a_flag_or_left_out_with_a_reason() -> None:
    """Each SandboxConfig field is one flag, with help, unless its metadata says why not."""
    options = {option.name: option for option in config_options()}
    names = [f.name for f in fields(SandboxConfig)]
    assert [n for n in names if n not in NOT_FLAGS] == list(options)
    assert {n for n in names if setting_of(n).no_flag} == NOT_FLAGS
    assert [name for name, option in options.items() if not option.help] == []


def test_flag_defaults_are_the_settings_defaults() -> None:
    """Each flag's default is its field's default, and bools are --x/--no-x pairs."""
    defaults = {f.name: f.default for f in fields(SandboxConfig) if f.name not in NOT_FLAGS}
    options = config_options()
    assert defaults == {option.name: option.default for option in options}
    pairs = {option.name: option.secondary_opts for option in options if option.is_bool_flag}
    assert pairs == {
        "initial_sync": ["--no-initial-sync"],
        "orgs_without_sys": ["--no-orgs-without-sys"],
        "bare_single_reads": ["--no-bare-single-reads"],
        "fault_token": ["--no-fault-token"],
    }


def test_newer_settings_are_flags_in_the_help() -> None:
    """Settings added after the command was written show up as flags with no CLI edit."""
    result = run("sandbox", "--help")
    assert result.exit_code == 0, result.output
    for flag in (
        "--task-schema",
        "--grades-queries",
        "--authenticate-requests",
        "--references [nested|flat]",
        "--orgs-without-sys / --no-orgs-without-sys",
        "--bare-single-reads / --no-bare-single-reads",
    ):
        assert flag in result.stdout


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--students", "-1"),
        ("--schools", "0"),
        ("--tenants", "0"),
        ("--error-rate", "1.5"),
        ("--duplicate-rate", "-0.1"),
        ("--ack-timeout", "0"),
        ("--token-lifetime", "0"),
        ("--latency", "-1"),
        ("--grades-queries", "-1"),
        ("--references", "sideways"),
        ("--task-schema", "9.0"),  # refused by SandboxConfig itself, not by a click type
        ("--seed", "seven"),
    ],
)
def test_an_invalid_setting_exits_2_naming_its_flag(flag: str, value: str) -> None:
    """A value the flag's type or SandboxConfig refuses is a usage error that names the flag."""
    result = run("sandbox", flag, value)
    assert result.exit_code == EXIT_USAGE, result.output
    assert f"Invalid value for '{flag}'" in result.stderr


def test_flag_limits_are_the_configs_own() -> None:
    """Every bound and choice a flag shows is where SandboxConfig's checks draw the line."""
    for option in config_options():
        name, kind = str(option.name), option.type
        if isinstance(kind, click.Choice):
            for choice in kind.choices:
                SandboxConfig(**{name: choice})
            with pytest.raises(ValueError):
                SandboxConfig(**{name: "not-a-choice"})
        if not isinstance(kind, (click.IntRange, click.FloatRange)):
            continue
        step = 1 if isinstance(kind, click.IntRange) else 1e-9
        if kind.min is not None:
            SandboxConfig(**{name: kind.min + (step if kind.min_open else 0)})
            with pytest.raises(ValueError):
                SandboxConfig(**{name: kind.min - (0 if kind.min_open else step)})
        if kind.max is not None:
            SandboxConfig(**{name: kind.max})
            with pytest.raises(ValueError):
                SandboxConfig(**{name: kind.max + step})


def test_flags_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command serves exactly the SandboxConfig its flags describe (defaults included)."""
    served: list[SandboxConfig] = []
    monkeypatch.setattr(
        kimono_interop.sandbox, "serve", lambda config, **where: served.append(config)
    )
    assert run("sandbox").exit_code == 0
    flags = ["--students", "5", "--no-initial-sync", "--references", "flat"]
    result = run("sandbox", *flags, "--task-schema", "1.0", "--fault-token")
    assert result.exit_code == 0, result.output
    changed = SandboxConfig(
        students=5, initial_sync=False, references="flat", task_schema="1.0", fault_token=True
    )
    assert [SandboxConfig(), changed] == served
    assert "5 students" in result.stdout


def test_building_the_cli_does_not_import_the_sandbox() -> None:
    """The sandbox (and its extra) is imported only when its command parses, not before."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from kimono_interop.cli import build_cli\n"
        "for args in (['--help'], ['tenants', '--help']):\n"
        "    assert CliRunner().invoke(build_cli(), args).exit_code == 0\n"
        "print('kimono_interop.sandbox' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout.strip()) == (0, "False"), done.stderr


def test_sandbox_without_its_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the sandbox's extra the command exits 3 naming it; the others still work."""
    monkeypatch.setitem(sys.modules, "kimono_interop.sandbox", None)  # import -> ImportError
    result = run("sandbox", "--students", "5")
    assert result.exit_code == EXIT_CONFIG, result.output
    assert "pip install 'kimono-interop[sandbox]'" in result.stderr
    assert SANDBOX_HINT in result.stderr
    assert run("--help").exit_code == 0


# -- tenants --------------------------------------------------------------------------------------
def test_tenants_table(sandbox: Sandbox) -> None:
    """The tenants table names every tenant and none of their secrets."""
    result = run(*flags(sandbox), "tenants")
    assert result.exit_code == 0, result.output
    for tenant in sandbox.state.tenants.values():
        assert tenant["name"] in result.stdout
        assert tenant["auth"]["client_secret"] not in result.output


def test_tenants_json_hides_secrets_unless_asked(sandbox: Sandbox) -> None:
    """JSON output masks tenant secrets unless --show-secrets."""
    result = run(*flags(sandbox), "tenants", "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert {t["id"] for t in listed} == set(sandbox.state.tenants)
    for tenant in listed:
        seeded = sandbox.state.tenants[tenant["id"]]
        assert tenant["name"] == seeded["name"]
        assert tenant["auth"]["client_id"] == seeded["auth"]["client_id"]
        assert tenant["auth"]["client_secret"] == "***"
        assert seeded["auth"]["client_secret"] not in result.output
    shown = json.loads(run(*flags(sandbox), "tenants", "--json", "--show-secrets").stdout)
    assert {t["auth"]["client_secret"] for t in shown} == {
        t["auth"]["client_secret"] for t in sandbox.state.tenants.values()
    }


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
        for items in self._pages:
            yield type("Page", (), {"items": items})()


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


# -- tasks ----------------------------------------------------------------------------------------
def test_tasks_max_tasks_then_the_rest(sandbox: Sandbox) -> None:
    """--max-tasks stops early; the unacknowledged rest comes back after the ack timeout."""
    queue = sandbox.state.queue
    expected = queue.pending()
    extra = sandbox.config.grades_queries + sandbox.config.authenticate_requests
    assert expected == 2 + sum(len(c) for c in sandbox.state.sync_collections().values()) + extra
    acks_before = len(queue.acks)

    first = run(*flags(sandbox), "tasks", "--max-tasks", "10", "--print")
    assert first.exit_code == 0, first.output
    printed = [json.loads(line) for line in first.stdout.splitlines()]
    assert len(printed) == 10
    assert printed[0]["action"] == "SYNC_START"
    acks = queue.acks[acks_before:]
    assert [a.task_id for a in acks] == [t["id"] for t in printed]
    assert "max_tasks" in first.stderr  # the summary goes to stderr with --print

    # The rest of the first batch was handed out and not acknowledged: the queue
    # withholds it until the ack timeout passes, then delivers it again.
    time.sleep(ACK_TIMEOUT + 0.2)
    rest = run(*flags(sandbox), "tasks")
    assert rest.exit_code == 0, rest.output
    acks = queue.acks[acks_before:]
    assert len(acks) == len({a.task_id for a in acks}) == expected
    assert {a.status for a in acks} == {"success"}
    assert queue.pending() == 0
    assert f"{expected - 10:,}" in rest.stdout and "sync SYNC_END" in rest.stdout

    empty = run(*flags(sandbox), "tasks")
    assert empty.exit_code == 0 and "empty" in empty.stdout


def _tasks_against(serve: Callable[[Any], str], queue: FakeQueue, *args: str) -> Result:
    origin = serve(queue.asgi_app())
    return run("--base-url", origin, "--client-id", "c", "--client-secret", "s", *args)


def _summary_rows(stdout: str) -> dict[str, str]:
    cells = [line.split("│")[1:3] for line in stdout.splitlines() if line.count("│") == 3]
    return {label.strip(): count.strip() for label, count in cells}


def test_tasks_counts_acks_whose_answer_was_lost_as_acknowledged(
    serve: Callable[[Any], str],
) -> None:
    """An ack the service applied but whose answer was lost (504, then 404 on the retry)
    is acknowledged: the summary says so and the command exits 0."""
    queue = FakeQueue([make_task(n) for n in range(3)])
    queue.lose_acks = 1
    result = _tasks_against(serve, queue, "tasks")
    assert result.exit_code == 0, result.output
    assert len(queue.acks) == 3 and queue.pending == []
    rows = _summary_rows(result.stdout)
    assert (rows["acknowledged"], rows["answer lost"], rows["ack refused"]) == ("3", "3", "0")


def test_tasks_with_an_unackable_item_exits_1_saying_the_queue_is_stalled(
    serve: Callable[[Any], str],
) -> None:
    """A task with no id can never be acknowledged and holds back its tenant's queue: the
    others are acknowledged, the run stops instead of spinning on the item that keeps
    coming back (counted once), and the command exits 1 saying what to do."""
    good = [make_task(n) for n in range(2)]
    queue = FakeQueue([{"schema": "3.0", "type": "data_event", "action": "ADD"}, *good])
    result = _tasks_against(serve, queue, "tasks")
    assert result.exit_code == EXIT_ERROR, result.output
    assert {a["task_id"] for a in queue.acks} == {task_id_of(t) for t in good}
    rows = _summary_rows(result.stdout)
    assert (rows["unackable"], rows["stopped by"], rows["acknowledged"]) == ("1", "stalled", "2")
    assert "1 task(s) had no id and cannot be acknowledged" in result.stderr
    assert "admin" in result.stderr


# -- errors and exit codes ----------------------------------------------------------------------
def test_wrong_secret_exits_3_without_echoing_it(sandbox: Sandbox) -> None:
    """A refused secret is a credentials error (exit 3) that never prints the secret."""
    secret = "not-the-secret-4f9c"
    for command in (["tenants"], ["tasks"], ["export", "--out", "unused"]):
        result = run(*flags(sandbox, client_secret=secret), *command)
        assert result.exit_code == EXIT_CONFIG, result.output
        assert "Could not get a Kimono access token" in result.stderr
        assert "401" in result.stderr
        assert secret not in result.output
        assert "Traceback" not in result.output


def test_missing_credentials_exit_3(sandbox: Sandbox) -> None:
    """No credentials: exit 3, naming the flags and the variables to set."""
    result = run("--base-url", sandbox.url, "tasks")
    assert result.exit_code == EXIT_CONFIG
    assert "--client-id" in result.stderr and "KIMONO_CLIENT_ID" in result.stderr


def test_credentials_come_from_the_environment(sandbox: Sandbox) -> None:
    """KIMONO_* variables stand in for the global flags."""
    env: dict[str, str | None] = {
        **CLEAN_ENV,
        "KIMONO_BASE_URL": sandbox.url,
        "KIMONO_CLIENT_ID": sandbox.config.client_id,
        "KIMONO_CLIENT_SECRET": sandbox.config.client_secret,
    }
    result = CliRunner().invoke(build_cli(), ["tenants", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(sandbox.state.tenants)


def test_bad_base_url_exits_3() -> None:
    """A base URL the client refuses is a configuration error (exit 3)."""
    result = run(
        "--base-url", "ftp://example.com", "--client-id", "a", "--client-secret", "b", "tasks"
    )
    assert result.exit_code == EXIT_CONFIG
    assert "base_url" in result.stderr


def test_unreachable_base_url_exits_1() -> None:
    """A service that cannot be reached is a runtime error (exit 1), without a traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    result = run("--base-url", url, "--client-id", "a", "--client-secret", "b", "tenants")
    assert result.exit_code == EXIT_ERROR, result.output
    assert "Connection error" in result.stderr
    assert "Traceback" not in result.output


# -- the sandbox command, for real ---------------------------------------------------------------
def test_sandbox_command_serves_and_prints_how_to_use_it() -> None:
    """The sandbox command serves its data and prints the variables to use it."""
    port = free_port()
    command = [sys.executable, "-m", "kimono_interop.cli", "sandbox", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--students", "5", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "120"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None, "the sandbox command exited"
                assert time.monotonic() < deadline, "the sandbox did not start"
                time.sleep(0.1)
        with KimonoClient(
            "sandbox-client", "sandbox-secret", base_url=f"http://127.0.0.1:{port}"
        ) as kimono:
            assert len(list(kimono.rostering.students.list())) == 5
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0, output
    assert f"KIMONO_BASE_URL=http://127.0.0.1:{port}" in output
    assert "KIMONO_CLIENT_ID=sandbox-client" in output
    assert "KIMONO_CLIENT_SECRET=sandbox-secret" in output


def test_sandbox_command_on_a_taken_port_exits_1(sandbox: Sandbox) -> None:
    """A port already taken ends the sandbox command with exit 1 and says why."""
    port = sandbox.url.rsplit(":", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "kimono_interop.cli", "sandbox", "--port", port, "--students", "1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == EXIT_ERROR, done.stdout + done.stderr
    assert f"could not serve on 127.0.0.1:{port}" in done.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "sandbox.example.test"])
def test_sandbox_refuses_a_non_loopback_host_without_allow_remote(host: str) -> None:
    """Serving the sandbox (and the credentials it prints) beyond this machine takes
    --allow-remote; without it the command is a usage error and binds nothing."""
    result = run("sandbox", "--host", host, "--students", "1")
    assert result.exit_code == EXIT_USAGE
    assert "--allow-remote" in result.output and "beyond this machine" in result.output


def test_loopback_hosts_are_recognised() -> None:
    """127.0.0.0/8, ::1 and localhost are loopback; wildcards, LAN addresses and other
    names are not."""
    from kimono_interop.cli.sandbox import _is_loopback

    assert [_is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "LocalHost")] == [
        True
    ] * 5
    assert not any(_is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.test", ""))
