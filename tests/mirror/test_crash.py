"""Crash tests: a worker process is SIGKILLed before a commit, between a commit and its acks,
and mid-ack; after a restart the mirror equals the REST snapshot and every task's effect
(the mirror's change and the application's own write in the same transaction) is there
exactly once. On both stores."""

from __future__ import annotations

import collections
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from kimono_interop import KimonoClient
from kimono_interop.mirror import Mirror
from kimono_interop.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("crash_worker.py")
ACK_TIMEOUT = 1.0


def _worker(url: str, sandbox: Sandbox, crash: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    paths = [str(ROOT / "overlay"), str(ROOT / "generated")]
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")])
    env.pop("KIMONO_MIRROR_TEST_CRASH", None)
    if crash:
        env["KIMONO_MIRROR_TEST_CRASH"] = crash
    credentials = sandbox.credentials
    return subprocess.run(
        [
            sys.executable,
            str(WORKER),
            url,
            str(credentials["base_url"]),
            str(credentials["client_id"]),
            str(credentials["client_secret"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "crash",
    [
        pytest.param("apply:30", id="before-commit"),
        pytest.param("commit:2", id="between-commit-and-ack"),
        pytest.param("ack:2", id="mid-ack"),
    ],
)
def test_after_a_crash_and_a_restart_every_effect_is_applied_exactly_once(
    store_url: str, crash: str
) -> None:
    with Sandbox(students=20, seed=13, ack_timeout=ACK_TIMEOUT, duplicate_rate=0.1) as sandbox:
        tenant = next(iter(sandbox.state.tenants))
        pushed = sum(len(c) for c in sandbox.state.sync_collections().values()) + 2
        persons = list(sandbox.state.roster.persons.values())
        sandbox.state.inject("UPDATE", "persons", {**persons[0], "email": "new@example.edu"})
        sandbox.state.inject("DELETE", "persons", persons[1])

        killed = _worker(store_url, sandbox, crash)
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        time.sleep(ACK_TIMEOUT + 0.2)  # the unacknowledged tasks come back after this
        done = _worker(store_url, sandbox, None)
        assert done.returncode == 0, done.stderr
        stats = json.loads(done.stdout)
        assert stats["stopped_by"] == "empty" and stats["parked"] == 0
        if crash.startswith("commit"):  # the committed chunk came back: acked, not applied
            assert stats["duplicates"] >= 20

        queue = sandbox.state.queue
        data_tasks = {
            ack.task_id
            for ack in queue.acks
            if queue._index[ack.task_id].body.get("type") == "data_event"
        }
        assert len(data_tasks) == pushed  # the initial sync's and the two injected
        with Mirror.open(store_url) as mirror:
            with mirror.engine.connect() as connection:
                effects = collections.Counter(
                    connection.execute(
                        sa.text("SELECT task_id FROM effects WHERE task_id IS NOT NULL")
                    ).scalars()
                )
                changes = collections.Counter(
                    connection.execute(
                        sa.text("SELECT task_id FROM mirror_changes WHERE task_id IS NOT NULL")
                    ).scalars()
                )
            assert effects == changes
            assert set(effects.values()) == {1}
            assert set(effects) == data_tasks
            with KimonoClient(**sandbox.credentials) as kimono:
                report = mirror.verify(kimono, tenant_id=tenant)
            assert report.ok, report.differences
