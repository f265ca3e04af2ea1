"""Alembic owns the schema: the migrated schema is exactly the ORM metadata."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from awsmock.models import Base, load_all
from awsmock.state.store import head_revision, upgrade_database


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


def _made_at_the_initial_revision(path: Path) -> None:
    """A database at ``0001_initial`` holding one bucket, as a build of that time left it."""
    import datetime as dt

    from awsmock.models.s3 import S3Bucket
    from awsmock.state.store import Store

    store = Store(f"sqlite:///{path}")
    try:
        upgrade_database(store.write_engine, "0001_initial")
        assert store.current_revision() == "0001_initial"
        with store.session(write=True) as session:
            now = dt.datetime.now(dt.UTC)
            session.add(S3Bucket(name="made-earlier", account_id="123456789012", region="us-east-1", created=now))
    finally:
        store.dispose()


def _backup_and_restore_work() -> None:
    import boto3

    assert [b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]] == ["made-earlier"]
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    ddb.create_table(
        TableName="old",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName="old", Item={"pk": {"S": "kept"}})
    arn = ddb.create_backup(TableName="old", BackupName="after-upgrade")["BackupDetails"]["BackupArn"]
    ddb.restore_table_from_backup(TargetTableName="new", BackupArn=arn)
    assert ddb.get_item(TableName="new", Key={"pk": {"S": "kept"}})["Item"] == {"pk": {"S": "kept"}}


def test_a_data_dir_made_at_the_initial_revision_is_upgraded_and_keeps_its_state(tmp_path: Path) -> None:
    """0001_initial is frozen: a data dir an earlier build made gains later tables on start,
    and what it held stays."""
    import awsmock
    from awsmock.state.store import Store

    _made_at_the_initial_revision(tmp_path / "awsmock.db")
    with awsmock.mock_aws(data_dir=tmp_path):
        _backup_and_restore_work()
    upgraded = Store(f"sqlite:///{tmp_path / 'awsmock.db'}")
    try:
        assert upgraded.current_revision() == head_revision() != "0001_initial"
    finally:
        upgraded.dispose()


def test_a_snapshot_made_at_the_initial_revision_is_migrated_when_restored(tmp_path: Path) -> None:
    import sqlite3

    import awsmock
    from awsmock.state.snapshots import _add_meta

    snapshot = tmp_path / "old.awsmock"
    _made_at_the_initial_revision(snapshot)
    conn = sqlite3.connect(snapshot)
    try:
        _add_meta(conn)
    finally:
        conn.close()
    with awsmock.mock_aws(snapshot=snapshot):
        _backup_and_restore_work()
    conn = sqlite3.connect(snapshot)
    try:  # the file itself is left as it was
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001_initial",)
    finally:
        conn.close()
