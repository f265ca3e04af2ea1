"""An in-memory state remembers DynamoDB tables across requests (``Store.memo``): whatever
changes a table, restores or resets the state, the next request sees the table as it is."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

import awsmock
from awsmock import mock_aws

HASH_ONLY = {
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
}
HASH_AND_RANGE = {
    "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}, {"AttributeName": "n", "KeyType": "RANGE"}],
    "AttributeDefinitions": [
        {"AttributeName": "id", "AttributeType": "S"},
        {"AttributeName": "n", "AttributeType": "N"},
    ],
}


def _create(ddb: Any, schema: dict[str, Any]) -> None:
    ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST", **schema)


def _code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return exc.value.response["Error"]["Code"]  # type: ignore[no-any-return]


def _remembered_then_deleted() -> Any:
    """A client whose table "t" (hash key ``pk``) was remembered by a write, then deleted."""
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    _create(ddb, HASH_ONLY)
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})  # remembered from here on
    ddb.delete_table(TableName="t")
    return ddb


@mock_aws
def test_a_deleted_table_is_gone_for_the_next_request() -> None:
    ddb = _remembered_then_deleted()
    with pytest.raises(ClientError) as gone:
        ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})
    assert _code(gone) == "ResourceNotFoundException"


@mock_aws
def test_a_table_made_again_is_read_with_its_new_key() -> None:
    ddb = _remembered_then_deleted()
    _create(ddb, HASH_AND_RANGE)
    with pytest.raises(ClientError) as old_key:
        ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})
    assert _code(old_key) == "ValidationException"
    ddb.put_item(TableName="t", Item={"id": {"S": "a"}, "n": {"N": "1"}})
    assert ddb.get_item(TableName="t", Key={"id": {"S": "a"}, "n": {"N": "1"}})["Item"]["n"] == {"N": "1"}


@mock_aws
def test_a_stream_turned_on_after_writes_gets_the_next_write() -> None:
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    _create(ddb, HASH_ONLY)
    ddb.put_item(TableName="t", Item={"pk": {"S": "before"}})
    arn = ddb.update_table(
        TableName="t", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    )["TableDescription"]["LatestStreamArn"]
    ddb.put_item(TableName="t", Item={"pk": {"S": "after"}})
    streams = boto3.client("dynamodbstreams", region_name="us-east-1")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=it["ShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in records] == ["after"]


@mock_aws
def test_restore_and_reset_forget_what_was_remembered() -> None:
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    _create(ddb, HASH_ONLY)
    awsmock.snapshot("hash-only")
    ddb.delete_table(TableName="t")
    _create(ddb, HASH_AND_RANGE)
    ddb.put_item(TableName="t", Item={"id": {"S": "a"}, "n": {"N": "1"}})
    awsmock.restore("hash-only")
    ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})  # the restored table's key
    assert ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    ddb.delete_table(TableName="t")  # changes after a restore are still seen
    _create(ddb, HASH_AND_RANGE)
    with pytest.raises(ClientError) as old_key:
        ddb.put_item(TableName="t", Item={"pk": {"S": "a"}})
    assert _code(old_key) == "ValidationException"
    awsmock.reset()
    with pytest.raises(ClientError) as gone:
        ddb.get_item(TableName="t", Key={"pk": {"S": "a"}})
    assert _code(gone) == "ResourceNotFoundException"


def test_successive_activations_do_not_share_what_was_remembered() -> None:
    for schema, item in (
        (HASH_ONLY, {"pk": {"S": "a"}}),
        (HASH_AND_RANGE, {"id": {"S": "a"}, "n": {"N": "1"}}),
    ):
        with mock_aws():
            ddb = boto3.client("dynamodb", region_name="us-east-1")
            _create(ddb, schema)
            ddb.put_item(TableName="t", Item=item)
            assert ddb.scan(TableName="t")["Items"] == [item]
