"""The rules the specs follow so the generated code stays tolerant and documented."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.specs import load_spec

NAMES = ("interop-data", "interop")


def walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    """Every (json-pointer, node) of a document."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


@pytest.mark.parametrize("name", NAMES)
def test_openapi_3_1(name: str) -> None:
    """Both contracts are OpenAPI 3.1."""
    assert load_spec(name)["openapi"] == "3.1.0"


@pytest.mark.parametrize("name", NAMES)
def test_no_ref_with_siblings(name: str) -> None:
    """A `$ref` stands alone (siblings are ignored by 3.0 tools and confuse the generator)."""
    offenders = [
        p for p, n in walk(load_spec(name)) if isinstance(n, dict) and "$ref" in n and len(n) > 1
    ]
    assert offenders == []


@pytest.mark.parametrize("name", NAMES)
def test_no_closed_objects(name: str) -> None:
    """No schema forbids unknown fields: the service adds fields, clients must keep working."""
    offenders = [
        p
        for p, n in walk(load_spec(name))
        if isinstance(n, dict) and n.get("additionalProperties") is False
    ]
    assert offenders == []


@pytest.mark.parametrize("name", NAMES)
def test_no_nullable_keyword(name: str) -> None:
    """Nullability is written the 3.1 way (`type: [.., "null"]`), never with 3.0's `nullable`."""
    assert [p for p, n in walk(load_spec(name)) if isinstance(n, dict) and "nullable" in n] == []


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_and_field_is_described(name: str) -> None:
    """Each component schema, and each property that is not a bare `$ref`, has a description."""
    missing = []
    for schema_name, schema in load_spec(name)["components"]["schemas"].items():
        if not schema.get("description"):
            missing.append(schema_name)
        parts = [schema, *schema.get("allOf", [])]
        for part in parts:
            for prop_name, prop in part.get("properties", {}).items():
                if "$ref" not in prop and not prop.get("description"):
                    missing.append(f"{schema_name}.{prop_name}")
    assert missing == []


@pytest.mark.parametrize("name", NAMES)
def test_enums_are_named_components(name: str) -> None:
    """Enums live in components, so each becomes one open enum class in the generated code."""
    top_level = re.compile(r"^#/components/schemas/[^/]+$")
    inline = [
        p
        for p, n in walk(load_spec(name))
        if isinstance(n, dict) and "enum" in n and not top_level.match(p)
    ]
    assert inline == []


@pytest.mark.parametrize("name", NAMES)
def test_secret_fields_are_marked_for_the_generator(name: str) -> None:
    """`format: password` and a description saying "Secret." go together: the model template
    (spec/templates/model.py.jinja) hides fields described as secret from the repr."""
    password, described = set(), set()
    for pointer, node in walk(load_spec(name)):
        if isinstance(node, dict) and "/properties/" in pointer:
            if node.get("format") == "password":
                password.add(pointer)
            if "Secret." in str(node.get("description", "")):
                described.add(pointer)
    assert password == described


def test_generated_reprs_hide_secrets() -> None:
    """A TenantInfo or Ingestion printed or logged shows no credential."""
    from kimono_interop_api.models import Ingestion, TenantInfo

    secrets = {
        "auth": {"type": "oauth2", "client_id": "cid", "client_secret": "S-1"},
        "app_auth": {
            "scheme": "oauth2",
            "token": "S-2",
            "refresh_token": "S-3",
            "client_secret": "S-4",
            "password": "S-5",
            "api_key": "S-6",
            "username": "user-1",
        },
    }
    tenant = TenantInfo.from_dict({"id": "2a4a2e06-7755-43bb-9766-4f398079ef8c", **secrets})
    text = repr(tenant)
    assert "cid" in text and "user-1" in text
    assert not any(f"S-{n}" in text for n in range(1, 7))
    assert tenant.to_dict()["app_auth"]["password"] == "S-5"  # still sent when needed
    ingestion = Ingestion.from_dict({"session_token": "S-7"})
    assert "S-7" not in repr(ingestion)


def test_generated_reprs_hide_secrets_among_unknown_members() -> None:
    """Members the spec does not declare are kept, and parsed models print them, but a
    secret-named one (at any depth) shows as ``***``, and a model described as secret
    shows none of its unknown members at all."""
    from kimono_interop_api.models import AppAuth, TenantInfo

    tenant = TenantInfo.from_dict(
        {
            "id": "2a4a2e06-7755-43bb-9766-4f398079ef8c",
            "district": "d-1",
            "oauth": {"clientSecret": "S-1", "client_id": "cid"},
            "webhook": {"headers": [{"x-api-key": "S-2"}]},
        }
    )
    text = repr(tenant)
    assert "d-1" in text and "cid" in text
    assert "S-1" not in text and "S-2" not in text
    assert tenant.additional_properties["oauth"]["clientSecret"] == "S-1"  # kept, not lost
    auth = AppAuth.from_dict({"scheme": "custom", "signing_key_material": "S-3"})
    assert "S-3" not in repr(auth)
    assert auth.to_dict()["signing_key_material"] == "S-3"
