"""Filter expressions, the common cases of X-Ray's language: the keywords ``ok``, ``error``,
``fault``, ``throttle``, ``partial``; ``responsetime``/``duration`` compared with numbers;
``http.status``, ``http.url``, ``http.method``, ``http.useragent``, ``http.clientip``, ``user``
and ``annotation.KEY`` (or ``annotation[KEY]``) compared with ``=``, ``!=``, ``<``, ``<=``,
``>``, ``>=``, ``CONTAINS``, ``BEGINSWITH``, ``ENDSWITH``; ``service("name")``,
``service(id(name: "n", type: "t"))`` and ``id(...)`` with an optional ``{ ... }`` of keywords
about that service's own segments; ``edge("a", "b")``; combined with ``AND``/``&&``,
``OR``/``||``, ``NOT``/``!`` and parentheses.

:func:`compile_filter` turns the text into a predicate over a :class:`.traces.Trace`, or raises
InvalidRequestException for text it cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .errors import InvalidRequestException
from .traces import Trace, inferred_type, number, subsegments

Doc = dict[str, Any]
#: a predicate over a trace and, inside service(...) { }, one of its segments
Predicate = Callable[[Trace, "Doc | None"], bool]

MAX_LENGTH = 2000
MAX_DEPTH = 40

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<string>"(?:[^"\\]|\\.)*")
    | (?P<number>-?\d+(?:\.\d+)?)
    | (?P<op>&&|\|\||!=|<=|>=|=|<|>|!|\(|\)|\{|\}|,|:|\[|\])
    | (?P<word>[A-Za-z_][A-Za-z0-9_.\-]*)
    )""",
    re.VERBOSE,
)

_BOOLEANS = ("ok", "error", "fault", "throttle", "partial")
_NUMBERS = ("responsetime", "duration")
_HTTP = ("http.status", "http.url", "http.method", "http.useragent", "http.clientip")
_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=", "CONTAINS", "BEGINSWITH", "ENDSWITH")


def invalid(detail: str = "") -> InvalidRequestException:
    return InvalidRequestException("Invalid filter expression" + (f": {detail}" if detail else ""))


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise invalid(f"unexpected character at position {pos + 1}")
        pos = m.end()
        kind = m.lastgroup or ""
        value: Any = m.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "number":
            value = float(value)
        out.append((kind, value))
    return out


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def next(self) -> tuple[str, Any]:
        tok = self.peek()
        if tok is None:
            raise invalid("unexpected end of expression")
        self.i += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok[0] in ("op", "word") and str(tok[1]).upper() in values:
            self.i += 1
            return str(tok[1]).upper()
        return None

    def expect(self, value: str) -> None:
        if self.accept(value) is None:
            raise invalid(f"expected {value}")

    # -- grammar -------------------------------------------------------------------------

    def parse(self) -> Predicate:
        pred = self.or_()
        if self.peek() is not None:
            raise invalid(f"unexpected {self.peek()[1]!s}")  # type: ignore[index]
        return pred

    def or_(self) -> Predicate:
        parts = [self.and_()]
        while self.accept("OR", "||"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else (lambda t, d: any(p(t, d) for p in parts))

    def and_(self) -> Predicate:
        parts = [self.not_()]
        while self.accept("AND", "&&"):
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else (lambda t, d: all(p(t, d) for p in parts))

    def not_(self) -> Predicate:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise invalid(f"nested deeper than {MAX_DEPTH} levels")
        try:
            if self.accept("NOT", "!"):
                inner = self.not_()
                return lambda t, d: not inner(t, d)
            return self.primary()
        finally:
            self.depth -= 1

    def primary(self) -> Predicate:
        if self.accept("("):
            inner = self.or_()
            self.expect(")")
            return inner
        kind, value = self.next()
        if kind != "word":
            raise invalid(f"unexpected {value}")
        word = str(value)
        low = word.lower()
        if low in ("service", "id"):
            return self.service(low)
        if low == "edge":
            return self.edge()
        if low in _BOOLEANS:
            op = self.comparison(optional=True)
            if op is None:
                return lambda t, d: _flag(t, d, low)
            lit = self.literal()
            if not isinstance(lit, bool) or op not in ("=", "!="):
                raise invalid(f"{low} compares with true or false")
            want = lit if op == "=" else not lit
            return lambda t, d: _flag(t, d, low) is want
        if low in _NUMBERS or low in _HTTP or low == "user":
            op = self.comparison()
            return _compare(lambda t, d: _value(t, d, low), op, self.literal())
        if low.startswith("annotation.") and len(low) > len("annotation."):
            key = word[len("annotation.") :]
            op = self.comparison()
            return _compare_any(lambda t, d: t.annotations().get(key, []), op, self.literal())
        if low == "annotation" and self.accept("["):
            k_kind, key = self.next()
            if k_kind not in ("word", "string"):
                raise invalid("expected an annotation key")
            self.expect("]")
            op = self.comparison()
            key_text = str(key)
            return _compare_any(lambda t, d: t.annotations().get(key_text, []), op, self.literal())
        raise invalid(f"unknown keyword {word}")

    def comparison(self, optional: bool = False) -> str | None:
        op = self.accept(*_COMPARISONS)
        if op is None and not optional:
            raise invalid("expected a comparison operator")
        return op

    def literal(self) -> Any:
        kind, value = self.next()
        if kind in ("string", "number"):
            return value
        if kind == "word" and str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise invalid(f"expected a value, found {value}")

    def service_id(self) -> tuple[str | None, str | None]:
        """The arguments of ``service(...)``/``id(...)``: a name, or ``name: "n", type: "t"``."""
        self.expect("(")
        name: str | None = None
        kind: str | None = None
        if self.accept(")"):
            return None, None
        tok = self.peek()
        if tok is not None and tok[0] == "string":
            self.next()
            name = str(tok[1])
        elif tok is not None and tok[0] == "word" and str(tok[1]).lower() == "id":
            self.next()
            name, kind = self.service_id()
        else:
            while True:
                k_kind, key = self.next()
                if k_kind != "word" or str(key).lower() not in ("name", "type"):
                    raise invalid("expected name: or type:")
                self.expect(":")
                v_kind, val = self.next()
                if v_kind != "string":
                    raise invalid("expected a quoted string")
                if str(key).lower() == "name":
                    name = str(val)
                else:
                    kind = str(val)
                if not self.accept(","):
                    break
        self.expect(")")
        return name, kind

    def service(self, word: str) -> Predicate:
        name, kind = self.service_id()
        inner: Predicate | None = None
        if self.accept("{"):
            inner = self.or_() if self.peek() != ("op", "}") else None
            self.expect("}")

        def matches(t: Trace, d: Doc | None) -> bool:
            for doc, doc_kind in _nodes(t):
                if name is not None and doc.get("name") != name:
                    continue
                if kind is not None and doc_kind != kind:
                    continue
                if inner is None or inner(t, doc):
                    return True
            return False

        return matches

    def edge(self) -> Predicate:
        self.expect("(")
        ends: list[str] = []
        while True:
            k, v = self.next()
            if k != "string":
                raise invalid("edge takes two quoted service names")
            ends.append(str(v))
            if not self.accept(","):
                break
        self.expect(")")
        if len(ends) != 2:
            raise invalid("edge takes two quoted service names")
        if self.accept("{"):
            self.or_()
            self.expect("}")
        source, target = ends
        return lambda t, d: (source, target) in _edges(t)


def _nodes(t: Trace) -> list[tuple[Doc, str | None]]:
    out: list[tuple[Doc, str | None]] = []
    for seg in t.segments:
        if seg.get("type") != "subsegment":
            out.append((seg, seg.get("origin") if isinstance(seg.get("origin"), str) else None))
        for sub in subsegments(seg):
            kind = inferred_type(sub)
            if kind is not None:
                out.append((sub, kind))
    return out


def _edges(t: Trace) -> set[tuple[str, str]]:
    owner: dict[str, str] = {}
    edges: set[tuple[str, str]] = set()
    for seg in t.segments:
        for sub in subsegments(seg):
            owner[str(sub.get("id"))] = str(seg.get("name"))
            if inferred_type(sub) is not None:
                edges.add((str(seg.get("name")), str(sub.get("name"))))
    for seg in t.segments:
        parent = seg.get("parent_id")
        if isinstance(parent, str) and parent in owner:
            edges.add((owner[parent], str(seg.get("name"))))
    return edges


def _flag(t: Trace, d: Doc | None, name: str) -> bool:
    if name == "partial":
        return t.partial
    return t.flag(name, d)


def _value(t: Trace, d: Doc | None, key: str) -> Any:
    if key == "responsetime":
        if d is None:
            return t.response_time
        start, end = number(d.get("start_time")), number(d.get("end_time"))
        return None if start is None or end is None else end - start
    if key == "duration":
        return t.duration
    if key == "user":
        return (d or t.root).get("user")
    return t.http(d)[key.split(".", 1)[1]]


def _test(value: Any, op: str, lit: Any) -> bool:
    if value is None:
        return op == "!="
    if isinstance(lit, float):
        num = number(value)
        if num is None:
            return False
        return {
            "=": num == lit,
            "!=": num != lit,
            "<": num < lit,
            "<=": num <= lit,
            ">": num > lit,
            ">=": num >= lit,
        }.get(op, False)
    if isinstance(lit, bool):
        return (value is lit) if op == "=" else (value is not lit) if op == "!=" else False
    if not isinstance(value, str):
        return op == "!="
    return {
        "=": value == lit,
        "!=": value != lit,
        "CONTAINS": lit in value,
        "BEGINSWITH": value.startswith(lit),
        "ENDSWITH": value.endswith(lit),
        "<": value < lit,
        "<=": value <= lit,
        ">": value > lit,
        ">=": value >= lit,
    }[op]


def _check_literal(op: str, lit: Any) -> None:
    if op in ("CONTAINS", "BEGINSWITH", "ENDSWITH") and not isinstance(lit, str):
        raise invalid(f"{op} compares with a quoted string")


def _compare(get: Callable[[Trace, Doc | None], Any], op: str | None, lit: Any) -> Predicate:
    assert op is not None
    _check_literal(op, lit)
    return lambda t, d: _test(get(t, d), op, lit)


def _compare_any(get: Callable[[Trace, Doc | None], list[Any]], op: str | None, lit: Any) -> Predicate:
    assert op is not None
    _check_literal(op, lit)
    if op == "!=":
        return lambda t, d: bool(get(t, d)) and all(_test(v, op, lit) for v in get(t, d))
    return lambda t, d: any(_test(v, op, lit) for v in get(t, d))


def compile_filter(text: str | None) -> Predicate | None:
    """The predicate of a filter expression (None: no filter)."""
    if text is None or not text.strip():
        return None
    if len(text) > MAX_LENGTH:
        raise invalid(f"longer than {MAX_LENGTH} characters")
    return _Parser(text).parse()


def matches(pred: Predicate | None, trace: Trace) -> bool:
    return True if pred is None else pred(trace, None)
