"""Validate a JSON value against a schema of a `Document`, strictly, naming the spec line.

Why not jsonschema: its errors point into the schema it was given, and making it strict
(`additionalProperties: false` everywhere) breaks `allOf` composition, because every
branch would reject the properties of its siblings. This validator handles the subset
of JSON Schema the project's and the vendor's descriptions use (`$ref`, `allOf`,
`anyOf`, `oneOf`, `type` (also as a list, `nullable`, `x-nullable`), `enum`, `const`,
`format`, `properties`, `required`, `additionalProperties`, `items`, `minimum`,
`maximum`, `minLength`, `maxLength`, `pattern`) and reports each problem with the JSON
pointer of the schema keyword to change:

* Every object schema is closed: a key is allowed only if a schema of the composition
  lists it (`allOf` branches are merged first, so `Org = allOf[Base, {name}]` knows
  both), unless a schema of the composition declares `additionalProperties` (`true` or
  a schema: a map of free-form or typed values).
* `anyOf` / `oneOf` pass if one branch passes; otherwise the problems of the branch
  closest to the value (right JSON type, fewest problems) are reported.
* Formats checked: uuid, date, date-time, uri, int32, int64; others are annotations.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kimono_interop._secrets import is_secret_name
from scripts.drift_spec import Document, escape, schema_name

UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
MAX_SHOWN = 60


@dataclass(frozen=True)
class Issue:
    """One way a value differs from the schema.

    `kind` is one of: unknown-field, missing-required, enum, type, format, range.
    `pointer` is the schema keyword (or mapping) to edit to accept the value.
    """

    kind: str
    path: str
    message: str
    pointer: str


def json_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if re.fullmatch(r"[$A-Za-z_][$\w-]*", key):
        return f"{parent}.{key}"
    return f"{parent}[{key!r}]"


def shown(value: Any, secret: bool = False) -> str:
    """A value for a report: short, and never a secret."""
    if secret:
        return "<redacted>"
    text = repr(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_matches(value: Any, allowed: set[str]) -> bool:
    kind = json_type(value)
    if kind in allowed:
        return True
    if kind == "integer" and "number" in allowed:
        return True
    return kind == "number" and "integer" in allowed and float(value).is_integer()


def format_problem(value: Any, fmt: str) -> str | None:
    """Why `value` is not a valid `fmt`, or None when it is (or the format is unchecked)."""
    if isinstance(value, str):
        if fmt == "uuid" and not UUID.match(value):
            return "not a uuid"
        if fmt == "date":
            try:
                if not DATE.match(value):
                    raise ValueError
                dt.date.fromisoformat(value)
            except ValueError:
                return "not a date (YYYY-MM-DD)"
        if fmt == "date-time":
            match = DATE_TIME.match(value)
            try:
                if not match:
                    raise ValueError
                dt.date.fromisoformat(match.group(1))
                hour, minute, second = (int(match.group(i)) for i in (2, 3, 4))
                if hour > 23 or minute > 59 or second > 60:
                    raise ValueError
            except ValueError:
                return "not an RFC 3339 date-time"
        if fmt in ("uri", "url"):
            parts = urlsplit(value)
            if not parts.scheme or not (parts.netloc or parts.path):
                return "not an absolute URI"
    elif isinstance(value, int) and not isinstance(value, bool):
        bits = {"int32": 31, "int64": 63}.get(fmt)
        if bits and not -(2**bits) <= value < 2**bits:
            return f"out of {fmt} range"
    return None


class Validator:
    """Strict validation of values against the schemas of one document."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._expanded: dict[str, list[tuple[str, ...]]] = {}

    def validate(self, value: Any, pointer: str, path: str = "$") -> list[Issue]:
        issues: list[Issue] = []
        self._check(value, (pointer,), path, issues)
        return issues

    # Composition -------------------------------------------------------------------

    def alternatives(self, pointer: str, stack: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
        """The alternatives of a schema: each a tuple of schemas that all apply.

        `$ref` and `allOf` add schemas to every alternative; `anyOf` / `oneOf` multiply
        the alternatives.
        """
        if pointer in self._expanded:
            return self._expanded[pointer]
        if pointer in stack:  # a schema that includes itself: nothing more to add
            return [()]
        stack = (*stack, pointer)
        node = self.document.at(pointer)
        alternatives: list[tuple[str, ...]] = [(pointer,)]
        if not isinstance(node, dict):
            return alternatives
        if isinstance(node.get("$ref"), str):
            target = self.document.ref_target(node["$ref"])
            alternatives = _product(alternatives, self.alternatives(target, stack))
        for index in range(len(node.get("allOf", []))):
            alternatives = _product(
                alternatives, self.alternatives(f"{pointer}/allOf/{index}", stack)
            )
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword, [])
            if branches:
                options = [
                    option
                    for index in range(len(branches))
                    for option in self.alternatives(f"{pointer}/{keyword}/{index}", stack)
                ]
                alternatives = _product(alternatives, options)
        self._expanded[pointer] = alternatives
        return alternatives

    def _check(self, value: Any, pointers: tuple[str, ...], path: str, out: list[Issue]) -> None:
        alternatives: list[tuple[str, ...]] = [()]
        for pointer in pointers:
            alternatives = _product(alternatives, self.alternatives(pointer))
        if len(alternatives) == 1:
            self._check_all(value, alternatives[0], path, out)
            return
        best: tuple[int, int, list[Issue]] | None = None
        for schemas in alternatives:
            found: list[Issue] = []
            self._check_all(value, schemas, path, found)
            if not found:
                return
            wrong_type = sum(1 for issue in found if issue.kind == "type" and issue.path == path)
            rank = (wrong_type, len(found), found)
            if best is None or rank[:2] < best[:2]:
                best = rank
        assert best is not None
        out.extend(best[2])

    def _check_all(self, value: Any, schemas: tuple[str, ...], path: str, out: list[Issue]) -> None:
        nodes = [(p, n) for p in schemas if isinstance(n := self.document.at(p), dict)]
        secret = any(n.get("format") == "password" or n.get("writeOnly") for _, n in nodes)
        secret = secret or is_secret_name(path.rsplit(".", 1)[-1])
        for pointer, node in nodes:
            allowed = _types(node)
            if allowed is not None and not type_matches(value, allowed):
                expected = " or ".join(sorted(allowed))
                out.append(
                    Issue(
                        "type",
                        path,
                        f"{json_type(value)} {shown(value, secret)} where the spec says {expected}",
                        f"{pointer}/type" if "type" in node else pointer,
                    )
                )
                return
        for pointer, node in nodes:
            if "enum" in node and value not in node["enum"]:
                listed = ", ".join(map(str, node["enum"]))
                out.append(
                    Issue(
                        "enum",
                        path,
                        f"value {shown(value, secret)} is not in the enum [{listed}]",
                        f"{pointer}/enum",
                    )
                )
            if "const" in node and value != node["const"]:
                out.append(
                    Issue(
                        "enum",
                        path,
                        f"value {shown(value, secret)} is not {node['const']!r}",
                        f"{pointer}/const",
                    )
                )
            if isinstance(node.get("format"), str):
                problem = format_problem(value, node["format"])
                if problem:
                    message = f"{shown(value, secret)} is {problem}"
                    out.append(Issue("format", path, message, f"{pointer}/format"))
            self._check_range(value, pointer, node, path, secret, out)
        if isinstance(value, dict):
            self._check_object(value, nodes, path, out)
        elif isinstance(value, list):
            items = tuple(
                f"{pointer}/items" for pointer, node in nodes if isinstance(node.get("items"), dict)
            )
            if items:
                for index, item in enumerate(value):
                    self._check(item, items, json_path(path, index), out)

    def _check_range(
        self,
        value: Any,
        pointer: str,
        node: dict[str, Any],
        path: str,
        secret: bool,
        out: list[Issue],
    ) -> None:
        limits: list[tuple[str, bool]] = []
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            limits = [
                ("minimum", "minimum" in node and value < node["minimum"]),
                ("maximum", "maximum" in node and value > node["maximum"]),
            ]
        elif isinstance(value, str):
            limits = [
                ("minLength", "minLength" in node and len(value) < node["minLength"]),
                ("maxLength", "maxLength" in node and len(value) > node["maxLength"]),
                ("pattern", "pattern" in node and not re.search(node["pattern"], value)),
            ]
        for keyword, broken in limits:
            if broken:
                out.append(
                    Issue(
                        "range",
                        path,
                        f"{shown(value, secret)} breaks {keyword} {node[keyword]!r}",
                        f"{pointer}/{keyword}",
                    )
                )

    def _check_object(
        self,
        value: dict[str, Any],
        nodes: list[tuple[str, dict[str, Any]]],
        path: str,
        out: list[Issue],
    ) -> None:
        properties: dict[str, list[str]] = {}
        required: dict[str, str] = {}
        extra: list[str] = []
        open_map = False
        is_object_schema = False
        for pointer, node in nodes:
            if "properties" in node or node.get("type") == "object":
                is_object_schema = True
            for name in node.get("properties") or {}:
                properties.setdefault(name, []).append(f"{pointer}/properties/{escape(name)}")
            if isinstance(node.get("required"), list):
                for name in node["required"]:
                    required.setdefault(name, f"{pointer}/required")
            additional = node.get("additionalProperties")
            if additional is True:
                open_map = True
            elif isinstance(additional, dict):
                extra.append(f"{pointer}/additionalProperties")
        for name, pointer in required.items():
            if name not in value:
                out.append(
                    Issue("missing-required", path, f"required field {name!r} is missing", pointer)
                )
        for key, item in value.items():
            child = json_path(path, key)
            if key in properties:
                self._check(item, tuple(properties[key]), child, out)
            elif extra:
                self._check(item, tuple(extra), child, out)
            elif is_object_schema and not open_map:
                out.append(
                    Issue(
                        "unknown-field",
                        child,
                        f"field {key!r} is not in the spec{_in_schema(nodes)}",
                        _where_to_add(nodes),
                    )
                )


def _types(node: dict[str, Any]) -> set[str] | None:
    kind = node.get("type")
    if kind is None:
        return None
    allowed = {str(kind)} if isinstance(kind, str) else {str(k) for k in kind}
    if node.get("nullable") is True or node.get("x-nullable") is True:
        allowed.add("null")
    return allowed


def _product(left: list[tuple[str, ...]], right: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [a + b for a, b in itertools.product(left, right)]


def _where_to_add(nodes: list[tuple[str, dict[str, Any]]]) -> str:
    """The `properties` mapping a new field belongs in: the most specific one."""
    with_properties = [pointer for pointer, node in nodes if "properties" in node]
    if with_properties:
        return f"{with_properties[-1]}/properties"
    objects = [pointer for pointer, node in nodes if node.get("type") == "object"]
    return objects[-1] if objects else nodes[0][0]


def _in_schema(nodes: list[tuple[str, dict[str, Any]]]) -> str:
    name = schema_name(_where_to_add(nodes))
    return f" (schema {name})" if name else ""
