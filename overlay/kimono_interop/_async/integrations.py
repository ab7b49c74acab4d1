"""Integration versions' hand-written behaviour: uploading an Integration Blueprint (XML).

An Integration is described, version by version, by an Integration Blueprint: an
XML document sent as ``application/xml``. The generated module of such an
operation would wrap it in a stream, which an async client cannot send and no
client can send again on a retry or after a token refresh, so these two methods
send the document as bytes.
"""

from __future__ import annotations

from uuid import UUID

from kimono_interop_api.models import IntegrationVersion

from .._operations import OPERATIONS
from .._parsing import enveloped
from .._types import NOT_GIVEN, Headers, Query, Timeout
from .._validation import validate_blueprint, validate_id, validate_path_value
from ._resource import AsyncResource

XML = {"Content-Type": "application/xml"}


class AsyncIntegrationVersionsBehaviour(AsyncResource):
    """Creating an Integration version from a blueprint, and replacing its blueprint."""

    async def create(
        self,
        integration_id: str | UUID,
        blueprint: bytes | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Create a new version of an Integration from its Integration Blueprint.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8) with
        ``Content-Type: application/xml``. Returns the new IntegrationVersion.
        """
        return await self._one(
            OPERATIONS["createIntegrationVersion"],
            enveloped(IntegrationVersion),
            path={"id": validate_id(integration_id, "integration_id")},
            content=validate_blueprint(blueprint),
            headers=XML,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )

    async def update_blueprint(
        self,
        integration_id: str | UUID,
        version: str,
        blueprint: bytes | str,
        *,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Replace the Integration Blueprint (XML) of an Integration version.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8).
        Returns the updated IntegrationVersion.
        """
        return await self._one(
            OPERATIONS["updateIntegrationBlueprint"],
            enveloped(IntegrationVersion),
            path={
                "id": validate_id(integration_id, "integration_id"),
                "version": validate_path_value(version, "version"),
            },
            content=validate_blueprint(blueprint),
            headers=XML,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
        )
