"""AttributeValues: validation, exact numbers, sizes, equality, storage and sort-key encodings.

An AttributeValue is the dict boto3 takes: ``{"S": "x"}``, ``{"N": "1.5"}``, ``{"B": b"..."}``,
``{"SS": [...]}``, ``{"NS": [...]}``, ``{"BS": [...]}``, ``{"M": {...}}``, ``{"L": [...]}``,
``{"NULL": True}``, ``{"BOOL": False}``. Numbers are decimal strings, kept exact (38 significant
digits) and canonicalised on the way in (``"01.50"`` -> ``"1.5"``).
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from collections.abc import Callable
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from typing import Any

from awsmock.state import jsontext

from .errors import DynamoValidation, invalid

Item = dict[str, Any]
AV = dict[str, Any]

TYPES = ("S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL")
SET_TYPES = {"SS": "S", "NS": "N", "BS": "B"}
SET_NAMES = {"SS": "string", "NS": "number", "BS": "binary"}
MAX_ITEM_SIZE = 400 * 1024
MAX_DEPTH = 32

_PLAIN_INT = re.compile(r"-?[1-9][0-9]{0,37}|0")
_CTX = Context(
    prec=80, traps=[InvalidOperation, Inexact, Rounded]
)  # wide enough that a 38-digit result is exact before it is checked


# -- numbers ---------------------------------------------------------------------------------


def parse_number(text: Any) -> Decimal:
    """A DynamoDB number as a :class:`Decimal`, range- and precision-checked."""
    if not isinstance(text, str) or not text or text != text.strip():
        raise DynamoValidation("A value provided cannot be converted into a number")
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise DynamoValidation("A value provided cannot be converted into a number") from None
    if not d.is_finite():
        raise DynamoValidation("A value provided cannot be converted into a number")
    return check_number(d)


def check_number(d: Decimal) -> Decimal:
    if d.is_zero():
        return Decimal(0)
    # Reliability fix: a coefficient longer than _CTX.prec ("1" and 5000 zeros, "1e9999999")
    # tripped the Rounded trap inside normalize() and answered 500. Range-check the exact value
    # first, and drop trailing zeros without rounding before normalizing.
    if d.adjusted() > 125:
        raise DynamoValidation(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if d.adjusted() < -130:
        raise DynamoValidation(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    sign, digits, exponent = d.as_tuple()
    if len(digits) > _CTX.prec:
        stripped = len(digits) - len(bytes(digits).rstrip(b"\0"))
        if len(digits) - stripped > 38:
            raise DynamoValidation("Attempting to store more than 38 significant digits in a Number")
        d = Decimal((sign, digits[: len(digits) - stripped], int(exponent) + stripped))
    d = d.normalize(_CTX)
    if len(d.as_tuple().digits) > 38:
        raise DynamoValidation("Attempting to store more than 38 significant digits in a Number")
    adj = d.adjusted()
    if adj > 125:
        raise DynamoValidation(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if adj < -130:
        raise DynamoValidation(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    return d


def format_number(d: Decimal) -> str:
    if d.is_zero():
        return "0"
    return format(d, "f")


def canonical_number(text: Any) -> str:
    return format_number(parse_number(text))


def add_numbers(a: str, b: str, subtract: bool = False) -> str:
    x, y = Decimal(a), Decimal(b)
    try:
        r = _CTX.subtract(x, y) if subtract else _CTX.add(x, y)
    except (Inexact, Rounded):
        raise DynamoValidation("Attempting to store more than 38 significant digits in a Number") from None
    return format_number(check_number(r))


# -- validation ------------------------------------------------------------------------------


def _type_of(av: Any) -> str:
    if not isinstance(av, dict) or not av:
        raise DynamoValidation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    if len(av) > 1:
        raise DynamoValidation(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    (t,) = av
    if t not in TYPES:
        raise DynamoValidation(
            "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
        )
    return t


def type_of(av: AV) -> str:
    """The type letter of a (valid) AttributeValue."""
    return next(iter(av))


def validate_value(av: Any, depth: int = 0) -> AV:
    """A validated, canonical AttributeValue (``av`` itself when it already is one)."""
    if type(av) is dict and len(av) == 1:
        t, v = next(iter(av.items()))
        if t == "S" and type(v) is str:
            return av
        if t == "N" and type(v) is str and _PLAIN_INT.fullmatch(v):
            return av
    t = _type_of(av)
    v = av[t]
    if t == "S":
        if not isinstance(v, str):
            raise DynamoValidation("A value provided cannot be converted into a string")
        return {"S": v}
    if t == "N":
        return {"N": canonical_number(v)}
    if t == "B":
        if isinstance(v, str):
            v = v.encode()
        return {"B": bytes(v)}
    if t == "BOOL":
        return {"BOOL": bool(v)}
    if t == "NULL":
        if v is not True:
            raise invalid("Null attribute value types must have the value of true")
        return {"NULL": True}
    if t in SET_TYPES:
        if not isinstance(v, (list, tuple, set)):
            raise DynamoValidation("A value provided cannot be converted into a set")
        if not v:
            raise invalid(f"An {SET_NAMES[t]} set  may not be empty")
        if t == "SS":
            out: list[Any] = [str(x) for x in v]
            keys: list[Any] = out
        elif t == "NS":
            out = [canonical_number(x) for x in v]
            keys = [Decimal(x) for x in out]
        else:
            out = [x.encode() if isinstance(x, str) else bytes(x) for x in v]
            keys = out
        if len(set(keys)) != len(keys):
            shown = ", ".join(str(x) for x in v)
            raise invalid(f"Input collection [{shown}] contains duplicates.")
        return {t: out}
    if depth >= MAX_DEPTH:
        raise DynamoValidation("Nesting Levels have exceeded supported limits")
    if t == "L":
        if not isinstance(v, (list, tuple)):
            raise DynamoValidation("A value provided cannot be converted into a list")
        return {"L": [validate_value(x, depth + 1) for x in v]}
    if not isinstance(v, dict):
        raise DynamoValidation("A value provided cannot be converted into a map")
    return {"M": {str(k): validate_value(x, depth + 1) for k, x in v.items()}}


def validate_item(item: Any) -> Item:
    if not isinstance(item, dict):
        raise DynamoValidation("Item must be a map")
    return {k: validate_value(v) for k, v in item.items()}


# -- sizes -----------------------------------------------------------------------------------


def value_size(av: AV) -> int:
    t = type_of(av)
    v = av[t]
    if t == "S":
        return len(v.encode("utf-8"))
    if t == "N":
        return _number_size(v)
    if t == "B":
        return len(v)
    if t in ("BOOL", "NULL"):
        return 1
    if t == "SS":
        return sum(len(x.encode("utf-8")) for x in v)
    if t == "NS":
        return sum(_number_size(x) for x in v)
    if t == "BS":
        return sum(len(x) for x in v)
    if t == "L":
        return 3 + sum(value_size(x) + 1 for x in v)
    return 3 + sum(len(k.encode("utf-8")) + value_size(x) + 1 for k, x in v.items())


def _number_size(text: str) -> int:
    if text.isascii():
        digits = sum(map(text.count, "0123456789"))
    else:
        digits = sum(1 for c in text if c.isdigit())
    return (digits + 1) // 2 + 1


def item_size(item: Item) -> int:
    return sum(len(k.encode("utf-8")) + value_size(v) for k, v in item.items())


def check_item_size(item: Item) -> int:
    size = item_size(item)
    if size > MAX_ITEM_SIZE:
        raise DynamoValidation("Item size has exceeded the maximum allowed size")
    return size


# -- comparison ------------------------------------------------------------------------------


def values_equal(a: AV | None, b: AV | None) -> bool:
    if a is None or b is None:
        return a is b
    ta, tb = type_of(a), type_of(b)
    if ta != tb:
        return False
    va, vb = a[ta], b[tb]
    if ta == "N":
        return bool(Decimal(va) == Decimal(vb))
    if ta == "NS":
        return {Decimal(x) for x in va} == {Decimal(x) for x in vb}
    if ta in ("SS", "BS"):
        return set(va) == set(vb)
    if ta == "L":
        return len(va) == len(vb) and all(values_equal(x, y) for x, y in zip(va, vb, strict=True))
    if ta == "M":
        return va.keys() == vb.keys() and all(values_equal(va[k], vb[k]) for k in va)
    return bool(va == vb)


def items_equal(a: Item | None, b: Item | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)


def scalar_key(av: AV) -> tuple[str, Any] | None:
    """``(type, comparable)`` for S/N/B values (None for the rest): for <, <=, >, >=."""
    t = type_of(av)
    if t == "S":
        return t, av[t]
    if t == "N":
        return t, Decimal(av[t])
    if t == "B":
        return t, av[t]
    return None


def copy_value(av: Any) -> Any:
    if isinstance(av, dict):
        return {k: copy_value(v) for k, v in av.items()}
    if isinstance(av, list):
        return [copy_value(v) for v in av]
    return av


def copy_item(item: Item) -> Item:
    return {k: copy_value(v) for k, v in item.items()}


# -- storage ---------------------------------------------------------------------------------


def _blob_default(obj: Any) -> Any:
    if isinstance(obj, (bytes, bytearray)):
        return base64.b64encode(obj).decode("ascii")
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _blob_hook(d: dict[str, Any]) -> dict[str, Any]:
    if len(d) == 1:
        if "B" in d and isinstance(d["B"], str):
            return {"B": base64.b64decode(d["B"])}
        if "BS" in d and isinstance(d["BS"], list):
            return {"BS": [base64.b64decode(x) for x in d["BS"]]}
    return d


# built once: json.dumps with options makes a new encoder per call
dump_item: Callable[[Item], str] = jsontext.encoder(
    separators=(",", ":"), ensure_ascii=False, default=_blob_default
)


def load_item(text: str) -> Item:
    if '"B' in text:
        return json.loads(text, object_hook=_blob_hook)  # type: ignore[no-any-return]
    return jsontext.loads(text)  # type: ignore[no-any-return]


# -- key encodings ---------------------------------------------------------------------------


def partition_text(av: AV) -> str:
    """The partition key as stored (equality only): the string, canonical number or base64."""
    t = type_of(av)
    if t == "B":
        return base64.b64encode(av["B"]).decode("ascii")
    return str(av[t])


def partition_hash(text: str) -> int:
    """A stable 31-bit hash of a stored partition key: scan order and parallel-scan segments."""
    return zlib.crc32(text.encode("utf-8")) >> 1


HASH_SPACE = 1 << 31


def sort_bytes(av: AV) -> bytes:
    """An order-preserving byte encoding of a sort-key value (bytewise order = DynamoDB order)."""
    t = type_of(av)
    if t == "S":
        return av["S"].encode("utf-8")
    if t == "B":
        return bytes(av["B"])
    return number_sort_bytes(Decimal(av["N"]))


def number_sort_bytes(d: Decimal) -> bytes:
    if d.is_zero():
        return b"\x02"
    sign, digits, _ = d.normalize(_CTX).as_tuple()
    exponent = d.adjusted() + 1 + 200  # value = 0.d1d2... x 10^(exponent-200), in 70..330
    text = "".join(map(str, digits)).rstrip("0") or "0"
    if not sign:
        return b"\x03" + exponent.to_bytes(2, "big") + text.encode("ascii")
    inverted = bytes(ord("9") + ord("0") - ord(c) for c in text)
    return b"\x01" + (1000 - exponent).to_bytes(2, "big") + inverted + b"\xff"


def decode_sort(data: bytes, typ: str) -> AV:
    """The AttributeValue of a stored sort key of type ``typ``."""
    if typ == "S":
        return {"S": data.decode("utf-8")}
    if typ == "B":
        return {"B": bytes(data)}
    if data == b"\x02":
        return {"N": "0"}
    exponent = int.from_bytes(data[1:3], "big")
    if data[0] == 3:
        digits = data[3:].decode("ascii")
        exp = exponent - 200
    else:
        digits = "".join(chr(ord("9") + ord("0") - b) for b in data[3:-1])
        exp = (1000 - exponent) - 200
    d = Decimal(f"{'-' if data[0] == 1 else ''}0.{digits}E{exp}")
    return {"N": format_number(d.normalize(_CTX))}
