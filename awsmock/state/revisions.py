"""The schema's Alembic revisions: where they live and which are the heads.

``migrations/versions/`` holds the trunk: awsmock's own tables, the shared resource store, and
the tables of the first services (their history began there). A service whose tables change
later keeps its own branch in ``migrations/<service>/`` (a base revision with ``down_revision =
None`` and ``branch_labels = ("<service>",)``, then its chain), so two services adding revisions
never touch each other's files. The schema is at head when every branch is; a database
records one row per branch head in ``alembic_version``, and "the schema revision" (the admin
API's, a snapshot's) is those heads sorted and joined by ``+`` (one head: its name alone).

The heads are read from the revision files themselves (importing Alembic costs a tenth of a
second of startup); :func:`alembic_config` is what Alembic needs to upgrade.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent.parent  # awsmock/
MIGRATIONS_DIR = _PACKAGE / "migrations"  # installed: awsmock/migrations
if not (MIGRATIONS_DIR / "env.py").exists():  # a source checkout: migrations/ beside awsmock/
    MIGRATIONS_DIR = _PACKAGE.parent / "migrations"

TRUNK = "versions"
SEPARATOR = "+"


def version_dirs() -> list[Path]:
    """The trunk, then each service's branch (a folder of ``migrations/`` holding revisions)."""
    branches = sorted(
        path
        for path in MIGRATIONS_DIR.iterdir()
        if path.is_dir() and path.name not in (TRUNK, "__pycache__") and _revision_files(path)
    )
    return [MIGRATIONS_DIR / TRUNK, *branches]


def _revision_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")


def _assigned(path: Path) -> dict[str, Any]:
    """The module-level ``revision`` / ``down_revision`` / ``depends_on`` literals of a file."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target: ast.expr | None = None
        if isinstance(node, ast.AnnAssign):
            target = node.target
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
        value = getattr(node, "value", None)
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision", "depends_on"):
            try:
                found[target.id] = ast.literal_eval(value) if value is not None else None
            except ValueError:
                continue
    return found


def _names(value: Any) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, str):
        return {value}
    return {str(v) for v in value}


@cache
def graph() -> dict[str, set[str]]:
    """revision -> the revisions it follows: those it revises and those it depends on (a
    branch's first revision depends on the trunk's head of its time)."""
    out: dict[str, set[str]] = {}
    for folder in version_dirs():
        for path in _revision_files(folder):
            found = _assigned(path)
            if "revision" in found:
                if found["revision"] in out:
                    raise RuntimeError(f"two Alembic revisions named {found['revision']!r}")
                out[found["revision"]] = _names(found.get("down_revision")) | _names(found.get("depends_on"))
    return out


@cache
def heads() -> frozenset[str]:
    """The revisions no other follows: what a database at head records, one row each (Alembic
    records a branch that depends on the trunk's head in that head's place, until the trunk
    moves on)."""
    followed = set().union(*graph().values()) if graph() else set()
    return frozenset(set(graph()) - followed)


def trunk_revisions() -> set[str]:
    """The revisions of the trunk (``migrations/versions``)."""
    found = set()
    for path in _revision_files(MIGRATIONS_DIR / TRUNK):
        rev = _assigned(path).get("revision")
        if rev:
            found.add(str(rev))
    return found


def trunk_head() -> str:
    """The newest revision of the trunk."""
    trunk = trunk_revisions()
    revised = {r for rev in trunk for r in graph()[rev] if r in trunk}
    (head,) = trunk - revised
    return head


def joined(revisions: set[str] | frozenset[str] | list[str]) -> str | None:
    """Revisions as one schema revision (sorted, ``+``-joined); None for none."""
    return SEPARATOR.join(sorted(revisions)) or None


def split(revision: str | None) -> set[str]:
    return set(revision.split(SEPARATOR)) if revision else set()


@cache
def head_revision() -> str:
    """The schema revision of a database at head (every branch's head)."""
    found = joined(heads())
    if found is None:
        raise RuntimeError("no Alembic revision found")
    return found


def known(revision: str) -> bool:
    """Whether every revision named in ``revision`` is one of this awsmock's."""
    return bool(revision) and split(revision) <= set(graph())


def alembic_config(url: str | None = None) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_locations", " ".join(str(d) for d in version_dirs()))
    cfg.set_main_option("path_separator", "space")
    if url:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
