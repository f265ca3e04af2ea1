"""Applying parsed update actions (SET, REMOVE, ADD, DELETE) to an item.

All operands are evaluated against the item as it was before the update (so ``SET a = b, b = a``
swaps), then the actions are applied; list-index REMOVEs run last, highest index first.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import DynamoValidation
from ..types import AV, Item, add_numbers, copy_item, copy_value, type_of
from .evaluator import operand, resolve
from .parser import Node, Path

BAD_OPERAND = "An operand in the update expression has an incorrect data type"
MISSING = "The provided expression refers to an attribute that does not exist in the item"
BAD_PATH = "The document path provided in the update expression is invalid for update"


def _value(node: Node, item: Item) -> AV:
    kind = node[0]
    if kind in ("+", "-"):
        a, b = _value(node[1], item), _value(node[2], item)
        if "N" not in a or "N" not in b:
            raise DynamoValidation(BAD_OPERAND)
        return {"N": add_numbers(a["N"], b["N"], subtract=kind == "-")}
    if kind == "if_not_exists":
        current = resolve(item, node[1][1])
        return current if current is not None else _value(node[2], item)
    if kind == "list_append":
        a, b = _value(node[1], item), _value(node[2], item)
        if "L" not in a or "L" not in b:
            raise DynamoValidation(BAD_OPERAND)
        return {"L": a["L"] + b["L"]}
    v = operand(node, item)
    if v is None:
        raise DynamoValidation(MISSING)
    return v


def _parent(item: Item, path: Path, create: bool = False) -> Any:
    """The container (dict for maps, list for lists) holding the last element of ``path``."""
    if len(path) == 1:
        return item
    holder = resolve(item, path[:-1])
    if holder is None:
        raise DynamoValidation(BAD_PATH)
    last = path[-1]
    if isinstance(last, int):
        if "L" not in holder:
            raise DynamoValidation(BAD_PATH)
        return holder["L"]
    if "M" not in holder:
        raise DynamoValidation(BAD_PATH)
    return holder["M"]


def _assign(item: Item, path: Path, value: AV) -> None:
    container = _parent(item, path)
    last = path[-1]
    if isinstance(container, list):
        assert isinstance(last, int)
        if last < len(container):
            container[last] = value
        else:
            container.append(value)
    else:
        container[last] = value


def apply_update(item: Item, actions: list[Node]) -> Item:
    """A new item: ``item`` (the old one, or ``{}`` with just the key) with ``actions`` applied."""
    old = item
    new = copy_item(item)
    sets = [(a[1], copy_value(_value(a[2], old))) for a in actions if a[0] == "SET"]
    for path, value in sets:
        _assign(new, path, value)
    removals: list[Path] = []
    for action in actions:
        clause, path, arg = action
        if clause == "REMOVE":
            removals.append(path)
        elif clause == "ADD":
            _add(new, path, arg)
        elif clause == "DELETE":
            _delete(new, path, arg)
    removals.sort(key=lambda p: [(-e if isinstance(e, int) else 0) for e in p])
    for path in removals:
        _remove(new, path)
    return new


def _add(item: Item, path: Path, arg: AV) -> None:
    current = resolve(item, path)
    t = type_of(arg)
    if current is None:
        _assign(item, path, copy_value(arg))
        return
    ct = type_of(current)
    if ct != t:
        raise DynamoValidation(BAD_OPERAND)
    if t == "N":
        _assign(item, path, {"N": add_numbers(current["N"], arg["N"])})
        return
    merged = list(current[t])
    if t == "NS":
        have = {Decimal(x) for x in merged}
        merged += [x for x in arg[t] if Decimal(x) not in have]
    else:
        have_raw = set(merged)
        merged += [x for x in arg[t] if x not in have_raw]
    _assign(item, path, {t: merged})


def _delete(item: Item, path: Path, arg: AV) -> None:
    current = resolve(item, path)
    if current is None:
        return
    t = type_of(arg)
    if type_of(current) != t:
        raise DynamoValidation(BAD_OPERAND)
    if t == "NS":
        gone = {Decimal(x) for x in arg[t]}
        left = [x for x in current[t] if Decimal(x) not in gone]
    else:
        gone_raw = set(arg[t])
        left = [x for x in current[t] if x not in gone_raw]
    if left:
        _assign(item, path, {t: left})
    else:
        _remove(item, path)


def _remove(item: Item, path: Path) -> None:
    if len(path) == 1:
        item.pop(path[0], None)  # type: ignore[arg-type]
        return
    holder = resolve(item, path[:-1])
    if holder is None:
        return
    last = path[-1]
    if isinstance(last, int):
        lst = holder.get("L")
        if lst is not None and last < len(lst):
            del lst[last]
    else:
        m = holder.get("M")
        if m is not None:
            m.pop(last, None)


def updated_paths(actions: list[Node]) -> list[Path]:
    return [a[1] for a in actions]
