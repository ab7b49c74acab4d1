"""Each error status maps to its own class, with the service's ErrorType and no secrets."""

from __future__ import annotations

import httpx
import pytest

from kimono_interop._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    KimonoError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnauthorizedError,
    UnprocessableEntityError,
    UnsafeRedirectError,
    error_from_response,
)
from kimono_interop._secrets import redact_url

URL = "https://api.us2.kimonocloud.com/v2/interop/data/rostering/persons/abc"


def _response(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("GET", URL), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, UnauthorizedError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (520, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_maps_to_class(status: int, cls: type[APIStatusError]) -> None:
    """One class per documented status; any status >= 500 (even 520) is a server error."""
    error = error_from_response(_response(status, json={"message": "boom"}))
    assert type(error) is cls
    assert isinstance(error, KimonoError)
    assert error.status_code == status


def test_error_type_fields_and_request_id() -> None:
    """The parsed ErrorType and the request id are on the error and in its message."""
    body = {"status": 404, "code": "not_found", "message": "Person not found", "details": "id=abc"}
    error = error_from_response(_response(404, json=body, headers={"x-request-id": "req-42"}))
    assert (error.code, error.error_message, error.details, error.request_id) == (
        "not_found",
        "Person not found",
        "id=abc",
        "req-42",
    )
    assert str(error).startswith("Request req-42: GET " + URL + " returned 404: [not_found]")


def test_error_wrapped_in_error_member() -> None:
    """A single-object envelope `{"error": {...}}` is read the same way."""
    error = error_from_response(_response(409, json={"error": {"code": "overlap", "message": "x"}}))
    assert (type(error), error.code) == (ConflictError, "overlap")


@pytest.mark.parametrize(
    "content",
    [
        b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        b'{"status": 503, "mess',
        b"\xff\xfe not utf-8",
        b"",
    ],
)
def test_unparseable_bodies_still_raise_the_right_class(content: bytes) -> None:
    """HTML, truncated JSON, bytes that are not text, or nothing: still an InternalServerError."""
    error = error_from_response(_response(502, content=content))
    assert type(error) is InternalServerError
    assert error.code is None and error.body is None


def test_html_title_is_shown() -> None:
    """An HTML error page contributes its title, not its markup."""
    page = b"<html><head><title>520 Origin Error</title></head><body><p>x</p></body></html>"
    assert str(error_from_response(_response(520, content=page))).endswith(": 520 Origin Error")


def test_secrets_in_urls_are_redacted() -> None:
    """Userinfo and secret query values never appear in an error's URL or message."""
    url = "https://user:pa55word@api.example/x?access_token=t0ken-VALUE&page=2"
    assert redact_url(url) == "https://api.example/x?access_token=%2A%2A%2A&page=2"
    request = httpx.Request("GET", url)
    for error in (
        error_from_response(httpx.Response(500, request=request)),
        APIConnectionError(request),
        APITimeoutError(request),
        UnsafeRedirectError(url, "https://api.us2.kimonocloud.com"),
    ):
        text = str(error) + repr(error) + str(getattr(error, "url", ""))
        assert "pa55word" not in text and "t0ken-VALUE" not in text


@pytest.mark.parametrize(
    ("authorization", "secret"),
    [
        ("Bearer SECRETTOKEN-abc123xyz", "SECRETTOKEN-abc123xyz"),
        ("Basic dmVuZG9yOnMzY3IzdC1WQUxVRS14eXo=", "s3cr3t-VALUE-xyz"),  # vendor:<secret>
    ],
)
def test_credentials_the_service_quotes_back_are_masked(authorization: str, secret: str) -> None:
    """An error body that quotes the request's credentials (a proxy echoing its headers,
    a token "revoked") shows them neither in the message nor in the fields."""
    request = httpx.Request("GET", URL, headers={"Authorization": authorization})
    quoted = f"used {secret} for {authorization}"
    body = {"code": "internal", "message": quoted, "details": quoted, "ext_message": quoted}
    error = error_from_response(httpx.Response(500, request=request, json=body))
    assert isinstance(error, InternalServerError) and "used" in str(error)
    for text in (str(error), error.error_message, error.details, error.ext_message):
        assert text is not None and secret not in text
    plain = error_from_response(httpx.Response(500, request=request, text=quoted))
    assert secret not in str(plain)


def test_timeout_is_a_connection_error() -> None:
    """Catching APIConnectionError also catches timeouts."""
    assert issubclass(APITimeoutError, APIConnectionError)
    assert "timeout=" in str(APITimeoutError(httpx.Request("GET", URL)))


@pytest.mark.parametrize("name", ["apikey", "x-api-key", "id_token", "secret", "clientSecret"])
def test_a_secret_in_a_paging_link_shows_nowhere_in_the_error(name: str) -> None:
    """The service's ``paging.next`` link may carry a credential under any secret name.
    When the next page fails, neither the message, ``.url``, nor the traceback shows it."""
    import traceback

    from kimono_interop import APIStatusError, KimonoClient, RetryPolicy

    base = "https://api.example.test"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 3600})
        if "page=1" in str(request.url):
            return httpx.Response(500, json={"code": "boom", "message": "failed"})
        link = f"{base}/v2/interop/data/rostering/persons?page=1&{name}=L1nk-S3cret"
        person = {"$sys": {"id": "2a4a2e06-7755-43bb-9766-4f398079ef8c"}}
        return httpx.Response(200, json={"data": [person], "paging": {"next": link}})

    with (
        KimonoClient(
            "c",
            "s",
            base_url=base,
            transport=httpx.MockTransport(handler),
            retry=RetryPolicy(max_retries=0),
        ) as kimono,
        pytest.raises(APIStatusError) as caught,
    ):
        list(kimono.rostering.persons.list())
    error = caught.value
    shown = str(error) + repr(error) + str(error.url)
    shown += "".join(traceback.format_exception(error))
    assert "L1nk-S3cret" not in shown
    assert f"{name}=%2A%2A%2A" in str(error.url) or f"{name}=***" in str(error.url)


def test_public_names_show_the_public_module() -> None:
    """A traceback names kimono_interop.NotFoundError, the name users import, not the
    private module it is defined in; every exported class and function does the same, and
    an error still pickles (pickle finds it by that name)."""
    import pickle
    import traceback

    import kimono_interop

    error = kimono_interop.ConfigurationError("no client_id")
    assert traceback.format_exception_only(error) == [
        "kimono_interop.ConfigurationError: no client_id\n"
    ]
    private = [
        name
        for name in kimono_interop.__all__
        if getattr(getattr(kimono_interop, name), "__module__", "").startswith("kimono_interop.")
    ]
    assert private == []
    assert kimono_interop.NotFoundError.__module__ == "kimono_interop"
    assert str(pickle.loads(pickle.dumps(error))) == "no client_id"


def test_importing_the_sdk_loads_no_roster_model() -> None:
    """The generated models load on first use: a fresh interpreter that imports the SDK
    and makes a client has not imported the Person model; the first list call's parse
    does."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kimono_interop import KimonoClient\n"
        "KimonoClient('a', 'b', base_url='http://127.0.0.1:9').close()\n"
        "loaded = sorted(m for m in sys.modules if '.models.' in m)\n"
        "print('kimono_interop_data_api.models.person' in loaded, len(loaded))\n"
        "from kimono_interop_data_api.models import Person\n"
        "print('kimono_interop_data_api.models.person' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    before, count, after = result.stdout.split()
    assert (before, after) == ("False", "True")
    assert int(count) < 60  # the task queue's models only (of some 180)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://u:pa/ss@host/x", "https://***@host/x"),
        ("postgresql:/user:s3cret//pw@h/db", "postgresql:/***@h/db"),
        ("https:user:s3cret//pw@h", "https:***@h"),
        ("//user:s3cret@h", "//***@h"),
        ("https://login.example.com/t?hint=a@b.com", "https://login.example.com/t?hint=a@b.com"),
        ("/srv/mirrors/district@2024.db", "/srv/mirrors/district@2024.db"),
        ("/path/to/db@x:s3cret", "/path/to/db@x:s3cret"),  # a path: no scheme's shape
    ],
)
def test_a_url_that_does_not_read_is_shown_without_its_user_info(text: str, shown: str) -> None:
    from kimono_interop._secrets import redact_unread_url

    assert redact_unread_url(text) == shown


def test_which_failed_requests_may_have_been_applied() -> None:
    """A request sent and unanswered may have been applied (its 404 later means done);
    one never sent (no connection), or never sent for want of a token, was not."""
    from kimono_interop._exceptions import TokenServiceError, may_have_applied, transport_error

    request = httpx.Request("PUT", "https://kimono.example/v2/interop/data/tasks/ack")

    def error(exc: httpx.HTTPError) -> Exception:
        try:
            raise transport_error(exc, request) from exc
        except Exception as raised:
            return raised

    token = httpx.Request("POST", "https://kimono.example/oauth/token")
    assert may_have_applied(error(httpx.ReadError("reset", request=request)))
    assert may_have_applied(error(httpx.ReadTimeout("slow", request=request)))
    assert not may_have_applied(error(httpx.ConnectError("refused", request=request)))
    assert not may_have_applied(error(httpx.ConnectTimeout("no route", request=request)))
    assert may_have_applied(error_from_response(httpx.Response(504, request=request)))
    assert not may_have_applied(error_from_response(httpx.Response(503, request=request)))
    assert not may_have_applied(TokenServiceError(httpx.Response(502, request=token)))
