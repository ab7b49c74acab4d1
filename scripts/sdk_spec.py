"""Reading the SDK's resource layer from spec/: each operation's `x-sdk` declaration and
the top-level `x-sdk-resources`, checked, as `Op` and `Resource` objects.

What the declarations mean is told in scripts/generate_resources.py, which writes the
code from what this module reads. A declaration that cannot become a method raises
`DeclarationError` naming the operation and what to change.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: (spec file below the root, short API name, generated package)
SPECS = (
    ("spec/interop-data.yaml", "data", "kimono_interop_data_api"),
    ("spec/interop.yaml", "interop", "kimono_interop_api"),
)
PACKAGE = "overlay/kimono_interop"
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
PAGING = ("page", "page_size")
#: The keywords every method takes (the README's method table leaves them out).
PER_CALL = ("extra_headers", "extra_query", "timeout")


class DeclarationError(Exception):
    """A declaration in spec/ that cannot be turned into a method."""


@dataclass(frozen=True)
class Param:
    """A path or query parameter of an operation, as the SDK method takes it."""

    wire: str  # the name on the wire
    name: str  # the Python name
    kind: str  # "uuid", "str", "int", "bool"
    required: bool
    description: str
    default: Any = None  # the spec's default, sent when the caller gives nothing


@dataclass
class Op:
    """One operation and everything its SDK method needs."""

    id: str
    api: str
    package: str
    http: str
    path: str
    resource: str
    name: str
    custom: bool
    summary: str
    description: str
    path_params: list[Param] = field(default_factory=list)
    query: list[Param] = field(default_factory=list)
    shape: str = "none"  # list, one, count, none
    model: str | None = None  # item model (list) or object model (one)
    read: str = ""  # one: "enveloped" or "bare_or_enveloped" or "plain"
    max_page_size: int | None = None
    body_name: str | None = None
    body_model: str | None = None
    body_required: bool = False
    #: Checks of the body's own fields the spec states: (field, kind, minimum, maximum, required).
    body_checks: list[tuple[str, str, Any, Any, bool]] = field(default_factory=list)
    models: set[str] = field(default_factory=set)
    #: Whether ``client.with_raw_response`` has it: every generated call of one object, a
    #: count or nothing, and a custom call declared ``raw: true``.
    raw: bool = False


@dataclass
class Resource:
    """One node of the resource tree (``rostering``, ``rostering.orgs`` ...)."""

    path: str
    doc: str = ""
    behaviour: str | None = None  # "module.Class" in kimono_interop/_async
    operations: list[Op] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    #: The public methods of the behaviour class, as README shows them: name -> "name(args)".
    hand_written: dict[str, str] = field(default_factory=dict)

    @property
    def attribute(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def class_name(self) -> str:
        # "Resource" keeps the sync names (Async is dropped) clear of the models' names.
        return "Async" + "".join(_pascal(part) for part in self.path.split(".")) + "Resource"

    @property
    def raw_class_name(self) -> str:
        """The class of its raw twin (``client.with_raw_response.<path>``)."""
        return self.class_name.removesuffix("Resource") + "WithRawResponse"


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


class Spec:
    """One spec file, with `$ref` resolution."""

    def __init__(self, path: Path, api: str, package: str) -> None:
        self.path = path
        self.api = api
        self.package = package
        self.data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.data
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    @staticmethod
    def ref_name(node: Any) -> str | None:
        ref = node.get("$ref", "") if isinstance(node, dict) else ""
        return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None

    def operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in self.data.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method in item:
                    yield path, method, item[method]


def read_operations(spec: Spec) -> list[Op]:
    """Every operation of ``spec`` with its SDK declaration, checked."""
    ops: list[Op] = []
    for path, method, raw in spec.operations():
        op_id = raw.get("operationId")
        declared = raw.get("x-sdk")
        if not isinstance(declared, dict):
            raise DeclarationError(f"{spec.path.name}: {op_id} has no x-sdk declaration")
        unknown = set(declared) - {"resource", "method", "args", "body", "custom", "raw"}
        if unknown:
            raise DeclarationError(f"{op_id}: x-sdk has unknown keys {sorted(unknown)}")
        op = Op(
            id=op_id,
            api=spec.api,
            package=spec.package,
            http=method.upper(),
            path=path,
            resource=str(declared["resource"]),
            name=str(declared["method"]),
            custom=bool(declared.get("custom", False)),
            summary=str(raw.get("summary", "")).strip(),
            description=str(raw.get("description", "")).strip(),
        )
        renames = declared.get("args", {}) or {}
        for raw_param in raw.get("parameters", []):
            param = spec.resolve(raw_param)
            name, where = param["name"], param["in"]
            if where == "query" and name in PAGING:
                if name == "page_size":
                    op.max_page_size = param.get("schema", {}).get("maximum")
                continue
            schema = spec.resolve(param.get("schema", {}))
            entry = Param(
                wire=name,
                name=renames.get(name, name) if where == "path" else name,
                kind=_kind(schema),
                required=bool(param.get("required", False)),
                description=" ".join(str(param.get("description", "")).split()),
                default=schema.get("default"),
            )
            if where == "path":
                op.path_params.append(entry)
            elif where == "query":
                op.query.append(entry)
        order = re.findall(r"\{([^}]+)\}", path)
        op.path_params.sort(key=lambda p: order.index(p.wire))
        _read_body(spec, op, raw, declared.get("body"))
        _read_response(spec, op, raw)
        if "raw" in declared and not op.custom:
            raise DeclarationError(
                f"{op_id}: raw is for custom methods (a generated call of one object, a "
                "count or nothing always has its raw twin, a list never)"
            )
        op.raw = bool(declared.get("raw")) if op.custom else op.shape in ("one", "count", "none")
        ops.append(op)
    return ops


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    if kind == "integer":
        return "int"
    if kind == "boolean":
        return "bool"
    if kind == "string":
        return "uuid" if schema.get("format") == "uuid" else "str"
    raise DeclarationError(f"parameter type {kind!r} is not supported by the generator")


def _read_body(spec: Spec, op: Op, raw: dict[str, Any], name: Any) -> None:
    body = spec.resolve(raw.get("requestBody"))
    if not body:
        return
    content = body.get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if op.custom:
        return
    if schema is None:
        raise DeclarationError(f"{op.id}: a non-JSON body needs a hand-written (custom) method")
    model = Spec.ref_name(schema)
    if model is None or not name:
        raise DeclarationError(f"{op.id}: the body must be a named schema and x-sdk must name it")
    op.body_name, op.body_model, op.body_required = str(name), model, bool(body.get("required"))
    op.body_checks = _field_checks(spec, spec.resolve(schema))
    op.models.add(model)


def _field_checks(spec: Spec, schema: dict[str, Any]) -> list[tuple[str, str, Any, Any, bool]]:
    """What the spec says of a body's scalar fields that the models do not check on parsing."""
    parts = [schema, *(spec.resolve(part) for part in schema.get("allOf", []))]
    required = {name for part in parts for name in part.get("required", [])}
    checks = []
    for part in parts:
        for name, prop in part.get("properties", {}).items():
            prop = spec.resolve(prop)
            kind = {"integer": "int", "boolean": "bool"}.get(prop.get("type", ""), "")
            bounded = "minimum" in prop or "maximum" in prop
            if kind or name in required or bounded:
                checks.append(
                    (name, kind, prop.get("minimum"), prop.get("maximum"), name in required)
                )
    return checks


def _read_response(spec: Spec, op: Op, raw: dict[str, Any]) -> None:
    success = sorted(code for code in raw.get("responses", {}) if code.startswith("2"))
    response = spec.resolve(raw["responses"][success[0]]) if success else {}
    schema = response.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        op.shape = "none"
        return
    resolved = spec.resolve(schema)
    if resolved.get("type") == "integer":
        op.shape = "count"
        return
    name = Spec.ref_name(schema)
    if name is None:
        raise DeclarationError(f"{op.id}: the answer must be a named schema")
    if "anyOf" in resolved:  # bare or in {data}: the sources disagree
        branches = [Spec.ref_name(b) for b in resolved["anyOf"]]
        bare = [
            b
            for b in branches
            if b and "data" not in spec.resolve({"$ref": _ref(b)}).get("properties", {})
        ]
        if len(bare) != 1:
            raise DeclarationError(f"{op.id}: anyOf must be an envelope and the bare object")
        op.shape, op.model, op.read = "one", bare[0], "bare_or_enveloped"
    else:
        data = resolved.get("properties", {}).get("data")
        if data is None:
            op.shape, op.model, op.read = "one", name, "plain"
        elif data.get("type") == "array":
            op.shape, op.model = "list", Spec.ref_name(data["items"])
        else:
            op.shape, op.model, op.read = "one", Spec.ref_name(data), "enveloped"
    if op.model is None:
        raise DeclarationError(f"{op.id}: the answer's data must be a named schema")
    if op.shape == "list" and op.max_page_size is None:
        raise DeclarationError(f"{op.id}: a paged list must take page_size")
    op.models.add(op.model)


def _ref(name: str) -> str:
    return f"#/components/schemas/{name}"


def read_resources(specs: list[Spec], ops: list[Op], package: Path) -> dict[str, Resource]:
    """The resource tree: every declared resource and every parent of one."""
    resources: dict[str, Resource] = {}
    for spec in specs:
        for path, declared in (spec.data.get("x-sdk-resources") or {}).items():
            if path in resources:
                raise DeclarationError(f"resource {path} is declared twice")
            resources[path] = Resource(
                path=path,
                doc=" ".join(str(declared.get("doc", "")).split()),
                behaviour=declared.get("behaviour"),
            )
    for op in ops:
        if op.resource not in resources:
            raise DeclarationError(f"{op.id}: resource {op.resource} is not in x-sdk-resources")
        resources[op.resource].operations.append(op)
    for path in list(resources):
        parent = path.rpartition(".")[0]
        if parent:
            if parent not in resources:
                raise DeclarationError(f"resource {path}: its parent {parent} is not declared")
            resources[parent].children.append(path)
    names: dict[tuple[str, str], str] = {}
    for op in ops:
        key = (op.resource, op.name)
        if key in names:
            raise DeclarationError(f"{op.id} and {names[key]} both declare {op.resource}.{op.name}")
        names[key] = op.id
    for resource in resources.values():
        if not resource.doc:
            raise DeclarationError(f"resource {resource.path} has no doc")
        clash = set(resource.children) & {f"{resource.path}.{o.name}" for o in resource.operations}
        if clash:
            raise DeclarationError(f"{sorted(clash)} are both a method and a sub-resource")
        _check_behaviour(resource, package)
    return resources


def _check_behaviour(resource: Resource, package: Path) -> None:
    """Each custom method is defined by the resource's hand-written behaviour class."""
    custom = [op.name for op in resource.operations if op.custom]
    if not resource.behaviour:
        if custom:
            raise DeclarationError(f"{resource.path}: custom methods {custom} need a behaviour")
        return
    module, _, cls = resource.behaviour.rpartition(".")
    source = package / "_async" / f"{module.replace('.', '/')}.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls), None)
    if found is None:
        raise DeclarationError(f"{resource.path}: no class {cls} in {source}")
    functions = [n for n in found.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    missing = sorted(set(custom) - {n.name for n in functions})
    if missing:
        raise DeclarationError(f"{resource.behaviour} does not define {missing}")
    for function in functions:
        keywords = [a.arg for a in function.args.kwonlyargs]
        if function.name in custom:
            lacking = [name for name in PER_CALL if name not in keywords]
            if lacking:
                raise DeclarationError(
                    f"{resource.behaviour}.{function.name} must take {', '.join(lacking)} "
                    "as keywords, as every method does"
                )
        if not function.name.startswith("_"):
            positional = [a.arg for a in function.args.args[1:]]
            shown = [f"{name}=" for name in keywords if name not in PER_CALL]
            text = f"{function.name}({', '.join(positional + shown)})"
            resource.hand_written[function.name] = text
