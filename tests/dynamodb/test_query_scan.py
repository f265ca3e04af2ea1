"""Query and Scan: key conditions, order, paging, filters, Select, indexes, parallel scan."""

from __future__ import annotations

from typing import Any

import pytest
from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from .conftest import key_schema

#: binary sort keys and pages in PostgreSQL's order
pytestmark = pytest.mark.modes("postgres")


def _err(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    e = err.value.response["Error"]
    return e["Code"], e["Message"]


NUMBERS = ["-100", "-5.5", "-5", "-0.01", "0", "0.01", "2", "10", "10.5", "100", "1E+20"]


@pytest.fixture
def numbers(ddb: Any, make_table: Any) -> str:
    name = make_table(range=("sk", "N"))
    with_batch = [
        {"PutRequest": {"Item": {"pk": {"S": "p"}, "sk": {"N": n}, "even": {"BOOL": i % 2 == 0}}}}
        for i, n in enumerate(NUMBERS)
    ]
    ddb.batch_write_item(RequestItems={name: with_batch})
    ddb.put_item(TableName=name, Item={"pk": {"S": "other"}, "sk": {"N": "1"}})
    return name


def _sks(out: dict[str, Any]) -> list[str]:
    return [i["sk"]["N"] for i in out["Items"]]


def _q(ddb: Any, name: str, cond: str, values: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return ddb.query(
        TableName=name,
        KeyConditionExpression=cond,  # type: ignore[no-any-return]
        ExpressionAttributeValues={":p": {"S": "p"}, **values},
        **kw,
    )


def test_numeric_sort_order_and_conditions(ddb: Any, numbers: str) -> None:
    canonical = [
        "-100",
        "-5.5",
        "-5",
        "-0.01",
        "0",
        "0.01",
        "2",
        "10",
        "10.5",
        "100",
        "100000000000000000000",
    ]
    assert _sks(_q(ddb, numbers, "pk = :p", {})) == canonical
    assert _sks(_q(ddb, numbers, "pk = :p", {}, ScanIndexForward=False)) == canonical[::-1]
    assert _sks(_q(ddb, numbers, "pk = :p AND sk > :v", {":v": {"N": "-5"}})) == canonical[3:]
    assert _sks(_q(ddb, numbers, "pk = :p AND sk <= :v", {":v": {"N": "-5"}})) == canonical[:3]
    assert (
        _sks(_q(ddb, numbers, "pk = :p AND sk BETWEEN :a AND :b", {":a": {"N": "-5.5"}, ":b": {"N": "2"}}))
        == canonical[1:7]
    )
    assert _sks(_q(ddb, numbers, "sk = :v AND pk = :p", {":v": {"N": "10.50"}})) == ["10.5"]


def test_paging_with_limit(ddb: Any, numbers: str) -> None:
    seen: list[str] = []
    start = None
    pages = 0
    while True:
        kw: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
        out = _q(ddb, numbers, "pk = :p", {}, Limit=4, ScanIndexForward=False, **kw)
        pages += 1
        seen += _sks(out)
        start = out.get("LastEvaluatedKey")
        if not start:
            break
        assert set(start) == {"pk", "sk"}
    assert pages == 3
    assert len(seen) == len(NUMBERS) and seen[0] == "100000000000000000000"
    paged = [
        i["sk"]["N"]
        for page in ddb.get_paginator("query").paginate(
            TableName=numbers,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "p"}},
            PaginationConfig={"PageSize": 3},
        )
        for i in page["Items"]
    ]
    assert len(paged) == len(NUMBERS)


def test_filter_select_count_and_projection(ddb: Any, numbers: str) -> None:
    out = _q(ddb, numbers, "pk = :p", {":t": {"BOOL": True}}, FilterExpression="even = :t")
    assert out["Count"] == 6 and out["ScannedCount"] == 11
    out = _q(ddb, numbers, "pk = :p", {":t": {"BOOL": True}}, FilterExpression="even = :t", Select="COUNT")
    assert out["Count"] == 6 and "Items" not in out
    out = _q(ddb, numbers, "pk = :p", {}, ProjectionExpression="sk", Limit=1)
    assert out["Items"] == [{"sk": {"N": "-100"}}]
    out = _q(ddb, numbers, "pk = :p", {":t": {"BOOL": True}}, FilterExpression="even = :t", Limit=2)
    assert out["ScannedCount"] == 2 and out["Count"] == 1 and "LastEvaluatedKey" in out
    with pytest.raises(ClientError) as err:
        _q(ddb, numbers, "pk = :p", {":v": {"N": "1"}}, FilterExpression="sk = :v")
    assert _err(err) == (
        "ValidationException",
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
    )


@pytest.mark.parametrize(
    ("cond", "values", "message"),
    [
        ("sk = :v", {":v": {"N": "1"}}, "Query condition missed key schema element: pk"),
        ("pk = :p OR sk = :v", {":v": {"N": "1"}}, "Invalid operator used in KeyConditionExpression: OR"),
        (
            "pk = :p AND sk = :v",
            {":v": {"S": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
        (
            "pk = :p AND begins_with(sk, :v)",
            {":v": {"N": "1"}},
            "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: "
            "begins_with, operand type: N",
        ),
        ("pk = :p AND sk > :v AND sk < :v", {":v": {"N": "1"}}, "Conditions can be of length 1 or 2 only"),
    ],
)
def test_key_condition_errors(
    ddb: Any, numbers: str, cond: str, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(ClientError) as err:
        _q(ddb, numbers, cond, values)
    assert _err(err) == ("ValidationException", message)


def test_string_sort_keys_and_begins_with(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "S"))
    keys = ["a", "a#1", "a#2", "a#10", "b", "ab", "é", "Z", ""]
    for k in keys[:-1]:
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"S": k}})
    out = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
        ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"S": "a#"}},
    )
    assert [i["sk"]["S"] for i in out["Items"]] == ["a#1", "a#10", "a#2"]
    out = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert [i["sk"]["S"] for i in out["Items"]] == sorted(keys[:-1], key=lambda s: s.encode())


def test_binary_sort_keys(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "B"))
    for b in (b"\xff", b"\x00", b"\x00\x01", b"\x7f", b"\xff\xff"):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"B": b}})
    out = ddb.query(
        TableName=name,
        KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
        ExpressionAttributeValues={":p": {"S": "p"}, ":b": {"B": b"\xff"}},
    )
    assert [i["sk"]["B"] for i in out["Items"]] == [b"\xff", b"\xff\xff"]
    out = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert [i["sk"]["B"] for i in out["Items"]] == [b"\x00", b"\x00\x01", b"\x7f", b"\xff", b"\xff\xff"]


def test_page_stops_at_one_megabyte(ddb: Any, make_table: Any) -> None:
    name = make_table(range=("sk", "N"))
    blob = "x" * 300_000
    for i in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(i)}, "d": {"S": blob}})
    out = ddb.query(
        TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}}
    )
    assert out["Count"] == 4 and out["LastEvaluatedKey"] == {"pk": {"S": "p"}, "sk": {"N": "3"}}
    out = ddb.scan(TableName=name, Select="COUNT")
    assert out["Count"] == 4 and "LastEvaluatedKey" in out


@pytest.fixture
def indexed(ddb: Any, make_table: Any) -> str:
    name = make_table(
        range=("sk", "S"),
        extra_attributes=[("g", "S"), ("score", "N")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-g",
                "KeySchema": key_schema("g", "score"),
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {"IndexName": "by-g-all", "KeySchema": key_schema("g"), "Projection": {"ProjectionType": "ALL"}},
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "by-score",
                "KeySchema": key_schema("pk", "score"),
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["extra"]},
            }
        ],
    )
    for i in range(6):
        item = {
            "pk": {"S": f"p{i % 2}"},
            "sk": {"S": f"s{i}"},
            "score": {"N": str(10 - i)},
            "extra": {"S": "e"},
            "other": {"S": "o"},
        }
        if i != 5:
            item["g"] = {"S": "grp"}
        ddb.put_item(TableName=name, Item=item)
    return name


def test_gsi_and_lsi_queries(ddb: Any, indexed: str) -> None:
    out = ddb.query(
        TableName=indexed,
        IndexName="by-g",
        KeyConditionExpression="g = :g AND score >= :s",
        ExpressionAttributeValues={":g": {"S": "grp"}, ":s": {"N": "7"}},
    )
    assert [i["score"]["N"] for i in out["Items"]] == ["7", "8", "9", "10"]
    assert set(out["Items"][0]) == {"pk", "sk", "g", "score"}
    pages = list(
        ddb.get_paginator("query").paginate(
            TableName=indexed,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ExpressionAttributeValues={":g": {"S": "grp"}},
            PaginationConfig={"PageSize": 2},
        )
    )
    assert [i["score"]["N"] for p in pages for i in p["Items"]] == ["6", "7", "8", "9", "10"]
    assert set(pages[0]["LastEvaluatedKey"]) == {"pk", "sk", "g", "score"}
    out = ddb.query(
        TableName=indexed,
        IndexName="by-score",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p1"}},
        ScanIndexForward=False,
    )
    assert [i["score"]["N"] for i in out["Items"]] == ["9", "7", "5"]
    assert set(out["Items"][0]) == {"pk", "sk", "score", "extra"}
    out = ddb.query(
        TableName=indexed,
        IndexName="by-score",
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": {"S": "p1"}},
        Select="ALL_ATTRIBUTES",
        Limit=1,
    )
    assert "other" in out["Items"][0]
    out = ddb.query(
        TableName=indexed,
        IndexName="by-g-all",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "grp"}},
    )
    assert out["Count"] == 5 and "other" in out["Items"][0]
    with pytest.raises(ClientError) as err:
        ddb.query(
            TableName=indexed,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            Select="ALL_ATTRIBUTES",
            ExpressionAttributeValues={":g": {"S": "grp"}},
        )
    assert "Select type ALL_ATTRIBUTES is not supported for global secondary index by-g" in _err(err)[1]
    with pytest.raises(ClientError) as err:
        ddb.query(
            TableName=indexed,
            IndexName="by-g",
            KeyConditionExpression="g = :g",
            ConsistentRead=True,
            ExpressionAttributeValues={":g": {"S": "grp"}},
        )
    assert _err(err) == (
        "ValidationException",
        "Consistent reads are not supported on global secondary indexes",
    )
    # index entries follow updates and deletes
    ddb.update_item(
        TableName=indexed, Key={"pk": {"S": "p0"}, "sk": {"S": "s0"}}, UpdateExpression="REMOVE g"
    )
    ddb.delete_item(TableName=indexed, Key={"pk": {"S": "p1"}, "sk": {"S": "s1"}})
    out = ddb.query(
        TableName=indexed,
        IndexName="by-g",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "grp"}},
    )
    assert [i["sk"]["S"] for i in out["Items"]] == ["s4", "s3", "s2"]
    assert ddb.scan(TableName=indexed, IndexName="by-g")["Count"] == 3


def test_scan_parallel_segments_cover_every_item_once(ddb: Any, make_table: Any) -> None:
    name = make_table()
    for chunk in range(4):
        ddb.batch_write_item(
            RequestItems={
                name: [{"PutRequest": {"Item": {"pk": {"S": f"k{chunk * 25 + i}"}}}} for i in range(25)]
            }
        )
    seen: list[str] = []
    for segment in range(3):
        start = None
        while True:
            kw: dict[str, Any] = {"ExclusiveStartKey": start} if start else {}
            out = ddb.scan(TableName=name, Segment=segment, TotalSegments=3, Limit=7, **kw)
            seen += [i["pk"]["S"] for i in out["Items"]]
            start = out.get("LastEvaluatedKey")
            if not start:
                break
    assert sorted(seen) == sorted(f"k{i}" for i in range(100))
    out = ddb.scan(
        TableName=name, FilterExpression="begins_with(pk, :k)", ExpressionAttributeValues={":k": {"S": "k9"}}
    )
    assert out["Count"] == 11 and out["ScannedCount"] == 100
    with pytest.raises(ClientError) as err:
        ddb.scan(TableName=name, TotalSegments=2)
    assert _err(err)[1].startswith("The Segment parameter is required but was not present")
    with pytest.raises(ClientError) as err:
        ddb.scan(TableName=name, Segment=2, TotalSegments=2)
    assert _err(err)[1] == (
        "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
        "Segment: 2 is not less than TotalSegments: 2"
    )


def test_legacy_query_and_scan_filters(ddb: Any, numbers: str) -> None:
    out = ddb.query(
        TableName=numbers,
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "0"}, {"N": "10"}]},
        },
        QueryFilter={"even": {"ComparisonOperator": "EQ", "AttributeValueList": [{"BOOL": True}]}},
    )
    assert _sks(out) == ["0", "2"]
    out = ddb.scan(
        TableName=numbers,
        ScanFilter={"sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "10"}]}},
    )
    assert sorted(_sks(out)) == ["10.5", "100", "100000000000000000000"]


def test_resource_query(ddb_resource: Any, numbers: str) -> None:
    t = ddb_resource.Table(numbers)
    out = t.query(KeyConditionExpression=Key("pk").eq("p") & Key("sk").lt(0))
    assert [str(i["sk"]) for i in out["Items"]] == ["-100", "-5.5", "-5", "-0.01"]
    assert t.scan(Select="COUNT")["Count"] == 12


def test_start_key_must_match_the_query(ddb: Any, numbers: str) -> None:
    with pytest.raises(ClientError) as err:
        _q(ddb, numbers, "pk = :p", {}, ExclusiveStartKey={"pk": {"S": "other"}, "sk": {"N": "1"}})
    assert _err(err) == (
        "ValidationException",
        "The provided starting key is outside query boundaries based on provided conditions",
    )
    with pytest.raises(ClientError) as err:
        _q(ddb, numbers, "pk = :p", {}, ExclusiveStartKey={"pk": {"S": "p"}})
    assert _err(err) == (
        "ValidationException",
        "The provided starting key is invalid: The provided key element does not match the schema",
    )
