"""The fleet's commands refuse what cannot work, with the usual exit codes."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import time
from pathlib import Path

import pytest

from kimono_interop.fleet import Worker, create_engine
from kimono_interop.sandbox import Sandbox
from tests.support.cli import run
from tests.support.fleet import fleet_run_command, sandbox_env
from tests.support.postgres import database


def test_fleet_run_needs_postgresql_and_credentials() -> None:
    """A SQLite URL is a usage error (2); missing credentials a configuration error (3)."""
    credentials = ["--client-id", "id", "--client-secret", "secret"]
    sqlite = run("fleet", "run", "--db", "sqlite:///fleet.db", *credentials)
    assert sqlite.exit_code == 2 and "PostgreSQL" in sqlite.output
    bare = run("fleet", "run", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert bare.exit_code == 3 and "client-id" in bare.output
    assert run("fleet", "run").exit_code == 2  # --db is required
    # a base URL refused is a configuration error (3), as from every command (it was 2)
    ftp = run(
        "fleet",
        "run",
        "--db",
        "postgresql://nobody@127.0.0.1:1/none",
        *credentials,
        "--base-url",
        "ftp://example.com",
    )
    assert ftp.exit_code == 3 and "base_url" in ftp.output, ftp.output


@pytest.mark.parametrize(
    "flag", ["--lease-ttl", "--discover-interval", "--stuck-after", "--writes-retention"]
)
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_fleet_run_refuses_durations_that_are_no_finite_number(flag: str, value: str) -> None:
    """NaN and infinity passed FloatRange: a traceback (an exception group from anyio),
    or a worker that logged a failure at every prune. A usage error (2) naming the flag."""
    credentials = ["--client-id", "id", "--client-secret", "secret"]
    result = run(
        "fleet", "run", "--db", "postgresql://nobody@127.0.0.1:1/none", flag, value, *credentials
    )
    assert result.exit_code == 2, result.output
    assert flag in result.stderr and "finite" in result.stderr
    assert "Traceback" not in result.output


def test_a_worker_refuses_durations_that_are_no_finite_number() -> None:
    names = (
        "lease_ttl",
        "discover_interval",
        "stuck_after",
        "ready_window",
        "ack_interval",
        "poll_interval",
        "max_poll_interval",
    )
    for name in names:
        for value in (math.nan, math.inf, -1.0):
            with pytest.raises(ValueError, match=name):
                Worker("postgresql://nobody@127.0.0.1:1/none", **{name: value})


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"ack_every": 0}, "ack_every"),  # committed empty transactions for ever
        ({"worker_id": "w" * 129}, "worker_id"),  # every lease round failed (its column)
        ({"ack_every": 1.5}, "ack_every"),  # failed later, in a slice
    ],
)
def test_a_worker_refuses_settings_that_would_leave_it_spinning(
    options: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        Worker("postgresql://nobody@127.0.0.1:1/none", **options)  # type: ignore[arg-type]


def test_a_worker_s_own_id_fits_its_column_whatever_the_host_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "h" * 253)
    for given in (None, ""):
        worker = Worker(
            "postgresql://nobody@127.0.0.1:1/none",
            client_id="c",
            client_secret="s",
            worker_id=given,
        )
        assert len(worker.worker_id) <= 128 and worker.worker_id.startswith("hhh")


def test_status_says_when_the_database_cannot_be_read() -> None:
    """status exits 3 when its database is not a fleet's PostgreSQL database."""
    result = run("status", "--db", "sqlite:///fleet.db")
    assert result.exit_code == 3 and "PostgreSQL" in result.output
    assert "owner, epoch" in run("status", "--help").output


def test_status_max_lag_counts_active_tenants_only(fleet_url: str) -> None:
    """An uninstalled tenant's lag grows for ever (nothing polls it): shown, not counted,
    so a probe with --max-lag passes while every active tenant is current."""
    import sqlalchemy as sa

    from kimono_interop.fleet import create_engine

    engine = create_engine(fleet_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO fleet_leases (tenant_id, epoch, owner, lease_until, state) "
                    "VALUES ('live', 1, 'w', clock_timestamp() + interval '1 hour', 'active'), "
                    "('old', 1, NULL, NULL, 'uninstalled')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO fleet_progress (tenant_id, polled_at, caught_up_at) VALUES "
                    "('live', clock_timestamp(), clock_timestamp()), "
                    "('old', clock_timestamp() - interval '1 hour', "
                    "clock_timestamp() - interval '2 hours')"
                )
            )
    finally:
        engine.dispose()
    assert run("status", "--db", fleet_url, "--max-lag", "60").exit_code == 0
    engine = create_engine(fleet_url)
    try:
        with engine.begin() as connection:  # held and active: now its lag counts
            connection.execute(
                sa.text(
                    "UPDATE fleet_leases SET state = 'active', owner = 'w', "
                    "lease_until = clock_timestamp() + interval '1 hour' WHERE tenant_id = 'old'"
                )
            )
    finally:
        engine.dispose()
    assert run("status", "--db", fleet_url, "--max-lag", "60").exit_code == 1
    assert run("status", "--db", fleet_url).exit_code == 0


def test_status_max_lag_counts_a_tenant_held_long_and_never_seen_polled(
    fleet_url: str,
) -> None:
    """A tenant claimed two hours ago whose polls were never recorded (a stuck worker):
    its lag is the time since the claim, and a probe with --max-lag fails. It counted
    as 0, and the probe passed. --max-lag nan is a usage error (it passed anything)."""
    import sqlalchemy as sa

    from kimono_interop.fleet import create_engine

    engine = create_engine(fleet_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO fleet_leases (tenant_id, epoch, owner, lease_until, state, "
                    "acquired_at) VALUES ('stuck', 1, 'w', clock_timestamp() + interval "
                    "'1 hour', 'active', clock_timestamp() - interval '2 hours')"
                )
            )
    finally:
        engine.dispose()
    shown = json.loads(run("status", "--db", fleet_url, "--json").stdout)
    assert [row["tenant_id"] for row in shown] == ["stuck"] and shown[0]["lag"] >= 7200
    assert run("status", "--db", fleet_url, "--max-lag", "60").exit_code == 1
    refused = run("status", "--db", fleet_url, "--max-lag", "nan")
    assert refused.exit_code == 2 and "finite" in refused.output


def test_fleet_run_with_its_database_out_of_reach_says_so_in_one_line() -> None:
    """The error came out of anyio's task group as an exception group: a traceback, not
    the command's one line."""
    credentials = ["--client-id", "id", "--client-secret", "secret"]
    result = run("fleet", "run", "--db", "postgresql://nobody@127.0.0.1:1/none", *credentials)
    assert result.exit_code == 1, result.output
    assert "the fleet's database" in result.stderr
    assert "Traceback" not in result.output and "ExceptionGroup" not in result.output


def test_fleet_run_started_with_sigint_ignored_leaves_it_ignored(
    fleet_url: str, tmp_path: Path
) -> None:
    """A worker started with SIGINT ignored (a shell script's background job, nohup-like
    launchers) stops on SIGTERM only: it took every SIGINT, the terminal's Ctrl-C meant
    for the shell's foreground job included, and stopped."""
    log = tmp_path / "worker.log"
    command = fleet_run_command(fleet_url, "w-ignoring", health_port=0, poll_interval=0.05)
    with Sandbox(tenants=1, students=3) as sandbox, log.open("w") as stderr:
        process = subprocess.Popen(
            ["sh", "-c", 'trap "" INT; exec "$@"', "sh", *command],
            env=sandbox_env(sandbox),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while "health: " not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                time.sleep(0.05)
            process.send_signal(signal.SIGINT)
            time.sleep(1.0)
            assert process.poll() is None, "a SIGINT the worker was started to ignore stopped it"
            process.send_signal(signal.SIGTERM)
            stdout, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    assert process.returncode == 0, log.read_text()
    assert json.loads(stdout.strip().splitlines()[-1])["tenants_discovered"] == 1


def _as_written_by_a_newer_version(fleet_url: str) -> None:
    """The fleet's tables at revision 0099, which this version does not know."""
    engine = create_engine(fleet_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE fleet_alembic_version SET version_num = '0099'")
    finally:
        engine.dispose()


def test_fleet_run_on_tables_of_a_newer_version_says_to_upgrade(fleet_url: str) -> None:
    """The fleet's tables at a revision this version does not know: one line saying to
    upgrade kimono-interop (it was Alembic's "Can't locate revision", a traceback)."""
    _as_written_by_a_newer_version(fleet_url)
    credentials = ["--client-id", "id", "--client-secret", "secret"]
    result = run("fleet", "run", "--db", fleet_url, *credentials)
    assert result.exit_code == 3, result.output
    assert "0099" in result.stderr and "Upgrade kimono-interop" in result.stderr
    assert "Traceback" not in result.output


def test_status_of_a_database_without_the_fleet_s_tables_says_how_to_make_them(
    postgres_server: str,
) -> None:
    """A database no worker has run on: status said `relation "fleet_leases" does not
    exist`; it names what is missing and the command that makes it. Tables of a newer
    version: it says to upgrade kimono-interop (next test)."""
    with database(postgres_server) as url:
        result = run("status", "--db", url)
    assert result.exit_code == 3, result.output
    assert "no fleet" in result.stderr and "fleet run --db" in result.stderr
    assert "does not exist" not in result.stderr


def test_status_of_a_newer_version_s_tables_says_to_upgrade(fleet_url: str) -> None:
    _as_written_by_a_newer_version(fleet_url)
    result = run("status", "--db", fleet_url)
    assert result.exit_code == 3, result.output
    assert "0099" in result.stderr and "Upgrade kimono-interop" in result.stderr
