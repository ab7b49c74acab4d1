"""The reliability and security suite: the SDK against a faulty sandbox, with figures.

``python -m scripts.reliability`` (``make reliability``) runs every scenario at full
size and rewrites docs/reliability.md; ``tests/scripts/test_reliability.py`` runs them at the
sizes of ``--quick``. Each scenario runs the SDK against the sandbox (or servers
written for the purpose) over real loopback HTTP, injects faults or surprises, and
checks the outcome exactly.

The harness, by concern:

* ``sizes``: how big each scenario is (full, quick);
* ``faults`` and ``middleware``: what can be injected, the rules that choose it per
  request, and the ASGI middleware around the sandbox that applies them and records
  every exchange;
* ``servers``: the sandbox behind that middleware and a second origin, both on the
  project's loopback server, and the :class:`~scripts.reliability.servers.Run` that
  makes them with the run's distinctive secrets;
* ``hostile``: servers written to do harm (dripping bytes, gzip bombs, endless
  pages, fixed answers), each bounded;
* ``watch``: the secret watch, which spools every debug log, error, repr and output
  and searches them for secrets and issued tokens;
* ``results`` and ``report``: a scenario's checks and figures, and the table and doc;
* ``checks``: what several scenarios share; ``paths``: the paths, from the SDK;
* ``scenarios``: one module per scenario, and their order;
* ``load_client``: the load scenario's client process.
"""

from __future__ import annotations

#: The project (the suite reads spec/ and tests/cassettes/, and checks frames in generated/).
from scripts import ROOT as ROOT
