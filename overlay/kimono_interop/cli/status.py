"""The ``status`` command: each tenant of a fleet, its owner, epoch and progress.

Exit codes for probes: 0 every active tenant is held by a live lease (and, with
``--max-lag``, none lags more; uninstalled tenants and those GET /tenants no longer lists
are shown, not counted); 1 some tenant is not (or its lag is too large), or there are no
tenants; 3 the database cannot be read.
"""

from __future__ import annotations

import json

import click

from .common import EXIT_CONFIG, EXIT_ERROR, echo, finite, out
from .fleet import db_option
from .options import KimonoCommand


@click.command(cls=KimonoCommand, global_options=("log_level",))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option(
    "--max-lag",
    type=click.FloatRange(min=0),
    default=None,
    callback=finite,
    help="Exit 1 when a tenant lags more than this many seconds.",
)
def status(db: str, as_json: bool, max_lag: float | None) -> None:
    """Each tenant's owner, epoch, last sequence, sync in progress, parked tasks and lag."""
    try:
        import sqlalchemy.exc

        from ..fleet import create_engine, fleet_status
    except ImportError as exc:
        click.echo(
            f"error: the fleet needs its extra: pip install 'kimono-interop[fleet]' ({exc})",
            err=True,
        )
        raise click.exceptions.Exit(EXIT_CONFIG) from None
    from ..mirror import SchemaTooNew
    from ..mirror._migrations import FLEET
    from ..mirror._store import must_know, reading, shown

    try:
        engine = create_engine(db)
        try:
            with reading(engine) as connection:
                revision = FLEET.current(connection)
            must_know(revision, FLEET, shown(db))
            if revision != FLEET.head():
                # (what is there is not what this version reads: a missing table, not
                # "relation fleet_leases does not exist")
                found = "no fleet: it has no fleet_alembic_version table"
                if revision is not None:
                    found = (
                        f"the fleet's tables at revision {revision} (this version: {FLEET.head()})"
                    )
                click.echo(
                    f"error: {shown(db)} holds {found}; `kimono-interop fleet run --db ...` "
                    "(of this version) creates or upgrades them",
                    err=True,
                )
                raise click.exceptions.Exit(EXIT_CONFIG)
            rows = fleet_status(engine)
        finally:
            engine.dispose()
    except (sqlalchemy.exc.SQLAlchemyError, ValueError, SchemaTooNew) as exc:
        click.echo(f"error: the fleet's database: {str(exc).splitlines()[0]}", err=True)
        raise click.exceptions.Exit(EXIT_CONFIG) from None
    if as_json:
        echo(json.dumps([row.as_json() for row in rows], indent=2))
    else:
        from rich.table import Table

        table = Table(title=f"{len(rows)} tenant(s)")
        for column in ("tenant", "owner", "epoch", "last sequence", "syncing", "parked", "lag s"):
            table.add_column(column, no_wrap=column == "tenant")
        for row in rows:
            table.add_row(
                row.tenant_id,
                (row.owner or "-")
                + ("" if row.held else " (expired)" if row.owner else "")
                + ("" if row.state == "active" else f" ({row.state})"),
                str(row.epoch),
                "-" if row.last_sequence is None else str(row.last_sequence),
                "yes" if row.sync_in_progress else "",
                str(row.parked) if row.parked else "",
                "-" if row.lag is None else f"{row.lag:.1f}",
            )
        out().print(table)
    unheld = [row for row in rows if not row.held and row.state == "active"]
    lagging = [
        row
        for row in rows
        if max_lag is not None and row.state == "active" and (row.lag or 0) > max_lag
    ]
    if not rows or unheld or lagging:
        raise click.exceptions.Exit(EXIT_ERROR)
