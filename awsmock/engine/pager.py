"""One pager for every service's list operations: keyset pages over a query, opaque tokens.

A page continues after the last row of the one before it (``WHERE (k1, k2) > (:v1, :v2) ORDER
BY k1, k2 LIMIT n + 1``), never at an offset, so rows added or removed meanwhile neither repeat
nor vanish, and a page costs the same at the end of a long list as at its start. The token
carries the last row's key values (text, numbers, bytes, times) and the listing it belongs to
(its *scope*: the operation and what narrows it, e.g. a table's ARN), as compact JSON in
base64; a token from another listing, or one a client made up, is refused with the service's
error::

    found = pager.page(
        ctx.session,
        select(Queue).where(Queue.account_id == ctx.account_id),
        keys=(Queue.name,),
        limit=params.get("MaxResults") or 1000,
        token=params.get("NextToken"),
        scope="ListQueues",
        invalid=lambda token: InvalidParameterValue("Invalid NextToken value."),
    )
    found.rows, found.token  # the page, and the next page's token (None: the last page)

Where AWS gives its tokens a form of their own that clients check (a hex string, an integer
marker), pass ``style="hex"``. Lists a service computes in memory page the same way with
:func:`page_list`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session

from awsmock.engine.errors import AwsError
from awsmock.state import jsontext

__all__ = ["Page", "decode", "encode", "page", "page_list"]

T = TypeVar("T")

#: the longest token accepted (a token is a few key values: an S3 key of 1,024 bytes, JSON-escaped
#: and base64-encoded, takes up to about 8,200 characters)
MAX_TOKEN = 32768


@dataclass
class Page(Generic[T]):
    rows: list[T]
    #: the next page's token, None on the last page
    token: str | None


def _to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        if "t" in value:
            return dt.datetime.fromisoformat(value["t"])
        if "b" in value:
            return base64.b64decode(value["b"], validate=True)
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def encode(scope: str, values: Sequence[Any], style: str = "base64") -> str:
    """A token continuing ``scope`` after the row whose keys are ``values``."""
    raw = json.dumps(
        {"s": scope, "k": _to_json(list(values))}, separators=(",", ":"), ensure_ascii=False
    ).encode()
    return raw.hex() if style == "hex" else base64.b64encode(raw).decode()


def decode(token: str, scope: str, invalid: Callable[[str], AwsError], style: str = "base64") -> list[Any]:
    """The key values ``token`` continues after; ``invalid(token)`` when it is not one of
    ``scope``'s tokens."""
    try:
        if len(token) > MAX_TOKEN:
            raise ValueError("too long")
        raw = bytes.fromhex(token) if style == "hex" else base64.b64decode(token, validate=True)
        data = jsontext.guarded_loads(raw)  # a token a client sent back (or made up)
        values = _from_json(data["k"])
        if data["s"] != scope or not isinstance(values, list):
            raise ValueError("another listing's token")
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeError):
        raise invalid(token) from None
    return values


#: what a key column's value is once through a token (no null, boolean, list or object)
_COLUMN_VALUES = frozenset((str, int, float, bytes, dt.datetime))


def _fits(key: Any, value: Any) -> bool:
    """Whether a token's ``value`` can be compared with the column ``key`` (PostgreSQL compares
    no text with a number)."""
    if type(value) not in _COLUMN_VALUES:
        return False
    try:
        expected = key.type.python_type
    except (AttributeError, NotImplementedError):
        return True
    return isinstance(value, expected) or (expected is float and type(value) is int)


def page(
    session: Session,
    stmt: Select[Any],
    *,
    keys: Sequence[Any],
    limit: int,
    token: str | None,
    scope: str,
    invalid: Callable[[str], AwsError],
    style: str = "base64",
    scalars: bool = True,
) -> Page[Any]:
    """Up to ``limit`` rows of ``stmt`` in the order of ``keys`` (columns that together are
    unique), after the row ``token`` names. ``scalars``: rows are the selected entities."""
    if token:
        after = decode(token, scope, invalid, style)
        if len(after) != len(keys) or not all(map(_fits, keys, after)):
            raise invalid(token)  # a made-up token: the database compares a column's own values
        if len(keys) == 1:
            stmt = stmt.where(keys[0] > after[0])
        else:
            stmt = stmt.where(tuple_(*keys) > tuple_(*after))
    stmt = stmt.order_by(*keys).limit(limit + 1)
    result = session.execute(stmt)
    rows = list(result.scalars() if scalars else result.all())
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    last = rows[-1]
    values = [getattr(last, k.key) for k in keys]  # (an entity's attribute, a row's named column)
    return Page(rows, encode(scope, values, style))


def _comparable(value: Any) -> Any:
    """A key as it compares once it has been through a token (JSON makes tuples lists)."""
    return tuple(_comparable(v) for v in value) if isinstance(value, (list, tuple)) else value


def page_list(
    items: Sequence[T],
    *,
    key: Callable[[T], Any],
    limit: int,
    token: str | None,
    scope: str,
    invalid: Callable[[str], AwsError],
    style: str = "base64",
) -> Page[T]:
    """:func:`page` for a list the service computed: ``items`` sorted by ``key`` (unique)."""
    start = 0
    if token:
        after = decode(token, scope, invalid, style)
        if len(after) != 1:
            raise invalid(token)
        last = _comparable(after[0])
        try:
            start = next((i for i, item in enumerate(items) if _comparable(key(item)) > last), len(items))
        except TypeError:  # a key of another type than this listing's
            raise invalid(token) from None
    rows = list(items[start : start + limit])
    more = start + limit < len(items)
    return Page(rows, encode(scope, [key(rows[-1])], style) if more and rows else None)
