"""The filter-policy language on its own (no SNS): each operator, absent keys, lists, nesting,
``$or``, and the limits a user of the language sets."""

from __future__ import annotations

from typing import Any

import pytest

from awsmock.engine.patterns import Limits, PatternError, compile_pattern


def matches(pattern: dict[str, Any], document: dict[str, Any]) -> bool:
    return compile_pattern(pattern).matches(document)


@pytest.mark.parametrize(
    ("condition", "value", "expected"),
    [
        ("red", "red", True),
        ("red", "Red", False),
        (5, 5.0, True),
        (5, "5", False),
        ("5", 5, False),
        (True, True, True),
        (None, None, True),
        ({"prefix": "ord-"}, "ord-1", True),
        ({"prefix": "ord-"}, "x-ord-1", False),
        ({"suffix": ".png"}, "a.png", True),
        ({"prefix": {"equals-ignore-case": "ORD"}}, "order", True),
        ({"suffix": {"equals-ignore-case": ".PNG"}}, "a.png", True),
        ({"equals-ignore-case": "RED"}, "rEd", True),
        ({"anything-but": "red"}, "blue", True),
        ({"anything-but": "red"}, "red", False),
        ({"anything-but": ["red", "blue"]}, "blue", False),
        ({"anything-but": [1, 2]}, 3, True),
        ({"anything-but": [1, 2]}, 2.0, False),
        ({"anything-but": {"prefix": "tmp"}}, "tmpfile", False),
        ({"anything-but": {"suffix": ".tmp"}}, "a.txt", True),
        ({"numeric": ["=", 3]}, 3, True),
        ({"numeric": [">", 0, "<=", 5]}, 5, True),
        ({"numeric": [">", 0, "<=", 5]}, 0, False),
        ({"numeric": [">=", 10]}, "10", False),
        ({"cidr": "10.0.0.0/24"}, "10.0.0.7", True),
        ({"cidr": "10.0.0.0/24"}, "10.0.1.7", False),
        ({"cidr": "2001:db8::/32"}, "2001:db8::1", True),
        ({"exists": True}, "anything", True),
    ],
)
def test_conditions(condition: Any, value: Any, expected: bool) -> None:
    assert matches({"k": [condition]}, {"k": value}) is expected


def test_absent_keys_match_only_exists_false() -> None:
    assert matches({"k": [{"exists": False}]}, {})
    assert not matches({"k": [{"exists": False}]}, {"k": "x"})
    assert not matches({"k": [{"exists": True}]}, {})
    assert not matches({"k": [{"anything-but": "x"}]}, {})


def test_lists_match_by_any_element_and_keys_must_all_match() -> None:
    pattern = {"tags": ["a"], "n": [{"numeric": [">", 1]}]}
    assert matches(pattern, {"tags": ["z", "a"], "n": 2})
    assert not matches(pattern, {"tags": ["z"], "n": 2})
    assert not matches(pattern, {"tags": ["a"], "n": 1})


def test_nesting_and_or() -> None:
    pattern = {"detail": {"state": ["ok"]}, "$or": [{"a": ["1"]}, {"b": [{"exists": True}]}]}
    assert matches(pattern, {"detail": {"state": "ok"}, "a": "1"})
    assert matches(pattern, {"detail": [{"state": "bad"}, {"state": "ok"}], "b": 0})
    assert not matches(pattern, {"detail": {"state": "ok"}, "a": "2"})
    assert not matches(pattern, {"detail": "ok", "a": "1"})


@pytest.mark.parametrize(
    ("pattern", "limits", "message"),
    [
        ({"k": "x"}, Limits(), '"k" must be an object or an array'),
        ({"k": [[1]]}, Limits(), "Match value must be String, number, true, false, or null"),
        ({"k": [{"numeric": ["~", 1]}]}, Limits(), "Unrecognized numeric range operator: ~"),
        ({"k": [{"numeric": [">", "1"]}]}, Limits(), "Value of > must be numeric"),
        (
            {"k": [{"anything-but": []}]},
            Limits(),
            "Value of anything-but must be an array or single string/number value.",
        ),
        ({"k": [{"cidr": "10.0.0.999/8"}]}, Limits(), "Nonstandard IP address: 10.0.0.999/8"),
        ({"$or": [{"a": ["1"]}]}, Limits(), "Value of $or must be an array of at least two JSON objects"),
        (
            {"a": {"b": ["1"]}},
            Limits(nested=False),
            "Filter policy scope MessageAttributes does not support nested filter policy",
        ),
        ({"a": ["1"], "b": ["2"]}, Limits(max_keys=1), "Filter policy can not have more than 1 keys"),
        ({"a": ["1", "2"], "b": ["1", "2"]}, Limits(max_combinations=3), "Filter policy is too complex"),
        (
            {"a": [{"numeric": [">", 2e9]}]},
            Limits(numeric_range=(-1e9, 1e9)),
            "Value of > must be numeric and between -1e+09 and 1e+09",
        ),
        (
            {"a": [{"wildcard": "x*"}]},
            Limits(operators=frozenset({"prefix"})),
            "Unrecognized match type wildcard",
        ),
    ],
)
def test_bad_patterns(pattern: Any, limits: Limits, message: str) -> None:
    with pytest.raises(PatternError) as caught:
        compile_pattern(pattern, limits)
    assert caught.value.message == message
