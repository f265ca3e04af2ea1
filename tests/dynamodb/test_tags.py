"""A table's tags: CreateTable's Tags, TagResource, UntagResource, ListTagsOfResource, the
limits AWS documents, and a table's tags going with it (DeleteTable, restores, the dashboard)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import falcon.testing
import pytest
from botocore.config import Config as BotoConfig

from awsmock.api.app import AwsmockApp
from tests.helpers import BOTO_CONFIG

from .conftest import key_schema
from .helpers import error

LIMIT = (
    "ValidationException",
    "One or more parameter values were invalid: The number of tags exceeds the limit of 50",
)


def _tags(**tags: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _create(ddb: Any, name: str, **kw: Any) -> str:
    return str(
        ddb.create_table(
            TableName=name,
            KeySchema=key_schema("pk"),
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            **kw,
        )["TableDescription"]["TableArn"]
    )


@pytest.mark.modes("server", "postgres")
def test_a_tables_tags_are_its_own_and_go_with_it(aws_client: Callable[..., Any]) -> None:
    ddb = aws_client("dynamodb")
    arn = _create(ddb, "tagged", Tags=_tags(team="core", env="dev"))
    ddb.tag_resource(ResourceArn=arn, Tags=_tags(env="prod", Owner="ops", blank=""))
    ddb.untag_resource(ResourceArn=arn, TagKeys=["team", "never-there"])
    # by key, in code point order ("O" before "b" and "e"), on every backend
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == _tags(Owner="ops", blank="", env="prod")

    # the same name elsewhere is another table, with tags of its own
    other = aws_client("dynamodb", region="eu-west-1")
    elsewhere = _create(other, "tagged")
    assert other.list_tags_of_resource(ResourceArn=elsewhere)["Tags"] == []

    # a restored table starts with no tags
    backup = ddb.create_backup(TableName="tagged", BackupName="before")["BackupDetails"]["BackupArn"]
    copy = ddb.restore_table_from_backup(TargetTableName="copy", BackupArn=backup)["TableDescription"]
    assert ddb.list_tags_of_resource(ResourceArn=copy["TableArn"])["Tags"] == []

    # a table made again under a deleted one's name has none of its tags
    ddb.delete_table(TableName="tagged")
    assert error(ddb.list_tags_of_resource, ResourceArn=arn) == (
        "ResourceNotFoundException",
        f"Requested resource not found: ResourcArn: {arn} not found",
    )
    assert _create(ddb, "tagged") == arn
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
    assert ddb.list_tags_of_resource(ResourceArn=copy["TableArn"])["Tags"] == []


def test_fifty_tags_a_table_as_aws_documents(ddb: Any) -> None:
    arn = _create(ddb, "fifty", Tags=[{"Key": f"k{i:02d}", "Value": "v"} for i in range(30)])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i:02d}", "Value": "w"} for i in range(20, 50)])
    assert error(ddb.tag_resource, ResourceArn=arn, Tags=_tags(one="more")) == LIMIT
    ddb.tag_resource(ResourceArn=arn, Tags=_tags(k00="new value"))  # a key it has: still 50
    tags = ddb.list_tags_of_resource(ResourceArn=arn)["Tags"]
    assert len(tags) == 50 and tags[0] == {"Key": "k00", "Value": "new value"}
    assert tags[-1] == {"Key": "k49", "Value": "w"}

    # CreateTable is held to the same limit, and makes no table when it refuses
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    assert error(_create, ddb=ddb, name="too-many", Tags=too_many) == LIMIT
    assert error(ddb.describe_table, TableName="too-many")[0] == "ResourceNotFoundException"


def test_a_tag_breaking_the_models_lengths_or_taking_the_aws_prefix_is_refused(
    aws_client: Callable[..., Any],
) -> None:
    """What botocore's own validation stops before sending, the table refuses too."""
    ddb = aws_client("dynamodb", config=BOTO_CONFIG.merge(BotoConfig(parameter_validation=False)))
    arn = _create(ddb, "strict", Tags=_tags(kept="yes"))
    long_key, long_value = "k" * 129, "v" * 257
    assert error(
        ddb.tag_resource, ResourceArn=arn, Tags=[*_tags(a="1"), {"Key": long_key, "Value": "v"}]
    ) == (
        "ValidationException",
        f"1 validation error detected: Value '{long_key}' at 'tags.2.member.key' failed to satisfy "
        "constraint: Member must have length less than or equal to 128",
    )
    assert error(ddb.tag_resource, ResourceArn=arn, Tags=_tags(a=long_value)) == (
        "ValidationException",
        f"1 validation error detected: Value '{long_value}' at 'tags.1.member.value' failed to satisfy "
        "constraint: Member must have length less than or equal to 256",
    )
    assert error(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "", "Value": "v"}]) == (
        "ValidationException",
        "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    )
    code, message = error(
        ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "AWS:cloudformation", "Value": "x"}]
    )
    assert code == "ValidationException" and "aws:" in message
    assert (
        error(_create, ddb=ddb, name="reserved", Tags=[{"Key": "aws:x", "Value": "y"}])[0]
        == "ValidationException"
    )
    # the longest a key and a value may be are fine; nothing refused was kept
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "k" * 128, "Value": "v" * 256}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [
        {"Key": "kept", "Value": "yes"},
        {"Key": "k" * 128, "Value": "v" * 256},
    ]


def test_the_dashboard_shows_each_tables_tags(app: AwsmockApp, inprocess_client: Callable[..., Any]) -> None:
    ddb = inprocess_client("dynamodb")
    arn = _create(ddb, "shown", Tags=_tags(team="core"))
    ddb.tag_resource(ResourceArn=arn, Tags=_tags(env="dev"))
    _create(ddb, "plain")
    _create(inprocess_client("dynamodb", region="eu-west-1"), "shown")
    body = falcon.testing.TestClient(app).simulate_get("/_awsmock/dashboard/dynamodb/resources").json
    listing = next(g for g in body["groups"] if g["kind"] == "tables")
    rows = {(r["name"], r["region"]): r["tags"] for r in listing["items"]}
    assert rows == {
        ("shown", "us-east-1"): {"env": "dev", "team": "core"},
        ("plain", "us-east-1"): {},
        ("shown", "eu-west-1"): {},
    }


def test_snapshots_keep_a_tables_tags_and_resetting_dynamodb_forgets_them(tmp_path: Path) -> None:
    import awsmock

    with awsmock.mock_aws(data_dir=tmp_path):
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        arn = _create(ddb, "kept", Tags=_tags(team="core"))
        awsmock.snapshot("dynamodb-tags-kept")
        ddb.tag_resource(ResourceArn=arn, Tags=_tags(after="snapshot"))
        awsmock.restore("dynamodb-tags-kept")
        assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == _tags(team="core")
        awsmock.reset(["sqs"])  # another service's reset leaves them
        assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == _tags(team="core")
        awsmock.reset(["dynamodb"])
        assert _create(ddb, "kept") == arn
        assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == []
