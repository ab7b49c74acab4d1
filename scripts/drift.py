"""Contract drift checks: recorded traffic against the specs, and one spec against another.

    python -m scripts.drift cassettes [DIR]         # every cassette below DIR (tests/cassettes)
    python -m scripts.drift payloads [DIR]          # payloads from the wild (tests/real_payloads)
    python -m scripts.drift compare --against OTHER [--spec spec/interop.yaml]

`make drift` runs these after `make lint-spec` and `make check-generated`;
docs/maintaining.md ("When the service changes") says what to do with the output.
Exit status: 0 no drift, 1 drift (for `compare`: see --fail-on), 2 the input could
not be read.

`cassettes` validates each recorded request and response of the vcrpy cassettes
against the operation it belongs to, strictly: a field the spec does not list (every
object schema is treated as closed, with allOf/anyOf composition respected), a
missing required field, an enum value the spec does not list, a status the
operation does not document, a wrong type or format (uuid, date, date-time), an
operation the spec does not have. One line per problem: cassette, interaction,
operationId, where, JSON path, what differs, and the spec file:line to change.

`payloads` validates payloads captured from the real service (or built from its
vendor's public code and pages), one JSON file each, naming the schema, operation
response or request body it belongs to and where it was seen (drift_payloads);
each difference is reported with that source.

`compare` lists what changed from OTHER (the old description: a vendor's published
file, JSON or YAML, OpenAPI 3 or Swagger 2.0, or an earlier release of ours, e.g.
`git:v1.0.0:spec/interop.yaml`) to --spec (the new one; by default the spec of ours
whose base path is OTHER's). Each change is marked for a client written against
OTHER that now talks to a service described by --spec:

    change                                  request (client sends)  response (client reads)
    operation removed                       BREAKING                (calls fail)
    operation added                         compatible
    parameter added, required               BREAKING                (old clients omit it)
    parameter added, optional               compatible
    parameter removed                       BREAKING                (ignored or rejected)
    parameter became required / optional    BREAKING / compatible
    request body added (required/optional)  BREAKING / compatible
    request body removed, became required   BREAKING
    success status (2xx, 3xx) added         -                       BREAKING
    error status added, any status removed  -                       compatible
    response body removed / added           -                       BREAKING / compatible
    property added                          BREAKING if required    compatible (unknown
                                            else compatible         fields are ignored/kept)
    property removed                        BREAKING                BREAKING
    property became required                BREAKING                compatible
    property became optional                compatible              BREAKING
    enum value added                        compatible              compatible for this SDK,
                                                                    BREAKING for closed enums
    enum value removed                      BREAKING                compatible
    type/format widened (accepts more)      compatible              BREAKING
    type/format narrowed (accepts less)     BREAKING                compatible
    type/format changed otherwise           BREAKING                BREAKING
    value wrapped in / taken out of {data}  BREAKING                BREAKING
    schema added/removed (by name only)     compatible (names are not on the wire)

An added response enum value breaks clients whose enums are closed (most generated
clients, and the vendor's 2022 Java client: it failed on the action CHANGE). It is
compatible for this SDK because its enums are open (an unknown value parses into a
member with `is_known` False), so it is marked compatible unless --closed-enums is
given. A schema used both in requests and responses is judged from both sides, and
a named schema that no matching operation uses is judged as if it were used in both.
Removing a request property or parameter is marked BREAKING because a client that
sends it either gets a rejection or silently loses its effect. readOnly properties
are not part of requests and are ignored there. Formats that are only annotations
(password, binary, double, float) are ignored.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scripts.drift_cassettes import Report, check
from scripts.drift_compare import Change, Comparer, summary
from scripts.drift_payloads import check_payloads
from scripts.drift_spec import ROOT, Document, SpecError

__all__ = ["Change", "Comparer", "Document", "Report", "check", "check_payloads", "main"]

SPECS = (ROOT / "spec" / "interop-data.yaml", ROOT / "spec" / "interop.yaml")
CASSETTES = ROOT / "tests" / "cassettes"
PAYLOADS = ROOT / "tests" / "real_payloads"
TITLES = {
    "operation": "operations",
    "parameter": "parameters",
    "request body": "request bodies",
    "response": "responses",
    "property": "properties",
    "enum": "enums",
    "type": "types and formats",
    "schema": "named schemas (names are not on the wire)",
}


def _run_check(args: argparse.Namespace, check_dir: Callable[..., Any], nothing: str) -> int:
    """Check the files below ``args.dir`` against the specs; print the report; 0, 1 or 2."""
    root = Path(args.dir)
    if not root.exists():
        print(f"drift: {root}: no such file or directory", file=sys.stderr)
        return 2
    documents = [Document.load(spec) for spec in (args.spec or SPECS)]
    report = check_dir(root, documents)
    for line in report.lines():
        print(line)
    if report.checked == 0:
        print(f"drift: {nothing} below {root}", file=sys.stderr)
        return 2
    return 1 if report.failed else 0


def run_cassettes(args: argparse.Namespace) -> int:
    allow = args.allow_status or ()
    return _run_check(
        args, lambda root, docs: check(root, docs, allow_status=allow), "no cassettes found"
    )


def run_payloads(args: argparse.Namespace) -> int:
    return _run_check(args, check_payloads, "no usable payload files")


def default_spec(other: Document) -> Path:
    """Ours with the same base path as OTHER, else spec/interop.yaml."""
    for spec in SPECS:
        if Document.load(spec).base_path() == other.base_path():
            return spec
    return SPECS[1]


def run_compare(args: argparse.Namespace) -> int:
    old = Document.load(args.against)
    new = Document.load(args.spec or default_spec(old))
    print(
        f"comparing {new.label} ({new.version}, base {new.base_path() or '/'}) "
        f"against {old.label} ({old.version}, base {old.base_path() or '/'})"
    )
    comparer = Comparer(old, new, closed_enums=args.closed_enums)
    changes = comparer.run()
    category = ""
    for change in changes:
        if change.category != category:
            category = change.category
            print(f"\n{TITLES.get(category, category)}:")
        print(f"  {change}")
    print()
    for line in summary(changes, comparer):
        print(line)
    if args.fail_on == "any" and changes:
        return 1
    if args.fail_on == "breaking" and any(change.breaking for change in changes):
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    cassettes = commands.add_parser("cassettes", help="validate recorded cassettes")
    cassettes.add_argument("dir", nargs="?", default=str(CASSETTES), help="file or directory")
    cassettes.add_argument(
        "--spec", action="append", help="a spec to check against (repeat; default: both)"
    )
    cassettes.add_argument(
        "--allow-status",
        action="append",
        type=int,
        metavar="CODE",
        help="a status not to report when undocumented (e.g. 503 of a retried request)",
    )
    payloads = commands.add_parser("payloads", help="validate payloads seen in the wild")
    payloads.add_argument("dir", nargs="?", default=str(PAYLOADS), help="file or directory")
    payloads.add_argument(
        "--spec", action="append", help="a spec to check against (repeat; default: both)"
    )
    compare = commands.add_parser("compare", help="compare two API descriptions")
    compare.add_argument("--against", required=True, help="OTHER: file or git:REV:PATH")
    compare.add_argument("--spec", help="ours (default: the one with OTHER's base path)")
    compare.add_argument(
        "--fail-on",
        choices=("any", "breaking", "none"),
        default="breaking",
        help="exit 1 on any change, on a BREAKING one (default), or never",
    )
    compare.add_argument(
        "--closed-enums",
        action="store_true",
        help="count an added response enum value as BREAKING (clients with closed enums)",
    )
    args = parser.parse_args(argv)
    try:
        run = {"cassettes": run_cassettes, "payloads": run_payloads, "compare": run_compare}
        return run[args.command](args)
    except SpecError as error:
        print(f"drift: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
