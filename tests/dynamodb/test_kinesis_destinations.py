"""Kinesis streaming destinations: item changes written to a Kinesis data stream in the record
format AWS documents, statuses, and the refusals AWS gives."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import time_machine

from .helpers import error

PREFIX = "Table is not in a valid state to enable Kinesis Streaming Destination: "


@pytest.fixture
def kinesis(aws_client: Callable[..., Any]) -> Any:
    return aws_client("kinesis")


def _stream(kinesis: Any) -> str:
    name = f"s-{uuid.uuid4().hex[:8]}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    return str(kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"])


def _records(kinesis: Any, arn: str) -> list[dict[str, Any]]:
    shard = kinesis.list_shards(StreamARN=arn)["Shards"][0]["ShardId"]
    it = kinesis.get_shard_iterator(StreamARN=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = kinesis.get_records(StreamARN=arn, ShardIterator=it["ShardIterator"])["Records"]
    return [json.loads(r["Data"]) for r in records]


def test_changes_reach_the_stream(ddb: Any, kinesis: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range=("sk", "N"))
    arn = _stream(kinesis)
    assert ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"] == []
    out = ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    assert (out["DestinationStatus"], out["EnableKinesisStreamingConfiguration"]) == ("ENABLING", {})
    assert ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"] == [
        {"StreamArn": arn, "DestinationStatus": "ACTIVE"}
    ]
    # soon after now: a record older than the stream's retention would be gone
    when = dt.datetime.now(dt.UTC).replace(microsecond=123456) + dt.timedelta(minutes=1)
    with time_machine.travel(when, tick=False):
        ddb.put_item(TableName=table, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}})
        ddb.update_item(
            TableName=table,
            Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
            UpdateExpression="SET v = :v",
            ExpressionAttributeValues={":v": {"S": "y"}},
        )
        ddb.batch_write_item(
            RequestItems={table: [{"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}}]}
        )
    records = _records(kinesis, arn)
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    first = records[0]
    assert first["awsRegion"] == "us-east-1"
    assert first["tableName"] == table
    assert first["recordFormat"] == "application/json"
    assert first["eventSource"] == "aws:dynamodb"
    assert first["userIdentity"] is None
    body = first["dynamodb"]
    assert body["Keys"] == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert body["NewImage"] == {"pk": {"S": "a"}, "sk": {"N": "1"}, "v": {"S": "x"}}
    assert "OldImage" not in body
    assert body["ApproximateCreationDateTime"] == int(when.timestamp() * 1000)
    assert body["ApproximateCreationDateTimePrecision"] == "MILLISECOND"
    assert body["SizeBytes"] > 0
    assert records[1]["dynamodb"]["OldImage"]["v"] == {"S": "x"}
    assert records[1]["dynamodb"]["NewImage"]["v"] == {"S": "y"}
    assert "NewImage" not in records[2]["dynamodb"]

    # microseconds once asked for
    out = ddb.update_kinesis_streaming_destination(
        TableName=table,
        StreamArn=arn,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert out["DestinationStatus"] == "UPDATING"
    with time_machine.travel(when, tick=False):
        ddb.put_item(TableName=table, Item={"pk": {"S": "b"}, "sk": {"N": "2"}})
    last = _records(kinesis, arn)[-1]["dynamodb"]
    assert last["ApproximateCreationDateTime"] == int(when.timestamp()) * 1_000_000 + 123456
    assert last["ApproximateCreationDateTimePrecision"] == "MICROSECOND"
    assert error(
        ddb.update_kinesis_streaming_destination,
        TableName=table,
        StreamArn=arn,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )[1].startswith(
        "Invalid Request: Precision is already set to the desired value of MICROSECOND for tableId: "
    )

    # disabled: nothing more is written
    assert (
        ddb.disable_kinesis_streaming_destination(TableName=table, StreamArn=arn)["DestinationStatus"]
        == "DISABLING"
    )
    ddb.put_item(TableName=table, Item={"pk": {"S": "c"}, "sk": {"N": "3"}})
    assert len(_records(kinesis, arn)) == 4
    assert (
        ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"][0][
            "DestinationStatus"
        ]
        == "DISABLED"
    )


def test_refusals_and_failed_streams(ddb: Any, kinesis: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    missing = "arn:aws:kinesis:us-east-1:123456789012:stream/not-there"
    assert (
        ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=missing)["DestinationStatus"]
        == "ENABLING"
    )
    assert ddb.describe_kinesis_streaming_destination(TableName=table)["KinesisDataStreamDestinations"] == [
        {
            "StreamArn": missing,
            "DestinationStatus": "ENABLE_FAILED",
            "DestinationStatusDescription": "User does not have a permission to use kinesis stream",
        }
    ]
    assert error(ddb.disable_kinesis_streaming_destination, TableName=table, StreamArn=missing) == (
        "ValidationException",
        PREFIX + "KinesisStreamingDestination must be ACTIVE to perform DISABLE operation.",
    )
    arn = _stream(kinesis)
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    assert error(ddb.enable_kinesis_streaming_destination, TableName=table, StreamArn=_stream(kinesis)) == (
        "ValidationException",
        PREFIX
        + "EnableKinesisStreamingDestination must be DISABLED or ENABLE_FAILED to perform ENABLE operation.",
    )
    assert error(
        ddb.update_kinesis_streaming_destination,
        TableName=table,
        StreamArn=arn,
        UpdateKinesisStreamingConfiguration={},
    ) == (
        "ValidationException",
        "Streaming destination cannot be updated with given parameters: UpdateKinesisStreamingConfiguration "
        "cannot be null or contain only null values",
    )
    assert error(ddb.enable_kinesis_streaming_destination, TableName="nope", StreamArn=arn) == (
        "ResourceNotFoundException",
        "Requested resource not found: Table: nope not found",
    )


def test_ttl_deletions_name_the_service(ddb: Any, kinesis: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    ddb.update_time_to_live(
        TableName=table, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    arn = _stream(kinesis)
    ddb.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=1)
    with time_machine.travel(start, tick=False) as clock:
        ddb.put_item(
            TableName=table, Item={"pk": {"S": "old"}, "exp": {"N": str(int(start.timestamp()) + 5)}}
        )
        clock.shift(60)
        ddb.put_item(TableName=table, Item={"pk": {"S": "new"}})
    records = _records(kinesis, arn)
    removed = [r for r in records if r["eventName"] == "REMOVE"]
    assert len(removed) == 1
    assert removed[0]["userIdentity"] == {"principalId": "dynamodb.amazonaws.com", "type": "Service"}


def test_a_replicas_destination_sees_replicated_writes(
    aws_client: Callable[..., Any], make_table: Callable[..., str]
) -> None:
    east = aws_client("dynamodb")
    west = aws_client("dynamodb", region="us-west-2")
    west_kinesis = aws_client("kinesis", region="us-west-2")
    table = make_table()
    east.update_table(TableName=table, ReplicaUpdates=[{"Create": {"RegionName": "us-west-2"}}])
    arn = _stream(west_kinesis)
    west.enable_kinesis_streaming_destination(TableName=table, StreamArn=arn)
    east.put_item(TableName=table, Item={"pk": {"S": "from-east"}})
    records = _records(west_kinesis, arn)
    assert [(r["eventName"], r["awsRegion"]) for r in records] == [("INSERT", "us-west-2")]
    assert records[0]["dynamodb"]["Keys"] == {"pk": {"S": "from-east"}}
