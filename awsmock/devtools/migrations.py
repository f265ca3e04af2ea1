"""New Alembic revisions, written from the difference between the ORM's tables and the schema
at head.

The trunk (``migrations/versions``) holds awsmock's own tables, the shared resource store and
the first services' tables; a service whose tables change later keeps its own branch
(``migrations/<service>/``, see :mod:`awsmock.state.revisions`). ``revision(branch, message)``
upgrades an empty SQLite database to every head, compares it with the ORM, keeps what concerns
the branch's tables (a service's: ``Table.info["service"]``; the trunk's: awsmock's own and the
shared ones), and writes it as the branch's next revision. A branch's first revision starts it
(``down_revision = None``, ``branch_labels = ("<service>",)``) and depends on the trunk's head.

Read what it writes before committing it: a data move (a column's content going elsewhere)
is the author's to add. Dropping or altering a column rebuilds the table on SQLite; the
upgrade runs with foreign keys off (:func:`awsmock.state.store.upgrade_database`), so rows
that reference the rebuilt table stay.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from alembic.operations import ops
from sqlalchemy import create_engine

from awsmock.models import Base, load_all
from awsmock.state import revisions
from awsmock.state.store import upgrade_database

TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {down}
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import awsmock.models

revision = "{revision}"
down_revision = {down_literal}
branch_labels = {labels}
depends_on = {depends}


def upgrade() -> None:
{upgrade}


def downgrade() -> None:
{downgrade}
'''


def _branch_tables(branch: str) -> set[str]:
    load_all()
    out = set()
    for table in Base.metadata.sorted_tables:
        service = table.info.get("service")
        if branch == revisions.TRUNK:
            if service in (None, "awsmock") or table.info.get("rows_of"):
                out.add(table.name)
        elif service == branch:
            out.add(table.name)
    return out


def _table_of(op: Any) -> str | None:
    for attr in ("table_name", "source_table"):
        name = getattr(op, attr, None)
        if name:
            return str(name)
    return None


def pending_ops(branch: str) -> ops.UpgradeOps:
    """What the ORM's tables of ``branch`` gained (or lost) since head."""
    tables = _branch_tables(branch)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{tmp}/head.db")
        try:
            upgrade_database(engine)
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn, opts={"render_as_batch": True, "compare_type": True}
                )
                found = produce_migrations(context, Base.metadata)
        finally:
            engine.dispose()
    kept = [o for o in found.upgrade_ops.ops if _table_of(o) in tables]  # type: ignore[union-attr]
    return ops.UpgradeOps(ops=kept)


def _revisions_in(folder: Path) -> set[str]:
    found = set()
    for path in folder.glob("*.py"):
        m = re.search(r'^revision\s*=\s*["\']([^"\']+)', path.read_text(), re.M)
        if m:
            found.add(m.group(1))
    return found


def revision(branch: str, message: str) -> Path | None:
    """Write ``branch``'s next revision; None when its tables need none."""
    upgrade = pending_ops(branch)
    if upgrade.is_empty():
        return None
    options = {"render_as_batch": True, "alembic_module_prefix": "op.", "sqlalchemy_module_prefix": "sa."}
    up = _indent(render_python_code(upgrade, **options))  # type: ignore[arg-type]
    down = _indent(render_python_code(upgrade.reverse(), **options))  # type: ignore[arg-type]
    folder = revisions.MIGRATIONS_DIR / branch
    if branch == revisions.TRUNK:
        mine = sorted(_revisions_in(folder))
        down_rev: str | None = revisions.trunk_head()
        labels, depends = None, None
        prefix = ""
    else:
        mine = sorted(_revisions_in(folder)) if folder.exists() else []
        heads = sorted(revisions.heads() & set(mine))
        down_rev = heads[0] if heads else None
        labels = None if mine else (branch,)
        depends = None if mine else revisions.trunk_head()
        prefix = f"{branch}_"
    number = len(mine) + 1
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40] or "change"
    rev = f"{prefix}{number:04d}_{slug}"[:32]
    folder.mkdir(exist_ok=True)
    (folder / "__init__.py").touch()
    text = TEMPLATE.format(
        message=message,
        revision=rev,
        down=down_rev or "",
        down_literal=repr(down_rev),
        labels=repr(labels),
        depends=repr(depends),
        upgrade=up,
        downgrade=down,
    ).replace("awsmock.models.base.UTCDateTime()", "awsmock.models.UTCDateTime()")
    if "sqlite." in up + down:  # types read back from the SQLite schema Alembic compared with
        text = text.replace("from alembic import op\n", "from alembic import op\nfrom sqlalchemy.dialects import sqlite\n")
    target = folder / f"{rev}.py"
    target.write_text(text)
    revisions.graph.cache_clear()
    revisions.heads.cache_clear()
    revisions.head_revision.cache_clear()
    return target


def _indent(code: str) -> str:
    """render_python_code indents every line but the first by four spaces; normalise that."""
    lines = [ln for ln in code.splitlines() if not ln.strip().startswith("# ###")]
    body = "\n".join(
        ln if (not ln.strip() or ln.startswith("    ")) else "    " + ln for ln in lines
    ).rstrip()
    return body if body.strip() else "    pass"
