"""The filter-pattern language of CloudWatch Logs (FilterLogEvents, metric filters,
subscription filters, TestMetricFilter).

Three forms, told apart by their first character:

* terms (unstructured logs): ``ERROR``, ``"a quoted phrase"``, ``ERROR Exception`` (every term),
  ``?ERROR ?WARN`` (any of them), ``ERROR -Retrying`` (the term must not appear); terms are
  case-sensitive; ``%regex%`` is a regular expression;
* JSON patterns: ``{ $.level = "ERROR" }``, ``{ $.latency > 5 }``, ``&&``, ``||``, parentheses,
  ``IS NULL``, ``IS TRUE``/``IS FALSE``, ``EXISTS``/``NOT EXISTS``, ``*`` wildcards in values,
  array indexes (``$.a[0].b``);
* space-delimited patterns: ``[ip, user, ..., status = 4*, size > 1000]``: a message's fields
  are split on spaces (a ``"quoted"`` or ``[bracketed]`` field is one), named in order, ``...``
  stands for any number of fields, and conditions (joined with ``&&``/``||``) test the named
  fields.

:func:`compile_pattern` parses once; the result's ``matches(message)`` and ``extract(message)``
(the named values a metric filter can use: ``$.latency``, ``$size``) read each event.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from awsmock.state import jsontext

from .errors import InvalidParameterException

_MISSING = object()
_MAX_JSON = 1 << 20


class PatternError(Exception):
    pass


def _invalid() -> InvalidParameterException:
    return InvalidParameterException("Invalid filter pattern")


# -- values --------------------------------------------------------------------------------------


def _number(text: Any) -> float | None:
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if isinstance(text, str):
        try:
            return float(text)
        except ValueError:
            return None
    return None


@functools.lru_cache(maxsize=256)
def _glob(value: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in value.split("*")), re.S)


@dataclass(frozen=True)
class _Literal:
    text: str
    quoted: bool
    #: a ``%regular expression%`` value
    regex: re.Pattern[str] | None = None

    @property
    def number(self) -> float | None:
        return None if self.quoted or self.regex is not None else _number(self.text)


def _compare(actual: Any, op: str, lit: _Literal) -> bool:
    if isinstance(actual, list):
        return any(_compare(a, op, lit) for a in actual)
    if actual is _MISSING or isinstance(actual, dict):
        return False
    want = lit.number
    if op in ("<", ">", "<=", ">="):
        have = _number(actual)
        if have is None or want is None:
            return False
        return {"<": have < want, ">": have > want, "<=": have <= want, ">=": have >= want}[op]
    if want is not None and _number(actual) is not None:
        equal = _number(actual) == want
    else:
        if actual is None or isinstance(actual, bool):
            text = json.dumps(actual)
        else:
            text = str(actual)
        if lit.regex is not None:
            equal = lit.regex.search(text) is not None
        elif "*" in lit.text:
            equal = _glob(lit.text).fullmatch(text) is not None
        else:
            equal = text == lit.text
    return equal if op == "=" else not equal


# -- tokens --------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<str>"(?:[^"\\]|\\.)*")
      | (?P<sel>\$[^\s"&|!=<>(),{}]*)
      | (?P<rx>%[^%]+%)
      | (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|,|\[|\]|\{|\})
      | (?P<word>[^\s"&|!=<>(),\[\]{}]+)
    )""",
    re.X,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise PatternError(text[pos:])
        pos = m.end()
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "str":
            value = _unquote(value)
        elif kind in ("sel", "rx"):
            kind = "word"
        out.append((kind, value))
    return out


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text[1:-1])


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise PatternError("unexpected end")
        self.pos += 1
        return tok

    def expect(self, value: str) -> None:
        kind, got = self.take()
        if got != value or kind == "str":
            raise PatternError(f"expected {value}")

    def at(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] != "str" and tok[1] == value

    def at_word(self, value: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "word" and tok[1].upper() == value


Predicate = Callable[[Any], bool]


# -- JSON patterns -------------------------------------------------------------------------------

_SELECTOR_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\.?\[\*\]|\.\*")


def _selector(text: str) -> list[str | int]:
    if not text.startswith("$"):
        raise PatternError(text)
    parts: list[str | int] = []
    pos = 1
    while pos < len(text):
        m = _SELECTOR_PART.match(text, pos)
        if not m:
            raise PatternError(text)
        if m.group(1) is not None:
            parts.append(m.group(1))
        elif m.group(2) is not None:
            parts.append(int(m.group(2)))
        else:
            parts.append("*")
        pos = m.end()
    return parts


def _resolve(doc: Any, path: list[str | int]) -> Any:
    current = doc
    for i, part in enumerate(path):
        if part == "*":
            if isinstance(current, list):
                items = current
            elif isinstance(current, dict):
                items = list(current.values())
            else:
                return _MISSING
            found = [_resolve(item, path[i + 1 :]) for item in items]
            return [f for f in found if f is not _MISSING] or _MISSING
        if isinstance(part, int):
            if not isinstance(current, list) or part >= len(current):
                return _MISSING
            current = current[part]
        else:
            if not isinstance(current, dict) or part not in current:
                return _MISSING
            current = current[part]
    return current


def _json_expr(p: _Parser) -> Predicate:
    left = _json_and(p)
    while p.at("||"):
        p.take()
        right = _json_and(p)
        left = (lambda a, b: lambda d: a(d) or b(d))(left, right)
    return left


def _json_and(p: _Parser) -> Predicate:
    left = _json_primary(p)
    while p.at("&&"):
        p.take()
        right = _json_primary(p)
        left = (lambda a, b: lambda d: a(d) and b(d))(left, right)
    return left


def _json_primary(p: _Parser) -> Predicate:
    if p.at("("):
        p.take()
        inner = _json_expr(p)
        p.expect(")")
        return inner
    kind, text = p.take()
    if kind != "word":
        raise PatternError(text)
    path = _selector(text)
    if p.at_word("IS"):
        p.take()
        _, what = p.take()
        what = what.upper()
        if what == "NULL":
            return lambda d: _resolve(d, path) is None
        if what == "TRUE":
            return lambda d: _resolve(d, path) is True
        if what == "FALSE":
            return lambda d: _resolve(d, path) is False
        raise PatternError(what)
    if p.at_word("NOT"):
        p.take()
        if not p.at_word("EXISTS"):
            raise PatternError("NOT")
        p.take()
        return lambda d: _resolve(d, path) is _MISSING
    if p.at_word("EXISTS"):
        p.take()
        return lambda d: _resolve(d, path) is not _MISSING
    op_kind, op = p.take()
    if op_kind != "op" or op not in ("=", "!=", "<", ">", "<=", ">="):
        raise PatternError(op)
    lit = _literal(p)
    if op in ("<", ">", "<=", ">=") and lit.number is None:
        raise PatternError(lit.text)
    return lambda d: _compare(_resolve(d, path), op, lit)


def _literal(p: _Parser) -> _Literal:
    kind, text = p.take()
    if kind == "str":
        return _Literal(text, True)
    if kind != "word":
        raise PatternError(text)
    if len(text) >= 2 and text.startswith("%") and text.endswith("%"):
        return _Literal(text, False, _regex(text[1:-1]))
    return _Literal(text, False)


#: AWS's quota of regular expressions in one filter pattern
MAX_REGEXES = 2


def _regex(text: str) -> re.Pattern[str]:
    return re.compile(text)


def _load(message: str) -> Any:
    if len(message) > _MAX_JSON or not message.lstrip().startswith(("{", "[")):
        return _MISSING
    try:
        return jsontext.guarded_loads(message)
    except (ValueError, RecursionError):
        return _MISSING


# -- space-delimited patterns --------------------------------------------------------------------

_FIELD = re.compile(r'"([^"]*)"|\[([^\]]*)\]|(\S+)')


def split_fields(message: str) -> list[str]:
    """A message's space-delimited fields (a quoted or bracketed field is one, unwrapped)."""
    out = []
    for m in _FIELD.finditer(message):
        out.append(next(g for g in m.groups() if g is not None))
    return out


@dataclass
class _Delimited:
    names: list[str]  # "..." for an ellipsis
    condition: Callable[[dict[str, str]], bool] | None

    def bind(self, fields: list[str]) -> dict[str, str] | None:
        return _align(self.names, fields)


def _align(names: list[str], fields: list[str]) -> dict[str, str] | None:
    if not names:
        return {} if not fields else None
    head = names[0]
    if head == "...":
        for skip in range(len(fields) + 1):
            rest = _align(names[1:], fields[skip:])
            if rest is not None:
                return rest
        return None
    if not fields:
        return None
    rest = _align(names[1:], fields[1:])
    if rest is None:
        return None
    rest[head] = fields[0]
    return rest


def _delimited(text: str) -> _Delimited:
    tokens = _tokens(text)
    if not tokens or tokens[0][1] != "[" or tokens[-1][1] != "]":
        raise PatternError(text)
    inner = tokens[1:-1]
    # fields are separated by commas; a field is a name, an ellipsis, or a name and a condition
    groups: list[list[tuple[str, str]]] = [[]]
    for tok in inner:
        if tok == ("op", ","):
            groups.append([])
        else:
            groups[-1].append(tok)
    names: list[str] = []
    conditions: list[Predicate] = []
    for group in groups:
        if not group:
            if len(groups) == 1:
                continue
            raise PatternError("empty field")
        name = group[0][1]
        if group[0][0] != "word":
            raise PatternError(name)
        if name != "..." and not re.fullmatch(r"[A-Za-z_$][\w$.-]*", name):
            raise PatternError(name)
        names.append(name)
        if len(group) > 1:
            conditions.append(_delimited_condition(_Parser(group)))
    seen = [n for n in names if n != "..."]
    if len(set(seen)) != len(seen):
        raise PatternError("duplicate field")
    if not conditions:
        return _Delimited(names, None)
    return _Delimited(names, lambda values: all(c(values) for c in conditions))


def _delimited_condition(p: _Parser) -> Predicate:
    left = _delimited_and(p)
    while p.at("||"):
        p.take()
        left = (lambda a, b: lambda v: a(v) or b(v))(left, _delimited_and(p))
    if p.peek() is not None:
        raise PatternError(p.peek()[1])  # type: ignore[index]
    return left


def _delimited_and(p: _Parser) -> Predicate:
    left = _delimited_one(p)
    while p.at("&&"):
        p.take()
        left = (lambda a, b: lambda v: a(v) and b(v))(left, _delimited_one(p))
    return left


def _delimited_one(p: _Parser) -> Predicate:
    kind, name = p.take()
    if kind != "word":
        raise PatternError(name)
    op_kind, op = p.take()
    if op_kind != "op" or op not in ("=", "!=", "<", ">", "<=", ">="):
        raise PatternError(op)
    lit = _literal(p)
    if op in ("<", ">", "<=", ">=") and lit.number is None:
        raise PatternError(lit.text)
    return lambda values: _compare(values.get(name, _MISSING), op, lit)


# -- terms ---------------------------------------------------------------------------------------


@dataclass
class _Terms:
    required: list[str] = field(default_factory=list)
    any_of: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def __call__(self, message: str) -> bool:
        if any(t in message for t in self.excluded):
            return False
        if not all(t in message for t in self.required):
            return False
        return not self.any_of or any(t in message for t in self.any_of)


def _terms(text: str) -> _Terms:
    out = _Terms()
    for m in re.finditer(r'([?-]?)(?:"((?:[^"\\]|\\.)*)"|(\S+))', text):
        prefix, quoted, bare = m.groups()
        term = _unquote('"' + quoted + '"') if quoted is not None else bare
        if not term:
            continue
        {"": out.required, "?": out.any_of, "-": out.excluded}[prefix].append(term)
    return out


# -- the compiled pattern ------------------------------------------------------------------------


@dataclass
class Pattern:
    text: str
    kind: str  # "all", "terms", "regex", "json", "delimited"
    _terms: _Terms | None = None
    _regex: re.Pattern[str] | None = None
    _json: Predicate | None = None
    _delimited: _Delimited | None = None

    @property
    def terms(self) -> _Terms | None:
        """The terms of a pattern of terms (required, any of, excluded)."""
        return self._terms

    def matches(self, message: str) -> bool:
        return self.extract(message) is not None

    def extract(self, message: str) -> dict[str, Any] | None:
        """None when the message does not match; else the values a metric filter may read:
        ``$name`` of a space-delimited field, or the parsed JSON under ``$``."""
        if self.kind == "all":
            return {}
        if self.kind == "terms":
            return {} if self._terms and self._terms(message) else None
        if self.kind == "regex":
            return {} if self._regex and self._regex.search(message) else None
        if self.kind == "json":
            doc = _load(message)
            if doc is _MISSING or self._json is None:
                return None
            try:
                ok = self._json(doc)
            except RecursionError:
                return None
            return {"$": doc} if ok else None
        assert self._delimited is not None
        values = self._delimited.bind(split_fields(message))
        if values is None:
            return None
        if self._delimited.condition is not None and not self._delimited.condition(values):
            return None
        return {f"${k}": v for k, v in values.items()}


def compile_pattern(text: str | None) -> Pattern:
    """The pattern ``text``, parsed (InvalidParameterException when it is not one)."""
    source = (text or "").strip()
    if len(re.findall(r"%[^%]+%", source)) > MAX_REGEXES:
        raise InvalidParameterException(
            f"A filter pattern can contain at most {MAX_REGEXES} regular expressions."
        )
    try:
        return _compiled(source)
    except (PatternError, re.error, RecursionError, IndexError):
        raise _invalid() from None


@functools.lru_cache(maxsize=128)
def _compiled(source: str) -> Pattern:
    if not source or source == '""':
        return Pattern(source, "all")
    if source.startswith("{"):
        if not source.endswith("}"):
            raise PatternError(source)
        parser = _Parser(_tokens(source[1:-1]))
        predicate = _json_expr(parser)
        if parser.peek() is not None:
            raise PatternError(source)
        return Pattern(source, "json", _json=predicate)
    if source.startswith("["):
        return Pattern(source, "delimited", _delimited=_delimited(source))
    if len(source) >= 2 and source.startswith("%") and source.endswith("%"):
        return Pattern(source, "regex", _regex=re.compile(source[1:-1]))
    return Pattern(source, "terms", _terms=_terms(source))


def metric_value(spec: str, extracted: dict[str, Any]) -> float | None:
    """A metric filter's ``metricValue`` for one matching event: a number, ``$.path`` of a JSON
    event, or ``$field`` of a space-delimited one (None when the event lacks it)."""
    spec = spec.strip()
    if spec.startswith("$."):
        if "$" not in extracted:
            return None
        try:
            found = _resolve(extracted["$"], _selector(spec))
        except PatternError:
            return None
        return _number(found)
    if spec.startswith("$"):
        return _number(extracted.get(spec))
    return _number(spec)


def field_text(spec: str, extracted: dict[str, Any]) -> str | None:
    """A metric filter dimension's value for one matching event: the text of ``$.path`` of a
    JSON event (a string, number or boolean) or of ``$field`` of a space-delimited one (None
    when the event lacks it, or it is an object or an array)."""
    spec = spec.strip()
    if spec.startswith("$."):
        if "$" not in extracted:
            return None
        try:
            found = _resolve(extracted["$"], _selector(spec))
        except PatternError:
            return None
    else:
        found = extracted.get(spec, _MISSING)
    if found is _MISSING or found is None or isinstance(found, (dict, list)):
        return None
    if isinstance(found, bool):
        return json.dumps(found)
    if isinstance(found, float) and found.is_integer():
        return str(int(found))
    return str(found)
