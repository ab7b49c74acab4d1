"""KimonoClient end to end on a mock transport: token, paging, typed objects, retries, errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from kimono_interop._client import KimonoClient
from kimono_interop._exceptions import ConfigurationError, NotFoundError
from kimono_interop._retry import RetryPolicy

BASE = "https://api.us2.kimonocloud.com"
ORG_ID = "2a4a2e06-7755-43bb-9766-4f398079ef8c"


def _service(
    calls: list[httpx.Request], fail_first: int = 0
) -> Callable[[httpx.Request], httpx.Response]:
    failures = {"left": fail_first}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        path = request.url.path
        if path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        assert request.headers["authorization"] == "Bearer tok-1"
        if failures["left"]:
            failures["left"] -= 1
            return httpx.Response(503, headers={"Retry-After": "0"})
        if path == "/v2/interop/data/rostering/students":
            page = int(request.url.params.get("page", "0"))
            nxt = f"{BASE}/v2/interop/data/rostering/students?page=1" if page == 0 else None
            person = {
                "$sys": {"id": ORG_ID, "person_type": "student"},
                "name": {"last": f"L{page}"},
            }
            return httpx.Response(200, json={"data": [person], "paging": {"next": nxt}})
        if path == f"/v2/interop/data/rostering/orgs/{ORG_ID}":
            return httpx.Response(200, json={"data": {"$sys": {"id": ORG_ID}, "name": "District"}})
        return httpx.Response(404, json={"code": "not_found", "message": "No such object"})

    return handler


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> KimonoClient:
    return KimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=2, initial_delay=0.001, max_delay=0.001),
    )


def test_walks_every_page_with_one_token() -> None:
    """Two pages of students, one token request shared by all calls of both APIs."""
    calls: list[httpx.Request] = []
    with _client(_service(calls)) as kimono:
        names = [p.name.last for p in kimono.rostering.students.list(page_size=1)]
        org = kimono.rostering.orgs.get(ORG_ID)
    assert names == ["L0", "L1"]
    assert org.name == "District"
    assert [c.url.path for c in calls].count("/oauth/token") == 1
    token_request = calls[0]
    assert dict(x.split("=") for x in token_request.content.decode().split("&")) == {
        "grant_type": "client_credentials",
        "client_id": "client-1",
        "client_secret": "s3cr3t-CLIENT-value",
    }


def test_retries_503_then_succeeds() -> None:
    """A 503 with Retry-After is retried transparently on a GET."""
    calls: list[httpx.Request] = []
    with _client(_service(calls, fail_first=2)) as kimono:
        assert kimono.rostering.orgs.get(ORG_ID).name == "District"
    assert len([c for c in calls if c.url.path.endswith(ORG_ID)]) == 3


def test_not_found_raises_typed_error() -> None:
    """A 404 becomes NotFoundError carrying the service's code and message."""
    with _client(_service([])) as kimono, pytest.raises(NotFoundError) as caught:
        kimono.rostering.persons.get("4f0e1c1a-5b2d-4b1e-9a3c-1e2f3a4b5c6d")
    assert (caught.value.code, caught.value.error_message) == ("not_found", "No such object")


def test_bad_id_fails_before_any_request() -> None:
    """A malformed id raises ValueError naming the parameter, and nothing is sent."""
    calls: list[httpx.Request] = []
    with _client(_service(calls)) as kimono, pytest.raises(ValueError, match="org_id"):
        kimono.rostering.orgs.get("not-a-uuid")
    assert calls == []


def test_dicts_mode_skips_models() -> None:
    """as_dicts() yields the raw JSON objects."""
    with _client(_service([])) as kimono:
        rows = list(kimono.rostering.students.list().as_dicts())
    assert [r["name"]["last"] for r in rows] == ["L0", "L1"]
    assert json.dumps(rows)


def test_missing_credentials_say_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """from_env() without credentials explains which variables to set."""
    monkeypatch.delenv("KIMONO_CLIENT_ID", raising=False)
    monkeypatch.delenv("KIMONO_CLIENT_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match="KIMONO_CLIENT_ID"):
        KimonoClient.from_env()


def test_repr_hides_the_secret() -> None:
    """The client's repr shows the base URL, never the secret."""
    with _client(_service([])) as kimono:
        assert "s3cr3t" not in repr(kimono)
