"""What a secret is, defined once, for every place that must not show one.

Logs (:mod:`kimono_interop._logging`), URLs in errors and reprs
(:func:`redact_url`), the command line's tables, the cassettes' scrubber and the
drift reports all ask this module. The userinfo of a URL (``user:password@``) is
always secret. Otherwise a value is secret when its name ends in one of
:data:`SECRET_WORDS` (``client_secret``, ``access_token``, ``id_token``,
``x-api-key``, ``sis_password``, ``private_key``, ``clientSecret`` ...), compared
without regard to case, a camelCase capital counting as a word break. The value itself
is never inspected, so a secret with an unusual shape is still hidden by its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

#: What a secret's name ends with (``-`` and ``_`` both separate words).
SECRET_WORDS = (
    "secret",
    "password",
    "passwd",
    "token",
    "api_key",
    "apikey",
    "private_key",
    "authorization",
)
#: What every secret is shown as.
MASK = "***"

_WORD = "|".join(word.replace("_", "[_-]?") for word in SECRET_WORDS)
_NAME = re.compile(rf"(?:^|[_-])(?:{_WORD})$", re.IGNORECASE)
#: Where a camelCase name starts a new word (``clientSecret``, ``xApiKey``).
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
#: A secret-named key in free text: ``"client_secret": "abc"``, ``token=abc``.
_KEY_IN_TEXT = rf"[\w-]*?(?:{_WORD})"
_TEXT_PATTERNS = (
    # Authorization: Bearer abc / Basic abc (in header dumps and reprs)
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), rf"\1 {MASK}"),
    # "client_secret": "abc"   'token': 'abc'   b'x-api-key': b'abc'   "pw": "O'Hara"
    # (to the quote that opened it, over lines (a PEM key), a backslash escaping one:
    # JSON and Python reprs; to the end of the text when it is cut short)
    (
        re.compile(
            rf"(?i)([\"']?\b{_KEY_IN_TEXT}[\"']?\s*[:=]\s*b?)([\"'])(?:\\.|(?!\2)[\s\S])*(\2|\Z)"
        ),
        rf"\1\2{MASK}\3",
    ),
    # "api_key": 123456   (a quoted name's value that is not a string: a number...)
    (
        re.compile(
            rf"(?i)([\"']\b{_KEY_IN_TEXT}[\"']\s*:\s*)"
            r"(?![\"'\[{\s]|b[\"']|None\b|null\b|\*\*\*)[^\s,}\]]+"
        ),
        rf"\1{MASK}",
    ),
    # (b'x-api-key', b'abc')   (header lists in httpcore's debug lines)
    (
        re.compile(
            rf"(?i)(\(b?[\"']{_KEY_IN_TEXT}[\"'],\s*b?)([\"'])(?:\\.|(?!\2)[\s\S])*(\2\)|\Z)"
        ),
        rf"\1\2{MASK}\3",
    ),
    # client_secret=abc&...   (form bodies and query strings)
    (re.compile(rf"(?i)(\b{_KEY_IN_TEXT}=)[^&\s\"']+"), rf"\1{MASK}"),
    # http://user:password@host   (a URL's userinfo, e.g. in httpx's request lines)
    # (to its last "@" before the path: a password may hold one)
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s]+@"), rf"\1{MASK}@"),
)


def is_secret_name(name: object) -> bool:
    """Whether a field, parameter or header called ``name`` holds a secret."""
    return isinstance(name, str) and _NAME.search(_CAMEL.sub("_", name)) is not None


def redact_text(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``***``."""
    for pattern, replacement in _TEXT_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_unread_url(text: str) -> str:
    """A URL that may not read as one (so :func:`redact_url` cannot), for a message: its
    user info masked, taken as everything from after the scheme (``https://``, or
    ``https:`` with its slashes missing; or a leading ``//``) to the last ``@`` before
    the query or fragment, since a password may hold ``/``, ``:`` or ``//``. Text with
    no scheme's shape (a file path) keeps its ``@``. Then :func:`redact_text`."""
    scheme = _SCHEME_SHAPE.match(text)
    start = scheme.end() if scheme else (2 if text.startswith("//") else -1)
    at = user_info_end(text, start) if start >= 0 else -1
    if at >= 0:
        text = f"{text[:start]}{MASK}{text[at:]}"
    return redact_text(text)


def misread_user_info(url: httpx.URL, text: str) -> bool:
    """Whether httpx read ``text`` as ``url`` with its user info taken for something
    else: an ``@`` before the query with no user info read (``https://u:pa/ss@host``
    is host ``u``, port ``pa``...). Such a URL would send to the wrong host, and its
    messages show the password."""
    start = text.find("://")
    return start >= 0 and user_info_end(text, start + 3) >= 0 and not url.userinfo


#: What a URL's scheme looks like, with the slashes after it (none to any).
_SCHEME_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:/*")


def user_info_end(text: str, start: int) -> int:
    """Where the user info of a URL whose authority starts at ``start`` ends: its last
    ``@`` before the query or fragment (a password may hold ``/``); -1 with none."""
    end = len(text)
    for mark in "?#":
        found = text.find(mark, start)
        if found >= 0:
            end = min(end, found)
    return text.rfind("@", start, end)


def redact_url(url: str | httpx.URL) -> str:
    """The URL without userinfo, with the values of secret-named query parameters masked."""
    import httpx  # here, so that the logging filter (which needs this module) loads fast

    parsed = httpx.URL(url)
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    if any(is_secret_name(key) for key in parsed.params):
        params = [
            (key, MASK if is_secret_name(key) else value)
            for key, value in parsed.params.multi_items()
        ]
        parsed = parsed.copy_with(params=params)
    return str(parsed)


def redact_mapping(value: Any) -> Any:
    """A copy of JSON-like ``value`` with every secret-named member's value masked."""
    if isinstance(value, Mapping):
        return {
            key: MASK if is_secret_name(key) and item not in (None, "") else redact_mapping(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact_mapping(item) for item in value]
    return value
