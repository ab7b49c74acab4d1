"""The client's settings: read from the environment when not given, checked when the client
is made, and a closed client says so."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, ClientClosedError, ConfigurationError
from kimono_interop.sandbox import Sandbox
from tests.support.mock_service import ORIGIN, MockService

pytestmark = pytest.mark.anyio

TENANT_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"


def set_environment(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET", "TOKEN_URL"):
        monkeypatch.delenv(f"KIMONO_{name}", raising=False)
    for name, value in values.items():
        monkeypatch.setenv(f"KIMONO_{name.upper()}", value)


async def test_the_constructor_reads_every_setting_not_given(
    monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox
) -> None:
    """With the three variables set, ``AsyncKimonoClient()`` talks to the sandbox they name;
    given only the credentials, the client still goes to KIMONO_BASE_URL (not production);
    an argument wins over its variable."""
    credentials = sandbox.credentials
    set_environment(
        monkeypatch,
        base_url=sandbox.url,
        client_id=credentials["client_id"],
        client_secret=credentials["client_secret"],
    )
    async with AsyncKimonoClient() as kimono:
        assert str(kimono.base_url) == sandbox.url.rstrip("/")
        assert (await kimono.tenants.current()).id
    async with AsyncKimonoClient("other-id", "other-secret") as kimono:
        assert str(kimono.base_url) == sandbox.url.rstrip("/")
        assert kimono.token_url == sandbox.url.rstrip("/") + "/oauth/token"
    async with AsyncKimonoClient(base_url="http://127.0.0.1:9") as kimono:
        assert str(kimono.base_url) == "http://127.0.0.1:9"
    async with AsyncKimonoClient.from_env() as kimono:  # the explicit alias
        assert str(kimono.base_url) == sandbox.url.rstrip("/")


async def test_missing_credentials_name_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    set_environment(monkeypatch, client_id="only-the-id")
    with pytest.raises(ConfigurationError, match=r"No client_secret: .*KIMONO_CLIENT_SECRET"):
        AsyncKimonoClient()
    with pytest.raises(ConfigurationError, match="not both"):
        AsyncKimonoClient("a", "b", auth=httpx.BasicAuth("a", "b"))


@pytest.mark.parametrize(
    ("given", "origin"),
    [
        ("https://api.us2.kimonocloud.com/v2/interop/data", "https://api.us2.kimonocloud.com"),
        ("http://127.0.0.1:8080/v2/interop", "http://127.0.0.1:8080"),
        ("https://api.example.com/?region=eu", "https://api.example.com"),
    ],
)
async def test_a_base_url_with_a_path_is_refused_with_the_origin_to_use(
    monkeypatch: pytest.MonkeyPatch, given: str, origin: str
) -> None:
    set_environment(monkeypatch)
    with pytest.raises(ConfigurationError, match=f"use '{origin}'") as raised:
        AsyncKimonoClient("a", "b", base_url=given)
    assert "/oauth/token" in str(raised.value)
    set_environment(monkeypatch, base_url=given)
    with pytest.raises(ConfigurationError, match="from KIMONO_BASE_URL"):
        AsyncKimonoClient("a", "b")


@pytest.mark.parametrize("blank", ["", "  "])
async def test_a_blank_base_url_is_refused_not_taken_for_production(
    monkeypatch: pytest.MonkeyPatch, blank: str
) -> None:
    """``base_url=""`` and ``KIMONO_BASE_URL=`` (a variable meant to hold a sandbox's URL,
    left empty) were taken for the default: the production service."""
    set_environment(monkeypatch)
    with pytest.raises(ConfigurationError, match="base_url is empty"):
        AsyncKimonoClient("a", "b", base_url=blank)
    monkeypatch.setenv("KIMONO_BASE_URL", blank)
    with pytest.raises(ConfigurationError, match="KIMONO_BASE_URL is set but empty"):
        AsyncKimonoClient("a", "b")


async def test_token_url_is_settable_and_tenants_use_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens come from ``token_url=`` (or KIMONO_TOKEN_URL), for the client and the clients
    it makes for tenants."""
    set_environment(monkeypatch)
    service = MockService(body={"data": {"id": TENANT_ID}}, token_per_client=True)
    token_url = "http://auth.example.test:8443/oauth/token"
    async with AsyncKimonoClient(
        "vendor", "s", base_url=ORIGIN, token_url=token_url, transport=httpx.MockTransport(service)
    ) as kimono:
        await kimono.tenants.current()
        tenant = {
            "id": TENANT_ID,
            "auth": {"type": "oauth2", "client_id": "tenant", "client_secret": "x"},
        }
        async with kimono.for_tenant(tenant) as acting:
            await acting.tenants.current()
    tokens = [str(call.url) for call in service.calls if call.url.path == "/oauth/token"]
    assert tokens == [token_url, token_url]
    set_environment(monkeypatch, token_url="ftp://nowhere")
    with pytest.raises(ConfigurationError, match="token_url must be an absolute http"):
        AsyncKimonoClient("a", "b")


BAD_SETTINGS: list[tuple[dict[str, Any], str]] = [
    ({"client_id": 1}, "client_id must be a str, not int"),
    ({"client_secret": 12345678}, "client_secret must be a str, not int"),
    ({"client_id": "  "}, "client_id is blank"),
    ({"timeout": "x"}, "timeout must be seconds .* not str"),
    ({"timeout": -5}, r"timeout must be > 0 seconds"),
    ({"timeout": True}, "timeout must be seconds"),
    ({"headers": ["a"]}, "headers must be a mapping"),
    ({"headers": {"X-A": 1}}, "headers must map str to str; 'X-A' has a int value"),
    ({"max_retries": -1}, "max_retries must be 0 or more"),
    ({"max_retries": "2"}, "max_retries must be an int"),
    ({"deadline": 0}, "deadline must be seconds"),
    ({"max_response_size": 0}, "max_response_size must be 1 or more"),
    ({"retry": 3}, "retry must be a RetryPolicy"),
    ({"auth": "token"}, "auth must be an httpx.Auth"),
    ({"base_url": 8080}, "base_url must be a str"),
    ({"base_url": "https://user:12345678@[::1"}, r"base_url is not a URL .*'https://\*\*\*@\[::1'"),
    ({"base_url": "https://u:1234/5678@host:99999"}, r"base_url holds an '@'"),
    ({"token_url": "http://localhost:9/pw-12345678@auth.example.com/t"}, r"token_url holds"),
    ({"base_url": "//user:12345678@kimono.example.com"}, r"absolute http\(s\) URL"),
    ({"base_url": "https:user:12345678@h"}, r"absolute http\(s\) URL"),
    ({"token_url": "https:/u:12345678@host/token"}, r"absolute http\(s\) URL"),
    ({"token_url": "https://u:1234@[::1/token"}, r"token_url is not a URL"),
]


@pytest.mark.parametrize(("settings", "match"), BAD_SETTINGS)
async def test_bad_settings_raise_configuration_error_at_construction(
    monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], match: str
) -> None:
    """Each wrong setting is a ConfigurationError naming it, raised by the constructor (not an
    httpx TypeError on the first request), and never showing a secret's value."""
    set_environment(monkeypatch)
    arguments: dict[str, Any] = {"client_id": "a", "client_secret": "b", "base_url": ORIGIN}
    if "auth" in settings:
        arguments = {"base_url": ORIGIN}
    with pytest.raises(ConfigurationError, match=match) as raised:
        AsyncKimonoClient(**{**arguments, **settings})
    assert "12345678" not in str(raised.value)
    assert "1234" not in str(raised.value) and "5678" not in str(raised.value)


async def test_a_bad_timeout_per_call_is_refused_before_sending() -> None:
    service = MockService(body={"data": {"id": TENANT_ID}})
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(ConfigurationError, match="timeout must be seconds"):
            await kimono.tenants.current(timeout="soon")  # type: ignore[arg-type]
    assert service.calls == []


async def test_a_closed_client_raises_client_closed_error() -> None:
    service = MockService(body={"data": {"id": TENANT_ID}})
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.tenants.current()
    with pytest.raises(ClientClosedError, match="closed"):
        await kimono.tenants.current()
    assert isinstance(ClientClosedError(), RuntimeError)


async def test_a_token_url_with_an_at_sign_in_its_query_is_accepted() -> None:
    """Only a URL httpx cannot read is refused: an '@' in the query is the URL's own."""
    token_url = "https://login.example.com/oauth/token?login_hint=a@b.com"
    async with AsyncKimonoClient("a", "b", token_url=token_url) as kimono:
        assert kimono.token_url == token_url
