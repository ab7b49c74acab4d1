"""The ``tenants`` command: the tenants these credentials may serve, as a table or JSON.

Tenants carry their own credentials; they print as ``***`` unless ``--show-secrets``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import click

from .common import Settings, expected_errors, out
from .options import KimonoCommand

#: Members of a tenant's ``auth``/``app_auth`` that are not secret (the rest print as ``***``).
_PUBLIC_AUTH_KEYS = frozenset({"type", "scheme", "client_id", "username"})


@click.command(cls=KimonoCommand)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
@click.option(
    "--show-secrets",
    is_flag=True,
    help="With --json, include the tenants' client secrets (hidden as *** otherwise).",
)
@click.pass_obj
def tenants(settings: Settings, as_json: bool, show_secrets: bool) -> None:
    """List the tenants these credentials may serve (GET /tenants)."""
    from rich.table import Table

    from .common import escape

    with expected_errors(settings), settings.client() as client:
        found = list(client.tenants.list().as_dicts())
    if as_json:
        shown = found if show_secrets else [_public_tenant(t) for t in found]
        click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(found)} tenant(s)")
    table.add_column("id", no_wrap=True)
    for column in ("name", "status", "account", "integration"):
        table.add_column(column, overflow="fold")
    for tenant in found:
        table.add_row(
            escape(str(tenant.get("id", ""))),
            escape(str(tenant.get("name", ""))),
            escape(_name_of(tenant.get("status"), "op_state", "setup_state")),
            escape(_name_of(tenant.get("account"), "name", "id")),
            escape(_name_of(tenant.get("integration"), "name", "id")),
        )
    out().print(table)


def _public_tenant(tenant: Mapping[str, Any]) -> dict[str, Any]:
    """The tenant with every secret-named member masked, wherever it is, and every
    ``auth`` and ``app_auth`` (``appAuth``), at any depth, masked but for its public
    members: an object (or a list of them) keeps those, anything else is masked whole.
    The service may send its credentials in shapes the contract lists not."""
    from .._secrets import MASK, redact_mapping

    def masked(value: Any) -> Any:
        if isinstance(value, list):
            return [masked(item) for item in value]
        if isinstance(value, Mapping):
            return {
                k: (v if k in _PUBLIC_AUTH_KEYS or v is None else MASK) for k, v in value.items()
            }
        return value if value is None else MASK  # a Basic header, a key: a credential

    def walk(value: Any) -> Any:
        if isinstance(value, list):
            return [walk(item) for item in value]
        if isinstance(value, Mapping):
            return {
                k: masked(v) if str(k).replace("_", "").lower() in ("auth", "appauth") else walk(v)
                for k, v in value.items()
            }
        return value

    shown: dict[str, Any] = walk(redact_mapping(tenant))
    return shown


def _name_of(value: Any, *keys: str) -> str:
    """The first of ``keys`` present in an object like ``account`` or ``status``, as text."""
    if isinstance(value, Mapping):
        return next((str(value[k]) for k in keys if value.get(k) not in (None, "")), "")
    return "" if value is None else str(value)
