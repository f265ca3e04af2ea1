"""Growth without collisions: a service that adds tables keeps its own Alembic branch
(``migrations/<service>/``), the trunk keeps awsmock's own; the schema is at head when every
branch is, and every way a database reaches head (a new data dir, an upgrade, a snapshot)
takes every branch there."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from awsmock.state import revisions
from awsmock.state.store import Store, upgrade_database

BRANCH = '''"""demo's first table

Revision ID: demo_0001_things
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "demo_0001_things"
down_revision = None
branch_labels = ("demo",)
depends_on = "0001_initial"


def upgrade() -> None:
    op.create_table("demo_things", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("demo_things")
'''


BEFORE: frozenset[str] = frozenset()


def _clear() -> None:
    for cached in (revisions.graph, revisions.heads, revisions.head_revision):
        cached.cache_clear()


@pytest.fixture
def branched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The migrations with one more service branch beside the trunk and the real ones."""
    _clear()
    global BEFORE
    BEFORE = revisions.heads()
    migrations = tmp_path / "migrations"
    shutil.copytree(revisions.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    (migrations / "demo").mkdir()
    (migrations / "demo" / "__init__.py").write_text("")
    (migrations / "demo" / "0001_things.py").write_text(BRANCH)
    monkeypatch.setattr(revisions, "MIGRATIONS_DIR", migrations)
    _clear()
    yield migrations
    _clear()


def _versions(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    finally:
        engine.dispose()


def test_each_branch_has_its_head_and_head_is_all_of_them(branched: Path) -> None:
    assert revisions.heads() == BEFORE | {"demo_0001_things"}
    assert revisions.trunk_head() in revisions.heads()  # no branch depends on the trunk's newest
    assert revisions.head_revision() == "+".join(sorted(revisions.heads()))
    assert revisions.version_dirs()[0].name == "versions" and branched / "demo" in revisions.version_dirs()
    assert revisions.known(revisions.head_revision()) and not revisions.known("demo_0009_unknown")


def test_an_empty_database_and_an_older_one_reach_every_head(branched: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = create_engine(url)
    try:
        upgrade_database(engine)
        assert "demo_things" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert _versions(url) == set(revisions.heads())
    older = f"sqlite:///{tmp_path / 'older.db'}"
    engine = create_engine(older)
    try:
        upgrade_database(engine, "0003_dynamodb_jobs")  # a data dir a build before the branch left
        upgrade_database(engine)
    finally:
        engine.dispose()
    assert _versions(older) == set(revisions.heads())
    store = Store(older)
    try:
        assert (
            store.current_revision() == revisions.head_revision()
            and store.migrate() == revisions.head_revision()
        )
    finally:
        store.dispose()


def test_a_new_data_dir_is_stamped_with_every_head(branched: Path, tmp_path: Path) -> None:
    from awsmock.models import Base

    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        with store.write_engine.begin() as conn:  # as a new data dir is made: the ORM's schema, stamped
            Base.metadata.create_all(conn)
            from awsmock.state.store import _stamp_head

            _stamp_head(conn.exec_driver_sql)
        assert store.current_revision() == revisions.head_revision()
    finally:
        store.dispose()


def test_the_trunk_needs_no_revision_the_orm_does_not_have() -> None:
    """The devtool that writes revisions finds nothing pending at head (ORM and migrations agree)."""
    out = subprocess.run(
        [sys.executable, "-m", "awsmock.devtools", "revision", "versions", "-m", "nothing"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and "need no new revision" in out.stdout, out.stdout + out.stderr
