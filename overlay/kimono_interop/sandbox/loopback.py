"""Serving an ASGI app over real HTTP on 127.0.0.1, in a background thread.

The one way the project runs a server in-process: the sandbox (its command too), the
test servers, the recording sandbox and the reliability suite's hostile servers all
use :class:`LoopbackServer`. Only loopback: the servers here hold well-known credentials.

The port is bound before uvicorn starts (:func:`bound_socket`), so a port that is
taken fails at once, with an OSError, and port 0 gives a free port known before the
first request. An exception of the app is logged as one line on the
``kimono_interop.sandbox`` logger (its traceback at DEBUG level), not as uvicorn's
traceback on stderr.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from types import TracebackType
from typing import Any, TypeVar

import uvicorn

from .._logging import sdk_logger

_Server = TypeVar("_Server", bound="LoopbackServer")

log = sdk_logger("kimono_interop.sandbox")


def bound_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A TCP socket bound to ``host:port`` (a free port for 0), not yet listening.

    IPv6 for an address with a colon (``::1``, ``[::1]``). OSError if the port is taken
    (``errno.EADDRINUSE``) or the address is not this machine's.
    """
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are TCP;
    # without it each answer on a kept-alive connection waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        # Rebinding a port whose last connections are in TIME_WAIT. Not on Windows, where
        # the option lets a second server bind a port that another one listens on.
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


class DroppedConnection(ConnectionAbortedError):
    """Raised by an app to break off its answer on purpose (a fault it injects).

    The connection is closed as for any exception, and logged at INFO level only.
    """


class _Logged(Exception):
    """An exception of the app, already logged in one line; uvicorn must not log it again."""


class _SkipLogged(logging.Filter):
    """Drops uvicorn's "Exception in ASGI application" record (and traceback) for ``_Logged``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _Logged))


_SKIP_LOGGED = _SkipLogged()


class _OneLineErrors:
    """ASGI middleware: an exception of ``app`` is logged in one line, then handed on.

    uvicorn still answers 500 (or closes the connection if the answer had begun), but
    finds the exception wrapped in ``_Logged`` and, through ``_SkipLogged``, logs nothing.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            where = f"{scope.get('method', scope['type'])} {scope.get('path', '')}"
            if isinstance(exc, DroppedConnection):
                log.info("%s: %s", where, exc)
            else:
                log.warning(
                    "%s: %s: %s (the traceback is logged at DEBUG level)",
                    where,
                    type(exc).__name__,
                    exc,
                )
                log.debug("%s failed", where, exc_info=exc)
            raise _Logged(str(exc)) from exc


class LoopbackServer:
    """``app`` served by uvicorn (h11) on ``host`` (127.0.0.1), a free port unless given.

    with LoopbackServer(app) as server:
        httpx.get(server.url + "/path")

    ``access_log``: log a line per request on the ``uvicorn.access`` logger.
    """

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "loopback",
        access_log: bool = False,
    ) -> None:
        self.app = app
        self.host = host
        self._port = port
        self._name = name
        self._access_log = access_log
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        """The origin to send requests to, e.g. ``http://127.0.0.1:54321``."""
        if self._socket is None:
            raise RuntimeError("the server is not running; use it as a context manager")
        host = str(self._socket.getsockname()[0])
        if host in ("0.0.0.0", "::"):  # every interface: this machine's is one of them
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def port(self) -> int:
        """The port it listens on (the one the system chose, for port 0)."""
        if self._socket is None:
            raise RuntimeError("the server is not running; use it as a context manager")
        return int(self._socket.getsockname()[1])

    def start(self: _Server) -> _Server:
        """Bind the port (OSError if taken), then serve; return once it accepts connections."""
        self._socket = bound_socket(self.host, self._port)
        logging.getLogger("uvicorn.error").addFilter(_SKIP_LOGGED)  # once: a set of filters
        config = uvicorn.Config(
            _OneLineErrors(self.app),
            http="h11",
            lifespan="off",
            access_log=self._access_log,
            log_config=None,
            log_level="info" if self._access_log else "warning",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name=self._name,
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.stop()
                raise RuntimeError(f"the {self._name} server did not start")
            time.sleep(0.01)
        return self

    def wait(self) -> None:
        """Block until the server stops; Ctrl-C raises KeyboardInterrupt here, as anywhere."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.2)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = None
        self._socket = None

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
