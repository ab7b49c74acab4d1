"""What the tests share, imported as ``tests.support.<module>``.

* :mod:`~tests.support.specs`: the specs, their operations and examples, the SDK
  method of an operation;
* :mod:`~tests.support.mock_service`: the recording mock service the resource and
  client tests run the SDK against (``httpx.MockTransport``);
* :mod:`~tests.support.fake_queue`: an in-memory task queue with the service's rules;
* :mod:`~tests.support.contract`: an HTTP exchange checked against the specs;
* :mod:`~tests.support.cassettes`: the cassette machinery (recording, replay, scrubbing),
  also run by ``scripts/record.py``.

Fixtures (a loopback server, a sandbox) are in ``tests/conftest.py``.
"""

from pathlib import Path

#: The project's root directory, and its tests/ folder (with the cassettes and payloads).
ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
