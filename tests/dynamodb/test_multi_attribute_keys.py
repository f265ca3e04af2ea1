"""Global secondary indexes with multi-attribute keys (up to four partition key and four sort
key attributes, as botocore's current model allows): what an index holds, Query by equality on
every partition attribute and on the sort attributes left to right, the last one by any key
operator, pages, and the definitions AWS refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .conftest import key_schema
from .helpers import error

INVALID = "One or more parameter values were invalid: "
KEYS = [
    {"AttributeName": "tenant", "KeyType": "HASH"},
    {"AttributeName": "area", "KeyType": "HASH"},
    {"AttributeName": "yr", "KeyType": "RANGE"},
    {"AttributeName": "dy", "KeyType": "RANGE"},
]


def _table(ddb: Any, make_table: Callable[..., str]) -> str:
    table = make_table(
        extra_attributes=[("tenant", "S"), ("area", "S"), ("yr", "N"), ("dy", "S")],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-tenant", "KeySchema": KEYS, "Projection": {"ProjectionType": "ALL"}}
        ],
    )
    rows = [
        ("a", "t1", "eu", -1, "x"),
        ("b", "t1", "eu", 2024, "01-05"),
        ("c", "t1", "eu", 2024, "01-07"),
        ("d", "t1", "eu", 2025, "01-01"),
        ("e", "t1", "us", 2024, "01-05"),
        ("f", "t2", "eu", 2024, "01-05"),
    ]
    for pk, tenant, region, year, day in rows:
        ddb.put_item(
            TableName=table,
            Item={
                "pk": {"S": pk},
                "tenant": {"S": tenant},
                "area": {"S": region},
                "yr": {"N": str(year)},
                "dy": {"S": day},
            },
        )
    ddb.put_item(TableName=table, Item={"pk": {"S": "partial"}, "tenant": {"S": "t1"}, "area": {"S": "eu"}})
    return table


def _query(ddb: Any, table: str, condition: str, values: dict[str, Any], **kw: Any) -> list[str]:
    out = ddb.query(
        TableName=table,
        IndexName="by-tenant",
        KeyConditionExpression=condition,
        ExpressionAttributeValues={k: v for k, v in values.items()},
        **kw,
    )
    return [i["pk"]["S"] for i in out["Items"]]


def test_queries(ddb: Any, make_table: Callable[..., str]) -> None:
    table = _table(ddb, make_table)
    both = {":t": {"S": "t1"}, ":r": {"S": "eu"}}
    base = "tenant = :t AND area = :r"
    # only items with every key attribute are in the index, in sort key order
    assert _query(ddb, table, base, both) == ["a", "b", "c", "d"]
    assert _query(ddb, table, base, both, ScanIndexForward=False) == ["d", "c", "b", "a"]
    assert _query(ddb, table, base + " AND yr = :y", {**both, ":y": {"N": "2024"}}) == ["b", "c"]
    assert _query(ddb, table, base + " AND yr > :y", {**both, ":y": {"N": "2024"}}) == ["d"]
    assert _query(ddb, table, base + " AND yr <= :y", {**both, ":y": {"N": "2024"}}) == [
        "a",
        "b",
        "c",
    ]
    assert _query(
        ddb,
        table,
        base + " AND yr BETWEEN :lo AND :hi",
        {**both, ":lo": {"N": "0"}, ":hi": {"N": "2024"}},
    ) == ["b", "c"]
    assert _query(
        ddb,
        table,
        base + " AND yr = :y AND dy >= :d",
        {**both, ":y": {"N": "2024"}, ":d": {"S": "01-06"}},
    ) == ["c"]
    assert _query(
        ddb,
        table,
        base + " AND yr = :y AND begins_with(dy, :d)",
        {**both, ":y": {"N": "2024"}, ":d": {"S": "01-0"}},
    ) == ["b", "c"]
    # pages
    first = ddb.query(
        TableName=table,
        IndexName="by-tenant",
        KeyConditionExpression=base,
        ExpressionAttributeValues=both,
        Limit=2,
    )
    assert [i["pk"]["S"] for i in first["Items"]] == ["a", "b"]
    assert set(first["LastEvaluatedKey"]) == {"pk", "tenant", "area", "yr", "dy"}
    rest = ddb.query(
        TableName=table,
        IndexName="by-tenant",
        KeyConditionExpression=base,
        ExpressionAttributeValues=both,
        ExclusiveStartKey=first["LastEvaluatedKey"],
    )
    assert [i["pk"]["S"] for i in rest["Items"]] == ["c", "d"]
    # a scan of the index sees what it holds
    assert len(ddb.scan(TableName=table, IndexName="by-tenant")["Items"]) == 6


def test_query_refusals(ddb: Any, make_table: Callable[..., str]) -> None:
    table = _table(ddb, make_table)
    assert error(
        ddb.query,
        TableName=table,
        IndexName="by-tenant",
        KeyConditionExpression="tenant = :t",
        ExpressionAttributeValues={":t": {"S": "t1"}},
    ) == ("ValidationException", "Query condition missed key schema element: area")
    # a later sort key attribute without the ones before it
    code, message = error(
        ddb.query,
        TableName=table,
        IndexName="by-tenant",
        KeyConditionExpression="tenant = :t AND area = :r AND dy = :d",
        ExpressionAttributeValues={":t": {"S": "t1"}, ":r": {"S": "eu"}, ":d": {"S": "01-05"}},
    )
    assert (code, message) == ("ValidationException", "Query key condition not supported")


def test_definitions(ddb: Any) -> None:
    attrs = [{"AttributeName": n, "AttributeType": "S"} for n in ("pk", "a", "b", "c", "d", "e")]

    def create(schema: list[dict[str, str]]) -> tuple[str, str]:
        return error(
            ddb.create_table,
            TableName="refused",
            KeySchema=key_schema("pk"),
            AttributeDefinitions=attrs,
            BillingMode="PAY_PER_REQUEST",
            GlobalSecondaryIndexes=[
                {"IndexName": "idx", "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}}
            ],
        )

    hashes = [{"AttributeName": n, "KeyType": "HASH"} for n in ("a", "b", "c", "d", "e")]
    assert create(hashes) == (
        "ValidationException",
        INVALID + "The KeySchema exceeds the maximum allowed number of HASH key attributes",
    )
    assert create([hashes[0], {"AttributeName": "b", "KeyType": "RANGE"}, hashes[2]]) == (
        "ValidationException",
        INVALID + "All HASH key attributes must precede RANGE key attributes in the KeySchema",
    )
    assert create([hashes[0], hashes[1], hashes[0]]) == (
        "ValidationException",
        "The KeySchema contains multiple key attributes with the same name",
    )
