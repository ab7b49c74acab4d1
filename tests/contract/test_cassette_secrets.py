"""No secret in any cassette: what the recording hooks scrub, and what the scanner finds.

Every cassette is scanned for anything secret-shaped; the token exchanges must carry
the placeholder, not merely lack a secret; and each kind of planted leak is found by
the scanner and removed by the scrubber (tests.support.cassettes).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from vcr.request import Request
from vcr.serialize import serialize

from tests.support.cassettes import (
    CASSETTES,
    PLACEHOLDER,
    REPLAY_ORIGIN,
    CassetteSerializer,
    Scrubber,
    cassette_files,
    find_secrets,
    load_interactions,
    recorded_files,
    sandbox_secrets,
    scrub_json,
)


def test_no_cassette_holds_a_secret() -> None:
    """Every cassette (recorded and documented) is free of anything secret-shaped."""
    known = sandbox_secrets()
    assert "sandbox-secret" in known
    files = cassette_files()
    assert len(files) >= 86
    findings = {
        str(path.relative_to(CASSETTES)): found
        for path in files
        if (found := find_secrets(path.read_text(encoding="utf-8"), known))
    }
    assert findings == {}


def test_secrets_were_replaced_not_just_absent() -> None:
    """The token exchanges and the credential-bearing answers carry the placeholder."""
    token_requests = 0
    credentials = 0
    for path in recorded_files():
        for request, response in load_interactions(path):
            body = response["body"]["string"]
            if request.uri.endswith("/oauth/token"):
                token_requests += 1
                assert request.body == (
                    b"grant_type=client_credentials&client_id=<SCRUBBED>&client_secret=<SCRUBBED>"
                )
                assert _json(body)["access_token"] == PLACEHOLDER
            elif b"client_secret" in (body or b""):
                credentials += body.count(b'"client_secret": "<SCRUBBED>"')
                assert body.count(b'"client_secret"') == body.count(
                    b'"client_secret": "<SCRUBBED>"'
                )
            for name, value in request.headers.items():
                if name.lower() == "authorization":
                    assert value == f"Bearer {PLACEHOLDER}"
    assert token_requests >= 86
    assert credentials >= 3  # actors with credentials, the tenants' auth


def _json(body: bytes) -> Any:
    return json.loads(body)


LEAKS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name: (request headers/body, response body)
    "bearer header": ({"authorization": "Bearer AbCdEf0123456789xyz"}, {}),
    "basic header": ({"authorization": "Basic c2FuZGJveDpodW50ZXIy"}, {}),
    "token form": (
        {"form": "grant_type=client_credentials&client_id=me&client_secret=hunter22"},
        {},
    ),
    "access token": ({}, {"access_token": "tok-123456", "token_type": "bearer"}),
    "refresh token": ({}, {"access_token": "<SCRUBBED>", "refresh_token": "r-1"}),
    "tenant auth": ({}, {"data": {"auth": {"type": "oauth2", "client_secret": "s3cr3t"}}}),
    "app_auth token": ({}, {"data": {"app_auth": {"token": "t-1"}}}),
    "app_auth refresh_token": ({}, {"data": {"app_auth": {"refresh_token": "t-2"}}}),
    "app_auth client_secret": ({}, {"data": {"app_auth": {"client_secret": "t-3"}}}),
    "app_auth password": ({}, {"data": {"app_auth": {"password": "t-4"}}}),
    "app_auth api_key": ({}, {"data": {"app_auth": {"api_key": "t-5"}}}),
    "session_token": ({}, {"data": [{"id": "x", "session_token": "abc"}]}),
    "known secret": ({}, {"message": "bad secret sandbox-secret"}),
    "jwt": ({}, {"message": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"}),
    "json request": ({"json": {"auth_props_pending": {"sis_password": "pw"}}}, {}),
}


def _cassette_text(leak: tuple[dict[str, Any], dict[str, Any]], scrubber: Scrubber | None) -> str:
    request_part, answer = leak
    headers = {"authorization": request_part.get("authorization", "Bearer <SCRUBBED>")}
    body: bytes | None = None
    if "form" in request_part:
        headers["content-type"] = "application/x-www-form-urlencoded"
        body = request_part["form"].encode()
    elif "json" in request_part:
        headers["content-type"] = "application/json"
        body = json.dumps(request_part["json"]).encode()
    request = Request("POST", "http://127.0.0.1:9/oauth/token", body, headers)
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"content-type": ["application/json"], "set-cookie": ["session=1"]},
        "body": {"string": json.dumps(answer).encode()},
    }
    if scrubber is not None:
        request, response = scrubber.request(request), scrubber.response(response)
    else:
        del response["headers"]["set-cookie"]
    data = {"requests": [request], "responses": [response]}
    return serialize(data, CassetteSerializer("# test\n"))


#: Leaks only the scanner can catch: a secret where no field name says it is one.
UNSCRUBBABLE = frozenset({"known secret", "jwt"})


@pytest.mark.parametrize("leak", LEAKS, ids=str)
def test_the_scanner_finds_each_leak_and_the_scrubber_removes_it(leak: str) -> None:
    """Each planted secret is reported; the record hooks remove those a field name marks."""
    known = ["sandbox-secret"]
    assert find_secrets(_cassette_text(LEAKS[leak], None), known) != []
    scrubbed = find_secrets(_cassette_text(LEAKS[leak], Scrubber("http://127.0.0.1:9")), known)
    assert (scrubbed != []) is (leak in UNSCRUBBABLE)


def test_scrubbing_rewrites_the_origin_and_keeps_the_rest() -> None:
    """paging.next and URLs move to the placeholder origin; other fields are untouched."""
    scrubber = Scrubber("http://127.0.0.1:5555")
    request = scrubber.request(
        Request(
            "GET",
            "http://127.0.0.1:5555/v2/interop/data/rostering/orgs?page=0",
            b"",
            {"Authorization": "Bearer abc", "User-Agent": "x", "Accept-Encoding": "gzip, br"},
        )
    )
    assert request.uri == f"{REPLAY_ORIGIN}/v2/interop/data/rostering/orgs?page=0"
    assert dict(request.headers) == {"authorization": "Bearer <SCRUBBED>"}
    page = {
        "data": [{"name": "Kimono High", "token_type": "x"}],
        "paging": {"next": "http://127.0.0.1:5555/v2/interop/data/rostering/orgs?page=1"},
    }
    response = scrubber.response(
        {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["application/json"], "date": ["Mon"], "server": ["x"]},
            "body": {"string": json.dumps(page).encode()},
        }
    )
    assert json.loads(response["body"]["string"]) == {
        "data": [{"name": "Kimono High", "token_type": "x"}],
        "paging": {"next": f"{REPLAY_ORIGIN}/v2/interop/data/rostering/orgs?page=1"},
    }
    assert set(response["headers"]) == {"content-type", "content-length"}
    assert scrub_json({"password": None, "token": "", "api_key": 5}) == {
        "password": None,
        "token": "",
        "api_key": PLACEHOLDER,
    }
