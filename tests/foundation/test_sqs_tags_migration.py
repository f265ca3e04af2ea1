"""SQS's first branch revision moves queue tags from ``sqs_queue.tags`` into the shared tag table:
a data dir an earlier build left (at ``0004_resources``, tags in the column) answers
ListQueueTags with the same tags once upgraded, keeps every message, and the downgrade puts the
tags back in the column. On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest
import sqlalchemy as sa

import awsmock
from awsmock.models import UTCDateTime
from awsmock.models.sqs import Message
from awsmock.services.sqs.attributes import defaults
from awsmock.state.store import Store, downgrade_database, upgrade_database

ACCOUNT, OTHER_ACCOUNT = "123456789012", "111122223333"
REVISION = "sqs_0001_queue_tags_in_the_share"

#: sqs_queue as builds before the SQS branch made it (tags in a column)
OLD_QUEUE = sa.table(
    "sqs_queue",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("fifo", sa.Boolean()),
    sa.column("attributes", sa.JSON()),
    sa.column("tags", sa.JSON()),
    sa.column("created_at", UTCDateTime()),
    sa.column("modified_at", UTCDateTime()),
    sa.column("region", sa.String()),
    sa.column("account_id", sa.String()),
)

#: (id, name, region, account, tags) of the queues the old build held
QUEUES = [
    (1, "tagged", "us-east-1", ACCOUNT, {"team": "a", "env": "dev"}),
    (2, "plain", "us-east-1", ACCOUNT, {}),
    (3, "tagged", "cn-north-1", ACCOUNT, {"where": "china"}),
    (4, "tagged", "us-east-1", OTHER_ACCOUNT, {"team": "other", "empty": ""}),
]


@pytest.fixture
def old_database(blank_database: str) -> str:
    """The URL of a database at ``0004_resources`` holding :data:`QUEUES` and one message."""
    _fill(blank_database)
    return blank_database


def _fill(url: str) -> None:
    store = Store(url)
    try:
        upgrade_database(store.write_engine, "0004_resources")
        now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
        with store.write_engine.begin() as conn:
            conn.execute(
                sa.insert(OLD_QUEUE),
                [
                    {
                        "id": qid,
                        "name": name,
                        "fifo": False,
                        "attributes": defaults(False),
                        "tags": tags,
                        "created_at": now,
                        "modified_at": now,
                        "region": region,
                        "account_id": account,
                    }
                    for qid, name, region, account, tags in QUEUES
                ],
            )
            conn.execute(
                sa.insert(Message.__table__),
                {
                    "queue_id": 1,
                    "message_id": str(uuid.uuid4()),
                    "body": "sent before the upgrade",
                    "md5_body": "0" * 32,
                    "sender_id": ACCOUNT,
                    "sent_at": now,
                    "visible_at": now,
                    "enqueued_at": dt.datetime.now(dt.UTC),
                    "receive_count": 0,
                },
            )
    finally:
        store.dispose()


def _queue_tags(sqs: Any, name: str) -> dict[str, str]:
    return sqs.list_queue_tags(QueueUrl=sqs.get_queue_url(QueueName=name)["QueueUrl"]).get("Tags", {})


def _clients_see_the_old_state() -> None:
    sqs = boto3.client("sqs", region_name="us-east-1")
    assert _queue_tags(sqs, "tagged") == {"team": "a", "env": "dev"}
    assert _queue_tags(sqs, "plain") == {}
    china = boto3.client("sqs", region_name="cn-north-1")
    assert _queue_tags(china, "tagged") == {"where": "china"}
    other = boto3.client(
        "sqs", region_name="us-east-1", aws_access_key_id=OTHER_ACCOUNT, aws_secret_access_key="x"
    )
    assert _queue_tags(other, "tagged") == {"team": "other", "empty": ""}
    url = sqs.get_queue_url(QueueName="tagged")["QueueUrl"]
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url).get("Messages", [])]
    assert bodies == ["sent before the upgrade"]
    # the moved tags are the queue's tags from now on
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod"})
    assert _queue_tags(sqs, "tagged") == {"team": "a", "env": "prod"}
    sqs.delete_queue(QueueUrl=url)
    sqs.create_queue(QueueName="tagged")
    assert _queue_tags(sqs, "tagged") == {}


def test_an_older_database_is_upgraded_with_its_queue_tags_and_messages(old_database: str) -> None:
    with awsmock.mock_aws(database_url=old_database):
        _clients_see_the_old_state()
    store = Store(old_database)
    try:
        with store.read_engine.connect() as conn:
            assert "tags" not in {c["name"] for c in sa.inspect(conn).get_columns("sqs_queue")}
            versions = {row[0] for row in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        assert REVISION in versions
    finally:
        store.dispose()


def test_an_older_sqlite_keeps_its_messages_when_the_table_is_rebuilt(tmp_path: Path) -> None:
    """A SQLite before 3.35 cannot drop a column in place: the migration rebuilds the queue table
    and keeps the rows that reference a queue (awsmock's connections enforce foreign keys)."""
    url = f"sqlite:///{tmp_path / 'awsmock.db'}"
    _fill(url)
    store = Store(url)
    try:
        with store.write_engine.connect():
            pass  # the dialect learns the server's version on the first connection
        store.write_engine.dialect.server_version_info = (3, 31, 1)
        upgrade_database(store.write_engine)
    finally:
        store.dispose()
    with awsmock.mock_aws(database_url=url):
        _clients_see_the_old_state()


def _rows(url: str) -> tuple[dict[tuple[str, str, str], dict[str, str]], int, int]:
    """(the tags column by queue, SQS's rows of the tag table, messages) of a downgraded database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            column = {
                (name, region, account): tags
                for name, region, account, tags in conn.execute(
                    sa.select(OLD_QUEUE.c.name, OLD_QUEUE.c.region, OLD_QUEUE.c.account_id, OLD_QUEUE.c.tags)
                )
            }
            shared = conn.execute(
                sa.text("SELECT count(*) FROM awsmock_tag WHERE service = 'sqs'")
            ).scalar_one()
            messages = conn.execute(sa.text("SELECT count(*) FROM sqs_message")).scalar_one()
    finally:
        engine.dispose()
    return column, shared, messages


def test_the_downgrade_moves_the_tags_back_to_the_column(old_database: str) -> None:
    store = Store(old_database)
    try:
        upgrade_database(store.write_engine)
        downgrade_database(store.write_engine, "sqs@base")
    finally:
        store.dispose()
    column, shared, messages = _rows(old_database)
    assert column == {(name, region, account): tags for _id, name, region, account, tags in QUEUES}
    assert (shared, messages) == (0, 1)
    # and up again: the same tags, served from the shared table
    with awsmock.mock_aws(database_url=old_database):
        _clients_see_the_old_state()
