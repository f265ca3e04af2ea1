"""SQLAlchemy tables, one module per service (``awsmock.models.<service>``).

Every submodule is imported by :func:`load_all`, so adding a service's tables needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from .base import AccountScoped, Base, RegionScoped, UTCDateTime

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


def tables_of(services: list[str] | None = None) -> list[Any]:
    """The tables of the named services (all service tables when ``services`` is None), and
    the shared tables whose rows belong to services (``info["rows_of"]``: the column naming a
    row's service; the caller keeps to the named services' rows).

    Tables of the ``awsmock`` pseudo-service (settings kept across resets) are never included.
    Ordered so that children come before parents (safe for DELETE).
    """
    load_all()
    out = []
    for table in reversed(Base.metadata.sorted_tables):
        svc = table.info.get("service")
        if svc == "awsmock":
            continue
        if services is None or svc in services or table.info.get("rows_of"):
            out.append(table)
    return out
