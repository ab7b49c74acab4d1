"""The worker's health endpoint: ``/healthz``, ``/readyz`` and ``/metrics``, from the stdlib.

A small threaded HTTP server of the standard library, on its own thread: it answers
even when the worker's event loop is stuck, and then says so (``/healthz`` fails when
the lease loop has not gone round for two TTLs plus the database's connect timeout, or
a tenant's cycle has run past ``stuck_after``). ``/healthz`` never depends on Kimono
being reachable: restarting a worker does not bring an unreachable service back, and
restart storms make it worse.
``/readyz`` asks for a recent successful poll or token. ``/metrics`` is the Prometheus
text exposition of the worker's metrics, written here (no exporter needed).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._worker import Worker


class HealthServer:
    """Serves a worker's health on ``host:port`` (port 0: a free one) until stopped."""

    def __init__(self, worker: Worker, host: str = "127.0.0.1", port: int = 0) -> None:
        self.worker = worker
        handler = _handler(worker)
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="kimono-fleet-health", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        host = self.server.server_address[0]
        if isinstance(host, bytes):
            host = host.decode()
        return f"http://{host}:{self.port}"

    def start(self) -> HealthServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def _handler(worker: Worker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "kimono-fleet"

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                ok, detail = worker.health()
                self._json(200 if ok else 503, {"ok": ok, **detail})
            elif path == "/readyz":
                ok, detail = worker.readiness()
                self._json(200 if ok else 503, {"ok": ok, **detail})
            elif path == "/metrics":
                worker.update_gauges()
                body = worker.telemetry.counters.prometheus().encode()
                self._send(200, "text/plain; version=0.0.4; charset=utf-8", body)
            else:
                self._json(404, {"error": "not found"})

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._send(status, "application/json", json.dumps(payload).encode())

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return  # probes every few seconds: no access log

    return Handler
