"""PutItem/GetItem/UpdateItem/DeleteItem through boto3 (client and resource), every mode."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

#: conditional writes and exact numbers on PostgreSQL
pytestmark = pytest.mark.modes("postgres")


def _err(err: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    e = err.value.response["Error"]
    return e["Code"], e["Message"]


@pytest.fixture
def table(make_table: Any) -> str:
    return make_table(range=("sk", "N"))


def K(pk: str = "a", sk: str = "1") -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def test_put_get_delete_roundtrip_types(ddb: Any, table: str) -> None:
    item = {
        **K(),
        "s": {"S": ""},
        "n": {"N": "12345678901234567890123456789012345678"},
        "small": {"N": "-0.000000000000000000000000000000000000000001"},
        "b": {"B": b"\x00\xff"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "m": {"M": {"k": {"L": [{"NULL": True}, {"BOOL": False}, {"S": ""}]}}},
    }
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key=K())["Item"]
    assert got["n"] == {"N": "12345678901234567890123456789012345678"}
    assert got["small"] == {"N": "-0.000000000000000000000000000000000000000001"}
    assert got["b"] == {"B": b"\x00\xff"}
    assert sorted(got["ss"]["SS"]) == ["a", "b"]
    assert got["m"] == item["m"]
    assert got["s"] == {"S": ""}
    ddb.put_item(TableName=table, Item={**K(sk="2"), "n": {"N": "01.50"}})
    assert ddb.get_item(TableName=table, Key=K(sk="2.0"))["Item"]["n"] == {"N": "1.5"}
    assert "Item" not in ddb.get_item(TableName=table, Key=K(sk="3"))
    out = ddb.delete_item(TableName=table, Key=K(), ReturnValues="ALL_OLD")
    assert out["Attributes"]["b"] == {"B": b"\x00\xff"}
    assert "Item" not in ddb.get_item(TableName=table, Key=K())
    assert "Attributes" not in ddb.delete_item(TableName=table, Key=K(), ReturnValues="ALL_OLD")


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"pk": {"S": "a"}}, "One or more parameter values were invalid: Missing the key sk in the item"),
        (
            {"pk": {"N": "1"}, "sk": {"N": "1"}},
            "One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
        ),
        (
            {"pk": {"S": ""}, "sk": {"N": "1"}},
            "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
            "string value. Key: pk",
        ),
        (
            {**K(), "s": {"SS": []}},
            "One or more parameter values were invalid: An string set  may not be empty",
        ),
        (
            {**K(), "s": {"NS": ["1", "1.0"]}},
            "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.",
        ),
        (
            {**K(), "n": {"N": "123456789012345678901234567890123456789"}},
            "Attempting to store more than 38 significant digits in a Number",
        ),
        (
            {**K(), "n": {"N": "1E+126"}},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
        (
            {**K(), "n": {"N": "1E-131"}},
            "Number underflow. Attempting to store a number with magnitude smaller than supported range",
        ),
        ({**K(), "n": {"N": "abc"}}, "A value provided cannot be converted into a number"),
        ({**K(), "big": {"S": "x" * 400 * 1024}}, "Item size has exceeded the maximum allowed size"),
    ],
)
def test_put_validation(ddb: Any, table: str, item: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName=table, Item=item)
    assert _err(err) == ("ValidationException", message)


def test_key_validation_and_missing_table(ddb: Any, table: str) -> None:
    for key in ({"pk": {"S": "a"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}, {**K(), "x": {"S": "1"}}):
        with pytest.raises(ClientError) as err:
            ddb.get_item(TableName=table, Key=key)
        assert _err(err) == ("ValidationException", "The provided key element does not match the schema")
    with pytest.raises(ClientError) as err:
        ddb.get_item(TableName="nope", Key=K())
    assert _err(err) == ("ResourceNotFoundException", "Requested resource not found")


def test_condition_expressions(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table, Item={**K(), "v": {"N": "1"}}, ConditionExpression="attribute_not_exists(pk)"
    )
    with pytest.raises(ClientError) as err:
        ddb.put_item(
            TableName=table, Item={**K(), "v": {"N": "2"}}, ConditionExpression="attribute_not_exists(pk)"
        )
    assert _err(err) == ("ConditionalCheckFailedException", "The conditional request failed")
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="SET v = :n",
            ConditionExpression="v = :old",
            ExpressionAttributeValues={":n": {"N": "3"}, ":old": {"N": "9"}},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert err.value.response["Item"] == {**K(), "v": {"N": "1"}}
    ddb.update_item(
        TableName=table,
        Key=K(),
        UpdateExpression="SET v = :n",
        ConditionExpression="v = :old",
        ExpressionAttributeValues={":n": {"N": "3"}, ":old": {"N": "1"}},
    )
    ddb.delete_item(
        TableName=table,
        Key=K(),
        ConditionExpression="#v BETWEEN :a AND :b",
        ExpressionAttributeNames={"#v": "v"},
        ExpressionAttributeValues={":a": {"N": "2"}, ":b": {"N": "4"}},
    )
    assert "Item" not in ddb.get_item(TableName=table, Key=K())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {
                "ConditionExpression": "a = :a",
                "ExpressionAttributeValues": {":a": {"S": "1"}, ":b": {"S": "2"}},
            },
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}",
        ),
        (
            {
                "ConditionExpression": "a = :a",
                "ExpressionAttributeValues": {":a": {"S": "1"}},
                "ExpressionAttributeNames": {"#x": "x"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}",
        ),
        (
            {"ConditionExpression": "a = :zz", "ExpressionAttributeValues": {":a": {"S": "1"}}},
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :zz",
        ),
        (
            {"ConditionExpression": "size = :a", "ExpressionAttributeValues": {":a": {"S": "1"}}},
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: size",
        ),
        (
            {
                "ConditionExpression": "a = :a",
                "ExpressionAttributeValues": {":a": {"S": "1"}},
                "Expected": {"a": {"Exists": False}},
            },
            "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
            "{Expected} Expression parameters: {ConditionExpression}",
        ),
    ],
)
def test_expression_parameter_errors(ddb: Any, table: str, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName=table, Item=K(), **kwargs)
    assert _err(err) == ("ValidationException", message)


def test_projection(ddb: Any, table: str) -> None:
    ddb.put_item(
        TableName=table,
        Item={
            **K(),
            "a": {"M": {"b": {"S": "x"}, "c": {"S": "y"}}},
            "l": {"L": [{"S": "0"}, {"S": "1"}, {"S": "2"}]},
            "z": {"S": "z"},
        },
    )
    got = ddb.get_item(
        TableName=table,
        Key=K(),
        ProjectionExpression="a.#c, l[2], #z",
        ExpressionAttributeNames={"#c": "c", "#z": "z"},
    )["Item"]
    assert got == {"a": {"M": {"c": {"S": "y"}}}, "l": {"L": [{"S": "2"}]}, "z": {"S": "z"}}
    got = ddb.get_item(TableName=table, Key=K(), AttributesToGet=["z", "pk"])["Item"]
    assert got == {"z": {"S": "z"}, "pk": {"S": "a"}}


def test_update_return_values(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**K(), "a": {"N": "1"}, "b": {"S": "keep"}})
    kw = {
        "TableName": table,
        "Key": K(),
        "UpdateExpression": "SET a = a + :one",
        "ExpressionAttributeValues": {":one": {"N": "1"}},
    }
    assert ddb.update_item(**kw, ReturnValues="UPDATED_OLD")["Attributes"] == {"a": {"N": "1"}}
    assert ddb.update_item(**kw, ReturnValues="UPDATED_NEW")["Attributes"] == {"a": {"N": "3"}}
    assert ddb.update_item(**kw, ReturnValues="ALL_OLD")["Attributes"] == {
        **K(),
        "a": {"N": "3"},
        "b": {"S": "keep"},
    }
    assert ddb.update_item(**kw, ReturnValues="ALL_NEW")["Attributes"]["a"] == {"N": "5"}
    assert "Attributes" not in ddb.update_item(**kw)
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName=table, Item=K(), ReturnValues="ALL_NEW")
    assert _err(err) == ("ValidationException", "Return values set to invalid value")
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="SET pk = :one",
            ExpressionAttributeValues={":one": {"S": "1"}},
        )
    assert _err(err) == (
        "ValidationException",
        "One or more parameter values were invalid: Cannot update attribute "
        "pk. This attribute is part of the key",
    )


def test_update_creates_item_and_add_delete_semantics(ddb: Any, table: str) -> None:
    out = ddb.update_item(
        TableName=table,
        Key=K(),
        UpdateExpression="ADD cnt :one, tags :t",
        ExpressionAttributeValues={":one": {"N": "1"}, ":t": {"SS": ["x", "y"]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out["cnt"] == {"N": "1"} and sorted(out["tags"]["SS"]) == ["x", "y"]
    out = ddb.update_item(
        TableName=table,
        Key=K(),
        UpdateExpression="DELETE tags :t",
        ExpressionAttributeValues={":t": {"SS": ["x", "y"]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert "tags" not in out
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="ADD cnt :s",
            ExpressionAttributeValues={":s": {"SS": ["a"]}},
        )
    assert _err(err) == (
        "ValidationException",
        "An operand in the update expression has an incorrect data type",
    )
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="ADD cnt :s",
            ExpressionAttributeValues={":s": {"S": "a"}},
        )
    assert _err(err) == (
        "ValidationException",
        "Invalid UpdateExpression: Incorrect operand type for operator or "
        "function; operator: ADD, operand type: STRING",
    )
    out = ddb.update_item(TableName=table, Key=K(sk="9"), ReturnValues="ALL_NEW")
    assert out["Attributes"] == K(sk="9")


def test_exact_decimal_arithmetic(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**K(), "n": {"N": "0.1"}})
    for _ in range(3):
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="SET n = n + :d",
            ExpressionAttributeValues={":d": {"N": "0.2"}},
        )
    assert ddb.get_item(TableName=table, Key=K())["Item"]["n"] == {"N": "0.7"}
    ddb.update_item(
        TableName=table,
        Key=K(),
        UpdateExpression="ADD n :d",
        ExpressionAttributeValues={":d": {"N": "9999999999999999999999999999999999999"}},
    )
    assert ddb.get_item(TableName=table, Key=K())["Item"]["n"] == {
        "N": "9999999999999999999999999999999999999.7"
    }
    with pytest.raises(ClientError) as err:
        ddb.update_item(
            TableName=table,
            Key=K(),
            UpdateExpression="ADD big :d SET n = n + :e",
            ExpressionAttributeValues={":d": {"N": "1"}, ":e": {"N": "1E+125"}},
        )
    assert err.value.response["Error"]["Code"] == "ValidationException"


def test_legacy_parameters(ddb: Any, table: str) -> None:
    ddb.put_item(TableName=table, Item={**K(), "v": {"N": "1"}}, Expected={"pk": {"Exists": False}})
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName=table, Item=K(), Expected={"pk": {"Exists": False}})
    assert _err(err)[0] == "ConditionalCheckFailedException"
    ddb.update_item(
        TableName=table,
        Key=K(),
        AttributeUpdates={
            "v": {"Action": "ADD", "Value": {"N": "2"}},
            "s": {"Action": "PUT", "Value": {"SS": ["a"]}},
        },
        Expected={"v": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}},
    )
    got = ddb.get_item(TableName=table, Key=K(), AttributesToGet=["v", "s"])["Item"]
    assert got == {"v": {"N": "3"}, "s": {"SS": ["a"]}}
    ddb.update_item(
        TableName=table,
        Key=K(),
        AttributeUpdates={"s": {"Action": "DELETE"}},
        Expected={"v": {"Value": {"N": "3"}}, "x": {"ComparisonOperator": "NULL"}},
        ConditionalOperator="AND",
    )
    assert "s" not in ddb.get_item(TableName=table, Key=K())["Item"]
    with pytest.raises(ClientError) as err:
        ddb.delete_item(
            TableName=table,
            Key=K(),
            Expected={"v": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}},
        )
    assert _err(err)[0] == "ConditionalCheckFailedException"


def test_consumed_capacity(ddb: Any, table: str) -> None:
    out = ddb.put_item(TableName=table, Item=K(), ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"] == {"TableName": table, "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
    out = ddb.get_item(TableName=table, Key=K(), ReturnConsumedCapacity="INDEXES", ConsistentRead=True)
    assert out["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert out["ConsumedCapacity"]["Table"] == {"CapacityUnits": 1.0}
    assert "ConsumedCapacity" not in ddb.get_item(TableName=table, Key=K())


def test_gsi_key_type_checked_on_write(ddb: Any, make_table: Any) -> None:
    name = make_table(
        extra_attributes=[("g", "S")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "gidx",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    with pytest.raises(ClientError) as err:
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"N": "1"}})
    assert _err(err) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for Index "
        "Key g Expected: S Actual: N IndexName: gidx",
    )


def test_resource_table_interface(ddb_resource: Any, table: str) -> None:
    t = ddb_resource.Table(table)
    t.put_item(
        Item={"pk": "a", "sk": 1, "price": Decimal("19.99"), "tags": {"x", "y"}, "doc": {"a": [1, "b"]}}
    )
    item = t.get_item(Key={"pk": "a", "sk": 1})["Item"]
    assert item["price"] == Decimal("19.99")
    assert item["tags"] == {"x", "y"}
    assert item["doc"] == {"a": [Decimal(1), "b"]}
    t.update_item(
        Key={"pk": "a", "sk": 1}, UpdateExpression="ADD hits :one", ExpressionAttributeValues={":one": 1}
    )
    with pytest.raises(ClientError) as err:
        t.put_item(Item={"pk": "a", "sk": 1}, ConditionExpression=Attr("hits").gt(5))
    assert err.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert t.get_item(Key={"pk": "a", "sk": 1})["Item"]["hits"] == 1
    t.delete_item(Key={"pk": "a", "sk": 1})
    assert "Item" not in t.get_item(Key={"pk": "a", "sk": 1})
