"""The benchmark's helpers and one quick run of it: every row, a valid ratio, a verdict.

No timed assertions: figures live in ``make bench``. What is checked here is that the
benchmark measures what it says (the same data on both sides, every value read, the
queue's rules, TCP_NODELAY on the servers' connections) and reports every workload.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from kimono_interop._constants import TASK_BATCH
from kimono_interop.sandbox import Sandbox
from kimono_interop_data_api.models import Person
from scripts import bench, bench_server
from scripts.bench_walks import count_raw, count_typed, unset_value
from scripts.machine import CpuWatch, threads_cpu_seconds

#: A ratio: ``1.23x``, with the CPU ratio or not; an amount: ``+1.2 MB``, ``0.40 ms``, ``3.1 µs``.
RATIO = re.compile(
    r"^(\d+\.\d\dx( \(CPU \d+\.\d\dx\))?|[+-]\d+\.\d MB|\d+\.\d\d ms|\d+\.\d µs"
    r"|\d[\d,]*/s|\d+%)$"
)


# -- the bench server -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def app() -> bench_server.BenchApp:
    return bench_server.BenchApp(port=1234)


@pytest.mark.parametrize("shape", bench_server.SHAPES)
def test_every_person_parses_and_every_value_is_counted_alike(
    app: bench_server.BenchApp, shape: str
) -> None:
    """Each person of both shapes parses as ``Person``; reading every field of the model
    reads exactly the values of the JSON (the check the every-field walks rely on)."""
    app.configure({"total": 300, "shape": shape})
    unset = unset_value()
    for page in range(3):
        for item in json.loads(app.persons_page(page, 100))["data"]:
            person = Person.from_dict(item)
            assert count_typed(person, unset) == count_raw(item) > 3
            assert person.sys.id == item["$sys"]["id"] and person.name.last == item["name"]["last"]


def test_pages_number_persons_and_link_to_the_next(app: bench_server.BenchApp) -> None:
    """Unique ids and local ids in order across pages; ``next`` links absolute, null at the end."""
    for shape in bench_server.SHAPES:
        app.configure({"total": 250, "shape": shape, "prerender": [100, 50]})
        seen: list[str] = []
        page, body = 0, json.loads(app.persons_page(0, 100))
        while True:
            seen += [item["local_id"] for item in body["data"]]
            if body["paging"]["next"] is None:
                break
            assert body["paging"]["next"] == (
                f"{app.origin}{bench_server.PERSONS_PATH}?page={page + 1}&page_size=100"
            )
            page += 1
            body = json.loads(app.persons_page(page, 100))
        assert seen == [str(n) for n in range(250)]
    ids = [p["$sys"]["id"] for n in range(3) for p in json.loads(app.persons_page(n, 100))["data"]]
    assert len(set(ids)) == 250


def test_the_task_queue_withholds_until_acked(app: bench_server.BenchApp) -> None:
    """Batches of 100; nothing more while one is out; an unknown id acks nothing."""
    total = 2 * TASK_BATCH + 7
    answer = app.configure({"tasks": total})
    assert answer["tasks_left"] == total and answer["acked"] == 0
    handled = 0
    while True:
        tasks = json.loads(app.tasks.batch())["data"]
        if not tasks:
            break
        assert json.loads(app.tasks.batch())["data"] == []  # withheld while out
        for task in tasks:
            assert task["schema"] == "3.0" and task["type"] == "data_event"
            assert task["object_id"] == task["data"]["$sys"]["id"]
            Person.from_dict(task["data"])
        acks = [{"task_id": task["id"], "status": "success"} for task in tasks]
        assert not app.tasks.ack([*acks, {"task_id": "unknown", "status": "success"}])
        assert app.tasks.ack(acks)
        handled += len(tasks)
    assert handled == total == app.configure({})["acked"]
    assert app.configure({})["tasks_left"] == 0


def nodelay_of_connections(server: Any) -> list[int]:
    return [
        connection.transport.get_extra_info("socket").getsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY
        )
        for connection in server.server_state.connections
    ]


def test_the_bench_server_sets_tcp_nodelay() -> None:
    """Every connection the bench server accepts has TCP_NODELAY (no 40 ms stalls)."""
    sock = bench_server.listening_socket()
    app = bench_server.BenchApp(sock.getsockname()[1])
    server = bench_server.make_server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        with httpx.Client() as http:
            http.post(app.origin + bench_server.CONFIG_PATH, json={}).raise_for_status()
            nodelay = nodelay_of_connections(server)
        assert nodelay and all(nodelay)
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        sock.close()


def test_the_sandbox_sets_tcp_nodelay() -> None:
    """Every connection the sandbox accepts has TCP_NODELAY: a two-send answer never waits."""
    with Sandbox(students=5) as sandbox, httpx.Client(base_url=sandbox.url) as http:
        http.post("/oauth/token", data={"grant_type": "client_credentials"})
        server = sandbox._server
        assert server is not None
        nodelay = nodelay_of_connections(server)
    assert nodelay and all(nodelay)


# -- helpers ----------------------------------------------------------------------------------
def test_interleaved_runs_rotate_and_run_around_each_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rounds of every mode, each round starting one mode later; before/after around each run."""
    calls: list[str] = []

    def spawn(server: Any, walk: str, *args: str, timeout: float = 0) -> dict[str, Any]:
        calls.append(walk)
        return {"seconds": 1.0, "cpu": 1.0, "count": 1}

    monkeypatch.setattr(bench, "spawn", spawn)
    events: list[str] = []
    modes = {
        name: bench.Mode(
            name,
            before=lambda name=name: events.append(f"before {name}"),  # type: ignore[misc]
            after=lambda found, name=name: events.append(f"after {name}"),  # type: ignore[misc]
        )
        for name in ("a", "b", "c")
    }
    runs = bench.interleaved(None, modes, 4)  # type: ignore[arg-type]
    assert calls == list("abcbcacababc")
    assert events[:4] == ["before a", "after a", "before b", "after b"]
    assert {name: len(found) for name, found in runs.items()} == {"a": 4, "b": 4, "c": 4}


def test_verdicts_and_the_table() -> None:
    rows = [
        bench.Row("raw", "1 s", "1.00x"),
        bench.Row("sdk", "2 s", "2.00x", "<= 1.1x raw", False),
        bench.Row("ok", "1 s", "0.90x", "<= 1.1x raw", True),
        bench.Row("skipped", "skipped: no orjson", "", "<= 0.8x raw"),
    ]
    assert [row.verdict for row in rows] == ["-", "MISSED", "yes", "not measured"]
    table = bench.render_table(rows)
    assert table[0] == "| what | result | ratio | target | met |"
    assert table[3] == "| sdk | 2 s | 2.00x | <= 1.1x raw | MISSED |"


def test_only_names_workloads() -> None:
    args = bench.parse_args(["--only", "sandbox,typed"])
    assert bench.workloads(args) == ["typed", "sandbox"]
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "typo"])


def test_the_cpu_watch_counts_live_children_as_the_runs_own() -> None:
    """A busy child the watch is told about is not "other load"."""
    pid = os.getpid()
    assert threads_cpu_seconds(pid) > 0
    watch = CpuWatch(lambda: [pid])
    line, _busy = watch.describe(0.15, "busy")
    assert line.startswith("other load on the machine during the run:")
    assert watch.share() is not None


# -- one quick run ----------------------------------------------------------------------------
def test_a_quick_run_reports_every_workload(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--quick`` (small sizes, one run each): every workload has its rows, no workload
    fails, every row with a target has a verdict and a ratio or amount in a valid format,
    and the doc has every section."""
    report = bench.run(bench.parse_args(["--quick", "--no-write"]))
    errors = [row for row in report.rows if row.result.startswith("ERROR")]
    assert not errors, errors
    prefixes = {
        "typed": 9,
        "export": 3 if bench.orjson_version() else 2,
        "tasks": 2,
        "look-ahead": 6,
        "clients": 2,
        "memory": 2,
        "sandbox": 6 if bench.orjson_version() else 4,  # json: the roster rendered at start
        # per store: apply, the plain writes, drain, drain with latency
        "mirror": 8,
    }
    for prefix, count in prefixes.items():
        found = [row for row in report.rows if re.match(rf"{prefix}( \(|:)", row.what)]
        assert len(found) == count, (prefix, [row.what for row in found])
    for row in report.rows:
        if row.target and not row.result.startswith("skipped"):
            assert row.met is not None and row.verdict in ("yes", "MISSED"), row
        if row.ratio:
            assert RATIO.match(row.ratio), row.ratio
    assert len(report.loads) == len(bench.WORKLOADS)
    assert report.breakdown and report.notes
    monkeypatch.setattr(bench, "DOC", tmp_path / "benchmarks.md")
    bench.write_doc(report, "python -m scripts.bench --quick")
    doc = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    for heading in ("## Machine and command", "## Results", "## Where a person's time goes"):
        assert heading in doc
    for workload in (
        "**typed**",
        "**export**",
        "**tasks**",
        "**look-ahead**",
        "**sandbox**",
        "**mirror**",
    ):
        assert workload in doc
    assert "other load" in doc
