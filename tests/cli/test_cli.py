"""The ``kimono-interop`` command line: help, usage, exit codes, credentials, ``tenants``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kimono_interop.cli import EXIT_CONFIG, EXIT_ERROR, EXIT_USAGE, build_cli, main, options
from kimono_interop.sandbox import Sandbox
from tests.support.cli import (
    CLEAN_ENV,
    EMPTY_PACKAGE_ROOT,
    flags,
    free_port,
    heavy,
    imported_by_cli,
    run,
)

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


#: Each ``--help`` that must start fast (the sandbox's imports the sandbox, for its flags).
FAST_HELP = (["--help"], ["export", "--help"], ["tasks", "--help"], ["tenants", "--help"])


def test_help_imports_neither_the_client_nor_the_generated_packages_nor_the_sandbox() -> None:
    """The command line's own modules import the client, httpx, the generated packages and
    the sandbox inside the commands that use them, never for ``--help``.

    Checked with the package root's ``__init__`` (which imports the whole SDK) replaced by
    an empty one: what is left is what the command line imports itself."""
    code = (
        f"{EMPTY_PACKAGE_ROOT}\n"
        "from kimono_interop.cli import main\n"
        f"for args in {FAST_HELP!r}:\n"
        "    try:\n"
        "        main(list(args))\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (args, exc.code)\n"
        "print(*sys.modules)  # a line after the help texts\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    modules = done.stdout.splitlines()[-1].split()
    assert "kimono_interop.cli.tasks" in modules  # the commands were loaded
    assert heavy(modules) == []


def test_help_as_installed_imports_neither_the_generated_packages_nor_the_sandbox() -> None:
    """``kimono-interop --help``, package root included, imports neither the generated
    packages nor starlette and uvicorn (``-X importtime`` lists what it imports)."""
    imported = imported_by_cli("--help")
    assert "kimono_interop.cli.tasks" in imported
    packages = {name.split(".")[0] for name in imported}
    assert (
        packages & {"kimono_interop_data_api", "kimono_interop_api", "starlette", "uvicorn"}
        == set()
    )


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


def test_tenants_json_hides_secrets_in_shapes_the_contract_lists_not() -> None:
    """A list of credentials under auth, an appAuth spelled camelCase, credentials under
    another name: all were printed as sent, only a top-level auth or app_auth object
    being masked."""
    with Sandbox(students=1) as sandbox:
        tenant = next(iter(sandbox.state.tenants.values()))
        tenant["auth"] = [{"type": "oauth2", "client_secret": "LEAK-1"}]
        tenant["appAuth"] = {"clientSecret": "LEAK-2", "token": "LEAK-3", "type": "x"}
        tenant["credentials"] = {"client_secret": "LEAK-4"}
        tenant["integration"] = {"auth": {"type": "basic", "key": "LEAK-5"}}
        tenant["app_auth"] = "Basic LEAK-6"
        result = run(*flags(sandbox), "tenants", "--json")
    assert result.exit_code == 0, result.output
    assert "LEAK" not in result.output
    (listed,) = json.loads(result.stdout)
    assert listed["auth"] == [{"type": "oauth2", "client_secret": "***"}]
    assert listed["appAuth"]["type"] == "x"


# -- errors and exit codes ----------------------------------------------------------------------
def test_wrong_secret_exits_3_without_echoing_it(sandbox: Sandbox, tmp_path: Path) -> None:
    """A refused secret is a credentials error (exit 3) that never prints the secret."""
    secret = "not-the-secret-4f9c"
    for command in (["tenants"], ["tasks"], ["export", "--out", str(tmp_path / "out")]):
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


def test_an_empty_base_url_is_refused_not_taken_for_the_default() -> None:
    """``--base-url "$URL"`` with the variable unset: the default is the production
    service, where a run meant for a sandbox would acknowledge tasks for good."""
    from kimono_interop import KimonoClient
    from kimono_interop._exceptions import ConfigurationError

    for args in (["tasks", "--ack", "success", "--yes"], ["tasks"], ["tenants"]):
        result = run("--base-url", " ", "--client-id", "a", "--client-secret", "b", *args)
        assert result.exit_code == EXIT_CONFIG, result.output
        assert "base_url is empty" in result.stderr
    with pytest.raises(ConfigurationError, match="base_url is empty"):
        KimonoClient("a", "b", base_url="")
    # set but empty, the variable click takes for unset (and the default for the value)
    result = CliRunner().invoke(
        build_cli(),
        ["--client-id", "a", "--client-secret", "b", "tasks", "--ack", "success", "--yes"],
        env={"KIMONO_BASE_URL": ""},
    )
    assert result.exit_code == EXIT_CONFIG, result.output
    assert "KIMONO_BASE_URL is set but empty" in result.stderr


def test_unreachable_base_url_exits_1() -> None:
    """A service that cannot be reached is a runtime error (exit 1), without a traceback."""
    url = f"http://127.0.0.1:{free_port()}"
    result = run("--base-url", url, "--client-id", "a", "--client-secret", "b", "tenants")
    assert result.exit_code == EXIT_ERROR, result.output
    assert "connection refused by 127.0.0.1" in result.stderr
    assert "Traceback" not in result.output


# -- the global options, before or after the command ---------------------------------------------
#: The commands that call the service, and so take every global option.
API_COMMANDS = ("export", "tasks", "tenants")
GLOBAL_FLAGS = ("--base-url", "--client-id", "--client-secret", "--log-level")


def test_global_options_after_the_command(sandbox: Sandbox, tmp_path: Path) -> None:
    """The base URL and credentials work after the command's name as before it."""
    result = run("tenants", "--json", *flags(sandbox))
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == len(sandbox.state.tenants)
    out = tmp_path / "out"
    result = run("export", "--out", str(out), "--only", "terms", *flags(sandbox))
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["terms.jsonl"]


def test_the_option_after_the_command_wins(sandbox: Sandbox) -> None:
    """Given before and after the command, the one after counts (a wrong value before is
    overridden; a wrong value after is the one used)."""
    wrong = ["--base-url", f"http://127.0.0.1:{free_port()}", "--client-secret", "wrong-one"]
    result = run(*wrong, "--client-id", "nobody", "tenants", "--json", *flags(sandbox))
    assert result.exit_code == 0, result.output
    result = run(*flags(sandbox), "tenants", "--client-secret", "wrong-two")
    assert result.exit_code == EXIT_CONFIG, result.output


def test_the_environment_does_not_override_a_flag_before_the_command(sandbox: Sandbox) -> None:
    """A KIMONO_* variable stands in only for a flag given nowhere: it never overrides the
    flag given before the command, nor one given after it."""
    env: dict[str, str | None] = {
        **CLEAN_ENV,
        "KIMONO_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "KIMONO_CLIENT_ID": "nobody",
        "KIMONO_CLIENT_SECRET": "wrong-secret",
    }
    for args in (
        [*flags(sandbox), "tenants", "--json"],
        ["tenants", "--json", *flags(sandbox)],
    ):
        result = CliRunner().invoke(build_cli(), args, env=env)
        assert result.exit_code == 0, (args, result.output)


def test_log_level_after_the_command(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """--log-level after the command turns on the SDK's logging, and wins over one before."""
    levels: list[str] = []
    monkeypatch.setattr(options, "setup_logging", levels.append)
    assert run(*flags(sandbox), "tenants", "--log-level", "debug").exit_code == 0
    assert levels == ["debug"]
    levels.clear()
    assert (
        run("--log-level", "error", *flags(sandbox), "tenants", "--log-level", "INFO").exit_code
        == 0
    )
    assert levels[-1] == "info"


@pytest.mark.parametrize("command", API_COMMANDS)
def test_every_command_lists_the_global_options_in_its_help(command: str) -> None:
    """Each command's --help lists the global options, with their variables, apart from its own."""
    result = run(command, "--help")
    assert result.exit_code == 0, result.output
    own, _, shared = result.stdout.partition("Global options:")
    for flag in GLOBAL_FLAGS:
        assert flag in shared and flag not in own, flag
    for variable in ("KIMONO_BASE_URL", "KIMONO_CLIENT_ID", "KIMONO_CLIENT_SECRET"):
        assert variable in shared


def test_the_sandbox_takes_only_the_log_level() -> None:
    """The sandbox serves rather than calls a service: of the global options it takes the
    log level alone, after its name too."""
    result = run("sandbox", "--help")
    _, _, shared = result.stdout.partition("Global options:")
    assert "--log-level" in shared and "--base-url" not in result.stdout
    assert run("sandbox", "--base-url", "http://127.0.0.1:1").exit_code == EXIT_USAGE


def test_each_global_option_has_one_definition() -> None:
    """The group's option and each command's are made from one definition: the same flags,
    variable, default, type and help."""
    cli = build_cli()
    ctx = click.Context(cli)

    def described(option: click.Parameter) -> tuple[object, ...]:
        assert isinstance(option, click.Option)
        return (option.opts, option.envvar, option.default, repr(option.type), option.help)

    before = {p.name: described(p) for p in cli.get_params(ctx) if p.name in options.GLOBAL_OPTIONS}
    assert list(before) == list(options.GLOBAL_OPTIONS)
    for name in (*API_COMMANDS, "sandbox"):
        command = cli.commands[name]
        after = {
            p.name: described(p)
            for p in command.get_params(click.Context(command, parent=ctx))
            if p.name in options.GLOBAL_OPTIONS
        }
        assert after and all(after[n] == before[n] for n in after), name


def test_sigterm_a_command_takes_as_ctrl_c_exits_143_wherever_it_lands() -> None:
    """A SIGTERM raised outside a command's own handling (export setting up its client,
    say) exited 130, "Interrupted.", as Ctrl-C."""
    from click.testing import CliRunner

    from kimono_interop.cli import build_cli
    from kimono_interop.cli.common import Terminated

    cli = build_cli()

    @cli.command("terminated-here")  # type: ignore[attr-defined]
    def terminated_here() -> None:
        raise Terminated

    result = CliRunner().invoke(cli, ["terminated-here"])
    assert result.exit_code == 143 and "Terminated." in result.output


def test_a_command_started_to_ignore_sigterm_keeps_ignoring_it() -> None:
    """export takes SIGTERM as Ctrl-C; one started with SIGTERM ignored (nohup-like
    wrappers) was made to react to it."""
    import signal

    from kimono_interop.cli.common import sigterm_as_interrupt

    previous = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        with sigterm_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
        with sigterm_as_interrupt():
            pass
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        with sigterm_as_interrupt():
            assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # put back
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_the_settings_repr_shows_no_secret() -> None:
    """The global options' object (in the click context, so in a debugger, a log of the
    context, a traceback's locals) masks the client secret and a base URL's password."""
    from kimono_interop.cli.common import Settings

    shown = repr(
        Settings(base_url="https://u:Pw-77@x.example.test/v2", client_id="a", client_secret="S-88")
    )
    assert "S-88" not in shown and "Pw-77" not in shown
    assert "client_id='a'" in shown and "client_secret='***'" in shown
    assert repr(Settings()).endswith("client_secret=None, log_level=None)")
