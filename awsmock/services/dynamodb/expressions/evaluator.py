"""Evaluating parsed conditions and projections against an item (a dict of AttributeValues)."""

from __future__ import annotations

from typing import Any

from ..types import AV, Item, copy_value, scalar_key, type_of, values_equal
from .parser import Node, Path


def resolve(item: Item, path: Path) -> AV | None:
    """The value at ``path`` in ``item``, or None."""
    first = path[0]
    if not isinstance(first, str):
        return None
    cur: Any = item.get(first)
    for elem in path[1:]:
        if cur is None:
            return None
        if isinstance(elem, int):
            lst = cur.get("L")
            if lst is None or elem >= len(lst):
                return None
            cur = lst[elem]
        else:
            m = cur.get("M")
            if m is None:
                return None
            cur = m.get(elem)
    return cur  # type: ignore[no-any-return]


def operand(node: Node, item: Item) -> AV | None:
    kind = node[0]
    if kind == "path":
        return resolve(item, node[1])
    if kind == "value":
        return node[1]  # type: ignore[no-any-return]
    if kind == "size":
        v = resolve(item, node[1][1])
        if v is None:
            return None
        t = type_of(v)
        if t in ("N", "BOOL", "NULL"):
            return None
        if t == "S":
            return {"N": str(len(v["S"]))}
        return {"N": str(len(v[t]))}
    raise ValueError(f"not an operand: {kind}")


def compare(op: str, a: AV | None, b: AV | None) -> bool:
    if a is None or b is None:
        return op == "<>" and not (a is None and b is None)
    if op == "=":
        return values_equal(a, b)
    if op == "<>":
        return not values_equal(a, b)
    ka, kb = scalar_key(a), scalar_key(b)
    if ka is None or kb is None or ka[0] != kb[0]:
        return False
    x, y = ka[1], kb[1]
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


def evaluate(node: Node, item: Item) -> bool:
    kind = node[0]
    if kind == "and":
        return evaluate(node[1], item) and evaluate(node[2], item)
    if kind == "or":
        return evaluate(node[1], item) or evaluate(node[2], item)
    if kind == "not":
        return not evaluate(node[1], item)
    if kind == "cmp":
        return compare(node[1], operand(node[2], item), operand(node[3], item))
    if kind == "between":
        v = operand(node[1], item)
        lo, hi = operand(node[2], item), operand(node[3], item)
        if v is None or lo is None or hi is None:
            return False
        kv, kl, kh = scalar_key(v), scalar_key(lo), scalar_key(hi)
        if kv is None or kl is None or kh is None or not (kv[0] == kl[0] == kh[0]):
            return False
        return bool(kl[1] <= kv[1] <= kh[1])
    if kind == "in":
        v = operand(node[1], item)
        if v is None:
            return False
        return any(values_equal(v, operand(x, item)) for x in node[2])
    if kind == "func":
        return _function(node[1], node[2], item)
    raise ValueError(f"not a condition: {kind}")


def _function(name: str, args: list[Node], item: Item) -> bool:
    target = resolve(item, args[0][1])
    if name == "attribute_exists":
        return target is not None
    if name == "attribute_not_exists":
        return target is None
    if target is None:
        return False
    arg = operand(args[1], item)
    if arg is None:
        return False
    if name == "attribute_type":
        return "S" in arg and type_of(target) == arg["S"]
    t = type_of(target)
    if name == "begins_with":
        at = type_of(arg)
        if t != at or t not in ("S", "B"):
            return False
        return bool(target[t].startswith(arg[at]))
    # contains
    at = type_of(arg)
    if t == "S":
        return at == "S" and arg["S"] in target["S"]
    if t == "B":
        return at == "B" and arg["B"] in target["B"]
    if t in ("SS", "NS", "BS"):
        if at != t[0]:
            return False
        return any(values_equal({at: x}, arg) for x in target[t])
    if t == "L":
        return any(values_equal(x, arg) for x in target["L"])
    return False


def project(item: Item, paths: list[Path]) -> Item:
    """The parts of ``item`` named by ``paths`` (nested maps and lists kept, list holes closed)."""
    out: dict[str, Any] = {}
    lists: list[dict[str, Any]] = []
    for path in paths:
        value = resolve(item, path)
        if value is None:
            continue
        container: dict[Any, Any] = out
        for i, elem in enumerate(path):
            last = i == len(path) - 1
            nxt = None if last else path[i + 1]
            if last:
                if elem not in container:
                    container[elem] = copy_value(value)
                break
            node = container.get(elem)
            if node is None:
                if isinstance(nxt, int):
                    node = {"L": {}}
                    lists.append(node)
                else:
                    node = {"M": {}}
                container[elem] = node
            container = node["L"] if "L" in node else node["M"]
    for node in lists:
        node["L"] = [v for _, v in sorted(node["L"].items())]
    return out
