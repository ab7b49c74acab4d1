"""Actors and Interop Clouds: the requests the resources send and what they parse."""

from __future__ import annotations

import uuid

import httpx
import pytest

from kimono_interop import AsyncKimonoClient
from kimono_interop_api.models import Actor, ActorKind, AuthKind, Cloud
from tests.support.mock_service import MockService, example, never, sent_json, two_pages

pytestmark = pytest.mark.anyio

CLOUD_ID = "5f7a1c2e-0d3b-4a6c-9e8f-1a2b3c4d5e6f"
ACCOUNT_ID = "6a8b2d3f-1e4c-4b7d-8f9a-2b3c4d5e6f70"
ACTOR_ID = "7b9c3e4f-2f5d-4c8e-9a0b-3c4d5e6f7081"
ACTORS_OF_CLOUD = f"/clouds/{CLOUD_ID}/actors"


def cloud_single(request: httpx.Request) -> httpx.Response:
    """The CloudSingle example, with this module's ids and a creation time."""
    body = example("CloudSingle")
    body["data"].update(id=CLOUD_ID, account_id=ACCOUNT_ID, created_at="2025-01-02T03:04:05Z")
    return httpx.Response(200, json=body)


# Actors


async def test_actors_list_walks_two_pages() -> None:
    """Both pages are asked for with the page size, and every Actor is parsed with its auth."""
    service = MockService.two_pages("ActorsPage", "/actors", {"id": ACTOR_ID}, {"name": "second"})
    async with service.client(AsyncKimonoClient) as kimono:
        actors = [actor async for actor in kimono.actors.list(page_size=1)]
    service.check_pages("/actors", {"page_size": "1"})
    assert all(isinstance(actor, Actor) for actor in actors)
    assert actors[0].id == ACTOR_ID
    assert actors[0].type_ == ActorKind.CONNECTOR
    assert actors[0].auth.type_ == AuthKind.OAUTH2
    assert actors[0].auth.client_secret == "password"
    assert [actor.name for actor in actors] == ["text", "second"]


async def test_actors_list_without_a_page_size_sends_only_the_page() -> None:
    """No page_size given: the pages are asked for by number alone."""
    service = MockService.two_pages("ActorsPage", "/actors", {"name": "one"}, {"name": "two"})
    async with service.client(AsyncKimonoClient) as kimono:
        names = [actor.name async for actor in kimono.actors.list()]
    assert names == ["one", "two"]
    service.check_pages("/actors", {})


# Clouds: list and search


async def test_clouds_list_walks_two_pages() -> None:
    """GET /clouds page by page, each Cloud parsed with its id, name, userdata and generation."""
    service = MockService.two_pages("CloudsPage", "/clouds", {"id": CLOUD_ID}, {"generation": 2})
    async with service.client(AsyncKimonoClient) as kimono:
        clouds = [cloud async for cloud in kimono.clouds.list(page_size=1)]
    service.check_pages("/clouds", {"page_size": "1"})
    assert all(isinstance(cloud, Cloud) for cloud in clouds)
    assert clouds[0].id == CLOUD_ID
    assert [(c.name, c.userdata, c.generation) for c in clouds] == [
        ("text", "text", 1),
        ("text", "text", 2),
    ]


async def test_clouds_search_sends_filters_on_every_page() -> None:
    """The filters stay on page 1 although the service's next link drops them."""
    service = MockService(
        two_pages("CloudsPage", "/clouds/search", {"name": "prod"}, {"name": "prod"})
    )
    async with service.client(AsyncKimonoClient) as kimono:
        search = kimono.clouds.search(generation=3, userdata="east", name="prod")
        clouds = [cloud async for cloud in search]
    assert [c.name for c in clouds] == ["prod", "prod"]
    service.check_pages("/clouds/search", {"generation": "3", "userdata": "east", "name": "prod"})


async def test_clouds_search_without_filters_sends_none() -> None:
    """A search without filters asks for the page alone."""
    service = MockService.two_pages("CloudsPage", "/clouds/search", {}, {"name": "last"})
    async with service.client(AsyncKimonoClient) as kimono:
        names = [cloud.name async for cloud in kimono.clouds.search()]
    assert names == ["text", "last"]
    service.check_pages("/clouds/search", {})


async def test_clouds_search_refuses_a_non_int_generation() -> None:
    """A generation that is not an int raises TypeError, and nothing is sent."""
    service = MockService(never)
    async with service.client(AsyncKimonoClient) as kimono:
        with pytest.raises(TypeError, match="generation"):
            kimono.clouds.search(generation="3")  # type: ignore[arg-type]
    assert service.calls == []


# Clouds: one object


@pytest.mark.parametrize("cloud_id", [CLOUD_ID.upper(), uuid.UUID(CLOUD_ID)], ids=["str", "UUID"])
async def test_clouds_get(cloud_id: str | uuid.UUID) -> None:
    """GET /clouds/{id} with the id normalised (from a str in any case, or a UUID), parsed."""
    service = MockService(cloud_single)
    async with service.client(AsyncKimonoClient) as kimono:
        cloud = await kimono.clouds.get(cloud_id)
    service.check("GET", f"/clouds/{CLOUD_ID}", {})
    assert isinstance(cloud, Cloud)
    assert cloud.id == CLOUD_ID
    assert cloud.account_id == ACCOUNT_ID
    assert cloud.created_at.year == 2025
    assert (cloud.name, cloud.userdata, cloud.generation) == ("text", "text", 1)


async def test_clouds_create_from_a_dict() -> None:
    """POST /clouds with the dict as JSON; the created Cloud is parsed from the answer."""
    service = MockService(cloud_single)
    async with service.client(AsyncKimonoClient) as kimono:
        created = await kimono.clouds.create(example("CloudBody"))
    service.check("POST", "/clouds", {})
    assert service.only.headers["content-type"] == "application/json"
    assert sent_json(service.only) == {"name": "text", "userdata": "text", "generation": 1}
    assert created.id == CLOUD_ID
    assert created.generation == 1


async def test_clouds_create_from_a_model() -> None:
    """A Cloud model is sent with only the fields it sets."""
    service = MockService(cloud_single)
    async with service.client(AsyncKimonoClient) as kimono:
        created = await kimono.clouds.create(Cloud(name="Sandbox", generation=2))
    assert sent_json(service.only) == {"name": "Sandbox", "generation": 2}
    assert created.id == CLOUD_ID


# Clouds: actors of one cloud


async def test_clouds_list_actors_with_credentials_walks_two_pages() -> None:
    """credentials=true is sent on every page; the actors' kinds and credentials are parsed."""
    service = MockService(
        two_pages("ActorsPage", ACTORS_OF_CLOUD, {"type": "integration"}, {"type": "repository"})
    )
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.clouds.list_actors(CLOUD_ID, credentials=True, page_size=1)
        actors = [actor async for actor in pager]
    service.check_pages(ACTORS_OF_CLOUD, {"credentials": "true", "page_size": "1"})
    assert [a.type_ for a in actors] == [ActorKind.INTEGRATION, ActorKind.REPOSITORY]
    assert actors[0].auth.client_id == "text"


async def test_clouds_list_actors_without_credentials() -> None:
    """credentials=False is sent as "false"."""
    service = MockService.two_pages("ActorsPage", ACTORS_OF_CLOUD, {"name": "a"}, {"name": "b"})
    async with service.client(AsyncKimonoClient) as kimono:
        pager = kimono.clouds.list_actors(CLOUD_ID, credentials=False)
        names = [actor.name async for actor in pager]
    assert names == ["a", "b"]
    service.check_pages(ACTORS_OF_CLOUD, {"credentials": "false"})
