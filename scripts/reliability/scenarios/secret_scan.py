"""Scenario 12: no secret or token in any log, error, repr, output or cassette of the run.

Runs last: it takes reprs of what a user might print (clients, auth, pagers, tenants
with their credentials, stats), checks that every credential in tests/cassettes is a
placeholder, proves the log capture is live with a canary, then scans everything the
secret watch spooled during the whole run for every secret and issued token.
"""

from __future__ import annotations

import itertools
import re

from kimono_interop import KimonoClient
from scripts.reliability import ROOT
from scripts.reliability.checks import outcome_of, push_tasks
from scripts.reliability.results import Result, fmt_counter
from scripts.reliability.servers import CLIENT_ID, Run
from scripts.reliability.watch import SecretWatch

CASSETTES = ROOT / "tests" / "cassettes"


def secrets_scan(run: Run) -> Result:
    """Run last: reprs of the SDK's objects, then the scan of everything the run spooled."""
    result = Result(
        "secrets",
        "Secrets in logs, errors, reprs, outputs, cassettes",
        injected=(
            "distinctive client and tenant secrets (`SandboxConfig(client_secret=...)`, each "
            "tenant's `auth.client_secret`); `kimono_interop`, `httpx`, `httpcore` loggers at "
            "DEBUG for every scenario above; the SIGTERM consumers ran with `KIMONO_LOG=debug` "
            "and root logging at DEBUG; the values planted in hostile input (the secrets "
            "under hostile input row)"
        ),
        checked=(
            "no occurrence of the client secret, any tenant secret, any planted value, or any "
            "access token the server issued, in: every log record, the text and traceback of "
            "every exception the scenarios raised, reprs of the SDK's objects, subprocess "
            "output, cassettes"
        ),
    )
    # Reprs of what a user might print: clients, auth, pagers, tenants (with credentials).
    config = run.config(students=20, seed=19, tenants=2)
    with run.server(config) as server:
        with KimonoClient(**server.credentials) as kimono:
            tenants = list(kimono.tenants.list())
            pager = kimono.rostering.persons.list(page_size=5)
            pages = list(itertools.islice(pager.pages(), 1))
            objects: list[object] = [kimono, kimono.auth, kimono.retry, pager, *pages, *tenants]
            child = kimono.for_tenant(tenants[0])
            objects += [child, child.auth, [t.to_dict().get("name") for t in tenants]]
            with child:
                push_tasks(server.state, str(tenants[0].id), 3)
                stats = child.tasks.run(objects.append, stop_when_empty=True, handle_signals=False)
                objects.append(stats)
            with KimonoClient(CLIENT_ID, "wrong-" + run.client_secret, base_url=server.url) as bad:
                objects.append(outcome_of(run, lambda: bad.tenants.current()))
        for obj in objects:
            run.watch.scan_repr(obj)
    cassettes = sorted(p for p in CASSETTES.rglob("*") if p.is_file()) if CASSETTES.exists() else []
    unscrubbed: list[str] = []
    for path in cassettes:
        text = path.read_text(errors="replace")
        run.watch.scan_text("cassette", text)
        unscrubbed += [f"{path.relative_to(CASSETTES)}: {what}" for what in unscrubbed_values(text)]
    result.equal("cassette credentials not scrubbed", unscrubbed, [])
    live = run.watch.selftest()
    found = run.watch.scan()
    result.true("the capture is live (a canary logged through httpx is found)", live)
    result.equal("occurrences of a secret or token", run.watch.hits, [])
    records = run.watch.records
    for name in SecretWatch.LOGGERS:
        result.true(f"records captured from {name}", records[name] >= 1, f"{dict(records)}")
    texts, chars = run.watch.texts, run.watch.text_chars
    result.note(
        f"scanned {sum(records.values()):,} log records of this process "
        f"({fmt_counter(records)}), the load client's debug log "
        f"({chars['load client log'] / 1e6:.1f} M characters), "
        f"{texts['subprocess output']:,} outputs of consumer processes (debug logs included), "
        f"{texts['exception']:,} exceptions with tracebacks, {texts['repr']:,} reprs, "
        f"{len(cassettes)} cassette files (also checked: every Authorization header and "
        "secret-named field in them is `<SCRUBBED>`)"
        f"{'' if cassettes else ' (tests/cassettes does not exist)'}"
        f"; {run.watch.chars / 1e6:.1f} M characters in all"
    )
    result.note(
        f"needles: the client secret, {run.watch.tenant_secrets} tenant secrets, the sandbox's "
        f"default secrets, {run.watch.planted} values planted in hostile input, "
        f"{run.watch.tokens:,} issued access tokens; found {len(found)}"
    )
    result.data.update(hits=len(run.watch.hits), tokens=run.watch.tokens)
    result.amount = (
        f"{sum(records.values()):,} log records, {sum(texts.values()):,} texts, "
        f"{run.watch.tokens:,} tokens"
    )
    result.summary = (
        f"0 occurrences in {run.watch.chars / 1e6:.1f} M characters"
        if (result.passed)
        else f"{len(run.watch.hits)} occurrences"
    )
    return result


#: Credentials in a cassette: an Authorization header, a secret-named JSON or form field.
_CASSETTE_CREDENTIALS = (
    re.compile(r"authorization:\s*\n\s*-\s*(.+)", re.I),
    re.compile(
        r"\"(?:client_secret|access_token|refresh_token|password|api_key|token)\"\s*:\s*"
        r"\"([^\"]*)\"",
        re.I,
    ),
    re.compile(r"\b(?:client_secret|access_token|refresh_token|password)=([^&\s\"']*)", re.I),
)
_SCRUBBED = {"<SCRUBBED>", "Bearer <SCRUBBED>", "Basic <SCRUBBED>", "%3CSCRUBBED%3E", "***", ""}


def unscrubbed_values(text: str) -> list[str]:
    """Credential values in a cassette that are not a placeholder (described, not shown)."""
    found = []
    for pattern in _CASSETTE_CREDENTIALS:
        for match in pattern.finditer(text):
            value = match.group(1).strip().strip("'\"")
            if value not in _SCRUBBED:
                where = " ".join(match.group(0).split(value)[0].split())
                found.append(f"{where[:40]} <{len(value)} characters>")
    return found
