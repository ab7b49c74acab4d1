"""The ``sandbox`` command: serve the local sandbox, with a flag for each of its settings.

Besides ``--host``, ``--port`` and ``--allow-remote``, the flags are made from the fields of
:class:`~kimono_interop.sandbox.SandboxConfig`: a field's name gives the flag
(``drop_rate`` -> ``--drop-rate``; a bool gives ``--x/--no-x``), its type and
default the flag's, and its :class:`~kimono_interop.sandbox.config.Setting` the help,
bounds and choices; a field marked ``no_flag`` is left out. A new setting is a new
flag with nothing to edit here.

The flags are made when the command first parses or shows its help, not when the
command line is built: that imports ``kimono_interop.sandbox``, whose extra
(starlette, uvicorn) the other commands do without. Without it the command says
what to install (exit 3).
"""

from __future__ import annotations

import dataclasses
import errno
import logging
import sys
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

import click

from .common import EXIT_CONFIG, Settings, err, fail, is_loopback, out
from .options import KimonoCommand

if TYPE_CHECKING:
    from ..sandbox import Sandbox, SandboxConfig
    from ..sandbox.config import Setting

SANDBOX_HINT = "The sandbox needs starlette and uvicorn: pip install 'kimono-interop[sandbox]'"


class SandboxCommand(KimonoCommand):
    """A command that adds the flags of :func:`config_options` the first time it needs them.

    Of the global options it takes ``--log-level`` alone: it serves, it calls no service.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, global_options=("log_level",), **kwargs)
        self._derived = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """``--host``, ``--port``, ``--allow-remote``, one flag per setting, ``--help``."""
        if not self._derived:
            self.params.extend(config_options())
            self._derived = True
        return super().get_params(ctx)


def config_options() -> list[click.Option]:
    """One option per field of ``SandboxConfig``, in field order, except those marked ``no_flag``.

    Each option is checked twice: by its click type (bounds, choices) as it is
    parsed, then by ``SandboxConfig`` itself, so a value the config refuses is a
    usage error naming the flag. TypeError for a field whose type no flag takes and
    that is not marked ``no_flag``.
    """
    _require_sandbox()
    from ..sandbox import SandboxConfig
    from ..sandbox.config import SETTING, Setting

    types = typing.get_type_hints(SandboxConfig)
    options = []
    for field in dataclasses.fields(SandboxConfig):
        setting: Setting = field.metadata.get(SETTING, Setting())
        if setting.no_flag:
            continue
        kind = types[field.name]
        flag = "--" + field.name.replace("_", "-")
        options.append(
            click.Option(
                [f"{flag}/--no-{flag[2:]}" if kind is bool else flag, field.name],
                type=None if kind is bool else _param_type(field.name, kind, setting),
                default=field.default,
                show_default=True,
                help=setting.help or None,
                callback=partial(_check, SandboxConfig),
            )
        )
    return options


def _param_type(name: str, kind: object, setting: Setting) -> click.ParamType[Any]:
    """The click type of a setting that is an int, a float or a string (bools are flags)."""
    low, high, low_open = setting.low, setting.high, setting.low_open
    bounded = low is not None or high is not None
    if kind is int:
        return click.IntRange(_whole(low), _whole(high), low_open) if bounded else click.INT
    if kind is float:
        return click.FloatRange(low, high, low_open) if bounded else click.FLOAT
    if kind is str:
        return click.Choice(setting.choices) if setting.choices else click.STRING
    raise TypeError(
        f"SandboxConfig.{name}: no flag takes a {kind!r}; "
        "give it metadata=no_flag(reason) to leave it out of the command line"
    )


def _whole(bound: float | None) -> int | None:
    """An int field's bound as an int (``Setting`` holds bounds of either kind)."""
    return None if bound is None else int(bound)


def _check(
    config: type[SandboxConfig], ctx: click.Context, param: click.Parameter, value: Any
) -> Any:
    """``value`` if ``SandboxConfig`` takes it for ``param``; else a usage error naming the flag."""
    try:
        config(**{str(param.name): value})
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None
    return value


def _require_sandbox() -> None:
    """End with the install hint and what is missing (exit 3) if the sandbox's extra is."""
    try:
        import kimono_interop.sandbox  # noqa: F401  (imported for the ImportError alone)
    except ImportError as exc:
        missing = exc.__cause__ if isinstance(exc.__cause__, ImportError) else exc
        fail(f"{SANDBOX_HINT} ({missing})", EXIT_CONFIG)


@click.command(cls=SandboxCommand)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="TCP port; 0 for a free one (the banner shows which).",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Let --host be other than a loopback address. The sandbox has no real security: "
    "anyone who reaches it can use the credentials it prints.",
)
def sandbox(host: str, port: int, allow_remote: bool, **settings: Any) -> None:
    """Serve the local sandbox in the foreground (Ctrl-C stops it).

    Both Interop APIs and the token endpoint, over HTTP, with a seeded district
    and a task queue holding its initial sync. Once it listens, prints the base
    URL and the vendor credentials to use; then a line per request, on stderr.
    """
    _require_sandbox()
    from ..sandbox import SandboxConfig, serve

    try:
        config = SandboxConfig(**settings)
    except ValueError as exc:  # a rule across settings: each flag was checked alone
        raise click.UsageError(str(exc)) from None
    if not is_loopback(host):
        if not allow_remote:
            raise click.UsageError(
                f"--host {host} would serve the sandbox, and the credentials it prints, "
                "beyond this machine; use 127.0.0.1, or add --allow-remote if that is "
                "what you want."
            )
        err().print(
            f"warning: serving on {host}: anyone who can reach this port can use the "
            "sandbox and its credentials.",
            markup=False,
            style="bold yellow",
        )
    shared = click.get_current_context().find_object(Settings)  # the global options
    listening: list[Sandbox] = []  # the running sandbox, once it listens
    try:
        with _logging_to_stderr(debug=shared is not None and shared.log_level == "debug"):
            serve(config, host=host, port=port, ready=partial(_banner, config, host, listening))
    except OSError as exc:
        if listening:  # not a bind error: the port was bound and announced
            raise
        raise _bind_error(exc, host, port) from None


def _banner(config: SandboxConfig, host: str, listening: list[Sandbox], running: Sandbox) -> None:
    """What to set to use the sandbox, printed once it listens (on the port it got)."""
    listening.append(running)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host.strip('[]')}]"
    url = f"http://{shown_host}:{running.port}"
    console = out()
    console.print(
        f"[bold]Kimono sandbox[/]: {config.students} students, {config.schools} schools, "
        f"{config.tenants} tenant(s), seed {config.seed}"
    )
    # Sandbox-only credentials: printing them is the point.
    console.print("Use it with (sandbox-only credentials):", markup=False)
    console.print(f"  export KIMONO_BASE_URL={url}", markup=False)
    console.print(f"  export KIMONO_CLIENT_ID={config.client_id}", markup=False)
    console.print(f"  export KIMONO_CLIENT_SECRET={config.client_secret}", markup=False)
    console.print("Ctrl-C stops it; its state (tokens, acks, queues) lives in memory.")


@contextmanager
def _logging_to_stderr(debug: bool) -> Iterator[None]:
    """A line per request, and per fault injected or error met, on stderr (stdout has the
    banner alone); an error's traceback only with ``debug`` (``--log-level debug``) or
    where the SDK's logging already shows DEBUG (``KIMONO_LOG=debug``).

    For as long as the command serves: the loggers are as they were afterwards.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    loggers = [logging.getLogger(name) for name in ("uvicorn.access", "kimono_interop.sandbox")]
    before = [(logger.propagate, logger.level) for logger in loggers]
    debug = debug or loggers[1].isEnabledFor(logging.DEBUG)
    for logger in loggers:
        logger.addHandler(handler)
        logger.propagate = False  # printed once, here, whatever else logs to stderr
    loggers[1].setLevel(logging.DEBUG if debug else logging.INFO)
    try:
        yield
    finally:
        for logger, (propagate, level) in zip(loggers, before, strict=True):
            logger.removeHandler(handler)
            logger.propagate = propagate
            logger.setLevel(level)


def _bind_error(exc: OSError, host: str, port: int) -> click.BadParameter:
    """The usage error (exit 2) of a port or address the sandbox could not listen on."""
    if exc.errno == errno.EADDRINUSE:
        message = (
            f"port {port} is already in use on {host}; pick another, or --port 0 for a free one"
        )
        return click.BadParameter(message, param_hint="'--port'")
    if exc.errno == errno.EACCES:
        message = (
            f"not allowed to listen on {host}:{port} (ports below 1024 need privileges); "
            "pick another, or --port 0 for a free one"
        )
        return click.BadParameter(message, param_hint="'--port'")
    reason = exc.strerror or str(exc)
    message = f"cannot listen on {host}: {reason}; use an address of this machine"
    return click.BadParameter(message, param_hint="'--host'")
