"""The health endpoint and the status command.

/healthz follows the worker's own loop, never Kimono: a sandbox answering nothing but
errors leaves it ok while /readyz fails; a tenant cycle stuck past ``stuck_after``
fails it. ``kimono-interop status`` exits 0 while every tenant is held, 1 otherwise.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import anyio
import httpx
import sqlalchemy as sa

from kimono_interop.fleet import Worker
from kimono_interop.sandbox import Sandbox
from tests.support.cli import run


@contextmanager
def running(worker: Worker) -> Iterator[Callable[[str], httpx.Response]]:
    """Run ``worker`` (health on a free port) in a thread; yields ``get(path)``."""
    done = threading.Event()
    failure: list[BaseException] = []

    def main() -> None:
        try:
            anyio.run(lambda: worker.run(until=done.is_set))
        except BaseException as exc:  # reported below
            failure.append(exc)

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while worker.health_server is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert worker.health_server is not None, failure
    url = worker.health_server.url

    def get(path: str) -> httpx.Response:
        return httpx.get(url + path, timeout=5)

    try:
        yield get
    finally:
        done.set()
        thread.join(timeout=30)
        assert not failure, failure


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _worker(url: str, sandbox: Sandbox, **options: object) -> Worker:
    settings: dict[str, object] = {
        "lease_ttl": 2.0,
        "discover_interval": 0.5,
        "poll_interval": 0.05,
        "max_poll_interval": 0.3,
        "health_port": 0,
        "max_retries": 0,
        **sandbox.credentials,
    }
    settings.update(options)
    return Worker(url, **settings)  # type: ignore[arg-type]


def test_an_unreachable_service_is_not_ready_but_healthy(fleet_url: str) -> None:
    """Every answer an error, the token endpoint too: /healthz 200, /readyz 503."""
    with Sandbox(tenants=2, students=3, error_rate=1.0, fault_token=True) as sandbox:
        worker = _worker(fleet_url, sandbox)
        with running(worker) as get:
            time.sleep(1.5)
            health, ready = get("/healthz"), get("/readyz")
            assert health.status_code == 200 and health.json()["ok"] is True
            assert ready.status_code == 503 and ready.json()["ok"] is False
            metrics = get("/metrics")
            assert metrics.status_code == 200
            assert metrics.headers["content-type"].startswith("text/plain; version=0.0.4")
            assert "# TYPE kimono_fleet_tasks_handled_total counter" in metrics.text
            assert get("/nope").status_code == 404


def test_a_database_out_of_reach_leaves_healthz_at_200(fleet_url: str) -> None:
    """A lease round against a database out of reach waits for its connect timeout (10 s
    here): the loop has not gone round meanwhile, which is no reason to restart the
    worker. /healthz said 503 once two TTLs (10 s at least) had passed."""
    with Sandbox(tenants=1, students=3, ack_timeout=30) as sandbox:
        worker = _worker(fleet_url, sandbox)
        with running(worker) as get:
            wait_for(lambda: get("/readyz").status_code == 200)
            entered = threading.Event()

            def out_of_reach(*args: object, **kwargs: object) -> object:
                if not entered.is_set():
                    entered.set()
                    time.sleep(11.0)  # a connect that times out (PG_CONNECT_TIMEOUT), and more
                raise sa.exc.OperationalError("connect", {}, Exception("timeout expired"))

            worker.leases.tick = out_of_reach  # type: ignore[method-assign]
            assert entered.wait(10)
            answers = []
            deadline = time.monotonic() + 10.8
            while time.monotonic() < deadline:
                answers.append(get("/healthz").status_code)
                time.sleep(0.2)
            assert worker.health()[1]["loop_age"] > 10.5  # the old limit, past
        assert set(answers) == {200}


def test_a_stuck_cycle_fails_healthz_and_a_serving_worker_is_ready(fleet_url: str) -> None:
    """Serving: /readyz 200, metrics and status agree; a poll past stuck_after: /healthz 503."""
    with Sandbox(tenants=2, students=3, ack_timeout=30) as sandbox:
        worker = _worker(fleet_url, sandbox, stuck_after=0.5)
        with running(worker) as get:
            wait_for(lambda: get("/readyz").status_code == 200)
            assert get("/healthz").status_code == 200
            wait_for(lambda: sandbox.state.queue.pending() == 0)
            metrics = get("/metrics").text
            assert "kimono_fleet_tasks_handled_total{" in metrics
            assert "kimono_fleet_leases_held 2" in metrics

            # The status command, while both tenants are held: exit 0. Progress reaches
            # the database with the next lease round.
            def status() -> list[dict[str, object]]:
                result = run("status", "--db", fleet_url, "--json")
                assert result.exit_code == 0, result.output
                return list(json.loads(result.output))

            wait_for(lambda: all(row["lag"] == 0 for row in status()))
            rows = status()
            assert {row["owner"] for row in rows} == {worker.worker_id}
            assert all(row["epoch"] == 1 and row["held"] for row in rows)
            assert all(row["last_sequence"] and not row["sync_in_progress"] for row in rows)
            table = run("status", "--db", fleet_url)
            assert table.exit_code == 0 and worker.worker_id in table.output

            # Every answer now takes 3 s: a poll outlives stuck_after.
            sandbox.config.latency = 3.0
            wait_for(lambda: get("/healthz").status_code == 503, timeout=10)
            assert get("/healthz").json()["stuck_tenants"]
            sandbox.config.latency = 0.0
    # The worker released its leases on the way out: nothing is held, exit 1.
    result = run("status", "--db", fleet_url)
    assert result.exit_code == 1
