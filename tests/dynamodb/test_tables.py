"""Table lifecycle through boto3, both modes."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from .conftest import key_schema


def _code(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    e = err.value.response["Error"]
    return e["Code"], e["Message"]


def test_create_describe_delete(ddb: Any) -> None:
    out = ddb.create_table(
        TableName="music",
        KeySchema=key_schema("artist", "title"),
        AttributeDefinitions=[
            {"AttributeName": "artist", "AttributeType": "S"},
            {"AttributeName": "title", "AttributeType": "S"},
            {"AttributeName": "year", "AttributeType": "N"},
            {"AttributeName": "genre", "AttributeType": "S"},
        ],
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3},
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-year",
                "KeySchema": key_schema("artist", "year"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-genre",
                "KeySchema": key_schema("genre", "year"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }
        ],
        SSESpecification={"Enabled": True},
        Tags=[{"Key": "team", "Value": "core"}],
    )["TableDescription"]
    assert out["TableStatus"] == "ACTIVE"
    assert out["TableArn"] == "arn:aws:dynamodb:us-east-1:123456789012:table/music"
    assert out["ProvisionedThroughput"]["ReadCapacityUnits"] == 5
    ddb.put_item(
        TableName="music",
        Item={
            "artist": {"S": "a"},
            "title": {"S": "t"},
            "year": {"N": "1999"},
            "genre": {"S": "rock"},
            "extra": {"S": "x" * 100},
        },
    )
    ddb.put_item(TableName="music", Item={"artist": {"S": "a"}, "title": {"S": "u"}})
    table = ddb.describe_table(TableName="music")["Table"]
    assert table["ItemCount"] == 2
    assert table["TableSizeBytes"] > 100
    assert table["SSEDescription"]["Status"] == "ENABLED"
    gsi = table["GlobalSecondaryIndexes"][0]
    assert gsi["IndexName"] == "by-genre" and gsi["IndexStatus"] == "ACTIVE" and gsi["ItemCount"] == 1
    assert gsi["IndexArn"].endswith("/index/by-genre")
    assert gsi["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}
    assert table["LocalSecondaryIndexes"][0]["ItemCount"] == 1
    ddb.get_waiter("table_exists").wait(TableName="music", WaiterConfig={"Delay": 0.01, "MaxAttempts": 2})
    assert ddb.list_tags_of_resource(ResourceArn=table["TableArn"])["Tags"] == [
        {"Key": "team", "Value": "core"}
    ]
    deleted = ddb.delete_table(TableName="music")["TableDescription"]
    assert deleted["TableStatus"] == "DELETING"
    with pytest.raises(ClientError) as err:
        ddb.describe_table(TableName="music")
    assert _code(err) == ("ResourceNotFoundException", "Requested resource not found: Table: music not found")


def test_create_validation(ddb: Any, make_table: Any) -> None:
    make_table(name="dup")
    with pytest.raises(ClientError) as err:
        make_table(name="dup")
    assert _code(err) == ("ResourceInUseException", "Table already exists: dup")
    cases: list[tuple[dict[str, Any], str]] = [
        (
            dict(
                KeySchema=key_schema("a"), AttributeDefinitions=[{"AttributeName": "b", "AttributeType": "S"}]
            ),
            "One or more parameter values were invalid: Some index key attributes are not defined in "
            "AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]",
        ),
        (
            dict(
                KeySchema=key_schema("a"),
                AttributeDefinitions=[
                    {"AttributeName": "a", "AttributeType": "S"},
                    {"AttributeName": "b", "AttributeType": "S"},
                ],
            ),
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match "
            "number of attributes defined in AttributeDefinitions",
        ),
        (
            dict(
                KeySchema=[{"AttributeName": "a", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
            ),
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            dict(
                KeySchema=key_schema("a"),
                AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
                BillingMode="PROVISIONED",
            ),
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be "
            "specified when BillingMode is PROVISIONED",
        ),
        (
            dict(
                KeySchema=key_schema("a"),
                AttributeDefinitions=[
                    {"AttributeName": "a", "AttributeType": "S"},
                    {"AttributeName": "b", "AttributeType": "S"},
                ],
                BillingMode="PAY_PER_REQUEST",
                LocalSecondaryIndexes=[
                    {
                        "IndexName": "lsi",
                        "KeySchema": key_schema("a", "b"),
                        "Projection": {"ProjectionType": "ALL"},
                    }
                ],
            ),
            "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required "
            "when specifying a LocalSecondaryIndex",
        ),
        (
            dict(
                KeySchema=key_schema("a"),
                AttributeDefinitions=[{"AttributeName": "a", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
                GlobalSecondaryIndexes=[
                    {
                        "IndexName": "gsi",
                        "KeySchema": key_schema("a"),
                        "Projection": {"ProjectionType": "KEYS_ONLY", "NonKeyAttributes": ["x"]},
                    }
                ],
            ),
            "One or more parameter values were invalid: ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ClientError) as err:
            ddb.create_table(TableName="bad", **kwargs)
        assert _code(err) == ("ValidationException", message), kwargs


def test_list_tables_paginates(ddb: Any, make_table: Any) -> None:
    names = sorted(make_table(name=f"list-{i:02d}") for i in range(5))
    first = ddb.list_tables(Limit=2)
    assert first["TableNames"] == names[:2]
    assert first["LastEvaluatedTableName"] == names[1]
    rest = ddb.list_tables(ExclusiveStartTableName=names[1])
    assert rest["TableNames"] == names[2:]
    assert "LastEvaluatedTableName" not in rest
    paged = [
        n
        for page in ddb.get_paginator("list_tables").paginate(PaginationConfig={"PageSize": 2})
        for n in page["TableNames"]
    ]
    assert paged == names


def test_update_table_billing_gsi_and_stream(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for i in range(3):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"k{i}"}, "g": {"S": "same"}})
    out = ddb.update_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {
                "Create": {
                    "IndexName": "gidx",
                    "KeySchema": key_schema("g"),
                    "Projection": {"ProjectionType": "ALL"},
                }
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    assert out["GlobalSecondaryIndexes"][0]["ItemCount"] == 3
    assert out["LatestStreamArn"].startswith(out["TableArn"] + "/stream/")
    res = ddb.query(
        TableName=name,
        IndexName="gidx",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "same"}},
    )
    assert res["Count"] == 3
    out = ddb.update_table(
        TableName=name,
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 2, "WriteCapacityUnits": 2},
        GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "gidx"}}],
    )["TableDescription"]
    assert "GlobalSecondaryIndexes" not in out
    assert out["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    with pytest.raises(ClientError) as err:
        ddb.query(
            TableName=name,
            IndexName="gidx",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "same"}},
        )
    assert _code(err) == ("ValidationException", "The table does not have the specified index: gidx")


def test_deletion_protection(ddb: Any, make_table: Any) -> None:
    name = make_table(DeletionProtectionEnabled=True)
    assert ddb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"] is True
    with pytest.raises(ClientError) as err:
        ddb.delete_table(TableName=name)
    assert err.value.response["Error"]["Code"] == "ValidationException"
    assert "protected against deletion" in err.value.response["Error"]["Message"]
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    ddb.delete_table(TableName=name)


def test_tags(ddb: Any, make_table: Any) -> None:
    name = make_table()
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as err:
        ddb.list_tags_of_resource(ResourceArn=arn + "x")
    assert err.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_limits_endpoints_backups(ddb: Any, make_table: Any) -> None:
    assert ddb.describe_limits()["TableMaxReadCapacityUnits"] == 40000
    assert ddb.describe_endpoints()["Endpoints"][0]["Address"] == "dynamodb.us-east-1.amazonaws.com"
    name = make_table()
    desc = ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
    assert desc["ContinuousBackupsStatus"] == "ENABLED"
    assert desc["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    out = ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    assert (
        out["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        == "ENABLED"
    )
    with pytest.raises(ClientError) as err:
        ddb.describe_continuous_backups(TableName="nope")
    assert err.value.response["Error"]["Code"] == "TableNotFoundException"


def test_ttl_settings(ddb: Any, make_table: Any) -> None:
    name = make_table()
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED",
        "AttributeName": "exp",
    }
    with pytest.raises(ClientError) as err:
        ddb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"}
        )
    assert _code(err) == ("ValidationException", "TimeToLive is already enabled")


def test_resource_table(ddb_resource: Any) -> None:
    table = ddb_resource.create_table(
        TableName="res",
        KeySchema=key_schema("pk"),
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    assert table.table_status == "ACTIVE"
    assert table.key_schema == key_schema("pk")
    table.delete()


def test_answers_carry_the_crc32_of_their_body(ddb: Any, make_table: Any) -> None:
    """DynamoDB's ``x-amz-crc32`` header, errors included (botocore's legacy retry mode checks it)."""
    import zlib

    seen: list[tuple[bytes, dict[str, Any]]] = []

    def capture(response_dict: dict[str, Any], **_: Any) -> None:
        seen.append((response_dict["body"], response_dict["headers"]))

    ddb.meta.events.register("before-parse.dynamodb.*", capture)
    table = make_table()
    ddb.put_item(TableName=table, Item={"pk": {"S": "k"}, "v": {"S": "é" * 50}})
    ddb.get_item(TableName=table, Key={"pk": {"S": "k"}})
    with pytest.raises(ClientError):
        ddb.describe_table(TableName="no-such-table")
    assert len(seen) == 4
    for body, headers in seen:
        assert headers["x-amz-crc32"] == str(zlib.crc32(body))
