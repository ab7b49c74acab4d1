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

from .._operations import OPERATIONS, Operation
from .._parsing import enveloped, parse_model
from .._types import NOT_GIVEN, Timeout
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
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Create a new version of an Integration from its Integration Blueprint.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8) with
        ``Content-Type: application/xml``. Returns the new IntegrationVersion.
        """
        path = {"id": validate_id(integration_id, "integration_id")}
        return await self._upload(OPERATIONS["createIntegrationVersion"], path, blueprint, timeout)

    async def update_blueprint(
        self,
        integration_id: str | UUID,
        version: str,
        blueprint: bytes | str,
        *,
        timeout: Timeout = NOT_GIVEN,
    ) -> IntegrationVersion:
        """Replace the Integration Blueprint (XML) of an Integration version.

        ``blueprint`` is the XML document, as bytes or str (sent as UTF-8).
        Returns the updated IntegrationVersion.
        """
        path = {
            "id": validate_id(integration_id, "integration_id"),
            "version": validate_path_value(version, "version"),
        }
        return await self._upload(
            OPERATIONS["updateIntegrationBlueprint"], path, blueprint, timeout
        )

    async def _upload(
        self, operation: Operation, path: dict[str, str], blueprint: object, timeout: Timeout
    ) -> IntegrationVersion:
        document = validate_blueprint(blueprint)
        response = await self._call(
            operation, path=path, content=document, headers=XML, timeout=timeout
        )
        return parse_model(response, enveloped(IntegrationVersion))
