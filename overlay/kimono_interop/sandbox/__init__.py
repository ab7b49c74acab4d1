"""A local Kimono: both Interop APIs over real HTTP, with seeded data and the queue's rules.

Install with ``pip install 'kimono-interop[sandbox]'`` (without it, importing this
package raises an ImportError that says so). Start it with
``kimono-interop sandbox --port 8080`` or from Python::

    from kimono_interop.sandbox import Sandbox

    with Sandbox(students=500, seed=7) as sandbox:
        with KimonoClient(**sandbox.credentials) as kimono:
            ...

State lives in memory: a restart loses issued tokens, recorded acks, queued tasks
and everything created through the Interop API; the seeded roster, tenants and
credentials come back identical.
"""

# The sandbox's extra: when it is missing, the error names it and how to install it.
try:
    import starlette  # noqa: F401
    import uvicorn  # noqa: F401
except ImportError as missing:
    raise type(missing)(
        f"kimono_interop.sandbox needs starlette and uvicorn ({missing}): "
        "pip install 'kimono-interop[sandbox]'",
        name=missing.name,
        path=missing.path,
    ) from missing

from .app import create_app
from .config import SandboxConfig
from .server import Sandbox, serve
from .state import SandboxState

__all__ = ["Sandbox", "SandboxConfig", "SandboxState", "create_app", "serve"]
