"""What every ``kimono-interop`` command shares: exit codes, the global options, errors, output.

The global options (base URL, credentials, log level) become a :class:`Settings` that
each command receives and turns into a client; :func:`expected_errors` turns the
errors a user can act on into a message and an exit code; :func:`out` and :func:`err`
are the consoles for results (stdout) and progress or errors (stderr).

This module imports click and rich only inside its functions: :func:`main
<kimono_interop.cli.main>` imports it, and must still run to say they are missing. It
imports the client and its errors (httpx, the generated packages) only inside them too,
so that ``kimono-interop --help`` does not wait for them: no command module imports
them at its top.
"""

from __future__ import annotations

import ipaddress
import math
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

from .._constants import DEFAULT_BASE_URL

if TYPE_CHECKING:
    import click
    from rich.console import Console

    from .._client import KimonoClient

EXIT_OK = 0
EXIT_ERROR = 1  #: the API answered an error, the connection failed, a file could not be written
EXIT_USAGE = 2  #: click's usage errors (unknown option, bad value), a confirmation refused
EXIT_CONFIG = 3  #: missing or refused credentials, a bad base URL, missing extras
EXIT_INTERRUPTED = 130  #: Ctrl-C (SIGINT), the shell's convention: 128 + the signal's number
#: The exit code of a queue run stopped by a signal (its ``stopped_by``): 128 + its number.
SIGNAL_EXITS = {"SIGINT": EXIT_INTERRUPTED, "interrupted": EXIT_INTERRUPTED, "SIGTERM": 143}


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be (see :func:`sigterm_as_interrupt`)."""


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Inside: SIGTERM (a service manager's stop) raises :class:`Terminated`, a
    ``KeyboardInterrupt``, so that a command cleans up and reports as on Ctrl-C. The
    main thread only; the handler found is put back."""
    import signal
    import threading

    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is signal.SIG_IGN  # (started to ignore it)
    ):
        yield
        return

    def terminated(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminated)
    try:
        yield
    finally:
        # (None: a handler Python did not install, which it cannot put back)
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


INSTALL_HINT = (
    "The kimono-interop command line needs click and rich: pip install 'kimono-interop[cli]'"
)


def credential_errors() -> tuple[type[Exception], ...]:
    """The errors that mean "fix your configuration or credentials" (exit code 3)."""
    from .._exceptions import (
        AuthenticationError,
        ConfigurationError,
        PermissionDeniedError,
        UnauthorizedError,
    )

    return (ConfigurationError, AuthenticationError, UnauthorizedError, PermissionDeniedError)


@dataclass
class Settings:
    """The global options, shared by every command through the click context.

    Set by the options of :mod:`.options`, before the command's name and after it.
    """

    base_url: str = DEFAULT_BASE_URL
    client_id: str | None = None
    client_secret: str | None = None
    log_level: str | None = None

    def __repr__(self) -> str:  # (the secret masked, and a password in the base URL)
        from .._secrets import MASK, redact_unread_url

        secret = None if self.client_secret is None else MASK
        return (
            f"Settings(base_url={redact_unread_url(self.base_url)!r}, "
            f"client_id={self.client_id!r}, client_secret={secret!r}, "
            f"log_level={self.log_level!r})"
        )

    def client(self) -> KimonoClient:
        """A client for these settings; ConfigurationError if credentials are missing."""
        from .._client import KimonoClient
        from .._exceptions import ConfigurationError

        if not self.client_id or not self.client_secret:
            raise ConfigurationError(
                "Give --client-id and --client-secret (or set KIMONO_CLIENT_ID and "
                "KIMONO_CLIENT_SECRET). For the local sandbox they are printed by "
                "`kimono-interop sandbox`."
            )
        return KimonoClient(self.client_id, self.client_secret, base_url=self.base_url)

    def scrub(self, text: str) -> str:
        """``text`` without the client secret or anything shaped like a credential (belt
        and braces: SDK messages never hold them)."""
        from .._secrets import redact_text

        secret = self.client_secret
        # (A secret this short would be a letter of every message; it is not one worth hiding.)
        text = text.replace(secret, "***") if secret and len(secret) >= 6 else text
        return redact_text(text)


def root_group() -> click.Group:
    """The ``kimono-interop`` group with the global options and no commands yet."""
    import click

    from .._version import __version__
    from .options import GLOBAL_OPTIONS, KimonoGroup, global_option

    @click.group(
        cls=KimonoGroup,
        context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    )
    @click.version_option(__version__, prog_name="kimono-interop")
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        """Work with the Kimono Interop APIs: a local sandbox, roster export, the task queue.

        The options below also work after the command's name (there they win).

        \b
        Exit codes: 0 ok; 1 API or runtime error; 2 usage error (or not
        confirmed); 3 configuration or credentials error; 130 Ctrl-C.
        """
        ctx.ensure_object(Settings)

    cli.params[:0] = [global_option(name, after_command=False) for name in GLOBAL_OPTIONS]
    return cli


def out() -> Console:
    """The console for results: tables and JSON, on stdout.

    A reader that went away (``| head``) is not an error of the command: what is left to
    print is dropped, a note on stderr says so, and the exit code stays the command's
    own (rich's default ends the process with 1, and no word).
    """
    from rich.console import Console

    class Out(Console):
        def on_broken_pipe(self) -> None:
            stdout_gone()

    return Out(highlight=False)


def echo(text: str) -> None:
    """``click.echo(text)`` to stdout, a reader that went away handled as :func:`out`
    handles it (click's own handling ends the process with 1, and no word)."""
    import click

    try:
        click.echo(text)
    except BrokenPipeError:
        stdout_gone()


def stdout_gone() -> None:
    """Stdout's reader went away: drop what is left to print, and say so on stderr."""
    silence_stdout()
    err().print("[bold]note:[/] stdout was closed; what was left to print is dropped")


def silence_stdout() -> None:
    """Point stdout at /dev/null after its reader left, so exiting does not raise again."""
    _silence(sys.stdout)


def _silence(stream: Any) -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests), or already gone
        pass


def err() -> Console:
    """The console for progress, live counts and summaries that must keep stdout clean.

    Its reader gone too (``2>&1 | head``), what is left to say is dropped, and the exit
    code stays the command's own."""
    from rich.console import Console

    class Err(Console):
        def on_broken_pipe(self) -> None:
            _silence(sys.stderr)

    return Err(stderr=True, highlight=False)


def escape(text: str) -> str:
    """``text`` for rich markup, shown as it is: rich's ``escape``, without the backslash it
    adds after a trailing one, which rich prints (an id ``sis-43\\`` shown ``sis-43\\\\``,
    one ``replay`` does not know). Put no tag right after it."""
    from rich.markup import escape as rich_escape

    body = text.rstrip("\\")
    return rich_escape(body) + text[len(body) :]


def fail(message: str, code: int) -> NoReturn:
    """Print ``error: message`` to stderr and end the command with exit ``code``."""
    import click
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(
        f"[bold red]error:[/] {escape(message)}"
    )
    raise click.exceptions.Exit(code)


@contextmanager
def expected_errors(settings: Settings | None) -> Iterator[None]:
    """Turn the errors a user can act on into a message and an exit code, never a traceback."""
    from .._exceptions import KimonoError

    scrub = settings.scrub if settings is not None else str
    try:
        yield
    except credential_errors() as exc:
        fail(scrub(str(exc)), EXIT_CONFIG)
    except KimonoError as exc:
        fail(scrub(str(exc)), EXIT_ERROR)
    except OSError as exc:  # writing files, binding a port
        fail(scrub(f"{type(exc).__name__}: {exc}"), EXIT_ERROR)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine alone."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # another name: it may resolve to anything
        return False


def is_loopback_url(url: str) -> bool:
    """Whether ``url`` points at this machine alone (the sandbox, say); False if it has no host."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return bool(host) and is_loopback(str(host))


def interactive() -> bool:
    """Whether someone is at a terminal to answer a question (stdin is one)."""
    return sys.stdin.isatty()


def finite(_ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """A number option's value, refused if it is NaN or infinite (FloatRange lets them by)."""
    import click  # (this module imports click only for its types)

    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a finite number", param=param)
    return value
