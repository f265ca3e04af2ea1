"""The validations AWS applies to table definitions, expressions, keys and resource policies, in
AWS's words (issue #24, point 9), and WarmThroughput in table and index descriptions."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .conftest import key_schema
from .helpers import error

INVALID = "One or more parameter values were invalid: "


def _gsi(name: str = "by-g", projection: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": key_schema("g"),
        "Projection": projection if projection is not None else {"ProjectionType": "ALL"},
    }


def _create(ddb: Any, **kw: Any) -> tuple[str, str]:
    attrs = kw.pop("attrs", [("pk", "S"), ("g", "S")])
    return error(
        ddb.create_table,
        TableName="refused",
        KeySchema=key_schema("pk"),
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in attrs],
        BillingMode="PAY_PER_REQUEST",
        **kw,
    )


def test_index_definitions(ddb: Any) -> None:
    assert _create(ddb, GlobalSecondaryIndexes=[]) == (
        "ValidationException",
        INVALID + "List of GlobalSecondaryIndexes is empty",
    )
    assert _create(ddb, GlobalSecondaryIndexes=[_gsi(projection={})]) == (
        "ValidationException",
        INVALID + "Unknown ProjectionType: null",
    )
    assert _create(ddb, GlobalSecondaryIndexes=[_gsi(projection={"ProjectionType": "INCLUDE"})]) == (
        "ValidationException",
        INVALID + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified",
    )
    dup = {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b", "a"]}
    assert _create(ddb, GlobalSecondaryIndexes=[_gsi(projection=dup)]) == (
        "ValidationException",
        INVALID + "Duplicate element in NonKeyAttributes: a",
    )
    assert _create(ddb, attrs=[("pk", "S"), ("pk", "S")]) == (
        "ValidationException",
        "Attribute Name is duplicated: pk",
    )
    assert "refused" not in ddb.list_tables()["TableNames"]


def test_update_table_needs_a_change(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    assert error(ddb.update_table, TableName=table) == (
        "ValidationException",
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
        "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
        "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required",
    )
    assert error(ddb.update_table, TableName=table, GlobalSecondaryIndexUpdates=[]) == (
        "ValidationException",
        INVALID + "List of GlobalSecondaryIndexUpdates is empty",
    )


def test_warm_throughput(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(
        extra_attributes=[("g", "S")],
        GlobalSecondaryIndexes=[_gsi()],
        WarmThroughput={"ReadUnitsPerSecond": 15000, "WriteUnitsPerSecond": 5000},
    )
    desc = ddb.describe_table(TableName=table)["Table"]
    assert desc["WarmThroughput"] == {
        "ReadUnitsPerSecond": 15000,
        "WriteUnitsPerSecond": 5000,
        "Status": "ACTIVE",
    }
    assert desc["GlobalSecondaryIndexes"][0]["WarmThroughput"] == {
        "ReadUnitsPerSecond": 12000,
        "WriteUnitsPerSecond": 4000,
        "Status": "ACTIVE",
    }
    ddb.update_table(TableName=table, WarmThroughput={"WriteUnitsPerSecond": 6000})
    assert ddb.describe_table(TableName=table)["Table"]["WarmThroughput"]["WriteUnitsPerSecond"] == 6000
    assert error(ddb.update_table, TableName=table, WarmThroughput={"ReadUnitsPerSecond": 13000}) == (
        "ValidationException",
        INVALID
        + "Requested ReadUnitsPerSecond for WarmThroughput for table is lower than current WarmThroughput, "
        "decreasing WarmThroughput is not supported",
    )
    assert error(
        ddb.update_table,
        TableName=table,
        WarmThroughput={"ReadUnitsPerSecond": 20000},
        DeletionProtectionEnabled=True,
    ) == ("ValidationException", INVALID + "WarmThroughput must be the only operation in the request")
    ddb.update_table(
        TableName=table,
        GlobalSecondaryIndexUpdates=[
            {"Update": {"IndexName": "by-g", "WarmThroughput": {"ReadUnitsPerSecond": 14000}}}
        ],
    )
    index = ddb.describe_table(TableName=table)["Table"]["GlobalSecondaryIndexes"][0]
    assert index["WarmThroughput"]["ReadUnitsPerSecond"] == 14000


def test_between_takes_scalars_only(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range=("sk", "N"))
    assert error(
        ddb.query,
        TableName=table,
        KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": "x"}, ":a": {"NULL": True}, ":b": {"N": "2"}},
    ) == (
        "ValidationException",
        "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
        "BETWEEN, operand type: NULL",
    )
    assert error(
        ddb.scan,
        TableName=table,
        FilterExpression="v BETWEEN :a AND :b",
        ExpressionAttributeValues={":a": {"N": "1"}, ":b": {"BOOL": True}},
    ) == (
        "ValidationException",
        "Invalid FilterExpression: Incorrect operand type for operator or function; operator or function: "
        "BETWEEN, operand type: BOOL",
    )


def test_key_sizes(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(range=("sk", "S"))
    assert error(ddb.put_item, TableName=table, Item={"pk": {"S": "x" * 2049}, "sk": {"S": "a"}}) == (
        "ValidationException",
        INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes",
    )
    assert error(ddb.get_item, TableName=table, Key={"pk": {"S": "a"}, "sk": {"S": "x" * 1025}}) == (
        "ValidationException",
        INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    )


def test_resource_policy_messages(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]

    def statement(**kw: Any) -> str:
        body = {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
            "Action": "dynamodb:GetItem",
            "Resource": arn,
            **kw,
        }
        return json.dumps({"Version": "2012-10-17", "Statement": [body]})

    cases = [
        ("{", INVALID + "Invalid policy document: This policy contains invalid Json"),
        (
            json.dumps({"Version": "2012-10-17", "Statement": []}),
            INVALID + "Invalid policy document: Could not parse the policy: Statement is empty!",
        ),
        (
            json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem"}]}
            ),
            INVALID + "Invalid policy document: Missing required field Resource",
        ),
        (
            statement(Principal="*"),
            "Resource-based policy grants unbounded access in one or more elements. Please revise the policy to "
            "ensure least-privilege form of access",
        ),
        (statement(Sid="x" * 20480), INVALID + "Maximum policy size of 20480 bytes exceeded"),
    ]
    for policy, message in cases:
        assert error(ddb.put_resource_policy, ResourceArn=arn, Policy=policy) == (
            "ValidationException",
            message,
        )
    two = json.loads(statement(Sid="a"))
    two["Statement"].append(dict(two["Statement"][0]))
    assert error(ddb.put_resource_policy, ResourceArn=arn, Policy=json.dumps(two)) == (
        "ValidationException",
        INVALID + "Invalid policy document: The Statement Ids in the policy are not unique",
    )
    assert error(ddb.get_resource_policy, ResourceArn=f"{arn}/index/by-g") == (
        "ValidationException",
        INVALID + "Invalid resource arn provided, only table or stream is accepted. Provided resource arn: "
        f"{arn}/index/by-g",
    )
    assert error(ddb.get_resource_policy, ResourceArn=f"table/{table}") == (
        "ValidationException",
        INVALID + f"ARNs must start with 'arn:': table/{table}",
    )
    sqs_arn = "arn:aws:sqs:us-east-1:123456789012:queue-with-a-long-enough-name"
    assert error(ddb.get_resource_policy, ResourceArn=sqs_arn) == (
        "ValidationException",
        INVALID + f"Provided Arn is not a DynamoDB resource arn: {sqs_arn}",
    )
    # a policy with a condition on everyone is taken
    ddb.put_resource_policy(
        ResourceArn=arn,
        Policy=statement(Principal="*", Condition={"StringEquals": {"aws:PrincipalAccount": "123456789012"}}),
    )
