"""Write the SDK's resource layer from the `x-sdk` declarations of spec/, or check it.

Each operation of spec/ carries one declaration of the SDK method that calls it:

    x-sdk: {resource: rostering.orgs, method: get, args: {id: org_id}, body: cloud}

`resource` is the attribute path on the client (`client.rostering.orgs`), `method` the
method name, `args` renames path parameters (`id` -> `org_id`), `body` names the request
body parameter, and `custom: true` says the method is hand-written because its
behaviour is new (the task queue, XML uploads, tenant filters): it lives in the
resource's behaviour class, named in the spec's top-level `x-sdk-resources`
(`{tasks: {doc: ..., behaviour: tasks.AsyncTasksBehaviour}}`), which the generated
class inherits. Everything else is read from the operation itself: the HTTP method
and path, the parameters and their types, the request body's model, the shape of
the answer (a paged list, one object in `{data}` or bare, a bare count, nothing) and
the docstring (summary, description, parameter descriptions).

Three files are written, each marked as generated:

* overlay/kimono_interop/_operations.py -- every operation as the SDK calls it
  (api, method, path, resource, method name, shape): what the sandbox, the tests and
  the tools use instead of restating paths;
* overlay/kimono_interop/_async/resources.py -- one class per resource, one method
  per operation, typed and documented, and the mixin that gives the client its
  top-level resources (scripts/unasync.py writes the sync twin);
* the method table of README.md, between its `sdk-methods` markers.

    python -m scripts.generate_resources            # write them
    python -m scripts.generate_resources --check    # exit 1 if any is stale
"""

from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
#: (spec file below the root, short API name, generated package)
SPECS = (
    ("spec/interop-data.yaml", "data", "kimono_interop_data_api"),
    ("spec/interop.yaml", "interop", "kimono_interop_api"),
)
PACKAGE = "overlay/kimono_interop"
README_START = "<!-- sdk-methods:start (written by scripts/generate_resources.py) -->"
README_END = "<!-- sdk-methods:end -->"
HTTP_METHODS = ("get", "put", "post", "patch", "delete")
PAGING = ("page", "page_size")
WIDTH = 92


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
        unknown = set(declared) - {"resource", "method", "args", "body", "custom"}
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
        if not function.name.startswith("_"):
            positional = [a.arg for a in function.args.args[1:]]
            keywords = [f"{a.arg}=" for a in function.args.kwonlyargs if a.arg != "timeout"]
            text = f"{function.name}({', '.join(positional + keywords)})"
            resource.hand_written[function.name] = text


# -- writing ----------------------------------------------------------------------------------
GENERATED_NOTE = (
    "Written by scripts/generate_resources.py from the `x-sdk` declarations of spec/: do not\n"
    "edit; change the spec and run `make generate`."
)


def operations_module(ops: list[Op]) -> str:
    lines = [
        '"""Every operation of the contract, as the SDK calls it.',
        "",
        GENERATED_NOTE,
        "",
        "The sandbox, the tests and the tools read paths and methods from here instead of",
        "restating them; ``shape`` says what the SDK method returns (``list``: a pager,",
        "``one``: a model, ``count``: an int, ``none``: nothing, ``custom``: hand-written).",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from dataclasses import dataclass",
        "",
        "",
        "@dataclass(frozen=True)",
        "class Operation:",
        '    """One operation of spec/ and the SDK method that calls it."""',
        "",
        "    id: str  #: operationId",
        '    api: str  #: "data" (the Interop Data API) or "interop" (the Interop API)',
        "    method: str  #: HTTP method",
        "    path: str  #: path template below the API's base path",
        '    resource: str  #: the client attribute path, e.g. "rostering.orgs"',
        '    name: str  #: the method, e.g. "get"',
        "    shape: str  #: list, one, count, none or custom",
        "",
        "    @property",
        "    def call(self) -> str:",
        '        """The SDK call, e.g. ``rostering.orgs.get``."""',
        '        return f"{self.resource}.{self.name}"',
        "",
        "",
        "#: Every operation, by operationId, in the order of the specs.",
        "OPERATIONS: dict[str, Operation] = {",
    ]
    for op in ops:
        shape = "custom" if op.custom else op.shape
        lines.append(
            f"    {op.id!r}: Operation({op.id!r}, {op.api!r}, {op.http!r}, {op.path!r}, "
            f"{op.resource!r}, {op.name!r}, {shape!r}),"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def resources_module(resources: dict[str, Resource]) -> str:
    imports: dict[str, set[str]] = {}
    behaviours: list[tuple[str, str]] = []
    for resource in resources.values():
        for op in resource.operations:
            if not op.custom:
                imports.setdefault(op.package, set()).update(op.models)
        if resource.behaviour:
            module, _, cls = resource.behaviour.rpartition(".")
            behaviours.append((module, cls))
    out = [
        '"""The resources of the client: one class per resource, one method per operation.',
        "",
        GENERATED_NOTE,
        "",
        "Hand-written behaviour (the task queue, XML uploads, tenant filters) lives in the",
        "behaviour classes named by the spec's ``x-sdk-resources``, which these inherit.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import Mapping",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING, Any, cast",
        "from uuid import UUID",
        "",
    ]
    for package in sorted(imports):
        names = sorted(imports[package])
        out.append(f"from {package}.models import {', '.join(names)}")
    out += [
        "",
        "from .._operations import OPERATIONS",
        "from .._pagination import AsyncPager",
        "from .._parsing import bare_or_enveloped, enveloped",
        "from .._types import NOT_GIVEN, Timeout",
        "from .._validation import (",
        "    check_fields,",
        "    coerce,",
        "    validate_bool,",
        "    validate_id,",
        "    validate_int,",
        "    validate_path_value,",
        "    validate_str,",
        ")",
        "from ._resource import AsyncResource",
    ]
    for module, cls in sorted(behaviours):
        out.append(f"from .{module} import {cls}")
    out += [
        "",
        "if TYPE_CHECKING:",
        "    from ._client import AsyncKimonoClient",
    ]
    # Children before parents, so every class is defined before it is used in an annotation.
    for path in sorted(resources, key=lambda p: -p.count(".")):
        out += ["", "", *_resource_class(resources[path], resources)]
    out += ["", "", *_client_mixin(resources)]
    return "\n".join(out) + "\n"


def _resource_class(resource: Resource, resources: dict[str, Resource]) -> list[str]:
    base = resource.behaviour.rpartition(".")[2] if resource.behaviour else "AsyncResource"
    lines = [f"class {resource.class_name}({base}):", *_doc(resource.doc, 4)]
    for child in sorted(resource.children):
        node = resources[child]
        lines += [
            "",
            "    @cached_property",
            f"    def {node.attribute}(self) -> {node.class_name}:",
            *_doc(node.doc, 8),
            f"        return {node.class_name}(self._client)",
        ]
    for op in resource.operations:
        if not op.custom:
            lines += ["", *_method(op)]
    return lines


def _method(op: Op) -> list[str]:
    args: list[str] = ["self"]
    path_types = {"uuid": "str | UUID", "str": "str"}
    for param in op.path_params:
        args.append(f"{param.name}: {path_types.get(param.kind, 'str')}")
    if op.body_model is not None:
        kind = f"{op.body_model} | Mapping[str, Any]"
        args.append(
            f"{op.body_name}: {kind}"
            if op.body_required
            else f"{op.body_name}: {kind} | None = None"
        )
    args.append("*")
    query_types = {"uuid": "str | UUID", "str": "str", "int": "int", "bool": "bool"}
    for param in op.query:
        if param.default is not None:
            args.append(f"{param.name}: {query_types[param.kind]} = {param.default!r}")
        else:
            args.append(f"{param.name}: {query_types[param.kind]} | None = None")
    if op.shape == "list":
        args.append("page_size: int | None = None")
    args.append("timeout: Timeout = NOT_GIVEN")
    returns = {
        "list": f"AsyncPager[{op.model}]",
        "one": str(op.model),
        "count": "int",
        "none": "None",
    }[op.shape]
    prefix = "def" if op.shape == "list" else "async def"
    lines = [f"    {prefix} {op.name}({', '.join(args)}) -> {returns}:"]
    if len(lines[0]) > 100:
        lines = [
            f"    {prefix} {op.name}(",
            *(f"        {a}," for a in args),
            f"    ) -> {returns}:",
        ]
    lines += _doc(_docstring(op), 8)
    body: list[str] = []
    path_args: list[str] = []
    for param in op.path_params:
        check = "validate_id" if param.kind == "uuid" else "validate_path_value"
        path_args.append(f"{param.wire!r}: {check}({param.name}, {param.name!r})")
    query_args: list[str] = []
    checks = {
        "uuid": "validate_id",
        "str": "validate_str",
        "int": "validate_int",
        "bool": "validate_bool",
    }
    for param in op.query:
        check = checks[param.kind]
        value = f"{check}({param.name}, {param.name!r})"
        if param.default is None:
            value = f"None if {param.name} is None else {value}"
        query_args.append(f"{param.wire!r}: {value}")
    call = [f"OPERATIONS[{op.id!r}]"]
    if op.shape == "list":
        call.append(f"{op.model}.from_dict")
    elif op.shape == "one":
        reader = {
            "enveloped": f"enveloped({op.model})",
            "bare_or_enveloped": f"bare_or_enveloped({op.model})",
            "plain": f"{op.model}.from_dict",
        }[op.read]
        call.append(reader)
    if path_args:
        call.append("path={" + ", ".join(path_args) + "}")
    if query_args:
        call.append("params={" + ", ".join(query_args) + "}")
    if op.body_model is not None:
        coerced = f"coerce({op.body_model}, {op.body_name}, {op.body_name!r})"
        if op.body_checks:
            coerced = f"check_fields({coerced}, {op.body_name!r}, {tuple(op.body_checks)!r})"
        if not op.body_required:
            coerced = f"None if {op.body_name} is None else {coerced}"
        call.append(f"body={coerced}")
    if op.shape == "list":
        call += ["page_size=page_size", f"max_page_size={op.max_page_size}"]
    call.append("timeout=timeout")
    runner = {
        "list": "self._list",
        "one": "await self._one",
        "count": "await self._count",
        "none": "await self._none",
    }[op.shape]
    body.append(f"        return {runner}({', '.join(call)})")
    return lines + body


def _docstring(op: Op) -> str:
    parts = [op.summary.rstrip(".") + "." if op.summary else op.id]
    if op.description and op.description.rstrip(".") != op.summary.rstrip("."):
        parts.append(op.description)
    documented = [p for p in [*op.path_params, *op.query] if p.description]
    if op.body_model is not None or documented:
        lines = ["Args:"]
        for param in documented:
            lines.append(f"    {param.name}: {param.description}")
        if op.body_model is not None:
            optional = "" if op.body_required else " Optional."
            lines.append(f"    {op.body_name}: A {op.body_model} or its dict.{optional}")
        parts.append("\n".join(lines))
    parts.append(f"``{op.http} {op.path}`` ({op.id}).")
    return "\n\n".join(parts)


def _doc(text: str, indent: int) -> list[str]:
    pad = " " * indent
    paragraphs = text.strip().split("\n\n")
    lines: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            lines.append("")
        if paragraph.startswith("Args:"):
            lines.append(f"{pad}Args:")
            for entry in paragraph.splitlines()[1:]:
                name, _, rest = entry.strip().partition(": ")
                wrapped = textwrap.wrap(
                    f"{name}: {rest}", WIDTH - indent - 4, subsequent_indent="    "
                )
                lines += [f"{pad}    {line}" for line in wrapped]
            continue
        flowing = " ".join(paragraph.split())
        lines += [f"{pad}{line}" for line in textwrap.wrap(flowing, WIDTH - indent)]
    lines[0] = f'{pad}"""{lines[0].lstrip()}'
    if len(lines) == 1:
        lines[0] += '"""'
    else:
        lines.append(f'{pad}"""')
    return lines


def _client_mixin(resources: dict[str, Resource]) -> list[str]:
    lines = [
        "class AsyncResources:",
        '    """The client\'s top-level resources (mixed into AsyncKimonoClient)."""',
    ]
    for path in (p for p in resources if "." not in p):
        node = resources[path]
        lines += [
            "",
            "    @cached_property",
            f"    def {node.attribute}(self) -> {node.class_name}:",
            *_doc(node.doc, 8),
            f'        return {node.class_name}(cast("AsyncKimonoClient", self))',
        ]
    return lines


def readme_table(resources: dict[str, Resource]) -> str:
    rows = ["| resource | methods |", "| --- | --- |"]
    for path in resources:
        node = resources[path]
        if not node.operations:
            continue
        calls = []
        for op in node.operations:
            if op.custom:
                calls.append(f"`{node.hand_written[op.name]}`")
                continue
            args = [p.name for p in op.path_params]
            if op.body_name:
                args.append(op.body_name if op.body_required else f"{op.body_name}=None")
            args += [f"{p.name}=" for p in op.query]
            calls.append(f"`{op.name}({', '.join(args)})`")
        declared = {op.name for op in node.operations}
        calls += [f"`{text}`" for name, text in node.hand_written.items() if name not in declared]
        rows.append(f"| `{path}` | {', '.join(calls)} |")
    return "\n".join(rows)


def render(root: Path = ROOT) -> dict[Path, str]:
    """The three generated texts of the project at ``root``, by the file they belong in."""
    specs = [Spec(root / path, api, package) for path, api, package in SPECS]
    ops = [op for spec in specs for op in read_operations(spec)]
    package = root / PACKAGE
    resources = read_resources(specs, ops, package)
    texts = {
        package / "_operations.py": _formatted(operations_module(ops)),
        package / "_async" / "resources.py": _formatted(resources_module(resources)),
    }
    readme_file = root / "README.md"
    readme = readme_file.read_text(encoding="utf-8")
    start, end = readme.find(README_START), readme.find(README_END)
    if start < 0 or end < start:
        raise DeclarationError(f"README.md has no {README_START} ... {README_END} block")
    texts[readme_file] = (
        readme[: start + len(README_START)] + "\n" + readme_table(resources) + "\n" + readme[end:]
    )
    return texts


def _formatted(text: str) -> str:
    """``text`` through the project's ruff format (the generated code reads like the rest)."""
    ruff = str(Path(sys.executable).parent / "ruff")
    with tempfile.TemporaryDirectory(prefix="kimono-resources-") as scratch:
        path = Path(scratch) / "module.py"
        path.write_text(text, encoding="utf-8")
        settings = ["--config", str(ROOT / "pyproject.toml"), "--no-cache"]
        for cmd in (
            [ruff, "check", *settings, "--fix-only", "--select=I,F401", str(path)],
            [ruff, "format", *settings, str(path)],
        ):
            result = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
            if result.returncode != 0:
                raise DeclarationError(f"ruff failed on generated code:\n{result.stderr}")
        return path.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (default: this one)")
    args = parser.parse_args(argv)
    try:
        texts = render(args.root)
    except DeclarationError as error:
        print(f"generate_resources: {error}", file=sys.stderr)
        return 2
    stale = [path for path, text in texts.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(args.root)} is stale: run `make generate`")
        if not stale:
            print("the resource layer matches the x-sdk declarations of spec/")
        return 1 if stale else 0
    for path in stale:
        path.write_text(texts[path], encoding="utf-8")
        print(f"wrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
