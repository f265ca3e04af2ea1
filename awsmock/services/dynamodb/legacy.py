"""The pre-expression parameters, translated into the expression engine's tuples:
Expected + ConditionalOperator, AttributeUpdates, AttributesToGet, KeyConditions, QueryFilter and
ScanFilter."""

from __future__ import annotations

from typing import Any

from .errors import DynamoValidation, invalid
from .expressions.parser import Node, Path
from .types import validate_value

_COUNTS = {
    "EQ": 1,
    "NE": 1,
    "LE": 1,
    "LT": 1,
    "GE": 1,
    "GT": 1,
    "NOT_NULL": 0,
    "NULL": 0,
    "CONTAINS": 1,
    "NOT_CONTAINS": 1,
    "BEGINS_WITH": 1,
    "BETWEEN": 2,
}
_CMP = {"EQ": "=", "NE": "<>", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}

EXPRESSION_PARAMS = (
    "ConditionExpression",
    "UpdateExpression",
    "ProjectionExpression",
    "KeyConditionExpression",
    "FilterExpression",
)
LEGACY_PARAMS = (
    "Expected",
    "AttributeUpdates",
    "AttributesToGet",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
)


_LEGACY, _MODERN = frozenset(LEGACY_PARAMS), frozenset(EXPRESSION_PARAMS)


def check_not_mixed(params: dict[str, Any]) -> None:
    if _LEGACY.isdisjoint(params) or _MODERN.isdisjoint(params):
        return  # (one kind at most is given)
    legacy = [p for p in LEGACY_PARAMS if params.get(p) is not None]
    modern = [p for p in EXPRESSION_PARAMS if params.get(p) is not None]
    if legacy and modern:
        raise DynamoValidation(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{{', '.join(legacy)}}} Expression parameters: {{{', '.join(modern)}}}"
        )


def _path(name: str) -> Node:
    return ("path", (name,))


def comparison(name: str, op: str, values: list[Any]) -> Node:
    if op not in _COUNTS and op != "IN":
        raise DynamoValidation(f"Unsupported operator on condition: {op}")  # pragma: no cover
    want = _COUNTS.get(op)
    if (want is not None and len(values) != want) or (op == "IN" and not values):
        raise invalid(f"Invalid number of argument(s) for the {op} ComparisonOperator")
    avs = [("value", validate_value(v)) for v in values]
    target = _path(name)
    if op in _CMP:
        return ("cmp", _CMP[op], target, avs[0])
    if op == "NOT_NULL":
        return ("func", "attribute_exists", [target])
    if op == "NULL":
        return ("func", "attribute_not_exists", [target])
    if op == "CONTAINS":
        return ("func", "contains", [target, avs[0]])
    if op == "NOT_CONTAINS":
        return (
            "and",
            ("func", "attribute_exists", [target]),
            ("not", ("func", "contains", [target, avs[0]])),
        )
    if op == "BEGINS_WITH":
        return ("func", "begins_with", [target, avs[0]])
    if op == "BETWEEN":
        return ("between", target, avs[0], avs[1])
    return ("in", target, avs)


def _combine(nodes: list[Node], operator: str | None) -> Node | None:
    if not nodes:
        return None
    op = "or" if (operator or "AND") == "OR" else "and"
    node = nodes[0]
    for other in nodes[1:]:
        node = (op, node, other)
    return node


def expected_condition(expected: dict[str, Any] | None, operator: str | None) -> Node | None:
    if not expected:
        if operator:
            raise DynamoValidation(
                "ConditionalOperator can only be used when Filter or Expected has two or more elements"
            )  # pragma: no cover
        return None
    nodes: list[Node] = []
    for name, cond in expected.items():
        if cond.get("ComparisonOperator"):
            values = cond.get("AttributeValueList")
            if values is None and "Value" in cond:
                values = [cond["Value"]]
            nodes.append(comparison(name, cond["ComparisonOperator"], values or []))
            continue
        exists = cond.get("Exists", True)
        if exists is False:
            if "Value" in cond:
                raise invalid("Value cannot be used when Exists is false")
            nodes.append(("func", "attribute_not_exists", [_path(name)]))
        else:
            if "Value" not in cond:
                raise invalid(f"Exists is set to TRUE for attribute ({name}), Value must also be set")
            nodes.append(("cmp", "=", _path(name), ("value", validate_value(cond["Value"]))))
    return _combine(nodes, operator)


def filter_condition(conditions: dict[str, Any] | None, operator: str | None) -> Node | None:
    if not conditions:
        return None
    nodes = [
        comparison(name, c["ComparisonOperator"], c.get("AttributeValueList") or [])
        for name, c in conditions.items()
    ]
    return _combine(nodes, operator)


def attribute_updates(updates: dict[str, Any]) -> list[Node]:
    actions: list[Node] = []
    for name, upd in updates.items():
        action = upd.get("Action") or "PUT"
        value = validate_value(upd["Value"]) if "Value" in upd else None
        path: Path = (name,)
        if action == "PUT":
            if value is None:
                raise invalid("Only DELETE action is allowed when no attribute value is specified")
            actions.append(("SET", path, ("value", value)))
        elif action == "DELETE":
            if value is None:
                actions.append(("REMOVE", path, None))
            else:
                if next(iter(value)) not in ("SS", "NS", "BS"):
                    raise invalid(
                        f"DELETE action with value is not supported for the type {next(iter(value))}"
                    )
                actions.append(("DELETE", path, value))
        else:
            if value is None:
                raise invalid("Only DELETE action is allowed when no attribute value is specified")
            t = next(iter(value))
            if t == "L":
                actions.append(
                    (
                        "SET",
                        path,
                        (
                            "list_append",
                            ("if_not_exists", ("path", path), ("value", {"L": []})),
                            ("value", value),
                        ),
                    )
                )
            elif t in ("N", "SS", "NS", "BS"):
                actions.append(("ADD", path, value))
            else:
                raise invalid(f"ADD action is not supported for the type {t}")
    return actions


def projection(attributes: list[str] | None) -> list[Path] | None:
    if not attributes:
        return None
    return [(name,) for name in attributes]
