"""Write the SDK's resource layer from the `x-sdk` declarations of spec/, or check it.

Each operation of spec/ carries one declaration of the SDK method that calls it:

    x-sdk: {resource: rostering.orgs, method: get, args: {id: org_id}, body: cloud}

`resource` is the attribute path on the client (`client.rostering.orgs`), `method` the
method name, `args` renames path parameters (`id` -> `org_id`), `body` names the request
body parameter, and `custom: true` says the method is hand-written because its
behaviour is new (the task queue, XML uploads, tenant filters): it lives in the
resource's behaviour class, named in the spec's top-level `x-sdk-resources`
(`{tasks: {doc: ..., behaviour: tasks.AsyncTasksBehaviour}}`), which the generated
class inherits. `raw: true` gives a custom method a raw twin (it must send one
request through `_one`, `_count` or `_none`); a generated method of one object, a
count or nothing always has one, a list never. Everything else is read from the
operation itself: the HTTP method and path, the parameters and their types, the
request body's model, the shape of the answer (a paged list, one object in `{data}` or
bare, a bare count, nothing) and the docstring (summary, description, parameter
descriptions).

Three files are written, each marked as generated:

* overlay/kimono_interop/_operations.py -- every operation as the SDK calls it
  (api, method, path, resource, method name, shape): what the sandbox, the tests and
  the tools use instead of restating paths;
* overlay/kimono_interop/_async/resources.py -- one class per resource, one method
  per operation, typed and documented, the raw twin of each resource (the calls of
  one object, a count or nothing, answering an APIResponse), and the mixin that gives
  the client its top-level resources and `with_raw_response` (scripts/unasync.py
  writes the sync twin);
* the method table of README.md, between its `sdk-methods` markers.

    python -m scripts.generate_resources            # write them
    python -m scripts.generate_resources --check    # exit 1 if any is stale
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

from scripts import ROOT
from scripts.codegen import TidyError, command_line, tidy
from scripts.sdk_spec import (
    PACKAGE,
    SPECS,
    DeclarationError,
    Op,
    Resource,
    Spec,
    read_operations,
    read_resources,
)

#: What every method takes after its own arguments (and before ``timeout``).
PER_CALL_OPTIONS = ("extra_headers: Headers | None = None", "extra_query: Query | None = None")
README_START = "<!-- sdk-methods:start (written by scripts/generate_resources.py) -->"
README_END = "<!-- sdk-methods:end -->"
WIDTH = 92


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
        "    raw: bool = False  #: whether ``client.with_raw_response`` has the call",
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
            f"{op.resource!r}, {op.name!r}, {shape!r}{', raw=True' if op.raw else ''}),"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _models_alias(api: str) -> str:
    """The name the resources module gives an API's generated ``models`` package."""
    return f"{api}_models"


def _model_at_runtime(op: Op, name: str | None) -> str:
    """How a method body names a model: through its package's lazily loading ``models``."""
    assert name is not None
    return f"{_models_alias(op.api)}.{name}"


def resources_module(resources: dict[str, Resource]) -> str:
    imports: dict[str, set[str]] = {}
    packages: dict[str, str] = {}  # generated package -> short API name
    behaviours: list[tuple[str, str]] = []
    for resource in resources.values():
        for op in resource.operations:
            if not op.custom:
                imports.setdefault(op.package, set()).update(op.models)
                packages[op.package] = op.api
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
        "Each resource with calls of one object, a count or nothing has a raw twin",
        "(``...WithRawResponse``, reached through ``client.with_raw_response``) whose calls",
        "answer an APIResponse (``kimono_interop._response``).",
        "",
        "One module of some 2,600 lines on purpose: the methods of 80 operations, each a",
        "signature, a docstring from the spec and one call, read by the tools (mypy, IDEs)",
        "and not by hand; splitting it per resource would add files, not clarity.",
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
    # The models are reached through their package's lazy `models` module at call time
    # (`data_models.Person`), so importing the SDK loads no model until one is used;
    # the names themselves are imported for the annotations only.
    for package in sorted(imports):
        out.append(f"from {package} import models as {_models_alias(packages[package])}")
    out += ["", "if TYPE_CHECKING:"]
    for package in sorted(imports):
        names = sorted(imports[package])
        out.append(f"    from {package}.models import {', '.join(names)}")
    out += [
        "",
        "from .._operations import OPERATIONS",
        "from .._pagination import AsyncPager",
        "from .._parsing import bare_or_enveloped, enveloped",
        "from .._response import araw_response",
        "from .._types import NOT_GIVEN, Headers, Query, Timeout",
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
    for path in sorted(resources, key=lambda p: -p.count(".")):
        if _has_raw(path, resources):
            out += ["", "", *_raw_class(resources[path], resources)]
    out += ["", "", *_raw_root(resources), "", "", *_client_mixin(resources)]
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


def _has_raw(path: str, resources: dict[str, Resource]) -> bool:
    """Whether the resource at ``path``, or one below it, has a call with a raw twin."""
    node = resources[path]
    return any(op.raw for op in node.operations) or any(
        _has_raw(child, resources) for child in node.children
    )


def _raw_class(resource: Resource, resources: dict[str, Resource]) -> list[str]:
    """The raw twin of a resource: its raw calls, retyped, and the raw twins below it."""
    lines = [
        f"class {resource.raw_class_name}:",
        f'    """``{resource.path}``, each call answering an :class:`APIResponse`."""',
        "",
        "    def __init__(self, client: AsyncKimonoClient) -> None:",
        "        self._client = client",
    ]
    raw = [op for op in resource.operations if op.raw]
    if raw:
        lines.append(f"        resource = {resource.class_name}(client, raw=True)")
        lines += [f"        self.{op.name} = araw_response(resource.{op.name})" for op in raw]
    lines += _raw_children(sorted(resource.children), resources, "self._client")
    return lines


def _raw_children(paths: list[str], resources: dict[str, Resource], client: str) -> list[str]:
    lines: list[str] = []
    for path in paths:
        if not _has_raw(path, resources):
            continue
        node = resources[path]
        lines += [
            "",
            "    @cached_property",
            f"    def {node.attribute}(self) -> {node.raw_class_name}:",
            *_doc(node.doc, 8),
            f"        return {node.raw_class_name}({client})",
        ]
    return lines


def _raw_root(resources: dict[str, Resource]) -> list[str]:
    top = [p for p in resources if "." not in p]
    return [
        "class AsyncResourcesWithRawResponse:",
        '    """The client\'s calls answering an :class:`APIResponse` (``with_raw_response``)."""',
        "",
        "    def __init__(self, client: AsyncKimonoClient) -> None:",
        "        self._client = client",
        *_raw_children(top, resources, "self._client"),
    ]


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
    args += [*PER_CALL_OPTIONS, "timeout: Timeout = NOT_GIVEN"]
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
        call.append(f"{_model_at_runtime(op, op.model)}.from_dict")
    elif op.shape == "one":
        model = _model_at_runtime(op, op.model)
        reader = {
            "enveloped": f"enveloped({model})",
            "bare_or_enveloped": f"bare_or_enveloped({model})",
            "plain": f"{model}.from_dict",
        }[op.read]
        call.append(reader)
    if path_args:
        call.append("path={" + ", ".join(path_args) + "}")
    if query_args:
        call.append("params={" + ", ".join(query_args) + "}")
    if op.body_model is not None:
        body_model = _model_at_runtime(op, op.body_model)
        coerced = f"coerce({body_model}, {op.body_name}, {op.body_name!r})"
        if op.body_checks:
            coerced = f"check_fields({coerced}, {op.body_name!r}, {tuple(op.body_checks)!r})"
        if not op.body_required:
            coerced = f"None if {op.body_name} is None else {coerced}"
        call.append(f"body={coerced}")
    if op.shape == "list":
        call += ["page_size=page_size", f"max_page_size={op.max_page_size}"]
    call += ["extra_headers=extra_headers", "extra_query=extra_query", "timeout=timeout"]
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
        "",
        "    @cached_property",
        "    def with_raw_response(self) -> AsyncResourcesWithRawResponse:",
        '        """The calls of one object, a count or nothing, each answering an APIResponse.',
        "",
        "        ``kimono.with_raw_response.rostering.persons.get(person_id)`` sends what",
        "        ``kimono.rostering.persons.get(person_id)`` sends and answers the HTTP response",
        "        (``status_code``, ``headers``, ``request_id``, ``http_response``), with",
        "        ``parse()`` for the Person. Lists are not here: ``pager.pages()`` gives each",
        "        page's response.",
        '        """',
        '        return AsyncResourcesWithRawResponse(cast("AsyncKimonoClient", self))',
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
    ops = [op for node in resources.values() for op in node.operations]
    unlike = [f"`{op.resource}.{op.name}`" for op in ops if op.shape != "list" and not op.raw]
    rows += [
        "",
        "`kimono.with_raw_response.<resource>.<method>(...)` has every call above that sends one"
        " request and answers one object, a count or nothing: not the lists or the consumer"
        + (f", nor {' and '.join(unlike)}" if unlike else "")
        + ".",
    ]
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
    with tempfile.TemporaryDirectory(prefix="kimono-resources-") as scratch:
        path = Path(scratch) / "module.py"
        path.write_text(text, encoding="utf-8")
        try:
            tidy(path, select="I,F401")
        except TidyError as error:
            raise DeclarationError(str(error)) from None
        return path.read_text(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = command_line(__doc__, "a file is stale").parse_args(argv)
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
