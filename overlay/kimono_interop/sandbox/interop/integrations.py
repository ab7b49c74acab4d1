"""Integrations and their versions, each version created from an Integration Blueprint.

A blueprint is an XML document; the version, title and release state it declares
(as attributes of its root element, or child elements) become the version's. The
sandbox keeps the blueprint's text with the version (``_blueprint``) and which
Integration the version belongs to (``_integration_id``).
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from starlette.requests import Request
from starlette.responses import Response

from kimono_interop_api.models import ReleaseState

from ..api import ApiError, Handler, bounded_body, principal, sandbox_state
from ..state import SandboxState
from . import clock
from .answers import bad, no_content, one, page
from .checks import STR, fields, one_of
from .common import account_owner, find, object_body, path_id
from .store import INTEGRATIONS, VERSIONS, col, created

#: In the order of a version's life, the order a 400 lists them in.
RELEASE_STATES = tuple(
    state.value
    for state in (
        ReleaseState.UNSPECIFIED,
        ReleaseState.DEVELOPMENT,
        ReleaseState.BETA,
        ReleaseState.RELEASED,
        ReleaseState.DEPRECATED,
    )
)
INTEGRATION = {"name": STR, "title": STR, "version": STR}
INTEGRATION_VERSION = {"version": STR, "title": STR, "release_state": one_of(RELEASE_STATES)}


def blueprint(raw: bytes, content_type: str) -> tuple[str, dict[str, str]]:
    """The blueprint's text and what it says: ``version``, ``title``, ``release_state``.

    Each is read from the root element's attribute of that name, or its child element.
    """
    media = content_type.split(";", 1)[0].strip().lower()
    if not media.endswith("xml"):
        raise bad(f"An Integration Blueprint is sent as application/xml, not {media or 'nothing'}")
    if not raw.strip():
        raise bad("The Integration Blueprint (an XML document) is required")
    try:
        root = ElementTree.fromstring(raw)
        text = raw.decode("utf-8")
    except (ElementTree.ParseError, UnicodeDecodeError) as exc:
        raise bad(f"The Integration Blueprint is not well-formed XML: {exc}") from None
    said: dict[str, str] = {}
    for name in ("version", "title", "release_state"):
        value = root.get(name) or root.findtext(name)
        if value and value.strip():
            said[name] = value.strip()
    state = said.get("release_state")
    if state is not None and state not in RELEASE_STATES:
        raise bad(f"release_state must be one of {', '.join(RELEASE_STATES)}, got {state!r}")
    return text, said


def _name_taken(state: SandboxState, name: str, but: str | None = None) -> bool:
    return any(i.get("name") == name and i["id"] != but for i in col(state, INTEGRATIONS).values())


def _versions(state: SandboxState, integration_id: str) -> list[dict[str, Any]]:
    return [v for v in col(state, VERSIONS).values() if v["_integration_id"] == integration_id]


def _version_of(state: SandboxState, integration_id: str, version: str) -> dict[str, Any]:
    for found in _versions(state, integration_id):
        if found["version"] == version:
            return found
    raise ApiError(404, "not_found", f"Integration {integration_id} has no version {version!r}")


def _integration(request: Request) -> tuple[SandboxState, dict[str, Any]]:
    """The state and the Integration the path's ``{id}`` names, for an authenticated caller."""
    principal(request)
    state = sandbox_state(request)
    found = find(col(state, INTEGRATIONS), path_id(request, "Integration"), "Integration")
    return state, found


async def list_integrations(request: Request) -> Response:
    """``GET /integrations``: every Integration, or the one ``name`` asks for."""
    principal(request)
    name = request.query_params.get("name")
    found = [
        i
        for i in col(sandbox_state(request), INTEGRATIONS).values()
        if name is None or i.get("name") == name
    ]
    return page(request, found)


async def create_integration(request: Request) -> Response:
    """``POST /integrations``: a new Integration, its name unique."""
    who = principal(request)
    state = sandbox_state(request)
    body = await object_body(request, "an Integration")
    checked = fields(body, INTEGRATION, "integration", required=("name",))
    integration = created({**account_owner(state, who), **checked})
    with state.lock:
        if _name_taken(state, checked["name"]):
            raise bad(f"An Integration named {checked['name']!r} exists already")
        col(state, INTEGRATIONS)[integration["id"]] = integration
    return one(integration)


async def find_integration(request: Request) -> Response:
    """``GET /integrations/{id}``."""
    return one(_integration(request)[1])


async def update_integration(request: Request) -> Response:
    """``PATCH /integrations/{id}``: the fields sent, its name still unique."""
    state, integration = _integration(request)
    body = await object_body(request, "an Integration")
    checked = fields(body, INTEGRATION, "integration")
    with state.lock:
        if "name" in checked and _name_taken(state, checked["name"], integration["id"]):
            raise bad(f"An Integration named {checked['name']!r} exists already")
        integration.update(checked, updated_at=clock.now())
    return no_content()


async def delete_integration(request: Request) -> Response:
    """``DELETE /integrations/{id}``: the Integration and its versions."""
    state, integration = _integration(request)
    with state.lock:
        col(state, INTEGRATIONS).pop(integration["id"], None)
        for version in _versions(state, integration["id"]):
            col(state, VERSIONS).pop(version["id"], None)
    return no_content()


async def list_integration_versions(request: Request) -> Response:
    """``GET /integrations/{id}/versions``."""
    state, integration = _integration(request)
    return page(request, _versions(state, integration["id"]))


async def create_integration_version(request: Request) -> Response:
    """``POST /integrations/{id}/versions``: the version a blueprint (XML) declares."""
    state, integration = _integration(request)
    text, said = blueprint(await bounded_body(request), request.headers.get("content-type", ""))
    name = said.get("version")
    if name is None:
        raise bad(
            "The blueprint names no version: give the root element a version attribute "
            '(<integration version="1.1">) or a <version> child'
        )
    version = created(
        {
            **({"account_id": integration["account_id"]} if "account_id" in integration else {}),
            "version": name,
            "title": said.get("title", f"{integration.get('title', integration['name'])} {name}"),
            "release_state": said.get("release_state", ReleaseState.DEVELOPMENT.value),
            "_integration_id": integration["id"],
            "_blueprint": text,
        }
    )
    with state.lock:
        if any(v["version"] == name for v in _versions(state, integration["id"])):
            raise bad(f"Integration {integration['id']} has a version {name!r} already")
        col(state, VERSIONS)[version["id"]] = version
    return one(version)


async def update_integration_version(request: Request) -> Response:
    """``PATCH /integrations/{id}/versions/{version}``: title and release state."""
    state, integration = _integration(request)
    name = request.path_params["version"]
    version = _version_of(state, integration["id"], name)
    body = await object_body(request, "an IntegrationVersion")
    checked = fields(body, INTEGRATION_VERSION, "integration_version")
    if checked.pop("version", name) != name:
        raise bad("An Integration version's version string cannot change")
    with state.lock:
        version.update(checked, updated_at=clock.now())
    return no_content()


async def delete_integration_version(request: Request) -> Response:
    """``DELETE /integrations/{id}/versions/{version}``."""
    state, integration = _integration(request)
    version = _version_of(state, integration["id"], request.path_params["version"])
    with state.lock:
        col(state, VERSIONS).pop(version["id"], None)
    return no_content()


async def update_integration_blueprint(request: Request) -> Response:
    """``PUT /integrations/{id}/versions/{version}/blueprint``: a new blueprint, same version."""
    state, integration = _integration(request)
    name = request.path_params["version"]
    version = _version_of(state, integration["id"], name)
    text, said = blueprint(await bounded_body(request), request.headers.get("content-type", ""))
    if said.get("version", name) != name:
        raise bad(f"The blueprint is of version {said['version']!r}, not {name!r}")
    said.pop("version", None)
    with state.lock:
        version.update(said, _blueprint=text, updated_at=clock.now())
    return one(version)


HANDLERS: dict[str, Handler] = {
    "listIntegrations": list_integrations,
    "createIntegration": create_integration,
    "findIntegration": find_integration,
    "updateIntegration": update_integration,
    "deleteIntegration": delete_integration,
    "listIntegrationVersions": list_integration_versions,
    "createIntegrationVersion": create_integration_version,
    "updateIntegrationVersion": update_integration_version,
    "deleteIntegrationVersion": delete_integration_version,
    "updateIntegrationBlueprint": update_integration_blueprint,
}
