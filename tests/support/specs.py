"""Helpers the tests share: loading the specs and walking their operations and examples."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import yaml

from tests.support import ROOT

SPECS = {
    "interop-data": ROOT / "spec" / "interop-data.yaml",
    "interop": ROOT / "spec" / "interop.yaml",
}
PACKAGES = {
    "interop-data": "kimono_interop_data_api",
    "interop": "kimono_interop_api",
}
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


@functools.cache
def load_spec(name: str) -> dict[str, Any]:
    """The parsed YAML of one spec (cached; do not mutate)."""
    with SPECS[name].open() as handle:
        return yaml.safe_load(handle)


def models(name: str) -> ModuleType:
    """The generated `models` module of the package built from spec `name`."""
    return importlib.import_module(f"{PACKAGES[name]}.models")


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s until a node that is not a reference."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def ref_name(node: dict[str, Any]) -> str | None:
    """The component name a `{"$ref": "#/components/schemas/X"}` points to, else None."""
    ref = node.get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


@dataclass(frozen=True)
class Operation:
    """One operation of a spec."""

    spec_name: str
    method: str
    path: str
    body: dict[str, Any]

    @property
    def operation_id(self) -> str:
        return str(self.body["operationId"])


def operations(name: str) -> Iterator[Operation]:
    """Every operation of spec `name`, in file order."""
    for path, item in load_spec(name)["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield Operation(name, method.upper(), path, item[method])


@dataclass(frozen=True)
class Example:
    """A documented example value with the schema it illustrates."""

    where: str
    schema: dict[str, Any]
    value: Any


def examples(name: str) -> Iterator[Example]:
    """Every JSON example of every request body and response of spec `name`."""
    spec = load_spec(name)
    for op in operations(name):
        sources: list[tuple[str, Any]] = []
        if "requestBody" in op.body:
            sources.append(("request", resolve(spec, op.body["requestBody"])))
        for status, response in op.body.get("responses", {}).items():
            sources.append((status, resolve(spec, response)))
        for label, source in sources:
            media = source.get("content", {}).get("application/json")
            if not media:
                continue
            for example_name, example in media.get("examples", {}).items():
                example = resolve(spec, example)
                yield Example(
                    where=f"{op.operation_id} {label} {example_name}",
                    schema=media["schema"],
                    value=example["value"],
                )


def sdk_method(client: Any, operation_id: str) -> Any:
    """The bound SDK method that calls ``operation_id`` (from the generated operation table)."""
    from kimono_interop._operations import OPERATIONS

    target = client
    operation = OPERATIONS[operation_id]
    for part in operation.resource.split("."):
        target = getattr(target, part)
    return getattr(target, operation.name)
