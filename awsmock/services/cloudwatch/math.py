"""Metric math for GetMetricData (and alarms on math): arithmetic (``+ - * / ^``, unary minus)
on time series, arrays of them and numbers; ``SUM``, ``AVG``, ``MIN``, ``MAX``, ``ABS``,
``CEIL``, ``FLOOR``; ``ANOMALY_DETECTION_BAND`` (empty: no model is trained); ``METRICS()`` and ``METRICS("text")`` (the request's metric queries, those
whose id holds the text); ``FILL(series, value | REPEAT | LINEAR)``.

A time series is ``{period start ms: value}``. Arithmetic on two series keeps the timestamps
both have; a result that is not a finite number (a division by zero) is left out, as AWS
leaves it out. An aggregate of an array is a series (per timestamp, over the series that have
one); of a single series it is a number.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import InvalidParameterValueException

Series = dict[int, float]
Value = float | Series | list[Series] | str

MAX_EXPRESSION = 2048
MAX_DEPTH = 50
TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<str>\"[^\"]*\"|'[^']*')|(?P<op>[-+*/^(),]))"
)


@dataclass
class Environment:
    #: an id -> its series (None: no such query)
    lookup: Callable[[str], Series | None]
    #: the period starts of the query's range (what FILL fills)
    grid: Sequence[int]
    #: the ids of the request's metric queries, in order (METRICS())
    metric_ids: Sequence[str]


def _error(qid: str, text: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(f"Error in expression {qid}: {text}")


def _tokens(expression: str, qid: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = expression.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise _error(qid, f"Unrecognized token at position {pos + 1}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def _binary(left: Value, right: Value, fn: Callable[[float, float], float], qid: str) -> Value:
    if isinstance(left, str) or isinstance(right, str):
        raise _error(qid, "A string cannot be used in arithmetic")
    if isinstance(left, list):
        return [_series(_binary(item, right, fn, qid)) for item in left]
    if isinstance(right, list):
        return [_series(_binary(left, item, fn, qid)) for item in right]
    if isinstance(left, dict) and isinstance(right, dict):
        pairs = ((ts, left[ts], right[ts]) for ts in left if ts in right)
    elif isinstance(left, dict):
        pairs = ((ts, v, float(right)) for ts, v in left.items())  # type: ignore[arg-type]
    elif isinstance(right, dict):
        pairs = ((ts, float(left), v) for ts, v in right.items())
    else:
        return _finite(fn, left, right)
    out: Series = {}
    for ts, a, b in pairs:
        value = _finite(fn, a, b)
        if not math.isnan(value):
            out[ts] = value
    return out


def _finite(fn: Callable[[float, float], float], a: float, b: float) -> float:
    try:
        value = fn(a, b)
    except (ZeroDivisionError, OverflowError, ValueError):
        return math.nan
    if isinstance(value, complex) or math.isinf(value):
        return math.nan
    return float(value)


def _series(value: Value) -> Series:
    if isinstance(value, dict):
        return value
    raise InvalidParameterValueException("Metric math: an array element must be a time series.")


def _aggregate(name: str, value: Value, qid: str) -> Value:
    reducers: dict[str, Callable[[list[float]], float]] = {
        "SUM": lambda xs: float(sum(xs)),
        "AVG": lambda xs: sum(xs) / len(xs),
        "MIN": min,
        "MAX": max,
    }
    reduce = reducers[name]
    if isinstance(value, list):
        stamps = sorted({ts for s in value for ts in s})
        return {ts: reduce([s[ts] for s in value if ts in s]) for ts in stamps}
    if isinstance(value, dict):
        return reduce(list(value.values())) if value else math.nan
    raise _error(qid, f"{name} expects a time series or an array of time series")


def _fill(series: Series, how: Value, grid: Sequence[int], qid: str) -> Series:
    if isinstance(how, (dict, list)):
        raise _error(qid, "FILL expects a number, REPEAT or LINEAR")
    out: Series = dict(series)
    if isinstance(how, float):
        for ts in grid:
            out.setdefault(ts, how)
        return dict(sorted(out.items()))
    known = sorted(series.items())
    if not known:
        return {}
    if how == "REPEAT":
        last: float | None = None
        for ts in grid:
            if ts in series:
                last = series[ts]
            elif last is not None:
                out[ts] = last
            else:
                out[ts] = known[0][1]
        return dict(sorted(out.items()))
    if how == "LINEAR":
        for ts in grid:
            if ts in series:
                continue
            before = [(t, v) for t, v in known if t < ts]
            after = [(t, v) for t, v in known if t > ts]
            if before and after:
                (t0, v0), (t1, v1) = before[-1], after[0]
                out[ts] = v0 + (v1 - v0) * (ts - t0) / (t1 - t0)
            else:
                out[ts] = (before[-1] if before else after[0])[1]
        return dict(sorted(out.items()))
    raise _error(qid, "FILL expects a number, REPEAT or LINEAR")


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], env: Environment, qid: str) -> None:
        self.tokens, self.env, self.qid, self.pos, self.depth = tokens, env, qid, 0, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, text: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (text is not None and token[1] != text):
            raise _error(self.qid, f"expected {text or 'a value'}")
        self.pos += 1
        return token

    def expr(self) -> Value:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _error(self.qid, "the expression is nested too deeply")
        value = self.term()
        while (t := self.peek()) is not None and t[1] in "+-" and t[0] == "op":
            self.pos += 1
            fn = operator.add if t[1] == "+" else operator.sub
            value = _binary(value, self.term(), fn, self.qid)
        self.depth -= 1
        return value

    def term(self) -> Value:
        value = self.unary()
        while (t := self.peek()) is not None and t[1] in "*/" and t[0] == "op":
            self.pos += 1
            fn = operator.mul if t[1] == "*" else operator.truediv
            value = _binary(value, self.unary(), fn, self.qid)
        return value

    def unary(self) -> Value:
        t = self.peek()
        if t is not None and t == ("op", "-"):
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _error(self.qid, "the expression is nested too deeply")
            value = _binary(-1.0, self.unary(), operator.mul, self.qid)
            self.depth -= 1
            return value
        value = self.atom()
        if (t := self.peek()) is not None and t == ("op", "^"):
            self.pos += 1
            value = _binary(value, self.unary(), operator.pow, self.qid)
        return value

    def atom(self) -> Value:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1]
        if kind == "op" and text == "(":
            value = self.expr()
            self.take(")")
            return value
        if kind != "id":
            raise _error(self.qid, f"unexpected {text}")
        if (t := self.peek()) is not None and t == ("op", "("):
            self.pos += 1
            args: list[Value] = []
            if self.peek() != ("op", ")"):
                args.append(self.expr())
                while self.peek() == ("op", ","):
                    self.pos += 1
                    args.append(self.expr())
            self.take(")")
            return self.call(text.upper(), args)
        if text in ("REPEAT", "LINEAR"):
            return text
        series = self.env.lookup(text)
        if series is None:
            raise _error(self.qid, f"Unrecognized id {text}")
        return series

    def call(self, name: str, args: list[Value]) -> Value:
        if name == "METRICS":
            if len(args) > 1 or (args and not isinstance(args[0], str)):
                raise _error(self.qid, "METRICS takes at most one string")
            text = args[0] if args else ""
            return [
                s for qid in self.env.metric_ids if str(text) in qid and (s := self.env.lookup(qid)) is not None
            ]
        if name in ("SUM", "AVG", "MIN", "MAX"):
            if len(args) != 1:
                raise _error(self.qid, f"{name} takes one argument")
            return _aggregate(name, args[0], self.qid)
        if name in ("ABS", "CEIL", "FLOOR"):
            if len(args) != 1:
                raise _error(self.qid, f"{name} takes one argument")
            unary: dict[str, Callable[[float], float]] = {"ABS": abs, "CEIL": math.ceil, "FLOOR": math.floor}
            fn = unary[name]
            return _binary(args[0], 0.0, lambda a, _b: float(fn(a)), self.qid)
        if name == "ANOMALY_DETECTION_BAND":
            # the band of a trained model: awsmock trains none (its anomaly detectors stay
            # PENDING_TRAINING), and AWS draws no band while a model trains
            if not 1 <= len(args) <= 2 or not isinstance(args[0], dict):
                raise _error(self.qid, "ANOMALY_DETECTION_BAND takes a time series and a number of deviations")
            return {}
        if name == "FILL":
            if len(args) != 2:
                raise _error(self.qid, "FILL takes two arguments")
            target, how = args
            if isinstance(target, list):
                return [_fill(s, how, self.env.grid, self.qid) for s in target]
            if not isinstance(target, dict):
                raise _error(self.qid, "FILL expects a time series or an array of time series")
            return _fill(target, how, self.env.grid, self.qid)
        raise _error(self.qid, f"Unsupported function {name}")


def evaluate(expression: Any, env: Environment, qid: str) -> Series:
    """The time series an expression makes (a number is that value at every period)."""
    if not isinstance(expression, str) or not expression.strip():
        raise InvalidParameterValueException(f"The expression of {qid} must not be empty.")
    if len(expression) > MAX_EXPRESSION:
        raise InvalidParameterValueException(
            f"The expression of {qid} must not be longer than {MAX_EXPRESSION} characters."
        )
    parser = _Parser(_tokens(expression, qid), env, qid)
    value = parser.expr()
    if parser.peek() is not None:
        raise _error(qid, f"unexpected {parser.peek()[1]}")  # type: ignore[index]
    if isinstance(value, list):
        if len(value) != 1:
            raise _error(qid, "the expression must return a single time series")
        value = value[0]
    if isinstance(value, str):
        raise _error(qid, "the expression must return a time series")
    if isinstance(value, float):
        return {} if math.isnan(value) else {ts: value for ts in env.grid}
    return dict(value)
