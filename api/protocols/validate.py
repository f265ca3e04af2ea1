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
  constraint ``"Member must not be null"``.
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
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from awsmock.api.specs import Shape

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
    if isinstance(value, bytes | bytearray):
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
    out: list[Violation] = []
    opts = _Opts(enums, ranges, patterns, types, limit)
    try:
        _walk(shape, value, (), out, opts)
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
        return isinstance(value, int | float) and not isinstance(value, bool)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "blob":
        return isinstance(value, bytes | bytearray | str) or hasattr(value, "read")
    if t == "timestamp":
        return isinstance(value, _dt.datetime)
    if t in ("structure", "map"):
        return isinstance(value, dict)
    if t == "list":
        return isinstance(value, list | tuple)
    return True


def _walk(shape: Shape, value: Any, path: tuple[PathSegment, ...], out: list[Violation], opts: _Opts) -> None:
    if opts.types and not _type_ok(shape, value):
        _add(
            out,
            opts,
            Violation("type", path, value, _TYPE_TEXT.get(shape.type_name, "Member has the wrong type")),
        )
        return
    t = shape.type_name
    md = shape.metadata
    if t == "structure":
        members = shape.members
        for name in shape.required_members:
            if value.get(name) is None:
                _add(out, opts, Violation("required", (*path, name), None, "Member must not be null"))
        for name, item in value.items():
            if item is None:
                continue
            member = members.get(name)
            if member is None:
                if opts.types:
                    _add(out, opts, Violation("unknown", (*path, name), item, "Member is not known"))
                continue
            _walk(member, item, (*path, name), out, opts)
        return
    if t == "list":
        if opts.ranges:
            _length(md, value, path, out, opts)
        member = shape.member
        for i, item in enumerate(value):
            if item is not None:
                _walk(member, item, (*path, i), out, opts)
        return
    if t == "map":
        if opts.ranges:
            _length(md, value, path, out, opts)
        key_shape, value_shape = shape.key, shape.value
        for k, item in value.items():
            _walk(key_shape, k, (*path, ("key", str(k))), out, opts)
            if item is not None:
                _walk(value_shape, item, (*path, ("key", str(k))), out, opts)
        return
    if t == "string":
        enum = md.get("enum")
        if opts.enums and enum and value not in enum:
            _add(
                out,
                opts,
                Violation(
                    "enum", path, value, "Member must satisfy enum value set: [" + ", ".join(enum) + "]"
                ),
            )
        if opts.ranges:
            _length(md, value, path, out, opts)
        if opts.patterns and "pattern" in md:
            rx = _regex(md["pattern"])
            if rx is not None and not rx.fullmatch(value):
                _add(
                    out,
                    opts,
                    Violation(
                        "pattern",
                        path,
                        value,
                        f"Member must satisfy regular expression pattern: {md['pattern']}",
                    ),
                )
        return
    if t == "blob":
        if opts.ranges and isinstance(value, bytes | bytearray | str):
            _length(md, value, path, out, opts)
        return
    if t in ("integer", "long", "float", "double") and opts.ranges:
        lo, hi = md.get("min"), md.get("max")
        if lo is not None and value < lo:
            _add(
                out,
                opts,
                Violation("min_value", path, value, f"Member must have value greater than or equal to {lo}"),
            )
        if hi is not None and value > hi:
            _add(
                out,
                opts,
                Violation("max_value", path, value, f"Member must have value less than or equal to {hi}"),
            )


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
