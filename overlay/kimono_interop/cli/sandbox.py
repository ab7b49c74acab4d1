"""The ``sandbox`` command: serve the local sandbox in the foreground.

It imports ``kimono_interop.sandbox`` only when it runs: the sandbox's extra
(starlette, uvicorn) may be missing, and the other commands do without it.
"""

from __future__ import annotations

import click

from .common import EXIT_CONFIG, EXIT_ERROR, fail, out

SANDBOX_HINT = "The sandbox needs starlette and uvicorn: pip install 'kimono-interop[sandbox]'"

rate = click.FloatRange(0.0, 1.0)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port."
)
@click.option(
    "--students",
    type=click.IntRange(min=0),
    default=200,
    show_default=True,
    help="Students in the district; teachers, sections and courses scale with it.",
)
@click.option(
    "--schools", type=click.IntRange(min=1), default=3, show_default=True, help="Schools."
)
@click.option(
    "--tenants",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Tenants served by the vendor account, each with its own task queue.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Same seed, same data.")
@click.option(
    "--token-lifetime",
    type=click.FloatRange(min=0, min_open=True),
    default=3600.0,
    show_default=True,
    help="Seconds an access token lives.",
)
@click.option(
    "--latency", type=click.FloatRange(min=0), default=0.0, help="Seconds added to answers."
)
@click.option("--error-rate", type=rate, default=0.0, help="Share of 500/502/503 answers.")
@click.option("--rate-limit-rate", type=rate, default=0.0, help="Share of 429 answers.")
@click.option(
    "--retry-after",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Retry-After of the 429 answers.",
)
@click.option("--drop-rate", type=rate, default=0.0, help="Share of dropped connections.")
@click.option(
    "--ack-timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds before unacknowledged tasks are delivered again.",
)
@click.option(
    "--duplicate-rate", type=rate, default=0.0, help="Share of acked tasks delivered again."
)
def sandbox(
    host: str,
    port: int,
    students: int,
    schools: int,
    tenants: int,
    seed: int,
    token_lifetime: float,
    latency: float,
    error_rate: float,
    rate_limit_rate: float,
    retry_after: float,
    drop_rate: float,
    ack_timeout: float,
    duplicate_rate: float,
) -> None:
    """Serve the local sandbox in the foreground (Ctrl-C stops it).

    Both Interop APIs and the token endpoint, over HTTP, with a seeded district
    and a task queue holding its initial sync. Prints the base URL and the
    vendor credentials to use.
    """
    try:
        from ..sandbox import SandboxConfig, serve
    except ImportError:
        fail(SANDBOX_HINT, EXIT_CONFIG)
    config = SandboxConfig(
        seed=seed,
        students=students,
        schools=schools,
        tenants=tenants,
        token_lifetime=token_lifetime,
        latency=latency,
        error_rate=error_rate,
        rate_limit_rate=rate_limit_rate,
        retry_after=retry_after,
        drop_rate=drop_rate,
        ack_timeout=ack_timeout,
        duplicate_rate=duplicate_rate,
    )
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    url = f"http://{shown_host}:{port}"
    console = out()
    console.print(
        f"[bold]Kimono sandbox[/]: {students} students, {schools} schools, "
        f"{tenants} tenant(s), seed {seed}"
    )
    # Sandbox-only credentials: printing them is the point.
    console.print("Use it with (sandbox-only credentials):", markup=False)
    console.print(f"  export KIMONO_BASE_URL={url}", markup=False)
    console.print(f"  export KIMONO_CLIENT_ID={config.client_id}", markup=False)
    console.print(f"  export KIMONO_CLIENT_SECRET={config.client_secret}", markup=False)
    console.print("Ctrl-C stops it; its state (tokens, acks, queues) lives in memory.")
    try:
        serve(config, host=host, port=port)
    except SystemExit as exc:  # uvicorn's own exit, e.g. the port is taken (logged above)
        if exc.code not in (0, None):
            fail(f"the sandbox could not serve on {host}:{port}", EXIT_ERROR)
