"""Alembic owns the schema: the migrated schema is exactly the ORM metadata."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from awsmock.models import Base, load_all
from awsmock.store import head_revision, upgrade_database


def test_migrated_schema_equals_the_orm_metadata(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        upgrade_database(engine)
        load_all()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
        assert len(Base.metadata.tables) >= 1
    finally:
        engine.dispose()


def test_db_upgrade_and_current_from_the_cli(tmp_path: Path) -> None:
    def cli(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "awsmock", *args, "--data-dir", str(tmp_path)],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    assert cli("db", "current") == "(empty database)"
    assert cli("db", "upgrade") == head_revision()
    assert cli("db", "current") == head_revision()
