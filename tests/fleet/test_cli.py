"""The fleet's commands refuse what cannot work, with the usual exit codes."""

from __future__ import annotations

from tests.support.cli import run


def test_fleet_run_needs_postgresql_and_credentials() -> None:
    """A SQLite URL is a usage error (2); missing credentials a configuration error (3)."""
    credentials = ["--client-id", "id", "--client-secret", "secret"]
    sqlite = run("fleet", "run", "--db", "sqlite:///fleet.db", *credentials)
    assert sqlite.exit_code == 2 and "PostgreSQL" in sqlite.output
    bare = run("fleet", "run", "--db", "postgresql://nobody@127.0.0.1:1/none")
    assert bare.exit_code == 3 and "client-id" in bare.output
    assert run("fleet", "run").exit_code == 2  # --db is required


def test_status_says_when_the_database_cannot_be_read() -> None:
    """status exits 3 when its database is not a fleet's PostgreSQL database."""
    result = run("status", "--db", "sqlite:///fleet.db")
    assert result.exit_code == 3 and "PostgreSQL" in result.output
    assert "owner, epoch" in run("status", "--help").output
