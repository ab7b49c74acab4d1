"""Every operation of the specs has its SDK method, declared once and the same on both clients."""

from __future__ import annotations

import inspect

from kimono_interop import AsyncKimonoClient, KimonoClient
from kimono_interop._operations import OPERATIONS
from tests.support import ROOT
from tests.support.specs import operations, sdk_method

#: Public methods of resources that call no single operation: the consumer and its helpers.
BEHAVIOUR_ONLY = {
    "tasks.receive",
    "tasks.consumer",
    "tasks.run",
    "tasks.tenants_consumer",
    "tasks.run_tenants",
}


def _resources(client: object) -> dict[str, object]:
    """Every resource object of ``client``, by attribute path (``rostering.orgs``)."""
    found: dict[str, object] = {}
    for resource in {op.resource for op in OPERATIONS.values()}:
        target = client
        for part in resource.split("."):
            target = getattr(target, part)
        found[resource] = target
    return found


def _public_methods(resource: object) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(type(resource), inspect.isfunction)
        if not name.startswith("_")
    }


def test_the_operation_table_holds_every_operation_of_the_specs_once() -> None:
    """80 operations, each with one SDK call, no two operations on the same call."""
    ids = [op.operation_id for spec in ("interop-data", "interop") for op in operations(spec)]
    assert len(ids) == 80
    assert sorted(OPERATIONS) == sorted(ids)
    calls = [op.call for op in OPERATIONS.values()]
    assert len(set(calls)) == len(calls)


def test_both_clients_have_exactly_the_declared_methods_with_the_same_signatures() -> None:
    """Each declared call exists on both clients; nothing public exists that is not declared."""
    sync, asynchronous = KimonoClient("a", "b"), AsyncKimonoClient("a", "b")
    declared = {op.call for op in OPERATIONS.values()} | BEHAVIOUR_ONLY
    found: set[str] = set()
    sync_resources, async_resources = _resources(sync), _resources(asynchronous)
    for path, resource in sync_resources.items():
        methods = _public_methods(resource)
        assert methods == _public_methods(async_resources[path]), path
        found |= {f"{path}.{name}" for name in methods}
    assert found == declared
    for operation_id in OPERATIONS:
        sync_call, async_call = (
            sdk_method(sync, operation_id),
            sdk_method(asynchronous, operation_id),
        )
        sync_sig, async_sig = inspect.signature(sync_call), inspect.signature(async_call)
        assert sync_sig.parameters == async_sig.parameters, operation_id
        assert (sync_call.__doc__ or "").strip(), f"{operation_id} has no docstring"
        if OPERATIONS[operation_id].shape not in ("list", "custom"):
            assert inspect.iscoroutinefunction(async_call), operation_id


def test_every_call_takes_the_per_call_options() -> None:
    """Every declared call of both clients (and ``tasks.receive``) takes ``extra_headers``,
    ``extra_query`` and ``timeout``, as keywords."""
    for client in (KimonoClient("a", "b"), AsyncKimonoClient("a", "b")):
        calls = {op_id: sdk_method(client, op_id) for op_id in OPERATIONS}
        calls["tasks.receive"] = client.tasks.receive
        for name, call in calls.items():
            parameters = inspect.signature(call).parameters
            for option in ("extra_headers", "extra_query", "timeout"):
                assert option in parameters, (type(client).__name__, name, option)
                assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, (name, option)


def test_every_raw_call_is_on_both_clients_and_takes_what_its_plain_call_takes() -> None:
    """``with_raw_response.<call>`` exists for each operation marked raw, on both clients,
    with the parameters of the plain call."""
    for client in (KimonoClient("a", "b"), AsyncKimonoClient("a", "b")):
        for op in OPERATIONS.values():
            if op.raw:
                raw = inspect.signature(sdk_method(client.with_raw_response, op.id))
                plain = inspect.signature(sdk_method(client, op.id))
                assert raw.parameters == plain.parameters, op.id


def test_the_sync_twin_of_every_async_module_exists() -> None:
    """``_sync/`` mirrors ``_async/`` module for module."""
    async_dir = ROOT / "overlay" / "kimono_interop" / "_async"
    sync_dir = ROOT / "overlay" / "kimono_interop" / "_sync"
    assert sorted(p.name for p in async_dir.glob("*.py")) == sorted(
        p.name for p in sync_dir.glob("*.py")
    )


def test_the_readme_method_table_lists_every_declared_call() -> None:
    """README's method table is written from the same declarations (make generate)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- sdk-methods:start")[1].split("<!-- sdk-methods:end -->")[0]
    for op in OPERATIONS.values():
        assert f"| `{op.resource}` |" in table, op.resource
        assert f"`{op.name}(" in table.split(f"| `{op.resource}` |")[1].split("\n")[0], op.call
