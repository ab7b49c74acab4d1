"""Actors and Interop Clouds: listing actors, and creating, searching and removing clouds.

Removing a cloud removes the actors installed in it (the ``_cloud_id`` they carry);
an actor's credentials are sent only when ``credentials=true`` asks for them.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..api import Handler, principal, sandbox_state
from .answers import bad, no_content, one, page
from .checks import INT, STR, fields
from .common import account_owner, bool_param, find, object_body, path_id
from .store import ACTORS, CLOUDS, col, created

CLOUD = {"name": STR, "userdata": STR, "generation": INT}


async def list_actors(request: Request) -> Response:
    """``GET /actors``: every actor."""
    principal(request)
    return page(request, col(sandbox_state(request), ACTORS).values())


async def list_clouds(request: Request) -> Response:
    """``GET /clouds``: every Interop Cloud."""
    principal(request)
    return page(request, col(sandbox_state(request), CLOUDS).values())


async def search_clouds(request: Request) -> Response:
    """``GET /clouds/search``: the clouds whose generation, userdata and name match."""
    principal(request)
    query = request.query_params
    generation: int | None = None
    if "generation" in query:
        try:
            generation = int(query["generation"])
        except ValueError:
            raise bad("generation must be an integer") from None
    found = [
        cloud
        for cloud in col(sandbox_state(request), CLOUDS).values()
        if (generation is None or cloud.get("generation") == generation)
        and ("userdata" not in query or cloud.get("userdata") == query["userdata"])
        and ("name" not in query or cloud.get("name") == query["name"])
    ]
    return page(request, found)


async def create_cloud(request: Request) -> Response:
    """``POST /clouds``: a new cloud of the caller's account."""
    who = principal(request)
    state = sandbox_state(request)
    checked = fields(await object_body(request, "a Cloud"), CLOUD, "cloud")
    cloud = created({**account_owner(state, who), **checked})
    with state.lock:
        col(state, CLOUDS)[cloud["id"]] = cloud
    return one(cloud)


async def find_cloud(request: Request) -> Response:
    """``GET /clouds/{id}``."""
    principal(request)
    return one(find(col(sandbox_state(request), CLOUDS), path_id(request, "Cloud"), "Cloud"))


async def delete_cloud(request: Request) -> Response:
    """``DELETE /clouds/{id}``: the cloud and the actors installed in it."""
    principal(request)
    state = sandbox_state(request)
    cloud_id = path_id(request, "Cloud")
    with state.lock:
        find(col(state, CLOUDS), cloud_id, "Cloud")
        del col(state, CLOUDS)[cloud_id]
        actors = col(state, ACTORS)
        for actor_id in [k for k, v in actors.items() if v.get("_cloud_id") == cloud_id]:
            del actors[actor_id]
    return no_content()


async def list_actors_by_cloud(request: Request) -> Response:
    """``GET /clouds/{id}/actors``: the actors installed in a cloud, credentials if asked."""
    principal(request)
    state = sandbox_state(request)
    with_credentials = bool_param(request, "credentials", False)
    cloud_id = path_id(request, "Cloud")
    find(col(state, CLOUDS), cloud_id, "Cloud")
    actors: list[dict[str, Any]] = [
        actor if with_credentials else {k: v for k, v in actor.items() if k != "auth"}
        for actor in col(state, ACTORS).values()
        if actor.get("_cloud_id") == cloud_id
    ]
    return page(request, actors)


HANDLERS: dict[str, Handler] = {
    "listActors": list_actors,
    "listClouds": list_clouds,
    "createCloud": create_cloud,
    "searchClouds": search_clouds,
    "findCloud": find_cloud,
    "deleteCloud": delete_cloud,
    "listActorsByCloud": list_actors_by_cloud,
}
