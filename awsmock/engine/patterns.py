"""Content-based filtering: a pattern language over JSON-like values, as message filter
policies and event patterns write it (each caller passes its :class:`Limits`).

Nothing here knows about any service: a pattern is compiled once from its parsed JSON
(:func:`compile_pattern`, which refuses bad patterns with :class:`PatternError` in the words of
AWS's matcher) and tested against a document (:meth:`Pattern.matches`): a mapping of names to
values, nested mappings for nested keys, lists meaning "any of".

The language:

* ``{"key": [cond, ...]}``: the key's value (or any element of it, if a list) meets any
  condition; every key of an object must match (``AND``), ``"$or": [pattern, ...]`` any branch;
  ``{"key": {"inner": [...]}}`` matches nested objects (when nesting is allowed);
* conditions: an exact string, number, ``true``, ``false`` or ``null``;
  ``{"prefix": s}``, ``{"suffix": s}`` (either may wrap ``{"equals-ignore-case": s}``),
  ``{"equals-ignore-case": s}``, ``{"anything-but": value | [values] | {"prefix": s} |
  {"suffix": s}}``, ``{"numeric": [op, n, (op, n)]}``, ``{"exists": bool}``,
  ``{"cidr": "10.0.0.0/24"}``; with ``Limits.wildcard``, ``{"wildcard": "a*b"}`` and
  ``anything-but`` of ``{"wildcard": ...}`` or ``{"equals-ignore-case": s | [s]}``.

Numbers compare by value (``5`` matches ``5.0``); strings match only strings, numbers only
numbers. A key that is absent matches only ``{"exists": false}``.

:class:`Limits` carries what a user of the language bounds (keys, combinations, nesting).
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Limits", "Pattern", "PatternError", "compile_pattern"]

#: the value an absent key has in a document
_ABSENT = object()
_NUMERIC_OPS = ("=", "<", "<=", ">", ">=")


class PatternError(ValueError):
    """A pattern the language refuses; ``message`` is the matcher's own wording."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    #: the most keys (leaf names) a pattern may hold (None: no limit)
    max_keys: int | None = None
    #: the most combinations of values (product of each key's values; ``$or`` branches add)
    max_combinations: int | None = None
    #: whether a key's value may be an object of further keys (a nested document)
    nested: bool = True
    #: the range numbers in ``numeric`` conditions must lie in (None: any finite number)
    numeric_range: tuple[float, float] | None = None
    #: operators allowed besides the plain values (None: all)
    operators: frozenset[str] | None = None
    #: whether ``wildcard`` (and its forms inside ``anything-but``) is part of the language
    wildcard: bool = False
    #: what the caller calls a pattern, in its errors ("Filter policy", "Event pattern")
    noun: str = "Filter policy"


Condition = Callable[[Any], bool]


@dataclass
class _Leaf:
    conditions: list[Condition]
    #: conditions that look at an absent key (``exists``)
    on_absent: list[bool] = field(default_factory=list)

    def matches(self, value: Any) -> bool:
        if value is _ABSENT:
            return any(self.on_absent)
        values = value if isinstance(value, list) else [value]
        return any(cond(v) for cond in self.conditions for v in values)


@dataclass
class Pattern:
    """A compiled pattern: ``matches(document)``."""

    keys: dict[str, Any]  # name -> _Leaf | Pattern
    branches: list[Pattern] = field(default_factory=list)  # "$or"

    def matches(self, document: Mapping[str, Any]) -> bool:
        for name, sub in self.keys.items():
            value = document.get(name, _ABSENT) if isinstance(document, Mapping) else _ABSENT
            if isinstance(sub, Pattern):
                if not _nested_matches(sub, value):
                    return False
            elif not sub.matches(value):
                return False
        return not self.branches or any(b.matches(document) for b in self.branches)


def _nested_matches(sub: Pattern, value: Any) -> bool:
    if isinstance(value, list):
        return any(_nested_matches(sub, v) for v in value)
    if isinstance(value, Mapping):
        return sub.matches(value)
    return sub.matches({})  # only "exists": false can hold inside an absent object


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- compiling -----------------------------------------------------------------------------


def compile_pattern(doc: Any, limits: Limits = Limits()) -> Pattern:
    """The pattern ``doc`` (parsed JSON) describes, or :class:`PatternError`."""
    if not isinstance(doc, Mapping):
        raise PatternError(f"{limits.noun} must be a JSON object")
    compiler = _Compiler(limits)
    pattern = compiler.object(doc, depth=0)
    if limits.max_keys is not None and len(compiler.leaf_names) > limits.max_keys:
        raise PatternError(f"{limits.noun} can not have more than {limits.max_keys} keys")
    if limits.max_combinations is not None and _combinations(pattern) > limits.max_combinations:
        raise PatternError(f"{limits.noun} is too complex")
    return pattern


def _combinations(pattern: Pattern) -> int:
    total = 1
    for sub in pattern.keys.values():
        total *= (
            _combinations(sub)
            if isinstance(sub, Pattern)
            else max(1, len(sub.conditions) + len(sub.on_absent))
        )
    if pattern.branches:
        total *= sum(_combinations(b) for b in pattern.branches)
    return total


class _Compiler:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.leaf_names: set[str] = set()

    def object(self, doc: Mapping[str, Any], depth: int, path: str = "") -> Pattern:
        if depth > 64:
            raise PatternError(f"{self.limits.noun} is too deeply nested")
        pattern = Pattern({})
        for name, value in doc.items():
            if name == "$or":
                pattern.branches.extend(self.branches(value, depth, path))
                continue
            where = f"{path}.{name}" if path else name
            if isinstance(value, list):
                pattern.keys[name] = self.leaf(value)
                self.leaf_names.add(where)
            elif isinstance(value, Mapping):
                if not self.limits.nested:
                    raise PatternError(
                        "Filter policy scope MessageAttributes does not support nested filter policy"
                    )
                pattern.keys[name] = self.object(value, depth + 1, where)
            else:
                raise PatternError(f'"{name}" must be an object or an array')
        return pattern

    def branches(self, value: Any, depth: int, path: str) -> list[Pattern]:
        if not isinstance(value, list) or len(value) < 2 or not all(isinstance(v, Mapping) for v in value):
            raise PatternError("Value of $or must be an array of at least two JSON objects")
        return [self.object(v, depth + 1, path) for v in value]

    def leaf(self, values: list[Any]) -> _Leaf:
        if not values:
            raise PatternError("Empty arrays are not allowed")
        leaf = _Leaf([])
        for value in values:
            if isinstance(value, Mapping):
                self.operator(value, leaf)
            elif isinstance(value, list):
                raise PatternError("Match value must be String, number, true, false, or null")
            else:
                leaf.conditions.append(_exact(value))
        return leaf

    def _allowed(self, op: str) -> None:
        if self.limits.operators is not None and op not in self.limits.operators:
            raise PatternError(f"Unrecognized match type {op}")

    def operator(self, spec: Mapping[str, Any], leaf: _Leaf) -> None:
        if len(spec) != 1:
            raise PatternError("Match object must have exactly one key")
        ((op, arg),) = spec.items()
        self._allowed(op)
        if op == "exists":
            if not isinstance(arg, bool):
                raise PatternError("exists match pattern must be either true or false.")
            if arg:
                leaf.conditions.append(lambda v: True)
            else:
                leaf.on_absent.append(True)
            return
        if op == "prefix" or op == "suffix":
            leaf.conditions.append(_affix(op, arg))
        elif op == "equals-ignore-case":
            if not isinstance(arg, str):
                raise PatternError("equals-ignore-case match pattern must be a string")
            lowered = arg.casefold()
            leaf.conditions.append(lambda v: isinstance(v, str) and v.casefold() == lowered)
        elif op == "wildcard" and self.limits.wildcard:
            leaf.conditions.append(_wildcard(arg))
        elif op == "anything-but":
            leaf.conditions.append(self.anything_but(arg))
        elif op == "numeric":
            leaf.conditions.append(self.numeric(arg))
        elif op == "cidr":
            leaf.conditions.append(_cidr(arg))
        else:
            raise PatternError(f"Unrecognized match type {op}")

    def anything_but(self, arg: Any) -> Condition:
        if isinstance(arg, Mapping):
            inner_ops = ("prefix", "suffix") + (
                ("wildcard", "equals-ignore-case") if self.limits.wildcard else ()
            )
            if len(arg) != 1 or next(iter(arg)) not in inner_ops:
                raise PatternError("Unsupported anything-but pattern: " + ", ".join(map(str, arg)))
            ((inner_op, inner_arg),) = arg.items()
            inner = self.anything_but_inner(inner_op, inner_arg)
            return lambda v: isinstance(v, str) and not inner(v)
        items = arg if isinstance(arg, list) else [arg]
        if not items or not all(isinstance(i, str) or _is_number(i) for i in items):
            raise PatternError("Value of anything-but must be an array or single string/number value.")
        if len({isinstance(i, str) for i in items}) > 1:
            raise PatternError("Inside anything but list, start|null|boolean is not supported.")
        excluded = [_exact(i) for i in items]
        if isinstance(items[0], str):
            return lambda v: isinstance(v, str) and not any(e(v) for e in excluded)
        return lambda v: _is_number(v) and not any(e(v) for e in excluded)

    def anything_but_inner(self, op: str, arg: Any) -> Condition:
        if op in ("prefix", "suffix"):
            return _affix(op, arg)
        items = arg if isinstance(arg, list) else [arg]
        if not items or not all(isinstance(i, str) for i in items):
            raise PatternError(f"Inside anything-but/{op} list, number|start|null|boolean is not supported.")
        if op == "wildcard":
            tests = [_wildcard(i) for i in items]
            return lambda v: any(t(v) for t in tests)
        folded = {i.casefold() for i in items}
        return lambda v: isinstance(v, str) and v.casefold() in folded

    def numeric(self, arg: Any) -> Condition:
        if not isinstance(arg, list) or len(arg) not in (2, 4):
            raise PatternError("Value of numeric must be an array.")
        bounds: list[tuple[str, float]] = []
        for i in range(0, len(arg), 2):
            op, num = arg[i], arg[i + 1]
            if op not in _NUMERIC_OPS:
                raise PatternError(f"Unrecognized numeric range operator: {op}")
            if not _is_number(num) or not math.isfinite(num):
                raise PatternError(f"Value of {op} must be numeric")
            rng = self.limits.numeric_range
            if rng is not None and not rng[0] <= num <= rng[1]:
                raise PatternError(f"Value of {op} must be numeric and between {rng[0]:g} and {rng[1]:g}")
            bounds.append((op, float(num)))
        if len(bounds) == 2:
            (op1, low), (op2, high) = bounds
            if op1 not in (">", ">=") or op2 not in ("<", "<="):
                raise PatternError("Bad numeric range operator")
            if low >= high:
                raise PatternError("Bottom must be less than top")
        elif bounds[0][0] == "=" and len(arg) != 2:
            raise PatternError("Bad numeric range operator")
        checks = [_compare(op, n) for op, n in bounds]
        return lambda v: _is_number(v) and all(c(float(v)) for c in checks)


def _compare(op: str, n: float) -> Callable[[float], bool]:
    if op == "=":
        return lambda v: v == n
    if op == "<":
        return lambda v: v < n
    if op == "<=":
        return lambda v: v <= n
    if op == ">":
        return lambda v: v > n
    return lambda v: v >= n


def _exact(value: Any) -> Condition:
    if isinstance(value, str):
        return lambda v: isinstance(v, str) and v == value
    if isinstance(value, bool) or value is None:
        return lambda v: v is value
    if _is_number(value):
        if not math.isfinite(value):
            raise PatternError("Match value must be String, number, true, false, or null")
        number = float(value)
        return lambda v: _is_number(v) and float(v) == number
    raise PatternError("Match value must be String, number, true, false, or null")


def _affix(op: str, arg: Any) -> Condition:
    ignore_case = False
    if isinstance(arg, Mapping) and list(arg) == ["equals-ignore-case"]:
        arg = arg["equals-ignore-case"]
        ignore_case = True
    if not isinstance(arg, str):
        raise PatternError(f"{op} match pattern must be a string.")
    if ignore_case:
        folded = arg.casefold()
        if op == "prefix":
            return lambda v: isinstance(v, str) and v.casefold().startswith(folded)
        return lambda v: isinstance(v, str) and v.casefold().endswith(folded)
    if op == "prefix":
        return lambda v: isinstance(v, str) and v.startswith(arg)
    return lambda v: isinstance(v, str) and v.endswith(arg)


def _wildcard(arg: Any) -> Condition:
    """``*`` stands for any run of characters (``\\*`` for a star itself)."""
    if not isinstance(arg, str):
        raise PatternError("wildcard match pattern must be a string")
    if "**" in arg:
        raise PatternError("Consecutive wildcard characters at pos " + str(arg.index("**") + 1))
    if len(arg) > 2048:
        raise PatternError("wildcard match pattern is too long")
    parts: list[str] = []
    i = 0
    while i < len(arg):
        ch = arg[i]
        if ch == "\\" and i + 1 < len(arg) and arg[i + 1] in "*\\":
            parts.append(re.escape(arg[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    compiled = re.compile("".join(parts), re.DOTALL)
    return lambda v: isinstance(v, str) and compiled.fullmatch(v) is not None


def _cidr(arg: Any) -> Condition:
    if not isinstance(arg, str):
        raise PatternError("cidr match pattern must be a string")
    try:
        network = ipaddress.ip_network(arg, strict=False)
    except ValueError:
        raise PatternError(f"Nonstandard IP address: {arg}") from None

    def inside(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            return ipaddress.ip_address(value) in network
        except ValueError:
            return False

    return inside
