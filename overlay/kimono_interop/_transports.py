"""Transports several httpx clients share: both APIs of a client, and its for_tenant children."""

from __future__ import annotations

import http.cookiejar
import ipaddress
import os
import ssl
import threading
import time
import urllib.request
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextvars import ContextVar, Token
from typing import Any, Generic, TypeVar

import anyio
import httpcore
import httpx

from ._constants import PROXY_EXTENSION
from ._exceptions import ClientClosedError, ConfigurationError, ResponseTooLargeError
from ._fork import generation, reset_after_fork
from ._secrets import misread_user_info, redact_unread_url, redact_url

_T = TypeVar("_T")


class _PerProcess(Generic[_T]):
    """A transport, made again in a process forked after it was made (see ``_fork``)."""

    def __init__(self, transport: _T, remake: Callable[[], _T] | None = None) -> None:
        self.transport = transport
        self.remake = remake
        self._generation = generation()
        self._closed = False

    @property
    def closed(self) -> bool:
        """Closed by the client that owns it, or the shared transport it wraps (a client
        made from one made from another) is: the clients made from that one send nothing
        more (a request would open connections that nothing closes)."""
        inner = self.transport
        return self._closed or (isinstance(inner, _PerProcess) and inner.closed)

    @closed.setter
    def closed(self, value: bool) -> None:
        self._closed = value

    def current(self) -> _T:
        """The transport to use in this process (made again after a fork, once, whichever
        threads of the child ask first)."""
        if self.closed:
            raise ClientClosedError(parent=True)
        if self._generation != generation():
            with _REMAKING.lock:
                if self._generation != generation():
                    self.transport = _after_fork(self.transport, self.remake)
                    self._generation = generation()
        return self.transport


class _RemakeLock:
    """The lock under which a child remakes a transport; new in each child (a thread of
    the parent may have held it at the fork)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        reset_after_fork(self)

    def _after_fork(self) -> None:
        self.lock = threading.Lock()


_REMAKING = _RemakeLock()


class SharedTransport(_PerProcess[httpx.BaseTransport], httpx.BaseTransport):
    """A transport several httpx clients share; closing a client leaves it open.

    The Kimono client closes the real transport itself, once, and only if it owns it.
    In a process forked after the transport was made, the first request swaps in a
    fresh one from ``remake`` (the parent's pool holds the parent's sockets; it is
    left alone, not closed), or, for a pooled transport the caller passed in, raises
    ConfigurationError: never another process's connections.
    """

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.current().handle_request(request)

    def close(self) -> None:
        pass


class AsyncSharedTransport(_PerProcess[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport):
    """The async twin of :class:`SharedTransport`."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.current().handle_async_request(request)

    async def aclose(self) -> None:
        pass


def _after_fork(transport: _T, remake: Callable[[], _T] | None) -> _T:
    if remake is not None:
        return remake()
    if isinstance(transport, (httpx.HTTPTransport, httpx.AsyncHTTPTransport)):
        raise ConfigurationError(
            "This client's transport (passed as transport=) was made before os.fork() and "
            "holds the parent process's connections; make the client, or its transport, in "
            "the child process."
        )
    return transport  # a transport without a pool (a mock, say) has nothing to share


# -- deadlines ---------------------------------------------------------------------------------
# The read timeout bounds each wait for bytes; a server that sends a byte just before it
# passes holds a call forever. A deadline bounds the whole exchange: the SDK's own sync
# transport shortens every connect, read and write to what is left of it (so a dripping
# server is cut off even while headers arrive), the async sender cancels the exchange at
# its end, and the body is read in chunks with the deadline checked between them (which
# bounds the body read of any transport, including one the caller passes in).
_DEADLINE: ContextVar[float | None] = ContextVar("kimono_interop_deadline", default=None)


def deadline_left() -> float | None:
    """Seconds left before the deadline of the exchange in hand; None without one."""
    end = _DEADLINE.get()
    return None if end is None else end - time.monotonic()


def _bounded(timeout: float | None) -> float | None:
    """``timeout`` shortened to what is left of the current deadline."""
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the exchange passed its deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, _bounded(timeout))
        )

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _bounded(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(path, _bounded(timeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


# -- one TLS context per process -----------------------------------------------------------------
class _SharedTLS:
    """The TLS context of every transport the clients make for themselves, made once.

    httpx makes one per transport, and reading the CA bundle into it is slow: a process
    that makes a client per tenant (or per test) paid that for each. The context is httpx's
    default (``httpx.create_ssl_context()``: certifi's bundle, or ``SSL_CERT_FILE`` /
    ``SSL_CERT_DIR``), made when the first client that makes its own transport is built
    (a client given ``transport=`` makes none), and made again when those variables
    change. Sharing it is safe: an SSLContext holds settings and trusted certificates,
    no connection, and handshakes in several threads may use it at once; a forked child
    keeps it (its connections are its own, see ``_fork``).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._made: tuple[tuple[str | None, str | None], ssl.SSLContext] | None = None
        reset_after_fork(self)

    def context(self) -> ssl.SSLContext:
        """The process's context for the CA settings now in the environment."""
        key = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        made = self._made
        if made is not None and made[0] == key:
            return made[1]
        with self._lock:
            if self._made is None or self._made[0] != key:
                self._made = (key, httpx.create_ssl_context())
            return self._made[1]

    def _after_fork(self) -> None:
        self._lock = threading.Lock()  # another thread of the parent may have held it


_TLS = _SharedTLS()


def tls_context() -> ssl.SSLContext:
    """The one TLS context the clients' own transports share (see :class:`_SharedTLS`)."""
    return _TLS.context()


def new_transport() -> httpx.BaseTransport:
    """The transport a sync client makes for itself: httpx's, with deadline-aware sockets,
    on the process's one TLS context; through the proxies the environment names, as
    httpx's own clients go (see :func:`environment_proxies`)."""
    proxies = environment_proxies()
    if proxies:
        return _ProxyRouter(_http_transport(None), proxies, _http_transport)
    return _http_transport(None)


def new_async_transport() -> httpx.AsyncBaseTransport:
    """The transport an async client makes for itself (its deadline is a cancel scope), on
    the process's one TLS context; through the environment's proxies, as the sync one."""
    proxies = environment_proxies()
    if proxies:
        return _AsyncProxyRouter(_async_http_transport(None), proxies, _async_http_transport)
    return _async_http_transport(None)


def _http_transport(proxy: str | None) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(verify=tls_context(), proxy=proxy)
    # httpx builds the connection pool inside its transport and offers no way to pass a
    # network backend; the pool keeps it in `_network_backend` (httpcore 1.x). Without
    # it (another httpcore), the deadline still bounds the body read.
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(backend, httpcore.NetworkBackend):
        pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return transport


def _async_http_transport(proxy: str | None) -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(verify=tls_context(), proxy=proxy)


#: The proxies by scheme (``http``, ``https``, ``all``; ``no`` for ``NO_PROXY``); a
#: proxy URL that does not read is kept as the error its first use raises.
Proxies = dict[str, "str | ConfigurationError"]


def environment_proxies() -> Proxies:
    """The proxies the environment names, as httpx's clients read them when no transport
    is given: ``HTTP_PROXY``, ``HTTPS_PROXY``, ``ALL_PROXY`` (and their lower-case
    spellings) by scheme, and ``NO_PROXY`` (``"no"``) for the hosts to reach directly.
    Empty when none is set. A proxy URL without a scheme is taken as ``http://``.

    A proxy URL that httpx would misread is kept as a :class:`ConfigurationError`, raised
    by the first request that would go through it (only then: an ``HTTP_PROXY`` nobody
    can read does not stop a client whose requests all use https)."""
    environment = urllib.request.getproxies_environment()
    found: Proxies = {}
    for scheme, value in environment.items():
        if not value or scheme not in ("http", "https", "all"):
            continue
        value = value if "://" in value else f"http://{value}"
        try:
            url = httpx.URL(value)
        except httpx.InvalidURL:
            url = None
        if url is None or not url.host or misread_user_info(url, value):
            # (httpx would refuse it at every request, quoting what it misread: with a
            # password holding "/", part of the password)
            found[scheme] = ConfigurationError(
                f"{scheme.upper()}_PROXY is not a URL httpx can read: "
                f"{redact_unread_url(value)!r} (percent-encode '/', '?' and '#' in its "
                "password)"
            )
        else:
            found[scheme] = value
    if found and environment.get("no"):
        found["no"] = environment["no"]
    return found


def _no_proxy_entries(no_proxy: str) -> tuple[tuple[str | None, str], ...]:
    """``NO_PROXY`` read once: ``(scheme or None, host or domain)`` for each entry; a
    port is dropped, as is a leading dot or ``*`` (``*.example.com``)."""
    entries = []
    for entry in no_proxy.split(","):
        entry = entry.strip().lower()
        scheme: str | None = None
        if "://" in entry:  # http://example.com: that scheme only
            scheme, _, entry = entry.partition("://")
            entry = entry.split("/", 1)[0]
        if entry.startswith("[") and "]" in entry:  # [::1]:8080
            entry = entry[1 : entry.index("]")]
        elif entry.count(":") == 1:  # host:port
            entry = entry.partition(":")[0]
        if entry != "*":  # *.example.com, *example.com (httpx's forms): the domain
            entry = entry.lstrip("*").lstrip(".")
        if entry:
            entries.append((scheme, entry))
    return tuple(entries)


def _loopback_address(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1 in any spelling), not
    a name that starts like one."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bypassed(url: httpx.URL, entries: tuple[tuple[str | None, str], ...]) -> bool:
    """Whether ``url`` goes direct: a loopback host (``localhost``, ``127.x``, ``::1``:
    never behind a proxy), or one ``NO_PROXY`` names (``*``, the host itself, or a domain
    above it: ``example.com`` and ``.example.com`` both cover ``api.example.com``)."""
    host = url.host.lower().strip("[]")
    if host == "localhost" or host.endswith(".localhost") or _loopback_address(host):
        return True
    for scheme, entry in entries:
        if scheme is not None and scheme not in ("all", url.scheme):  # all://: httpx's form
            continue
        if entry == "*" or host == entry or host.endswith("." + entry):
            return True
    return False


_Transport = TypeVar("_Transport", httpx.HTTPTransport, httpx.AsyncHTTPTransport)


class _Routes(Generic[_Transport]):
    """Which transport a request goes through: a proxy's for its scheme (or ``all``),
    unless ``NO_PROXY`` names its host; else the direct one. Each proxy's transport is
    made at its first request and kept."""

    def __init__(
        self,
        direct: _Transport,
        proxies: Proxies,
        make: Callable[[str | None], _Transport],
    ) -> None:
        self.direct: _Transport = direct
        self.proxies = proxies
        no_proxy = proxies.get("no", "")
        self._no_proxy = _no_proxy_entries(no_proxy if isinstance(no_proxy, str) else "")
        self._make: Callable[[str | None], _Transport] = make
        self._made: dict[str, _Transport] = {}
        self._lock = threading.Lock()

    def route(self, request: httpx.Request) -> _Transport:
        url = request.url
        proxy = self.proxies.get(url.scheme) or self.proxies.get("all")
        if proxy is None or _bypassed(url, self._no_proxy):
            return self.direct
        if isinstance(proxy, ConfigurationError):
            raise ConfigurationError(str(proxy))  # a new one each time: no shared traceback
        request.extensions[PROXY_EXTENSION] = redact_url(proxy)  # for its error, if any
        with self._lock:
            made = self._made.get(proxy)
            if made is None:
                made = self._made[proxy] = self._make(proxy)
        return made

    def all(self) -> list[_Transport]:
        with self._lock:
            made = list(self._made.values())
        made.insert(0, self.direct)
        return made


class _ProxyRouter(httpx.BaseTransport):
    """A sync transport through the environment's proxies (see :class:`_Routes`)."""

    def __init__(
        self,
        direct: httpx.HTTPTransport,
        proxies: Proxies,
        make: Callable[[str | None], httpx.HTTPTransport],
    ) -> None:
        self.routes = _Routes(direct, proxies, make)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.routes.route(request).handle_request(request)

    def close(self) -> None:
        for transport in self.routes.all():
            transport.close()


class _AsyncProxyRouter(httpx.AsyncBaseTransport):
    """The async twin of :class:`_ProxyRouter`."""

    def __init__(
        self,
        direct: httpx.AsyncHTTPTransport,
        proxies: Proxies,
        make: Callable[[str | None], httpx.AsyncHTTPTransport],
    ) -> None:
        self.routes = _Routes(direct, proxies, make)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.routes.route(request).handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self.routes.all():
            await transport.aclose()


class Deadline:
    """Bounds one exchange (sync): ``seconds`` from entering, or none for ``None``."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end: float | None = None
        self._token: Token[float | None] | None = None

    def __enter__(self) -> Deadline:
        if self.seconds is not None:
            self._end = time.monotonic() + self.seconds
            self._token = _DEADLINE.set(self._end)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _DEADLINE.reset(self._token)
            self._token = None

    def check(self) -> None:
        """Raise ``httpx.ReadTimeout`` if the deadline has passed (between body chunks)."""
        if self._end is not None and time.monotonic() >= self._end:
            raise httpx.ReadTimeout(
                f"the exchange took longer than its {self.seconds:g} s deadline"
            )


class AsyncDeadline:
    """Bounds one exchange (async): the exchange is cancelled ``seconds`` after entering."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end: float | None = None
        self._scope: anyio.CancelScope | None = None
        self._token: Token[float | None] | None = None

    async def __aenter__(self) -> AsyncDeadline:
        if self.seconds is not None:
            self._end = time.monotonic() + self.seconds
            self._token = _DEADLINE.set(self._end)  # for deadline_left()
            self._scope = anyio.move_on_after(self.seconds)
            self._scope.__enter__()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._token is not None:
            _DEADLINE.reset(self._token)
            self._token = None
        if self._scope is not None:
            scope, self._scope = self._scope, None
            scope.__exit__(*exc_info)  # type: ignore[arg-type]
            if scope.cancelled_caught:
                raise httpx.ReadTimeout(
                    f"the exchange took longer than its {self.seconds:g} s deadline"
                )

    def check(self) -> None:
        """Raise ``httpx.ReadTimeout`` if the deadline has passed (between body chunks)."""
        if self._end is not None and time.monotonic() >= self._end:
            raise httpx.ReadTimeout(
                f"the exchange took longer than its {self.seconds:g} s deadline"
            )


# -- decoding in bounded steps ---------------------------------------------------------------
# httpx inflates each network read in one go, and 64 KiB of gzip can inflate to 64 MiB:
# a gzip bomb would take that much memory (twice, while zlib joins its output) before any
# limit is checked. gzip and deflate are therefore inflated here, a step at a time, each
# layer of a stacked encoding ("gzip, gzip": 1.8 kB that inflates to 2 GiB) in steps of
# the one outside it. The SDK asks for these two alone (ACCEPT_ENCODING); br and zstd,
# which httpx would inflate in one go (when their libraries are installed), are refused;
# a name nobody decodes is left to httpx, which passes the body as it is.

#: Most bytes one step of inflating produces.
DECODE_STEP = 256 * 1024
_ZLIB_ENCODINGS = ("gzip", "x-gzip", "deflate")
#: The encodings the SDK asks for (httpx would add br and zstd when their libraries are
#: installed, and inflate those in one go).
ACCEPT_ENCODING = "gzip, deflate"


def no_cookies() -> http.cookiejar.CookieJar:
    """A cookie jar that keeps none (for the clients' ``cookies=``)."""
    return http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


#: Encodings httpx inflates in one go, which the SDK does not ask for.
_REFUSED_ENCODINGS = ("br", "zstd")


class _Inflater:
    """Inflates a gzip or deflate body in steps of at most :data:`DECODE_STEP` bytes.

    Decodes what httpx's own decoders decode: deflate zlib-wrapped, or raw as some
    servers send it (tried when the first bytes are not zlib's); errors are
    ``httpx.DecodingError``, as httpx raises them.
    """

    def __init__(self, encoding: str, request: httpx.Request) -> None:
        gzipped = encoding != "deflate"
        self._request = request
        self._may_be_raw = not gzipped
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzipped else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The bytes ``data`` inflates to, in steps (pending output drained too)."""
        while True:
            try:
                out = self._zlib.decompress(data, DECODE_STEP)
            except zlib.error as exc:
                if self._may_be_raw:
                    self._may_be_raw = False
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise httpx.DecodingError(str(exc), request=self._request) from exc
            self._may_be_raw = False
            if out:
                yield out
            data = self._zlib.unconsumed_tail
            # A full step may leave output pending even when all input is consumed.
            if not data and len(out) < DECODE_STEP:
                return

    def flush(self) -> bytes:
        try:
            return self._zlib.flush()
        except zlib.error as exc:  # pragma: no cover (zlib's flush does not raise in practice)
            raise httpx.DecodingError(str(exc), request=self._request) from exc


class _Layers:
    """Inflaters of a stacked encoding, outermost first: each one's output, a step at a
    time, fed to the next, so that no layer makes more than a step at once."""

    def __init__(self, layers: list[_Inflater]) -> None:
        self._layers = layers

    def feed(self, data: bytes, first: int = 0) -> Iterator[bytes]:
        """What ``data``, given to layer ``first``, inflates to through every layer."""
        if first == len(self._layers):
            if data:
                yield data
            return
        for out in self._layers[first].feed(data):
            yield from self.feed(out, first + 1)

    def flush(self) -> Iterator[bytes]:
        """What is left in the layers at the end of the body, through the layers after."""
        for index, layer in enumerate(self._layers):
            tail = layer.flush()
            if tail:
                yield from self.feed(tail, index + 1)


def _inflater(response: httpx.Response) -> _Layers | None:
    """The step-wise inflaters of ``response``'s encoding; None: identity, or a name
    nobody decodes (httpx passes the body as it is). DecodingError for br or zstd."""
    encodings = [
        value.strip().lower()
        for value in response.headers.get_list("content-encoding", split_commas=True)
        if value.strip().lower() not in ("", "identity")
    ]
    refused = [name for name in encodings if name in _REFUSED_ENCODINGS]
    if refused:
        raise httpx.DecodingError(
            f"the answer is encoded {', '.join(encodings)}, which was not asked for "
            f"(Accept-Encoding: {ACCEPT_ENCODING})",
            request=response.request,
        )
    if encodings and all(name in _ZLIB_ENCODINGS for name in encodings):
        # (listed in the order they were applied: undone from the last)
        return _Layers([_Inflater(name, response.request) for name in reversed(encodings)])
    return None


def decoded_chunks(response: httpx.Response) -> Iterator[bytes]:
    """``response``'s body, decoded, in chunks; gzip and deflate inflated a step at a time."""
    inflater = _inflater(response)
    if inflater is None:
        yield from response.iter_bytes()
        return
    for raw in response.iter_raw():
        yield from inflater.feed(raw)
    yield from inflater.flush()


async def adecoded_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The async twin of :func:`decoded_chunks`."""
    inflater = _inflater(response)
    if inflater is None:
        async for chunk in response.aiter_bytes():
            yield chunk
        return
    async for raw in response.aiter_raw():
        for chunk in inflater.feed(raw):
            yield chunk
    for chunk in inflater.flush():
        yield chunk


# -- reading bounded bodies outside the sender (the token answer, read inside auth flows) ----
def read_capped(response: httpx.Response, limit: int) -> None:
    """Read a token answer's body, at most ``limit`` bytes decoded; ResponseTooLargeError
    past it."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in decoded_chunks(response):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(response, limit, token=True)
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)


async def aread_capped(response: httpx.Response, limit: int) -> None:
    """The async twin of :func:`read_capped`."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in adecoded_chunks(response):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLargeError(response, limit, token=True)
            chunks.append(chunk)
    finally:
        await response.aclose()
    response._content = b"".join(chunks)
