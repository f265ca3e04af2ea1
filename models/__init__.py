"""SQLAlchemy tables, one module per service (``awsmock.models.<service>``).

Every submodule is imported by :func:`load_all`, so adding a service's tables needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil

from .base import AccountScoped, Base, RegionScoped, UTCDateTime, tables_of

__all__ = ["AccountScoped", "Base", "RegionScoped", "UTCDateTime", "load_all", "tables_of"]

_loaded = False


def load_all() -> None:
    """Import every model module so ``Base.metadata`` knows every table."""
    global _loaded
    if _loaded:
        return
    for info in pkgutil.iter_modules(__path__):
        if info.name != "base":
            importlib.import_module(f"{__name__}.{info.name}")
    _loaded = True
