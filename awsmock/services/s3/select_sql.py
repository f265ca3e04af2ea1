"""The SQL of S3 Select: a tokenizer and a recursive-descent parser for the subset users write
(``SELECT * | items FROM S3Object[*].path alias WHERE ... LIMIT n``), and the evaluation of
its expressions over one record.

Expressions are tuples (``("path", steps)``, ``("lit", value)``, ``("cmp", op, a, b)``...),
evaluated by :func:`evaluate` against a :class:`Record`. Numbers are ``int`` or ``Decimal``;
``MISSING`` is a value that is not there (a JSON attribute or CSV column absent), ``None`` is
null. Errors carry S3 Select's codes and messages (:class:`SelectError`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from awsmock.engine.errors import AwsError


class SelectError(AwsError):
    """An S3 Select error (400)."""

    status = 400


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

MAX_EXPRESSION = 256 * 1024

KEYWORDS = frozenset(
    [
        "select",
        "from",
        "where",
        "limit",
        "as",
        "and",
        "or",
        "not",
        "like",
        "escape",
        "is",
        "null",
        "missing",
        "between",
        "in",
        "cast",
        "true",
        "false",
        "leading",
        "trailing",
        "both",
        "for",
    ]
)
AGGREGATES = frozenset({"count", "sum", "avg", "min", "max"})
FUNCTIONS = frozenset(
    {"lower", "upper", "char_length", "character_length", "trim", "substring", "coalesce", "nullif"}
)
TYPES = {
    "int": "int",
    "integer": "int",
    "bigint": "int",
    "smallint": "int",
    "float": "dec",
    "real": "dec",
    "double": "dec",
    "decimal": "dec",
    "numeric": "dec",
    "string": "str",
    "varchar": "str",
    "char": "str",
    "character": "str",
    "text": "str",
    "bool": "bool",
    "boolean": "bool",
}


def parse_error(code: str, message: str) -> SelectError:
    return SelectError(message, code=code)


# -- tokens --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # KEYWORD, IDENTIFIER, QUOTED_IDENTIFIER, LITERAL, OPERATOR, STAR, COMMA, DOT, ..., EOF
    text: str
    value: Any
    column: int


_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
      | (?P<str>'(?:[^']|'')*')
      | (?P<qid>"(?:[^"]|"")*")
      | (?P<id>[A-Za-z_][A-Za-z0-9_$]*)
      | (?P<op><>|!=|<=|>=|\|\||[=<>+\-/%])
      | (?P<punct>[*,.()\[\]])
    """,
    re.VERBOSE,
)
_PUNCT = {
    "*": "STAR",
    ",": "COMMA",
    ".": "DOT",
    "(": "LPAREN",
    ")": "RPAREN",
    "[": "LBRACKET",
    "]": "RBRACKET",
}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos] in "'\"":  # a quote that never closes
                raise parse_error("LexerInvalidLiteral", f"Invalid literal at line 1, column {pos + 1}.")
            raise parse_error("LexerInvalidChar", f"Invalid character at line 1, column {pos + 1}.")
        kind = m.lastgroup
        raw = m.group()
        col = pos + 1
        pos = m.end()
        if kind == "ws":
            continue
        if kind == "num":
            value: Any = int(raw) if re.fullmatch(r"\d+", raw) else Decimal(raw)
            tokens.append(Token("LITERAL", raw, value, col))
        elif kind == "str":
            tokens.append(Token("LITERAL", raw, raw[1:-1].replace("''", "'"), col))
        elif kind == "qid":
            tokens.append(Token("QUOTED_IDENTIFIER", raw, raw[1:-1].replace('""', '"'), col))
        elif kind == "id":
            low = raw.lower()
            if low in KEYWORDS:
                tokens.append(Token("KEYWORD", low, low, col))
            else:
                tokens.append(Token("IDENTIFIER", raw, raw, col))
        elif kind == "op":
            tokens.append(Token("OPERATOR", raw, raw, col))
        else:
            tokens.append(Token(_PUNCT[raw], raw, raw, col))
    tokens.append(Token("EOF", "", None, len(text) + 1))
    return tokens


# -- the parsed query ----------------------------------------------------------------------------


@dataclass
class Item:
    expr: Any
    alias: str | None = None


@dataclass
class Query:
    star: bool
    items: list[Item]
    source: list[Any]  # the FROM path's steps after S3Object: ("name", n, quoted) | ("index", i) | ("wild",)
    alias: str | None
    where: Any = None
    limit: int | None = None
    aggregate: bool = False
    names: list[str] = field(default_factory=list)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.i = 0

    # token helpers
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def at_keyword(self, *words: str) -> bool:
        return self.tok.kind == "KEYWORD" and self.tok.value in words

    def accept_keyword(self, word: str) -> bool:
        if self.at_keyword(word):
            self.i += 1
            return True
        return False

    def unexpected(self, t: Token | None = None) -> SelectError:
        t = t or self.tok
        if t.kind == "EOF":
            return parse_error("ParseUnexpectedTerm", f"Unexpected term found at line 1, column {t.column}.")
        shown = {"KEYWORD": "KEYWORD", "LITERAL": "LITERAL", "IDENTIFIER": "IDENTIFIER"}.get(t.kind, t.kind)
        text = t.text.lower() if t.kind == "KEYWORD" else t.text
        return parse_error(
            "ParseUnexpectedToken", f"Unexpected token found {shown}:{text} at line 1, column {t.column}."
        )

    def expect(self, kind: str, value: str | None = None) -> Token:
        t = self.tok
        if t.kind != kind or (value is not None and t.value != value):
            raise self.unexpected()
        self.i += 1
        return t

    # grammar
    def query(self) -> Query:
        if not self.accept_keyword("select"):
            raise parse_error("ParseUnsupportedSyntax", "The SQL expression contains unsupported syntax.")
        star = False
        items: list[Item] = []
        if self.tok.kind in ("KEYWORD", "EOF") and self.tok.value in ("from", None):
            raise parse_error("ParseEmptySelect", "The SQL expression contains an empty SELECT.")
        if self.tok.kind == "STAR":
            self.advance()
            star = True
            if self.tok.kind == "COMMA":
                raise parse_error(
                    "ParseAsteriskIsNotAloneInSelectList",
                    "Other expressions are not allowed in the SELECT list when '*' is used without dot "
                    "notation in the SQL expression.",
                )
        else:
            while True:
                expr = self.expr()
                if expr[0] == "path" and expr[1] and expr[1][-1] == ("wild",):
                    star = True  # s.* / s[*]: every column
                    if items or self.tok.kind == "COMMA":
                        raise parse_error(
                            "ParseCannotMixSqbAndWildcardInSelectList",
                            "Cannot mix [] and * in the same expression in a SELECT list in SQL expression.",
                        )
                    break
                alias = None
                if self.accept_keyword("as") or self.tok.kind in ("IDENTIFIER", "QUOTED_IDENTIFIER"):
                    alias = self._name()
                items.append(Item(expr, alias))
                if self.tok.kind != "COMMA":
                    break
                self.advance()
        if not self.accept_keyword("from"):
            if self.tok.kind == "EOF":
                raise parse_error(
                    "ParseSelectMissingFrom",
                    "The SQL expression contains a missing FROM after the SELECT list.",
                )
            raise self.unexpected()
        source = self.source()
        alias = None
        if self.accept_keyword("as") or self.tok.kind in ("IDENTIFIER", "QUOTED_IDENTIFIER"):
            alias = self._name()
        q = Query(star, items, source, alias)
        if self.accept_keyword("where"):
            q.where = self.expr()
            if _has_aggregate(q.where):
                raise parse_error("UnsupportedSqlOperation", "Encountered an unsupported SQL operation.")
        if self.accept_keyword("limit"):
            t = self.advance()
            if t.kind != "LITERAL" or not isinstance(t.value, int):
                raise self.unexpected(t)
            q.limit = t.value
        if self.tok.kind != "EOF":
            raise self.unexpected()
        q.aggregate = any(_has_aggregate(item.expr) for item in items)
        if q.aggregate and any(not _has_aggregate(item.expr) for item in items):
            raise parse_error(
                "UnsupportedSqlOperation",
                "Encountered an unsupported SQL operation.",
            )
        return q

    def _name(self) -> str:
        t = self.advance()
        if t.kind not in ("IDENTIFIER", "QUOTED_IDENTIFIER"):
            raise self.unexpected(t)
        return str(t.value)

    def source(self) -> list[Any]:
        t = self.advance()
        if t.kind != "IDENTIFIER" or t.value.lower() != "s3object":
            raise parse_error(
                "InvalidDataSource", "Invalid data source type. Only CSV, JSON, and Parquet are supported."
            )
        return self._steps()

    def _steps(self) -> list[Any]:
        steps: list[Any] = []
        while True:
            if self.tok.kind == "DOT":
                self.advance()
                t = self.advance()
                if t.kind == "STAR":
                    steps.append(("wild",))
                elif t.kind in ("IDENTIFIER", "QUOTED_IDENTIFIER"):
                    steps.append(("name", t.value, t.kind == "QUOTED_IDENTIFIER"))
                elif t.kind == "KEYWORD":  # a keyword after a dot is a name
                    steps.append(("name", t.text, False))
                else:
                    raise self.unexpected(t)
            elif self.tok.kind == "LBRACKET":
                self.advance()
                t = self.advance()
                if t.kind == "STAR":
                    steps.append(("wild",))
                elif t.kind == "LITERAL" and isinstance(t.value, int):
                    steps.append(("index", t.value))
                elif t.kind == "LITERAL" and isinstance(t.value, str):
                    steps.append(("name", t.value, True))
                else:
                    raise self.unexpected(t)
                self.expect("RBRACKET")
            else:
                return steps

    def expr(self) -> Any:
        left = self.and_expr()
        while self.accept_keyword("or"):
            left = ("or", left, self.and_expr())
        return left

    def and_expr(self) -> Any:
        left = self.not_expr()
        while self.accept_keyword("and"):
            left = ("and", left, self.not_expr())
        return left

    def not_expr(self) -> Any:
        if self.accept_keyword("not"):
            return ("not", self.not_expr())
        return self.predicate()

    def predicate(self) -> Any:
        left = self.additive()
        t = self.tok
        if t.kind == "OPERATOR" and t.value in ("=", "!=", "<>", "<", "<=", ">", ">="):
            self.advance()
            op = "!=" if t.value == "<>" else t.value
            return ("cmp", op, left, self.additive())
        negate = False
        if (
            self.at_keyword("not")
            and self.tokens[self.i + 1].kind == "KEYWORD"
            and self.tokens[self.i + 1].value in ("like", "between", "in")
        ):
            self.advance()
            negate = True
        if self.accept_keyword("like"):
            pattern = self.additive()
            escape = self.additive() if self.accept_keyword("escape") else None
            node: Any = ("like", left, pattern, escape)
        elif self.accept_keyword("between"):
            low = self.additive()
            self.expect("KEYWORD", "and")
            node = ("between", left, low, self.additive())
        elif self.accept_keyword("in"):
            self.expect("LPAREN")
            options = [self.expr()]
            while self.tok.kind == "COMMA":
                self.advance()
                options.append(self.expr())
            self.expect("RPAREN")
            node = ("in", left, options)
        elif self.accept_keyword("is"):
            neg = self.accept_keyword("not")
            t = self.advance()
            if t.kind != "KEYWORD" or t.value not in ("null", "missing"):
                raise self.unexpected(t)
            node = ("is", t.value, left)
            return ("not", node) if neg else node
        else:
            if negate:
                raise self.unexpected()
            return left
        return ("not", node) if negate else node

    def additive(self) -> Any:
        left = self.term()
        while self.tok.kind == "OPERATOR" and self.tok.value in ("+", "-", "||"):
            op = self.advance().value
            left = ("arith", op, left, self.term())
        return left

    def term(self) -> Any:
        left = self.unary()
        while self.tok.kind == "STAR" or (self.tok.kind == "OPERATOR" and self.tok.value in ("/", "%")):
            op = self.advance().value
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.tok.kind == "OPERATOR" and self.tok.value in ("-", "+"):
            op = self.advance().value
            operand = self.unary()
            return ("neg", operand) if op == "-" else operand
        return self.primary()

    def primary(self) -> Any:
        t = self.tok
        if t.kind == "LITERAL":
            self.advance()
            return ("lit", t.value)
        if t.kind == "KEYWORD":
            if t.value in ("true", "false"):
                self.advance()
                return ("lit", t.value == "true")
            if t.value == "null":
                self.advance()
                return ("lit", None)
            if t.value == "missing":
                self.advance()
                return ("lit", MISSING)
            if t.value == "cast":
                self.advance()
                self.expect("LPAREN")
                inner = self.expr()
                self.expect("KEYWORD", "as")
                tt = self.advance()
                type_name = TYPES.get(str(tt.text).lower()) if tt.kind == "IDENTIFIER" else None
                if type_name is None:
                    raise parse_error(
                        "ParseExpectedTypeName", f"Expected type name at line 1, column {tt.column}."
                    )
                if self.tok.kind == "LPAREN":  # VARCHAR(n), DECIMAL(p, s): the size is not checked
                    while self.tok.kind not in ("RPAREN", "EOF"):
                        self.advance()
                    self.expect("RPAREN")
                self.expect("RPAREN")
                return ("cast", inner, type_name)
            raise self.unexpected()
        if t.kind == "LPAREN":
            self.advance()
            inner = self.expr()
            self.expect("RPAREN")
            return inner
        if t.kind in ("IDENTIFIER", "QUOTED_IDENTIFIER"):
            self.advance()
            if t.kind == "IDENTIFIER" and self.tok.kind == "LPAREN":
                return self.call(t)
            return ("path", [("name", t.value, t.kind == "QUOTED_IDENTIFIER"), *self._steps()])
        raise self.unexpected()

    def call(self, name_tok: Token) -> Any:
        name = str(name_tok.value).lower()
        self.expect("LPAREN")
        if name in AGGREGATES:
            if name == "count" and self.tok.kind == "STAR":
                self.advance()
                self.expect("RPAREN")
                return ("agg", "count", None)
            arg = self.expr()
            self.expect("RPAREN")
            if _has_aggregate(arg):
                raise parse_error("UnsupportedSqlOperation", "Encountered an unsupported SQL operation.")
            return ("agg", name, arg)
        if name not in FUNCTIONS:
            raise parse_error("UnsupportedFunction", "Encountered an unsupported SQL function.")
        if name == "trim":
            mode = "both"
            chars: Any = None
            if self.at_keyword("leading", "trailing", "both"):
                mode = self.advance().value
                if not self.at_keyword("from"):
                    chars = self.expr()
                self.expect("KEYWORD", "from")
            first = self.expr()
            if self.accept_keyword("from"):
                chars, first = first, self.expr()
            self.expect("RPAREN")
            return ("fn", "trim", [first, chars], mode)
        if name == "substring":
            subject = self.expr()
            args = [subject]
            if self.accept_keyword("from"):
                args.append(self.expr())
                if self.accept_keyword("for"):
                    args.append(self.expr())
            else:
                while self.tok.kind == "COMMA":
                    self.advance()
                    args.append(self.expr())
            self.expect("RPAREN")
            if len(args) not in (2, 3):
                raise parse_error(
                    "IncorrectSqlFunctionArgumentType",
                    "Incorrect type of arguments in function call in the SQL expression.",
                )
            return ("fn", "substring", args, None)
        args = []
        if self.tok.kind != "RPAREN":
            args.append(self.expr())
            while self.tok.kind == "COMMA":
                self.advance()
                args.append(self.expr())
        self.expect("RPAREN")
        wanted = {"coalesce": None, "nullif": 2}.get(name, 1)
        if (wanted is not None and len(args) != wanted) or not args:
            raise parse_error(
                "IncorrectSqlFunctionArgumentType",
                "Incorrect type of arguments in function call in the SQL expression.",
            )
        return ("fn", name, args, None)


def _has_aggregate(expr: Any) -> bool:
    if not isinstance(expr, tuple):
        return False
    if expr[0] == "agg":
        return True
    return any(
        _has_aggregate(part) or (isinstance(part, list) and any(_has_aggregate(x) for x in part))
        for part in expr[1:]
    )


def parse(text: str) -> Query:
    """The query ``text`` says (ParseUnexpectedToken, ParseSelectMissingFrom... when it is not one)."""
    if len(text.encode("utf-8")) > MAX_EXPRESSION:
        raise parse_error(
            "ExpressionTooLong",
            "The SQL expression is too long: The maximum byte-length for the SQL expression is 256 KB.",
        )
    q = _Parser(text).query()
    q.names = [_output_name(item, i) for i, item in enumerate(q.items, 1)]
    return q


def _output_name(item: Item, position: int) -> str:
    if item.alias:
        return item.alias
    expr = item.expr
    if expr[0] == "path" and expr[1] and expr[1][-1][0] == "name":
        return str(expr[1][-1][1])
    return f"_{position}"


# -- evaluation ----------------------------------------------------------------------------------


class Record:
    """One input record: a CSV row (``fields`` and the header's ``names``) or a JSON value."""

    __slots__ = ("fields", "names", "value")

    def __init__(
        self, value: Any = None, fields: list[str] | None = None, names: list[str] | None = None
    ) -> None:
        self.value = value
        self.fields = fields
        self.names = names

    def column(self, name: str, quoted: bool) -> Any:
        assert self.fields is not None
        if not quoted and re.fullmatch(r"_\d+", name):
            index = int(name[1:])
            return self.fields[index - 1] if 0 < index <= len(self.fields) else MISSING
        if self.names is not None:
            for i, header in enumerate(self.names):
                if header == name or (not quoted and header.lower() == name.lower()):
                    return self.fields[i] if i < len(self.fields) else MISSING
        return MISSING


def _member(value: Any, name: str, quoted: bool) -> Any:
    if not isinstance(value, dict):
        return MISSING
    if name in value:
        return value[name]
    if not quoted:
        low = name.lower()
        for k, v in value.items():
            if k.lower() == low:
                return v
    return MISSING


def resolve(record: Record, steps: list[Any], alias: str | None) -> Any:
    """The value a path names in ``record`` (MISSING when it names nothing)."""
    if steps and steps[0][0] == "name" and not steps[0][2]:
        first = str(steps[0][1]).lower()
        if first == (alias or "").lower() or first == "s3object":
            steps = steps[1:]
            if not steps:
                return record.value if record.fields is None else list(record.fields)
    if record.fields is not None:
        if not steps or steps[0][0] != "name":
            return MISSING
        value = record.column(str(steps[0][1]), steps[0][2])
        steps = steps[1:]
    else:
        value = record.value
    for step in steps:
        if value is MISSING or value is None:
            return MISSING
        if step[0] == "name":
            value = _member(value, str(step[1]), step[2])
        elif step[0] == "index":
            value = value[step[1]] if isinstance(value, list) and 0 <= step[1] < len(value) else MISSING
        else:
            return MISSING
    return value


def _number(value: Any) -> int | Decimal | None:
    """``value`` as a number where it is one (or a string spelling one), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        try:
            d = Decimal(text)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _absent(v: Any) -> bool:
    return v is None or v is MISSING


def _compare(op: str, a: Any, b: Any) -> Any:
    if _absent(a) or _absent(b):
        return None
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None and not (isinstance(a, str) and isinstance(b, str)):
        a, b = na, nb
    elif isinstance(a, bool) or isinstance(b, bool):
        if type(a) is not type(b):
            return False if op == "=" else (True if op == "!=" else None)
    elif type(a) is not type(b) and not (_number(a) is not None and _number(b) is not None):
        if op in ("=", "!="):
            return op == "!="
        raise SelectError("Incompatible types in the SQL comparison.", code="InvalidDataType")
    try:
        if op == "=":
            return a == b
        if op == "!=":
            return a != b
        if op == "<":
            return a < b
        if op == "<=":
            return a <= b
        if op == ">":
            return a > b
        return a >= b
    except TypeError:
        raise SelectError("Incompatible types in the SQL comparison.", code="InvalidDataType") from None


def _truth(v: Any) -> bool | None:
    if _absent(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    raise SelectError("The SQL expression contains an invalid operand.", code="InvalidDataType")


def like_regex(pattern: str, escape: str | None) -> re.Pattern[str]:
    if escape is not None and len(escape) != 1:
        raise SelectError(
            "Invalid argument given to the LIKE clause in the SQL expression.", code="LikeInvalidInputs"
        )
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if escape is not None and c == escape:
            if i + 1 >= len(pattern):
                raise SelectError(
                    "Invalid argument given to the LIKE clause in the SQL expression.",
                    code="LikeInvalidInputs",
                )
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def cast(value: Any, type_name: str) -> Any:
    if _absent(value):
        return value
    failed = SelectError(
        "Attempt to convert from one data type to another using CAST failed in the SQL expression.",
        code="CastFailed",
    )
    if type_name == "str":
        return render_scalar(value)
    if type_name == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        n = _number(value)
        if n is not None and not isinstance(value, str):
            return n != 0
        raise failed
    if isinstance(value, bool):
        return int(value) if type_name == "int" else Decimal(int(value))
    n = _number(value)
    if n is None:
        raise failed
    if type_name == "int":
        return int(n)
    return Decimal(n)


def _text(value: Any, fn: str) -> str:
    if isinstance(value, str):
        return value
    raise SelectError(
        "Incorrect type of arguments in function call in the SQL expression.",
        code="IncorrectSqlFunctionArgumentType",
    )


def _call(name: str, args: list[Any], extra: Any) -> Any:
    if name == "coalesce":
        for a in args:
            if not _absent(a):
                return a
        return None
    if name == "nullif":
        return None if _compare("=", args[0], args[1]) else args[0]
    if _absent(args[0]):
        return None
    if name == "lower":
        return _text(args[0], name).lower()
    if name == "upper":
        return _text(args[0], name).upper()
    if name in ("char_length", "character_length"):
        return len(_text(args[0], name))
    if name == "trim":
        subject, chars = _text(args[0], name), args[1]
        strip = " " if chars is None else _text(chars, name)
        if extra == "leading":
            return subject.lstrip(strip)
        if extra == "trailing":
            return subject.rstrip(strip)
        return subject.strip(strip)
    # substring: 1-based start, optional length; a start before 1 eats into the length
    subject = _text(args[0], name)
    start = _number(args[1])
    length = _number(args[2]) if len(args) > 2 else None
    if start is None or (len(args) > 2 and length is None):
        raise SelectError(
            "Incorrect type of arguments in function call in the SQL expression.",
            code="IncorrectSqlFunctionArgumentType",
        )
    begin = int(start)
    if length is None:
        return subject[max(begin, 1) - 1 :]
    end = begin + int(length)
    return subject[max(begin, 1) - 1 : max(end - 1, 0)]


def _arith(op: str, a: Any, b: Any) -> Any:
    if _absent(a) or _absent(b):
        return None
    if op == "||":
        return render_scalar(a) + render_scalar(b)
    na, nb = _number(a), _number(b)
    if na is None or nb is None:
        raise SelectError("The SQL expression contains an invalid operand.", code="InvalidDataType")
    if op == "+":
        return na + nb
    if op == "-":
        return na - nb
    if op == "*":
        return na * nb
    if nb == 0:
        raise SelectError("Division by zero in the SQL expression.", code="DivideByZero")
    if op == "%":
        return na % nb
    if isinstance(na, int) and isinstance(nb, int):
        return int(na / nb)
    return Decimal(na) / Decimal(nb)


def evaluate(expr: Any, record: Record, alias: str | None, aggregates: dict[int, Any] | None = None) -> Any:
    kind = expr[0]
    if kind == "lit":
        return expr[1]
    if kind == "path":
        return resolve(record, expr[1], alias)
    if kind == "agg":
        assert aggregates is not None
        return aggregates[id(expr)]
    if kind == "cmp":
        return _compare(
            expr[1],
            evaluate(expr[2], record, alias, aggregates),
            evaluate(expr[3], record, alias, aggregates),
        )
    if kind == "and":
        a = _truth(evaluate(expr[1], record, alias, aggregates))
        if a is False:
            return False
        b = _truth(evaluate(expr[2], record, alias, aggregates))
        if b is False:
            return False
        return None if a is None or b is None else True
    if kind == "or":
        a = _truth(evaluate(expr[1], record, alias, aggregates))
        if a is True:
            return True
        b = _truth(evaluate(expr[2], record, alias, aggregates))
        if b is True:
            return True
        return None if a is None or b is None else False
    if kind == "not":
        v = _truth(evaluate(expr[1], record, alias, aggregates))
        return None if v is None else not v
    if kind == "is":
        v = evaluate(expr[2], record, alias, aggregates)
        return v is MISSING if expr[1] == "missing" else _absent(v)
    if kind == "like":
        v = evaluate(expr[1], record, alias, aggregates)
        pattern = evaluate(expr[2], record, alias, aggregates)
        escape = evaluate(expr[3], record, alias, aggregates) if expr[3] is not None else None
        if _absent(v) or _absent(pattern):
            return None
        if not isinstance(pattern, str) or not isinstance(v, str):
            raise SelectError(
                "Invalid argument given to the LIKE clause in the SQL expression.", code="LikeInvalidInputs"
            )
        return like_regex(pattern, escape).fullmatch(v) is not None
    if kind == "between":
        v = evaluate(expr[1], record, alias, aggregates)
        low = _compare(">=", v, evaluate(expr[2], record, alias, aggregates))
        high = _compare("<=", v, evaluate(expr[3], record, alias, aggregates))
        if low is None or high is None:
            return None
        return bool(low and high)
    if kind == "in":
        v = evaluate(expr[1], record, alias, aggregates)
        if _absent(v):
            return None
        return any(_compare("=", v, evaluate(o, record, alias, aggregates)) for o in expr[2])
    if kind == "arith":
        return _arith(
            expr[1],
            evaluate(expr[2], record, alias, aggregates),
            evaluate(expr[3], record, alias, aggregates),
        )
    if kind == "neg":
        v = evaluate(expr[1], record, alias, aggregates)
        if _absent(v):
            return None
        n = _number(v)
        if n is None:
            raise SelectError("The SQL expression contains an invalid operand.", code="InvalidDataType")
        return -n
    if kind == "cast":
        return cast(evaluate(expr[1], record, alias, aggregates), expr[2])
    if kind == "fn":
        return _call(
            expr[1], [None if a is None else evaluate(a, record, alias, aggregates) for a in expr[2]], expr[3]
        )
    raise SelectError("Encountered an unsupported SQL operation.", code="UnsupportedSqlOperation")


def aggregate_nodes(expr: Any) -> list[Any]:
    """The ``("agg", ...)`` nodes in ``expr``."""
    if not isinstance(expr, tuple):
        return []
    if expr[0] == "agg":
        return [expr]
    found: list[Any] = []
    for part in expr[1:]:
        if isinstance(part, list):
            for x in part:
                found.extend(aggregate_nodes(x))
        else:
            found.extend(aggregate_nodes(part))
    return found


class Accumulator:
    """One aggregate's running state (COUNT, SUM, AVG, MIN, MAX)."""

    def __init__(self, node: Any) -> None:
        self.fn = node[1]
        self.arg = node[2]
        self.count = 0
        self.total: Any = 0
        self.best: Any = None

    def add(self, record: Record, alias: str | None) -> None:
        if self.arg is None:  # COUNT(*)
            self.count += 1
            return
        v = evaluate(self.arg, record, alias)
        if _absent(v):
            return
        if self.fn == "count":
            self.count += 1
            return
        if self.fn in ("sum", "avg"):
            n = _number(v)
            if n is None:
                raise SelectError(
                    "Incorrect type of arguments in function call in the SQL expression.",
                    code="IncorrectSqlFunctionArgumentType",
                )
            self.total += n
            self.count += 1
            return
        n = _number(v)
        key = n if n is not None else v
        if self.best is None or _compare("<" if self.fn == "min" else ">", key, self.best):
            self.best = key

    def result(self) -> Any:
        if self.fn == "count":
            return self.count
        if self.fn == "sum":
            return self.total if self.count else None
        if self.fn == "avg":
            return Decimal(self.total) / self.count if self.count else None
        return self.best


def render_scalar(value: Any) -> str:
    """A value as S3 Select writes it in CSV (and in ``CAST(... AS STRING)``)."""
    if value is None or value is MISSING:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = format(value, "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".") or "0"
        return text
    if isinstance(value, (dict, list)):
        return json_text(value)
    return str(value)


def json_text(value: Any) -> str:
    """``value`` as compact JSON (Decimal numbers written as they are, MISSING members left out)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return render_scalar(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ",".join(json_text(v) for v in value if v is not MISSING) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                json.dumps(str(k), ensure_ascii=False) + ":" + json_text(v)
                for k, v in value.items()
                if v is not MISSING
            )
            + "}"
        )
    return json.dumps(str(value))
