"""The ``sandbox`` command: its flags, made from SandboxConfig, and serving for real."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from dataclasses import fields
from types import SimpleNamespace
from typing import Any

import click
import httpx
import pytest

import kimono_interop.sandbox
from kimono_interop import KimonoClient
from kimono_interop.cli import EXIT_CONFIG, EXIT_USAGE
from kimono_interop.cli.sandbox import SANDBOX_HINT, config_options
from kimono_interop.sandbox import Sandbox, SandboxConfig
from kimono_interop.sandbox.config import SETTING, Setting
from tests.support.cli import cli_process, cli_without, python_without, read_until, run

#: The module's sandbox (the ``sandbox`` fixture of tests/conftest.py).
SANDBOX = {"students": 30}


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
        ("--token-lifetime", "inf"),  # a 500 at the token endpoint
        ("--ack-timeout", "nan"),  # no ack timeout at all: nothing withheld
        ("--latency", "inf"),
        ("--school-year", "0"),  # terms dated "-1-08-20"
        ("--school-year", "10000"),
        ("--students", "100000000000"),  # grew silently until memory ran out
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

    def serve(config: SandboxConfig, *, ready: Any, **where: Any) -> None:
        served.append(config)
        ready(SimpleNamespace(port=8080))  # what a running sandbox tells the banner

    monkeypatch.setattr(kimono_interop.sandbox, "serve", serve)
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


# -- without the sandbox's extra (a process where starlette or uvicorn is not installed) --------
@pytest.mark.parametrize("missing", ["starlette", "uvicorn"])
def test_importing_the_sandbox_without_its_extra_names_it(missing: str) -> None:
    """``import kimono_interop.sandbox`` without starlette (or uvicorn) raises an ImportError
    that names the missing module and the extra to install."""
    code = (
        "try:\n"
        "    import kimono_interop.sandbox\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc.name, exc, sep='|')\n"
    )
    done = subprocess.run(
        python_without([missing], code), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    kind, name, message = done.stdout.strip().split("|")
    assert (kind, name) == ("ModuleNotFoundError", missing)
    assert "pip install 'kimono-interop[sandbox]'" in message and repr(missing) in message


@pytest.mark.parametrize("args", [["sandbox", "--port", "0"], ["sandbox", "--help"]])
def test_the_sandbox_command_without_its_extra_says_what_to_install(args: list[str]) -> None:
    """Without starlette the sandbox command exits 3 with the extra to install and what is
    missing, and no traceback; the other commands work as ever."""
    done = cli_without(["starlette"], *args)
    assert done.returncode == EXIT_CONFIG, done.stdout + done.stderr
    assert SANDBOX_HINT in done.stderr and "No module named 'starlette'" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    for other in (["--help"], ["tenants", "--help"]):
        assert cli_without(["starlette"], *other).returncode == 0


# -- the sandbox command, for real ---------------------------------------------------------------
def test_sandbox_command_serves_and_prints_how_to_use_it() -> None:
    """With --port 0 the sandbox listens on a free port and its banner, printed once it
    listens, names that port: the client connects at once, without waiting."""
    proc = cli_process("sandbox", "--port", "0", "--students", "5", "--seed", "3")
    try:
        banner = read_until(proc, "KIMONO_CLIENT_SECRET=")
        url = next(line.split("=", 1)[1].strip() for line in banner if "KIMONO_BASE_URL=" in line)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url) and not url.endswith(":0"), url
        with KimonoClient("sandbox-client", "sandbox-secret", base_url=url) as kimono:
            assert len(list(kimono.rostering.students.list())) == 5
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stdout + stderr
    assert "KIMONO_CLIENT_ID=sandbox-client" in "".join(banner)
    assert "KIMONO_CLIENT_SECRET=sandbox-secret" in "".join(banner)
    assert "GET /v2/interop/data/rostering/students" in stderr  # the access log: stderr
    assert "GET /v2/interop/data/rostering/students" not in stdout


def test_sandbox_command_on_a_taken_port_is_a_usage_error(sandbox: Sandbox) -> None:
    """A port already taken: exit 2 with a message naming the port and --port 0, and no
    banner (nothing is announced before the port is bound)."""
    port = str(sandbox.port)
    proc = cli_process("sandbox", "--port", port, "--students", "1")
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == EXIT_USAGE, stdout + stderr
    assert f"Invalid value for '--port': port {port} is already in use" in stderr
    assert "--port 0" in stderr
    assert stdout == ""
    assert "Traceback" not in stderr


def test_injected_faults_are_one_line_each_not_a_traceback() -> None:
    """A connection the sandbox drops on purpose (--drop-rate) is one line on stderr, not
    uvicorn's "Exception in ASGI application" and its traceback."""
    proc = cli_process("sandbox", "--port", "0", "--students", "1", "--drop-rate", "1")
    try:
        banner = read_until(proc, "KIMONO_BASE_URL=")
        url = banner[-1].split("=", 1)[1].strip()
        for _ in range(2):
            with pytest.raises(httpx.TransportError):
                httpx.get(
                    f"{url}/v2/interop/data/rostering/students",
                    auth=("sandbox-client", "sandbox-secret"),
                )
    finally:
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stdout + stderr
    assert "Traceback" not in stderr and "Exception in ASGI application" not in stderr, stderr
    drops = [line for line in stderr.splitlines() if "dropped connection (fault injection)" in line]
    assert (
        drops
        == ["INFO    GET /v2/interop/data/rostering/students: dropped connection (fault injection)"]
        * 2
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "sandbox.example.test"])
def test_sandbox_refuses_a_non_loopback_host_without_allow_remote(host: str) -> None:
    """Serving the sandbox (and the credentials it prints) beyond this machine takes
    --allow-remote; without it the command is a usage error and binds nothing."""
    result = run("sandbox", "--host", host, "--students", "1")
    assert result.exit_code == EXIT_USAGE
    assert "--allow-remote" in result.output and "beyond this machine" in result.output


def test_kimono_log_debug_keeps_the_sandbox_s_tracebacks() -> None:
    """KIMONO_LOG=debug (the SDK's loggers at DEBUG) shows an error's traceback under the
    command as the README says: the command set its logger to INFO unless --log-level
    debug was given, which reads no variable."""
    import logging

    from kimono_interop.cli.sandbox import _logging_to_stderr

    sdk = logging.getLogger("kimono_interop")
    level = sdk.level
    try:
        sdk.setLevel(logging.DEBUG)
        with _logging_to_stderr(debug=False):
            assert logging.getLogger("kimono_interop.sandbox").isEnabledFor(logging.DEBUG)
        sdk.setLevel(logging.WARNING)
        with _logging_to_stderr(debug=False):
            assert not logging.getLogger("kimono_interop.sandbox").isEnabledFor(logging.DEBUG)
    finally:
        sdk.setLevel(level)
