"""Logging: one line per exchange, KIMONO_LOG turns it on, and no secret ever reaches a handler."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import BearerToken, KimonoClient, RetryPolicy
from kimono_interop._logging import redact

BASE = "https://api.us2.kimonocloud.com"
ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"
SECRET = "Zq9-CLIENT-SECRET-7Hk"
TOKEN = "eyJ.ACCESS-TOKEN-41f"


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("Authorization: Bearer eyJ.ACCESS-TOKEN-41f", "ACCESS-TOKEN"),
        ("authorization: basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("grant_type=client_credentials&client_id=a&client_secret=Zq9-CLIENT", "Zq9"),
        ('{"access_token": "eyJ.ACCESS-TOKEN-41f", "token_type": "bearer"}', "ACCESS-TOKEN"),
        ("{'client_secret': 'Zq9-CLIENT', 'client_id': 'a'}", "Zq9"),
        ('"refresh_token":"r-77", "password": "pw-88", "api_key": "k-99"', "-77"),
        ('"password": "pw-88"', "pw-88"),
        ("?api_key=k-99&page=1", "k-99"),
        ('HTTP Request: GET http://alice:Pw-88x@api.example.test/v2 "HTTP/1.1 200 OK"', "Pw-88x"),
        ("POST https://K3y-only@api.example.test/oauth/token", "K3y-only"),
        # a quote of the other kind, or an escaped one, inside the value ended the mask
        ("""{'user': 'sis', 'password': "O'Malley-Pw-2024"}""", "Malley-Pw"),
        ('{"client_secret": "Ab\\"cd-Secret-2024"}', "cd-Secret"),
        ('{"client_secret": "cut short at Secret-2024', "Secret-2024"),
        ("{b'x-api-key': b'K3y-bytes'}", "K3y-bytes"),
        ("(b'x-api-key', b'K3y\\'s')", "K3y"),
        ('{"api_key": 123456789, "page": 1}', "123456789"),
        # over lines: a key in PEM (the mask stopped at the first line's end)
        ("load private_key='-----BEGIN KEY-----\nMIIEvQIBADAN\n-----END KEY-----' failed", "MIIE"),
        ('token: "first\nSECOND-HALF"', "SECOND-HALF"),
        # a password holding an "@" showed its rest
        ("postgresql://u:p@ssXYZ@db.example.test/roster", "ssXYZ"),
    ],
)
def test_redact_removes_credentials(text: str, leaked: str) -> None:
    """Each kind of credential in a log text is replaced by ***."""
    cleaned = redact(text)
    assert leaked not in cleaned
    assert "***" in cleaned


def test_redact_keeps_ordinary_text() -> None:
    """Text without credentials (a token_type, an id) is left as it is."""
    text = 'GET https://x/v2/interop/tenant?page=1 -> 200 {"token_type": "bearer", "id": "a"}'
    assert redact(text) == text
    mail = "GET https://x/v2/search?q=a@b.example and mailto:ann@example.edu"
    assert redact(mail) == mail
    nothing = """{"token": null, 'access_token': None, "ok": "it's", "page": 2}"""
    assert redact(nothing) == nothing
    quoted = """'password': "O'Hara", 'next': 'shown'"""
    assert redact(quoted) == """'password': "***", 'next': 'shown'"""


def test_a_password_in_base_url_shows_in_no_log_record(
    caplog: pytest.LogCaptureFixture, serve: Callable[[Any], str]
) -> None:
    """httpx logs each request's URL (``HTTP Request: GET http://user:password@...``);
    the user name and password of a ``base_url`` show in none of its records."""

    async def app(scope: dict[str, object], receive: object, send: Any) -> None:
        body = b'{"data": [], "paging": {"next": null}}'
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    caplog.set_level(logging.DEBUG)
    url = serve(app).replace("http://", "http://alice:Url-S3cret-5@")
    with KimonoClient(auth=BearerToken("t"), base_url=url) as kimono:
        assert list(kimono.rostering.orgs.list()) == []
    assert any(record.name == "httpx" for record in caplog.records)
    assert "Url-S3cret" not in caplog.text


def test_exchanges_are_logged_at_debug_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    """Each exchange is one DEBUG line (method, URL, status, request id, time), a retry included; no
    secret or token reaches a handler."""
    answers = iter([503, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 3600})
        return httpx.Response(
            next(answers),
            headers={"Retry-After": "0", "x-request-id": "req-42"},
            json={"data": {"$sys": {"id": ORG_ID}}},
        )

    caplog.set_level(logging.DEBUG, logger="kimono_interop")
    with KimonoClient(
        "client-1",
        SECRET,
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001),
    ) as kimono:
        kimono.rostering.orgs.get(ORG_ID)
        # An application that logs the client or its auth leaks nothing either.
        logging.getLogger("kimono_interop").debug("client %r auth %r", kimono, kimono.auth)
        logging.getLogger("kimono_interop").debug("Authorization: Bearer %s", TOKEN)
    text = caplog.text
    assert f"GET {BASE}/v2/interop/data/rostering/orgs/{ORG_ID} -> 503" in text
    assert "retrying GET" in text
    assert "-> 200" in text and "request id req-42" in text and "retry 1" in text
    assert SECRET not in text and TOKEN not in text


def _run(code: str, level: str | None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin"}
    if level is not None:
        env["KIMONO_LOG"] = level
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_kimono_log_env_turns_on_stderr_logging_with_redaction() -> None:
    """KIMONO_LOG=debug logs to stderr, redacted; unset, nothing is logged; an unknown level is
    reported, not fatal."""
    code = (
        "import logging, kimono_interop\n"
        "logging.getLogger('kimono_interop').debug('sent client_secret=%s', 'Zq9-SECRET')\n"
    )
    on = _run(code, "debug")
    assert on.returncode == 0, on.stderr
    assert "sent client_secret=***" in on.stderr
    assert "Zq9" not in on.stderr
    off = _run(code, None)
    assert off.stderr == ""
    bad = _run(code, "loud")
    assert bad.returncode == 0
    assert "KIMONO_LOG must be debug, info, warning or error" in bad.stderr


def test_httpx_and_httpcore_records_are_redacted_without_kimono_log(
    caplog: pytest.LogCaptureFixture, serve: Callable[[Any], str]
) -> None:
    """An application that turns on DEBUG logging for everything sees httpx's request
    lines and httpcore's per-connection lines (logged on child loggers such as
    ``httpcore.http11``), with no API key from a paging link and no secret header."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from kimono_interop import BearerToken

    async def orgs(request: Request) -> JSONResponse:
        if request.query_params.get("page", "0") != "0":
            return JSONResponse({"data": [], "paging": {"next": None}})
        link = f"{request.base_url}v2/interop/data/rostering/orgs?page=1&apikey=Qry-S3cret-3"
        return JSONResponse(
            {"data": [{"$sys": {"id": ORG_ID}, "name": "North"}], "paging": {"next": link}},
            headers={"X-Api-Key": "Hdr-S3cret-1"},
        )

    app = Starlette(routes=[Route("/v2/interop/data/rostering/orgs", orgs)])
    caplog.set_level(logging.DEBUG)
    origin = serve(app)
    with KimonoClient(auth=BearerToken("Tok-S3cret-2"), base_url=origin) as kimono:
        assert len(list(kimono.rostering.orgs.list())) == 1
    names = {record.name for record in caplog.records}
    assert {"httpx", "httpcore.http11", "httpcore.connection"} <= names
    text = caplog.text
    assert "apikey=***" in text
    assert "S3cret" not in text


@pytest.mark.parametrize(
    "module",
    [
        "kimono_interop.mirror._mirror",
        "kimono_interop.fleet._worker",
        "kimono_interop.sandbox.loopback",
    ],
)
def test_records_of_the_sdk_s_child_loggers_are_redacted(
    caplog: pytest.LogCaptureFixture, module: str
) -> None:
    """The mirror, the fleet and the sandbox log on children of `kimono_interop`, whose
    filter does not see what they pass up: an application's own handler printed their
    records as logged (a parked task's error quoting a secret, say)."""
    import importlib

    log = importlib.import_module(module).log
    caplog.set_level(logging.INFO)
    log.warning("parked: %s", "client_secret=Chld-S3cret-5")
    assert "client_secret=***" in caplog.text and "S3cret" not in caplog.text


def test_the_sdk_s_loggers_are_made_by_their_modules_not_at_import() -> None:
    """An application that imports the SDK, then configures logging (dictConfig, which
    disables the loggers made so far), then uses the mirror and the fleet, sees their
    records: the SDK made their loggers at its import, and dictConfig disabled them."""
    code = """
import logging.config, io
import kimono_interop
out = io.StringIO()
logging.config.dictConfig({
    "version": 1,
    "handlers": {"s": {"class": "logging.StreamHandler", "stream": out}},
    "root": {"handlers": ["s"], "level": "WARNING"},
})
from kimono_interop.fleet import _worker
from kimono_interop.mirror import _mirror
_worker.log.warning("fleet says client_secret=S3cret")
_mirror.log.warning("mirror says")
print(out.getvalue())
"""
    result = _run(code, None)
    assert result.returncode == 0, result.stderr
    assert "fleet says client_secret=***" in result.stdout and "mirror says" in result.stdout
