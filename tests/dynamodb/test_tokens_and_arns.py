"""Page tokens (bound to the listing that gave them, in the form the model gives them), ARNs in
every partition, and the errors DynamoDB's and DynamoDB Streams' models describe."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import botocore.session
import pytest

from awsmock.engine.errors import ModeledError
from awsmock.services.dynamodb import errors

from .helpers import all_pages, error, error_code

KEY = {
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "BillingMode": "PAY_PER_REQUEST",
}


def _failed_import(ddb: Any, table: str) -> str:
    """An import from a bucket that is not there: FAILED at once, no table made."""
    started = ddb.import_table(
        S3BucketSource={"S3Bucket": f"missing-{uuid.uuid4().hex[:12]}"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters={"TableName": table, **KEY},
    )["ImportTableDescription"]
    return str(started["ImportArn"])


def test_list_imports_tokens_have_the_form_of_the_model(ddb: Any) -> None:
    member = botocore.session.get_session().get_service_model("dynamodb").shape_for("ImportNextToken")
    pattern, low, high = member.metadata["pattern"], member.metadata["min"], member.metadata["max"]
    long_name = "t" * 255  # the longest table name: its import ARNs make the longest tokens
    mine = [_failed_import(ddb, long_name) for _ in range(3)]
    table_arn = ddb.describe_import(ImportArn=mine[0])["ImportTableDescription"]["TableArn"]
    tokens: list[str] = []
    seen: list[str] = []
    kw: dict[str, Any] = {"TableArn": table_arn, "PageSize": 1}
    while True:
        page = ddb.list_imports(**kw)
        seen += [s["ImportArn"] for s in page["ImportSummaryList"]]
        if "NextToken" not in page:
            break
        tokens.append(page["NextToken"])
        kw["NextToken"] = page["NextToken"]
    assert seen == sorted(mine) and len(tokens) == 2
    for token in tokens:
        assert re.fullmatch(pattern, token) and low <= len(token) <= high, token

    other = _failed_import(ddb, f"other-{uuid.uuid4().hex[:8]}")
    everything = [s["ImportArn"] for s in all_pages(ddb.list_imports, "ImportSummaryList", PageSize=1)]
    assert set(mine) | {other} <= set(everything)
    # a token belongs to its listing: another table's, all imports, exports refuse it
    other_arn = ddb.describe_import(ImportArn=other)["ImportTableDescription"]["TableArn"]
    for call, kw in (
        (ddb.list_imports, {"TableArn": other_arn}),
        (ddb.list_imports, {}),
        (ddb.list_exports, {}),
    ):
        assert error(call, NextToken=tokens[0], **kw) == (
            "ValidationException",
            f"One or more parameter values were invalid: Invalid NextToken: {tokens[0]}",
        )
    made_up = "0123456789abcdef" * 7
    assert error(ddb.list_imports, NextToken=made_up) == (
        "ValidationException",
        f"One or more parameter values were invalid: Invalid NextToken: {made_up}",
    )


def test_partiql_tokens_belong_to_their_table(ddb: Any, make_table: Callable[..., str]) -> None:
    first, second = make_table(range=("sk", "N")), make_table(range=("sk", "N"))
    for table in (first, second):
        for i in range(3):
            ddb.put_item(TableName=table, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}})
    page = ddb.execute_statement(Statement=f"SELECT * FROM \"{first}\" WHERE pk = 'p'", Limit=2)
    assert page["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "1"}}
    rest = ddb.execute_statement(Statement=f'SELECT * FROM "{first}"', NextToken=page["NextToken"])
    assert [i["sk"]["N"] for i in rest["Items"]] == ["2"]
    forged = base64.b64encode(json.dumps({"pk": {"S": "p"}, "sk": {"N": "1"}}).encode()).decode()
    for statement, token in (
        (f"SELECT * FROM \"{second}\" WHERE pk = 'p'", page["NextToken"]),
        (f'SELECT * FROM "{first}"', forged),
        (f'SELECT * FROM "{first}"', "not a token"),
    ):
        assert error(ddb.execute_statement, Statement=statement, NextToken=token) == (
            "ValidationException",
            "Invalid NextToken",
        )


def test_tag_and_contributor_insights_listings_page_in_order(
    ddb: Any, make_table: Callable[..., str]
) -> None:
    gsis = [
        {
            "IndexName": name,
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
        for name in ("z-index", "a-index")
    ]
    table = make_table(extra_attributes=[("g", "S")], GlobalSecondaryIndexes=gsis)
    summaries = all_pages(
        ddb.list_contributor_insights, "ContributorInsightsSummaries", TableName=table, MaxResults=1
    )
    assert [s.get("IndexName") for s in summaries] == [None, "z-index", "a-index"]
    token = ddb.list_contributor_insights(TableName=table, MaxResults=1)["NextToken"]
    assert error_code(ddb.list_contributor_insights, NextToken=token) == "ValidationException"

    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    tags = [{"Key": f"k{50 - i:02d}", "Value": str(i)} for i in range(50)]
    ddb.tag_resource(ResourceArn=arn, Tags=tags)
    # by key: AWS documents no order, and the shared tag table keeps none of when each came
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == sorted(tags, key=lambda t: t["Key"])
    assert error(ddb.list_tags_of_resource, ResourceArn=arn, NextToken="made-up") == (
        "ValidationException",
        "One or more parameter values were invalid: Invalid NextToken: made-up",
    )


def test_arns_follow_the_partition_of_the_region(aws_client: Callable[..., Any]) -> None:
    ddb, streams = (
        aws_client("dynamodb", region="cn-north-1"),
        aws_client("dynamodbstreams", region="cn-north-1"),
    )
    name = f"cn-{uuid.uuid4().hex[:8]}"
    table = ddb.create_table(
        TableName=name,
        KeySchema=KEY["KeySchema"],
        AttributeDefinitions=[*KEY["AttributeDefinitions"], {"AttributeName": "g", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"},
    )["TableDescription"]
    arn = f"arn:aws-cn:dynamodb:cn-north-1:123456789012:table/{name}"
    assert table["TableArn"] == arn
    assert table["GlobalSecondaryIndexes"][0]["IndexArn"] == f"{arn}/index/by-g"
    assert table["LatestStreamArn"] == f"{arn}/stream/{table['LatestStreamLabel']}"
    backup = ddb.create_backup(TableName=arn, BackupName="cn-backup")["BackupDetails"]["BackupArn"]
    assert backup.startswith(f"{arn}/backup/")
    assert ddb.describe_table(TableName=arn)["Table"]["TableName"] == name
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]
    policy = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws-cn:iam::123456789012:root"},
                    "Action": "*",
                    "Resource": "*",
                }
            ]
        }
    )
    assert ddb.put_resource_policy(ResourceArn=table["LatestStreamArn"], Policy=policy)["RevisionId"]
    assert [s["StreamArn"] for s in streams.list_streams(TableName=arn)["Streams"]] == [
        table["LatestStreamArn"]
    ]
    elsewhere = arn.replace("aws-cn", "aws")  # the same table name in another partition
    assert error_code(ddb.list_tags_of_resource, ResourceArn=elsewhere) == "ResourceNotFoundException"
    # resource policies answer an ARN of another partition (or Region) as invalid, as AWS does
    assert error(ddb.get_resource_policy, ResourceArn=elsewhere) == (
        "ValidationException",
        f"One or more parameter values were invalid: Invalid resource Arn: {elsewhere}",
    )


def test_an_old_shard_iterator_has_expired(ddb: Any, streams: Any, make_table: Callable[..., str]) -> None:
    table = make_table(StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = ddb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
    issued = time.time() - 16 * 60  # iterators live 15 minutes
    old = base64.urlsafe_b64encode(json.dumps([arn, 0, issued]).encode()).decode()
    with pytest.raises(streams.exceptions.ExpiredIteratorException) as err:
        streams.get_records(ShardIterator=old)
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert err.value.response["Error"]["Message"].startswith("Iterator expired.")


def _modeled() -> list[type[ModeledError]]:
    return [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, ModeledError) and c.shape_name
    ]


@pytest.mark.parametrize("cls", _modeled(), ids=lambda c: c.__name__)
def test_every_modeled_error_is_a_shape_of_its_model(cls: type[ModeledError]) -> None:
    err = cls()  # a shape the model lacks fails here
    assert (err.code, err.status, err.sender_fault) == (cls.shape_name, 400, True)


def test_modeled_errors_keep_their_messages() -> None:
    assert errors.ResourceNotFound().message == "Requested resource not found"
    assert errors.ConditionalCheckFailed({"pk": {"S": "p"}}).fields == {"Item": {"pk": {"S": "p"}}}
    assert errors.ExpiredIterator.service == "dynamodbstreams"
    assert not issubclass(errors.DynamoValidation, ModeledError)  # no shape of either model
