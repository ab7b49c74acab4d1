"""The fleet's telemetry: OpenTelemetry spans and metrics through ``opentelemetry-api`` only.

Without an SDK configured by the application, every call here is a no-op of the API.
The same measurements are kept in :class:`Counters` too, which the health endpoint's
``/metrics`` writes in the Prometheus text format without any exporter installed.

Attributes never carry a secret: tenant ids, task ids, actions, object types, HTTP
methods, paths (never a query string) and status codes, request ids. No header, body
or URL with credentials is ever recorded.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.trace import Span, Status, StatusCode

from .._constants import REQUEST_ID_HEADERS
from .._version import __version__

NAME = "kimono_interop.fleet"

#: Metric name -> (kind, help). Counters end in ``_total`` in the Prometheus text.
METRICS: dict[str, tuple[str, str]] = {
    "kimono.fleet.tasks.handled": ("counter", "Tasks applied and recorded (any result)."),
    "kimono.fleet.tasks.failed": ("counter", "Tasks whose application failed (acked retry)."),
    "kimono.fleet.tasks.parked": ("counter", "Tasks parked in the dead-letter table."),
    "kimono.fleet.batch.duration": ("histogram", "Seconds from a batch's receipt to its acks."),
    "kimono.fleet.ack.duration": ("histogram", "Seconds one ack request took."),
    "kimono.fleet.http.retries": ("counter", "HTTP answers the client retries (429, 5xx)."),
    "kimono.fleet.http.rate_limited": ("counter", "HTTP 429 answers."),
    "kimono.fleet.fence.refused": ("counter", "Writes and acks refused: the lease was lost."),
    "kimono.fleet.ack.refused": ("counter", "Acks the service refused (an unknown task, a 4xx)."),
    "kimono.fleet.leases.held": ("gauge", "Tenants this worker holds a lease on."),
    "kimono.fleet.oldest_unacked.age": ("gauge", "Seconds the oldest unacknowledged task waits."),
    "kimono.fleet.tenant.lag": ("gauge", "Seconds since a tenant's queue was last seen empty."),
}


def _prometheus_name(name: str) -> str:
    return name.replace(".", "_")


class Counters:
    """The worker's own copy of its metrics, for ``/metrics`` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self.sums: dict[str, tuple[int, float]] = {}
        self.gauges: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}

    def add(self, name: str, value: float, labels: Mapping[str, str] | None = None) -> None:
        key = (name, tuple(sorted((labels or {}).items())))
        with self._lock:
            self.counts[key] = self.counts.get(key, 0.0) + value

    def observe(self, name: str, value: float) -> None:
        with self._lock:
            count, total = self.sums.get(name, (0, 0.0))
            self.sums[name] = (count + 1, total + value)

    def set(self, name: str, value: float, labels: Mapping[str, str] | None = None) -> None:
        key = (name, tuple(sorted((labels or {}).items())))
        with self._lock:
            self.gauges[key] = value

    def unset(self, name: str, labels: Mapping[str, str]) -> None:
        """Drop one series of a gauge (a tenant no longer served here)."""
        key = (name, tuple(sorted(labels.items())))
        with self._lock:
            self.gauges.pop(key, None)

    def clear_gauge(self, name: str) -> None:
        with self._lock:
            for key in [key for key in self.gauges if key[0] == name]:
                del self.gauges[key]

    def total(self, name: str) -> float:
        with self._lock:
            return sum(value for (metric, _), value in self.counts.items() if metric == name)

    def prometheus(self) -> str:
        """The Prometheus text exposition (version 0.0.4) of every metric."""
        lines: list[str] = []
        with self._lock:
            for name, (kind, help_text) in METRICS.items():
                base = _prometheus_name(name)
                if kind == "counter":
                    lines += [f"# HELP {base}_total {help_text}", f"# TYPE {base}_total counter"]
                    rows = [(k[1], v) for k, v in self.counts.items() if k[0] == name]
                    for labels, value in rows or [((), 0.0)]:
                        lines.append(f"{base}_total{_labels(labels)} {_number(value)}")
                elif kind == "histogram":
                    count, total = self.sums.get(name, (0, 0.0))
                    lines += [f"# HELP {base} {help_text}", f"# TYPE {base} summary"]
                    lines += [f"{base}_count {count}", f"{base}_sum {_number(total)}"]
                else:
                    lines += [f"# HELP {base} {help_text}", f"# TYPE {base} gauge"]
                    for (metric, labels), value in self.gauges.items():
                        if metric == name:
                            lines.append(f"{base}{_labels(labels)} {_number(value)}")
        return "\n".join(lines) + "\n"


def _labels(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return ""
    inner = ",".join(
        f'{key}="{value}"'.replace("\\", "\\\\").replace("\n", "\\n") for key, value in labels
    )
    return "{" + inner + "}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


class Telemetry:
    """Spans and metrics of one worker (the API's no-op unless an SDK is configured)."""

    def __init__(
        self,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.tracer = trace.get_tracer(NAME, __version__, tracer_provider=tracer_provider)
        meter = metrics.get_meter(NAME, __version__, meter_provider=meter_provider)
        self.counters = Counters()
        self._gauge_values: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
        self._instruments: dict[str, Any] = {}
        for name, (kind, help_text) in METRICS.items():
            if kind == "counter":
                self._instruments[name] = meter.create_counter(name, description=help_text)
            elif kind == "histogram":
                self._instruments[name] = meter.create_histogram(
                    name, unit="s", description=help_text
                )
            else:
                self._instruments[name] = meter.create_observable_gauge(
                    name, callbacks=[self._observer(name)], description=help_text
                )

    def _observer(self, name: str) -> Any:
        def observe(_options: metrics.CallbackOptions) -> Iterator[metrics.Observation]:
            for (metric, labels), value in list(self.counters.gauges.items()):
                if metric == name:
                    yield metrics.Observation(value, dict(labels))

        return observe

    def add(self, name: str, value: float = 1, /, **labels: str) -> None:
        self._instruments[name].add(value, labels)
        self.counters.add(name, value, labels)

    def record(self, name: str, value: float, /, **labels: str) -> None:
        self._instruments[name].record(value, labels)
        self.counters.observe(name, value)

    def gauge(self, name: str, value: float, /, **labels: str) -> None:
        self.counters.set(name, value, labels)

    @contextlib.contextmanager
    def span(self, name: str, **attributes: Any) -> Iterator[Span]:
        """A span named ``name``; attributes with a None value are left out."""
        clean = {key: value for key, value in attributes.items() if value is not None}
        with self.tracer.start_as_current_span(
            name, attributes=clean, record_exception=False, set_status_on_exception=False
        ) as span:
            try:
                yield span
            except BaseException as exc:
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                span.set_attribute("error.type", type(exc).__name__)
                raise


def request_id(headers: Mapping[str, str]) -> str | None:
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value[:128]
    return None


class Clock:
    """Monotonic seconds; a class so that tests may replace it."""

    @staticmethod
    def now() -> float:
        return time.monotonic()
