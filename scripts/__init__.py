"""The project's maintenance tools: code generation, drift checks, benchmarks, reliability.

Not part of the SDK (the wheel leaves this folder out). Each tool runs from the project
root as a module, e.g. ``python -m scripts.drift cassettes`` or ``python -m
scripts.reliability``; the Makefile's targets call them so. The modules import each
other as ``scripts.<name>``, and the tests import them the same way (pytest puts the
project root on ``sys.path``: ``pythonpath`` in pyproject.toml).
"""

from pathlib import Path

#: The project's root folder (where pyproject.toml is).
ROOT = Path(__file__).resolve().parent.parent
