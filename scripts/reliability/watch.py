"""The secret watch: every log record, error text, repr and output of a run, searched for secrets.

:class:`SecretWatch` spools every record of the ``kimono_interop``, ``httpx`` and
``httpcore`` loggers at DEBUG, the text and traceback of every exception the
scenarios raised, reprs of the SDK's objects and the output of child processes, and
scans them for the client secret, the tenants' secrets and every access token the
server issued. Findings name the kind of secret and where it was seen, never the secret.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import tempfile
import threading
import traceback
from collections import Counter
from collections.abc import Iterator


class SecretWatch(logging.Handler):
    """Spools debug logs, exception texts, reprs and outputs; scans them for secrets at the end.

    Needles are the client secret, the tenants' secrets, every access token the
    server issued (added as they are issued, or at the end for a server in another
    process) and the values a scenario planted in hostile input. Findings name the
    kind of secret and where it was seen, never the secret.
    """

    LOGGERS = ("kimono_interop", "httpx", "httpcore")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self._needles: dict[str, str] = {}
        self._needle_lock = threading.Lock()
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._spool_lock = threading.Lock()
        self.records: Counter[str] = Counter()
        self.texts: Counter[str] = Counter()
        self.text_chars: Counter[str] = Counter()
        self.chars = 0
        self.hits: list[str] = []
        self._scanned_to = 0

    # -- what to look for ----------------------------------------------------------------
    def add_secret(self, value: str, label: str) -> None:
        with self._needle_lock:
            self._needles.setdefault(value, label)

    def add_token(self, value: str) -> None:
        with self._needle_lock:
            if value not in self._needles:
                self._needles[value] = f"issued access token #{self.tokens + 1}"

    @property
    def tokens(self) -> int:
        return sum(1 for label in self._needles.values() if label.startswith("issued"))

    @property
    def tenant_secrets(self) -> int:
        return sum(1 for label in self._needles.values() if label.startswith("tenant"))

    @property
    def planted(self) -> int:
        """Values planted in hostile input (labelled ``planted ...``)."""
        return sum(1 for label in self._needles.values() if label.startswith("planted"))

    # -- what to look in -----------------------------------------------------------------
    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = self.format(record)
        except Exception:  # a broken record must not break the scenario
            text = f"{record.name} unformattable record {record.msg!r}"
        self.records[record.name.split(".")[0]] += 1
        self._write(f"log {record.name}", text)

    def scan_text(self, kind: str, text: str, *, pieces: int = 1) -> None:
        self.texts[kind] += pieces
        self.text_chars[kind] += len(text)
        self._write(kind, text)

    def scan_exception(self, exc: BaseException) -> None:
        """The exception's str, repr and full traceback (with its chain)."""
        text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.scan_text("exception", f"{exc!r}\n{exc}\n{text}")

    def scan_repr(self, obj: object) -> None:
        self.scan_text("repr", f"{obj!r}\n{obj}")

    def _write(self, where: str, text: str) -> None:
        line = text.replace("\n", "\\n")
        with self._spool_lock:
            self.chars += len(line)
            self._spool.write(f"{where}\t{line}\n")

    @contextlib.contextmanager
    def capturing(self) -> Iterator[SecretWatch]:
        """Route the three loggers, at DEBUG, to this watch only (restored afterwards)."""
        saved = []
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            saved.append((logger, logger.level, logger.propagate))
            logger.setLevel(logging.DEBUG)
            logger.propagate = False
            logger.addHandler(self)
        try:
            yield self
        finally:
            for logger, level, propagate in saved:
                logger.removeHandler(self)
                logger.setLevel(level)
                logger.propagate = propagate

    # -- the scan ------------------------------------------------------------------------
    def scan(self) -> list[str]:
        """Scan everything spooled since the last scan for every needle; return new findings."""
        with self._needle_lock:
            needles = dict(self._needles)
        found: list[str] = []
        with self._spool_lock:
            self._spool.flush()
            self._spool.seek(self._scanned_to)
            for line in self._spool:
                for needle, label in needles.items():
                    if needle in line:
                        where = line.split("\t", 1)[0]
                        found.append(f"{label} in {where}")
            self._scanned_to = self._spool.tell()
            self._spool.seek(0, os.SEEK_END)
        self.hits.extend(found)
        return found

    def selftest(self) -> bool:
        """A canary logged through httpx must be found: proves the capture is live."""
        canary = f"canary-{secrets.token_hex(8)}"
        self.scan()
        with self._needle_lock:
            self._needles[canary] = "canary"
        logging.getLogger("httpx").debug("selftest %s", canary)
        found = self.scan()
        with self._needle_lock:
            del self._needles[canary]
        self.hits = [hit for hit in self.hits if not hit.startswith("canary")]
        return found == ["canary in log httpx"]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._spool.close()
        super().close()
