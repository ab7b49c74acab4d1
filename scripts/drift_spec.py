"""Read an API description (OpenAPI 3.x or Swagger 2.0, YAML or JSON) for the drift checks.

`Document` keeps the parsed file together with the line of every key, so a problem
found in a schema can name the line to edit (`spec/interop.yaml:2241`), and
`operations()` gives one `Operation` per method and path in the same shape for both
formats: parameters merged from the path item and resolved, the request body (a
Swagger 2.0 `in: body` parameter becomes one), and the responses with their media
types. Schemas are addressed by JSON pointer into the document, never copied, so
every finding can be traced back to its place in the file.

Only local references (`#/...`) are followed; a description split over several files
is not supported (the project's and the vendor's are single files).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from scripts import ROOT

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

try:  # libyaml is an order of magnitude faster on 2,000-line specs and big cassettes
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class SpecError(Exception):
    """The description cannot be read or uses something these checks do not support."""


def escape(token: str) -> str:
    """One JSON-pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One difference a drift check found: where in the data, what, and where to fix it."""

    path: str  #: in the checked JSON, e.g. ``data[3].$sys.id``
    message: str
    kind: str  #: the kind of difference, for the summary by spec location
    spec: str  #: the spec file and line that decides it ("-" when none does)
    pointer: str  #: the JSON pointer in that spec ("" when none)

    @property
    def place(self) -> str:
        """Where a report sends the reader to fix it: ``spec #pointer`` (or the spec)."""
        return f"{self.spec} #{self.pointer}" if self.pointer else self.spec


def display_path(path: Path) -> str:
    """The path relative to the working directory when it is below it (shorter reports)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class Document:
    """A parsed description, with the line of each key, addressed by JSON pointers."""

    label: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, source: str | Path) -> Document:
        """Read a file, or `git:REV:PATH` (the file as committed at a git revision)."""
        text, label = read_source(str(source))
        return cls.parse(text, label)

    @classmethod
    def parse(cls, text: str, label: str) -> Document:
        try:
            data = json.loads(text) if text.lstrip().startswith("{") else None
        except json.JSONDecodeError:
            data = None
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                if data is None:
                    data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
            lines = _key_lines(node)
        except yaml.YAMLError as error:
            if data is None:
                raise SpecError(f"{label}: not YAML or JSON: {error}") from error
            lines = {}  # valid JSON that YAML 1.1 cannot read: no line numbers, still usable
        if not isinstance(data, dict):
            raise SpecError(f"{label}: not an API description (top level is not a mapping)")
        return cls(label, data, lines)

    @property
    def is_swagger2(self) -> bool:
        return str(self.data.get("swagger", "")).startswith("2")

    @property
    def version(self) -> str:
        if self.is_swagger2:
            return f"Swagger {self.data['swagger']}"
        return f"OpenAPI {self.data.get('openapi', '?')}"

    def at(self, pointer: str) -> Any:
        """The node at a JSON pointer ("" is the whole document)."""
        node: Any = self.data
        if not pointer:
            return node
        for token in pointer.lstrip("/").split("/"):
            token = unescape(token)
            if isinstance(node, list):
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                raise SpecError(f"{self.label}: nothing at #{pointer}")
        return node

    def deref(self, pointer: str) -> str:
        """Follow `$ref`s from `pointer` to the first node that is not a bare reference."""
        seen = set()
        while True:
            node = self.at(pointer)
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return pointer
            if pointer in seen:
                raise SpecError(f"{self.label}: $ref cycle at #{pointer}")
            seen.add(pointer)
            pointer = self.ref_target(node["$ref"])

    def ref_target(self, ref: str) -> str:
        if not ref.startswith("#"):
            raise SpecError(f"{self.label}: external $ref {ref!r} is not supported")
        return ref[1:]

    def line(self, pointer: str) -> int | None:
        """Line of the key at `pointer`, or of its closest ancestor that has one."""
        while True:
            if pointer in self.lines:
                return self.lines[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def where(self, pointer: str) -> str:
        """`file:line` of a pointer, for reports."""
        line = self.line(pointer)
        return f"{self.label}:{line}" if line else self.label

    def base_path(self) -> str:
        """The path every operation path is relative to (servers[0] or basePath)."""
        if self.is_swagger2:
            base = str(self.data.get("basePath", ""))
        else:
            servers = self.data.get("servers") or [{}]
            url = str(servers[0].get("url", ""))
            variables = servers[0].get("variables", {})
            for name, variable in variables.items():
                url = url.replace("{" + name + "}", str(variable.get("default", "")))
            base = urlsplit(url).path if "://" in url else url
        return "/" + base.strip("/") if base.strip("/") else ""

    def token_paths(self) -> set[str]:
        """Paths of the OAuth2 token URLs of the security schemes (not operations)."""
        schemes = (
            self.data.get("securityDefinitions", {})
            if self.is_swagger2
            else self.data.get("components", {}).get("securitySchemes", {})
        )
        found = set()
        for scheme in schemes.values():
            urls = [scheme.get("tokenUrl")]
            urls += [flow.get("tokenUrl") for flow in scheme.get("flows", {}).values()]
            found |= {urlsplit(url).path for url in urls if isinstance(url, str)}
        return found

    def schema_pointers(self) -> dict[str, str]:
        """Named schemas (components/schemas or definitions): name -> pointer."""
        if self.is_swagger2:
            prefix, schemas = "/definitions", self.data.get("definitions", {})
        else:
            prefix, schemas = (
                "/components/schemas",
                self.data.get("components", {}).get("schemas", {}),
            )
        return {name: f"{prefix}/{escape(name)}" for name in schemas}


def schema_name(pointer: str) -> str | None:
    """The component a pointer is inside (`Org` for /components/schemas/Org/properties/x)."""
    match = re.match(r"^/(?:components/schemas|definitions)/([^/]+)", pointer)
    return unescape(match.group(1)) if match else None


def read_source(source: str) -> tuple[str, str]:
    """Text and display label of a file, or of `git:REV:PATH` from the repository."""
    if source.startswith("git:"):
        rev, _, path = source[4:].partition(":")
        if not rev or not path:
            raise SpecError(f"{source}: write git:REV:PATH, e.g. git:v1.0.0:spec/interop.yaml")
        result = subprocess.run(
            ["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SpecError(f"{source}: {result.stderr.strip()}")
        return result.stdout, source
    file = Path(source)
    try:
        return file.read_text(encoding="utf-8"), display_path(file)
    except OSError as error:
        raise SpecError(f"{source}: {error.strerror}") from error


def _key_lines(root: yaml.Node | None) -> dict[str, int]:
    """JSON pointer -> 1-based line of the key (or list item) for every node of a YAML tree."""
    lines: dict[str, int] = {}
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while stack:
        node, pointer = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                child = f"{pointer}/{escape(str(key.value))}"
                lines[child] = key.start_mark.line + 1
                stack.append((value, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                child = f"{pointer}/{index}"
                lines[child] = value.start_mark.line + 1
                stack.append((value, child))
    return lines


@dataclass(frozen=True)
class Parameter:
    """One parameter; `schema` points at its schema (for Swagger 2.0, the parameter itself)."""

    name: str
    location: str
    required: bool
    schema: str | None
    pointer: str


@dataclass(frozen=True)
class Body:
    """A request or response body: media type -> schema pointer (None: no schema given)."""

    media: dict[str, str | None]
    required: bool
    pointer: str


@dataclass(frozen=True)
class Operation:
    """One method of one path, the same for OpenAPI 3 and Swagger 2.0."""

    document: Document
    method: str
    path: str
    pointer: str
    operation_id: str
    parameters: tuple[Parameter, ...]
    request_body: Body | None
    responses: dict[str, Body]

    @property
    def full_path(self) -> str:
        return join_path(self.document.base_path(), self.path)

    @property
    def label(self) -> str:
        return f"{self.method} {self.full_path}"


def join_path(base: str, path: str) -> str:
    joined = "/" + "/".join(part for part in (base + "/" + path).split("/") if part)
    return joined


def normalize_path(path: str) -> str:
    """Path parameter names do not matter for matching: /orgs/{id} == /orgs/{orgId}."""
    return re.sub(r"\{[^}/]+\}", "{}", path.rstrip("/") or "/")


def operations(document: Document) -> Iterator[Operation]:
    """Every operation of the document, in file order."""
    for path, item in document.data.get("paths", {}).items():
        item_pointer = document.deref(f"/paths/{escape(path)}")
        item = document.at(item_pointer)
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            pointer = f"{item_pointer}/{method}"
            operation = item[method]
            parameters = _parameters(document, f"{item_pointer}/parameters", shared)
            own = _parameters(document, f"{pointer}/parameters", operation.get("parameters", []))
            merged = {(p.name, p.location): p for p in parameters}
            merged.update({(p.name, p.location): p for p in own})
            body = None
            if document.is_swagger2:
                body = _swagger_body(document, operation, list(merged.values()))
            elif "requestBody" in operation:
                body = _body(document, f"{pointer}/requestBody")
            responses = {
                str(status): (
                    _swagger_response(document, pointer, operation, str(status))
                    if document.is_swagger2
                    else _body(document, f"{pointer}/responses/{escape(str(status))}")
                )
                for status in operation.get("responses", {})
            }
            yield Operation(
                document=document,
                method=method.upper(),
                path=path,
                pointer=pointer,
                operation_id=str(operation.get("operationId", f"{method.upper()} {path}")),
                parameters=tuple(
                    p for p in merged.values() if p.location not in ("body", "formData")
                ),
                request_body=body,
                responses=responses,
            )


def _parameters(document: Document, base: str, items: list[Any]) -> list[Parameter]:
    found = []
    for index in range(len(items)):
        pointer = document.deref(f"{base}/{index}")
        node = document.at(pointer)
        location = str(node.get("in", ""))
        if location == "body":
            schema: str | None = f"{pointer}/schema"
        elif "schema" in node:
            schema = f"{pointer}/schema"
        elif "content" in node:  # OpenAPI 3 parameter with a media type
            media = next(iter(node["content"]), None)
            schema = f"{pointer}/content/{escape(media)}/schema" if media else None
        else:
            schema = pointer if document.is_swagger2 else None
        found.append(
            Parameter(
                name=str(node.get("name", "")),
                location=location,
                required=bool(node.get("required", False)),
                schema=schema,
                pointer=pointer,
            )
        )
    return found


def _body(document: Document, pointer: str) -> Body:
    pointer = document.deref(pointer)
    node = document.at(pointer)
    media = {
        str(name): (f"{pointer}/content/{escape(name)}/schema" if "schema" in value else None)
        for name, value in (node.get("content") or {}).items()
    }
    return Body(media=media, required=bool(node.get("required", False)), pointer=pointer)


def _media_types(document: Document, operation: dict[str, Any], key: str) -> list[str]:
    return [str(m) for m in operation.get(key) or document.data.get(key) or ["application/json"]]


def _swagger_body(
    document: Document, operation: dict[str, Any], parameters: list[Parameter]
) -> Body | None:
    consumes = _media_types(document, operation, "consumes")
    for parameter in parameters:
        if parameter.location == "body":
            media: dict[str, str | None] = dict.fromkeys(consumes, parameter.schema)
            return Body(media=media, required=parameter.required, pointer=parameter.pointer)
    form = [p for p in parameters if p.location == "formData"]
    if form:
        return Body(
            media=dict.fromkeys(consumes, None),
            required=any(p.required for p in form),
            pointer=form[0].pointer,
        )
    return None


def _swagger_response(
    document: Document, pointer: str, operation: dict[str, Any], status: str
) -> Body:
    response_pointer = document.deref(f"{pointer}/responses/{escape(status)}")
    node = document.at(response_pointer)
    if "schema" not in node:
        return Body(media={}, required=False, pointer=response_pointer)
    produces = _media_types(document, operation, "produces")
    return Body(
        media=dict.fromkeys(produces, f"{response_pointer}/schema"),
        required=False,
        pointer=response_pointer,
    )


def json_media(body: Body) -> str | None:
    """The JSON media type of a body, if it documents one."""
    for media in body.media:
        if media == "*/*" or "json" in media:
            return media
    return None
