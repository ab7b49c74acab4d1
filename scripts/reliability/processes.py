"""A consumer in a child process, for the rows that send it real signals.

The SIGTERM rows and the stuck-handler part of the hangs row run ``python -c CODE``
against a sandbox server, read its output lines as they come (threads, so a full pipe
never blocks the child), signal it, and wait for its exit. What it printed is scanned
for secrets like everything else the run writes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from scripts.reliability.servers import CLIENT_ID, Run, SandboxServer


class ConsumerProcess:
    """``python -c code *args`` with the server's credentials in ``KIMONO_*`` and debug logs.

    ``on_line`` sees each stdout line as it arrives; ``lines`` and ``errors`` keep
    stdout and stderr.
    """

    def __init__(
        self,
        run: Run,
        server: SandboxServer,
        code: str,
        *args: str,
        on_line: Callable[[str], None] = lambda line: None,
    ) -> None:
        self.run = run
        self.lines: list[str] = []
        self.errors: list[str] = []
        env = {
            **os.environ,
            "KIMONO_BASE_URL": server.url,
            "KIMONO_CLIENT_ID": CLIENT_ID,
            "KIMONO_CLIENT_SECRET": run.client_secret,
            "KIMONO_LOG": "debug",
            "PYTHONUNBUFFERED": "1",
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

        def read_stdout() -> None:
            assert self.process.stdout is not None
            for line in self.process.stdout:
                self.lines.append(line)
                on_line(line)

        def read_stderr() -> None:
            assert self.process.stderr is not None
            self.errors.extend(self.process.stderr)

        self._readers = [
            threading.Thread(target=target, daemon=True) for target in (read_stdout, read_stderr)
        ]
        for reader in self._readers:
            reader.start()

    def end_with(self, last: signal.Signals) -> tuple[int | None, float]:
        """Send ``last`` and wait up to 30 s: (exit code or None if killed, seconds taken)."""
        sent = time.monotonic()
        self.process.send_signal(last)
        try:
            code: int | None = self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = None
        seconds = time.monotonic() - sent
        for reader in self._readers:
            reader.join(timeout=10)
        self.run.watch.scan_text("subprocess output", "".join(self.lines + self.errors))
        return code, seconds

    @property
    def last_line(self) -> str:
        return self.lines[-1].strip() if self.lines else ""
