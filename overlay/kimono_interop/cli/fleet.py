"""The ``fleet`` commands: run one worker of a fleet sharing tenants through PostgreSQL leases.

``fleet run --db URL`` serves this worker's fair share of the tenants (``GET /tenants``
with the vendor account's credentials) into the mirror's PostgreSQL database, until
SIGTERM or Ctrl-C; then it releases its leases and prints its counts as JSON on
stdout. ``--health-port`` serves ``/healthz``, ``/readyz`` and ``/metrics``. Needs
``pip install 'kimono-interop[fleet]'``; the fleet is imported only inside the command.
"""

from __future__ import annotations

import json
import signal
from typing import Any

import click

from .._constants import (
    FLEET_CONCURRENCY,
    FLEET_DISCOVER_INTERVAL,
    FLEET_LEASE_TTL,
    FLEET_STUCK_AFTER,
    FLEET_WRITES_RETENTION,
)
from .common import (
    EXIT_CONFIG,
    EXIT_ERROR,
    EXIT_USAGE,
    Settings,
    echo,
    err,
    expected_errors,
    fail,
    finite,
)
from .mirror import F, apply_options
from .options import KimonoCommand

ENV_DB = "KIMONO_FLEET_DB"


@click.group()
def fleet() -> None:
    """Workers sharing tenants through PostgreSQL leases (docs/fleet.md).

    \b
    Each worker claims its fair share of the tenants, renews its leases, and
    never writes or acknowledges for a tenant whose lease it lost.
    """


def db_option(command: F) -> F:
    """``--db``, required: the PostgreSQL database of the mirror and the fleet's tables."""
    return click.option(
        "--db",
        required=True,
        envvar=ENV_DB,
        show_envvar=True,
        help="The mirror's and the fleet's PostgreSQL database (postgresql://user:pass@host/db).",
    )(command)


@fleet.command("run", cls=KimonoCommand)
@db_option
@click.option("--worker-id", default=None, help="This worker's name (default: host-pid-random).")
@click.option(
    "--concurrency",
    type=click.IntRange(min=1),
    default=FLEET_CONCURRENCY,
    show_default=True,
    help="Tenants polled, applied and acknowledged at once.",
)
@click.option(
    "--lease-ttl",
    type=click.FloatRange(min=0, min_open=True),
    callback=finite,
    default=FLEET_LEASE_TTL,
    show_default=True,
    help="Seconds a lease lasts unrenewed (renewed every third of it).",
)
@click.option(
    "--discover-interval",
    type=click.FloatRange(min=0, min_open=True),
    callback=finite,
    default=FLEET_DISCOVER_INTERVAL,
    show_default=True,
    help="Seconds between two listings of the tenants.",
)
@apply_options
@click.option(
    "--health-port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Serve /healthz, /readyz and /metrics on this port (0: a free one).",
)
@click.option("--health-host", default="127.0.0.1", show_default=True, help="Its address.")
@click.option(
    "--stuck-after",
    type=click.FloatRange(min=0, min_open=True),
    callback=finite,
    default=FLEET_STUCK_AFTER,
    show_default=True,
    help="Seconds one tenant's cycle may take before /healthz fails.",
)
@click.option(
    "--writes-retention",
    type=click.FloatRange(min=0, min_open=True),
    callback=finite,
    default=FLEET_WRITES_RETENTION,
    show_default=True,
    help="Seconds the logs of writes and claims are kept (each tenant's newest always).",
)
@click.pass_obj
def run(settings: Settings, /, db: str, **options: Any) -> None:
    """Serve this worker's share of the tenants until SIGTERM or Ctrl-C."""
    try:
        import anyio

        from ..fleet import Worker
        from ..mirror import SchemaNotRecorded, SchemaTooNew
    except ImportError as exc:
        fail(f"the fleet needs its extra: pip install 'kimono-interop[fleet]' ({exc})", EXIT_CONFIG)
    import sqlalchemy.exc

    from .._exceptions import ConfigurationError

    if not settings.client_id or not settings.client_secret:
        fail("give --client-id and --client-secret (or KIMONO_CLIENT_ID/SECRET)", EXIT_CONFIG)
    try:
        worker = Worker(
            db,
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            base_url=settings.base_url,
            **options,
        )
    except ConfigurationError as exc:  # (a base URL refused: as every command says it)
        fail(str(exc), EXIT_CONFIG)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)

    failed: list[Exception] = []
    # A signal the process was started to ignore (SIGINT of a shell script's background
    # job, nohup's SIGHUP-like launchers) stays ignored: it was not meant for the worker.
    stopping = [
        s for s in (signal.SIGTERM, signal.SIGINT) if signal.getsignal(s) is not signal.SIG_IGN
    ]

    async def main() -> None:
        async with anyio.create_task_group() as group:

            async def on_signal() -> None:
                with anyio.open_signal_receiver(*stopping) as received:
                    async for _ in received:
                        worker.stop()

            if stopping:
                group.start_soon(on_signal)
            if worker.health_port is not None:
                group.start_soon(_announce, worker)
            try:
                await worker.run()
            except Exception as exc:  # raised below, out of the task group's exception group
                failed.append(exc)
            group.cancel_scope.cancel()

    with expected_errors(settings):
        try:
            anyio.run(main)
            if failed:
                raise failed[0]
        except sqlalchemy.exc.SQLAlchemyError as exc:
            from ..mirror._store import first_line

            fail(f"the fleet's database: {first_line(exc)}", EXIT_ERROR)
        except (SchemaTooNew, SchemaNotRecorded) as exc:  # nothing this version can mend
            fail(str(exc), EXIT_CONFIG)
    echo(json.dumps(worker.stats.as_dict()))


async def _announce(worker: Any) -> None:
    import anyio

    while worker.health_server is None:
        await anyio.sleep(0.05)
    err().print(f"health: {worker.health_server.url}/healthz")
