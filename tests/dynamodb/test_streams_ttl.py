"""DynamoDB Streams records for every write, and TTL expiry computed at read time."""

from __future__ import annotations

import time
from typing import Any

import pytest
from botocore.exceptions import ClientError


def _records(streams: Any, arn: str, kind: str = "TRIM_HORIZON") -> list[dict[str, Any]]:
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=kind)["ShardIterator"]
    return streams.get_records(ShardIterator=it)["Records"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("view", ["NEW_AND_OLD_IMAGES", "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE"])
def test_stream_records_follow_writes(ddb: Any, streams: Any, make_table: Any, view: str) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": view})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    key = {"pk": {"S": "a"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})  # unchanged: no record
    ddb.update_item(
        TableName=name, Key=key, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}}
    )
    ddb.delete_item(TableName=name, Key=key)
    recs = _records(streams, arn)
    assert [r["eventName"] for r in recs] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(r["dynamodb"]["Keys"] == key and r["dynamodb"]["StreamViewType"] == view for r in recs)
    modify = recs[1]["dynamodb"]
    assert ("NewImage" in modify) == (view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"))
    assert ("OldImage" in modify) == (view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"))
    if "NewImage" in modify:
        assert modify["NewImage"]["v"] == {"N": "2"}
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
    assert seqs == sorted(seqs)


def test_stream_api(ddb: Any, streams: Any, make_table: Any) -> None:
    name = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    arn = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    listed = streams.list_streams(TableName=name)["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": name, "StreamLabel": arn.rsplit("/", 1)[1]}]
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert desc["StreamStatus"] == "ENABLED" and desc["KeySchema"][0]["AttributeName"] == "pk"
    for i in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": str(i)}})
    shard = desc["Shards"][0]["ShardId"]
    latest = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")[
        "ShardIterator"
    ]
    ddb.put_item(TableName=name, Item={"pk": {"S": "late"}})
    out = streams.get_records(ShardIterator=latest)
    assert [r["dynamodb"]["Keys"]["pk"]["S"] for r in out["Records"]] == ["late"]
    assert streams.get_records(ShardIterator=out["NextShardIterator"])["Records"] == []
    first = _records(streams, arn)[0]["dynamodb"]["SequenceNumber"]
    after = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard, ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=first
    )["ShardIterator"]
    assert len(streams.get_records(ShardIterator=after, Limit=2)["Records"]) == 2
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    assert streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"] == "DISABLED"
    with pytest.raises(ClientError) as err:
        streams.describe_stream(StreamArn=arn + "x")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_ttl_expired_items_disappear(ddb: Any, streams: Any, make_table: Any) -> None:
    name = make_table(
        range=("sk", "N"), StreamSpecification={"StreamEnabled": True, "StreamViewType": "OLD_IMAGE"}
    )
    now = int(time.time())
    for sk, exp in ((1, now - 60), (2, now + 3600), (3, None)):
        item = {"pk": {"S": "p"}, "sk": {"N": str(sk)}}
        if exp is not None:
            item["exp"] = {"N": str(exp)}
        ddb.put_item(TableName=name, Item=item)
    key1 = {"pk": {"S": "p"}, "sk": {"N": "1"}}
    assert "Item" in ddb.get_item(TableName=name, Key=key1)  # TTL not enabled yet
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert "Item" not in ddb.get_item(TableName=name, Key=key1)
    out = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert [i["sk"]["N"] for i in out["Items"]] == ["2", "3"]
    assert ddb.scan(TableName=name)["Count"] == 2
    ddb.put_item(TableName=name, Item={"pk": {"S": "q"}, "sk": {"N": "1"}})  # a write purges expired items
    assert ddb.describe_table(TableName=name)["Table"]["ItemCount"] == 3
    removals = [
        r
        for r in _records(streams, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"])
        if r["eventName"] == "REMOVE"
    ]
    assert len(removals) == 1
    assert removals[0]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}
    assert removals[0]["dynamodb"]["OldImage"]["sk"] == {"N": "1"}
