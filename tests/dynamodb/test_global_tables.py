"""Global tables, both versions: replicas in other Regions of the same state that receive every
write (2019.11.21 through UpdateTable ReplicaUpdates; 2017.11.29 through CreateGlobalTable and
the operations of that version)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import key_schema
from .helpers import error

WEST = "us-west-2"


@pytest.fixture
def west(aws_client: Callable[..., Any]) -> Any:
    return aws_client("dynamodb", region=WEST)


def _create(client: Any, name: str, stream: bool = True, **kw: Any) -> None:
    if stream:
        kw["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    client.create_table(
        TableName=name,
        KeySchema=key_schema("pk"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        **kw,
    )


def _name() -> str:
    return f"g-{uuid.uuid4().hex[:10]}"


# -- version 2019.11.21 --------------------------------------------------------------------------


def test_replica_created_with_items_and_every_write_reaches_it(ddb: Any, west: Any) -> None:
    name = _name()
    _create(ddb, name, stream=False)
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}, "v": {"N": "1"}})
    out = ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    desc = out["TableDescription"]
    assert desc["GlobalTableVersion"] == "2019.11.21"
    assert desc["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "CREATING"}]

    here = ddb.describe_table(TableName=name)["Table"]
    assert here["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "ACTIVE"}]
    assert here["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    there = west.describe_table(TableName=name)["Table"]
    assert there["TableArn"].split(":")[3] == WEST
    assert there["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert there["TableStatus"] == "ACTIVE"
    # the items the table had when the replica was made
    assert west.get_item(TableName=name, Key={"pk": {"S": "before"}})["Item"]["v"] == {"N": "1"}

    # each kind of write, from either side
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "x"}})
    ddb.update_item(
        TableName=name,
        Key={"pk": {"S": "a"}},
        UpdateExpression="SET w = :w",
        ExpressionAttributeValues={":w": {"N": "2"}},
    )
    ddb.batch_write_item(
        RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": f"b{i}"}}}} for i in range(3)]}
    )
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": name, "Item": {"pk": {"S": "t"}}}},
            {"Delete": {"TableName": name, "Key": {"pk": {"S": "b0"}}}},
        ]
    )
    west.put_item(TableName=name, Item={"pk": {"S": "from-west"}})
    west.delete_item(TableName=name, Key={"pk": {"S": "before"}})

    def keys(client: Any) -> list[str]:
        return sorted(i["pk"]["S"] for i in client.scan(TableName=name)["Items"])

    expected = ["a", "b1", "b2", "from-west", "t"]
    assert keys(ddb) == expected
    assert keys(west) == expected
    assert west.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {
        "pk": {"S": "a"},
        "v": {"S": "x"},
        "w": {"N": "2"},
    }
    # 2019.11.21 adds no replication attributes to items
    assert "aws:rep:updatetime" not in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]


def test_replica_stream_records_the_replicated_writes(ddb: Any, west: Any, aws_client: Any) -> None:
    name = _name()
    _create(ddb, name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "k"}})
    streams = aws_client("dynamodbstreams", region=WEST)
    arn = west.describe_table(TableName=name)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=it["ShardIterator"])["Records"]
    assert [r["eventName"] for r in records] == ["INSERT"]
    assert records[0]["awsRegion"] == WEST


def test_delete_replica_and_delete_table_of_a_replica(ddb: Any, west: Any, aws_client: Any) -> None:
    name = _name()
    _create(ddb, name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    out = ddb.update_table(TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    assert out["TableDescription"]["Replicas"] == [{"RegionName": WEST, "ReplicaStatus": "DELETING"}]
    assert error(west.describe_table, TableName=name)[0] == "ResourceNotFoundException"
    desc = ddb.describe_table(TableName=name)["Table"]
    assert "Replicas" not in desc and "GlobalTableVersion" not in desc
    ddb.put_item(TableName=name, Item={"pk": {"S": "alone"}})  # no replica to reach: fine

    # three Regions; deleting one Region's table leaves the other two one global table
    third = aws_client("dynamodb", region="eu-west-1")
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    assert sorted(r["RegionName"] for r in ddb.describe_table(TableName=name)["Table"]["Replicas"]) == [
        "eu-west-1",
        WEST,
    ]
    west.delete_table(TableName=name)
    assert [r["RegionName"] for r in ddb.describe_table(TableName=name)["Table"]["Replicas"]] == ["eu-west-1"]
    ddb.put_item(TableName=name, Item={"pk": {"S": "later"}})
    assert "Item" in third.get_item(TableName=name, Key={"pk": {"S": "later"}})


def test_replica_updates_refusals(ddb: Any, west: Any) -> None:
    name = _name()
    _create(ddb, name)
    assert error(
        ddb.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}]
    ) == (
        "ValidationException",
        "Cannot add, delete, or update the local region through ReplicaUpdates. "
        "Use CreateTable, DeleteTable, or UpdateTable as required.",
    )
    assert error(
        ddb.update_table,
        TableName=name,
        ReplicaUpdates=[{"Create": {"RegionName": WEST}}, {"Create": {"RegionName": "eu-west-1"}}],
    ) == (
        "ValidationException",
        "Update table operation with more than one create or delete replica actions not allowed",
    )
    assert error(ddb.update_table, TableName=name, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}]) == (
        "ValidationException",
        "Update global table operation failed because one or more replicas were not part of the global "
        f"table. Please retry the request without these replicas: [{WEST}].",
    )
    assert error(
        ddb.update_table,
        TableName=name,
        ReplicaUpdates=[{"Create": {"RegionName": WEST}}],
        DeletionProtectionEnabled=True,
    ) == (
        "ValidationException",
        "One or more parameter values were invalid: Replica modification must be the only operation in the request",
    )
    _create(west, name)  # a table of that name is already there
    code, message = error(ddb.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert code == "ValidationException"
    assert message == (
        f"Failed to create a the new replica of table with name: \u2018{name}\u2019 because one or more "
        "replicas already existed as tables."
    )
    west.delete_table(TableName=name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    assert error(ddb.update_table, TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}]) == (
        "ResourceInUseException",
        f"Global table with name: {name} already exists with replicas in regions: us-east-1, {WEST}.",
    )
    assert error(ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": False}) == (
        "ValidationException",
        "One or more parameter values were invalid: Disabling Stream is not allowed for a Global Table replica.",
    )
    # nothing changed by the refusals
    assert [r["RegionName"] for r in ddb.describe_table(TableName=name)["Table"]["Replicas"]] == [WEST]


def test_replica_settings_override(ddb: Any, west: Any) -> None:
    name = _name()
    _create(ddb, name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    ddb.update_table(
        TableName=name,
        ReplicaUpdates=[{"Update": {"RegionName": WEST, "TableClassOverride": "STANDARD_INFREQUENT_ACCESS"}}],
    )
    replica = ddb.describe_table(TableName=name)["Table"]["Replicas"][0]
    assert replica["ReplicaTableClassSummary"] == {"TableClass": "STANDARD_INFREQUENT_ACCESS"}


# -- version 2017.11.29 --------------------------------------------------------------------------


def test_legacy_global_table_lifecycle(ddb: Any, west: Any) -> None:
    name = _name()
    _create(ddb, name)
    _create(west, name)
    out = ddb.create_global_table(
        GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": WEST}]
    )["GlobalTableDescription"]
    assert out["GlobalTableName"] == name
    assert out["GlobalTableArn"] == f"arn:aws:dynamodb::123456789012:global-table/{name}"
    assert sorted(r["RegionName"] for r in out["ReplicationGroup"]) == ["us-east-1", WEST]

    described = ddb.describe_global_table(GlobalTableName=name)["GlobalTableDescription"]
    assert described["GlobalTableStatus"] == "ACTIVE"
    # the version 2017.11.29 tables do not say they are global in DescribeTable
    assert "GlobalTableVersion" not in ddb.describe_table(TableName=name)["Table"]

    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "v": {"S": "1"}})
    item = west.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"]
    assert item["v"] == {"S": "1"}
    assert item["aws:rep:updateregion"] == {"S": "us-east-1"}
    assert item["aws:rep:deleting"] == {"BOOL": False}
    assert "aws:rep:updatetime" in item
    west.delete_item(TableName=name, Key={"pk": {"S": "a"}})
    assert "Item" not in ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})

    listed = ddb.list_global_tables()["GlobalTables"]
    assert {
        "GlobalTableName": name,
        "ReplicationGroup": [{"RegionName": "us-east-1"}, {"RegionName": WEST}],
    } in listed
    assert ddb.list_global_tables(RegionName="ap-south-1")["GlobalTables"] == []

    # leave and rejoin
    ddb.update_global_table(GlobalTableName=name, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "solo"}})
    assert "Item" not in west.get_item(TableName=name, Key={"pk": {"S": "solo"}})
    assert error(
        ddb.update_global_table, GlobalTableName=name, ReplicaUpdates=[{"Delete": {"RegionName": WEST}}]
    ) == ("ReplicaNotFoundException", f"Replica not found in region: {WEST}")
    assert error(
        ddb.update_global_table,
        GlobalTableName=name,
        ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}],
    ) == ("ReplicaAlreadyExistsException", "Replica already exists in region: us-east-1")


def test_legacy_create_refusals(ddb: Any, west: Any) -> None:
    name = _name()
    assert error(
        ddb.create_global_table, GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}]
    ) == ("TableNotFoundException", f"Table not found: Table: '{name}' not found in region: 'us-east-1'.")
    _create(ddb, name, stream=False)
    code, message = error(
        ddb.create_global_table, GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}]
    )
    assert code == "ValidationException" and "NEW_AND_OLD_IMAGES" in message
    other = _name()
    _create(ddb, other)
    ddb.put_item(TableName=other, Item={"pk": {"S": "x"}})
    code, message = error(
        ddb.create_global_table, GlobalTableName=other, ReplicationGroup=[{"RegionName": "us-east-1"}]
    )
    assert code == "ValidationException" and "not empty" in message
    assert error(ddb.describe_global_table, GlobalTableName=other) == (
        "GlobalTableNotFoundException",
        f"Global table not found: Global table with name: '{other}' does not exist.",
    )
    assert error(ddb.describe_global_table_settings, GlobalTableName=other) == (
        "GlobalTableNotFoundException",
        f"Global table with name: '{other}' does not exist.",
    )
    third = _name()
    _create(ddb, third)
    ddb.create_global_table(GlobalTableName=third, ReplicationGroup=[{"RegionName": "us-east-1"}])
    assert (
        error(ddb.create_global_table, GlobalTableName=third, ReplicationGroup=[{"RegionName": "us-east-1"}])[
            0
        ]
        == "GlobalTableAlreadyExistsException"
    )


def test_legacy_settings(ddb: Any, west: Any) -> None:
    name = _name()
    for client in (ddb, west):
        client.create_table(
            TableName=name,
            KeySchema=key_schema("pk"),
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
    ddb.create_global_table(
        GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": WEST}]
    )
    out = ddb.update_global_table_settings(
        GlobalTableName=name,
        GlobalTableProvisionedWriteCapacityUnits=7,
        ReplicaSettingsUpdate=[{"RegionName": WEST, "ReplicaProvisionedReadCapacityUnits": 9}],
    )
    by_region = {r["RegionName"]: r for r in out["ReplicaSettings"]}
    assert by_region[WEST]["ReplicaProvisionedReadCapacityUnits"] == 9
    assert by_region["us-east-1"]["ReplicaProvisionedReadCapacityUnits"] == 5
    assert {r["ReplicaProvisionedWriteCapacityUnits"] for r in by_region.values()} == {7}
    assert west.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 9
    settings = ddb.describe_global_table_settings(GlobalTableName=name)
    assert {r["RegionName"] for r in settings["ReplicaSettings"]} == {"us-east-1", WEST}
    assert (
        error(
            ddb.update_global_table_settings,
            GlobalTableName=name,
            ReplicaSettingsUpdate=[{"RegionName": "eu-west-1", "ReplicaProvisionedReadCapacityUnits": 9}],
        )[0]
        == "ReplicaNotFoundException"
    )


def test_shared_settings_reach_every_replica(ddb: Any, west: Any) -> None:
    name = _name()
    _create(ddb, name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    west.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})
    ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "by-g",
                    "KeySchema": key_schema("g"),
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
    )
    # the index exists in the other Region too, backfilled there
    found = west.query(
        TableName=name,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "x"}},
    )["Items"]
    assert [i["pk"]["S"] for i in found] == ["a"]
    west.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
    )
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "exp",
    }


# -- replica auto scaling --------------------------------------------------------------------------


def _scaling(low: int, high: int, target: float = 70.0) -> dict[str, Any]:
    return {
        "MinimumUnits": low,
        "MaximumUnits": high,
        "ScalingPolicyUpdate": {"TargetTrackingScalingPolicyConfiguration": {"TargetValue": target}},
    }


def test_replica_auto_scaling_records(ddb: Any, west: Any) -> None:
    name = _name()
    ddb.create_table(
        TableName=name,
        KeySchema=key_schema("pk"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    )
    assert error(ddb.describe_table_replica_auto_scaling, TableName=name) == (
        "ResourceNotFoundException",
        f"Global table with name: {name} does not exist.",
    )
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    before = ddb.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    assert {r["RegionName"] for r in before["Replicas"]} == {"us-east-1", WEST}
    assert before["Replicas"][0]["ReplicaProvisionedWriteCapacityAutoScalingSettings"] == {
        "AutoScalingDisabled": True
    }

    out = ddb.update_table_replica_auto_scaling(
        TableName=name,
        ProvisionedWriteCapacityAutoScalingUpdate=_scaling(10, 40),
        ReplicaUpdates=[
            {"RegionName": WEST, "ReplicaProvisionedReadCapacityAutoScalingUpdate": _scaling(2, 4)}
        ],
    )["TableAutoScalingDescription"]
    assert out["TableStatus"] == "UPDATING"
    by_region = {r["RegionName"]: r for r in out["Replicas"]}
    write = by_region["us-east-1"]["ReplicaProvisionedWriteCapacityAutoScalingSettings"]
    assert (write["MinimumUnits"], write["MaximumUnits"], write["AutoScalingDisabled"]) == (10, 40, False)
    assert write["ScalingPolicies"][0]["TargetTrackingScalingPolicyConfiguration"]["TargetValue"] == 70.0
    assert by_region["us-east-1"]["ReplicaProvisionedReadCapacityAutoScalingSettings"] == {
        "AutoScalingDisabled": True
    }
    # the minimum raised the write capacity everywhere; the maximum lowered the replica's reads
    for client in (ddb, west):
        assert (
            client.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["WriteCapacityUnits"]
            == 10
        )
    assert west.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 4
    assert ddb.describe_table(TableName=name)["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"] == 5

    code, message = error(
        ddb.update_table_replica_auto_scaling,
        TableName=name,
        ProvisionedWriteCapacityAutoScalingUpdate={"MinimumUnits": 1},
    )
    assert code == "ValidationException"
    assert message == (
        f"Failed to update settings for global table with name: \u2018{name}\u2019: Parameters "
        "'MaximumUnits, ScalingPolicyUpdate' are required unless auto scaling is being disabled."
    )
    ddb.update_table_replica_auto_scaling(
        TableName=name, ProvisionedWriteCapacityAutoScalingUpdate={"AutoScalingDisabled": True}
    )
    after = ddb.describe_table_replica_auto_scaling(TableName=name)["TableAutoScalingDescription"]
    assert {
        r["RegionName"]: r["ReplicaProvisionedWriteCapacityAutoScalingSettings"] for r in after["Replicas"]
    } == {
        "us-east-1": {"AutoScalingDisabled": True},
        WEST: {"AutoScalingDisabled": True},
    }


def test_replica_auto_scaling_refused_on_demand(ddb: Any) -> None:
    name = _name()
    _create(ddb, name)
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": {"RegionName": WEST}}])
    code, message = error(
        ddb.update_table_replica_auto_scaling,
        TableName=name,
        ProvisionedWriteCapacityAutoScalingUpdate=_scaling(1, 5),
    )
    assert code == "ValidationException"
    assert message == (
        f"Failed to update global table with name \u2018{name}\u2018. Replicas 'us-east-1', '{WEST}' BillingMode is "
        "PayPerRequest. You must convert table's BillingMode to PROVISIONED to set parameters: "
        "'ProvisionedWriteCapacityAutoScalingUpdate'."
    )


def test_list_global_tables_pages(ddb: Any) -> None:
    names = sorted(_name() for _ in range(3))
    for name in names:
        _create(ddb, name)
        ddb.create_global_table(GlobalTableName=name, ReplicationGroup=[{"RegionName": "us-east-1"}])
    first = ddb.list_global_tables(Limit=2)
    assert [t["GlobalTableName"] for t in first["GlobalTables"]] == names[:2]
    rest = ddb.list_global_tables(
        Limit=2, ExclusiveStartGlobalTableName=first["LastEvaluatedGlobalTableName"]
    )
    assert [t["GlobalTableName"] for t in rest["GlobalTables"]] == names[2:]
    assert "LastEvaluatedGlobalTableName" not in rest
