"""A new SQLite data dir gets the ORM's schema stamped at head (no Alembic run): it must be the
schema the Alembic revisions build."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from awsmock.state.store import Store, head_revision, upgrade_database


def _schema(path: Path) -> set[tuple[str, str, tuple[str, ...]]]:
    rows = sqlite3.connect(path).execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    out = set()
    for kind, name, sql in rows:
        text = re.sub(r"\s+", " ", sql or "").replace("( ", "(").replace(" )", ")")
        head, _, body = text.partition("(")
        head = head.replace('"', "")  # a table Alembic rebuilt is named in quotes
        body = body.strip()
        body = body[:-1] if body.endswith(")") else body  # the closing parenthesis of the list
        parts = tuple(sorted(p.strip() for p in re.split(r",(?![^(]*\))", body)))
        out.add((kind, name, (head.strip(), *parts)))
    return out


def test_a_new_database_has_the_schema_the_migrations_build(tmp_path: Path) -> None:
    fresh = Store(f"sqlite:///{tmp_path}/fresh.db")
    assert fresh.migrate() == head_revision()
    assert fresh.current_revision() == head_revision()
    migrated = Store(f"sqlite:///{tmp_path}/migrated.db")
    upgrade_database(migrated.write_engine)
    assert migrated.current_revision() == head_revision()
    fresh.dispose()
    migrated.dispose()
    assert _schema(tmp_path / "fresh.db") == _schema(tmp_path / "migrated.db")
    assert len(_schema(tmp_path / "fresh.db")) > 40


def test_head_revision_is_read_from_the_revision_files() -> None:
    from alembic.script import ScriptDirectory

    from awsmock.state.revisions import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    # Alembic's heads, less a revision another depends on (a database records the dependent in
    # its place)
    depended = {dep for rev in script.walk_revisions() for dep in rev._resolved_dependencies or ()}
    assert head_revision() == "+".join(sorted(set(script.get_heads()) - depended))
