"""Snapshots and migrations on PostgreSQL: the portable file moves between SQLite and PostgreSQL
in both directions with every column type intact; a PostgreSQL store keeps its snapshots in the
database, so every process (server node) on it sees the same ones."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from awsmock.api.app import create_app
from awsmock.engine.config import Config
from awsmock.models import tables_of
from awsmock.state.snapshots import AlreadyExists, NotFound, Snapshots, validate_file
from awsmock.state.store import Store, head_revision
from tests.helpers import FAKE_ENV, inprocess_client_factory

BLOB = bytes(range(256)) * 9000  # ~2.2 MiB: several S3 chunks, every byte value
LARGE_TEXT = "é✓ long text " * 20_000


def rows_of(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every service table, as Python values (through the column types)."""
    out = {}
    with store.session(write=False) as session:
        for table in tables_of(None):
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in session.execute(select(table).order_by(*order))]
    return out


def clients(store: Store) -> Callable[..., Any]:
    return inprocess_client_factory(create_app(Config(database_url=store.url), store))


def populate(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    s3.create_bucket(Bucket="types")
    s3.put_bucket_versioning(Bucket="types", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="types", Key="blob.bin", Body=BLOB, Tagging="a=1")
    s3.put_object(Bucket="types", Key="empty", Body=b"")
    up = s3.create_multipart_upload(Bucket="types", Key="multi")
    part = s3.upload_part(
        Bucket="types", Key="multi", UploadId=up["UploadId"], PartNumber=1, Body=BLOB[: 5 * 2**20]
    )
    s3.upload_part(
        Bucket="types",
        Key="multi-pending",
        UploadId=s3.create_multipart_upload(Bucket="types", Key="multi-pending")["UploadId"],
        PartNumber=1,
        Body=b"pending",
    )
    s3.complete_multipart_upload(
        Bucket="types",
        Key="multi",
        UploadId=up["UploadId"],
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
    )
    sqs = client("sqs")
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "45"})["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody=LARGE_TEXT[:200_000],
        MessageAttributes={
            "bin": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"},
            "num": {"DataType": "Number", "StringValue": "3.14159"},
        },
    )
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=600)
    fifo = sqs.create_queue(
        QueueName="q.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=fifo, MessageBody="first", MessageGroupId="g")
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1)  # a receive count and a timestamp
    ddb = client("dynamodb")
    ddb.create_table(
        TableName="t",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(
        TableName="t",
        Item={
            "pk": {"S": "a"},
            "n": {"N": "12345678901234567890.123456789"},
            "neg": {"N": "-0.5"},
            "b": {"B": b"\x00\x01\xfe\xff"},
            "yes": {"BOOL": True},
            "no": {"BOOL": False},
            "text": {"S": LARGE_TEXT[:100_000]},
            "ns": {"NS": ["1", "2.5"]},
            "nothing": {"NULL": True},
        },
    )
    iam = client("iam")
    iam.create_user(UserName="alice", Tags=[{"Key": "k", "Value": "v"}])
    iam.create_access_key(UserName="alice")


def check_user_view(client: Callable[..., Any]) -> None:
    s3 = client("s3")
    assert s3.get_object(Bucket="types", Key="blob.bin")["Body"].read() == BLOB
    assert s3.get_object(Bucket="types", Key="multi")["Body"].read() == BLOB[: 5 * 2**20]
    assert s3.get_object(Bucket="types", Key="empty")["Body"].read() == b""
    assert s3.get_bucket_versioning(Bucket="types")["Status"] == "Enabled"
    item = client("dynamodb").get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"]
    assert item["n"] == {"N": "12345678901234567890.123456789"}
    assert (
        item["b"] == {"B": b"\x00\x01\xfe\xff"}
        and item["yes"] == {"BOOL": True}
        and item["no"] == {"BOOL": False}
    )
    assert item["text"]["S"] == LARGE_TEXT[:100_000]
    user = client("iam").get_user(UserName="alice")["User"]
    assert isinstance(user["CreateDate"], dt.datetime)


def test_snapshot_round_trip_sqlite_postgres_sqlite_keeps_every_type(
    fresh_pg_store: Store, tmp_path: Path
) -> None:
    source = Store("sqlite://")
    try:
        populate(clients(source))
        expected = rows_of(source)
        assert len(expected["s3_chunk"]) >= 3 and expected["sqs_message"] and expected["dynamodb_items"]

        # SQLite -> PostgreSQL
        Snapshots(source).save("fixture")
        exported = Snapshots(source).export_bytes("fixture")
        pg = Snapshots(fresh_pg_store)
        pg.import_bytes("fixture", exported)
        pg.restore("fixture")
        assert rows_of(fresh_pg_store) == expected
        check_user_view(clients(fresh_pg_store))

        # PostgreSQL -> a portable file -> a SQLite file store
        pg.save("back")
        back = pg.export_bytes("back")
        (tmp_path / "back.awsmock").write_bytes(back)
        assert validate_file(tmp_path / "back.awsmock") == head_revision()
        target = Store(f"sqlite:///{tmp_path / 'data' / 'awsmock.db'}")
        try:
            target.migrate()
            Snapshots(target).import_bytes("back", back)
            Snapshots(target).restore("back")
            assert rows_of(target) == expected
            check_user_view(clients(target))
        finally:
            target.dispose()
    finally:
        source.dispose()


def test_restored_postgres_state_takes_new_rows(fresh_pg_store: Store) -> None:
    """Rows come back with their ids; new rows after a restore must not collide with them."""
    source = Store("sqlite://")
    try:
        populate(clients(source))
        Snapshots(source).save("s")
        Snapshots(fresh_pg_store).import_bytes("s", Snapshots(source).export_bytes("s"))
    finally:
        source.dispose()
    Snapshots(fresh_pg_store).restore("s")
    client = clients(fresh_pg_store)
    url = client("sqs").get_queue_url(QueueName="q")["QueueUrl"]
    for i in range(3):
        client("sqs").send_message(QueueUrl=url, MessageBody=f"new {i}")
    client("s3").put_object(Bucket="types", Key="new", Body=b"x" * 3_000_000)
    assert client("s3").get_object(Bucket="types", Key="new")["Body"].read() == b"x" * 3_000_000
    client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "b"}})
    client("iam").create_user(UserName="bob")
    check_user_view(client)


def test_postgres_snapshots_live_in_the_database(fresh_pg_store: Store) -> None:
    node_a, node_b = fresh_pg_store, Store(fresh_pg_store.url)  # two processes' stores
    try:
        clients(node_a)("sqs").create_queue(QueueName="kept")
        info = Snapshots(node_a).save("one")
        assert [s.name for s in Snapshots(node_b).list()] == ["one"]
        assert (
            Snapshots(node_b).info("one").size_bytes
            == info.size_bytes
            == len(Snapshots(node_b).export_bytes("one"))
        )
        assert info.schema_revision == head_revision()
        assert not list(Path(node_a.snapshot_dir).glob("*"))  # nothing on a node's local disk
        with pytest.raises(AlreadyExists):
            Snapshots(node_b).save("one")
        node_b.reset(None)  # a reset keeps snapshots
        assert Snapshots(node_a).exists("one")
        Snapshots(node_b).restore("one")
        assert clients(node_a)("sqs").list_queues()["QueueUrls"][0].endswith("/kept")
        Snapshots(node_b).save("one", overwrite=True)
        Snapshots(node_a).delete("one")
        assert Snapshots(node_b).list() == []
        with pytest.raises(NotFound):
            Snapshots(node_b).restore("one")
        with pytest.raises(NotFound):
            Snapshots(node_b).delete("one")
    finally:
        node_b.dispose()


def test_cli_migrates_resets_and_snapshots_postgres(new_pg_url: Callable[[], str], tmp_path: Path) -> None:
    url = new_pg_url()
    env = {**os.environ, **FAKE_ENV}
    env.pop("AWSMOCK_DATABASE_URL", None)

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "awsmock", *args, "--database-url", url],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "empty" in run("db", "current")
    by_env = subprocess.run(
        [sys.executable, "-m", "awsmock", "db", "current"],
        capture_output=True,
        text=True,
        env={**env, "AWSMOCK_DATABASE_URL": url},
        timeout=120,
    )
    assert by_env.returncode == 0 and "empty" in by_env.stdout, by_env.stderr
    run("db", "upgrade")
    assert run("db", "current").strip() == head_revision()
    store = Store(url)
    try:
        clients(store)("sqs").create_queue(QueueName="cli")
        run("snapshot", "save", "s1")
        assert "s1" in run("snapshot", "list")
        run("snapshot", "export", "s1", str(tmp_path / "s1.awsmock"))
        validate_file(tmp_path / "s1.awsmock")
        run("snapshot", "import", "s2", str(tmp_path / "s1.awsmock"))
        run("reset")
        assert clients(store)("sqs").list_queues().get("QueueUrls", []) == []
        run("snapshot", "restore", "s2")
        assert clients(store)("sqs").list_queues()["QueueUrls"][0].endswith("/cli")
        run("snapshot", "delete", "s1")
        assert "s1" not in run("snapshot", "list")
    finally:
        store.dispose()


def test_python_api_snapshots_on_a_postgres_state(fresh_pg_store: Store) -> None:
    import boto3

    import awsmock

    def queues() -> list[str]:
        return [
            u.rsplit("/", 1)[1]
            for u in boto3.client("sqs", region_name="us-east-1").list_queues().get("QueueUrls", [])
        ]

    with awsmock.mock_aws(database_url=fresh_pg_store.url):
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="py")
        awsmock.snapshot("py-state")
        awsmock.reset()
        assert queues() == []
        awsmock.restore("py-state")
        assert queues() == ["py"]
    assert Snapshots(fresh_pg_store).exists("py-state")  # kept in the database, for every process
    fresh_pg_store.reset(None)
    with awsmock.mock_aws(database_url=fresh_pg_store.url, snapshot="py-state"):
        assert queues() == ["py"]
