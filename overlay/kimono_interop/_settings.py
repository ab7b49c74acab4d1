"""The client's settings, checked when the client is made.

A wrong setting found on the first request surfaces far from its cause, often as an
httpx internal error ("'list' object has no attribute 'items'") or, for a base URL with a
path, as refused credentials. Each check here raises :class:`ConfigurationError` naming
the setting, what it got and what to give instead, before any request is sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import httpx

from ._constants import (
    DEADLINE_PER_READ_TIMEOUT,
    DEFAULT_BASE_URL,
    ENV_BASE_URL,
    ENV_TOKEN_URL,
    TOKEN_PATH,
)
from ._exceptions import ConfigurationError
from ._secrets import misread_user_info, redact_unread_url


def from_environment(value: str | None, variable: str) -> str | None:
    """``value``, or the environment variable ``variable`` when ``value`` is None."""
    if value is not None:
        return value
    return os.environ.get(variable) or None


def base_url(value: str | None) -> httpx.URL:
    """The service's origin from ``base_url=`` (or ``KIMONO_BASE_URL``, or the default).

    The SDK appends each API's path and the token path itself, so a URL with a path
    (``.../v2/interop/data``, the generated clients' base URL) would address
    ``/v2/interop/data/v2/interop/data`` and send credentials to the wrong token URL:
    refused here, with the origin to use.
    """
    if isinstance(value, str) and not value.strip():
        # (an unset variable's value, "--base-url $URL": the default would be the
        # production service, and a run meant for elsewhere would act on it)
        raise ConfigurationError(
            f"base_url is empty: give the service's origin, such as {DEFAULT_BASE_URL!r}, "
            "or leave it out for that default"
        )
    if value is None and os.environ.get(ENV_BASE_URL, "x").strip() == "":
        raise ConfigurationError(
            f"{ENV_BASE_URL} is set but empty: set it to the service's origin, such as "
            f"{DEFAULT_BASE_URL!r}, or unset it for that default"
        )
    text = from_environment(value, ENV_BASE_URL) or DEFAULT_BASE_URL
    where = "base_url" if value is not None else f"base_url (from {ENV_BASE_URL})"
    if not isinstance(text, str):
        raise ConfigurationError(f"base_url must be a str, not {type(text).__name__}")
    try:
        url = httpx.URL(text.strip())
    except httpx.InvalidURL as exc:
        shown = redact_unread_url(text)
        reason = _unquoted(exc, text)
        raise ConfigurationError(f"{where} is not a URL ({reason}): {shown!r}") from None
    _refuse_misread(url, text, where)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"{where} must be an absolute http(s) URL such as {DEFAULT_BASE_URL!r}, "
            f"got {redact_unread_url(text)!r}"
        )
    origin = url.copy_with(path="/", query=None, fragment=None)
    shown = str(origin).rstrip("/")
    if url.path.rstrip("/") or url.query or url.fragment:
        raise ConfigurationError(
            f"{where} is the service's origin, without a path or query: use "
            f"{redact_unread_url(shown)!r}, not {redact_unread_url(text)!r}. The SDK adds "
            f"/v2/interop/data, /v2/interop and {TOKEN_PATH} itself."
        )
    return httpx.URL(shown)


def token_url(value: str | None, origin: httpx.URL) -> str:
    """Where client credentials are exchanged for a token: ``token_url=`` (or
    ``KIMONO_TOKEN_URL``), else ``/oauth/token`` on the origin."""
    text = from_environment(value, ENV_TOKEN_URL)
    if text is None:
        return str(origin).rstrip("/") + TOKEN_PATH
    if not isinstance(text, str):
        raise ConfigurationError(f"token_url must be a str, not {type(text).__name__}")
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as exc:
        shown = redact_unread_url(text)
        raise ConfigurationError(
            f"token_url is not a URL ({_unquoted(exc, text)}): {shown!r}"
        ) from None
    _refuse_misread(url, text, "token_url")
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(
            f"token_url must be an absolute http(s) URL such as "
            f"'{DEFAULT_BASE_URL}{TOKEN_PATH}', got {redact_unread_url(text)!r}"
        )
    return text


def _refuse_misread(url: httpx.URL, text: str, where: str) -> None:
    """ConfigurationError for a URL whose password holds '/', '?' or '#' unencoded (see
    ``misread_user_info``): the part before it would be taken for the host."""
    if misread_user_info(url, text):
        raise ConfigurationError(
            f"{where} holds an '@' that does not end its user info (a password with '/', "
            f"'?' or '#' must be percent-encoded): {redact_unread_url(text)!r}"
        )


def _unquoted(error: Exception, text: str) -> str:
    """httpx's reason a URL cannot be read, unless it quotes part of the user info (its
    "invalid port" of ``https://user:pa/ss@host`` is the password's start)."""
    reason = str(error)
    user = text.partition("://")[2].rpartition("@")[0]
    quoted = re.findall(r"'([^']*)'", reason)
    if user and any(part and part in user for part in quoted):
        return "its host, port or user info does not read as a URL's"
    return reason


def credential(value: object, name: str, variable: str) -> str | None:
    """A client id or secret given (or from ``variable``): a non-blank str, or None."""
    found = from_environment(value, variable) if value is None or isinstance(value, str) else value
    if found is None:
        return None
    if not isinstance(found, str):
        # Never the value: a secret passed in the wrong argument would be printed.
        raise ConfigurationError(f"{name} must be a str, not {type(found).__name__}")
    if not found.strip():
        raise ConfigurationError(f"{name} is blank; give the value from your Kimono account")
    return found


def timeout(value: object, name: str = "timeout") -> float | httpx.Timeout | None:
    """A timeout: seconds (> 0), an ``httpx.Timeout``, or None for none."""
    if value is None or isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigurationError(
            f"{name} must be seconds (a number > 0), an httpx.Timeout or None, "
            f"not {type(value).__name__} {value!r}"
        )
    if not value > 0:
        raise ConfigurationError(f"{name} must be > 0 seconds (or None for none), got {value!r}")
    return float(value)


def default_deadline(timeout: float | httpx.Timeout | None) -> float | None:
    """The deadline that follows a timeout: a few read timeouts (none when reads have none)."""
    read = timeout.read if isinstance(timeout, httpx.Timeout) else timeout
    return None if read is None else read * DEADLINE_PER_READ_TIMEOUT


def deadline(value: object) -> float | None:
    """A deadline: seconds (> 0) or None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigurationError(f"deadline must be seconds (a number > 0) or None, got {value!r}")
    return float(value)


def count(value: object, name: str, *, minimum: int) -> int:
    """An int setting (not a bool) of at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{name} must be an int, not {type(value).__name__} {value!r}")
    if value < minimum:
        raise ConfigurationError(f"{name} must be {minimum} or more, got {value}")
    return value


def headers(value: object) -> dict[str, str]:
    """Headers to send with every request: a mapping of str to str."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            f"headers must be a mapping such as {{'X-Name': 'value'}}, not {type(value).__name__}"
        )
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            raise ConfigurationError(
                f"headers must map str to str; {key!r} has a {type(item).__name__} value"
                if isinstance(key, str)
                else f"headers must map str to str; got a {type(key).__name__} key"
            )
        if not _HEADER_NAME.fullmatch(key):
            raise ConfigurationError(
                f"header name {_shown_name(key)} is not an HTTP token: letters, digits and "
                "!#$%&'*+-.^_`|~ only, no space or colon"
            )
        if _HEADER_VALUE_BAD.search(item):
            # The value may be a credential: it is never quoted.
            raise ConfigurationError(
                f"the value of header {key!r} holds a line break or another control "
                "character, which HTTP does not allow (the value is not shown); strip it "
                "(a key read from a file often ends with a newline)"
            )
    return dict(value)


#: A header name (RFC 9110 token) and what no header value may hold (controls but tab).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _shown_name(key: str) -> str:
    return repr(key) if len(key) <= 60 else repr(key[:60]) + "..."


def instance(value: Any, expected: type | tuple[type, ...], name: str, what: str) -> Any:
    """``value`` if it is None or an instance of ``expected``."""
    if value is not None and not isinstance(value, expected):
        raise ConfigurationError(f"{name} must be {what}, not {type(value).__name__}")
    return value
