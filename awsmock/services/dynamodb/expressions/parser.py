"""The expression grammar, parsed by recursive descent into tuples.

Conditions (lowest to highest precedence: OR, AND, NOT, then comparisons/BETWEEN/IN/functions)::

    ("or", a, b)  ("and", a, b)  ("not", a)
    ("cmp", op, x, y)  ("between", x, lo, hi)  ("in", x, [y, ...])  ("func", name, [args])

Operands: ``("path", (elem, ...))`` (``str`` names, ``int`` list indexes), ``("value", av)``,
``("size", path)``; in SET values also ``("+"|"-", x, y)``, ``("if_not_exists", path, x)`` and
``("list_append", x, y)``.

Update expressions parse to a list of actions ``(clause, path, operand_or_None)``.
Placeholders are resolved while parsing against an :class:`ExpressionContext` shared by all
expressions of one request, which then reports unused names and values as AWS does.
"""

from __future__ import annotations

from typing import Any

from ..errors import DynamoValidation
from ..types import validate_value
from .reserved import is_reserved
from .tokenizer import EOF, NAME, NAMEREF, NUMBER, SYMBOL, VALREF, Token, syntax_error, tokenize

Node = tuple[Any, ...]
Path = tuple[str | int, ...]

COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
ALL_FUNCTIONS = {**CONDITION_FUNCTIONS, **UPDATE_FUNCTIONS, "size": 1}
ATTRIBUTE_TYPES = ("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M")
TYPE_WORDS = {
    "S": "S",
    "N": "N",
    "B": "B",
    "SS": "SS",
    "NS": "NS",
    "BS": "BS",
    "M": "M",
    "L": "L",
    "BOOL": "BOOL",
    "NULL": "NULL",
}
MAX_EXPRESSION_LENGTH = 4096
#: how deep a condition may nest parentheses and NOT: this recursive parser and the evaluator take
#: a few interpreter frames a level, and 4,096 characters hold 2,000 ``(``; deeper is a syntax error
#: at the token that goes too deep (DynamoDB refuses what passes 300 operators, and redundant
#: parentheses, before that)
MAX_NESTING = 100


class ExpressionContext:
    """ExpressionAttributeNames/Values of one request, and which of them the expressions used."""

    def __init__(self, names: dict[str, str] | None, values: dict[str, Any] | None) -> None:
        if names is not None and not names:
            raise DynamoValidation("ExpressionAttributeNames must not be empty")
        if values is not None and not values:
            raise DynamoValidation("ExpressionAttributeValues must not be empty")
        self.names = names or {}
        self.raw_values = values or {}
        self.values: dict[str, Any] = {}
        for key, av in self.raw_values.items():
            try:
                self.values[key] = validate_value(av)
            except DynamoValidation as exc:
                raise DynamoValidation(
                    f"ExpressionAttributeValues contains invalid value: {exc.message} for key {key}"
                ) from None
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()
        self.parsed_any = False

    def name(self, ref: str, kind: str) -> str:
        if ref not in self.names:
            raise DynamoValidation(
                f"Invalid {kind}: An expression attribute name used in the document path is not defined; "
                f"attribute name: {ref}"
            )
        self.used_names.add(ref)
        return self.names[ref]

    def value(self, ref: str, kind: str) -> Any:
        if ref not in self.values:
            raise DynamoValidation(
                f"Invalid {kind}: An expression attribute value used in expression is not defined; "
                f"attribute value: {ref}"
            )
        self.used_values.add(ref)
        return self.values[ref]

    def check_unused(self) -> None:
        if (self.names or self.raw_values) and not self.parsed_any:
            which = "ExpressionAttributeNames" if self.names else "ExpressionAttributeValues"
            raise DynamoValidation(f"{which} can only be specified when using expressions")
        unused = [k for k in self.names if k not in self.used_names]
        if unused:
            raise DynamoValidation(
                f"Value provided in ExpressionAttributeNames unused in expressions: keys: {{{', '.join(unused)}}}"
            )
        unused = [k for k in self.raw_values if k not in self.used_values]
        if unused:
            raise DynamoValidation(
                f"Value provided in ExpressionAttributeValues unused in expressions: keys: {{{', '.join(unused)}}}"
            )


def operand_type_error(kind: str, fn: str, av: Any) -> DynamoValidation:
    t = next(iter(av))
    return DynamoValidation(
        f"Invalid {kind}: Incorrect operand type for operator or function; operator or function: {fn}, "
        f"operand type: {t}"
    )


class Parser:
    def __init__(self, source: str, kind: str, ctx: ExpressionContext) -> None:
        if not source or not source.strip():
            raise DynamoValidation(f"Invalid {kind}: The expression can not be empty;")
        if len(source) > MAX_EXPRESSION_LENGTH:
            raise DynamoValidation(
                f"Invalid {kind}: Expression size has exceeded the maximum allowed size; "
                f"expression size: {len(source)}"
            )
        self.source = source
        self.kind = kind
        self.ctx = ctx
        ctx.parsed_any = True
        self.tokens = tokenize(source, kind)
        self.pos = 0
        self.depth = 0

    # -- token helpers ----------------------------------------------------------------------

    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, offset: int = 1) -> Token:
        i = min(self.pos + offset, len(self.tokens) - 1)
        return self.tokens[i]

    def error(self) -> DynamoValidation:
        return syntax_error(self.kind, self.source, self.tokens, self.pos)

    def is_symbol(self, text: str) -> bool:
        return self.tok.kind == SYMBOL and self.tok.text == text

    def is_keyword(self, word: str) -> bool:
        return self.tok.kind == NAME and self.tok.upper == word

    def expect_symbol(self, text: str) -> None:
        if not self.is_symbol(text):
            raise self.error()
        self.pos += 1

    def expect_end(self) -> None:
        if self.tok.kind != EOF:
            raise self.error()

    # -- paths and operands -----------------------------------------------------------------

    def path(self) -> Node:
        elems: list[str | int] = [self.name_element()]
        while True:
            if self.is_symbol("."):
                self.pos += 1
                elems.append(self.name_element())
            elif self.is_symbol("["):
                self.pos += 1
                if self.tok.kind != NUMBER:
                    raise self.error()
                elems.append(int(self.tok.text))
                self.pos += 1
                self.expect_symbol("]")
            else:
                return ("path", tuple(elems))

    def name_element(self) -> str:
        tok = self.tok
        if tok.kind == NAMEREF:
            self.pos += 1
            return self.ctx.name(tok.text, self.kind)
        if tok.kind == NAME:
            if is_reserved(tok.text):
                raise DynamoValidation(
                    f"Invalid {self.kind}: Attribute name is a reserved keyword; reserved keyword: {tok.text}"
                )
            self.pos += 1
            return tok.text
        raise self.error()

    def value_ref(self) -> Node:
        tok = self.tok
        self.pos += 1
        return ("value", self.ctx.value(tok.text, self.kind))

    def is_function(self) -> bool:
        return self.tok.kind == NAME and self.peek().kind == SYMBOL and self.peek().text == "("

    def function_call(self) -> tuple[str, list[Node]]:
        name = self.tok.text
        if name not in ALL_FUNCTIONS:
            raise DynamoValidation(f"Invalid {self.kind}: Invalid function name; function: {name}")
        self.pos += 2
        args: list[Node] = []
        if not self.is_symbol(")"):
            while True:
                args.append(self.function_argument())
                if self.is_symbol(","):
                    self.pos += 1
                    continue
                break
        self.expect_symbol(")")
        if len(args) != ALL_FUNCTIONS[name]:
            raise DynamoValidation(
                f"Invalid {self.kind}: Incorrect number of operands for operator or function; "
                f"operator or function: {name}, number of operands: {len(args)}"
            )
        return name, args

    def function_argument(self) -> Node:
        if self.is_function():
            name, args = self.function_call()
            return self.function_operand(name, args)
        return self.simple_operand()

    def simple_operand(self) -> Node:
        if self.tok.kind == VALREF:
            return self.value_ref()
        if self.tok.kind in (NAME, NAMEREF):
            return self.path()
        raise self.error()

    def function_operand(self, name: str, args: list[Node]) -> Node:
        """A function used where a value is expected."""
        if name == "size" and self.kind != "UpdateExpression":
            if args[0][0] != "path":
                raise self.requires_path(name)
            return ("size", args[0])
        if name in UPDATE_FUNCTIONS and self.kind == "UpdateExpression":
            if name == "if_not_exists":
                if args[0][0] != "path":
                    raise self.requires_path(name)
                return ("if_not_exists", args[0], args[1])
            for arg in args:
                if arg[0] == "value" and "L" not in arg[1]:
                    raise operand_type_error(self.kind, name, arg[1])
            return ("list_append", args[0], args[1])
        raise DynamoValidation(
            f"Invalid {self.kind}: The function is not allowed to be used this way in an expression; "
            f"function: {name}"
        )

    def requires_path(self, name: str) -> DynamoValidation:
        return DynamoValidation(
            f"Invalid {self.kind}: Operator or function requires a document path; operator or function: {name}"
        )

    def operand(self) -> Node:
        if self.is_function():
            name, args = self.function_call()
            return self.function_operand(name, args)
        return self.simple_operand()

    # -- conditions -------------------------------------------------------------------------

    def condition(self) -> Node:
        node = self.and_condition()
        while self.is_keyword("OR"):
            self.pos += 1
            node = ("or", node, self.and_condition())
        return node

    def and_condition(self) -> Node:
        node = self.not_condition()
        while self.is_keyword("AND"):
            self.pos += 1
            node = ("and", node, self.not_condition())
        return node

    def nest(self) -> None:
        """One level deeper into a condition (at a ``(`` or ``NOT``); too deep is refused there."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error()

    def not_condition(self) -> Node:
        if self.is_keyword("NOT"):
            self.nest()
            self.pos += 1
            node = self.not_condition()
            self.depth -= 1
            return ("not", node)
        return self.primary_condition()

    def primary_condition(self) -> Node:
        if self.is_symbol("("):
            self.nest()
            self.pos += 1
            node = self.condition()
            self.expect_symbol(")")
            self.depth -= 1
            return node
        if self.is_function() and self.tok.text in CONDITION_FUNCTIONS:
            name, args = self.function_call()
            return self.condition_function(name, args)
        left = self.operand()
        if self.tok.kind == SYMBOL and self.tok.text in COMPARATORS:
            op = self.tok.text
            self.pos += 1
            right = self.operand()
            return ("cmp", op, left, right)
        if self.is_keyword("BETWEEN"):
            self.pos += 1
            lo = self.operand()
            if not self.is_keyword("AND"):
                raise self.error()
            self.pos += 1
            hi = self.operand()
            self.check_between(lo, hi)
            return ("between", left, lo, hi)
        if self.is_keyword("IN"):
            self.pos += 1
            self.expect_symbol("(")
            items = [self.operand()]
            while self.is_symbol(","):
                self.pos += 1
                items.append(self.operand())
            self.expect_symbol(")")
            if len(items) > 100:
                raise DynamoValidation(
                    f"Invalid {self.kind}: The IN operator is provided with too many operands; "
                    f"number of operands: {len(items)}"
                )
            return ("in", left, items)
        raise self.error()

    def check_between(self, lo: Node, hi: Node) -> None:
        from ..types import scalar_key

        for side in (lo, hi):  # BETWEEN compares strings, numbers or binaries only
            if side[0] == "value" and next(iter(side[1])) not in ("S", "N", "B"):
                raise operand_type_error(self.kind, "BETWEEN", side[1])
        if lo[0] == "value" and hi[0] == "value":
            a, b = scalar_key(lo[1]), scalar_key(hi[1])
            if a and b and a[0] == b[0] and a[1] > b[1]:
                raise DynamoValidation(
                    f"Invalid {self.kind}: The BETWEEN operator requires upper bound to be greater than or "
                    f"equal to lower bound; lower bound operand: AttributeValue: {{{a[0]}:{lo[1][a[0]]!s}}}, "
                    f"upper bound operand: AttributeValue: {{{b[0]}:{hi[1][b[0]]!s}}}"
                )

    def condition_function(self, name: str, args: list[Node]) -> Node:
        if args[0][0] != "path":
            raise self.requires_path(name)
        if name == "attribute_type":
            arg = args[1]
            if arg[0] == "value":
                t = arg[1]
                if "S" not in t:
                    raise operand_type_error(self.kind, name, t)
                if t["S"] not in ATTRIBUTE_TYPES:
                    raise DynamoValidation(
                        f"Invalid {self.kind}: Invalid attribute type name found in type: {t['S']}, "
                        "valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"
                    )
        if name == "begins_with" and args[1][0] == "value" and not ({"S", "B"} & args[1][1].keys()):
            raise operand_type_error(self.kind, name, args[1][1])
        return ("func", name, args)

    # -- update actions ---------------------------------------------------------------------

    def update(self) -> list[Node]:
        actions: list[Node] = []
        seen: set[str] = set()
        while self.tok.kind != EOF:
            if self.tok.kind != NAME or self.tok.upper not in ("SET", "REMOVE", "ADD", "DELETE"):
                raise self.error()
            clause = self.tok.upper
            if clause in seen:
                raise DynamoValidation(
                    f'Invalid {self.kind}: The "{clause}" section can only be used once in an update expression;'
                )
            seen.add(clause)
            self.pos += 1
            while True:
                actions.append(self.update_action(clause))
                if self.is_symbol(","):
                    self.pos += 1
                    continue
                break
        if not actions:
            raise self.error()
        return actions

    def update_action(self, clause: str) -> Node:
        path = self.path()
        if clause == "SET":
            self.expect_symbol("=")
            value = self.set_value()
            return ("SET", path[1], value)
        if clause == "REMOVE":
            return ("REMOVE", path[1], None)
        if self.tok.kind != VALREF:
            raise self.error()
        value = self.value_ref()
        av = value[1]
        t = next(iter(av))
        if clause == "ADD" and t not in ("N", "SS", "NS", "BS"):
            raise DynamoValidation(
                f"Invalid {self.kind}: Incorrect operand type for operator or function; operator: ADD, "
                f"operand type: {_type_word(t)}"
            )
        if clause == "DELETE" and t not in ("SS", "NS", "BS"):
            raise DynamoValidation(
                f"Invalid {self.kind}: Incorrect operand type for operator or function; operator: DELETE, "
                f"operand type: {_type_word(t)}"
            )
        return (clause, path[1], av)

    def set_value(self) -> Node:
        left = self.operand()
        if self.is_symbol("+") or self.is_symbol("-"):
            op = self.tok.text
            self.pos += 1
            right = self.operand()
            for side in (left, right):
                if side[0] == "value" and "N" not in side[1]:
                    raise DynamoValidation(
                        f"Invalid {self.kind}: Incorrect operand type for operator or function; operator: {op}, "
                        f"operand type: {_type_word(next(iter(side[1])))}"
                    )
            return (op, left, right)
        return left


def _type_word(t: str) -> str:
    return {
        "S": "STRING",
        "N": "NUMBER",
        "B": "BINARY",
        "SS": "STRING_SET",
        "NS": "NUMBER_SET",
        "BS": "BINARY_SET",
        "M": "MAP",
        "L": "LIST",
        "BOOL": "BOOLEAN",
        "NULL": "NULL",
    }.get(t, t)


def parse_condition(source: str, ctx: ExpressionContext, kind: str = "ConditionExpression") -> Node:
    p = Parser(source, kind, ctx)
    node = p.condition()
    p.expect_end()
    return node


def parse_projection(source: str, ctx: ExpressionContext) -> list[Path]:
    p = Parser(source, "ProjectionExpression", ctx)
    paths: list[Path] = [p.path()[1]]
    while p.is_symbol(","):
        p.pos += 1
        paths.append(p.path()[1])
    p.expect_end()
    return paths


def parse_update(source: str, ctx: ExpressionContext) -> list[Node]:
    p = Parser(source, "UpdateExpression", ctx)
    actions = p.update()
    check_overlaps([a[1] for a in actions], "UpdateExpression")
    return actions


def render_path(path: Path) -> str:
    return "[" + ", ".join(f"[{e}]" if isinstance(e, int) else e for e in path) + "]"


def check_overlaps(paths: list[Path], kind: str) -> None:
    for i, a in enumerate(paths):
        for b in paths[i + 1 :]:
            what = "overlap"
            for x, y in zip(a, b, strict=False):
                if x != y:
                    what = "conflict" if isinstance(x, int) != isinstance(y, int) else ""
                    break
            if what:
                raise DynamoValidation(
                    f"Invalid {kind}: Two document paths {what} with each other; must remove or rewrite one of "
                    f"these paths; path one: {render_path(a)}, path two: {render_path(b)}"
                )
