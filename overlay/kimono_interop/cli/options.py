"""The global options (base URL, credentials, log level): one definition each, before or after.

``kimono-interop --base-url URL export`` and ``kimono-interop export --base-url URL`` are
the same; given in both places, the one after the command's name wins, and a
``KIMONO_*`` variable stands in only for a flag given in neither. Each option is defined
once, in :data:`GLOBAL_OPTIONS`: the group makes its option from it with
:func:`global_option`, and so does every :class:`KimonoCommand`, which lists them in its
help under "Global options". What each option sets lands in the :class:`Settings
<.common.Settings>` every command receives.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from typing import Any

import click
from click.core import ParameterSource

from .._constants import DEFAULT_BASE_URL, ENV_BASE_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET
from .common import EXIT_INTERRUPTED, SIGNAL_EXITS, Settings, Terminated

#: Each global option: its flag, then the keyword arguments of its ``click.Option``.
GLOBAL_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "base_url": (
        "--base-url",
        {
            "envvar": ENV_BASE_URL,
            "default": DEFAULT_BASE_URL,
            "show_default": True,
            "show_envvar": True,
            "help": "The service's origin (the sandbox's URL for local work).",
        },
    ),
    "client_id": (
        "--client-id",
        {"envvar": ENV_CLIENT_ID, "show_envvar": True, "help": "OAuth2 client id."},
    ),
    "client_secret": (
        "--client-secret",
        {
            "envvar": ENV_CLIENT_SECRET,
            "show_envvar": True,
            "help": "OAuth2 client secret (prefer the environment variable; it is never printed).",
        },
    ),
    "log_level": (
        "--log-level",
        {
            "type": click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
            "default": None,
            "help": "Log the SDK's HTTP exchanges and retries to stderr (also KIMONO_LOG).",
        },
    ),
}

#: The global options of the commands that call the service (all of them).
API_OPTIONS = tuple(GLOBAL_OPTIONS)


def global_option(name: str, *, after_command: bool) -> click.Option:
    """The click option of the global option ``name``, for the group or for a command.

    It sets the same member of the context's :class:`Settings` in both places; after the
    command's name, only when given on the command line (its default and variable were
    taken before it already).
    """
    flag, settings = GLOBAL_OPTIONS[name]
    return click.Option(
        [flag, name], expose_value=False, callback=partial(_apply, after_command), **settings
    )


def _apply(after_command: bool, ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    name = str(param.name)
    if after_command and ctx.get_parameter_source(name) is not ParameterSource.COMMANDLINE:
        return value
    settings = ctx.ensure_object(Settings)
    if (
        name == "base_url"
        and ctx.get_parameter_source(name) is ParameterSource.DEFAULT
        and os.environ.get(ENV_BASE_URL, "x").strip() == ""
    ):
        # (click takes a variable set but empty for unset, and the default, production,
        # for its value: the client refuses it, saying so)
        value = None
    setattr(settings, name, value.lower() if name == "log_level" and value else value)
    if name == "log_level" and value and not ctx.resilient_parsing:
        setup_logging(value.lower())
    return value


def setup_logging(level: str) -> None:
    """The SDK's logging to stderr at ``level`` (its module imports httpx: only when asked)."""
    from .._logging import setup_logging as setup

    setup(level)


class KimonoCommand(click.Command):
    """A command that takes the global options named in ``global_options`` after its name too.

    Its help lists them apart from its own options, under "Global options".
    """

    def __init__(
        self, *args: Any, global_options: Sequence[str] = API_OPTIONS, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.global_params = [global_option(n, after_command=True) for n in global_options]

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """Its own options, the global ones, then ``--help``."""
        params = super().get_params(ctx)
        help_option = self.get_help_option(ctx)
        own = [p for p in params if p is not help_option]
        return [*own, *self.global_params, *([help_option] if help_option else [])]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """ "Options" (its own, and --help), then "Global options"."""
        own: list[tuple[str, str]] = []
        shared: list[tuple[str, str]] = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                (shared if param in self.global_params else own).append(record)
        for title, records in (("Options", own), ("Global options", shared)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


class KimonoGroup(click.Group):
    """The ``kimono-interop`` group: Ctrl-C in any command exits 130, the shell's convention.

    click would print "Aborted!" and exit 1, the code of an API error. A command that has
    something to say when interrupted (``export``: the files written; ``tasks``: the
    summary) catches KeyboardInterrupt itself and exits 130 too.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # (SIGTERM too, where a command takes it so)
            if isinstance(exc, Terminated):
                click.echo("\nTerminated.", err=True)
                raise click.exceptions.Exit(SIGNAL_EXITS["SIGTERM"]) from None
            click.echo("\nInterrupted.", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
