"""Input validation by the operation's input shape, shared by every protocol.

Parsing turns the wire into botocore client-side params; :func:`validate` then walks those params
against the input shape and returns the :class:`Violation` list (empty when valid). Each protocol
maps violations to its service's real validation error; the helpers here produce AWS's usual text.

Public API (stable; the JSON and XML families both import it)::

    from awsmock.api.protocols.validate import Violation, validate, validation_message

    violations = validate(operation.input_shape, params)          # -> list[Violation]
    if violations:
        raise ValidationError(validation_message(violations))
        # "1 validation error detected: Value null at 'tableName' failed to satisfy
        #  constraint: Member must not be null"

``validate(shape, value, *, enums=True, ranges=True, patterns=False, types=True, limit=None)``

* ``required``: a required member absent (or ``None``) -> kind ``"required"``,
  constraint ``"Member must not be null"``; so is a ``None`` element of a list or map without
  Smithy's ``@sparse`` where its elements are checked at all.
* ``types``: a value of the wrong Python type for its shape (``str`` for string/enum,
  ``int`` (not bool) for integer/long, ``int|float`` for float/double, ``bool``, ``bytes`` (or a
  file-like for streaming blobs), tz-aware or naive ``datetime`` for timestamps, ``dict`` for
  structures/maps, ``list`` for lists) -> kind ``"type"`` (the JSON family usually answers these
  with a ``SerializationException`` instead of a validation error; the kind lets it choose).
  Unknown members of a structure -> kind ``"unknown"`` (protocols usually ignore these; they are
  reported only when ``types`` is true).
* ``enums``: a string outside the shape's ``enum`` -> kind ``"enum"``.
* ``ranges``: ``min``/``max`` on string/blob/list/map lengths and on numbers -> kinds
  ``"min_length"``, ``"max_length"``, ``"min_value"``, ``"max_value"``.
* ``patterns``: ``pattern`` regexes (off by default: botocore's patterns are Java regexes, and AWS
  does not apply all of them) -> kind ``"pattern"``; patterns Python cannot compile are skipped.
* ``limit``: stop after this many violations.

:class:`Violation` fields: ``kind``, ``path`` (tuple of segments: member names as in the model,
``int`` 0-based list indexes, map keys as ``("key", k)`` tuples... rendered by
:attr:`Violation.aws_path`), ``value``, ``constraint`` (AWS's constraint text) and ``member``
(the last member name, model spelling, handy for ``MissingParameter`` style messages).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from awsmock.engine.specs import Shape, is_sparse

__all__ = [
    "Violation",
    "aws_value",
    "validate",
    "validation_message",
]

PathSegment = str | int | tuple[str, str]


@dataclass(frozen=True)
class Violation:
    """One way the input breaks its shape."""

    kind: str  # required | type | unknown | enum | min_length | max_length | min_value | max_value | pattern
    path: tuple[PathSegment, ...]
    value: Any
    constraint: str

    @property
    def member(self) -> str:
        """The innermost member name (model spelling), e.g. ``QueueName``; '' at the root."""
        for seg in reversed(self.path):
            if isinstance(seg, str):
                return seg
        return ""

    @property
    def dotted_path(self) -> str:
        """Model spelling, 0-based indexes: ``Tags[0].Key``, ``Attributes{k}``."""
        out = ""
        for seg in self.path:
            if isinstance(seg, int):
                out += f"[{seg}]"
            elif isinstance(seg, tuple):
                out += "{" + seg[1] + "}"
            else:
                out += ("." if out else "") + seg
        return out

    @property
    def aws_path(self) -> str:
        """AWS's path text: lower-camel member names, lists as ``name.1.member.x`` (1-based)."""
        parts: list[str] = []
        for seg in self.path:
            if isinstance(seg, int):
                parts.append(f"{seg + 1}.member")
            elif isinstance(seg, tuple):
                parts.append(seg[1])
            else:
                parts.append(_lower_first(seg))
        return ".".join(parts)

    @property
    def message(self) -> str:
        """``Value null at 'x' failed to satisfy constraint: Member must not be null``."""
        return f"Value {aws_value(self.value)} at '{self.aws_path}' failed to satisfy constraint: {self.constraint}"


def validation_message(violations: Iterable[Violation]) -> str:
    """AWS's summary: ``N validation error(s) detected: <msg>; <msg>``."""
    items = list(violations)
    n = len(items)
    noun = "error" if n == 1 else "errors"
    return f"{n} validation {noun} detected: " + "; ".join(v.message for v in items)


def aws_value(value: Any) -> str:
    """A value rendered as AWS's (Java-style) messages render it."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(aws_value(v) if not isinstance(v, str) else v for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={aws_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (bytes, bytearray)):
        return "java.nio.HeapByteBuffer"
    return str(value)


def validate(
    shape: Shape | None,
    value: Any,
    *,
    enums: bool = True,
    ranges: bool = True,
    patterns: bool = False,
    types: bool = True,
    limit: int | None = None,
) -> list[Violation]:
    """Every :class:`Violation` of ``value`` against ``shape`` (``[]`` when valid)."""
    if shape is None:
        return []
    check = _checker(shape, (enums, ranges, patterns, types, limit))
    if check is None:  # nothing these options can find wrong in this shape
        return []
    ok = getattr(check, "ok", None)
    if ok is not None and ok(value):  # valid: no walk that keeps paths for violations
        return []
    out: list[Violation] = []
    try:
        check(value, None, out)
    except _Stop:
        pass
    return out


# -- implementation -------------------------------------------------------------------------------


class _Stop(Exception):
    pass


@dataclass(frozen=True)
class _Opts:
    enums: bool
    ranges: bool
    patterns: bool
    types: bool
    limit: int | None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _add(out: list[Violation], opts: _Opts, v: Violation) -> None:
    out.append(v)
    if opts.limit is not None and len(out) >= opts.limit:
        raise _Stop


@cache
def _regex(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None


_TYPE_TEXT = {
    "string": "Member must be a string",
    "integer": "Member must be an integer",
    "long": "Member must be a long",
    "float": "Member must be a number",
    "double": "Member must be a number",
    "boolean": "Member must be a boolean",
    "blob": "Member must be a blob",
    "timestamp": "Member must be a timestamp",
    "structure": "Member must be a structure",
    "map": "Member must be a map",
    "list": "Member must be a list",
}


def _type_ok(shape: Shape, value: Any) -> bool:
    t = shape.type_name
    if t == "string":
        return isinstance(value, str)
    if t in ("integer", "long"):
        return isinstance(value, int) and not isinstance(value, bool)
    if t in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "blob":
        return isinstance(value, (bytes, bytearray, str)) or hasattr(value, "read")
    if t == "timestamp":
        return isinstance(value, _dt.datetime)
    if t in ("structure", "map"):
        return isinstance(value, dict)
    if t == "list":
        return isinstance(value, (list, tuple))
    return True


#: where a value sits, built as (parent, segment) pairs (None: the root) and flattened into a
#: Violation's path only when there is one: valid input never pays for path tuples
Where = tuple[Any, PathSegment] | None
#: a compiled check: (value, where, violations) -> None
Check = Callable[[Any, Where, list[Violation]], None]


def _flat(where: Where) -> tuple[PathSegment, ...]:
    segments: list[PathSegment] = []
    while where is not None:
        where, segment = where
        segments.append(segment)
    return tuple(reversed(segments))


_checkers: dict[tuple[Any, ...], tuple[Shape, Check | None]] = {}


def _checker(shape: Shape, options: tuple[bool, bool, bool, bool, int | None]) -> Check | None:
    """The compiled check of ``shape`` under ``options`` (the fields of :class:`_Opts`; cached
    per shape object and options), or None when nothing can be wrong (e.g. S3 params, checked
    for required members only, have whole subtrees with no required member: never walked)."""
    ident = (id(shape), options)
    hit = _checkers.get(ident)
    if hit is not None and hit[0] is shape:
        return hit[1]
    check = _compile(shape, _Opts(*options), {})
    _checkers[ident] = (shape, check)
    return check


def _compile(shape: Shape, opts: _Opts, building: dict[Any, list[Any]]) -> Check | None:
    # botocore makes a new Shape object per member reference; constraints belong to the named
    # shape, so a shape met again (DynamoDB's recursive AttributeValue) is found by name
    key = (id(getattr(shape, "_shape_resolver", None)), shape.name)
    if shape.name and key in building:
        entry = building[key]  # [check, done]
        if entry[1]:
            return entry[0]  # type: ignore[no-any-return]

        def forward(value: Any, path: Where, out: list[Violation]) -> None:
            if entry[0] is not None:
                entry[0](value, path, out)

        return forward
    entry = [None, False]
    if shape.name:
        building[key] = entry
    check = _build(shape, opts, building)
    entry[0], entry[1] = check, True
    return check


def _test_of(check: Check) -> Callable[[Any], bool]:
    """``check``'s fast test (True: no violation), or one that runs the check on a scratch list."""
    test: Callable[[Any], bool] | None = getattr(check, "ok", None)
    if test is not None:
        return test

    def scratch(value: Any) -> bool:
        out: list[Violation] = []
        try:
            check(value, None, out)
        except _Stop:
            return False
        return not out

    return scratch


def _element(check: Check | None) -> Check | None:
    """``check`` for the elements of a list or map: a structure whose only checkable members an
    element lacks is not called at all (DynamoDB's ``{"S": ...}`` values in an item)."""
    gate: frozenset[str] | None = getattr(check, "gate", None)
    if check is None or gate is None:
        return check
    inner = check

    def gated(value: Any, path: Where, out: list[Violation]) -> None:
        if type(value) is not dict or not gate.isdisjoint(value):
            inner(value, path, out)

    if hasattr(inner, "ok"):
        gated.ok = inner.ok  # type: ignore[attr-defined]
    return gated


def _build(shape: Shape, opts: _Opts, building: dict[Any, Any]) -> Check | None:
    t = shape.type_name
    md = shape.metadata
    types = opts.types
    type_text = _TYPE_TEXT.get(t, "Member has the wrong type")

    def wrong_type(value: Any, path: Where, out: list[Violation]) -> bool:
        if _type_ok(shape, value):
            return False
        _add(out, opts, Violation("type", _flat(path), value, type_text))
        return True

    lo, hi = md.get("min"), md.get("max")
    sized = opts.ranges and (lo is not None or hi is not None)
    low = lo if lo is not None else 0  # the length bounds, for a chained comparison
    high = hi if hi is not None else math.inf

    if t == "structure":
        required = tuple(shape.required_members)
        members = shape.members
        checks = {name: _compile(member, opts, building) for name, member in members.items()}
        active = {name: c for name, c in checks.items() if c is not None}
        if not types and not required and not active:
            return None

        def check_struct(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            for name in required:
                if value.get(name) is None:
                    _add(
                        out, opts, Violation("required", _flat((path, name)), None, "Member must not be null")
                    )
            for name, item in value.items():
                if item is None:
                    continue
                c = active.get(name)
                if c is not None:
                    c(item, (path, name), out)
                elif types and name not in members:
                    _add(out, opts, Violation("unknown", _flat((path, name)), item, "Member is not known"))

        if not types:
            # no wire types to check (decoded already): required members, then the members that
            # have a check, in the order the value holds them (the violations' order)
            active_get = active.get

            def check_members(value: Any, path: Where, out: list[Violation]) -> None:
                for name in required:
                    if value.get(name) is None:
                        _add(
                            out,
                            opts,
                            Violation("required", _flat((path, name)), None, "Member must not be null"),
                        )
                if active:
                    for name, item in value.items():
                        c = active_get(name)
                        if c is not None and item is not None:
                            c(item, (path, name), out)

            if not required:
                # only these members can be wrong: a container may skip a value holding none of them
                check_members.gate = frozenset(active)  # type: ignore[attr-defined]
            tests = tuple((name, _test_of(c)) for name, c in active.items())

            def members_ok(value: Any) -> bool:
                get = value.get
                for name in required:
                    if get(name) is None:
                        return False
                for name, test in tests:
                    item = get(name)
                    if item is not None and not test(item):
                        return False
                return True

            check_members.ok = members_ok  # type: ignore[attr-defined]
            return check_members
        return check_struct
    if t == "list":
        item_check = _element(_compile(shape.member, opts, building))
        if not types and not sized and item_check is None:
            return None

        def check_list(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            if sized and not low <= len(value) <= high:
                _length(md, value, _flat(path), out, opts)
            if item_check is not None:
                for i, item in enumerate(value):
                    if item is not None:
                        item_check(item, (path, i), out)
                    elif dense:
                        _add(out, opts, Violation("required", _flat((path, i)), None, "Member must not be null"))

        dense = not is_sparse(shape)
        item_test = None if item_check is None else _test_of(item_check)
        if not types:

            def list_ok(value: Any) -> bool:
                if sized and not low <= len(value) <= high:
                    return False
                if item_test is None:
                    return True
                for item in value:
                    if item is None:
                        if dense:
                            return False
                    elif not item_test(item):
                        return False
                return True

            check_list.ok = list_ok  # type: ignore[attr-defined]
        return check_list
    if t == "map":
        key_check = _compile(shape.key, opts, building)
        value_check = _element(_compile(shape.value, opts, building))
        if not types and not sized and key_check is None and value_check is None:
            return None

        def check_map(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            if sized and not low <= len(value) <= high:
                _length(md, value, _flat(path), out, opts)
            if key_check is None and value_check is None:
                return
            for k, item in value.items():
                if key_check is not None and (
                    key_bounds is None or not key_bounds[0] <= len(k) <= key_bounds[1]
                ):
                    key_check(k, (path, ("key", str(k))), out)
                if value_check is None:
                    continue
                if item is not None:
                    value_check(item, (path, ("key", str(k))), out)
                elif dense:
                    where = _flat((path, ("key", str(k))))
                    _add(out, opts, Violation("required", where, None, "Member must not be null"))

        key_bounds = getattr(key_check, "length_only", None)  # a key checked for its length alone
        dense = not is_sparse(shape)
        return check_map
    if t == "string":
        enum = md.get("enum") if opts.enums else None
        rx = _regex(md["pattern"]) if opts.patterns and "pattern" in md else None
        if not types and not enum and not sized and rx is None:
            return None
        enum_text = "Member must satisfy enum value set: [" + ", ".join(enum) + "]" if enum else ""
        pattern_text = f"Member must satisfy regular expression pattern: {md.get('pattern')}"

        def check_string(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            if enum and value not in enum:
                _add(out, opts, Violation("enum", _flat(path), value, enum_text))
            if sized and not low <= len(value) <= high:
                _length(md, value, _flat(path), out, opts)
            if rx is not None and not rx.fullmatch(value):
                _add(out, opts, Violation("pattern", _flat(path), value, pattern_text))

        if not types and rx is None and enum:
            enum_set = tuple(enum)
            check_string.ok = (  # type: ignore[attr-defined]
                (lambda value: value in enum_set and low <= len(value) <= high)
                if sized
                else (lambda value: value in enum_set)
            )
        if not types and not enum and rx is None:
            # its length alone (decoded strings: no type to check)

            def check_length(value: Any, path: Where, out: list[Violation]) -> None:
                if not low <= len(value) <= high:
                    _length(md, value, _flat(path), out, opts)

            check_length.length_only = (low, high)  # type: ignore[attr-defined]
            check_length.ok = lambda value: low <= len(value) <= high  # type: ignore[attr-defined]
            return check_length
        return check_string
    if t == "blob":
        if not types and not sized:
            return None

        def check_blob(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            if sized and isinstance(value, (bytes, bytearray, str)) and not low <= len(value) <= high:
                _length(md, value, _flat(path), out, opts)

        return check_blob
    if t in ("integer", "long", "float", "double"):
        ranged = opts.ranges and (lo is not None or hi is not None)
        if not types and not ranged:
            return None

        def check_number(value: Any, path: Where, out: list[Violation]) -> None:
            if types and wrong_type(value, path, out):
                return
            if not ranged:
                return
            if lo is not None and value < lo:
                text = f"Member must have value greater than or equal to {lo}"
                _add(out, opts, Violation("min_value", _flat(path), value, text))
            if hi is not None and value > hi:
                text = f"Member must have value less than or equal to {hi}"
                _add(out, opts, Violation("max_value", _flat(path), value, text))

        if not types:
            floor = lo if lo is not None else -math.inf
            ceiling = hi if hi is not None else math.inf
            check_number.ok = lambda value: floor <= value <= ceiling  # type: ignore[attr-defined]
        return check_number
    if not types:
        return None

    def check_type(value: Any, path: Where, out: list[Violation]) -> None:
        wrong_type(value, path, out)

    return check_type


def _length(
    md: dict[str, Any], value: Any, path: tuple[PathSegment, ...], out: list[Violation], opts: _Opts
) -> None:
    lo, hi = md.get("min"), md.get("max")
    if lo is None and hi is None:
        return
    n = len(value)
    if lo is not None and n < lo:
        _add(
            out,
            opts,
            Violation("min_length", path, value, f"Member must have length greater than or equal to {lo}"),
        )
    if hi is not None and n > hi:
        _add(
            out,
            opts,
            Violation("max_length", path, value, f"Member must have length less than or equal to {hi}"),
        )
