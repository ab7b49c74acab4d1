"""kimono-interop: the Python SDK for the Kimono (Instructure DataSync) Interop APIs.

This package is what users import. It stands on two generated packages that
ship in the same distribution and are produced from the contracts in ``spec/``:

* :mod:`kimono_interop_data_api` -- the Interop Data API (rostering, grades, tasks);
* :mod:`kimono_interop_api` -- the Interop API (clouds, integrations, tenants, ...).
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
