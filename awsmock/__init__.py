"""awsmock: a mock of AWS for tests and local development whose whole state lives in a database."""

from __future__ import annotations

import os as _os
from typing import Any as _Any

from awsmock.engine.version import __version__

# In a source checkout api/, models/ and migrations/ sit beside this package; map them in as
# awsmock.api, awsmock.models and awsmock.migrations (setup.cfg's package_dir does it when installed).
_root = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
if _os.path.exists(_os.path.join(_root, "models", "base.py")) and _root not in __path__:
    __path__.append(_root)

__all__ = ["__version__"]

_PUBLIC = ("mock_aws", "reset", "restore", "snapshot", "set_initial_no_auth_action_count")


def __getattr__(name: str) -> _Any:
    # Lazy, so `import awsmock` (the CLI, the server) does not pay for botocore patching code.
    if name == "ThreadedServer":
        from awsmock.threaded import ThreadedServer

        return ThreadedServer
    if name in _PUBLIC or name.startswith("mock_"):
        from awsmock import mocking

        try:
            return getattr(mocking, name)
        except AttributeError:
            pass
    raise AttributeError(f"module 'awsmock' has no attribute {name!r}")


def __dir__() -> list[str]:
    from awsmock import mocking

    return sorted([*globals(), *_PUBLIC, "ThreadedServer", *mocking.MOCK_NAMES])
