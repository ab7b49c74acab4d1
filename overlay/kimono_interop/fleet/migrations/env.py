"""Alembic environment of the fleet's schema: see ``kimono_interop.mirror._migrations``."""

from kimono_interop.mirror._migrations import run_environment

run_environment()
