"""Check an HTTP exchange against the specs: the operation exists and the body fits its schema.

Used by the sandbox tests so the sandbox cannot drift from the contract. Schemas
are checked with the OpenAPI 3.1 JSON Schema dialect (``openapi-schema-validator``),
with ``$ref``s resolved inside the spec document.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.support.specs import load_spec

PREFIXES = (("/v2/interop/data", "interop-data"), ("/v2/interop", "interop"))


@functools.cache
def _operations(name: str) -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    spec = load_spec(name)
    found = []
    for path, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            if method != "parameters":
                found.append((pattern, method.upper(), operation))
    # Literal segments win over templated ones (/tasks/ack before /tasks/{id}/ack).
    found.sort(key=lambda entry: entry[0].pattern.count("[^/]+"))
    return found


@functools.cache
def _registry(name: str) -> Registry:
    document = Resource.from_contents(load_spec(name), default_specification=DRAFT202012)
    return Registry().with_resource("spec", document)


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]]:
    for prefix, name in PREFIXES:
        if path.startswith(prefix + "/") or path == prefix:
            rest = path[len(prefix) :]
            for pattern, verb, operation in _operations(name):
                if verb == method and pattern.match(rest):
                    return name, operation
            raise AssertionError(f"{method} {path}: no such operation in spec {name}")
    raise AssertionError(f"{method} {path}: not under an API prefix")


def check(method: str, path: str, status: int, body: Any) -> str:
    """Assert the exchange fits the contract; return the operationId."""
    name, operation = operation_for(method, path)
    responses = operation["responses"]
    assert str(status) in responses, f"{operation['operationId']}: status {status} not documented"
    response = responses[str(status)]
    if "$ref" in response:
        response = load_spec(name)["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    content = response.get("content", {}).get("application/json")
    if content is None:
        return str(operation["operationId"])
    schema = _rewrite(content["schema"])
    validator = OAS31Validator(
        schema, registry=_registry(name), format_checker=OAS31Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, f"{operation['operationId']} {status}: " + "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<body>'}: {e.message}" for e in errors[:5]
    )
    return str(operation["operationId"])


def _rewrite(node: Any) -> Any:
    """Point local refs (#/components/...) at the registered spec document."""
    if isinstance(node, dict):
        return {
            k: (
                "spec" + v
                if k == "$ref" and isinstance(v, str) and v.startswith("#")
                else _rewrite(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node
