"""Drift check 3: every recorded request and response of the cassettes against the specs.

Each interaction of each vcrpy cassette (YAML or JSON, `version: 1`) is mapped to its
operation by method and path below the base path of a spec (`/v2/interop/data`,
`/v2/interop`: the longest match wins, whatever the host), then checked strictly
(see drift_validate): the path and query parameters, the request body against the
operation's `requestBody`, the status against the documented responses, and the
response body against that response's schema. Requests to the OAuth2 token URL of
a spec's security schemes are not operations and are skipped, as are bodies that
are not JSON (XML blueprints), each with a note.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from kimono_interop._constants import TOKEN_PATH
from scripts.cassette_files import body_kind, body_text, find_cassettes, header, load_cassette
from scripts.drift_spec import (
    Body,
    Document,
    Finding,
    Operation,
    Parameter,
    display_path,
    json_media,
    normalize_path,
    operations,
)
from scripts.drift_validate import Issue, Validator


@dataclass(frozen=True, kw_only=True)
class Problem(Finding):
    """One difference between a recorded interaction and the spec."""

    cassette: str
    index: int
    operation: str
    where: str
    count: int = 1

    def __str__(self) -> str:
        more = f" (and {self.count - 1} more like it)" if self.count > 1 else ""
        return (
            f"{self.cassette} interactions[{self.index}] {self.operation} {self.where} "
            f"{self.path}: {self.message}{more} -> {self.place}"
        )


@dataclass
class Report:
    """What `check` found; `problems` decide the exit code, `notes` are for information."""

    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cassettes: int = 0
    interactions: int = 0
    token_requests: int = 0

    @property
    def checked(self) -> int:
        return self.cassettes

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def lines(self) -> list[str]:
        out = [f"note: {note}" for note in self.notes]
        out += [str(problem) for problem in self.problems]
        if self.token_requests:
            out.append(
                f"note: {self.token_requests} requests to the OAuth2 token URL skipped "
                "(a security scheme of the specs, not an operation)"
            )
        if self.problems:
            out.append("")
            out.append("By spec location (what to change):")
            places: Counter[tuple[str, str, str]] = Counter()
            for problem in self.problems:
                places[(problem.spec, problem.pointer, problem.kind)] += problem.count
            for (spec, pointer, kind), count in sorted(places.items(), key=_by_file_and_line):
                out.append(f"  {spec} #{pointer}: {kind}, {count} times")
        cassettes = {p.cassette for p in self.problems}
        out.append(
            f"{len(self.problems)} problems in {len(cassettes)} of {self.cassettes} cassettes "
            f"({self.interactions} interactions checked)"
            if self.problems
            else f"no drift: {self.interactions} interactions of {self.cassettes} cassettes "
            "match the specs"
        )
        return out


def _by_file_and_line(entry: tuple[tuple[str, str, str], int]) -> tuple[str, int, str]:
    spec, _, line = entry[0][0].partition(":")
    return spec, int(line) if line.isdigit() else 0, entry[0][1]


class Router:
    """Finds the operation of a recorded request among the operations of the specs."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.documents = list(documents)
        self.validators = {id(doc): Validator(doc) for doc in self.documents}
        self.bases = sorted(
            ((doc.base_path(), doc) for doc in self.documents),
            key=lambda entry: -len(entry[0]),
        )
        self.token_paths = set().union(*(doc.token_paths() for doc in self.documents))
        self.table: dict[int, list[tuple[re.Pattern[str], Operation]]] = {}
        for doc in self.documents:
            entries = []
            for operation in operations(doc):
                pattern = "^" + re.sub(r"\\\{[^}/]+\\\}", "([^/]+)", re.escape(operation.path))
                entries.append((re.compile(pattern.rstrip("/") + "/?$"), operation))
            # Literal segments win over templated ones (/tasks/ack before /tasks/{id}).
            entries.sort(key=lambda entry: normalize_path(entry[1].path).count("{}"))
            self.table[id(doc)] = entries

    def validator(self, document: Document) -> Validator:
        return self.validators[id(document)]

    def find(
        self, method: str, path: str
    ) -> tuple[Operation | None, list[str], Document | None, str]:
        """(operation, path values, spec, why not found)."""
        for base, doc in self.bases:
            if path == base or path.startswith(base + "/"):
                rest = path[len(base) :] or "/"
                matched_path = None
                for pattern, operation in self.table[id(doc)]:
                    match = pattern.match(rest)
                    if match:
                        if operation.method == method:
                            return operation, list(match.groups()), doc, ""
                        matched_path = matched_path or operation
                if matched_path is not None:
                    return None, [], doc, matched_path.pointer.rsplit("/", 1)[0]
                return None, [], doc, "/paths"
        return None, [], None, ""


def check(root: Path, documents: Sequence[Document], allow_status: Iterable[int] = ()) -> Report:
    """Check every cassette below `root` (or the one file `root`) against `documents`."""
    router = Router(documents)
    report = Report()
    for path in find_cassettes(root):
        label = display_path(path)
        try:
            cassette = load_cassette(path)
        except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as error:
            report.problems.append(
                Problem(
                    cassette=label,
                    index=-1,
                    operation="-",
                    where="cassette",
                    path="-",
                    message=f"unreadable: {error}",
                    kind="file",
                    spec="-",
                    pointer="",
                )
            )
            continue
        if cassette is None:
            report.notes.append(f"{label}: not a vcrpy cassette (no interactions), skipped")
            continue
        report.cassettes += 1
        for index, interaction in enumerate(cassette["interactions"]):
            report.interactions += 1
            checker = _Interaction(router, report, label, index, set(allow_status))
            checker.run(interaction)
    return report


class _Interaction:
    """The checks of one recorded request and its response."""

    def __init__(
        self, router: Router, report: Report, cassette: str, index: int, allow: set[int]
    ) -> None:
        self.router = router
        self.report = report
        self.cassette = cassette
        self.index = index
        self.allow = allow
        self.operation_label = "-"
        self.found: list[Problem] = []

    def run(self, interaction: dict[str, Any]) -> None:
        request = interaction.get("request") or {}
        response = interaction.get("response") or {}
        method = str(request.get("method", "GET")).upper()
        url = urlsplit(str(request.get("uri", "")))
        path = url.path or "/"
        if path in self.router.token_paths or path == TOKEN_PATH:
            self.report.token_requests += 1
            return
        operation, values, doc, pointer = self.router.find(method, path)
        if operation is None:
            self.operation_label = f"{method} {path}"
            if doc is None:
                prefixes = ", ".join(base for base, _ in self.router.bases)
                self._add("request", "-", f"not under an API base path ({prefixes})", "operation")
            elif pointer == "/paths":
                self._add("request", "-", "no such path in the spec", "operation", doc, pointer)
            else:
                self._add(
                    "request",
                    "-",
                    f"method {method} not documented for this path",
                    "operation",
                    doc,
                    pointer,
                )
            self._flush()
            return
        self.operation_label = operation.operation_id
        validator = self.router.validator(operation.document)
        self._parameters(operation, validator, values, parse_qsl(url.query, True))
        headers = request.get("headers") or {}
        body = body_text(request.get("body"), headers)
        self._body("request body", operation, operation.request_body, body, headers, validator)
        self._response(operation, validator, response)
        self._flush()

    # Parameters ------------------------------------------------------------------------

    def _parameters(
        self,
        operation: Operation,
        validator: Validator,
        path_values: list[str],
        query: list[tuple[str, str]],
    ) -> None:
        doc = operation.document
        in_path = re.findall(r"\{([^}/]+)\}", operation.path)
        by_key = {(p.location, p.name): p for p in operation.parameters}
        for name, raw in zip(in_path, path_values, strict=True):
            parameter = by_key.get(("path", name))
            if parameter is None:
                self._add(
                    "request path",
                    name,
                    "path parameter not declared",
                    "parameter",
                    doc,
                    operation.pointer,
                )
            else:
                self._value("request path", parameter, [raw], validator)
        given: dict[str, list[str]] = {}
        for name, raw in query:
            given.setdefault(name, []).append(raw)
        for name, raws in given.items():
            parameter = by_key.get(("query", name))
            if parameter is None:
                self._add(
                    "request query",
                    name,
                    f"query parameter {name!r} is not in the spec",
                    "parameter",
                    doc,
                    f"{operation.pointer}/parameters",
                )
            else:
                self._value("request query", parameter, raws, validator)
        for parameter in operation.parameters:
            if parameter.location == "query" and parameter.required and parameter.name not in given:
                self._add(
                    "request query",
                    parameter.name,
                    "required query parameter is missing",
                    "missing-required",
                    doc,
                    parameter.pointer,
                )

    def _value(
        self, where: str, parameter: Parameter, raws: list[str], validator: Validator
    ) -> None:
        if parameter.schema is None:
            return
        types = validator_types(validator, parameter.schema)
        value: Any
        if "array" in types:
            items = raws if len(raws) > 1 else raws[0].split(",")
            value = [_coerce(item, {"string", "integer", "number", "boolean"}) for item in items]
        elif len(raws) > 1:
            self._add(
                where,
                parameter.name,
                f"given {len(raws)} times, the spec allows one",
                "type",
                validator.document,
                parameter.pointer,
            )
            return
        else:
            value = _coerce(raws[0], types)
        for issue in validator.validate(value, parameter.schema, parameter.name):
            self._issue(where, issue, validator.document)

    # Bodies ------------------------------------------------------------------------------

    def _response(
        self, operation: Operation, validator: Validator, response: dict[str, Any]
    ) -> None:
        status = int((response.get("status") or {}).get("code", 0))
        doc = operation.document
        documented = operation.responses
        key = next(
            (
                k
                for k in (str(status), f"{status // 100}XX", f"{status // 100}xx", "default")
                if k in documented
            ),
            None,
        )
        if key is None:
            if status not in self.allow:
                listed = ", ".join(documented)
                self._add(
                    f"response {status}",
                    "-",
                    f"status {status} is not documented (documented: {listed})",
                    "status",
                    doc,
                    f"{operation.pointer}/responses",
                )
            return
        headers = response.get("headers") or {}
        body = body_text((response.get("body") or {}).get("string"), headers)
        self._body(f"response {status}", operation, documented[key], body, headers, validator)

    def _body(
        self,
        where: str,
        operation: Operation,
        spec_body: Body | None,
        body: str | None,
        headers: dict[str, Any],
        validator: Validator,
    ) -> None:
        doc = operation.document
        content_type = header(headers, "content-type").split(";")[0].strip().lower()
        empty = body is None or not body.strip()
        if spec_body is None or not spec_body.media:
            if not empty:
                at = operation.pointer if spec_body is None else spec_body.pointer
                self._add(where, "-", "has a body; the spec documents none", "body", doc, at)
            return
        if empty:
            if spec_body.required or (where.startswith("response") and json_media(spec_body)):
                self._add(
                    where,
                    "-",
                    f"has no body; the spec documents {', '.join(spec_body.media)}",
                    "body",
                    doc,
                    spec_body.pointer,
                )
            return
        assert body is not None
        kind = body_kind(content_type, body)
        if kind != "json":
            shown_type = content_type or "no content type"
            if any(kind in media for media in spec_body.media):
                self.report.notes.append(
                    f"{self.cassette} interactions[{self.index}] {self.operation_label} "
                    f"{where}: {shown_type} body not checked (only JSON bodies are)"
                )
            else:
                self._add(
                    where,
                    "-",
                    f"content type {shown_type} is not documented ({', '.join(spec_body.media)})",
                    "body",
                    doc,
                    f"{spec_body.pointer}/content",
                )
            return
        media = json_media(spec_body)
        if media is None:
            self._add(
                where,
                "-",
                f"JSON body, the spec documents {', '.join(spec_body.media)}",
                "body",
                doc,
                f"{spec_body.pointer}/content",
            )
            return
        try:
            value = json.loads(body)
        except json.JSONDecodeError as error:
            self._add(where, "-", f"body is not valid JSON: {error.msg}", "body")
            return
        schema = spec_body.media[media]
        if schema is not None:
            for issue in validator.validate(value, schema):
                self._issue(where, issue, doc)

    # Reporting --------------------------------------------------------------------------

    def _issue(self, where: str, issue: Issue, doc: Document) -> None:
        self._add(where, issue.path, issue.message, issue.kind, doc, issue.pointer)

    def _add(
        self,
        where: str,
        path: str,
        message: str,
        kind: str,
        doc: Document | None = None,
        pointer: str = "",
    ) -> None:
        spec = doc.where(pointer) if doc is not None else "-"
        self.found.append(
            Problem(
                cassette=self.cassette,
                index=self.index,
                operation=self.operation_label,
                where=where,
                path=path,
                message=message,
                kind=kind,
                spec=spec,
                pointer=pointer,
            )
        )

    def _flush(self) -> None:
        """One line per distinct problem: the same one in 2,000 list items is counted."""
        merged: dict[tuple[str, ...], Problem] = {}
        for problem in self.found:
            key = (
                problem.where,
                re.sub(r"\[\d+\]", "[*]", problem.path),
                problem.message,
                problem.pointer,
            )
            if key in merged:
                first = merged[key]
                merged[key] = dataclasses.replace(first, count=first.count + 1)
            else:
                merged[key] = problem
        self.report.problems.extend(merged.values())


def validator_types(validator: Validator, pointer: str) -> set[str]:
    """Every JSON type a schema allows (empty when it does not say)."""
    types: set[str] = set()
    for schemas in validator.alternatives(pointer):
        for schema in schemas:
            node = validator.document.at(schema)
            kind = node.get("type") if isinstance(node, dict) else None
            if isinstance(kind, str):
                types.add(kind)
            elif isinstance(kind, list):
                types.update(map(str, kind))
    return types


def _coerce(raw: str, types: set[str]) -> Any:
    """A query or path string as the JSON value the schema's type expects."""
    if types & {"integer", "number"} and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    if "number" in types and re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", raw):
        return float(raw)
    if "boolean" in types and raw in ("true", "false"):
        return raw == "true"
    return raw
