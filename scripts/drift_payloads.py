"""Drift check 4: payloads seen in the wild (or built from public sources) against the specs.

A payload file is JSON with the payload and what it claims to be:

    {"source": "where it was seen: a repository/path@commit, a page, a capture",
     "note": "what it shows, and whether it is verbatim or built",
     "schema": "Task"              # a named schema of a spec, or
     "response": "findLEA"         # the JSON body of an operation's success response, or
     "request": "acknowledgeTask"  # the JSON body an operation takes,
     "payload": {...}}

Each payload is validated strictly (drift_validate: every object closed unless the
spec leaves it open), and every difference is reported with the payload's file and
source, so that one command says where the contract is wrong when someone captures
live traffic: save each body as such a file (tests/real_payloads/ holds the ones
built from the vendor's public code and pages) and run
`python -m scripts.drift payloads DIR`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scripts.drift_spec import Document, Finding, display_path, json_media, operations
from scripts.drift_validate import Validator

TARGETS = ("schema", "response", "request")


@dataclass(frozen=True, kw_only=True)
class PayloadProblem(Finding):
    """One difference between a payload and the schema it claims to follow."""

    file: str
    source: str
    target: str

    def __str__(self) -> str:
        return (
            f"{self.file} [{self.target}] {self.path}: {self.message} -> {self.place}\n"
            f"    source: {self.source}"
        )


@dataclass
class PayloadReport:
    """What `check_payloads` found; `errors` are files it could not use at all."""

    problems: list[PayloadProblem] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    payloads: int = 0

    @property
    def checked(self) -> int:
        return self.payloads

    @property
    def failed(self) -> bool:
        return bool(self.problems or self.errors)

    def lines(self) -> list[str]:
        out = [f"error: {error}" for error in self.errors]
        out += [str(problem) for problem in self.problems]
        files = {problem.file for problem in self.problems}
        out.append(
            f"{len(self.problems)} problems in {len(files)} of {self.payloads} payloads"
            if self.problems
            else f"no drift: {self.payloads} payloads match the specs"
        )
        return out


class Targets:
    """Where each named schema, operation response and request body lives in the specs."""

    def __init__(self, documents: Sequence[Document]) -> None:
        self.places: dict[tuple[str, str], tuple[Document, str]] = {}
        for doc in documents:
            names = doc.data.get("components", {}).get("schemas") or doc.data.get("definitions", {})
            prefix = "/components/schemas" if "components" in doc.data else "/definitions"
            for name in names:
                self.places.setdefault(("schema", name), (doc, f"{prefix}/{name}"))
            for operation in operations(doc):
                if operation.request_body is not None:
                    media = json_media(operation.request_body)
                    schema = operation.request_body.media.get(media) if media else None
                    if schema is not None:
                        self.places.setdefault(("request", operation.operation_id), (doc, schema))
                success = sorted(code for code in operation.responses if code.startswith("2"))
                for code in success:
                    body = operation.responses[code]
                    media = json_media(body)
                    schema = body.media.get(media) if media else None
                    if schema is not None:
                        self.places.setdefault(("response", operation.operation_id), (doc, schema))
                        break
        self.validators = {id(doc): Validator(doc) for doc in documents}

    def find(self, kind: str, name: str) -> tuple[Document, str, Validator] | None:
        place = self.places.get((kind, name))
        if place is None:
            return None
        doc, pointer = place
        return doc, pointer, self.validators[id(doc)]


def find_payloads(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(path for path in root.rglob("*.json") if path.is_file())


def check_payloads(root: Path, documents: Sequence[Document]) -> PayloadReport:
    """Validate every payload file below ``root`` against the schema it names."""
    targets = Targets(documents)
    report = PayloadReport()
    for path in find_payloads(root):
        label = display_path(path)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            report.errors.append(f"{label}: not readable JSON ({error})")
            continue
        claimed = [kind for kind in TARGETS if isinstance(record, dict) and kind in record]
        if len(claimed) != 1 or "payload" not in record:
            report.errors.append(
                f"{label}: needs `payload` and exactly one of {', '.join(TARGETS)}"
            )
            continue
        kind = claimed[0]
        name = str(record[kind])
        found = targets.find(kind, name)
        if found is None:
            report.errors.append(f"{label}: no {kind} named {name!r} in the specs")
            continue
        report.payloads += 1
        doc, pointer, validator = found
        source = str(record.get("source") or "(no source given)")
        for issue in validator.validate(record["payload"], pointer):
            report.problems.append(
                PayloadProblem(
                    file=label,
                    source=source,
                    target=f"{kind} {name}",
                    path=issue.path,
                    message=issue.message,
                    kind=issue.kind,
                    spec=doc.where(issue.pointer),
                    pointer=issue.pointer,
                )
            )
    return report
