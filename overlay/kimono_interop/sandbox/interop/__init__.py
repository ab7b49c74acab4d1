"""The Interop API of the sandbox: actors, clouds, integrations, tenants, tenant state,
scoping, the tenant application, rollovers, schedules and ingestions, in a module per area.

Every object lives in ``state.interop[collection][id]`` (collections named in
:mod:`.store`) and has the shape of the contract's schema (``spec/interop.yaml``).
Keys starting with ``_`` are the sandbox's own bookkeeping (which cloud an actor is
installed in, which Integration a version belongs to, its blueprint) and are never
sent. :func:`.seeding.seed_interop` fills the collections from the seeded roster and
tenants, the same for the same seed.

The ``/tenant/...`` routes act for the caller's tenant (a tenant's credentials), or
for the first tenant when the vendor account calls. ``/tenants`` and ``/ingestions``
show a tenant only itself, and the vendor every tenant. Bodies are checked against
the schema's declared fields (wrong types and unknown enum values answer 400);
fields a schema does not declare, and read-only ones (ids, timestamps, owners), are
ignored. Unknown ids, malformed ones included, answer 404.

Each route module (``actors``, ``integrations``, ``tenants``, ``scoping``,
``rollovers``, ``schedules``, ``ingestions``) exports ``HANDLERS``, its handlers by
operationId; the app takes their methods and paths from the operation table. They
build on ``store`` (the objects), ``clock`` (time and new ids), ``checks`` (request
bodies), ``common`` (reading requests) and ``answers``. This package imports none of
its modules itself, so the state can import ``seeding`` without importing a route.
"""
