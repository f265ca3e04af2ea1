"""A handler's work outside its transaction and the request gate (engine.waiting.Outside): the
work may call awsmock back, as a Lambda function's own SDK calls do while Invoke waits."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from awsmock import mock_aws
from awsmock.engine import registry
from awsmock.engine.waiting import Outside


@pytest.fixture
def outside_limits(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """DynamoDB's DescribeLimits answered by a handler whose outside work creates a table and
    lists the tables through client calls of its own (each a request of its own, which would wait
    forever on the gate or the write lock if the work ran inside the first request)."""
    seen: list[str] = []
    registry.load_all()

    def work() -> str:
        ddb = boto3.client("dynamodb", region_name="us-east-1")
        ddb.create_table(
            TableName="made-outside",
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        return ddb.list_tables()["TableNames"]

    def then(ctx: Any, tables: list[str]) -> dict[str, Any]:
        seen.extend(tables)
        return {
            "AccountMaxReadCapacityUnits": len(tables),
            "AccountMaxWriteCapacityUnits": 7,
            "TableMaxReadCapacityUnits": 1,
            "TableMaxWriteCapacityUnits": 1,
        }

    def handler(ctx: Any, params: dict[str, Any]) -> Outside:
        return Outside(work, then)

    key = ("dynamodb", "DescribeLimits")
    monkeypatch.setitem(registry._HANDLERS, key, registry.Registration(*key, handler, False))
    return seen


@mock_aws
def test_outside_work_calls_back_in_and_then_answers(outside_limits: list[str]) -> None:
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    answer = ddb.describe_limits()
    assert outside_limits == ["made-outside"]
    assert answer["AccountMaxWriteCapacityUnits"] == 7
    assert answer["AccountMaxReadCapacityUnits"] == 1  # then() answered with what the work saw
    assert ddb.list_tables()["TableNames"] == ["made-outside"]
