"""Integrations, their versions and blueprints: requests sent, results parsed, bad input refused."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from kimono_interop import AsyncKimonoClient, RetryPolicy
from kimono_interop_api.models import Integration, IntegrationVersion, ReleaseState
from tests.support.calls import asettle
from tests.support.mock_service import MockService, check, example, never, sent_json, two_pages

pytestmark = pytest.mark.anyio

INTEGRATION_ID = "8c0d4f5a-3a6e-4d9f-8b1c-4d5e6f708192"
ACCOUNT_ID = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
PATH = f"/integrations/{INTEGRATION_ID}"  # below /v2/interop
BLUEPRINT = '<?xml version="1.0"?><integration name="gradebook">Élève</integration>'


def integration_single(request: httpx.Request) -> httpx.Response:
    """The IntegrationSingle example with this module's ids."""
    body = example("IntegrationSingle")
    body["data"].update(id=INTEGRATION_ID, account_id=ACCOUNT_ID)
    return httpx.Response(200, json=body)


def version_single(request: httpx.Request) -> httpx.Response:
    """The IntegrationVersionSingle example as version 1.2.0, in beta."""
    body = example("IntegrationVersionSingle")
    body["data"].update(version="1.2.0", title="Fall release", release_state="beta")
    return httpx.Response(200, json=body)


# Integrations


async def test_list_by_name_walks_two_pages_and_keeps_the_filter() -> None:
    """The name filter is on both pages; each Integration is parsed."""
    service = MockService(
        two_pages(
            "IntegrationsPage",
            "/integrations",
            {"id": INTEGRATION_ID, "name": "gradebook"},
            {"name": "gradebook", "version": "2.0"},
        )
    )
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.integrations.list(name="gradebook", page_size=1)
        integrations = [integration async for integration in pager]
    service.check_pages("/integrations", {"name": "gradebook", "page_size": "1"})
    assert all(isinstance(i, Integration) for i in integrations)
    assert integrations[0].id == INTEGRATION_ID
    assert [(i.name, i.title, i.version) for i in integrations] == [
        ("gradebook", "text", "text"),
        ("gradebook", "text", "2.0"),
    ]


async def test_list_without_filters() -> None:
    """Without a filter or page size only the page is sent."""
    service = MockService(
        two_pages("IntegrationsPage", "/integrations", {"name": "a"}, {"name": "b"})
    )
    async with service.client(AsyncKimonoClient) as kimono:
        names = [integration.name async for integration in kimono.integrations.list()]
    assert names == ["a", "b"]
    service.check_pages("/integrations", {})


@pytest.mark.parametrize(
    "integration_id", [INTEGRATION_ID, uuid.UUID(INTEGRATION_ID)], ids=["str", "UUID"]
)
async def test_get(integration_id: str | uuid.UUID) -> None:
    """GET /integrations/{id} (from a str or a UUID), parsed into an Integration."""
    service = MockService(integration_single)
    async with service.client(AsyncKimonoClient) as kimono:
        integration = await kimono.integrations.get(integration_id)
    service.check("GET", PATH, {})
    assert isinstance(integration, Integration)
    assert integration.id == INTEGRATION_ID
    assert integration.account_id == ACCOUNT_ID
    assert (integration.name, integration.title, integration.version) == ("text",) * 3


async def test_create_from_a_dict() -> None:
    """POST /integrations with the dict as JSON; the answer is the created Integration."""
    service = MockService(integration_single)
    async with service.client(AsyncKimonoClient) as kimono:
        created = await kimono.integrations.create(example("IntegrationBody"))
    request = service.only
    check(request, "POST", "/integrations", {})
    assert sent_json(request) == {"name": "text", "title": "text", "version": "text"}
    assert created.id == INTEGRATION_ID


async def test_create_from_a_model() -> None:
    """An Integration model is sent with only the fields it sets."""
    service = MockService(integration_single)
    async with service.client(AsyncKimonoClient) as kimono:
        body = Integration(name="gradebook", title="Gradebook")
        created = await kimono.integrations.create(body)
    assert sent_json(service.only) == {"name": "gradebook", "title": "Gradebook"}
    assert created.account_id == ACCOUNT_ID


async def test_update_patches_and_returns_none() -> None:
    """PATCH /integrations/{id} with the model's fields; the 204 gives None."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as kimono:
        result = await kimono.integrations.update(INTEGRATION_ID, Integration(title="Renamed"))
    assert result is None
    service.check("PATCH", PATH, {})
    assert sent_json(service.only) == {"title": "Renamed"}


# Versions


async def test_list_versions_walks_two_pages() -> None:
    """GET .../versions page by page; release states are parsed, a missing one is UNSPECIFIED."""
    service = MockService(
        two_pages(
            "IntegrationVersionsPage",
            f"{PATH}/versions",
            {"version": "1.0"},
            {"version": "2.0", "release_state": "released"},
        )
    )
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.integrations.versions.list(INTEGRATION_ID, page_size=1)
        versions = [version async for version in pager]
    service.check_pages(f"{PATH}/versions", {"page_size": "1"})
    assert all(isinstance(v, IntegrationVersion) for v in versions)
    assert [(v.version, v.release_state) for v in versions] == [
        ("1.0", ReleaseState.UNSPECIFIED),
        ("2.0", ReleaseState.RELEASED),
    ]


async def test_create_version_posts_the_blueprint_as_xml() -> None:
    """POST .../versions sends the blueprint as UTF-8 XML with its length; the answer parses."""
    service = MockService(version_single)
    async with service.client(AsyncKimonoClient) as kimono:
        version = await kimono.integrations.versions.create(INTEGRATION_ID, BLUEPRINT)
    request = service.only
    check(request, "POST", f"{PATH}/versions", {})
    assert request.headers["content-type"] == "application/xml"
    assert request.content == BLUEPRINT.encode("utf-8")
    assert request.headers["content-length"] == str(len(BLUEPRINT.encode("utf-8")))
    assert isinstance(version, IntegrationVersion)
    assert (version.version, version.title) == ("1.2.0", "Fall release")
    assert version.release_state == ReleaseState.BETA


async def test_create_version_sends_bytes_unchanged() -> None:
    """A blueprint given as bytes is sent as is, as XML."""
    service = MockService(version_single)
    document = b"<integration>\xc3\x89</integration>"
    async with service.client(AsyncKimonoClient) as kimono:
        version = await kimono.integrations.versions.create(INTEGRATION_ID, document)
    assert version.version == "1.2.0"
    assert service.only.content == document
    assert service.only.headers["content-type"] == "application/xml"


async def test_update_version_patches_the_version() -> None:
    """PATCH .../versions/{version} with the dict; the 204 gives None."""
    service = MockService(status=204)
    async with service.client(AsyncKimonoClient) as kimono:
        result = await kimono.integrations.versions.update(
            INTEGRATION_ID, "1.2.0", example("IntegrationVersionBody")
        )
    assert result is None
    service.check("PATCH", f"{PATH}/versions/1.2.0", {})
    assert sent_json(service.only) == {
        "version": "text",
        "title": "text",
        "release_state": "unspecified",
    }


async def test_update_version_quotes_the_version_and_takes_a_model() -> None:
    """A "/" in the version is percent-encoded in the path; a model is sent by its fields."""
    service = MockService(status=204)
    body = IntegrationVersion(release_state=ReleaseState.DEPRECATED)
    async with service.client(AsyncKimonoClient) as kimono:
        await kimono.integrations.versions.update(INTEGRATION_ID, "1.0/beta", body)
    assert service.only.url.raw_path.decode() == f"/v2/interop{PATH}/versions/1.0%2Fbeta"
    assert sent_json(service.only) == {"release_state": "deprecated"}


@pytest.mark.parametrize(
    "call",
    [
        lambda k, v: k.integrations.versions.update(INTEGRATION_ID, v, {"title": "x"}),
        lambda k, v: k.integrations.versions.delete(INTEGRATION_ID, v),
        lambda k, v: k.integrations.versions.update_blueprint(INTEGRATION_ID, v, BLUEPRINT),
    ],
    ids=["update_version", "delete_version", "update_blueprint"],
)
async def test_bad_version_sends_nothing(call: Callable[[Any, object], Any]) -> None:
    """An empty or blank version raises ValueError, a version not a str TypeError, unsent."""
    service = MockService(never)
    async with service.client(AsyncKimonoClient) as kimono:
        for empty in ("", "   "):
            with pytest.raises(ValueError, match="version must not be empty"):
                await asettle(call(kimono, empty))
        with pytest.raises(TypeError, match="version must be a str"):
            await asettle(call(kimono, 1.2))
    assert service.calls == []


# Blueprints


async def test_update_blueprint_puts_xml() -> None:
    """PUT .../versions/{version}/blueprint with the XML; the answer is the version."""
    service = MockService(version_single)
    async with service.client(AsyncKimonoClient) as kimono:
        version = await kimono.integrations.versions.update_blueprint(
            INTEGRATION_ID, "1.2.0", BLUEPRINT
        )
    request = service.only
    check(request, "PUT", f"{PATH}/versions/1.2.0/blueprint", {})
    assert request.headers["content-type"] == "application/xml"
    assert request.content == BLUEPRINT.encode("utf-8")
    assert (version.version, version.title) == ("1.2.0", "Fall release")
    assert version.release_state == ReleaseState.BETA


async def test_update_blueprint_retried_after_503_sends_the_whole_document_again() -> None:
    """A retried PUT (after a 503) carries the whole blueprint again, not an empty body."""
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"})])

    def answer(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or version_single(request)

    service = MockService(answer)
    retry = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.001)
    async with service.client(AsyncKimonoClient, retry=retry) as kimono:
        await kimono.integrations.versions.update_blueprint(INTEGRATION_ID, "1.2.0", BLUEPRINT)
    assert [r.content for r in service.requests] == [BLUEPRINT.encode("utf-8")] * 2
