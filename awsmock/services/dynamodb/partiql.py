"""PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction.

A small parser for the subset DynamoDB supports (SELECT, INSERT, UPDATE, DELETE), translating
WHERE clauses and SET/REMOVE into the expression engine's tuples, so evaluation is shared with
the expression API.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Any

from awsmock.engine import pager
from awsmock.engine.context import RequestContext
from awsmock.engine.errors import AwsError
from awsmock.engine.registry import handler

from . import storage
from .errors import ConditionalCheckFailed, DuplicateItem, DynamoValidation, ResourceNotFound
from .expressions import evaluate, project
from .expressions.parser import Node, Path
from .expressions.update import apply_update
from .items import check_condition
from .query import ENTRIES, ITEMS, Clause, Target, _rows, _start_key
from .schema import TableInfo, find_table
from .transactions import Plan, _check_token, _digest, execute_plans
from .types import (
    AV,
    Item,
    check_item_size,
    partition_hash,
    partition_text,
    type_of,
    validate_item,
    validate_value,
)

_SYMBOLS = (
    "<<",
    ">>",
    "<=",
    ">=",
    "<>",
    "!=",
    "=",
    "<",
    ">",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    ":",
    "?",
    "*",
    "+",
    "-",
    ";",
)


def _error(message: str) -> DynamoValidation:
    return DynamoValidation(message)


@dataclass
class Tok:
    kind: str  # STR QIDENT NUM IDENT SYM EOF
    text: str
    pos: int


def tokenize(src: str) -> list[Tok]:
    out: list[Tok] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
            continue
        if c in "'\"":
            j = i + 1
            buf = []
            while True:
                if j >= n:
                    raise _error(
                        f"Statement wasn't well formed, can't be processed: unterminated quote at {i}"
                    )
                if src[j] == c:
                    if j + 1 < n and src[j + 1] == c:
                        buf.append(c)
                        j += 2
                        continue
                    break
                buf.append(src[j])
                j += 1
            out.append(Tok("STR" if c == "'" else "QIDENT", "".join(buf), i))
            i = j + 1
            continue
        if c.isdigit():
            j = i
            while j < n and (src[j].isdigit() or src[j] == "."):
                j += 1
            if j < n and src[j] in "eE":
                j += 1
                if j < n and src[j] in "+-":
                    j += 1
                while j < n and src[j].isdigit():
                    j += 1
            out.append(Tok("NUM", src[i:j], i))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            out.append(Tok("IDENT", src[i:j], i))
            i = j
            continue
        for sym in _SYMBOLS:
            if src.startswith(sym, i):
                out.append(Tok("SYM", sym, i))
                i += len(sym)
                break
        else:
            raise _error(f"Statement wasn't well formed, can't be processed: Unexpected character: {c}")
    out.append(Tok("EOF", "", n))
    return out


@dataclass
class Statement:
    kind: str  # SELECT | INSERT | UPDATE | DELETE
    table: str
    index: str | None = None
    projection: list[Path] | None = None
    where: Node | None = None
    item: Item | None = None
    actions: list[Node] = field(default_factory=list)
    returning: str | None = None
    #: SELECT … ORDER BY: the attribute and whether ascending
    order_by: tuple[str, bool] | None = None


#: how deep a statement may nest literals, parentheses, NOT and functions: twice the 32 levels an
#: attribute value may have, far from the interpreter's recursion limit this recursive parser
#: and the evaluator would reach (a statement of 8,192 characters holds 4,096 ``[``)
MAX_NESTING = 64


class PartiQLParser:
    def __init__(self, src: str, parameters: list[Any] | None) -> None:
        self.toks = tokenize(src)
        self.pos = 0
        self.params = [validate_value(p) for p in (parameters or [])]
        self.used_params = 0
        self.depth = 0

    def nest(self, value: bool = False) -> None:
        """One level deeper (a literal's list, map or set when ``value``); too deep is refused."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            if value:
                raise _error("Nesting Levels have exceeded supported limits")
            self.pos -= 1  # the token that opened the level
            raise self.fail()

    @property
    def tok(self) -> Tok:
        return self.toks[self.pos]

    def fail(self) -> DynamoValidation:
        t = self.tok
        what = "<EOF>" if t.kind == "EOF" else t.text
        return _error(f"Statement wasn't well formed, can't be processed: Unexpected token: {what}")

    def kw(self, word: str) -> bool:
        if self.tok.kind == "IDENT" and self.tok.text.upper() == word:
            self.pos += 1
            return True
        return False

    def need_kw(self, word: str) -> None:
        if not self.kw(word):
            raise self.fail()

    def sym(self, s: str) -> bool:
        if self.tok.kind == "SYM" and self.tok.text == s:
            self.pos += 1
            return True
        return False

    def need_sym(self, s: str) -> None:
        if not self.sym(s):
            raise self.fail()

    # -- statements -------------------------------------------------------------------------

    def statement(self) -> Statement:
        if self.kw("SELECT"):
            st = self.select()
        elif self.kw("INSERT"):
            st = self.insert()
        elif self.kw("UPDATE"):
            st = self.update()
        elif self.kw("DELETE"):
            st = self.delete()
        else:
            raise self.fail()
        self.sym(";")
        if self.tok.kind != "EOF":
            raise self.fail()
        if self.used_params != len(self.params):
            raise _error("Number of parameters in request and statement don't match.")
        return st

    def name(self) -> str:
        t = self.tok
        if t.kind in ("IDENT", "QIDENT"):
            self.pos += 1
            return t.text
        raise self.fail()

    def target(self) -> tuple[str, str | None]:
        table = self.name()
        index = None
        if self.sym("."):
            index = self.name()
        return table, index

    def select(self) -> Statement:
        projection: list[Path] | None = None
        if not self.sym("*"):
            projection = [self.path()]
            while self.sym(","):
                projection.append(self.path())
        self.need_kw("FROM")
        table, index = self.target()
        where = self.condition() if self.kw("WHERE") else None
        st = Statement("SELECT", table, index, projection, where)
        if self.kw("ORDER"):
            self.need_kw("BY")
            attribute = self.name()
            descending = self.kw("DESC")
            if not descending:
                self.kw("ASC")
            st.order_by = (attribute, not descending)
        return st

    def insert(self) -> Statement:
        self.need_kw("INTO")
        table, _ = self.target()
        self.need_kw("VALUE")
        value = self.value()
        if "M" not in value:
            raise _error("Unsupported operation: Inserting a non-tuple value is not supported")
        return Statement("INSERT", table, item=value["M"])

    def update(self) -> Statement:
        table, _ = self.target()
        actions: list[Node] = []
        while True:
            if self.kw("SET"):
                while True:
                    path = self.path()
                    self.need_sym("=")
                    actions.append(("SET", path, self.set_value()))
                    if not self.sym(","):
                        break
            elif self.kw("REMOVE"):
                while True:
                    actions.append(("REMOVE", self.path(), None))
                    if not self.sym(","):
                        break
            else:
                break
        if not actions:
            raise self.fail()
        self.need_kw("WHERE")
        where = self.condition()
        return Statement("UPDATE", table, where=where, actions=actions, returning=self.returning())

    def delete(self) -> Statement:
        self.need_kw("FROM")
        table, _ = self.target()
        self.need_kw("WHERE")
        where = self.condition()
        return Statement("DELETE", table, where=where, returning=self.returning())

    def returning(self) -> str | None:
        if not self.kw("RETURNING"):
            return None
        scope = "ALL" if self.kw("ALL") else "MODIFIED" if self.kw("MODIFIED") else None
        if scope is None:
            raise self.fail()
        age = "OLD" if self.kw("OLD") else "NEW" if self.kw("NEW") else None
        if age is None:
            raise self.fail()
        self.need_sym("*")
        return f"{scope}_{age}"

    # -- values, paths, conditions ----------------------------------------------------------

    def path(self) -> Path:
        elems: list[str | int] = [self.name()]
        while True:
            if self.sym("."):
                elems.append(self.name())
            elif self.sym("["):
                t = self.tok
                if t.kind == "NUM" and t.text.isdigit():
                    elems.append(int(t.text))
                elif t.kind == "STR":
                    elems.append(t.text)
                else:
                    raise self.fail()
                self.pos += 1
                self.need_sym("]")
            else:
                return tuple(elems)

    def value(self) -> AV:
        t = self.tok
        if t.kind == "STR":
            self.pos += 1
            return {"S": t.text}
        if t.kind == "NUM" or (t.kind == "SYM" and t.text == "-" and self.toks[self.pos + 1].kind == "NUM"):
            neg = t.text == "-"
            if neg:
                self.pos += 1
            text = self.tok.text
            self.pos += 1
            return validate_value({"N": ("-" if neg else "") + text})
        if self.sym("?"):
            if self.used_params >= len(self.params):
                raise _error("Number of parameters in request and statement don't match.")
            self.used_params += 1
            return self.params[self.used_params - 1]
        if t.kind == "IDENT" and t.text.upper() in ("TRUE", "FALSE"):
            self.pos += 1
            return {"BOOL": t.text.upper() == "TRUE"}
        if t.kind == "IDENT" and t.text.upper() == "NULL":
            self.pos += 1
            return {"NULL": True}
        if self.sym("{"):
            self.nest(value=True)
            out: dict[str, AV] = {}
            if not self.sym("}"):
                while True:
                    k = self.tok
                    if k.kind not in ("STR", "QIDENT"):
                        raise self.fail()
                    self.pos += 1
                    self.need_sym(":")
                    out[k.text] = self.value()
                    if self.sym("}"):
                        break
                    self.need_sym(",")
            self.depth -= 1
            return {"M": out}
        if self.sym("["):
            self.nest(value=True)
            items = self.value_list("]")
            self.depth -= 1
            return {"L": items}
        if self.sym("<<"):
            self.nest(value=True)
            items = self.value_list(">>")
            self.depth -= 1
            if not items:
                raise _error("One or more parameter values were invalid: An string set  may not be empty")
            kinds = {type_of(v) for v in items}
            if len(kinds) != 1 or next(iter(kinds)) not in ("S", "N", "B"):
                raise _error("Unsupported operation: set elements must all be strings, numbers or binaries")
            t0 = next(iter(kinds))
            return validate_value({t0 + "S": [v[t0] for v in items]})
        raise self.fail()

    def value_list(self, close: str) -> list[AV]:
        items: list[AV] = []
        if self.sym(close):
            return items
        while True:
            items.append(self.value())
            if self.sym(close):
                return items
            self.need_sym(",")

    def is_value_start(self) -> bool:
        t = self.tok
        return (
            t.kind in ("STR", "NUM")
            or (t.kind == "SYM" and t.text in ("?", "{", "[", "<<", "-"))
            or (t.kind == "IDENT" and t.text.upper() in ("TRUE", "FALSE", "NULL"))
        )

    def operand(self) -> Node:
        if self.is_value_start():
            return ("value", self.value())
        if (
            self.tok.kind == "IDENT"
            and self.tok.text.lower() == "size"
            and self.toks[self.pos + 1].text == "("
        ):
            self.pos += 2
            p = self.path()
            self.need_sym(")")
            return ("size", ("path", p))
        return ("path", self.path())

    def set_value(self) -> Node:
        if (
            self.tok.kind == "IDENT"
            and self.tok.text.lower() in ("list_append", "if_not_exists")
            and self.toks[self.pos + 1].text == "("
        ):
            fn = self.tok.text.lower()
            self.pos += 2
            self.nest()
            a = self.set_value()
            self.need_sym(",")
            b = self.set_value()
            self.need_sym(")")
            self.depth -= 1
            return (fn, a, b)
        left = self.operand()
        if self.tok.kind == "SYM" and self.tok.text in ("+", "-"):
            op = self.tok.text
            self.pos += 1
            return (op, left, self.operand())
        return left

    def condition(self) -> Node:
        node = self.and_cond()
        while self.kw("OR"):
            node = ("or", node, self.and_cond())
        return node

    def and_cond(self) -> Node:
        node = self.not_cond()
        while self.kw("AND"):
            node = ("and", node, self.not_cond())
        return node

    def not_cond(self) -> Node:
        if self.kw("NOT"):
            self.nest()
            node = self.not_cond()
            self.depth -= 1
            return ("not", node)
        return self.primary()

    def primary(self) -> Node:
        if self.sym("("):
            self.nest()
            node = self.condition()
            self.need_sym(")")
            self.depth -= 1
            return node
        t = self.tok
        if (
            t.kind == "IDENT"
            and t.text.lower() in ("begins_with", "contains", "attribute_type", "exists")
            and self.toks[self.pos + 1].text == "("
        ):
            fn = t.text.lower()
            self.pos += 2
            p = ("path", self.path())
            if fn == "exists":
                self.need_sym(")")
                return ("func", "attribute_exists", [p])
            self.need_sym(",")
            arg = self.operand()
            self.need_sym(")")
            return ("func", fn, [p, arg])
        left = self.operand()
        if self.tok.kind == "SYM" and self.tok.text in ("=", "<>", "!=", "<", "<=", ">", ">="):
            op = "<>" if self.tok.text == "!=" else self.tok.text
            self.pos += 1
            return ("cmp", op, left, self.operand())
        if self.kw("BETWEEN"):
            lo = self.operand()
            self.need_kw("AND")
            return ("between", left, lo, self.operand())
        if self.kw("IN"):
            if self.sym("["):
                values = self.value_list("]")
            else:
                self.need_sym("(")
                values = self.value_list(")")
            return ("in", left, [("value", v) for v in values])
        if self.kw("IS"):
            negate = self.kw("NOT")
            if self.kw("MISSING"):
                node = ("func", "attribute_not_exists", [left])
            elif self.kw("NULL"):
                node = ("func", "attribute_type", [left, ("value", {"S": "NULL"})])
            else:
                raise self.fail()
            return ("not", node) if negate else node
        raise self.fail()


def parse(statement: str, parameters: list[Any] | None) -> Statement:
    return PartiQLParser(statement, parameters).statement()


# -- execution ----------------------------------------------------------------------------------


def _table(ctx: RequestContext, name: str) -> TableInfo:
    table = find_table(ctx, name)
    if table is None:
        raise ResourceNotFound()
    return table


def _equalities(node: Node | None) -> dict[str, AV]:
    """Top-level ``attr = value`` conjuncts of a WHERE clause."""
    out: dict[str, AV] = {}
    if node is None:
        return out
    if node[0] == "and":
        out.update(_equalities(node[1]))
        out.update(_equalities(node[2]))
    elif node[0] == "cmp" and node[1] == "=":
        a, b = node[2], node[3]
        if a[0] == "value" and b[0] == "path":
            a, b = b, a
        if a[0] == "path" and len(a[1]) == 1 and b[0] == "value":
            out[a[1][0]] = b[1]
    return out


def _full_key(table: TableInfo, where: Node | None) -> Item:
    eq = _equalities(where)
    key = {}
    for name, typ in table.key_types():
        if name not in eq or type_of(eq[name]) != typ:
            raise _error("Where clause does not contain a mandatory equality on all key attributes")
        key[name] = eq[name]
    return key


def _scope(target: Target) -> str:
    """What a SELECT's page token belongs to: its table or index (any ORDER BY may follow it)."""
    return f"ExecuteStatement {target.table.arn} {target.index.name if target.index else ''}"


def _start(target: Target, token: str) -> Item:
    """The key a SELECT's page continues after."""

    def bad(_: str) -> DynamoValidation:
        return _error("Invalid NextToken")

    values = pager.decode(token, _scope(target), bad)
    try:
        start = _start_key(target, values[0]) if len(values) == 1 and isinstance(values[0], dict) else None
    except (DynamoValidation, TypeError, KeyError, AttributeError):
        start = None
    if start is None:
        raise bad(token)
    return start


def run_select(
    ctx: RequestContext, st: Statement, limit: int | None, next_token: str | None
) -> dict[str, Any]:
    table = _table(ctx, st.table)
    index = None
    if st.index:
        index = table.indexes.get(st.index)
        if index is None:
            raise _error(f"The table does not have the specified index: {st.index}")
    target = Target(table, index)
    eq = _equalities(st.where)
    start = _start(target, next_token) if next_token else None
    # (an index with a multi-attribute key is read whole: its partition is stored otherwise)
    hash_value = None if index is not None and index.composite else eq.get(target.hash_key)
    one_partition = hash_value is not None and type_of(hash_value) == target.hash_type
    forward = _order(st, target, one_partition)
    if one_partition and hash_value is not None:
        ipk = partition_text(hash_value)
        if index is None:
            where: list[Clause] = [
                (ITEMS.c.table_id, operator.eq, table.id),
                (ITEMS.c.h, operator.eq, partition_hash(ipk)),
                (ITEMS.c.pk, operator.eq, ipk),
            ]
            order = [ITEMS.c.sk]
            after: tuple[Any, ...] | None = (table.storage_key(start)[2],) if start else None
        else:
            where = [
                (ENTRIES.c.table_id, operator.eq, table.id),
                (ENTRIES.c.index_name, operator.eq, index.name),
                (ENTRIES.c.ih, operator.eq, partition_hash(ipk)),
                (ENTRIES.c.ipk, operator.eq, ipk),
            ]
            order = [ENTRIES.c.isk, ENTRIES.c.h, ENTRIES.c.pk, ENTRIES.c.sk]
            after = _index_after(target, start)[2:] if start else None
    else:
        if index is None:
            where = [(ITEMS.c.table_id, operator.eq, table.id)]
            order = [ITEMS.c.h, ITEMS.c.pk, ITEMS.c.sk]
            after = table.storage_key(start) if start else None
        else:
            where = [(ENTRIES.c.table_id, operator.eq, table.id), (ENTRIES.c.index_name, operator.eq, index.name)]
            order = [ENTRIES.c.ih, ENTRIES.c.ipk, ENTRIES.c.isk, ENTRIES.c.h, ENTRIES.c.pk, ENTRIES.c.sk]
            after = _index_after(target, start) if start else None
    items: list[Item] = []
    scanned = 0
    last: Item | None = None
    more = False
    for item, _size in _rows(ctx, target, where, order, forward, after, limit):
        if limit is not None and scanned >= limit:
            more = True
            break
        view = target.projected(item)
        scanned += 1  # noqa: SIM113
        last = view
        if st.where is None or evaluate(st.where, view):
            items.append(project(view, st.projection) if st.projection else view)
    out: dict[str, Any] = {"Items": items}
    if more and last is not None:
        out["NextToken"] = pager.encode(_scope(target), [target.last_key(last)])
        out["LastEvaluatedKey"] = target.last_key(last)
    return out


def _order(st: Statement, target: Target, one_partition: bool) -> bool:
    """Whether a SELECT reads forward: ORDER BY orders one partition (an equality on the
    partition key in WHERE) by its sort key."""
    if st.order_by is None:
        return True
    attribute, ascending = st.order_by
    if st.where is None or not one_partition:
        raise _error("Must have WHERE clause in the statement when using ORDER BY clause.")
    if attribute not in (target.hash_key, target.range_key):
        raise _error(f"Variable reference [{attribute}] in ORDER BY clause must be part of the primary key")
    return ascending or attribute == target.hash_key


def _index_after(target: Target, start: Item) -> tuple[Any, ...]:
    from .query import _storage_start

    return _storage_start(target, start)


def _write_plan(ctx: RequestContext, st: Statement) -> Plan:
    table = _table(ctx, st.table)
    if st.kind == "INSERT":
        assert st.item is not None
        item = validate_item(st.item)
        table.check_item_keys(item)
        cond = ("func", "attribute_not_exists", [("path", (table.hash_key,))])
        return ("Put", table, table.key_of(item), item, cond, None, "DuplicateItem")
    key = _full_key(table, st.where)
    exists: Node = ("func", "attribute_exists", [("path", (table.hash_key,))])
    cond = exists if st.where is None else ("and", exists, st.where)
    if st.kind == "UPDATE":
        return ("Update", table, key, st.actions, cond, None, "ConditionalCheckFailed")
    return ("Delete", table, key, None, st.where, None, "ConditionalCheckFailed")


def run_write(ctx: RequestContext, st: Statement, on_fail: str | None = None) -> list[Item]:
    table = _table(ctx, st.table)
    if st.kind == "INSERT":
        assert st.item is not None
        item = validate_item(st.item)
        table.check_item_keys(item)
        check_item_size(item)
        key = table.storage_key(item)
        storage.purge_expired(ctx, table)
        old = storage.read_item(ctx, table, key)
        if old is not None:
            raise DuplicateItem()
        storage.write_item(ctx, table, key, None, item)
        return []
    key_item = _full_key(table, st.where)
    key = table.storage_key(key_item)
    storage.purge_expired(ctx, table)
    old = storage.read_item(ctx, table, key)
    if st.kind == "DELETE":
        if old is None:
            return []
        check_condition(st.where, old, on_fail)
        storage.write_item(ctx, table, key, old, None)
        return [old] if st.returning == "ALL_OLD" else []
    if old is None:
        raise ConditionalCheckFailed()
    check_condition(st.where, old, on_fail)
    keys = set(table.key_names)
    for action in st.actions:
        if action[1][0] in keys:
            raise _error(
                f"One or more parameter values were invalid: Cannot update attribute {action[1][0]}. "
                "This attribute is part of the key"
            )
    new = apply_update(old, st.actions)
    table.check_item_keys(new)
    check_item_size(new)
    storage.write_item(ctx, table, key, old, new)
    paths = [a[1] for a in st.actions]
    if st.returning == "ALL_OLD":
        return [old]
    if st.returning == "ALL_NEW":
        return [new]
    if st.returning == "MODIFIED_OLD":
        return [project(old, paths)]
    if st.returning == "MODIFIED_NEW":
        return [project(new, paths)]
    return []


@handler("dynamodb", "ExecuteStatement", write=True)
def execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    st = parse(params["Statement"], params.get("Parameters"))
    if st.kind == "SELECT":
        limit = params.get("Limit")
        return run_select(ctx, st, int(limit) if limit else None, params.get("NextToken"))
    return {"Items": run_write(ctx, st, params.get("ReturnValuesOnConditionCheckFailure"))}


def _error_code(exc: AwsError) -> str:
    code = exc.code
    if code.endswith("Exception"):
        code = code[: -len("Exception")]
    return {"Validation": "ValidationError"}.get(code, code)


@handler("dynamodb", "BatchExecuteStatement", write=True)
def batch_execute_statement(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    statements = params["Statements"]
    if len(statements) > 25:
        raise _error(
            "1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must "
            "have length less than or equal to 25"
        )
    parsed = []
    for req in statements:
        st = parse(req["Statement"], req.get("Parameters"))
        parsed.append(st)
    kinds = {st.kind == "SELECT" for st in parsed}
    if len(kinds) > 1:
        raise _error("Unsupported operation: Mixing read and write operations is not supported in a batch")
    responses: list[dict[str, Any]] = []
    for req, st in zip(statements, parsed, strict=True):
        try:
            table = _table(ctx, st.table)
            if st.kind == "SELECT":
                key = _full_key(table, st.where)
                item = storage.read_item(ctx, table, table.storage_key(key))
                resp: dict[str, Any] = {"TableName": table.name}
                if item is not None and (st.where is None or evaluate(st.where, item)):
                    resp["Item"] = project(item, st.projection) if st.projection else item
                responses.append(resp)
            else:
                run_write(ctx, st, req.get("ReturnValuesOnConditionCheckFailure"))
                responses.append({"TableName": table.name})
        except AwsError as exc:
            err: dict[str, Any] = {"Code": _error_code(exc), "Message": exc.message}
            if "Item" in exc.fields:
                err["Item"] = exc.fields["Item"]
            responses.append({"Error": err, "TableName": st.table})
    return {"Responses": responses}


@handler("dynamodb", "ExecuteTransaction", write=True)
def execute_transaction(ctx: RequestContext, params: dict[str, Any]) -> dict[str, Any]:
    statements = params["TransactStatements"]
    if len(statements) > 100:
        raise _error("Member must have length less than or equal to 100")
    parsed = [parse(req["Statement"], req.get("Parameters")) for req in statements]
    reads = [st.kind == "SELECT" for st in parsed]
    if any(reads) and not all(reads):
        raise _error(
            "Unsupported operation: Mixing read and write operations is not supported in a transaction"
        )
    token = params.get("ClientRequestToken")
    if token and _check_token(ctx, token, _digest(statements)):
        return {}
    if all(reads):
        responses = []
        for st in parsed:
            table = _table(ctx, st.table)
            key = _full_key(table, st.where)
            item = storage.read_item(ctx, table, table.storage_key(key))
            responses.append(
                {"Item": project(item, st.projection) if st.projection else item} if item else {}
            )
        return {"Responses": responses}
    plans = [_write_plan(ctx, st) for st in parsed]
    execute_plans(ctx, plans)
    return {}
