"""The Logs Insights query language, for the commands code under test uses most: ``fields``,
``display``, ``filter``, ``stats`` (``count``, ``count_distinct``, ``sum``, ``avg``, ``min``,
``max`` ``... by`` fields or ``bin(5m)``), ``sort``, ``limit`` and ``parse`` (a glob with ``*``
captures, or a regular expression with named groups).

A query is a pipeline of commands joined by ``|``; :func:`parse_query` reads it (raising
:class:`QueryError` with the character offset of the problem) and :func:`run` applies it to
records (one dict per event, holding ``@timestamp``, ``@message``, ``@logStream``, ``@log``,
``@ingestionTime`` and the fields discovered in a JSON message, flattened with dots).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from awsmock.state import jsontext

Record = dict[str, Any]


class QueryError(Exception):
    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# -- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
      | (?P<regex>/(?:[^/\\]|\\.)+/)
      | (?P<num>\d+(?:\.\d+)?(?:[smhdwy]|ms)?\b)
      | (?P<name>`[^`]+`|[@A-Za-z_$][\w.@$-]*)
      | (?P<op>!=|<=|>=|=|<|>|\(|\)|,|\*|\[|\]|\+|-|%)
    )""",
    re.X,
)


def _tokenize(text: str, base: int) -> list[tuple[str, str, int]]:
    out = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise QueryError(f"unexpected symbol found {text[pos:].strip()[:1]!s}", base + pos)
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), base + m.start(kind)))
        pos = m.end()
    return out


class _Tokens:
    def __init__(self, tokens: list[tuple[str, str, int]], end: int) -> None:
        self.items = tokens
        self.pos = 0
        self.end = end

    def peek(self) -> tuple[str, str, int] | None:
        return self.items[self.pos] if self.pos < len(self.items) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            raise QueryError("unexpected end of query", self.end)
        self.pos += 1
        return tok

    def at(self, *values: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] in ("op", "name") and tok[1].lower() in values

    def expect(self, value: str) -> None:
        _kind, text, at = self.take()
        if text.lower() != value:
            raise QueryError(f"expected {value} but found {text}", at)

    def done(self) -> bool:
        return self.pos >= len(self.items)


# -- expressions ---------------------------------------------------------------------------------

Expr = Callable[[Record], Any]


def _num(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except ValueError:
        return None


def _name(text: str) -> str:
    return text[1:-1] if text.startswith("`") else text


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


def _equal(a: Any, b: Any) -> bool:
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        return na == nb
    return a is not None and b is not None and str(a) == str(b)


def _order(a: Any, b: Any, op: str) -> bool:
    na, nb = _num(a), _num(b)
    if na is not None and nb is not None:
        x, y = na, nb
    elif a is not None and b is not None:
        x, y = str(a), str(b)  # type: ignore[assignment]
    else:
        return False
    return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]


_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "ispresent": lambda v: v is not None,
    "isempty": lambda v: v is None or v == "",
    "isblank": lambda v: v is None or str(v).strip() == "",
    "strlen": lambda v: len(str(v)) if v is not None else None,
    "toupper": lambda v: str(v).upper() if v is not None else None,
    "tolower": lambda v: str(v).lower() if v is not None else None,
    "trim": lambda v: str(v).strip() if v is not None else None,
    "abs": lambda v: abs(_num(v)) if _num(v) is not None else None,  # type: ignore[arg-type]
    "concat": lambda *vs: "".join(str(v) for v in vs if v is not None),
}


def _or(t: _Tokens) -> Expr:
    left = _and(t)
    while t.at("or"):
        t.take()
        right = _and(t)
        left = (lambda a, b: lambda r: bool(a(r)) or bool(b(r)))(left, right)
    return left


def _and(t: _Tokens) -> Expr:
    left = _not(t)
    while t.at("and"):
        t.take()
        right = _not(t)
        left = (lambda a, b: lambda r: bool(a(r)) and bool(b(r)))(left, right)
    return left


def _not(t: _Tokens) -> Expr:
    if t.at("not"):
        t.take()
        inner = _not(t)
        return lambda r: not inner(r)
    return _comparison(t)


def _comparison(t: _Tokens) -> Expr:
    left = _arith(t)
    negate = False
    if t.at("not"):
        t.take()
        negate = True
        if not t.at("like", "in"):
            raise QueryError("expected like or in after not", t.peek()[2] if t.peek() else t.end)  # type: ignore[index]
    if t.at("like", "=~"):
        t.take()
        kind, text, at = t.take()
        if kind == "regex":
            rx = _regex(text[1:-1], at)
            test: Expr = lambda r: left(r) is not None and rx.search(str(left(r))) is not None  # noqa: E731
        elif kind == "str":
            needle = _unquote(text)
            test = lambda r: left(r) is not None and needle in str(left(r))  # noqa: E731
        else:
            raise QueryError(f"expected a string or a regular expression after like, found {text}", at)
        return (lambda r: not test(r)) if negate else test
    if t.at("in"):
        t.take()
        t.expect("[")
        values = []
        while not t.at("]"):
            values.append(_primary(t))
            if t.at(","):
                t.take()
        t.expect("]")
        test = lambda r: any(_equal(left(r), v(r)) for v in values)  # noqa: E731
        return (lambda r: not test(r)) if negate else test
    if t.at("=", "!=", "<", ">", "<=", ">="):
        _, op, _ = t.take()
        right = _arith(t)
        if op == "=":
            return lambda r: _equal(left(r), right(r))
        if op == "!=":
            return lambda r: left(r) is not None and not _equal(left(r), right(r))
        return lambda r: _order(left(r), right(r), op)
    return left


def _arith(t: _Tokens) -> Expr:
    left = _primary(t)
    while t.at("+", "-", "*", "%") and not _is_star_arg(t):
        _, op, _ = t.take()
        right = _primary(t)

        def apply(r: Record, a: Expr = left, b: Expr = right, op: str = op) -> Any:
            x, y = _num(a(r)), _num(b(r))
            if x is None or y is None:
                return None
            if op == "%":
                return x % y if y else None
            return {"+": x + y, "-": x - y, "*": x * y}[op]

        left = apply
    return left


def _is_star_arg(t: _Tokens) -> bool:
    nxt = t.items[t.pos + 1] if t.pos + 1 < len(t.items) else None
    return t.at("*") and (nxt is None or nxt[1] == ")")


def _regex(text: str, at: int) -> re.Pattern[str]:
    try:
        return re.compile(re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", text))
    except re.error as exc:
        raise QueryError(f"invalid regular expression: {exc}", at) from None


def _primary(t: _Tokens) -> Expr:
    kind, text, at = t.take()
    if kind == "op" and text == "(":
        inner = _or(t)
        t.expect(")")
        return inner
    if kind == "op" and text == "-":
        inner = _primary(t)
        return lambda r: -_num(inner(r)) if _num(inner(r)) is not None else None  # type: ignore[operator]
    if kind == "str":
        value = _unquote(text)
        return lambda r: value
    if kind == "num":
        number = float(text) if "." in text else int(text)
        return lambda r: number
    if kind == "name":
        if t.at("(") and text.lower() in _FUNCTIONS:
            t.take()
            args: list[Expr] = []
            while not t.at(")"):
                args.append(_or(t))
                if t.at(","):
                    t.take()
            t.expect(")")
            fn = _FUNCTIONS[text.lower()]
            return lambda r: fn(*(a(r) for a in args))
        if t.at("("):
            raise QueryError(f"unknown function {text}", at)
        key = _name(text)
        if key.lower() in ("true", "false"):
            flag = key.lower() == "true"
            return lambda r: flag
        return lambda r: r.get(key)
    raise QueryError(f"unexpected symbol found {text}", at)


# -- commands ------------------------------------------------------------------------------------

_DURATIONS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


@dataclass
class Aggregate:
    name: str
    function: str
    arg: Expr | None


@dataclass
class Stats:
    aggregates: list[Aggregate]
    by: list[tuple[str, Expr]]


@dataclass
class Query:
    commands: list[tuple[str, Any]] = field(default_factory=list)
    #: the fields the answer shows (None: the default ones)
    shown: list[str] | None = None


def _split(text: str) -> list[tuple[str, int]]:
    """The commands of a pipeline and where each starts (``|`` outside quotes and regexes)."""
    parts, start, quote, i = [], 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = ""
        elif c in "\"'`":
            quote = c
        elif c == "/" and re.search(r"(like|=~|parse\s+\S+)\s*$", text[start:i], re.I):
            quote = "/"
        elif c == "|":
            parts.append((text[start:i], start))
            start = i + 1
        i += 1
    parts.append((text[start:], start))
    return parts


def _field_list(t: _Tokens) -> list[tuple[str, Expr]]:
    out = []
    while True:
        start = t.pos
        expr = _or(t)
        if t.at("as"):
            t.take()
            kind, text, at = t.take()
            if kind != "name":
                raise QueryError(f"expected a field name after as, found {text}", at)
            name = _name(text)
        else:
            tokens = t.items[start : t.pos]
            name = "".join(_name(tok[1]) if tok[0] == "name" else tok[1] for tok in tokens)
        out.append((name, expr))
        if not t.at(","):
            break
        t.take()
    return out


def _stats(t: _Tokens) -> Stats:
    aggregates = []
    while True:
        kind, text, at = t.take()
        fn = text.lower()
        if kind != "name" or fn not in ("count", "count_distinct", "sum", "avg", "min", "max"):
            raise QueryError(f"unknown aggregate function {text}", at)
        t.expect("(")
        arg: Expr | None = None
        label_arg = "*"
        if t.at("*"):
            t.take()
        else:
            start = t.pos
            arg = _or(t)
            label_arg = "".join(
                _name(tok[1]) if tok[0] == "name" else tok[1] for tok in t.items[start : t.pos]
            )
        t.expect(")")
        if arg is None and fn != "count":
            raise QueryError(f"{fn} needs a field", at)
        name = f"{fn}({label_arg})"
        if t.at("as"):
            t.take()
            name = _name(t.take()[1])
        aggregates.append(Aggregate(name, fn, arg))
        if not t.at(","):
            break
        t.take()
    by: list[tuple[str, Expr]] = []
    if t.at("by"):
        t.take()
        while True:
            kind, text, at = t.peek() or ("", "", t.end)
            if kind == "name" and text.lower() == "bin":
                t.take()
                t.expect("(")
                kind, span, at = t.take()
                m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)?", span)
                if kind != "num" or not m:
                    raise QueryError(f"invalid bin period {span}", at)
                seconds = float(m.group(1)) * _DURATIONS[m.group(2) or "s"]
                t.expect(")")
                label = f"bin({span})"
                if t.at("as"):
                    t.take()
                    label = _name(t.take()[1])
                by.append((label, _binner(seconds)))
            else:
                by.extend(_field_list_one(t))
            if not t.at(","):
                break
            t.take()
    return Stats(aggregates, by)


def _field_list_one(t: _Tokens) -> list[tuple[str, Expr]]:
    start = t.pos
    expr = _primary(t)
    name = "".join(_name(tok[1]) for tok in t.items[start : t.pos])
    if t.at("as"):
        t.take()
        name = _name(t.take()[1])
    return [(name, expr)]


def _binner(seconds: float) -> Expr:
    width = max(int(seconds * 1000), 1)
    texts: dict[int, str] = {}

    def bucket(r: Record) -> Any:
        ts = r.get("__ts")
        if ts is None:
            return None
        start = (ts // width) * width
        text = texts.get(start)
        if text is None:
            text = texts[start] = format_time(start)
        return text

    return bucket


def _parse_command(t: _Tokens) -> tuple[Expr, Any]:
    source = _primary(t)
    kind, text, at = t.take()
    if kind == "regex":
        rx = _regex(text[1:-1], at)
        return source, ("regex", rx, list(rx.groupindex))
    if kind != "str":
        raise QueryError("parse needs a pattern in quotes or a regular expression", at)
    glob = _unquote(text)
    pieces = glob.split("*")
    last = len(pieces) - 1
    rx = re.compile(
        "".join(
            re.escape(p) + ("" if i == last else "(.*)" if i == last - 1 and not pieces[last] else "(.*?)")
            for i, p in enumerate(pieces)
        )
    )
    t.expect("as")
    names = []
    while True:
        names.append(_name(t.take()[1]))
        if not t.at(","):
            break
        t.take()
    if len(names) != len(pieces) - 1:
        raise QueryError("the number of fields does not match the pattern's * captures", at)
    return source, ("glob", rx, names)


def parse_query(text: str) -> Query:
    query = Query()
    for part, start in _split(text):
        if not part.strip():
            raise QueryError("empty command", start)
        m = re.match(r"\s*(\w+)", part)
        if not m:
            raise QueryError("expected a command", start)
        command = m.group(1).lower()
        tokens = _Tokens(_tokenize(part[m.end() :], start + m.end()), start + len(part))
        if command in ("fields", "display"):
            items = _field_list(tokens)
            query.commands.append(("fields", items))
            if command == "display" or query.shown is None:
                query.shown = [n for n, _ in items]
            elif command == "fields":
                query.shown += [n for n, _ in items if n not in query.shown]
        elif command == "filter":
            query.commands.append(("filter", _or(tokens)))
        elif command == "stats":
            stats = _stats(tokens)
            query.commands.append(("stats", stats))
            query.shown = [n for n, _ in stats.by] + [a.name for a in stats.aggregates]
        elif command == "sort":
            keys = []
            while True:
                kind, text_, at = tokens.take()
                if kind != "name":
                    raise QueryError(f"expected a field to sort by, found {text_}", at)
                descending = False
                if tokens.at("asc", "desc"):
                    descending = tokens.take()[1].lower() == "desc"
                keys.append((_name(text_), descending))
                if not tokens.at(","):
                    break
                tokens.take()
            query.commands.append(("sort", keys))
        elif command in ("limit", "head"):
            kind, text_, at = tokens.take()
            if kind != "num" or not text_.isdigit() or int(text_) < 1 or int(text_) > 10000:
                raise QueryError(f"limit must be a number from 1 to 10000, found {text_}", at)
            query.commands.append(("limit", int(text_)))
        elif command == "parse":
            query.commands.append(("parse", _parse_command(tokens)))
        elif command == "dedup":
            names = [n for n, _ in _field_list(tokens)]
            query.commands.append(("dedup", names))
        else:
            raise QueryError(f"unknown command {m.group(1)}", start + m.start(1))
        if not tokens.done():
            kind, text_, at = tokens.peek()  # type: ignore[misc]
            raise QueryError(f"unexpected symbol found {text_}", at)
    return query


# -- running -------------------------------------------------------------------------------------


def format_time(ms: int) -> str:
    moment = dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S.") + f"{ms % 1000:03d}"


def _flatten(prefix: str, value: Any, out: Record, depth: int = 0) -> None:
    if isinstance(value, dict) and depth < 8:
        for k, v in value.items():
            _flatten(f"{prefix}.{k}" if prefix else str(k), v, out, depth + 1)
    elif isinstance(value, list) and depth < 8:
        for i, v in enumerate(value[:100]):
            _flatten(f"{prefix}.{i}", v, out, depth + 1)
    elif prefix:
        out[prefix] = value


_ABSENT = object()
_LAZY = ("@timestamp", "@ingestionTime", "@ptr")


class Event(dict):  # type: ignore[type-arg]
    """The fields Insights sees in one event, computed when first read: the times' text, the
    pointer, and the fields of a JSON message (a query reading only ``@message`` parses none)."""

    def __init__(self, event: Any, stream: str, log: str) -> None:
        super().__init__(
            {"@message": event.message, "@logStream": stream, "@log": log, "__ts": event.timestamp}
        )
        self._event = event
        self._parsed = False

    def _fill(self, key: str) -> None:
        event = self._event
        if key == "@timestamp":
            dict.__setitem__(self, key, format_time(event.timestamp))
        elif key == "@ingestionTime":
            dict.__setitem__(self, key, format_time(event.ingestion))
        elif key == "@ptr":
            dict.__setitem__(self, key, f"{event.group_id}:{event.stream_id}:{event.id}")
        elif not self._parsed:
            self._parsed = True
            message = event.message
            if message.lstrip().startswith("{") and len(message) < 1_000_000:
                try:
                    doc = jsontext.guarded_loads(message)
                except (ValueError, RecursionError):
                    doc = None
                if isinstance(doc, dict):
                    fields: Record = {}
                    _flatten("", doc, fields)
                    for name, value in fields.items():
                        self.setdefault(name, value)

    def get(self, key: str, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            self._fill(key)
        return dict.get(self, key, default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, _ABSENT) is not _ABSENT

    def complete(self) -> Event:
        """Every field computed (to list them)."""
        for key in _LAZY:
            self.get(key)
        self.get("")
        return self


def record(event: Any, stream: str, log: str) -> Event:
    """The fields Insights sees in one event."""
    return Event(event, stream, log)


DEFAULT_FIELDS = ["@timestamp", "@message"]


def _sort_key(value: Any) -> tuple[int, Any]:
    n = _num(value)
    if n is not None:
        return (1, n)
    if value is None:
        return (0, 0)
    return (2, str(value))


def run(query: Query, records: Iterable[Record], limit: int) -> tuple[list[Record], int]:
    """(the result rows, how many records matched the filters)."""
    rows: list[Record] = list(records)
    matched = None
    sorted_by_user = False
    for command, arg in query.commands:
        if command == "filter":
            rows = [r for r in rows if arg(r)]
        elif command == "fields":
            for r in rows:
                for name, expr in arg:
                    if name not in r:
                        r[name] = expr(r)
        elif command == "parse":
            source, (style, rx, names) = arg
            for r in rows:
                value = source(r)
                m = rx.search(str(value)) if value is not None else None
                if m:
                    if style == "glob":
                        r.update(zip(names, m.groups(), strict=False))
                    else:
                        r.update({n: m.group(n) for n in names})
        elif command == "stats":
            matched = len(rows)
            rows = _aggregate(arg, rows)
        elif command == "sort":
            for name, descending in reversed(arg):
                rows.sort(key=_by(name), reverse=descending)
            sorted_by_user = True
        elif command == "limit":
            rows = rows[:arg]
        elif command == "dedup":
            seen, kept = set(), []
            for r in rows:
                key = tuple(str(r.get(n)) for n in arg)
                if key not in seen:
                    seen.add(key)
                    kept.append(r)
            rows = kept
    if matched is None:
        matched = len(rows)
        if not sorted_by_user:
            rows.sort(key=lambda r: r.get("__ts", 0), reverse=True)
    return rows[:limit], matched


def _by(name: str) -> Callable[[Record], tuple[int, Any]]:
    return lambda r: _sort_key(r.get(name))


def _aggregate(stats: Stats, rows: list[Record]) -> list[Record]:
    groups: dict[tuple[str, ...], tuple[Record, list[Record]]] = {}
    for r in rows:
        keys = {name: expr(r) for name, expr in stats.by}
        if any(v is None for v in keys.values()):
            continue
        ident = tuple(str(v) for v in keys.values())
        groups.setdefault(ident, (keys, []))[1].append(r)
    if not stats.by and not groups:
        groups[()] = ({}, [])
    out = []
    for keys, members in groups.values():
        result: Record = dict(keys)
        for agg in stats.aggregates:
            values = [agg.arg(m) for m in members] if agg.arg else [1] * len(members)
            present = [v for v in values if v is not None]
            numbers = [n for n in (_num(v) for v in present) if n is not None]
            if agg.function == "count":
                result[agg.name] = len(present)
            elif agg.function == "count_distinct":
                result[agg.name] = len({str(v) for v in present})
            elif not numbers:
                continue
            elif agg.function == "sum":
                result[agg.name] = sum(numbers)
            elif agg.function == "avg":
                result[agg.name] = sum(numbers) / len(numbers)
            elif agg.function == "min":
                result[agg.name] = min(numbers)
            else:
                result[agg.name] = max(numbers)
        out.append(result)
    return out


def text_of(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def shape_rows(query: Query, rows: list[Record]) -> list[list[dict[str, str]]]:
    """The rows as GetQueryResults answers them: ``[{field, value}]`` per row, with ``@ptr``."""
    shown = query.shown if query.shown is not None else DEFAULT_FIELDS
    is_stats = any(c == "stats" for c, _ in query.commands)
    out = []
    for r in rows:
        row = [{"field": name, "value": text_of(r[name])} for name in shown if r.get(name) is not None]
        if not is_stats and "@ptr" in r:
            row.append({"field": "@ptr", "value": str(r["@ptr"])})
        out.append(row)
    return out
