"""Drift check 4's verdicts: each kind of change, and whether it breaks an old client.

The rules are written out at the top of scripts/drift.py; `rule` is their single
implementation, and `Change` what scripts/drift_compare.py reports with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

REQUEST, RESPONSE, BOTH = "request", "response", "both"


@dataclass
class Change:
    """One difference; `breaking` is for a client written against the old description."""

    category: str
    kind: str
    where: str
    detail: str = ""
    directions: set[str] = field(default_factory=set)
    example: str = ""
    breaking: bool = False
    reason: str = ""

    def __str__(self) -> str:
        mark = "BREAKING" if self.breaking else "compatible"
        detail = f": {self.detail}" if self.detail else ""
        context = ", ".join(sorted(self.directions - {""}))
        if self.example:
            context = f"{context}; e.g. {self.example}" if context else self.example
        context = f"  [{context}]" if context else ""
        return f"{mark:<10}  {self.kind}: {self.where}{detail}{context}  -- {self.reason}"


#: Kinds whose verdict depends only on the direction: (kinds, when old clients send the
#: value, when they receive it). The rules in `rule` that need more are tried first.
_DIRECTIONAL: tuple[tuple[tuple[str, ...], tuple[bool, str], tuple[bool, str]], ...] = (
    (
        ("property removed",),
        (True, "old clients send it: ignored (its effect is lost) or rejected"),
        (True, "old clients read it and get nothing"),
    ),
    (
        ("property became required",),
        (True, "old clients may not send it"),
        (False, "now always sent"),
    ),
    (
        ("property became optional",),
        (False, "old clients still send it"),
        (True, "may now be absent"),
    ),
    (
        ("enum value added", "enum constraint removed"),
        (False, "old clients send values still accepted"),
        (False, "our enums are open (is_known is False); closed-enum clients break"),
    ),
    (
        ("enum value removed", "enum constraint added"),
        (True, "old clients may send a value no longer accepted"),
        (False, "old clients just never see it"),
    ),
    (
        ("type widened", "format widened"),
        (False, "old clients' values are still accepted"),
        (True, "old clients may get values they cannot parse"),
    ),
    (
        ("type narrowed", "format narrowed"),
        (True, "old clients may send values no longer accepted"),
        (False, "old clients get a subset of what they parse"),
    ),
)
BY_DIRECTION = {kind: (sent, got) for kinds, sent, got in _DIRECTIONAL for kind in kinds}


def rule(
    category: str, kind: str, direction: str, closed_enums: bool, extra: str = ""
) -> tuple[bool, str]:
    """(breaking, why) of one change seen from one direction; see scripts/drift.py."""
    if direction == BOTH:
        request = rule(category, kind, REQUEST, closed_enums, extra)
        response = rule(category, kind, RESPONSE, closed_enums, extra)
        if request[0] or response[0]:
            return True, (request if request[0] else response)[1] + " (usage unknown)"
        return False, response[1]
    sends = direction == REQUEST
    table: dict[tuple[str, str], tuple[bool, str]] = {
        ("operation", "operation removed"): (True, "calls to it fail"),
        ("operation", "operation added"): (False, "new; old clients do not call it"),
        ("parameter", "parameter added"): (
            (True, "old clients do not send it")
            if extra == "required"
            else (False, "optional; old clients need not send it")
        ),
        ("parameter", "parameter removed"): (
            True,
            "old clients send it: ignored (its effect is lost) or rejected",
        ),
        ("parameter", "parameter became required"): (True, "old clients may not send it"),
        ("parameter", "parameter became optional"): (False, "old clients still send it"),
        ("request body", "request body added"): (
            (True, "old clients send no body")
            if extra == "required"
            else (False, "optional; old clients send none")
        ),
        ("request body", "request body removed"): (True, "old clients send a body"),
        ("request body", "request body became required"): (True, "old clients may send none"),
        ("request body", "request body became optional"): (False, "old clients still send one"),
        ("request body", "request media type removed"): (True, "old clients send it"),
        ("request body", "request media type added"): (False, "old clients use another"),
        ("response", "success status added"): (True, "a success old clients do not expect"),
        ("response", "error status added"): (False, "old clients handle errors generically"),
        ("response", "status removed"): (False, "old clients no longer see it"),
        ("response", "response body removed"): (True, "old clients read it"),
        ("response", "response body added"): (False, "old clients ignore it"),
        ("response", "response media type removed"): (True, "old clients read it"),
        ("response", "response media type added"): (False, "old clients ignore it"),
    }
    if (category, kind) in table:
        return table[(category, kind)]
    if kind == "property added":
        if sends and extra == "required":
            return True, "required in requests; old clients do not send it"
        if sends:
            return False, "optional in requests"
        return False, "old clients ignore unknown fields (ours keep them)"
    if kind in ("enum value added", "enum constraint removed") and not sends and closed_enums:
        return True, "clients with closed enums fail on the new value"
    if kind in BY_DIRECTION:
        when_sent, when_received = BY_DIRECTION[kind]
        return when_sent if sends else when_received
    if kind in ("type changed", "format changed"):
        return True, "old clients' values and parsers no longer fit"
    if kind in ("wrapped in an envelope", "taken out of an envelope"):
        return True, "the value moved; old clients look for it where it was"
    if kind in ("schema added", "schema removed"):
        return False, "schema names are not on the wire"
    raise ValueError(f"no rule for {category}/{kind}")
