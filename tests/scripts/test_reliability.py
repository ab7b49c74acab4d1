"""The reliability and security suite (scripts/reliability/) at test sizes.

``make reliability`` runs the same scenarios at full size and writes docs/reliability.md.
Each scenario talks to the sandbox over real loopback HTTP and checks its outcome
exactly; a test passes when no check of its scenario failed. Every test runs with the
``kimono_interop``, ``httpx`` and ``httpcore`` loggers at DEBUG and ends by scanning
what was logged and raised for the run's secrets and every issued token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from kimono_interop import KimonoError
from scripts.reliability import scenarios
from scripts.reliability.faults import Exchange
from scripts.reliability.paths import TOKEN_PATH
from scripts.reliability.results import Result
from scripts.reliability.servers import Run
from scripts.reliability.sizes import QUICK
from scripts.reliability.watch import SecretWatch
from scripts.service import path_of

SIZES = QUICK


@pytest.fixture(scope="module")
def suite() -> Iterator[Run]:
    """One run for the module: its secrets and its secret watch, closed at the end."""
    run = Run(SIZES)
    yield run
    run.watch.close()


@pytest.fixture
def run(suite: Run) -> Iterator[Run]:
    """The module's run, with debug logs captured; no secret may show up in this test."""
    with suite.watch.capturing():
        yield suite
    assert suite.watch.scan() == []


def passed(result: Result) -> None:
    """Every check of the scenario held (the failed ones are the assertion's message)."""
    failures = result.failures
    assert failures == [], "\n".join(failures)


# --------------------------------------------------------------------------- scenarios


def test_roster_pull_under_faults_yields_every_person_once_in_order(run: Run) -> None:
    """Scenario 1: every person of the pull once, in order, under 5xx, drops and 429s."""
    result = scenarios.roster.roster_pull(run)
    passed(result)
    expected = (SIZES.persons, SIZES.persons)
    assert expected == (result.data["yielded"], result.data["expected"])


def test_short_lived_and_revoked_tokens_never_reach_the_caller(run: Run) -> None:
    """Scenario 2: no 401 reaches the caller, and each token request was needed."""
    result = scenarios.tokens.token_refresh(run)
    passed(result)


@pytest.mark.parametrize(
    ("use_async", "tasks"), [(False, SIZES.tasks), (True, SIZES.async_tasks)], ids=["sync", "async"]
)
def test_consumer_drains_under_faults_handling_each_task_once(
    run: Run, use_async: bool, tasks: int
) -> None:
    """Scenarios 3 and 4: the sync and the async consumer handle and acknowledge every task
    once under faults."""
    result = scenarios.drain.task_drain(run, use_async=use_async)
    passed(result)
    assert tasks == result.data["handled"]


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_sigterm_to_a_consumer_process(run: Run, use_async: bool) -> None:
    """Scenarios 5 and 6: a consumer process stopped mid-batch (sync, then async) acks what
    it handled; no task is lost or handled twice."""
    result = scenarios.sigterm.sigterm(run, use_async=use_async)
    passed(result)
    assert SIZES.sigterm_tasks == result.data["first"] + result.data["second"]


def test_bad_input_from_the_caller_raises_before_sending(run: Run) -> None:
    """Scenario 7: each bad call raises the documented error naming its parameter, unsent."""
    result = scenarios.caller.caller_input(run)
    passed(result)


def test_bad_input_from_the_server_raises_documented_errors_or_parses(run: Run) -> None:
    """Scenario 8: each surprise from the server ends as documented; no request goes elsewhere."""
    result = scenarios.server.server_input(run)
    passed(result)
    assert result.data["elsewhere"] == 0


def test_a_task_id_that_is_not_a_uuid_is_skipped_and_the_batch_acknowledged(run: Run) -> None:
    """Scenario 9: a task id that is not a UUID is handled, and its batch acknowledged."""
    # Found by this suite, fixed in 4d18a74: it used to raise ValueError from ack_many.
    passed(scenarios.task_id.task_id_not_uuid(run))


def test_deeply_nested_json_raises_a_documented_error(run: Run) -> None:
    """Scenario 10: JSON nested 1,000 deep ends in ResponseValidationError, nothing else."""
    # Found by this suite, fixed in 4d18a74: it used to raise RecursionError.
    passed(scenarios.deep_json.deep_json(run))


def test_no_silent_loss_after_a_fork_of_acks_or_among_poison_items(run: Run) -> None:
    """Scenario 11: no crossed answer after a fork; acks as returned, confirmed when their
    answers were lost; poison items counted once and good tasks acked once."""
    result = scenarios.loss.silent_loss(run)
    passed(result)
    reads = SIZES.fork_fetches
    assert result.data["fork_mismatches"] == (0, 0)
    assert result.data["fork_reads"] == (reads, reads)
    assert result.data["return_values_wrong"] == 0
    assert result.data["lost_ack_answers_sync"] == SIZES.loss_tasks
    assert result.data["lost_ack_answers_async"] == SIZES.loss_tasks
    assert (result.data["single_acks_sync"], result.data["single_acks_async"]) == (0, 0)
    assert (result.data["unackable"], result.data["poison_handled"]) == (4, SIZES.loss_tasks)


def test_no_hang_on_dripping_servers_endless_pages_stuck_handlers_or_outages(run: Run) -> None:
    """Scenario 12: dripping calls end at their deadline, endless walks stop, a stuck
    consumer ends on the second SIGINT, consumers wait out an outage."""
    result = scenarios.hangs.hangs(run)
    passed(result)
    assert result.data["drips"] == ["APITimeoutError"] * 5
    sync, plain, ahead, *nulls = result.data["endless_requests"]
    assert (sync, plain, nulls) == (1, 1, [10, 10])
    # with prefetch(4) the first four pages go out together: how many of them reach the
    # server before the empty first page cancels the rest is the scheduler's to decide
    assert 1 <= ahead <= 1 + 4
    assert result.data["stuck_acked"] == [5, 5, 5]
    assert result.data["outage_handled"] == [SIZES.outage_tasks] * 2


def test_memory_stays_bounded_under_bombs_endless_pages_and_floods(run: Run) -> None:
    """Scenario 13: gzip bombs, endless pages and huge tokens refused with little memory;
    the sandbox's request log and token store stay at their limits."""
    result = scenarios.memory.memory(run)
    passed(result)
    assert result.data["answers"] == ["ResponseTooLargeError"] * 4
    limit = SIZES.state_limit
    assert (result.data["log"], result.data["tokens"]) == ((limit, limit), (limit, limit))


def test_no_planted_secret_shows_under_hostile_input(run: Run) -> None:
    """Scenario 14: secrets in hostile answers and settings show in no log, error or repr."""
    result = scenarios.hostile_secrets.hostile_secrets(run)
    passed(result)
    assert (result.data["planted"], result.data["found"], result.data["calls"]) == (12, 0, 14)


def test_csv_export_and_the_sandbox_withstand_hostile_input(run: Run) -> None:
    """Scenario 15: formula cells quoted by the CLI, hostile requests answered 4xx, a
    sandbox on 0.0.0.0 refused without binding."""
    result = scenarios.hostile_input.hostile_input(run)
    passed(result)
    assert (result.data["live_formulas"], result.data["fives"]) == (0, 0)
    # At the test size: nested JSON to 4 operations, 17 MiB bodies to 7, 2 of each other kind
    assert result.data["hostile_4xx"] == result.data["hostile"] == 4 + 7 + 2 + 2
    assert (result.data["remote_exit"], result.data["remote_binds"]) == (2, "[]")


def test_eight_async_workers_under_load(run: Run) -> None:
    """Scenario 16: 8 async workers on one client, in a fresh process, without an error."""
    result = scenarios.load.load(run)
    passed(result)
    assert result.data["tasks"] > 0


def test_no_secret_in_logs_errors_reprs_outputs_or_cassettes(run: Run) -> None:
    """Scenario 17: no secret or issued token anywhere the module's scenarios wrote."""
    result = scenarios.secret_scan.secrets_scan(run)
    passed(result)
    assert result.data["hits"] == 0


# --------------------------------------------------------------------------- the checks can fail


def _exchange(seq: int, at: float, **fields: Any) -> Exchange:
    """An exchange as the middleware records it (a token request unless told otherwise)."""
    fields.setdefault("path", TOKEN_PATH)
    fields.setdefault("status", 200)
    return Exchange(
        method="POST" if fields["path"] == TOKEN_PATH else "GET",
        query="",
        started=at,
        start_seq=seq,
        sent=at + 0.001,
        end_seq=seq + 1,
        **fields,
    )


def test_token_audit_flags_a_second_fetch_of_a_fresh_token() -> None:
    """A token fetched while the previous one was young and never refused is unneeded."""
    exchanges = [
        _exchange(1, 0.0, client_id="c", issued="t1"),
        _exchange(3, 0.1, client_id="c", issued="t2"),  # t1 was 0.1 s old, never refused
    ]
    audit = scenarios.tokens.audit_tokens(exchanges, "c", refresh_after=0.5)
    expected = (
        2,
        0,
        0,
        ["token request 3 came 0.099 s after the previous token, which had not been refused"],
    )
    assert expected == (audit.requests, audit.proactive, audit.after_401, audit.unjustified)


def test_token_audit_accepts_a_refresh_after_a_401_or_at_half_life() -> None:
    """A refresh after a 401 and one at half-life are both needed; nothing overlaps."""
    exchanges = [
        _exchange(1, 0.0, client_id="c", issued="t1"),
        _exchange(3, 0.05, path=path_of("listPersons"), status=401, bearer="t1"),
        _exchange(5, 0.1, client_id="c", issued="t2"),
        _exchange(7, 0.7, client_id="c", issued="t3"),
    ]
    audit = scenarios.tokens.audit_tokens(exchanges, "c", refresh_after=0.5)
    expected = (3, 1, 1, [], 1, 0)
    assert expected == (
        audit.requests,
        audit.proactive,
        audit.after_401,
        audit.unjustified,
        audit.answered_401,
        audit.overlapping,
    )


def test_token_audit_flags_overlapping_token_requests() -> None:
    """A token request that starts before the previous one ended counts as overlapping."""
    first = _exchange(1, 0.0, client_id="c", issued="t1")
    second = _exchange(2, 0.6, client_id="c", issued="t2")  # started before the first ended
    first.end_seq = 3
    audit = scenarios.tokens.audit_tokens([first, second], "c", refresh_after=0.5)
    assert audit.overlapping == 1


def test_secret_watch_finds_secrets_in_logs_and_exceptions() -> None:
    """Secrets and tokens are found in log records and exception texts, named by kind."""
    watch = SecretWatch()
    watch.add_secret("s3cr3t-value", "the client secret")
    watch.add_token("tok-123")
    try:
        with watch.capturing():
            # Not credential-shaped, so the SDK's redaction filter lets it through.
            logging.getLogger("httpcore.http11").debug("sent %s", "tok-123")
            logging.getLogger("kimono_interop").debug("nothing secret here")
        watch.scan_exception(KimonoError("failed with s3cr3t-value"))
        expected = [
            "issued access token #1 in log httpcore.http11",
            "the client secret in exception",
        ]
        assert expected == sorted(watch.scan())
        assert watch.records == {"httpcore": 1, "kimono_interop": 1}
    finally:
        watch.close()


def test_cassette_check_flags_credentials_that_are_not_placeholders() -> None:
    """Credentials in a cassette that are not placeholders are reported, described, not shown."""
    text = (
        "    headers:\n      authorization:\n      - Bearer abc.def\n"
        '    body: \'{"access_token": "xyz", "client_secret": "<SCRUBBED>"}\'\n'
        "    body: grant_type=client_credentials&client_secret=hunter2\n"
    )
    expected = [
        "authorization: - <14 characters>",
        '"access_token": " <3 characters>',
        "client_secret= <7 characters>",
    ]
    assert expected == scenarios.secret_scan.unscrubbed_values(text)
    assert scenarios.secret_scan.unscrubbed_values("authorization:\n  - Bearer <SCRUBBED>\n") == []
