"""What type checkers see of the public API: a mistake that fails at run time is refused.

One ``mypy --strict`` run (the project's settings) over a user's module; each line
marked ``# refused`` must be an error, and no other line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import ROOT

USER_CODE = """
from uuid import uuid4

from kimono_interop import AsyncKimonoClient, KimonoClient, TaskResult, TaskStatus, TaskView
from kimono_interop.fleet import Worker
from kimono_interop.mirror import Mirror


def nothing(task: TaskView) -> None:
    return None


def result(task: TaskView) -> TaskResult:
    return TaskResult("success", app_id=uuid4())  # a UUID, as ids are taken elsewhere


def status(task: TaskView) -> str:
    return "retry"


async def later(task: TaskView) -> TaskStatus:
    return TaskStatus.RETRY


def done(task: TaskView) -> bool:  # acked `error` at run time: "the handler returned True"
    return True


def main(kimono: KimonoClient) -> None:
    kimono.tasks.run(nothing, stop_when_empty=True)
    kimono.tasks.run(result, stop_when_empty=True)
    kimono.tasks.run(status, stop_when_empty=True)
    kimono.tasks.run(lambda task: None, stop_when_empty=True)
    kimono.tasks.run(done, stop_when_empty=True)  # refused
    kimono.tasks.ack("0b0c5e4a-3f5c-4a0e-9c43-6f1f3b0d2a05", "success", app_id=uuid4())
    kimono.admin_tasks.ack("0b0c5e4a-3f5c-4a0e-9c43-6f1f3b0d2a05", app_id="lms-1")
    Mirror.open("m.db", on_other=status)
    Mirror.open("m.db", on_other=done)  # refused


def settings() -> None:
    KimonoClient.from_env(timeout=5, max_retries=1)
    KimonoClient.from_env(timout=5)  # refused
    AsyncKimonoClient.from_env(base_url="http://127.0.0.1:8080", deadline=None)
    AsyncKimonoClient.from_env(max_retries="2")  # refused
    Worker("postgresql://u@h/db", concurrency=4, client_id="c", client_secret="s")
    Worker("postgresql://u@h/db", concurency=4)  # refused


async def amain(kimono: AsyncKimonoClient) -> None:
    await kimono.tasks.run(later, stop_when_empty=True)
    await kimono.tasks.run(nothing, stop_when_empty=True)
    await kimono.tasks.run(done, stop_when_empty=True)  # refused
"""


def test_a_handler_s_mistakes_are_refused_and_what_works_is_not(tmp_path: Path) -> None:
    """A handler's return type was ``Any``: one returning ``bool`` passed the checker, and
    each task was acked ``error`` at run time; an ``app_id`` given as a ``UUID``, which
    works, was refused."""
    module = tmp_path / "typed_api_user_code.py"
    module.write_text(USER_CODE)
    found = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--show-error-codes", str(module)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert found.returncode in (0, 1) and not found.stderr.strip(), found.stderr
    lines = USER_CODE.splitlines()
    refused = {number for number, line in enumerate(lines, 1) if line.endswith("# refused")}
    errors = {
        int(line.split(":")[1]): line
        for line in found.stdout.splitlines()
        # (by name: mypy's cache may name the file where an earlier run wrote it)
        if Path(line.split(":", 1)[0]).name == module.name and ": error:" in line
    }
    assert set(errors) == refused, "\n".join(errors.values())
    assert all("[arg-type]" in errors[n] or "[call-arg]" in errors[n] for n in refused)


def test_the_client_settings_type_names_each_setting_of_the_clients() -> None:
    """``ClientSettings`` (what ``from_env`` and a fleet ``Worker`` pass on) names the
    constructors' keyword settings, but ``transport``, each client's own kind."""
    import inspect

    from kimono_interop import AsyncKimonoClient, KimonoClient
    from kimono_interop._types import ClientSettings

    for client in (KimonoClient, AsyncKimonoClient):
        parameters = set(inspect.signature(client.__init__).parameters) - {"self", "transport"}
        assert set(ClientSettings.__annotations__) == parameters
