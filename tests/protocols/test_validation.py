"""Input validation (compiled per shape): what a walk of the params must find, wherever it is."""

from __future__ import annotations

from typing import Any

import pytest

from awsmock.api.protocols.validate import validate
from awsmock.engine import specs

PUT_ITEM = specs.service_model("dynamodb").operation_model("PutItem").input_shape
LONG = "a" * 65536  # one more than an attribute name may have


@pytest.mark.parametrize(
    ("item", "where"),
    [
        ({LONG: {"S": "x"}}, "item.aaa"),
        ({"a": {"M": {LONG: {"S": "x"}}}}, "item.a.m."),
        ({"a": {"L": [{"S": "x"}, {"M": {LONG: {"N": "1"}}}]}}, "item.a.l.2.member.m."),
    ],
)
def test_a_too_long_attribute_name_is_found_at_any_depth(item: dict[str, Any], where: str) -> None:
    # values holding no member that can be wrong are skipped; these hold one, however deep
    violations = validate(PUT_ITEM, {"TableName": "t", "Item": item}, types=False)
    assert [(v.kind, v.aws_path.startswith(where)) for v in violations] == [("max_length", True)]


def test_valid_input_has_no_violation_and_required_members_are_reported() -> None:
    assert validate(PUT_ITEM, {"TableName": "t", "Item": {"a": {"M": {"b": {"L": [{"S": "x"}]}}}}}) == []
    violations = validate(PUT_ITEM, {"Item": {"a": {"S": "x"}}}, types=False)
    assert [(v.kind, v.aws_path) for v in violations] == [("required", "tableName")]


def test_types_are_checked_when_asked() -> None:
    violations = validate(PUT_ITEM, {"TableName": 5, "Item": {"a": {"S": "x"}}, "Bogus": 1})
    assert sorted(v.kind for v in violations) == ["type", "unknown"]
