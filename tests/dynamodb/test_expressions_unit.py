"""The expression language, table-driven: parser, evaluator, update actions, error texts."""

from __future__ import annotations

from typing import Any

import pytest

from awsmock.services.dynamodb.errors import DynamoValidation
from awsmock.services.dynamodb.expressions import (
    ExpressionContext,
    evaluate,
    parse_condition,
    parse_projection,
    parse_update,
    project,
)
from awsmock.services.dynamodb.expressions.update import apply_update

ITEM: dict[str, Any] = {
    "id": {"S": "a1"},
    "n": {"N": "5"},
    "neg": {"N": "-2.5"},
    "s": {"S": "hello world"},
    "b": {"B": b"\x01\x02"},
    "ss": {"SS": ["x", "y"]},
    "ns": {"NS": ["1", "2"]},
    "l": {"L": [{"S": "p"}, {"N": "1"}, {"M": {"deep": {"S": "d"}}}]},
    "m": {"M": {"k": {"S": "v"}, "nest": {"M": {"z": {"N": "0"}}}}},
    "flag": {"BOOL": True},
    "nul": {"NULL": True},
    "empty": {"S": ""},
}

VALUES: dict[str, Any] = {
    ":five": {"N": "5"},
    ":four": {"N": "4"},
    ":six": {"N": "6"},
    ":hello": {"S": "hello"},
    ":x": {"S": "x"},
    ":S": {"S": "S"},
    ":SS": {"S": "SS"},
    ":M": {"S": "M"},
    ":one": {"N": "1"},
    ":p": {"S": "p"},
    ":bin": {"B": b"\x01"},
    ":v": {"S": "v"},
    ":eleven": {"N": "11"},
    ":true": {"BOOL": True},
}

CONDITIONS = [
    ("n = :five", True),
    ("n <> :five", False),
    ("n < :six AND n > :four", True),
    ("n <= :five AND n >= :five", True),
    ("n BETWEEN :four AND :six", True),
    ("neg BETWEEN :four AND :six", False),
    ("n IN (:four, :five)", True),
    ("n IN (:four, :six)", False),
    ("attribute_exists(m.nest.z)", True),
    ("attribute_exists(m.nest.q)", False),
    ("attribute_not_exists(absent)", True),
    ("attribute_exists(l[2].deep)", True),
    ("attribute_exists(l[3])", False),
    ("attribute_type(s, :S)", True),
    ("attribute_type(ss, :SS)", True),
    ("attribute_type(m, :M)", True),
    ("attribute_type(n, :S)", False),
    ("begins_with(s, :hello)", True),
    ("begins_with(b, :bin)", True),
    ("begins_with(n, :hello)", False),
    ("contains(s, :hello)", True),
    ("contains(ss, :x)", True),
    ("contains(ns, :one)", True),
    ("contains(l, :p)", True),
    ("contains(absent, :p)", False),
    ("size(s) = :eleven", True),
    ("size(ss) > :one", True),
    ("size(l) BETWEEN :one AND :five", True),
    ("size(n) = :one", False),
    ("NOT n = :four", True),
    ("NOT (n = :five OR n = :four)", False),
    ("n = :four OR n = :five AND s = :hello", False),
    ("(n = :four OR n = :five) AND attribute_exists(s)", True),
    ("n = :four OR n = :five AND attribute_exists(s)", True),
    ("m.k = :v", True),
    ("flag = :true", True),
    ("absent <> :five", True),
    ("absent = :five", False),
    ("s > :five", False),
    ("n = n", True),
    ("#N = :five", True),
    ("not n = :four and n = :five", True),
]


@pytest.mark.parametrize(("expression", "expected"), CONDITIONS)
def test_condition(expression: str, expected: bool) -> None:
    ctx = ExpressionContext({"#N": "n"} if "#N" in expression else None, VALUES)
    assert evaluate(parse_condition(expression, ctx), ITEM) is expected


SYNTAX_ERRORS = [
    ("n = ", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "n ="'),
    ("n = = :five", 'Invalid ConditionExpression: Syntax error; token: "=", near: "= = :five"'),
    ("n == :five", 'Invalid ConditionExpression: Syntax error; token: "=", near: "== :five"'),
    ("(n = :five", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "= :five"'),
    ("n = :five)", 'Invalid ConditionExpression: Syntax error; token: ")", near: ":five)"'),
    ("n BETWEEN :four", 'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "BETWEEN :four"'),
    (
        "status = :five",
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status",
    ),
    (
        "n = :nope",
        "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
        "attribute value: :nope",
    ),
    (
        "#nope = :five",
        "Invalid ConditionExpression: An expression attribute name used in the document path is not "
        "defined; attribute name: #nope",
    ),
    ("foo(n)", "Invalid ConditionExpression: Invalid function name; function: foo"),
    (
        "attribute_exists(n, s)",
        "Invalid ConditionExpression: Incorrect number of operands for operator or function; "
        "operator or function: attribute_exists, number of operands: 2",
    ),
    (
        "attribute_exists(:five)",
        "Invalid ConditionExpression: Operator or function requires a document path; "
        "operator or function: attribute_exists",
    ),
    (
        "begins_with(s, :five)",
        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N",
    ),
    (
        "attribute_type(s, :hello)",
        "Invalid ConditionExpression: Invalid attribute type name found in type: hello, "
        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
    ),
    (
        "n BETWEEN :six AND :four",
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be "
        "greater than or equal to lower bound; lower bound operand: AttributeValue: {N:6}, "
        "upper bound operand: AttributeValue: {N:4}",
    ),
    ("", "Invalid ConditionExpression: The expression can not be empty;"),
    ("n = :five $", 'Invalid ConditionExpression: Syntax error; token: "$", near: ":five $"'),
]


@pytest.mark.parametrize(("expression", "message"), SYNTAX_ERRORS)
def test_condition_errors(expression: str, message: str) -> None:
    with pytest.raises(DynamoValidation) as err:
        parse_condition(expression, ExpressionContext(None, VALUES))
    assert err.value.message == message


UPDATES = [
    ("SET n = n + :one", {"n": {"N": "6"}}),
    ("SET n = :one - n", {"n": {"N": "-4"}}),
    ("SET a = b, b = a", None),  # checked separately
    ("SET fresh = if_not_exists(fresh, :five)", {"fresh": {"N": "5"}}),
    ("SET n = if_not_exists(n, :one)", {"n": {"N": "5"}}),
    ("SET l = list_append(l, :lst)", {"l": {"L": ITEM["l"]["L"] + [{"S": "q"}]}}),
    ("SET l = list_append(:lst, l)", {"l": {"L": [{"S": "q"}, *ITEM["l"]["L"]]}}),
    ("SET m.nest.z = :one", {"m": {"M": {"k": {"S": "v"}, "nest": {"M": {"z": {"N": "1"}}}}}}),
    ("SET m.newkey = :one", {"m": {"M": {**ITEM["m"]["M"], "newkey": {"N": "1"}}}}),
    ("SET l[0] = :one", {"l": {"L": [{"N": "1"}, *ITEM["l"]["L"][1:]]}}),
    ("SET l[10] = :one", {"l": {"L": [*ITEM["l"]["L"], {"N": "1"}]}}),
    ("REMOVE l[0], l[1]", {"l": {"L": [ITEM["l"]["L"][2]]}}),
    ("REMOVE m.k", {"m": {"M": {"nest": ITEM["m"]["M"]["nest"]}}}),
    ("REMOVE s, absent", {"s": None}),
    ("ADD n :one", {"n": {"N": "6"}}),
    ("ADD cnt :one", {"cnt": {"N": "1"}}),
    ("ADD ss :set", {"ss": {"SS": ["x", "y", "z"]}}),
    ("ADD newset :set", {"newset": {"SS": ["x", "z"]}}),
    ("DELETE ss :set", {"ss": {"SS": ["y"]}}),
    ("DELETE ss :both", {"ss": None}),
    ("DELETE absent :set", {}),
    ("ADD ns :nums", {"ns": {"NS": ["1", "2", "3"]}}),
    (
        "set n = :one remove s add cnt :one delete ss :set",
        {"n": {"N": "1"}, "s": None, "cnt": {"N": "1"}, "ss": {"SS": ["y"]}},
    ),
]

UPDATE_VALUES: dict[str, Any] = {
    ":one": {"N": "1"},
    ":five": {"N": "5"},
    ":lst": {"L": [{"S": "q"}]},
    ":set": {"SS": ["x", "z"]},
    ":both": {"SS": ["x", "y"]},
    ":nums": {"NS": ["3", "1.0"]},
    ":s": {"S": "str"},
}


@pytest.mark.parametrize(("expression", "changes"), [u for u in UPDATES if u[1] is not None])
def test_update(expression: str, changes: dict[str, Any]) -> None:
    ctx = ExpressionContext(None, UPDATE_VALUES)
    new = apply_update(ITEM, parse_update(expression, ctx))
    expected = dict(ITEM)
    for k, v in changes.items():
        if v is None:
            expected.pop(k, None)
        else:
            expected[k] = v
    assert new == expected
    assert ITEM["l"]["L"][0] == {"S": "p"}  # the old item is never mutated


def test_update_operands_read_the_old_item() -> None:
    ctx = ExpressionContext(None, None)
    new = apply_update({"a": {"N": "1"}, "b": {"N": "2"}}, parse_update("SET a = b, b = a", ctx))
    assert new == {"a": {"N": "2"}, "b": {"N": "1"}}


UPDATE_ERRORS = [
    ("SET s = s + :one", "An operand in the update expression has an incorrect data type"),
    ("ADD s :one", "An operand in the update expression has an incorrect data type"),
    ("ADD n :set", "An operand in the update expression has an incorrect data type"),
    ("SET x = absent", "The provided expression refers to an attribute that does not exist in the item"),
    ("SET absent.a = :one", "The document path provided in the update expression is invalid for update"),
    ("SET l = list_append(l, n)", "An operand in the update expression has an incorrect data type"),
    ("DELETE ns :set", "An operand in the update expression has an incorrect data type"),
]


@pytest.mark.parametrize(("expression", "message"), UPDATE_ERRORS)
def test_update_runtime_errors(expression: str, message: str) -> None:
    ctx = ExpressionContext(None, UPDATE_VALUES)
    with pytest.raises(DynamoValidation) as err:
        apply_update(ITEM, parse_update(expression, ctx))
    assert err.value.message == message


UPDATE_PARSE_ERRORS = [
    (
        "SET a = :one SET b = :one",
        'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ),
    (
        "SET a = :one, a = :five",
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [a], path two: [a]",
    ),
    (
        "SET a.b = :one REMOVE a",
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [a, b], path two: [a]",
    ),
    (
        "SET a[1] = :one REMOVE a.b",
        "Invalid UpdateExpression: Two document paths conflict with each other; must "
        "remove or rewrite one of these paths; path one: [a, [1]], path two: [a, b]",
    ),
    (
        "ADD a :s",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
        "operand type: STRING",
    ),
    (
        "DELETE a :one",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, "
        "operand type: NUMBER",
    ),
    (
        "SET a = :s + :one",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: +, "
        "operand type: STRING",
    ),
    ("SET a", 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "SET a"'),
    ("UPSERT a = :one", 'Invalid UpdateExpression: Syntax error; token: "UPSERT", near: "UPSERT a"'),
    (
        "SET a = size(b)",
        "Invalid UpdateExpression: The function is not allowed to be used this way in an "
        "expression; function: size",
    ),
    (
        "SET a = list_append(:s, :s)",
        "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator or function: list_append, operand type: S",
    ),
]


@pytest.mark.parametrize(("expression", "message"), UPDATE_PARSE_ERRORS)
def test_update_parse_errors(expression: str, message: str) -> None:
    with pytest.raises(DynamoValidation) as err:
        parse_update(expression, ExpressionContext(None, UPDATE_VALUES))
    assert err.value.message == message


def test_projection_keeps_nested_structure() -> None:
    ctx = ExpressionContext({"#k": "k"}, None)
    paths = parse_projection("id, m.#k, l[2].deep, l[0], absent", ctx)
    assert project(ITEM, paths) == {
        "id": {"S": "a1"},
        "m": {"M": {"k": {"S": "v"}}},
        "l": {"L": [{"S": "p"}, {"M": {"deep": {"S": "d"}}}]},
    }


def test_unused_names_and_values_are_reported() -> None:
    ctx = ExpressionContext({"#a": "a", "#b": "b"}, {":x": {"S": "1"}})
    parse_condition("#a = :x", ctx)
    with pytest.raises(DynamoValidation) as err:
        ctx.check_unused()
    assert err.value.message == "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}"
    ctx = ExpressionContext(None, {":x": {"S": "1"}, ":y": {"S": "2"}})
    parse_condition("a = :x", ctx)
    with pytest.raises(DynamoValidation) as err:
        ctx.check_unused()
    assert (
        err.value.message == "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}"
    )


def test_empty_maps_and_invalid_values() -> None:
    with pytest.raises(DynamoValidation, match="ExpressionAttributeValues must not be empty"):
        ExpressionContext(None, {})
    with pytest.raises(DynamoValidation, match="ExpressionAttributeNames must not be empty"):
        ExpressionContext({}, None)
    with pytest.raises(DynamoValidation) as err:
        ExpressionContext(None, {":e": {"SS": []}})
    assert err.value.message == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were "
        "invalid: An string set  may not be empty for key :e"
    )


def test_keywords_are_case_insensitive_and_placeholders_escape_reserved_words() -> None:
    ctx = ExpressionContext({"#status": "status"}, VALUES)
    node = parse_condition(
        "#status = :five or NOT attribute_EXISTS(n)".replace("attribute_EXISTS", "attribute_exists"), ctx
    )
    assert evaluate(node, {"status": {"N": "5"}})
    with pytest.raises(DynamoValidation, match="reserved keyword: Name"):
        parse_condition("Name = :five", ExpressionContext(None, VALUES))
