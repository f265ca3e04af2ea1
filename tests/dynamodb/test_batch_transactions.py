"""BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from botocore.exceptions import ClientError

#: transactions across tables under PostgreSQL's isolation
pytestmark = pytest.mark.modes("postgres")


def _err(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    e = err.value.response["Error"]
    return e["Code"], e["Message"]


def K(pk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}}


def test_batch_write_and_get(ddb: Any, make_table: Any) -> None:
    a, b = make_table(), make_table()
    out = ddb.batch_write_item(
        RequestItems={
            a: [{"PutRequest": {"Item": {**K(f"k{i}"), "v": {"N": str(i)}}}} for i in range(20)],
            b: [{"PutRequest": {"Item": K("x")}}],
        }
    )
    assert out["UnprocessedItems"] == {}
    ddb.batch_write_item(
        RequestItems={a: [{"DeleteRequest": {"Key": K("k0")}}, {"PutRequest": {"Item": K("new")}}]}
    )
    out = ddb.batch_get_item(
        RequestItems={
            a: {"Keys": [K("k0"), K("k1"), K("new"), K("nope")], "ProjectionExpression": "pk"},
            b: {"Keys": [K("x")], "ConsistentRead": True},
        }
    )
    assert sorted(i["pk"]["S"] for i in out["Responses"][a]) == ["k1", "new"]
    assert out["Responses"][b] == [K("x")]
    assert out["UnprocessedKeys"] == {}


def test_batch_limits(ddb: Any, make_table: Any) -> None:
    a = make_table()
    with pytest.raises(ClientError) as err:
        ddb.batch_get_item(RequestItems={a: {"Keys": [K(str(i)) for i in range(101)]}})
    assert _err(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(RequestItems={a: [{"PutRequest": {"Item": K(str(i))}} for i in range(26)]})
    assert _err(err)[0] == "ValidationException"
    with pytest.raises(ClientError) as err:
        ddb.batch_write_item(
            RequestItems={a: [{"PutRequest": {"Item": K("1")}}, {"DeleteRequest": {"Key": K("1")}}]}
        )
    assert _err(err) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as err:
        ddb.batch_get_item(RequestItems={a: {"Keys": [K("1"), K("1")]}})
    assert _err(err) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ClientError) as err:
        ddb.batch_get_item(RequestItems={"missing-table": {"Keys": [K("1")]}})
    assert _err(err)[0] == "ResourceNotFoundException"


def test_transact_write_all_or_nothing(ddb: Any, make_table: Any) -> None:
    t = make_table()
    ddb.put_item(TableName=t, Item={**K("acct1"), "bal": {"N": "100"}})
    ddb.put_item(TableName=t, Item={**K("acct2"), "bal": {"N": "0"}})
    ddb.put_item(TableName=t, Item=K("bank"))

    def transfer(amount: str) -> None:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": t,
                        "Key": K("acct1"),
                        "UpdateExpression": "SET bal = bal - :a",
                        "ConditionExpression": "bal >= :a",
                        "ExpressionAttributeValues": {":a": {"N": amount}},
                    }
                },
                {
                    "Update": {
                        "TableName": t,
                        "Key": K("acct2"),
                        "UpdateExpression": "SET bal = bal + :a",
                        "ExpressionAttributeValues": {":a": {"N": amount}},
                    }
                },
                {"Put": {"TableName": t, "Item": {**K(f"log-{amount}"), "a": {"N": amount}}}},
                {
                    "ConditionCheck": {
                        "TableName": t,
                        "Key": K("bank"),
                        "ConditionExpression": "attribute_exists(pk)",
                    }
                },
            ]
        )

    transfer("60")
    with pytest.raises(ClientError) as err:
        transfer("50")
    assert err.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert err.value.response["Error"]["Message"] == (
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None, None, None]"
    )
    assert [r["Code"] for r in err.value.response["CancellationReasons"]] == [
        "ConditionalCheckFailed",
        "None",
        "None",
        "None",
    ]
    got = {i["pk"]["S"]: i.get("bal", {}).get("N") for i in ddb.scan(TableName=t)["Items"]}
    assert got == {"acct1": "40", "acct2": "60", "log-60": None, "bank": None}


def test_transact_failure_reasons_item_and_validation(ddb: Any, make_table: Any) -> None:
    t = make_table()
    ddb.put_item(TableName=t, Item={**K("a"), "v": {"S": "str"}})
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Delete": {
                        "TableName": t,
                        "Key": K("a"),
                        "ConditionExpression": "attribute_not_exists(pk)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
                {
                    "Update": {
                        "TableName": t,
                        "Key": K("b"),
                        "UpdateExpression": "SET x = :x",
                        "ExpressionAttributeValues": {":x": {"N": "1"}},
                    }
                },
            ]
        )
    reasons = err.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"] == {**K("a"), "v": {"S": "str"}}
    assert reasons[1] == {"Code": "None"}
    assert "Item" not in ddb.get_item(TableName=t, Key=K("b"))
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": t, "Item": K("a")}},
                {"Delete": {"TableName": t, "Key": K("a")}},
            ]
        )
    assert _err(err) == (
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )


def test_transact_idempotency_token(ddb: Any, make_table: Any) -> None:
    t = make_table()
    token = uuid.uuid4().hex
    items = [
        {
            "Update": {
                "TableName": t,
                "Key": K("c"),
                "UpdateExpression": "ADD n :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }
    ]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert ddb.get_item(TableName=t, Key=K("c"))["Item"]["n"] == {"N": "1"}
    items[0]["Update"]["ExpressionAttributeValues"] = {":one": {"N": "2"}}
    with pytest.raises(ClientError) as err:
        ddb.transact_write_items(TransactItems=items, ClientRequestToken=token)
    assert _err(err)[0] == "IdempotentParameterMismatchException"


def test_transact_get(ddb: Any, make_table: Any) -> None:
    t = make_table()
    ddb.put_item(TableName=t, Item={**K("a"), "x": {"S": "1"}, "y": {"S": "2"}})
    out = ddb.transact_get_items(
        TransactItems=[
            {
                "Get": {
                    "TableName": t,
                    "Key": K("a"),
                    "ProjectionExpression": "#y",
                    "ExpressionAttributeNames": {"#y": "y"},
                }
            },
            {"Get": {"TableName": t, "Key": K("b")}},
        ]
    )
    assert out["Responses"] == [{"Item": {"y": {"S": "2"}}}, {}]


def test_resource_batch_writer(ddb_resource: Any, make_table: Any) -> None:
    t = ddb_resource.Table(make_table())
    with t.batch_writer() as writer:
        for i in range(60):
            writer.put_item(Item={"pk": f"k{i}", "n": i})
    assert t.scan(Select="COUNT")["Count"] == 60
