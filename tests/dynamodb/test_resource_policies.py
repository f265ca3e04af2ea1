"""Resource-based policies of tables and streams: put, read back, replace under a revision id,
delete (idempotent), CreateTable's ResourcePolicy; the errors DynamoDB answers. (Authorization
by them: tests/auth/test_access_control.py.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from .helpers import error_code


def _policy(action: str = "dynamodb:GetItem") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": action,
                    "Resource": "*",
                }
            ],
        }
    )


def _arn(ddb: Any, table: str) -> str:
    return str(ddb.describe_table(TableName=table)["Table"]["TableArn"])


def test_put_get_replace_delete(ddb: Any, make_table: Callable[..., str]) -> None:
    arn = _arn(ddb, make_table())
    assert error_code(ddb.get_resource_policy, ResourceArn=arn) == "PolicyNotFoundException"
    first = ddb.put_resource_policy(ResourceArn=arn, Policy=_policy(), ExpectedRevisionId="NO_POLICY")[
        "RevisionId"
    ]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert (json.loads(got["Policy"]), got["RevisionId"]) == (json.loads(_policy()), first)
    # a replacement names the revision it replaces (or none at all)
    assert error_code(
        ddb.put_resource_policy, ResourceArn=arn, Policy=_policy(), ExpectedRevisionId="NO_POLICY"
    ) == ("PolicyNotFoundException")
    assert error_code(
        ddb.put_resource_policy, ResourceArn=arn, Policy=_policy(), ExpectedRevisionId="123"
    ) == ("PolicyNotFoundException")
    second = ddb.put_resource_policy(
        ResourceArn=arn, Policy=_policy("dynamodb:Query"), ExpectedRevisionId=first
    )
    assert (
        second["RevisionId"] != first
        and second["RevisionId"].isdigit()
        and int(second["RevisionId"]) > int(first)
    )
    assert "dynamodb:Query" in ddb.get_resource_policy(ResourceArn=arn)["Policy"]
    assert (
        error_code(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=first)
        == "PolicyNotFoundException"
    )
    deleted = ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=second["RevisionId"])
    assert deleted["RevisionId"] == second["RevisionId"]
    assert error_code(ddb.get_resource_policy, ResourceArn=arn) == "PolicyNotFoundException"
    assert "RevisionId" not in ddb.delete_resource_policy(ResourceArn=arn)  # idempotent
    assert (
        error_code(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=first)
        == "PolicyNotFoundException"
    )


def test_create_table_with_a_policy_and_a_streams_own(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table(
        ResourcePolicy=_policy(), StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}
    )
    described = ddb.describe_table(TableName=table)["Table"]
    assert json.loads(ddb.get_resource_policy(ResourceArn=described["TableArn"])["Policy"]) == json.loads(
        _policy()
    )
    stream = described["LatestStreamArn"]
    assert error_code(ddb.get_resource_policy, ResourceArn=stream) == "PolicyNotFoundException"
    ddb.put_resource_policy(ResourceArn=stream, Policy=_policy("dynamodb:GetRecords"))
    assert "GetRecords" in ddb.get_resource_policy(ResourceArn=stream)["Policy"]
    assert "GetItem" in ddb.get_resource_policy(ResourceArn=described["TableArn"])["Policy"]


def test_bad_policies_and_unknown_resources_change_nothing(ddb: Any, make_table: Callable[..., str]) -> None:
    table = make_table()
    arn = _arn(ddb, table)
    for bad in (
        "not json",
        json.dumps({"Version": "2012-10-17"}),
        json.dumps({"Statement": []}),
        "x" * 20481,
    ):
        assert error_code(ddb.put_resource_policy, ResourceArn=arn, Policy=bad) == "ValidationException"
    assert error_code(ddb.get_resource_policy, ResourceArn=arn) == "PolicyNotFoundException"
    missing = arn.replace(table, "no-such-table")
    for call in (ddb.get_resource_policy, ddb.delete_resource_policy):
        assert error_code(call, ResourceArn=missing) == "ResourceNotFoundException"
    assert (
        error_code(ddb.put_resource_policy, ResourceArn=missing, Policy=_policy())
        == "ResourceNotFoundException"
    )
    assert error_code(ddb.get_resource_policy, ResourceArn=arn + "/stream/2026-01-01T00:00:00.000") == (
        "ResourceNotFoundException"
    )
    tables = ddb.list_tables()["TableNames"]
    with pytest.raises(ClientError) as info:
        make_table(name="refused-table", ResourcePolicy="not json")
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert ddb.list_tables()["TableNames"] == tables  # the table was not made either
