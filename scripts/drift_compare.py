"""Drift check 4: what changed from one API description (OTHER, "old") to another ("new").

The rules that decide BREAKING or compatible are at the top of scripts/drift.py; the
function `rule` of scripts/drift_rules.py is their single implementation.

Operations are matched by method and full path (base path or server path joined to
the path, path parameter names ignored), parameters by location and name (path
parameters by position), request bodies and responses by media type and status.
Schemas are compared in parallel from matching operations, with `$ref`s resolved and
`allOf` merged (`anyOf` / `oneOf` branches are merged too: a union of what each allows,
so `anyOf: [X, null]` reads as "X or null"); named schemas that no matching operation
reaches are compared by name. Each change is reported once, at the schema that
declares it (`SysType.label`, not once per schema that includes SysType).

A little over 500 lines: `Comparer` walks operations, bodies and schemas in one pass,
and its methods call each other; split apart they would pass their state around.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from scripts.drift_rules import BOTH, REQUEST, RESPONSE, Change, rule
from scripts.drift_spec import (
    Body,
    Document,
    Operation,
    escape,
    json_media,
    normalize_path,
    operations,
    schema_name,
    unescape,
)
from scripts.drift_validate import Validator

CATEGORIES = ("operation", "parameter", "request body", "response", "property", "enum", "type")
ANNOTATION_FORMATS = {"password", "binary", "double", "float"}
NAMED = re.compile(r"/(?:components/schemas|definitions)/[^/]+")


@dataclass
class View:
    """What a schema allows, with allOf merged and anyOf/oneOf united."""

    types: set[str] | None = None
    format: str | None = None
    enum: list[Any] | None = None
    properties: dict[str, list[str]] = field(default_factory=dict)
    declared_at: dict[str, str] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    read_only: set[str] = field(default_factory=set)
    items: list[str] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    name: str | None = None


def view(document: Document, validator: Validator, pointers: tuple[str, ...]) -> View:
    alternatives: list[tuple[str, ...]] = [()]
    for pointer in pointers:
        alternatives = [
            a + b for a, b in itertools.product(alternatives, validator.alternatives(pointer))
        ]
    result = View()
    required_sets: list[set[str]] = []
    type_sets: list[set[str] | None] = []
    enums_everywhere = True
    for schemas in alternatives:
        types: set[str] | None = None
        required: set[str] = set()
        has_enum = False
        for pointer in schemas:
            result.visited.add(pointer)
            if result.name is None and NAMED.fullmatch(pointer):
                result.name = schema_name(pointer)
            node = document.at(pointer)
            if not isinstance(node, dict):
                continue
            kind = node.get("type")
            if kind is not None:
                own = {kind} if isinstance(kind, str) else set(kind)
                if node.get("nullable") is True or node.get("x-nullable") is True:
                    own.add("null")
                types = own if types is None else types & own
            elif "properties" in node and types is None:
                types = {"object"}
            if isinstance(node.get("format"), str) and node["format"] not in ANNOTATION_FORMATS:
                result.format = result.format or node["format"]
            if isinstance(node.get("enum"), list):
                has_enum = True
                result.enum = (result.enum or []) + [
                    v for v in node["enum"] if v not in (result.enum or [])
                ]
            for name, prop in (node.get("properties") or {}).items():
                result.properties.setdefault(name, []).append(
                    f"{pointer}/properties/{escape(name)}"
                )
                result.declared_at.setdefault(name, pointer)
                if isinstance(prop, dict) and prop.get("readOnly") is True:
                    result.read_only.add(name)
            if isinstance(node.get("required"), list):
                required |= set(node["required"])
            if isinstance(node.get("items"), dict):
                result.items.append(f"{pointer}/items")
        type_sets.append(types)
        required_sets.append(required)
        enums_everywhere = enums_everywhere and has_enum
    if not enums_everywhere:
        result.enum = None
    result.required = set.intersection(*required_sets) if required_sets else set()
    if type_sets and all(t is not None for t in type_sets):
        result.types = set().union(*(t for t in type_sets if t is not None))
    if result.types is not None and "integer" in result.types and "number" in result.types:
        result.types.discard("integer")
    return result


def label(document: Document, pointer: str) -> str:
    """A readable, stable name for a schema location: `Org.$sys`, `listOrgs 200 response`."""
    tokens = [unescape(t) for t in pointer.lstrip("/").split("/")] if pointer else []
    head, rest = pointer, tokens
    if tokens[:2] == ["components", "schemas"] or tokens[:1] == ["definitions"]:
        skip = 3 if tokens[0] == "components" else 2
        head, rest = tokens[skip - 1], tokens[skip:]
    elif tokens[:1] == ["paths"] and len(tokens) >= 3:
        node = document.at("/" + "/".join(escape(t) for t in tokens[:3]))
        op_id = node.get("operationId", f"{tokens[2].upper()} {tokens[1]}")
        rest = tokens[3:]
        if rest[:1] == ["parameters"] and len(rest) >= 2:
            parameter = document.at("/" + "/".join(escape(t) for t in tokens[:5]))
            name = parameter.get("name", rest[1])
            head = f"{op_id} request" if parameter.get("in") == "body" else f"{op_id} {name}"
            rest = rest[2:]
        elif rest[:1] == ["requestBody"]:
            head, rest = f"{op_id} request", rest[1:]
        elif rest[:1] == ["responses"] and len(rest) >= 2:
            head, rest = f"{op_id} {rest[1]} response", rest[2:]
        else:
            head = op_id
    elif tokens[:1] == ["components"] and len(tokens) >= 3:
        head, rest = f"{tokens[1]} {tokens[2]}", tokens[3:]
    elif tokens[:1] in (["parameters"], ["responses"]) and len(tokens) >= 2:
        head, rest = f"{tokens[0]} {tokens[1]}", tokens[2:]
    out = head
    index = 0
    while index < len(rest):
        token = rest[index]
        if token == "properties" and index + 1 < len(rest):
            out += f".{rest[index + 1]}"
            index += 2
            continue
        if token in ("allOf", "anyOf", "oneOf") and index + 1 < len(rest):
            index += 2
            continue
        if token in ("content",) and index + 1 < len(rest):
            index += 2
            continue
        out += {"items": "[]", "schema": "", "additionalProperties": ".*"}.get(token, f"/{token}")
        index += 1
    return out


class Comparer:
    """Collects the changes from `old` to `new`."""

    def __init__(self, old: Document, new: Document, closed_enums: bool = False) -> None:
        self.old, self.new = old, new
        self.old_validator, self.new_validator = Validator(old), Validator(new)
        self.closed_enums = closed_enums
        self.changes: dict[tuple[str, str, str], Change] = {}
        self.seen: set[tuple[tuple[str, ...], tuple[str, ...], str]] = set()
        self.seen_pairs: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
        self.visited_old: set[str] = set()
        self.visited_new: set[str] = set()
        self.matched = 0
        self.old_count = 0
        self.new_count = 0

    def run(self) -> list[Change]:
        old_ops = {(o.method, normalize_path(o.full_path)): o for o in operations(self.old)}
        new_ops = {(o.method, normalize_path(o.full_path)): o for o in operations(self.new)}
        self.old_count, self.new_count = len(old_ops), len(new_ops)
        for key, op in old_ops.items():
            if key not in new_ops:
                self.add("operation", "operation removed", op.label, f"({op.operation_id})")
        for key, op in new_ops.items():
            if key not in old_ops:
                self.add("operation", "operation added", op.label, f"({op.operation_id})")
        for key, new_op in new_ops.items():
            if key in old_ops:
                self.matched += 1
                self.operation(old_ops[key], new_op)
        self.components()
        order = {category: index for index, category in enumerate((*CATEGORIES, "schema"))}
        return sorted(
            self.changes.values(),
            key=lambda c: (order[c.category], not c.breaking, c.kind, c.where, c.detail),
        )

    def add(
        self,
        category: str,
        kind: str,
        where: str,
        detail: str = "",
        direction: str = "",
        example: str = "",
        extra: str = "",
    ) -> None:
        key = (kind, where, detail)
        if direction == BOTH and key in self.changes:
            return  # already judged where its direction is known
        change = self.changes.setdefault(key, Change(category, kind, where, detail))
        breaking, reason = rule(category, kind, direction or REQUEST, self.closed_enums, extra)
        change.directions.add(direction)
        change.example = change.example or example
        if breaking and not change.breaking:
            change.breaking, change.reason = True, reason
        change.reason = change.reason or reason

    # Operations ----------------------------------------------------------------------

    def operation(self, old: Operation, new: Operation) -> None:
        name = new.operation_id
        old_params = _parameter_keys(old)
        new_params = _parameter_keys(new)
        for key, parameter in old_params.items():
            if key not in new_params:
                self.add(
                    "parameter",
                    "parameter removed",
                    f"{name} {parameter.location} {parameter.name}",
                    direction=REQUEST,
                )
        for key, parameter in new_params.items():
            if key not in old_params:
                required = "required" if parameter.required else "optional"
                self.add(
                    "parameter",
                    "parameter added",
                    f"{name} {parameter.location} {parameter.name}",
                    required,
                    REQUEST,
                    extra=required,
                )
                continue
            before = old_params[key]
            where = f"{name} {parameter.location} {parameter.name}"
            if parameter.required != before.required:
                kind = "became required" if parameter.required else "became optional"
                self.add("parameter", f"parameter {kind}", where, direction=REQUEST)
            if before.schema and parameter.schema:
                self.schemas((before.schema,), (parameter.schema,), REQUEST, where, where)
        self.request_body(name, old.request_body, new.request_body)
        self.responses(name, old, new)

    def request_body(self, name: str, old: Body | None, new: Body | None) -> None:
        where = f"{name} request body"
        if old is None and new is None:
            return
        if old is None or new is None:
            body = new or old
            assert body is not None
            kind = "request body added" if old is None else "request body removed"
            required = "required" if body.required else "optional"
            self.add("request body", kind, where, required, REQUEST, extra=required)
            return
        if old.required != new.required:
            kind = "became required" if new.required else "became optional"
            self.add("request body", f"request body {kind}", where, direction=REQUEST)
        self.media("request", where, old, new, REQUEST)

    def responses(self, name: str, old: Operation, new: Operation) -> None:
        added = [s for s in new.responses if s not in old.responses]
        removed = [s for s in old.responses if s not in new.responses]
        success = [s for s in added if s.startswith(("2", "3"))]
        errors = [s for s in added if s not in success]
        where = f"{name} responses"
        if success:
            self.add("response", "success status added", where, ", ".join(success), RESPONSE)
        if errors:
            self.add("response", "error status added", where, ", ".join(errors), RESPONSE)
        if removed:
            self.add("response", "status removed", where, ", ".join(removed), RESPONSE)
        for status, body in new.responses.items():
            if status in old.responses:
                self.media(
                    "response", f"{name} {status} response", old.responses[status], body, RESPONSE
                )

    def media(self, side: str, where: str, old: Body, new: Body, direction: str) -> None:
        old_schemas = {m: s for m, s in old.media.items() if s}
        new_schemas = {m: s for m, s in new.media.items() if s}
        if side == "response" and bool(old_schemas) != bool(new_schemas):
            kind = "response body added" if new_schemas else "response body removed"
            self.add("response", kind, where, direction=direction)
            return
        old_json, new_json = json_media(old), json_media(new)
        pairs = [(m, m) for m in new.media if m in old.media]
        if old_json and new_json and old_json != new_json:
            pairs.append((old_json, new_json))
        category = "request body" if side == "request" else "response"
        for media in old.media:
            if media not in new.media and not (media == old_json and new_json):
                self.add(category, f"{side} media type removed", where, media, direction)
        for media in new.media:
            if media not in old.media and not (media == new_json and old_json):
                self.add(category, f"{side} media type added", where, media, direction)
        for old_media, new_media in pairs:
            old_schema, new_schema = old.media[old_media], new.media[new_media]
            if old_schema and new_schema:
                self.schemas((old_schema,), (new_schema,), direction, where, where)

    # Schemas ---------------------------------------------------------------------------

    def schemas(
        self,
        old: tuple[str, ...],
        new: tuple[str, ...],
        direction: str,
        example: str,
        where: str = "",
    ) -> None:
        """Compare two schemas met at the same place; `where` names the place."""
        key = (old, new, direction)
        # A named schema compared by name ("both") was maybe already met through an
        # operation, where its direction is known: that judgement stands.
        if key in self.seen or (direction == BOTH and (old, new) in self.seen_pairs):
            return
        self.seen.add(key)
        self.seen_pairs.add((old, new))
        before = view(self.old, self.old_validator, old)
        after = view(self.new, self.new_validator, new)
        self.visited_old |= before.visited
        self.visited_new |= after.visited
        if self.envelope(before, after, old, new, direction, example, where):
            return
        self.types(before, after, direction, example, where)
        self.enums(before, after, direction, example, where)
        self.properties(before, after, direction, example)
        if before.items and after.items:
            items = (tuple(before.items), tuple(after.items))
            self.schemas(*items, direction, example, f"{where}[]")

    def envelope(
        self,
        before: View,
        after: View,
        old: tuple[str, ...],
        new: tuple[str, ...],
        direction: str,
        example: str,
        where: str,
    ) -> bool:
        """`Org` became `{data: Org}` (or the reverse): one change, then compare the Orgs."""
        if not (before.name and after.name) or before.name == after.name:
            return False
        for name, pointers in after.properties.items():
            if view(self.new, self.new_validator, tuple(pointers)).name == before.name:
                detail = f"{before.name} -> {{{name}: {before.name}}}"
                self.add("type", "wrapped in an envelope", where, detail, direction, example)
                self.schemas(old, tuple(pointers), direction, example, f"{where}.{name}")
                return True
        for name, pointers in before.properties.items():
            if view(self.old, self.old_validator, tuple(pointers)).name == after.name:
                detail = f"{{{name}: {after.name}}} -> {after.name}"
                self.add("type", "taken out of an envelope", where, detail, direction, example)
                self.schemas(tuple(pointers), new, direction, example, f"{where}.{name}")
                return True
        return False

    def types(self, before: View, after: View, direction: str, example: str, where: str) -> None:
        if before.types != after.types:
            old_types = before.types or {"any"}
            new_types = after.types or {"any"}
            kind = _widening("type", before.types, after.types)
            detail = f"{' | '.join(sorted(old_types))} -> {' | '.join(sorted(new_types))}"
            self.add("type", kind, where, detail, direction, example)
        if before.format != after.format:
            if before.format and after.format:
                kind = "format changed"
            else:
                kind = "format widened" if before.format else "format narrowed"
            detail = f"{before.format or 'none'} -> {after.format or 'none'}"
            self.add("type", kind, where, detail, direction, example)

    def enums(self, before: View, after: View, direction: str, example: str, where: str) -> None:
        if before.enum is None and after.enum is None:
            return
        if before.enum is None or after.enum is None:
            kind = "enum constraint added" if after.enum is not None else "enum constraint removed"
            values = ", ".join(map(str, after.enum or before.enum or []))
            self.add("enum", kind, where, f"[{values}]", direction, example)
            return
        removed = [str(value) for value in before.enum if value not in after.enum]
        added = [str(value) for value in after.enum if value not in before.enum]
        if removed:
            detail = ", ".join(removed)
            self.add("enum", "enum value removed", where, detail, direction, example)
        if added:
            self.add("enum", "enum value added", where, ", ".join(added), direction, example)

    def properties(self, before: View, after: View, direction: str, example: str) -> None:
        request = direction == REQUEST
        for name in before.properties:
            if name not in after.properties and not (request and name in before.read_only):
                where = f"{label(self.old, before.declared_at[name])}.{name}"
                self.add("property", "property removed", where, "", direction, example)
        for name in after.properties:
            if name in before.properties or (request and name in after.read_only):
                continue
            required = "required" if name in after.required else "optional"
            where = f"{label(self.new, after.declared_at[name])}.{name}"
            self.add("property", "property added", where, required, direction, example, required)
        for name in after.properties:
            if name not in before.properties:
                continue
            where = f"{label(self.new, after.declared_at[name])}.{name}"
            was = f"{label(self.old, before.declared_at[name])}.{name}"
            if was != where:
                where = f"{where} (old {was})"
            if (name in before.required) != (name in after.required) and not (
                request and name in after.read_only
            ):
                kind = "became required" if name in after.required else "became optional"
                self.add("property", f"property {kind}", where, "", direction, example)
            pair = (tuple(before.properties[name]), tuple(after.properties[name]))
            self.schemas(*pair, direction, example, where)

    def components(self) -> None:
        old_names = self.old.schema_pointers()
        new_names = self.new.schema_pointers()
        for name in old_names:
            if name not in new_names:
                self.add("schema", "schema removed", name, direction=BOTH)
        for name in new_names:
            if name not in old_names:
                self.add("schema", "schema added", name, direction=BOTH)
        old_usage, new_usage = usage(self.old), usage(self.new)
        for name, pointer in new_names.items():
            old_pointer = old_names.get(name)
            unreached = old_pointer not in self.visited_old and pointer not in self.visited_new
            if old_pointer and unreached:
                used = old_usage.get(name, set()) | new_usage.get(name, set())
                direction = used.pop() if len(used) == 1 else BOTH
                self.schemas(
                    (old_pointer,), (pointer,), direction, f"schema {name} (by name)", name
                )


def usage(document: Document) -> dict[str, set[str]]:
    """Named schema -> where the document's operations use it (request, response)."""
    validator = Validator(document)
    used: dict[str, set[str]] = {}
    for operation in operations(document):
        roots = [(p.schema, REQUEST) for p in operation.parameters if p.schema]
        if operation.request_body:
            roots += [(s, REQUEST) for s in operation.request_body.media.values() if s]
        for body in operation.responses.values():
            roots += [(s, RESPONSE) for s in body.media.values() if s]
        seen: set[tuple[str, str]] = set()
        while roots:
            pointer, direction = roots.pop()
            if (pointer, direction) in seen:
                continue
            seen.add((pointer, direction))
            for schemas in validator.alternatives(pointer):
                for schema in schemas:
                    if NAMED.fullmatch(schema):
                        used.setdefault(schema_name(schema) or "", set()).add(direction)
                    node = document.at(schema)
                    if not isinstance(node, dict):
                        continue
                    for name in node.get("properties") or {}:
                        roots.append((f"{schema}/properties/{escape(name)}", direction))
                    for keyword in ("items", "additionalProperties"):
                        if isinstance(node.get(keyword), dict):
                            roots.append((f"{schema}/{keyword}", direction))
    return used


def _widening(what: str, old: set[str] | None, new: set[str] | None) -> str:
    def covers(wide: set[str] | None, narrow: set[str] | None) -> bool:
        if wide is None:
            return True
        if narrow is None:
            return False
        return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)

    if covers(new, old):
        return f"{what} widened"
    if covers(old, new):
        return f"{what} narrowed"
    return f"{what} changed"


def _parameter_keys(operation: Operation) -> dict[tuple[str, str], Any]:
    """Parameters by (location, name); path parameters by position, as names do not matter."""
    positions = {
        name: index for index, name in enumerate(re.findall(r"\{([^}/]+)\}", operation.path))
    }
    keys: dict[tuple[str, str], Any] = {}
    for parameter in operation.parameters:
        if parameter.location == "path" and parameter.name in positions:
            keys[("path", f"#{positions[parameter.name]}")] = parameter
        else:
            name = parameter.name.lower() if parameter.location == "header" else parameter.name
            keys[(parameter.location, name)] = parameter
    return keys


def summary(changes: list[Change], comparer: Comparer) -> list[str]:
    breaking = sum(1 for c in changes if c.breaking)
    kinds = Counter(c.kind for c in changes)
    lines = [
        f"operations: {comparer.old_count} old, {comparer.new_count} new, "
        f"{comparer.matched} matched",
        f"{len(changes)} changes: {breaking} BREAKING, {len(changes) - breaking} compatible",
    ]
    lines += [f"  {count:4d}  {kind}" for kind, count in sorted(kinds.items())]
    return lines
