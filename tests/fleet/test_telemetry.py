"""Spans, metrics and logs of a worker in a run with faults, read with the OpenTelemetry SDK's
in-memory exporter and reader (a test dependency only); no secret in any of them."""

from __future__ import annotations

import json
import logging

import anyio
import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from kimono_interop.fleet import Telemetry, Worker
from kimono_interop.fleet._worker import FleetStats, FleetTransport, RateGate
from kimono_interop.sandbox import Sandbox


def test_spans_metrics_and_logs_carry_context_and_no_secret(
    fleet_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Spans for each exchange and step carry tenant, task, action and object type; the
    metrics count what the worker did; log records carry tenant and task; no secret."""
    caplog.set_level(logging.DEBUG, "kimono_interop")
    exporter = InMemorySpanExporter()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    reader = InMemoryMetricReader()
    meter_provider = MeterProvider(metric_readers=[reader])
    with Sandbox(
        students=6,
        tenants=3,
        ack_timeout=2,
        error_rate=0.1,
        rate_limit_rate=0.1,
        retry_after=0.1,
        seed=5,
    ) as sandbox:
        worker = Worker(
            fleet_url,
            lease_ttl=2,
            discover_interval=0.5,
            poll_interval=0.05,
            max_poll_interval=0.3,
            concurrency=3,
            tracer_provider=tracer_provider,
            meter_provider=meter_provider,
            **sandbox.credentials,
        )

        async def main() -> FleetStats:
            with anyio.fail_after(60):
                return await worker.run(
                    until=lambda: worker.discovered and sandbox.state.queue.pending() == 0
                )

        stats = anyio.run(main)
        secrets = {sandbox.config.client_secret, *sandbox.state.tokens}
        for tenant in sandbox.state.tenants.values():
            secrets.add(tenant["auth"]["client_secret"])
    assert stats.applied > 0 and stats.rate_limited > 0

    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert {"kimono.poll", "kimono.apply", "kimono.commit", "kimono.ack", "kimono.handle"} <= names
    assert {"HTTP GET", "HTTP POST"} <= names
    handled = [span for span in spans if span.name == "kimono.handle"]
    assert all(span.attributes and span.attributes["kimono.tenant_id"] for span in handled)
    assert all(span.attributes and span.attributes["kimono.task_id"] for span in handled)
    data = [s for s in handled if s.attributes and s.attributes["kimono.task.kind"] == "data"]
    assert data and all(s.attributes and s.attributes["kimono.object_type"] for s in data)
    assert all(s.attributes and s.attributes["kimono.task.action"] for s in data)
    statuses = {
        span.attributes["http.response.status_code"]
        for span in spans
        if span.name.startswith("HTTP") and span.attributes
    }
    assert 429 in statuses and 200 in statuses

    metrics = json.loads(reader.get_metrics_data().to_json())
    found = {
        metric["name"]: metric
        for resource in metrics["resource_metrics"]
        for scope in resource["scope_metrics"]
        for metric in scope["metrics"]
    }
    for name in (
        "kimono.fleet.tasks.handled",
        "kimono.fleet.batch.duration",
        "kimono.fleet.ack.duration",
        "kimono.fleet.http.rate_limited",
        "kimono.fleet.http.retries",
    ):
        assert name in found, sorted(found)
    handled_total = sum(
        point["value"] for point in found["kimono.fleet.tasks.handled"]["data"]["data_points"]
    )
    assert handled_total == stats.applied + stats.duplicates + stats.failed + stats.parked

    tenant_records = [r for r in caplog.records if getattr(r, "tenant_id", None)]
    assert any(getattr(r, "task_id", None) for r in tenant_records)

    everything = "\n".join(
        [
            *(span.to_json() for span in spans),
            reader.get_metrics_data().to_json(),
            worker.telemetry.counters.prometheus(),
            *(record.getMessage() for record in caplog.records),
            *(json.dumps(record.__dict__, default=str) for record in caplog.records),
        ]
    )
    assert len(secrets) >= 5
    leaked = [secret for secret in secrets if secret in everything]
    assert not leaked


def test_an_http_span_carries_the_request_id() -> None:
    """An exchange's span names its request id and path (never the query); a 429 sets
    the shared backoff."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    telemetry = Telemetry(provider)

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"x-request-id": "req-42", "retry-after": "0.3"})

    transport = FleetTransport(httpx.MockTransport(answer), RateGate(), telemetry, FleetStats())

    async def main() -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            await client.get("https://kimono.test/v2/interop/data/tasks?secret=no")

    anyio.run(main)
    (span,) = exporter.get_finished_spans()
    assert span.attributes is not None
    assert span.attributes["kimono.request_id"] == "req-42"
    assert span.attributes["url.path"] == "/v2/interop/data/tasks"  # never the query
    assert transport.gate.not_before > 0
    assert telemetry.counters.total("kimono.fleet.http.rate_limited") == 1
