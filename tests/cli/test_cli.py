"""The ``kimono-interop`` command line: help, usage, exit codes, credentials, ``tenants``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kimono_interop.cli import EXIT_CONFIG, EXIT_ERROR, EXIT_USAGE, build_cli, main
from kimono_interop.sandbox import Sandbox
from tests.support.cli import CLEAN_ENV, flags, free_port, run

#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 30}


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
