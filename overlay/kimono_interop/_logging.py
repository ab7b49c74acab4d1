"""Logging on the ``kimono_interop`` logger, with secrets redacted whatever gets logged.

The SDK logs one DEBUG line per HTTP exchange and one INFO line per retry. Nothing
is printed unless the application configures logging, or sets ``KIMONO_LOG`` to
``debug`` or ``info`` (then the SDK adds a stderr handler to its own logger).

Every record that passes through the ``kimono_interop`` logger or its children
(``kimono_interop.mirror``, ``.fleet``, ``.sandbox``), or through ``httpx``'s and
``httpcore``'s loggers (``httpcore.http11``, ``httpcore.connection``
...; whether or not ``KIMONO_LOG`` is set, since an application's own logging set-up
shows their records too), goes through :class:`RedactingFilter`: bearer tokens,
Basic credentials, ``client_secret``, ``access_token``, ``refresh_token``,
``password`` and ``api_key`` values, and the userinfo of URLs, are replaced with
``***`` before any handler sees them (what a secret is: :mod:`kimono_interop._secrets`).
"""

from __future__ import annotations

import logging
import os
import warnings
from typing import TYPE_CHECKING, Any

from ._constants import REQUEST_ID_HEADERS
from ._secrets import redact_text, redact_url

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger("kimono_interop")


def redact(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``***`` (see ``_secrets``)."""
    return redact_text(text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, traceback and stack so no secret reaches a handler.

    A traceback is formatted here (``exc_text``, which the standard formatters print
    instead of formatting ``exc_info`` again) since an exception's text may quote a
    secret: a handler's ``KeyError`` on a dict of credentials, say.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_TRACEBACKS = logging.Formatter()


_FILTER = RedactingFilter()


def setup_logging(level: str | None = None) -> None:
    """Install the redaction filter; with ``KIMONO_LOG`` (or ``level``) set, log to stderr.

    Called once when :mod:`kimono_interop` is imported. ``KIMONO_LOG`` takes
    ``debug``, ``info``, ``warning`` or ``error``.
    """
    for each in (logger, *_sdk_children(), *_http_loggers()):
        if _FILTER not in each.filters:
            each.addFilter(_FILTER)
    name = (level or os.environ.get("KIMONO_LOG") or "").strip().upper()
    if not name:
        return
    numeric = logging.getLevelName(name)
    if name not in ("DEBUG", "INFO", "WARNING", "ERROR") or not isinstance(numeric, int):
        warnings.warn(
            f"KIMONO_LOG must be debug, info, warning or error, got {name.lower()!r}; "
            "SDK logging stays off",
            stacklevel=2,
        )
        return
    logger.setLevel(numeric)
    if not any(getattr(h, "_kimono", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        handler.addFilter(_FILTER)
        handler._kimono = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def sdk_logger(name: str) -> logging.Logger:
    """The SDK's logger ``name`` (a child of ``kimono_interop``: the mirror's, the fleet's,
    the sandbox's), with the redacting filter: a filter applies only to records logged on
    its own logger, not to those its children pass up, so each child needs it. Made
    where its module is imported, as any module's logger is (made when the SDK is, an
    application's ``dictConfig`` would disable it)."""
    found = logging.getLogger(name)
    if _FILTER not in found.filters:
        found.addFilter(_FILTER)
    return found


def _sdk_children() -> list[logging.Logger]:
    """The children of ``kimono_interop`` that exist by now (others get the filter from
    :func:`sdk_logger`)."""
    names = [
        name for name in logging.Logger.manager.loggerDict if name.startswith("kimono_interop.")
    ]
    return [logging.getLogger(name) for name in sorted(names)]


#: The loggers httpx and httpcore log on (each child needs the filter, as above).
_HTTP_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.connection_pool",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


def _http_loggers() -> list[logging.Logger]:
    # The known names, and any other child that exists by now (a newer httpcore's).
    names = set(_HTTP_LOGGERS) | {
        name
        for name in logging.Logger.manager.loggerDict
        if name.startswith(("httpx.", "httpcore."))
    }
    return [logging.getLogger(name) for name in sorted(names)]


def log_response(response: httpx.Response, elapsed: float, attempt: int) -> None:
    """One DEBUG line per exchange: method, URL (redacted), status, time, request id."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    request = response.request
    request_id = next(
        (response.headers[h] for h in REQUEST_ID_HEADERS if h in response.headers), None
    )
    extra: list[Any] = []
    if attempt:
        extra.append(f"retry {attempt}")
    if request_id:
        extra.append(f"request id {request_id}")
    logger.debug(
        "%s %s -> %d in %.3fs%s",
        request.method,
        redact_url(str(request.url)),
        response.status_code,
        elapsed,
        f" ({', '.join(extra)})" if extra else "",
    )


def log_retry(
    request: httpx.Request, why: str, delay: float, attempt: int, max_retries: int
) -> None:
    """One INFO line per retry."""
    logger.info(
        "retrying %s %s after %s in %.2fs (retry %d of %d)",
        request.method,
        redact_url(str(request.url)),
        why,
        delay,
        attempt + 1,
        max_retries,
    )
