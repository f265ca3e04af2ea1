"""Snapshot files that are valid SQLite but wrong inside, made from a good one (issue #22, item
11): each is something a snapshot import or restore must refuse, leaving the state as it was.
Shared by ``test_snapshot_validation.py`` and ``tests/reliability/test_snapshot_restore.py``."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from awsmock.api.app import AwsmockApp
from tests.helpers import inprocess_client_factory

TRUST = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}'
)


def fill(app: AwsmockApp, tag: str = "kept") -> None:
    """A little of everything a snapshot carries: an S3 object, an SQS message, a DynamoDB
    item, an IAM user and role."""
    client = inprocess_client_factory(app)
    s3 = client("s3")
    s3.create_bucket(Bucket=f"{tag}-bucket")
    s3.put_object(Bucket=f"{tag}-bucket", Key="k", Body=tag.encode())
    sqs = client("sqs")
    url = sqs.create_queue(QueueName=f"{tag}-queue")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody=tag)
    ddb = client("dynamodb")
    ddb.create_table(
        TableName=f"{tag}-table",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    ddb.put_item(TableName=f"{tag}-table", Item={"pk": {"S": tag}})
    iam = client("iam")
    iam.create_user(UserName=f"{tag}-user")
    iam.create_role(RoleName=f"{tag}-role", AssumeRolePolicyDocument=TRUST)


def assert_answering(app: AwsmockApp, tag: str = "kept") -> None:
    """S3, SQS, DynamoDB and IAM read the state ``fill(app, tag)`` made, and write to it."""
    client = inprocess_client_factory(app)
    s3 = client("s3")
    assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == [f"{tag}-bucket"]
    assert s3.get_object(Bucket=f"{tag}-bucket", Key="k")["Body"].read() == tag.encode()
    s3.put_object(Bucket=f"{tag}-bucket", Key="new", Body=b"1")
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName=f"{tag}-queue")["QueueUrl"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert tag in [m["Body"] for m in received.get("Messages", [])]
    sqs.send_message(QueueUrl=url, MessageBody="new")
    ddb = client("dynamodb")
    assert ddb.get_item(TableName=f"{tag}-table", Key={"pk": {"S": tag}})["Item"] == {"pk": {"S": tag}}
    assert [t for t in ddb.list_tables()["TableNames"]] == [f"{tag}-table"]
    ddb.put_item(TableName=f"{tag}-table", Item={"pk": {"S": "new"}})
    iam = client("iam")
    assert [u["UserName"] for u in iam.list_users()["Users"]] == [f"{tag}-user"]
    assert iam.get_role(RoleName=f"{tag}-role")["Role"]["RoleName"] == f"{tag}-role"


def _sql(*statements: str) -> Callable[[sqlite3.Connection], None]:
    def change(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA foreign_keys=OFF")
        for statement in statements:
            conn.execute(statement)

    return change


def utf16(good: Path, dest: Path) -> None:
    """The same schema and rows, in a database whose text is UTF-16."""
    src = sqlite3.connect(good)
    out = sqlite3.connect(dest)
    try:
        out.execute("PRAGMA encoding='UTF-16le'")
        objects = src.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type = 'index'"
        ).fetchall()
        for _kind, _name, sql in objects:
            out.execute(sql)
        for kind, name, _sql_text in objects:
            if kind != "table":
                continue
            rows = src.execute(f'SELECT * FROM "{name}"').fetchall()
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                out.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
        out.commit()
    finally:
        src.close()
        out.close()


#: name -> (what changes in a copy of a good snapshot, words of the 400's message)
BAD_FILES: dict[str, tuple[Any, str]] = {
    "utf-16 text": (utf16, "text encoding is UTF-16le"),
    "rows whose parent is gone": (_sql("DELETE FROM s3_bucket"), "rows whose references are gone"),
    "head schema labelled 0001_initial": (
        _sql("DELETE FROM alembic_version", "INSERT INTO alembic_version VALUES ('0001_initial')"),
        "schema is not the one of its revision '0001_initial'",
    ),
    "revisions no database is at": (
        _sql("INSERT INTO alembic_version VALUES ('0001_initial')"),
        "is not one a database can be at",
    ),
    "an unknown revision": (
        _sql("INSERT INTO alembic_version VALUES ('zz_0009_future')"),
        "unknown to this awsmock",
    ),
    "a timestamp that is not one": (_sql("UPDATE s3_bucket SET created = 'garbage'"), "s3_bucket.created"),
    "a timestamp with an offset": (
        _sql("UPDATE s3_bucket SET created = '2026-12-07 10:00:00+05:00'"),
        "s3_bucket.created holds a value that is not a timestamp",
    ),
    "JSON that is not JSON": (
        _sql("UPDATE s3_object SET info = '{nope'"),
        "s3_object.info holds a value that is not JSON text",
    ),
    "JSON nested past any reader": (
        _sql("UPDATE sqs_queue SET attributes = '" + "[" * 5000 + "]" * 5000 + "'"),
        "sqs_queue.attributes holds a value that is not JSON text",
    ),
    "text in an integer column": (
        _sql("UPDATE s3_object SET size = 'big'"),
        "s3_object.size holds a value that is not an integer",
    ),
    "a real in an integer column": (_sql("UPDATE dynamodb_items SET size = 1.5"), "dynamodb_items.size"),
    "a boolean that is 7": (
        _sql("UPDATE s3_object SET is_latest = 7"),
        "s3_object.is_latest holds a value that is not a boolean (0 or 1)",
    ),
    "a name longer than its column": (
        _sql("UPDATE s3_bucket SET account_id = '1234567890123'"),
        "s3_bucket.account_id holds a value that is not UTF-8 text of at most 12 characters",
    ),
    "bytes in a text column": (_sql("UPDATE sqs_message SET body = X'00ff'"), "sqs_message.body"),
    "text that is not UTF-8": (
        _sql("UPDATE iam_user SET name = CAST(X'C328' AS TEXT)"),
        "iam_user.name holds a value that is not UTF-8 text",
    ),
    "text in a blob column": (
        _sql("UPDATE s3_chunk SET data = 'text'"),
        "s3_chunk.data holds a value that is not bytes",
    ),
    "a view of its own": (_sql("CREATE VIEW peek AS SELECT 1"), "unexpected or different: peek"),
    "a trigger of its own": (
        _sql("CREATE TRIGGER tr AFTER INSERT ON s3_bucket BEGIN SELECT 1; END"),
        "unexpected or different: tr",
    ),
    "a column dropped": (_sql("ALTER TABLE sqs_queue DROP COLUMN attributes"), "sqs_queue"),
    "a creation time that is bytes": (
        _sql("UPDATE awsmock_snapshot_meta SET value = X'01' WHERE key = 'created'"),
        "meta table holds values that are not text",
    ),
    "a meta table that is a view": (
        _sql(
            "DROP TABLE awsmock_snapshot_meta",
            "CREATE VIEW awsmock_snapshot_meta AS SELECT 'format' AS key, 'awsmock-snapshot/1' AS value",
        ),
        "awsmock_snapshot_meta is not the table awsmock writes",
    ),
}


def bad_copy(good: Path, dest: Path, name: str) -> Path:
    """A copy of the snapshot ``good`` at ``dest``, made wrong as ``BAD_FILES[name]`` says."""
    change, _words = BAD_FILES[name]
    if change is utf16:
        utf16(good, dest)
        return dest
    shutil.copyfile(good, dest)
    conn = sqlite3.connect(dest)
    try:
        change(conn)
        conn.commit()
    finally:
        conn.close()
    return dest
