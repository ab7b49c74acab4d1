# Written by scripts/unasync.py from kimono_interop/_async/integrations.py: edit that file,
# then run `make generate`.
"""Integrations: Integrations, their versions and their blueprints (Interop API, ``/integrations``).

An Integration is described, version by version, by an Integration Blueprint (an
XML document). Integrations can be listed (by name), looked up, created, updated
and deleted; their versions can be listed, created from a blueprint, updated
(title and release state) and deleted, and a version's blueprint replaced.
Updates and deletes answer 204 and return None. Integration ids are UUIDs,
checked before any request is sent; a version is the version string itself
(e.g. ``"1.2.0"``), not a UUID.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from kimono_interop_api.api.integrations import (
    create_integration,
    create_integration_version,
    delete_integration,
    delete_integration_version,
    find_integration,
    list_integration_versions,
    list_integrations,
    update_integration,
    update_integration_blueprint,
    update_integration_version,
)
from kimono_interop_api.models import (
    Integration,
    IntegrationResponse,
    IntegrationVersion,
    IntegrationVersionResponse,
)
from kimono_interop_api.types import File

from .._base_client import NOT_GIVEN, Timeout, parse_model
from .._pagination import SyncPager
from .._validation import validate_id
from ._resource import Resource, coerce


class Integrations(Resource):
    """Integrations and their versions (Interop API, ``/integrations``)."""

    def list(
        self,
        *,
        name: str | None = None,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[Integration]:
        """Every Integration of your account; ``name`` finds the one of that name."""
        return self._list(
            self._interop,
            list_integrations,
            Integration.from_dict,
            page_size=page_size,
            timeout=timeout,
            name=name,
        )

    def get(self, integration_id: object, *, timeout: Timeout = NOT_GIVEN) -> Integration:
        """One Integration by id; NotFoundError if there is none."""
        integration = validate_id(integration_id, "integration_id")
        return self._request(
            self._interop,
            find_integration,
            lambda body: IntegrationResponse.from_dict(body).data,
            integration,
            timeout=timeout,
        )

    def create(
        self, integration: Integration | Mapping[str, Any], *, timeout: Timeout = NOT_GIVEN
    ) -> Integration:
        """Create an Integration; returns the stored Integration (with its id).

        ``integration`` is an :class:`Integration` or its dict, e.g.
        ``{"name": "gradebook-sync", "title": "Gradebook Sync", "version": "1.0"}``.
        """
        body = coerce(Integration, integration, "integration")
        return self._request(
            self._interop,
            create_integration,
            lambda data: IntegrationResponse.from_dict(data).data,
            body=body,
            timeout=timeout,
        )

    def update(
        self,
        integration_id: object,
        integration: Integration | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update the properties of an Integration (PATCH: only the members given change)."""
        target = validate_id(integration_id, "integration_id")
        body = coerce(Integration, integration, "integration")
        self._no_content(self._interop, update_integration, target, body=body, timeout=timeout)

    def delete(self, integration_id: object, *, timeout: Timeout = NOT_GIVEN) -> None:
        """Delete an Integration; NotFoundError if there is none."""
        integration = validate_id(integration_id, "integration_id")
        self._no_content(self._interop, delete_integration, integration, timeout=timeout)

    def list_versions(
        self,
        integration_id: object,
        *,
        page_size: int | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> SyncPager[IntegrationVersion]:
        """Every version of an Integration (each described by an Integration Blueprint)."""
        integration = validate_id(integration_id, "integration_id")
        return self._list(
            self._interop,
            list_integration_versions,
            IntegrationVersion.from_dict,
            integration,
            page_size=page_size,
            timeout=timeout,
        )

    def create_version(
        self,
        integration_id: object,
        blueprint: bytes | str,
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Create a new version of an Integration from its Integration Blueprint.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8) with
        ``Content-Type: application/xml``. Returns the new IntegrationVersion.
        """
        integration = validate_id(integration_id, "integration_id")
        document = _blueprint_bytes(blueprint)
        return self._upload(create_integration_version, document, integration, timeout=timeout)

    def update_version(
        self,
        integration_id: object,
        version: str,
        integration_version: IntegrationVersion | Mapping[str, Any],
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> None:
        """Update an Integration version's properties (its title and release state)."""
        integration = validate_id(integration_id, "integration_id")
        name = _version(version)
        body = coerce(IntegrationVersion, integration_version, "integration_version")
        self._no_content(
            self._interop, update_integration_version, integration, name, body=body, timeout=timeout
        )

    def delete_version(
        self, integration_id: object, version: str, *, timeout: Timeout = NOT_GIVEN
    ) -> None:
        """Delete a version of an Integration; NotFoundError if there is none."""
        integration = validate_id(integration_id, "integration_id")
        name = _version(version)
        self._no_content(
            self._interop, delete_integration_version, integration, name, timeout=timeout
        )

    def update_blueprint(
        self,
        integration_id: object,
        version: str,
        blueprint: bytes | str,
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Replace the Integration Blueprint (XML) of an Integration version.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8).
        Returns the updated IntegrationVersion.
        """
        integration = validate_id(integration_id, "integration_id")
        name = _version(version)
        document = _blueprint_bytes(blueprint)
        return self._upload(
            update_integration_blueprint, document, integration, name, timeout=timeout
        )

    def _upload(
        self, operation: Any, document: bytes, *path_args: str, timeout: Timeout
    ) -> IntegrationVersion:
        # The generated module wraps the body in a File and would send its stream; a
        # stream cannot be sent by an httpx.Client, nor sent again on a retry or
        # after a token refresh. The path, method and headers come from the module;
        # the body goes out as bytes.
        kwargs = operation._get_kwargs(*path_args, body=File(payload=io.BytesIO(document)))
        response = self._interop.send(
            kwargs["method"],
            kwargs["url"],
            content=document,
            headers=kwargs.get("headers"),
            timeout=timeout,
        )
        return parse_model(response, lambda body: IntegrationVersionResponse.from_dict(body).data)


def _version(value: object) -> str:
    """``value`` if it is a non-empty version string; ValueError naming ``version`` otherwise."""
    if not isinstance(value, str):
        raise TypeError(f"version must be a str such as '1.0', not {type(value).__name__}")
    if not value.strip():
        raise ValueError("version must not be empty; pass the version string, e.g. '1.0'")
    return value


def _blueprint_bytes(value: object) -> bytes:
    """The blueprint document as bytes (a str is encoded as UTF-8); it must not be empty."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    if not isinstance(value, bytes):
        raise TypeError(f"blueprint must be bytes or str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError("blueprint must not be empty; pass the Integration Blueprint XML")
    return value
