"""Integrations, their versions and blueprints: requests sent, results parsed, bad input refused."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, KimonoClient, NotFoundError, RetryPolicy
from kimono_interop_api.models import Integration, IntegrationVersion, ReleaseState
from tests.support.specs import load_spec

BASE = "https://api.us2.kimonocloud.com"
INTEGRATION_ID = "8c0d4f5a-3a6e-4d9f-8b1c-4d5e6f708192"
ACCOUNT_ID = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
PATH = f"/v2/interop/integrations/{INTEGRATION_ID}"
BLUEPRINT = '<?xml version="1.0"?><integration name="gradebook">Élève</integration>'

Handler = Callable[[httpx.Request], httpx.Response]


def _example(name: str) -> Any:
    """A copy of one of the spec's `components/examples` values."""
    return copy.deepcopy(load_spec("interop")["components"]["examples"][name]["value"])


def _recorder(answer: Handler) -> tuple[list[httpx.Request], Handler]:
    """A handler that issues tokens, records every API request and answers with ``answer``."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok-1", "expires_in": 3600})
        assert request.headers["authorization"] == "Bearer tok-1"
        request.read()
        sent.append(request)
        return answer(request)

    return sent, handler


def _client(handler: Handler, retry: RetryPolicy | None = None) -> KimonoClient:
    return KimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=retry or RetryPolicy(max_retries=0),
    )


def _async_client(handler: Handler) -> AsyncKimonoClient:
    return AsyncKimonoClient(
        "client-1",
        "s3cr3t-CLIENT-value",
        base_url=BASE,
        transport=httpx.MockTransport(handler),
        retry=RetryPolicy(max_retries=0),
    )


def _query(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def _two_pages(example: str, path: str, first: dict[str, Any], second: dict[str, Any]) -> Handler:
    """Answer page 0 with ``first`` and a `paging.next` link (without filters), then ``second``."""

    def answer(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", path)
        body = _example(example)
        if request.url.params.get("page", "0") == "0":
            body["data"] = [{**body["data"][0], **first}]
            body["paging"] = {"next": f"{BASE}{path}?page=1"}
        else:
            body["data"] = [{**body["data"][0], **second}]
            body["paging"] = {"next": None}
        return httpx.Response(200, json=body)

    return answer


def _integration_single(request: httpx.Request) -> httpx.Response:
    body = _example("IntegrationSingle")
    body["data"].update(id=INTEGRATION_ID, account_id=ACCOUNT_ID)
    return httpx.Response(200, json=body)


def _version_single(request: httpx.Request) -> httpx.Response:
    body = _example("IntegrationVersionSingle")
    body["data"].update(version="1.2.0", title="Fall release", release_state="beta")
    return httpx.Response(200, json=body)


def _not_found(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, json={"status": 404, "code": "not_found", "message": "No such"})


def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request expected, got {request.method} {request.url}")


# Integrations


def test_list_by_name_walks_two_pages_and_keeps_the_filter() -> None:
    sent, handler = _recorder(
        _two_pages(
            "IntegrationsPage",
            "/v2/interop/integrations",
            {"id": INTEGRATION_ID, "name": "gradebook"},
            {"name": "gradebook", "version": "2.0"},
        )
    )
    with _client(handler) as kimono:
        integrations = list(kimono.integrations.list(name="gradebook", page_size=1))
    assert [_query(r) for r in sent] == [
        {"name": "gradebook", "page": "0", "page_size": "1"},
        {"name": "gradebook", "page": "1", "page_size": "1"},
    ]
    assert all(isinstance(i, Integration) for i in integrations)
    assert integrations[0].id == uuid.UUID(INTEGRATION_ID)
    assert [(i.name, i.title, i.version) for i in integrations] == [
        ("gradebook", "text", "text"),
        ("gradebook", "text", "2.0"),
    ]


def test_list_async() -> None:
    sent, handler = _recorder(
        _two_pages("IntegrationsPage", "/v2/interop/integrations", {"name": "a"}, {"name": "b"})
    )

    async def main() -> list[str]:
        async with _async_client(handler) as kimono:
            return [i.name async for i in kimono.integrations.list()]

    assert asyncio.run(main()) == ["a", "b"]
    assert [_query(r) for r in sent] == [{"page": "0"}, {"page": "1"}]


def test_get() -> None:
    sent, handler = _recorder(_integration_single)
    with _client(handler) as kimono:
        integration = kimono.integrations.get(INTEGRATION_ID)
    assert [(r.method, r.url.path) for r in sent] == [("GET", PATH)]
    assert isinstance(integration, Integration)
    assert integration.id == uuid.UUID(INTEGRATION_ID)
    assert integration.account_id == uuid.UUID(ACCOUNT_ID)
    assert (integration.name, integration.title, integration.version) == ("text",) * 3


def test_get_async() -> None:
    sent, handler = _recorder(_integration_single)

    async def main() -> Integration:
        async with _async_client(handler) as kimono:
            return await kimono.integrations.get(uuid.UUID(INTEGRATION_ID))

    assert asyncio.run(main()).id == uuid.UUID(INTEGRATION_ID)
    assert sent[0].url.path == PATH


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.integrations.get(INTEGRATION_ID),
        lambda k: k.integrations.delete(INTEGRATION_ID),
        lambda k: k.integrations.update(INTEGRATION_ID, {"title": "x"}),
        lambda k: list(k.integrations.versions.list(INTEGRATION_ID)),
        lambda k: k.integrations.versions.create(INTEGRATION_ID, BLUEPRINT),
        lambda k: k.integrations.versions.update(INTEGRATION_ID, "1.0", {"title": "x"}),
        lambda k: k.integrations.versions.delete(INTEGRATION_ID, "1.0"),
        lambda k: k.integrations.versions.update_blueprint(INTEGRATION_ID, "1.0", BLUEPRINT),
    ],
    ids=[
        "get",
        "delete",
        "update",
        "list_versions",
        "create_version",
        "update_version",
        "delete_version",
        "update_blueprint",
    ],
)
def test_404_raises_not_found(call: Callable[[KimonoClient], object]) -> None:
    sent, handler = _recorder(_not_found)
    with _client(handler) as kimono, pytest.raises(NotFoundError) as caught:
        call(kimono)
    assert caught.value.status_code == 404
    assert len(sent) == 1
    assert sent[0].url.path.startswith(PATH)


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.integrations.get("42"),
        lambda k: k.integrations.delete("42"),
        lambda k: k.integrations.update("42", {"title": "x"}),
        lambda k: k.integrations.versions.list("42"),
        lambda k: k.integrations.versions.create("42", BLUEPRINT),
        lambda k: k.integrations.versions.update("42", "1.0", {"title": "x"}),
        lambda k: k.integrations.versions.delete("42", "1.0"),
        lambda k: k.integrations.versions.update_blueprint("42", "1.0", BLUEPRINT),
    ],
)
def test_malformed_integration_id_sends_nothing(call: Callable[[KimonoClient], object]) -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono, pytest.raises(ValueError, match="integration_id"):
        call(kimono)
    assert sent == []


def test_create_from_a_dict() -> None:
    sent, handler = _recorder(_integration_single)
    with _client(handler) as kimono:
        created = kimono.integrations.create(_example("IntegrationBody"))
    request = sent[0]
    assert (request.method, request.url.path) == ("POST", "/v2/interop/integrations")
    assert json.loads(request.content) == {"name": "text", "title": "text", "version": "text"}
    assert created.id == uuid.UUID(INTEGRATION_ID)


def test_create_async_from_a_model() -> None:
    sent, handler = _recorder(_integration_single)

    async def main() -> Integration:
        async with _async_client(handler) as kimono:
            body = Integration(name="gradebook", title="Gradebook")
            return await kimono.integrations.create(body)

    created = asyncio.run(main())
    assert json.loads(sent[0].content) == {"name": "gradebook", "title": "Gradebook"}
    assert created.account_id == uuid.UUID(ACCOUNT_ID)


def test_create_and_update_refuse_invalid_bodies() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="integration is not a valid Integration"):
            kimono.integrations.create({"id": "nope"})
        with pytest.raises(TypeError, match="integration must be a Integration or a dict"):
            kimono.integrations.create("gradebook")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="integration is not a valid Integration"):
            kimono.integrations.update(INTEGRATION_ID, {"created_at": "yesterday"})
    assert sent == []


def test_update_patches_and_returns_none() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    with _client(handler) as kimono:
        result = kimono.integrations.update(INTEGRATION_ID, Integration(title="Renamed"))
    assert result is None
    assert [(r.method, r.url.path) for r in sent] == [("PATCH", PATH)]
    assert json.loads(sent[0].content) == {"title": "Renamed"}


def test_delete() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    with _client(handler) as kimono:
        assert kimono.integrations.delete(INTEGRATION_ID) is None
    assert [(r.method, r.url.path, r.content) for r in sent] == [("DELETE", PATH, b"")]


# Versions


def test_list_versions_walks_two_pages() -> None:
    sent, handler = _recorder(
        _two_pages(
            "IntegrationVersionsPage",
            f"{PATH}/versions",
            {"version": "1.0"},
            {"version": "2.0", "release_state": "released"},
        )
    )
    with _client(handler) as kimono:
        versions = list(kimono.integrations.versions.list(INTEGRATION_ID, page_size=1))
    assert [_query(r) for r in sent] == [
        {"page": "0", "page_size": "1"},
        {"page": "1", "page_size": "1"},
    ]
    assert all(isinstance(v, IntegrationVersion) for v in versions)
    assert [(v.version, v.release_state) for v in versions] == [
        ("1.0", ReleaseState.UNSPECIFIED),
        ("2.0", ReleaseState.RELEASED),
    ]


def test_create_version_posts_the_blueprint_as_xml() -> None:
    sent, handler = _recorder(_version_single)
    with _client(handler) as kimono:
        version = kimono.integrations.versions.create(INTEGRATION_ID, BLUEPRINT)
    request = sent[0]
    assert (request.method, request.url.path) == ("POST", f"{PATH}/versions")
    assert request.headers["content-type"] == "application/xml"
    assert request.content == BLUEPRINT.encode("utf-8")
    assert request.headers["content-length"] == str(len(BLUEPRINT.encode("utf-8")))
    assert isinstance(version, IntegrationVersion)
    assert (version.version, version.title) == ("1.2.0", "Fall release")
    assert version.release_state == ReleaseState.BETA


def test_create_version_async_sends_bytes_unchanged() -> None:
    sent, handler = _recorder(_version_single)
    document = b"<integration>\xc3\x89</integration>"

    async def main() -> IntegrationVersion:
        async with _async_client(handler) as kimono:
            return await kimono.integrations.versions.create(INTEGRATION_ID, document)

    assert asyncio.run(main()).version == "1.2.0"
    assert sent[0].content == document
    assert sent[0].headers["content-type"] == "application/xml"


def test_update_version_patches_the_version() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    with _client(handler) as kimono:
        result = kimono.integrations.versions.update(
            INTEGRATION_ID, "1.2.0", _example("IntegrationVersionBody")
        )
    assert result is None
    assert [(r.method, r.url.path) for r in sent] == [("PATCH", f"{PATH}/versions/1.2.0")]
    assert json.loads(sent[0].content) == {
        "version": "text",
        "title": "text",
        "release_state": "unspecified",
    }


def test_update_version_quotes_the_version_and_takes_a_model() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    body = IntegrationVersion(release_state=ReleaseState.DEPRECATED)
    with _client(handler) as kimono:
        kimono.integrations.versions.update(INTEGRATION_ID, "1.0/beta", body)
    assert sent[0].url.raw_path.decode() == f"{PATH}/versions/1.0%2Fbeta"
    assert json.loads(sent[0].content) == {"release_state": "deprecated"}


def test_update_version_refuses_an_invalid_body() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="integration_version is not a valid"):
            kimono.integrations.versions.update(INTEGRATION_ID, "1.0", {"release_state": 3})
        with pytest.raises(TypeError, match="integration_version must be"):
            kimono.integrations.versions.update(INTEGRATION_ID, "1.0", "beta")  # type: ignore[arg-type]
    assert sent == []


def test_delete_version() -> None:
    sent, handler = _recorder(lambda request: httpx.Response(204))
    with _client(handler) as kimono:
        assert kimono.integrations.versions.delete(INTEGRATION_ID, "1.2.0") is None
    assert [(r.method, r.url.path) for r in sent] == [("DELETE", f"{PATH}/versions/1.2.0")]


@pytest.mark.parametrize(
    "call",
    [
        lambda k, v: k.integrations.versions.update(INTEGRATION_ID, v, {"title": "x"}),
        lambda k, v: k.integrations.versions.delete(INTEGRATION_ID, v),
        lambda k, v: k.integrations.versions.update_blueprint(INTEGRATION_ID, v, BLUEPRINT),
    ],
    ids=["update_version", "delete_version", "update_blueprint"],
)
def test_bad_version_sends_nothing(call: Callable[[KimonoClient, object], object]) -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        for empty in ("", "   "):
            with pytest.raises(ValueError, match="version must not be empty"):
                call(kimono, empty)
        with pytest.raises(TypeError, match="version must be a str"):
            call(kimono, 1.2)
    assert sent == []


# Blueprints


def test_update_blueprint_puts_xml() -> None:
    sent, handler = _recorder(_version_single)
    with _client(handler) as kimono:
        version = kimono.integrations.versions.update_blueprint(INTEGRATION_ID, "1.2.0", BLUEPRINT)
    request = sent[0]
    assert (request.method, request.url.path) == ("PUT", f"{PATH}/versions/1.2.0/blueprint")
    assert request.headers["content-type"] == "application/xml"
    assert request.content == BLUEPRINT.encode("utf-8")
    assert (version.version, version.release_state) == ("1.2.0", ReleaseState.BETA)


def test_update_blueprint_async() -> None:
    sent, handler = _recorder(_version_single)

    async def main() -> IntegrationVersion:
        async with _async_client(handler) as kimono:
            return await kimono.integrations.versions.update_blueprint(
                INTEGRATION_ID, "1.2.0", BLUEPRINT
            )

    assert asyncio.run(main()).title == "Fall release"
    assert sent[0].method == "PUT"
    assert sent[0].content == BLUEPRINT.encode("utf-8")


def test_update_blueprint_retried_after_503_sends_the_whole_document_again() -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"})])

    def answer(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or _version_single(request)

    sent, handler = _recorder(answer)
    retry = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001)
    with _client(handler, retry) as kimono:
        kimono.integrations.versions.update_blueprint(INTEGRATION_ID, "1.2.0", BLUEPRINT)
    assert [r.content for r in sent] == [BLUEPRINT.encode("utf-8")] * 2


def test_blueprint_must_be_non_empty_bytes_or_str() -> None:
    sent, handler = _recorder(_never)
    with _client(handler) as kimono:
        with pytest.raises(ValueError, match="blueprint must not be empty"):
            kimono.integrations.versions.update_blueprint(INTEGRATION_ID, "1.0", b"")
        with pytest.raises(ValueError, match="blueprint must not be empty"):
            kimono.integrations.versions.create(INTEGRATION_ID, "  \n")
        with pytest.raises(TypeError, match="blueprint must be bytes or str"):
            kimono.integrations.versions.create(INTEGRATION_ID, {"xml": "x"})  # type: ignore[arg-type]
    assert sent == []
